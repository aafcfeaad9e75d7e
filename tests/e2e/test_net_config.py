"""The stack core's boot configuration: eth0 gets 10.0.2.15/24 from QEMU user networking's
DHCP server (--net isolated: restrict=on, so slirp offers no router or DNS), or a static
address from the ip=/netmask=/gw=/dns= kernel options; the DNS servers end up in
/etc/resolv.conf (written only when the image left it empty). Checked with the -v log line
and a guest program that prints the file. microvm (virtio-mmio) and q35 (virtio-pci)."""

import json
import re
import subprocess

import pytest

from conftest import ISLE, assert_pass, guest_binary, run_native, run_isle

MACHINES = ["microvm", "q35"]


@pytest.mark.parametrize("machine", MACHINES)
def test_dhcp(machine):
    hello = guest_binary("hello")
    status, out, err = run_isle(hello, machine=machine,
                                extra=["--bundle", "--net", "isolated", "-v"])
    assert_pass(status, out, err, "hello")
    assert re.search(r"isle: net: eth0 10\.0\.2\.15/24 gw \S+ dns \S+ \(dhcp\)\n", err), err


@pytest.mark.parametrize("machine,bundle", [("microvm", True), ("q35", True),
                                            ("microvm", False)])
def test_dhcp_dns_option_to_resolv_conf(machine, bundle):
    """A bundle's tmpfs root gets /etc created; an image's empty resolv.conf is filled."""
    cat = guest_binary("catfile")
    status, out, err = run_native(cat, ["/dev/null"])
    assert status == 0
    status, out, err = run_isle(cat, ["/etc/resolv.conf"], machine=machine,
                                extra=(["--bundle"] if bundle else []) +
                                ["--net", "isolated", "-v", "-k", "dns=10.0.2.3,10.0.2.4"])
    assert_pass(status, out, err, "catfile")
    assert re.search(r"isle: net: eth0 10\.0\.2\.15/24 gw \S+ dns 10\.0\.2\.3 \(dhcp\)\n",
                     err), err
    assert b"BEGIN\nnameserver 10.0.2.3\nnameserver 10.0.2.4\nEND\n" in out, out


@pytest.mark.parametrize("machine", MACHINES)
def test_static(machine):
    cat = guest_binary("catfile")
    status, out, err = run_isle(cat, ["/etc/resolv.conf"], machine=machine,
                                extra=["--bundle", "--net", "isolated", "-v",
                                       "-k", "ip=10.0.2.20", "-k", "netmask=255.255.255.0",
                                       "-k", "gw=10.0.2.2", "-k", "dns=10.0.2.3"])
    assert_pass(status, out, err, "catfile")
    assert "isle: net: eth0 10.0.2.20/24 gw 10.0.2.2 dns 10.0.2.3 (static)\n" in err, err
    assert b"BEGIN\nnameserver 10.0.2.3\nEND\n" in out, out


def test_no_nic():
    """Without a NIC the stack still comes up (lo only) and says nothing about eth0."""
    hello = guest_binary("hello")
    status, out, err = run_isle(hello, extra=["--bundle", "-v"])
    assert_pass(status, out, err, "hello")
    assert "isle: net: eth0" not in err


def test_static_from_config(tmp_path):
    """RunConfig IPAddress/NetMask/Gateway become the ip=/netmask=/gw= kernel options."""
    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps({"RunConfig": {"IPAddress": "10.0.2.21",
                                             "NetMask": "255.255.255.0",
                                             "Gateway": "10.0.2.2"}}))
    status, out, err = run_isle(guest_binary("hello"),
                                extra=["--bundle", "--net", "isolated", "-v", "-c", str(cfg)])
    assert_pass(status, out, err, "hello")
    assert re.search(r"isle: net: eth0 10\.0\.2\.21/24 gw 10\.0\.2\.2 .*\(static\)\n", err), err


def test_static_config_errors(tmp_path):
    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps({"RunConfig": {"IPAddress": "10.0.2.300"}}))
    r = subprocess.run([str(ISLE), "run", "--dry-run", "-c", str(cfg),
                        str(guest_binary("hello"))], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 or r.returncode == 1, r
    assert "RunConfig.IPAddress: '10.0.2.300' is not an IPv4 address" in r.stderr, r.stderr
    cfg.write_text(json.dumps({"RunConfig": {"Gateway": "10.0.2.2"}}))
    r = subprocess.run([str(ISLE), "run", "--dry-run", "-c", str(cfg),
                        str(guest_binary("hello"))], capture_output=True, text=True, timeout=60)
    assert "Gateway are ignored without IPAddress" in r.stderr, r.stderr
