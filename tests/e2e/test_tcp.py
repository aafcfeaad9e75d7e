"""TCP sockets: tcp_local exercises the socket API over the guest's loopback (1 and 2
vCPUs); tcp_echo is reached from the host through `isle run --net isolated -p HOST:GUEST`
(QEMU user networking with restrict=on, forwarding 127.0.0.1 only). Both run natively
first."""
import os
import signal
import socket
import subprocess
import threading
import time

import pytest

from conftest import (BOOT_TIMEOUT, assert_pass, free_port, isle_command, require_isle,
                      run_isle, run_native)


def test_tcp_local_native(guest):
    assert_pass(*run_native(guest("tcp_local")), "tcp_local")


@pytest.mark.parametrize("smp", [1, 2])
def test_tcp_local(guest, smp):
    extra = [] if smp == 1 else ["--smp", str(smp)]
    assert_pass(*run_isle(guest("tcp_local"), accel="tcg", extra=extra), "tcp_local")


def echo_once(port, payload, attempts):
    """Connect to 127.0.0.1:port, send payload, read it back; the guest may still be
    booting (the forward accepts and then drops us), so a bounded number of attempts."""
    for _ in range(attempts):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
        except OSError:
            time.sleep(1)
            continue
        def send_all():
            try:
                s.sendall(payload)
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass

        # Send from a thread: the echo comes back while we send (no buffer deadlock).
        sender = threading.Thread(target=send_all)
        try:
            s.settimeout(30)
            sender.start()
            got = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
        except OSError:
            got = None
        finally:
            sender.join()
            s.close()
        if got == payload:
            return
        time.sleep(1)
    pytest.fail(f"no echo from 127.0.0.1:{port}")


PAYLOADS = [b"hello over tcp", bytes(range(256)) * 1024]


def test_tcp_echo_native(guest):
    port = free_port()
    proc = subprocess.Popen([str(guest("tcp_echo")), str(port), str(len(PAYLOADS))],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout.readline().startswith(b"READY")
        for p in PAYLOADS:
            echo_once(port, p, attempts=5)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
        assert b"PASS tcp_echo" in out
    finally:
        if proc.poll() is None:
            proc.kill()


def test_tcp_echo_from_host(guest):
    require_isle()
    host_port = free_port()
    guest_port = 7007
    cmd = isle_command(guest("tcp_echo"), [guest_port, len(PAYLOADS)], accel="tcg",
                       extra=["--net", "isolated", "-p", f"{host_port}:{guest_port}"])
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        for p in PAYLOADS:
            echo_once(host_port, p, attempts=BOOT_TIMEOUT)
        out, err = proc.communicate(timeout=BOOT_TIMEOUT)
        assert proc.returncode == 0, err
        assert b"ECHOED %d" % len(PAYLOADS[1]) in out, out
        assert b"PASS tcp_echo" in out
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
