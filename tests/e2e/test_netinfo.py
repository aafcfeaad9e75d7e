"""Network discovery as programs do it: tests/guest/netinfo.c (glibc's getifaddrs and
if_nameindex over NETLINK_ROUTE, the SIOCGIF* ioctls, getaddrinfo with AI_ADDRCONFIG, a
raw rtnetlink socket with its error acks) and tests/guest/go/netinfo (net.Interfaces,
net.InterfaceAddrs). Both run natively first (checking lo only), then in isle with
`--net isolated`, where they must see lo 127.0.0.1 and eth0 10.0.2.15."""

import pytest

from conftest import assert_pass, run_isle, run_native
from golang import go_program

GO_TIMEOUT = 180


def test_netinfo_native(guest):
    assert_pass(*run_native(guest("netinfo")), "netinfo")


@pytest.mark.parametrize("machine", ["microvm", "q35"])
def test_netinfo(guest, machine):
    status, out, err = run_isle(guest("netinfo"), ["eth0", "10.0.2.15"], machine=machine,
                                extra=["--bundle", "--net", "isolated"])
    assert_pass(status, out, err, "netinfo")
    text = out.decode()
    for line in ("getifaddrs lo 127.0.0.1", "getifaddrs eth0 10.0.2.15",
                 "SIOCGIFCONF lo 127.0.0.1", "SIOCGIFCONF eth0 10.0.2.15",
                 "if_nameindex 1 lo", "if_nameindex 2 eth0"):
        assert line in text, text
    assert "SIOCGIFHWADDR lo family 772 00:00:00:00:00:00 index 1 mtu " in text, text
    assert "SIOCGIFHWADDR eth0 family 1 52:54:00:12:34:56 index 2 mtu 1500" in text, text


def test_netinfo_no_network(guest):
    """Without a NIC only lo exists; asking for eth0 fails."""
    status, out, err = run_isle(guest("netinfo"), extra=["--bundle", "--net", "none"])
    assert_pass(status, out, err, "netinfo")
    assert b"eth0" not in out, out


def test_go_netinfo_native():
    assert_pass(*run_native(go_program("netinfo")), "go_netinfo")


def test_go_netinfo():
    status, out, err = run_isle(go_program("netinfo"), ["eth0", "10.0.2.15"], mem="256M",
                                extra=["--bundle", "--net", "isolated"], timeout=GO_TIMEOUT)
    assert_pass(status, out, err, "go_netinfo")
    text = out.decode()
    assert "interface 1 lo mtu " in text and "addrs 127.0.0.1/8" in text, text
    assert 'interface 2 eth0 mtu 1500 hw "52:54:00:12:34:56" flags up|broadcast|multicast' \
        " addrs 10.0.2.15/24" in text, text
    assert "addr 10.0.2.15/24" in text, text
