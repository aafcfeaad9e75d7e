"""TCP under loss (issue 5 acceptance): 16 MiB each way between Linux's TCP and the guest
over a lossy link. The guest's NIC is a UDP tunnel (`isle run --net udp:L:R`) to a relay
in this file that passes frames to and from a tap device it opens itself, inside a network
namespace the test creates (QEMU runs in it too, so the tunnel is on the namespace's own
loopback). The relay drops and reorders a few percent of frames in each direction with a
seeded RNG, ARP included (both ARP implementations must retry). Linux in the namespace
(10.0.4.1) sends the xorshift stream tests/guest/tcp_loss.c checks byte by byte, then reads
the guest's stream and compares it with the expected bytes. Run as a script (`relay`), this
file is the relay and the Linux peer; the tests run it with `ip netns exec`."""
import array
import fcntl
import json
import os
import random
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

SEED_IN = 0x9E3779B97F4A7C15  # host -> guest (tcp_loss.c SEED_IN)
SEED_OUT = 0xD1B54A32D192ED03  # guest -> host
MIB = 16
GUEST_PORT = 7010
QEMU_PORT, RELAY_PORT = 40000, 40001  # in the test's own namespace
DROP, REORDER = 0.03, 0.03
HOLD_S = 0.01  # a held (reordered) frame goes out after the next one, or after this
PEER_DEADLINE = 900  # hang guard for the whole transfer (TCG on a shared host)
TUNSETIFF, IFF_TAP, IFF_NO_PI = 0x400454CA, 0x0002, 0x1000


def stream(nbytes, seed):
    """The bytes of tcp_loss.c's stream: xorshift64 (13, 7, 17) states, little-endian."""
    mask = (1 << 64) - 1
    words = array.array("Q", bytes(nbytes // 8 * 8))
    x = seed
    for i in range(len(words)):
        x ^= (x << 13) & mask
        x ^= x >> 7
        x ^= (x << 17) & mask
        words[i] = x
    if sys.byteorder != "little":
        words.byteswap()
    return words.tobytes()


def recv_all(s, deadline):
    parts = []
    while time.monotonic() < deadline:
        chunk = s.recv(1 << 16)
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)
    raise TimeoutError("no EOF before the deadline")


def peer(addr, port, nbytes, corrupt_at=None, connect_for=300):
    """Linux's side: send the SEED_IN stream on one connection (byte corrupt_at flipped,
    to prove the guest's check can fail), wait for the guest to close it, then read the
    guest's stream on a second one. Returns a dict of what happened."""
    data = bytearray(stream(nbytes, SEED_IN))
    if corrupt_at is not None:
        data[corrupt_at] ^= 0x5A
    deadline = time.monotonic() + PEER_DEADLINE
    t_end = time.monotonic() + connect_for
    while True:  # the guest may still be booting (and ARP may be lost)
        try:
            s = socket.create_connection((addr, port), timeout=10)
            break
        except OSError:
            if time.monotonic() > t_end:
                raise
            time.sleep(0.5)
    s.settimeout(120)
    t0 = time.monotonic()
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    rest = recv_all(s, deadline)  # EOF once the guest has read everything and closed
    t1 = time.monotonic()
    s.close()
    res = {"sent": len(data), "in_s": t1 - t0, "unexpected": len(rest)}
    s = socket.create_connection((addr, port), timeout=60)
    s.settimeout(120)
    t0 = time.monotonic()
    got = recv_all(s, deadline)
    res["out_s"] = time.monotonic() - t0
    s.close()
    want = stream(nbytes, SEED_OUT)
    res["received"] = len(got)
    res["received_ok"] = got == want
    if got != want:
        res["first_diff"] = next((i for i in range(min(len(got), len(want)))
                                  if got[i] != want[i]), min(len(got), len(want)))
    return res


class Lossy:
    """One direction of the link: drops, or holds a frame back so that the next one
    overtakes it (a reorder); seeded, so a run is repeatable on the relay's side."""

    def __init__(self, seed, send):
        self.rng = random.Random(seed)
        self.send = send
        self.held = None
        self.held_at = 0.0
        self.frames = self.dropped = self.reordered = 0
        self.seqs, self.resent = set(), 0  # data segments seen again: retransmissions

    def count_resend(self, f):
        """IPv4 TCP with data (no IP options assumed; others are only not counted)."""
        if len(f) < 54 or f[12:14] != b"\x08\x00" or f[14] != 0x45 or f[23] != 6:
            return
        data = struct.unpack(">H", f[16:18])[0] - 20 - (f[46] >> 4) * 4
        if data > 0:
            seq = struct.unpack(">I", f[38:42])[0]
            self.resent += seq in self.seqs
            self.seqs.add(seq)

    def frame(self, f):
        self.frames += 1
        self.count_resend(f)
        r = self.rng.random()
        if r < DROP:
            self.dropped += 1
            return
        if r < DROP + REORDER and self.held is None:
            self.reordered += 1
            self.held, self.held_at = f, time.monotonic()
            return
        self.send(f)
        self.flush(force=True)

    def flush(self, force=False):
        if self.held is not None and (force or time.monotonic() - self.held_at > HOLD_S):
            f, self.held = self.held, None
            self.send(f)

    def counts(self):
        return {"frames": self.frames, "dropped": self.dropped, "reordered": self.reordered,
                "retransmitted": self.resent}


def relay_main(tap_name, addr_cidr, guest_addr, seed):
    """Inside the namespace: open the tap, address it, run the relay thread and the peer,
    print one JSON line with the result and the link's counts."""
    tun = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(tun, TUNSETIFF, struct.pack("16sH", tap_name.encode(), IFF_TAP | IFF_NO_PI))
    subprocess.run(["ip", "addr", "add", addr_cidr, "dev", tap_name], check=True)
    subprocess.run(["ip", "link", "set", tap_name, "up"], check=True)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", RELAY_PORT))
    to_guest = Lossy(seed, lambda f: udp.sendto(f, ("127.0.0.1", QEMU_PORT)))
    to_host = Lossy(seed + 1, lambda f: os.write(tun, f))
    stop = threading.Event()

    def pump():
        while not stop.is_set():
            ready, _, _ = select.select([tun, udp], [], [], HOLD_S)
            if tun in ready:
                to_guest.frame(os.read(tun, 65536))
            if udp in ready:
                to_host.frame(udp.recv(65536))
            to_guest.flush()
            to_host.flush()

    print("RELAY READY", flush=True)
    th = threading.Thread(target=pump, daemon=True)
    th.start()
    try:
        res = peer(guest_addr, GUEST_PORT, MIB << 20)
    except Exception as e:  # reported, and the test fails on it
        res = {"error": repr(e)}
    res["to_guest"], res["to_host"] = to_guest.counts(), to_host.counts()
    print("RESULT " + json.dumps(res), flush=True)
    # The guest still waits for the last ACKs (and may resend its FIN): relay until the
    # test closes our stdin once the VM has exited.
    sys.stdin.read()
    stop.set()
    th.join(timeout=5)


if __name__ == "__main__" and len(sys.argv) == 6 and sys.argv[1] == "relay":
    relay_main(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    sys.exit(0)

import pytest  # noqa: E402 (the relay above runs without pytest)

from conftest import BOOT_TIMEOUT, isle_command, require_isle  # noqa: E402


def start_native(guest):
    return subprocess.Popen([str(guest("tcp_loss")), str(GUEST_PORT), "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_tcp_loss_native(guest):
    """The guest program and the peer agree on the streams (1 MiB, no loss)."""
    proc = start_native(guest)
    try:
        assert proc.stdout.readline().startswith(b"READY")
        res = peer("127.0.0.1", GUEST_PORT, 1 << 20, connect_for=30)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert res["received_ok"] and res["received"] == 1 << 20, res
        assert b"RECV 1048576 OK" in out and b"PASS tcp_loss" in out, out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def test_tcp_loss_native_detects_corruption(guest):
    """One flipped byte in the host's stream fails the guest's check at that offset."""
    proc = start_native(guest)
    try:
        assert proc.stdout.readline().startswith(b"READY")
        with pytest.raises(OSError):
            # The guest exits on the bad byte: the send or the second connect fails.
            peer("127.0.0.1", GUEST_PORT, 1 << 20, corrupt_at=777777, connect_for=0)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 1
        assert b"byte 777777 is" in err, err
        assert b"PASS" not in out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def test_tcp_loss(guest):
    require_isle()
    ns = f"isle-loss-{os.getpid()}"
    tap = "islelo0"
    proc = relay = None
    subprocess.run(["ip", "netns", "add", ns], check=True, timeout=30)
    try:
        subprocess.run(["ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"],
                       check=True, timeout=30)
        relay = subprocess.Popen(
            ["ip", "netns", "exec", ns, sys.executable, __file__, "relay", tap,
             "10.0.4.1/24", "10.0.4.2", "20261123"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True)
        assert relay.stdout.readline().startswith(b"RELAY READY"), relay.stderr.read()
        cmd = ["ip", "netns", "exec", ns] + isle_command(
            guest("tcp_loss"), [GUEST_PORT, MIB], accel="tcg",
            extra=["--net", f"udp:{QEMU_PORT}:{RELAY_PORT}", "-k", "ip=10.0.4.2",
                   "-k", "netmask=255.255.255.0", "-k", "gw=10.0.4.1"])
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
        # The peer's own deadlines bound this (connect 300 s, PEER_DEADLINE in all).
        line = relay.stdout.readline()
        out, err = proc.communicate(timeout=BOOT_TIMEOUT)
        relay.stdin.close()
        relay.wait(timeout=60)
        rerr = relay.stderr.read()
        assert line.startswith(b"RESULT "), (line, rerr, out, err)
        res = json.loads(line[7:])
        print(json.dumps(res))
        assert "error" not in res, (res, out, err)
        assert proc.returncode == 0, (out, err)
        assert b"RECV %d OK" % (MIB << 20) in out and b"PASS tcp_loss" in out, out
        assert res["received"] == MIB << 20 and res["received_ok"], res
        assert res["unexpected"] == 0, res
        for d in ("to_guest", "to_host"):  # the link really was lossy both ways
            assert res[d]["dropped"] > 0 and res[d]["reordered"] > 0, res
        mb = (MIB << 20) / 1e6
        print(f"host->guest {mb / res['in_s']:.2f} MB/s, guest->host "
              f"{mb / res['out_s']:.2f} MB/s under {DROP:.0%} drop {REORDER:.0%} reorder")
    finally:
        try:
            for p in (proc, relay):
                if p is not None and p.poll() is None:
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait(timeout=30)
        finally:
            subprocess.run(["ip", "netns", "delete", ns], capture_output=True, timeout=30)
