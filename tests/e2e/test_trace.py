"""--trace prints strace-format lines: for the calls both show (write, exit_group), isle's
trace of tests/guest/tracee.c equals strace's of the same binary run natively, and the
trace never mixes into the program's stdout."""

import re
import shutil
import subprocess

import pytest

from conftest import NATIVE_TIMEOUT, run_isle, status_of

TRACED = ("write", "exit_group")
# A trace line, possibly behind the "isle: " every kernel log line may carry.
LINE = re.compile(r"^(?:isle:\s*)?((?:%s)\(.*)$" % "|".join(TRACED))


def normalize(text):
    """The write/exit_group lines, with strace's column padding before '=' removed."""
    lines = []
    for line in text.splitlines():
        m = LINE.match(line.strip())
        if m:
            lines.append(re.sub(r"\)\s+= ", ") = ", m.group(1)))
    return lines


def test_trace_matches_strace(guest, tmp_path, machine, accel):
    strace = shutil.which("strace")
    if strace is None:
        pytest.fail("strace is missing: run scripts/deps.sh")
    prog = guest("tracee")
    log = tmp_path / "strace.txt"
    r = subprocess.run([strace, "-qq", "-e", "trace=" + ",".join(TRACED), "-o", str(log),
                        str(prog)], capture_output=True, timeout=NATIVE_TIMEOUT)
    assert status_of(r.returncode) == 7, r.stderr
    native_out = r.stdout
    want = normalize(log.read_text())
    assert want == [
        'write(1, "hello\\n", 6) = 6',
        'write(1, "tab\\there \\"q\\" \\\\\\n", 15) = 15',
        'write(1, "", 0) = 0',
        'write(99, "x", 1) = -1 EBADF (Bad file descriptor)',
        "exit_group(7) = ?",
    ], want

    status, out, err = run_isle(prog, machine=machine, accel=accel, extra=["--trace"])
    assert status == 7, err
    assert out == native_out, "trace output leaked into stdout"
    assert normalize(err) == want, err
