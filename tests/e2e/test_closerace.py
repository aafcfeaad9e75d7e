"""A descriptor closed by one thread while another is blocked reading it: as on Linux the
blocked call keeps the file open until it returns (tests/guest/closerace.c, a pipe and a
UNIX stream socket). Before the fix the kernel freed the file on close: the writer got
EPIPE and the reader slept forever in freed memory (the heap corruption sysfuzz found)."""

import pytest

from conftest import assert_pass, run_isle, run_native


@pytest.mark.parametrize("smp", [1, 2])
def test_close_while_blocked_in_read(guest, accel, smp):
    prog = guest("closerace")
    status, out, err = run_native(prog)
    assert_pass(status, out, err, "closerace")

    extra = ["--smp", str(smp)] if smp > 1 else []
    status, out, err = run_isle(prog, accel=accel, extra=extra, timeout=120)
    assert_pass(status, out, err, "closerace")
    assert out.count(b"blocked read survived the close") == 2, out
