"""Shared machinery of the end-to-end tests.

- Guest programs (tests/guest/*.c) are compiled on demand, once per session and again
  only when a source is newer than the binary, into build/guest/<variant>/<name>:
  variant "glibc" (gcc -static), "musl" (musl-gcc -static), "pie" (gcc -static-pie) and
  "dynamic" (plain gcc, for the tests that expect isle to refuse it).
- run_native() runs a program on the host, run_isle() runs it under `build/isle run`;
  both return (status, stdout bytes, stderr text) with the shell's convention for a
  process killed by signal N (128 + N), so the two can be held to the same expectation.
- Tests that take a `machine` argument run on microvm and q35 (or on the machines named
  by @pytest.mark.machines(...)); tests that take `accel` run under TCG, and also under
  KVM when `isle run --accel auto` picks KVM on this host. Nothing is skipped for lack of
  KVM: TCG always works.

Every subprocess has a timeout; a VM that outlives it is killed with its process group.
"""

import functools
import json
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "build"
# ISLE_E2E_BIN: test another isle binary (an installed one) instead of build/isle.
ISLE = Path(os.environ.get("ISLE_E2E_BIN", BUILD / "isle"))
GUEST_SRC = REPO / "tests" / "guest"
GUEST_OUT = BUILD / "guest"
# `isle run PROGRAM` keeps the images it builds in a cache (cli/cache.h): the tests' one
# lives under build/, not in the user's home.
CACHE_HOME = BUILD / "e2e-cache"
os.environ["XDG_CACHE_HOME"] = str(CACHE_HOME)

BOOT_TIMEOUT = 180  # one VM boot and run under TCG, on a loaded 2-core host
NATIVE_TIMEOUT = 60
COMPILE_TIMEOUT = 120
DEFAULT_MACHINES = ("microvm", "q35")

CFLAGS = ["-std=gnu11", "-O2", "-g", "-Wall", "-Wextra", "-Werror"]
VARIANTS = {
    "glibc": ["gcc", "-static"],
    "musl": ["musl-gcc", "-static"],
    "pie": ["gcc", "-static-pie", "-fPIE"],
    "dynamic": ["gcc"],
}


def status_of(returncode):
    """A subprocess return code as a shell reports it: 128 + N for death by signal N."""
    return 128 - returncode if returncode < 0 else returncode


def guest_binary(name, variant="glibc"):
    """Path of tests/guest/<name>.c built as <variant>, compiling it if needed."""
    src = GUEST_SRC / f"{name}.c"
    out = GUEST_OUT / variant / name
    deps = [src, GUEST_SRC / "guest.h"]
    own_header = GUEST_SRC / f"{name}.h"  # a program's own header (sysfuzz.h)
    if own_header.exists():
        deps.append(own_header)
    if out.exists() and all(out.stat().st_mtime >= d.stat().st_mtime for d in deps):
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = VARIANTS[variant] + CFLAGS + ["-o", str(out), str(src), "-lm"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=COMPILE_TIMEOUT)
    if r.returncode != 0:
        pytest.fail(f"cannot build {name} ({variant}): {' '.join(cmd)}\n{r.stderr}")
    return out


@pytest.fixture(scope="session")
def guest():
    """guest(name, variant='glibc') -> Path of the built guest program."""
    return guest_binary


def run_native(prog, args=(), stdin=b"", env=None, timeout=NATIVE_TIMEOUT, stdout=None):
    """Run prog natively. env=None inherits the environment; a dict replaces it.
    Returns (status, stdout bytes, stderr text); stdout=FILE sends stdout there."""
    r = subprocess.run(
        [str(prog)] + [str(a) for a in args],
        input=stdin,
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        timeout=timeout,
    )
    return status_of(r.returncode), r.stdout, r.stderr.decode(errors="replace")


def require_isle():
    if not os.access(ISLE, os.X_OK):
        pytest.fail(f"{ISLE} is missing: run `make` first")


def isle_command(prog, args=(), machine="microvm", accel="tcg", mem=None, env=None,
                 extra=()):
    """The `isle run` command line; `extra` are isle options placed before PROGRAM."""
    cmd = [str(ISLE), "run", "--machine", machine, "--accel", accel]
    if mem is not None:
        cmd += ["-m", mem]
    for key, value in (env or {}).items():
        cmd += ["-e", f"{key}={value}"]
    cmd += list(extra)
    cmd.append(str(prog))
    cmd += [str(a) for a in args]
    return cmd


def run_cmd(cmd, stdin=b"", timeout=BOOT_TIMEOUT, stdout=None, host_env=None):
    """Run cmd in its own process group; on timeout kill the group (the VM with it) and
    fail. Returns (status, stdout bytes, stderr text)."""
    environ = dict(os.environ)
    environ.update(host_env or {})
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.PIPE,
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environ,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(input=stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate(timeout=30)
        pytest.fail(
            f"timed out after {timeout} s: {' '.join(cmd)}\n"
            f"stdout: {out!r}\nstderr: {err.decode(errors='replace')}"
        )
    return status_of(proc.returncode), out, err.decode(errors="replace")


def run_isle(prog, args=(), machine="microvm", accel="tcg", mem=None, env=None, extra=(),
             stdin=b"", timeout=BOOT_TIMEOUT, stdout=None, host_env=None):
    """Run prog under `isle run`. Returns (status, stdout bytes, stderr text)."""
    require_isle()
    cmd = isle_command(prog, args, machine, accel, mem, env, extra)
    return run_cmd(cmd, stdin=stdin, timeout=timeout, stdout=stdout, host_env=host_env)


def run_isle_cli(args, timeout=60, stdin=b""):
    """Run `build/isle ARGS...` (no VM expected). Returns (status, stdout text, stderr text)."""
    require_isle()
    status, out, err = run_cmd([str(ISLE)] + [str(a) for a in args], stdin=stdin,
                               timeout=timeout)
    return status, out.decode(errors="replace"), err


def build_image(tmp_path, prog, config, name="app.img"):
    """`isle build` prog with config (a dict, written next to the image) into tmp_path/name;
    fails the test when the build does. Returns the image's path."""
    cfg = tmp_path / f"{name}.json"
    cfg.write_text(json.dumps(config))
    img = tmp_path / name
    status, out, err = run_isle_cli(["build", str(prog), "-c", str(cfg), "-o", str(img)],
                                    timeout=BOOT_TIMEOUT)
    assert status == 0, err
    return img


def assert_pass(status, out, err, name):
    """A guest program's success: status 0 and "PASS name" as the last stdout line."""
    text = out.decode(errors="replace") if isinstance(out, bytes) else out
    lines = text.splitlines()
    assert status == 0, f"{name}: status {status}\nstdout:\n{text}\nstderr:\n{err}"
    assert lines and lines[-1] == f"PASS {name}", f"stdout:\n{text}\nstderr:\n{err}"


def host_is_pvm():
    """True on a PVM host (KVM without VMX/SVM), where isle must refuse --accel kvm."""
    if Path("/sys/module/kvm_pvm").exists():
        return True
    try:
        return "kvm_pvm" in Path("/proc/modules").read_text()
    except OSError:
        return False


@functools.lru_cache(maxsize=None)
def accels():
    """Accelerators every accel-parametrized test runs under: TCG always, KVM too when
    `isle run --accel auto` chooses it here (its dry run says -accel kvm)."""
    result = ["tcg"]
    if not os.access(ISLE, os.X_OK):
        return result  # the tests fail in require_isle() with a clear message
    try:
        hello = guest_binary("hello")
        r = subprocess.run([str(ISLE), "run", "--accel", "auto", "--dry-run", str(hello)],
                           capture_output=True, text=True, timeout=60)
    except (subprocess.SubprocessError, OSError, pytest.fail.Exception) as e:
        print(f"conftest: cannot ask isle which accelerator it picks: {e}", file=sys.stderr)
        return result
    if re.search(r"-accel\s+kvm\b|accel=kvm\b", r.stdout + r.stderr):
        result.append("kvm")
    return result


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "machines(*names): QEMU machines a `machine`-taking test runs on")


def _parametrized_explicitly(metafunc, name):
    for marker in metafunc.definition.iter_markers("parametrize"):
        names = marker.args[0]
        if isinstance(names, str):
            names = [n.strip() for n in names.split(",")]
        if name in names:
            return True
    return False


def pytest_generate_tests(metafunc):
    if "machine" in metafunc.fixturenames and not _parametrized_explicitly(metafunc, "machine"):
        marker = metafunc.definition.get_closest_marker("machines")
        machines = marker.args if marker else DEFAULT_MACHINES
        metafunc.parametrize("machine", list(machines))
    if "accel" in metafunc.fixturenames and not _parametrized_explicitly(metafunc, "accel"):
        metafunc.parametrize("accel", accels())


def stop_group(proc):
    """End a VM started with start_new_session=True: SIGTERM to its process group (a
    graceful stop), SIGKILL if it is still there after 30 s; closes its pipes."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    for f in (proc.stdout, proc.stderr):
        if f:
            f.close()


def free_port(kind=socket.SOCK_STREAM):
    """A port on 127.0.0.1 that is free right now (TCP by default, SOCK_DGRAM for UDP)."""
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
