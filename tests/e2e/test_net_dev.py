"""virtio-net and `isle run --net/-p`. The kernel's selftest=net sends a raw ARP request
for 10.0.2.2 through the driver (no stack) and needs QEMU user networking's answer: TX and
RX work, on virtio-mmio (microvm) and modern virtio-pci (q35). Every VM here uses --net
isolated (restrict=on): the guest reaches nothing beyond QEMU's own user-network host.
--dry-run shows the QEMU arguments: host forwards bound to 127.0.0.1 only; bad -p values
and modes are refused before any VM starts."""

import re

import pytest

from conftest import guest_binary, isle_command, require_isle, run_cmd, run_isle_cli


@pytest.mark.parametrize("machine", ["microvm", "q35"])
def test_selftest_arp(machine):
    require_isle()
    hello = guest_binary("hello")
    cmd = isle_command(hello, machine=machine,
                       extra=["--bundle", "--net", "isolated", "-k", "selftest=net", "-v"])
    status, out, err = run_cmd(cmd)
    assert status == 0, f"status {status}\nstderr:\n{err}"
    assert re.search(r"isle: virtio: .*: eth0 ([0-9a-f]{2}:){5}[0-9a-f]{2}, \d+ receive "
                     r"buffers", err), err
    assert re.search(r"isle: selftest net: arp reply from 10\.0\.2\.2 "
                     r"([0-9a-f]{2}:){5}[0-9a-f]{2}\n", err), err


def test_no_nic_by_default():
    """Without --net and -p there is no NIC; selftest=net says so and fails cleanly."""
    require_isle()
    hello = guest_binary("hello")
    status, out, err = run_cmd(isle_command(hello, extra=["--bundle", "-k", "selftest=net"]))
    assert status == 1, err
    assert "isle: selftest net: FAIL: no virtio-net device" in err


def dry_run(*opts):
    hello = guest_binary("hello")
    return run_isle_cli(["run", "--dry-run", "--bundle", *opts, str(hello)])


@pytest.mark.parametrize("machine,device", [
    ("microvm", "virtio-net-device,netdev=net0"),
    ("q35", "virtio-net-pci,netdev=net0,disable-legacy=on"),
])
def test_dry_run_forwards(machine, device):
    status, out, err = dry_run("--machine", machine, "--net", "isolated", "-p", "8080:80",
                               "-p", "5353:53/udp")
    assert status == 0, err
    assert ("-netdev user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:8080-:80,"
            "hostfwd=udp:127.0.0.1:5353-:53") in out, out
    assert device in out, out
    assert "hostfwd=tcp::" not in out and "0.0.0.0" not in out


def test_dry_run_defaults():
    status, out, err = dry_run()
    assert status == 0, err
    assert "-netdev" not in out and "virtio-net" not in out, out
    status, out, err = dry_run("-p", "8080")
    assert status == 0, err
    assert "-netdev user,id=net0,restrict=off,hostfwd=tcp:127.0.0.1:8080-:8080" in out, out


@pytest.mark.parametrize("opts,msg", [
    (["-p", "0"], "ports are 1 to 65535"),
    (["-p", "65536"], "ports are 1 to 65535"),
    (["-p", "80:99999"], "ports are 1 to 65535"),
    (["-p", "http"], "expected HOSTPORT[:GUESTPORT][/tcp|/udp]"),
    (["-p", "80/sctp"], "expected HOSTPORT"),
    (["-p", "80", "-p", "80:81"], "TCP host port forwarded twice"),
    (["-p", "53/udp", "-p", "53:54/udp"], "UDP host port forwarded twice"),
    (["--net", "wifi"], "expected user, isolated, tap:NAME, udp:LOCALPORT:REMOTEPORT or none"),
    (["--net", "udp:40000"], "expected udp:LOCALPORT:REMOTEPORT"),
    (["--net", "udp:40000:40000"], "local and remote ports must differ"),
    (["--net", "udp:40000:40001", "-p", "80"], "need --net user or --net isolated"),
    (["--net", "none", "-p", "80"], "need --net user or --net isolated"),
])
def test_bad_options(opts, msg):
    status, out, err = dry_run(*opts)
    assert status == 2, (status, err)
    assert msg in err, err
