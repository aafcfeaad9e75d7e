"""Go guest programs and Go standard-library test binaries for the e2e tests.

- go_program(name): tests/guest/go/NAME/main.go built with `CGO_ENABLED=0 go build
  -trimpath` (a static binary) into build/go/<go version>/bin/NAME, rebuilt when the
  source is newer.
- go_std_test(pkg): `go test -c` of a standard-library package (static, -trimpath) into
  build/go/<go version>/std/<pkg with / as _>.test, built once per Go version: compiling
  the thirteen packages takes about a minute, so the binaries are kept across runs.
- go_root_tree(pkg): a small stand-in for $GOROOT under build/go/<go version>/root/PKG:
  src/PKG/testdata (copied from the real GOROOT) and lib/time/zoneinfo.zip, which
  Debian's Go does not ship, made here from the tzdata zone files as an uncompressed zip
  (the only kind Go's time package reads). A test binary runs with src/PKG as its working
  directory, where Go's tests expect testdata/ and ../../lib/time/zoneinfo.zip. net's
  sendfile tests also read ../testdata/Isaac.Newton-Opticks.txt: src/testdata is copied
  for the packages in SRC_TESTDATA.

Go's build cache and GOPATH live under build/ too: nothing depends on a home directory.
"""

import functools
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import BUILD, REPO, status_of

GO_SRC = REPO / "tests" / "guest" / "go"
GO_TIMEOUT = 600  # compiling a test binary on a loaded 2-core host
ZONEINFO_SRC = Path("/usr/share/zoneinfo")
SRC_TESTDATA = {"net"}  # packages whose tests read $GOROOT/src/testdata too


def go_env():
    env = dict(os.environ)
    env.update({
        "CGO_ENABLED": "0",
        "GOCACHE": str(BUILD / "go-cache"),
        "GOPATH": str(BUILD / "go-path"),
        "GOFLAGS": "",
        "GO111MODULE": "",
    })
    return env


def _go(args, cwd=None):
    try:
        r = subprocess.run(["go"] + args, capture_output=True, text=True, env=go_env(),
                           cwd=cwd, timeout=GO_TIMEOUT)
    except FileNotFoundError:
        pytest.fail("go is missing: run scripts/deps.sh (golang-go)")
    if r.returncode != 0:
        pytest.fail(f"go {' '.join(args)} failed:\n{r.stdout}{r.stderr}")
    return r.stdout


@functools.lru_cache(maxsize=None)
def go_version():
    """'go1.19.8' or the like: the key of the build/go/ directories."""
    return _go(["env", "GOVERSION"]).strip()


@functools.lru_cache(maxsize=None)
def goroot():
    return Path(_go(["env", "GOROOT"]).strip())


def go_out():
    return BUILD / "go" / go_version()


def go_program(name):
    """Path of tests/guest/go/NAME built static, building it when missing or stale."""
    src = GO_SRC / name / "main.go"
    out = go_out() / "bin" / name
    if out.exists() and out.stat().st_mtime >= src.stat().st_mtime:
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    _go(["build", "-trimpath", "-o", str(out), str(src)], cwd=src.parent)
    return out


def go_std_test(pkg):
    """Path of the `go test -c` binary of standard-library package PKG."""
    out = go_out() / "std" / (pkg.replace("/", "_") + ".test")
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(".tmp")
        _go(["test", "-c", "-trimpath", "-o", str(tmp), pkg], cwd=BUILD)
        tmp.rename(out)
    return out


def go_test_names(binary, cwd, env):
    """Every test, example and benchmark name the binary lists (run natively in CWD)."""
    r = subprocess.run([str(binary), "-test.list", ".*"], capture_output=True, text=True,
                       cwd=cwd, env=env, timeout=60)
    if r.returncode != 0:
        pytest.fail(f"{binary} -test.list failed:\n{r.stdout}{r.stderr}")
    return [n for n in r.stdout.split() if n and not n.startswith("ok")]


def run_pattern(names, excluded):
    """A -test.run pattern matching exactly NAMES minus EXCLUDED (Go 1.19 has no
    -test.skip), or None when nothing is excluded."""
    missing = set(excluded) - set(names)
    if missing:
        pytest.fail(f"excluded tests that do not exist: {sorted(missing)}")
    if not excluded:
        return None
    return "^(" + "|".join(n for n in names if n not in excluded) + ")$"


def _zoneinfo_zip(path):
    """An uncompressed zip of the TZif files under /usr/share/zoneinfo (without the
    posix/ and right/ copies), as Go's lib/time/zoneinfo.zip is."""
    if not ZONEINFO_SRC.is_dir():
        pytest.fail(f"{ZONEINFO_SRC} is missing: run scripts/deps.sh (tzdata)")
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as z:
        for d, dirs, files in os.walk(ZONEINFO_SRC):
            rel = Path(d).relative_to(ZONEINFO_SRC)
            if rel.parts and rel.parts[0] in ("posix", "right"):
                dirs[:] = []
                continue
            dirs.sort()
            for f in sorted(files):
                p = Path(d) / f
                with open(p, "rb") as fh:
                    if fh.read(4) != b"TZif":
                        continue
                z.write(p, str(p.relative_to(ZONEINFO_SRC)))
    tmp.rename(path)


def go_root_tree(pkg):
    """The stand-in GOROOT for PKG (see the module comment); returns its root."""
    root = go_out() / "root" / pkg.replace("/", "_")
    pkgdir = root / "src" / pkg
    zone = root / "lib" / "time" / "zoneinfo.zip"
    if not zone.exists():
        zone.parent.mkdir(parents=True, exist_ok=True)
        _zoneinfo_zip(zone)
    testdata = goroot() / "src" / pkg / "testdata"
    if not pkgdir.exists():
        pkgdir.mkdir(parents=True)
        if testdata.is_dir():
            shutil.copytree(testdata, pkgdir / "testdata", symlinks=True)
    if pkg in SRC_TESTDATA and not (root / "src" / "testdata").exists():
        shutil.copytree(goroot() / "src" / "testdata", root / "src" / "testdata")
    return root


def run_native_in(cwd, prog, args=(), env=None, timeout=600):
    """run_native in the working directory CWD: (status, stdout bytes, stderr text)."""
    r = subprocess.run([str(prog)] + [str(a) for a in args], stdin=subprocess.DEVNULL,
                       capture_output=True, env=env, cwd=cwd, timeout=timeout)
    return status_of(r.returncode), r.stdout, r.stderr.decode(errors="replace")
