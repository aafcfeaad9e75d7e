"""TCP throughput (figure 8 of `make bench`): bulk transfer host->guest and guest->host in
MB/s (10^6 bytes/s) between a Python client on the host and bench/guest/tcpbench.c:
natively over loopback (the program in its own network namespace), in isle (`isle run
--net isolated -p`, QEMU user networking with restrict=on) and in the Linux guest (same
QEMU networking). host->guest: the client sends MIB MiB and stops its clock when the guest
has counted them all (its 8-byte reply, checked); guest->host: the guest sends MIB MiB and
closes, and the count received is checked. One boot per target, RUNS transfers each way.

Environment: ISLE_BENCH_TCP_MIB (default 32).
Run through `make bench` (bench/run.py) or alone: /usr/bin/python3 bench/tcp.py"""

import os
import socket
import struct
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import (REPO, RUNS, BenchError, compile_c, fmt3, netns_socket,  # noqa: E402
                      ratio, table)
from benchlib import bench_main  # noqa: E402
from targets import MEM, COLUMNS, TARGETS, launch, linux_available, wait_line  # noqa: E402

MIB = int(os.environ.get("ISLE_BENCH_TCP_MIB", "32"))
PORT = 5001
LIMIT = 120
CHUNK = b"x" * 65536


def connect(port, netns_pid):
    s = netns_socket(netns_pid)
    s.settimeout(LIMIT)
    s.connect(("127.0.0.1", port))
    return s


def to_guest(port, netns_pid):
    total = MIB << 20
    t0 = time.monotonic()
    with connect(port, netns_pid) as s:
        s.sendall(b"S")
        for _ in range(total // len(CHUNK)):
            s.sendall(CHUNK)
        s.shutdown(socket.SHUT_WR)
        reply = b""
        while len(reply) < 8:
            r = s.recv(8 - len(reply))
            if not r:
                raise BenchError("tcpbench closed before its count")
            reply += r
    secs = time.monotonic() - t0
    got, = struct.unpack("<Q", reply)
    if got != total:
        raise BenchError(f"host->guest: guest counted {got} bytes of {total}")
    return total / secs / 1e6


def from_guest(port, netns_pid):
    total = MIB << 20
    got = 0
    t0 = time.monotonic()
    with connect(port, netns_pid) as s:
        s.sendall(b"R" + struct.pack("<Q", total))
        while True:
            r = s.recv(1 << 20)
            if not r:
                break
            got += len(r)
    secs = time.monotonic() - t0
    if got != total:
        raise BenchError(f"guest->host: received {got} bytes of {total}")
    return total / secs / 1e6


def measure_target(target, prog):
    with launch(target, prog, args=(PORT,), ports=(PORT,)) as p:
        wait_line(p.proc, r"tcpbench: listening", LIMIT)
        port = p.ports[PORT]
        up, down = [], []
        for _ in range(RUNS):
            up.append(to_guest(port, p.netns_pid))
            down.append(from_guest(port, p.netns_pid))
        return up, down


def main():
    return bench_main("tcp", measure, errors=(BenchError, OSError))


def measure():
    prog = compile_c(REPO / "bench" / "guest" / "tcpbench.c")
    no_linux = linux_available()
    res = {t: ((no_linux, no_linux) if t == "linux" and no_linux else measure_target(t, prog))
           for t in TARGETS}
    rows = [[label] + [fmt3(res[t][i], "{:.1f}") for t in TARGETS] +
            [ratio(res["isle"][i], res["native"][i]), ratio(res["isle"][i], res["linux"][i])]
            for i, label in enumerate(("host -> guest (MB/s)", "guest -> host (MB/s)"))]
    table("TCP throughput", ["direction", *COLUMNS], rows,
          [f"{MIB} MiB per transfer, median (min-max) of {RUNS} transfers on one boot; "
           f"QEMU TCG, -m {MEM}, 1 vCPU, user networking (restrict=on) with a 127.0.0.1 "
           "forward (QEMU's slirp copies every byte). The host end is a Python client."])
    return 0


if __name__ == "__main__":
    sys.exit(main())
