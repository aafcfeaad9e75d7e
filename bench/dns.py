"""DNS benchmark (figure 6 of `make bench`): queries/s of examples/dns-server under
`dnsperf -l SECONDS` with its queries.txt, over UDP and over TCP (-m tcp): natively (on
a free high port on 127.0.0.1), in isle and in the Linux guest. Over TCP the VMs are
reached through a 127.0.0.1 forward (QEMU user networking with restrict=on); QEMU's
restrict=on drops the guest's UDP, so for UDP each VM gets a tap device in a network
namespace this benchmark creates and deletes (host end 10.0.2.2/24, guest 10.0.2.15), and
dnsperf runs in that namespace. One boot per target and transport, RUNS dnsperf runs.

Environment: ISLE_BENCH_DNS_SECONDS (default 5).
Run through `make bench` (bench/run.py) or alone: /usr/bin/python3 bench/dns.py"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import linuxguest  # noqa: E402
from benchlib import (BUILD, ISLE, REPO, RUNS, BenchError, Started, fmt3,  # noqa: E402
                      free_port, ratio, run, table)
from benchlib import bench_main  # noqa: E402
from targets import MEM, COLUMNS, TARGETS, launch, linux_available  # noqa: E402

SECONDS = int(os.environ.get("ISLE_BENCH_DNS_SECONDS", "5"))
EXAMPLE = REPO / "examples" / "dns-server"
SERVER = BUILD / "examples" / "dns-server"
LIMIT = 120
GUEST_IP, HOST_IP = "10.0.2.15", "10.0.2.2"


def dnsperf(server, port, tcp, ns=None, seconds=SECONDS):
    cmd = ["dnsperf", "-s", server, "-p", port, "-d", EXAMPLE / "queries.txt",
           "-l", seconds, "-t", "2"] + (["-m", "tcp"] if tcp else [])
    if ns:
        cmd = ["ip", "netns", "exec", ns, *cmd]
    out = run(cmd, seconds + 60).stdout
    m = re.search(r"Queries per second:\s*([0-9.]+)", out)
    done = re.search(r"Queries completed:\s*(\d+)", out)
    if not m or not done or int(done.group(1)) == 0:
        raise BenchError(f"dnsperf: no queries answered:\n{out}")
    return float(m.group(1))


def answers(server, port, tcp, ns=None):
    """True when the server answers www.example.test A (dig, one try)."""
    cmd = ["dig", f"@{server}", "-p", str(port), "+time=1", "+tries=1", "+norec",
           "www.example.test", "A"] + (["+tcp"] if tcp else [])
    if ns:
        cmd = ["ip", "netns", "exec", ns, *cmd]
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=30)
    return "status: NOERROR" in r.stdout and re.search(r"ANSWER: [1-9]", r.stdout) is not None


def wait_answers(proc, server, port, tcp, ns=None):
    t0 = time.monotonic()
    while time.monotonic() - t0 < LIMIT:
        if proc.poll() is not None:
            raise BenchError(f"dns-server exited ({proc.returncode}) before answering")
        if answers(server, port, tcp, ns):
            return
        time.sleep(0.2)
    raise BenchError(f"dns-server: no answer within {LIMIT} s")


def ip(*args):
    run(["ip", *args], 30)


class TapNetns:
    """A network namespace with lo up and a tap device at HOST_IP/24, deleted on exit."""

    def __init__(self):
        self.ns, self.tap = f"isle-bench-{os.getpid()}", "tapbench0"

    def __enter__(self):
        ip("netns", "add", self.ns)
        try:
            ip("netns", "exec", self.ns, "ip", "link", "set", "lo", "up")
            ip("netns", "exec", self.ns, "ip", "tuntap", "add", "dev", self.tap, "mode", "tap")
            ip("netns", "exec", self.ns, "ip", "addr", "add", f"{HOST_IP}/24", "dev", self.tap)
            ip("netns", "exec", self.ns, "ip", "link", "set", self.tap, "up")
        except BenchError:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        subprocess.run(["ip", "netns", "delete", self.ns], capture_output=True, timeout=30)


def native(tcp):
    port = free_port(socket.SOCK_DGRAM) if not tcp else free_port()
    with Started([SERVER, port, EXAMPLE / "zone" / "example.zone"],
                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as p:
        wait_answers(p.proc, "127.0.0.1", port, tcp)
        return [dnsperf("127.0.0.1", port, tcp) for _ in range(RUNS)]


def vm_tcp(target):
    zone_args = ("53", "/zone/example.zone")
    if target == "isle":
        p = launch("isle", SERVER, ports=(53,), config=EXAMPLE / "config.json",
                   stdout=subprocess.DEVNULL)
    else:
        p = launch("linux", SERVER, args=zone_args, ports=(53,), tree=EXAMPLE / "zone",
                   stdout=subprocess.DEVNULL)
    with p:
        port = p.ports[53]
        wait_answers(p.proc, "127.0.0.1", port, True)
        return [dnsperf("127.0.0.1", port, True) for _ in range(RUNS)]


def vm_udp(target, tmp):
    with TapNetns() as t:
        if target == "isle":
            conf = Path(tmp) / "config.json"  # the example's without its Ports
            (Path(tmp) / "zone").mkdir(exist_ok=True)
            shutil.copy(EXAMPLE / "zone" / "example.zone", Path(tmp) / "zone")
            conf.write_text(json.dumps({"Files": ["zone/example.zone"],
                                        "Args": ["53", "/zone/example.zone"]}))
            cmd = [ISLE, "run", "--accel", "tcg", "-m", MEM, "--net", f"tap:{t.tap}",
                   "-k", f"ip={GUEST_IP}", "-k", "netmask=255.255.255.0",
                   "-k", f"gw={HOST_IP}", "-c", conf, SERVER]
        else:
            cpio = linuxguest.initramfs("dns-server", str(SERVER), EXAMPLE / "zone")
            cmd = linuxguest.qemu_command("dns-server", cpio, mem=MEM, tap=t.tap,
                                          args=("53", "/zone/example.zone"))
        with Started(["ip", "netns", "exec", t.ns, *cmd], stdout=subprocess.DEVNULL,
                     stderr=subprocess.PIPE) as p:
            wait_answers(p.proc, GUEST_IP, 53, False, t.ns)
            return [dnsperf(GUEST_IP, 53, False, t.ns) for _ in range(RUNS)]


def main():
    return bench_main("dns", measure)


def measure():
    header = ["transport (queries/s)", *COLUMNS]
    if not (EXAMPLE / "server.c").exists():
        reason = "not measured: examples/dns-server missing"
        table("DNS (dnsperf)", header, [["UDP", reason, reason, reason, "-", "-"],
                                        ["TCP", reason, reason, reason, "-", "-"]])
        return 0
    run(["make", "-C", REPO, "examples"], 300)
    no_linux = linux_available()
    tmp = tempfile.mkdtemp(prefix="isle-bench-dns-")
    try:
        res = {("UDP", "native"): native(False), ("TCP", "native"): native(True)}
        if os.geteuid() == 0:
            for t in ("isle", "linux"):
                res["UDP", t] = no_linux if t == "linux" and no_linux else vm_udp(t, tmp)
        else:
            res["UDP", "isle"] = res["UDP", "linux"] = "not measured: a tap needs root"
        for t in ("isle", "linux"):
            res["TCP", t] = no_linux if t == "linux" and no_linux else vm_tcp(t)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    rows = [[tr] + [fmt3(res[tr, t]) for t in TARGETS] +
            [ratio(res[tr, "isle"], res[tr, "native"]), ratio(res[tr, "isle"], res[tr, "linux"])]
            for tr in ("UDP", "TCP")]
    table("DNS (dnsperf)", header, rows,
          [f"`dnsperf -l {SECONDS}` with examples/dns-server/queries.txt (1 client, up to "
           f"100 queries outstanding), median (min-max) of {RUNS} runs on one boot; QEMU "
           f"TCG, -m {MEM}, 1 vCPU. UDP to the VMs: a tap in a network namespace; TCP: "
           "user networking (restrict=on) with a 127.0.0.1 forward."])
    return 0


if __name__ == "__main__":
    sys.exit(main())
