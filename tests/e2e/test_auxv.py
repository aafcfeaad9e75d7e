"""The auxiliary vector and initial stack (tests/guest/auxv.c checks them from inside),
for glibc, musl and static-PIE builds; and two boots differ in AT_RANDOM and in where the
stack is (ASLR)."""

import os
import re

import pytest

from conftest import assert_pass, run_isle, run_native


def fields(out):
    return dict(line.split("=", 1) for line in out.decode().splitlines() if "=" in line)


@pytest.mark.parametrize("variant", ["glibc", "musl", "pie"])
def test_auxv(guest, variant, machine, accel):
    prog = guest("auxv", variant)
    status, out, err = run_native(prog, [os.getuid(), os.getgid()])
    assert_pass(status, out, err, "auxv")
    assert fields(out)["AT_EXECFN"] == str(prog)

    # The program is root in its VM: uid and gid 0.
    status, out, err = run_isle(prog, ["0", "0"], machine=machine, accel=accel)
    assert_pass(status, out, err, "auxv")
    execfn = fields(out)["AT_EXECFN"]
    assert execfn.endswith("/" + prog.name) or execfn == prog.name, execfn


def test_auxv_differs_between_boots(guest, accel):
    prog = guest("auxv")
    with open("/proc/sys/kernel/randomize_va_space") as f:
        native_aslr = int(f.read()) >= 1
    runs = []
    for _ in range(2):
        status, out, err = run_native(prog, [os.getuid(), os.getgid()])
        assert_pass(status, out, err, "auxv")
        runs.append(fields(out))
    assert runs[0]["AT_RANDOM"] != runs[1]["AT_RANDOM"]
    if native_aslr:
        assert runs[0]["stack"] != runs[1]["stack"]

    runs = []
    for _ in range(2):
        status, out, err = run_isle(prog, ["0", "0"], accel=accel)
        assert_pass(status, out, err, "auxv")
        runs.append(fields(out))
    assert re.fullmatch(r"[0-9a-f]{32}", runs[0]["AT_RANDOM"])
    assert runs[0]["AT_RANDOM"] != runs[1]["AT_RANDOM"], "AT_RANDOM repeats across boots"
    assert runs[0]["stack"] != runs[1]["stack"], "the stack is not randomised"
