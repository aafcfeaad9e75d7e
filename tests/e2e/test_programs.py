"""Guest programs that check one area from inside and end with a PASS line: each passes
natively first (so the check itself is right), then in isle."""

import time

import pytest

from conftest import assert_pass, run_isle, run_native

PROGRAMS = {
    "fpu": lambda: [],
    "time": lambda: [str(int(time.time()))],
    "uname": lambda: [],
    "getrandom": lambda: [],
    "readlink_exe": lambda: [],
}


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_program(guest, name, machine, accel):
    prog = guest(name)
    assert_pass(*run_native(prog, PROGRAMS[name]()), name)
    status, out, err = run_isle(prog, PROGRAMS[name](), machine=machine, accel=accel)
    assert_pass(status, out, err, name)
    if name == "fpu" and accel == "tcg":
        # -cpu max offers AVX, and isle enables what it is offered (test_cpu.py).
        assert b"fpu: avx checked\n" in out, out
