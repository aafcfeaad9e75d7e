"""Random system calls with random arguments (tests/guest/sysfuzz.c): the kernel must neither
panic nor hang. The program runs first natively (in its own namespaces, chrooted, as
nobody: sysfuzz.h) to prove the harness survives Linux, then in isle on a throwaway copy of
one image per boot, for a few seeds and on 1 and 2 vCPUs (with two calling threads).

A boot fails only on a kernel panic or fault (status 125, "kernel panic"/"kernel fault" in
the log) or a hang (no exit within the duration plus a generous margin: the last progress
line and the seed are printed). A program that ends otherwise (killed by a signal, no
"sysfuzz: done") is reported with its seed as a warning, not a failure. The calls survived
are printed per boot (`pytest -s` shows them)."""

import json
import os
import re
import shutil
import signal
import subprocess
import warnings

import pytest

from conftest import ISLE, run_isle_cli

SECONDS = 15
NATIVE_SECONDS = 5
MARGIN = 240  # boot, TCG, a loaded 2-core host: far beyond any honest run
TREE = {"a": "hello\n", "b": "bbb\n", "dir/c": "ccc\n"}
PROGRESS = re.compile(
    rb"sysfuzz: seed (\d+) calls (\d+) errors (\d+) enosys (\d+) signals (\d+)")


def stage_tree(root):
    for name, text in TREE.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def last_progress(out):
    found = PROGRESS.findall(out)
    return found[-1] if found else None


@pytest.fixture(scope="module")
def image(guest, tmp_path_factory):
    """One image: the program and /fz (a, b, dir/c); each boot gets a copy."""
    work = tmp_path_factory.mktemp("sysfuzz")
    shutil.copy(guest("sysfuzz"), work / "sysfuzz")
    stage_tree(work / "tree")
    (work / "config.json").write_text(json.dumps({"MapDirs": {"tree/*": "/fz"}}))
    img = work / "base.img"
    status, out, err = run_isle_cli(["build", str(work / "sysfuzz"), "-c",
                                     str(work / "config.json"), "-o", str(img)], timeout=120)
    assert status == 0, err
    return img


@pytest.mark.parametrize("threads", [1, 2])
def test_sysfuzz_native(guest, tmp_path, threads):
    """The harness survives Linux: same program, same kind of tree, a shorter run."""
    root = tmp_path / "root"
    stage_tree(root / "fz")
    (root / "tmp").mkdir()
    for path in [root, *root.rglob("*")]:
        path.chmod(0o777 if path.is_dir() else 0o666)  # the run is uid 65534
    r = subprocess.run([str(guest("sysfuzz")), "1", str(NATIVE_SECONDS), "native",
                        f"threads={threads}"],
                       cwd=root, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=NATIVE_SECONDS + 60, start_new_session=True)
    shutil.rmtree(root, ignore_errors=True)
    err = r.stderr.decode(errors="replace")
    assert r.returncode == 0, f"status {r.returncode}\n{r.stdout[-2000:]!r}\n{err}"
    assert b"sysfuzz: done" in r.stdout, r.stdout[-2000:]
    seed, calls = last_progress(r.stdout)[:2]
    assert int(seed) == 1 and int(calls) > 1000, r.stdout[-2000:]
    print(f"native seed 1, {threads} thread(s): {calls.decode()} calls survived in "
          f"{NATIVE_SECONDS} s")


@pytest.mark.parametrize("seed,smp", [(1, 1), (2, 1), (3, 1), (4, 2)])
def test_sysfuzz(image, tmp_path, seed, smp):
    disk = tmp_path / "run.img"
    shutil.copy(image, disk)  # the throwaway copy: the calls write to the image
    # On 2 vCPUs two threads make calls at once.
    cmd = [str(ISLE), "run", "--accel", "tcg", "--smp", str(smp), str(disk), str(seed),
           str(SECONDS), f"threads={smp}"]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=SECONDS + MARGIN)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate(timeout=30)
        pytest.fail(f"hang: seed {seed} smp {smp}: no exit within {SECONDS + MARGIN} s; "
                    f"last progress: {last_progress(out)}\n"
                    f"stderr tail:\n{err.decode(errors='replace')[-3000:]}")
    finally:
        disk.unlink(missing_ok=True)
    log = err.decode(errors="replace")
    status = proc.returncode
    assert status != 125 and "kernel panic" not in log and "kernel fault" not in log, (
        f"kernel panic/fault: seed {seed} smp {smp}, status {status}, last progress "
        f"{last_progress(out)}\n{log[-5000:]}")
    progress = last_progress(out)
    assert progress is not None, f"seed {seed}: no progress line\n{out[-2000:]!r}\n{log}"
    calls = int(progress[1])
    print(f"seed {seed} smp {smp}: {calls} calls survived (errors {int(progress[2])}, "
          f"enosys {int(progress[3])}, signals {int(progress[4])})")
    slow = re.findall(rb"sysfuzz: slow: [^\n]*", out)
    if slow:
        print(f"seed {seed}: slow calls: {slow}")
    if status != 0 or b"sysfuzz: done" not in out:
        warnings.warn(f"sysfuzz seed {seed} smp {smp} ended without finishing: status "
                      f"{status}, last progress {progress}; stderr tail: {log[-600:]}")
    assert calls > 0
