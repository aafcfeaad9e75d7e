"""Waiting for events: pipes.c, eventfd.c, epoll.c and pollsel.c (tests/guest), each
passing natively first, then in isle as static glibc and musl programs, with 1 and 2
vCPUs. Each program also has a case where a thread blocked in read or epoll_wait is
woken by another thread's write. Last, the console as an event source: poll on stdin
sees the host's bytes arrive and the end of input."""

import pytest

from conftest import assert_pass, run_isle, run_native

PROGRAMS = ["pipes", "eventfd", "epoll", "pollsel", "sendfile_nb"]


@pytest.mark.parametrize("variant", ["glibc", "musl"])
@pytest.mark.parametrize("name", PROGRAMS)
@pytest.mark.parametrize("smp", ["1", "2"])
@pytest.mark.machines("microvm")
def test_events(guest, name, variant, smp, machine, accel):
    prog = guest(name, variant)
    assert_pass(*run_native(prog), name)
    status, out, err = run_isle(prog, machine=machine, accel=accel, extra=["--smp", smp])
    assert_pass(status, out, err, name)


@pytest.mark.machines("microvm")
def test_console_poll(guest, machine):
    """pollsel's sibling for fd 0: poll/epoll on the console's stdin (stdin.c reads what
    it is given; here a poll loop must see every byte and then the end of input)."""
    prog = guest("consolepoll")
    data = b"abc\n" * 300
    status, out, err = run_native(prog, stdin=data)
    assert_pass(status, out, err, "consolepoll")
    assert b"bytes 1200" in out, out
    status, out, err = run_isle(prog, machine=machine, stdin=data)
    assert_pass(status, out, err, "consolepoll")
    assert b"bytes 1200" in out, out
