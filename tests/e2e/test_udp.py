"""UDP sockets: udp_local exercises the socket API over the guest's loopback; udp_echo is
reached from the host through `isle run --net isolated -p HOST:GUEST/udp` (QEMU user
networking with restrict=on, forwarding 127.0.0.1 only). Both run natively first."""
import os
import signal
import socket
import subprocess

import pytest

from conftest import (BOOT_TIMEOUT, assert_pass, free_port, isle_command, require_isle,
                      run_isle, run_native)


def test_udp_local_native(guest):
    assert_pass(*run_native(guest("udp_local")), "udp_local")


def test_udp_local(guest):
    assert_pass(*run_isle(guest("udp_local"), accel="tcg"), "udp_local")


def echo_until_answered(port, payloads, attempts):
    """Send each payload to 127.0.0.1:port until it comes back; the guest may still be
    booting, so a bounded number of attempts, each waiting a while."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1.0)
    try:
        for data in payloads:
            for _ in range(attempts):
                s.sendto(data, ("127.0.0.1", port))
                try:
                    got, _ = s.recvfrom(65536)
                except (socket.timeout, ConnectionRefusedError):
                    continue
                assert got == data
                break
            else:
                pytest.fail(f"no echo of {data!r} from 127.0.0.1:{port}")
    finally:
        s.close()


def test_udp_echo_native(guest):
    port = free_port(socket.SOCK_DGRAM)
    proc = subprocess.Popen([str(guest("udp_echo")), str(port), "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout.readline().startswith(b"READY")
        echo_until_answered(port, [b"ping", b"x" * 1400], attempts=10)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
        assert b"PASS udp_echo" in out
    finally:
        if proc.poll() is None:
            proc.kill()


def test_udp_echo_from_host(guest):
    """Host -> guest through the forward. QEMU's restrict=on (--net isolated) drops every
    UDP datagram the guest sends except DHCP, so the echo cannot come back: the guest
    reports what it received and that its sendto succeeded (udp_echo checks it)."""
    require_isle()
    host_port = free_port(socket.SOCK_DGRAM)
    guest_port = 7007
    payload = b"hello from the host"
    cmd = isle_command(guest("udp_echo"), [guest_port, 2], accel="tcg",
                       extra=["--net", "isolated", "-p", f"{host_port}:{guest_port}/udp"])
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        # Datagrams sent before the program binds are lost: keep sending (bounded) until
        # it has served two and exited.
        for _ in range(BOOT_TIMEOUT):
            if proc.poll() is not None:
                break
            s.sendto(payload, ("127.0.0.1", host_port))
            try:
                proc.wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
        out, err = proc.communicate(timeout=BOOT_TIMEOUT)
        assert proc.returncode == 0, err
        assert out.count(b"GOT %d %s" % (len(payload), payload)) == 2, out
        assert b"PASS udp_echo" in out
    finally:
        s.close()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
