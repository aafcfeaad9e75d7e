"""Unimplemented system calls return -ENOSYS, the kernel says so once per call number, and
the program carries on."""

import re

from conftest import assert_pass, run_isle, run_native

EXPECTED = b"syscall 999: ENOSYS\nsyscall 174: ENOSYS\nPASS enosys\n"


def test_enosys(guest, machine, accel):
    prog = guest("enosys")
    status, out, err = run_native(prog)
    assert (status, out) == (0, EXPECTED), err

    status, out, err = run_isle(prog, machine=machine, accel=accel)
    assert_pass(status, out, err, "enosys")
    assert out == EXPECTED
    for nr in (999, 174):
        notices = re.findall(
            rf"^isle: syscall (\S+) \({nr}\) is not implemented: returning -ENOSYS$", err,
            re.MULTILINE)
        assert len(notices) == 1, f"syscall {nr} made twice, notices {notices}:\n{err}"
        if nr == 174:
            assert notices[0] == "create_module", notices
