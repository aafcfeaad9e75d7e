"""AF_UNIX sockets (docs/networking.md): tests/guest/unix_sock.c covers socketpair of every
type, stream server/client by path and abstract name in two threads, datagrams with
autobind, seqpacket boundaries, SCM_RIGHTS, EOF/EPIPE, poll/epoll and the address length
rules. It runs natively first (glibc and musl), then under isle at 1 and 2 vCPUs."""
import pytest

from conftest import assert_pass, guest_binary, run_isle, run_native


@pytest.mark.parametrize("variant", ["glibc", "musl"])
def test_unix_sock_native(variant):
    assert_pass(*run_native(guest_binary("unix_sock", variant)), "unix_sock")


@pytest.mark.parametrize("variant", ["glibc", "musl"])
@pytest.mark.parametrize("smp", [1, 2])
def test_unix_sock(variant, smp):
    prog = guest_binary("unix_sock", variant)
    assert_pass(*run_isle(prog, accel="tcg", extra=["--smp", str(smp)]), "unix_sock")
