"""targets.py: one way to start the same program natively, in isle and in the Linux guest,
for the comparison benchmarks. launch() returns a Launched: the process (stopped by PID at
the end of its with-block) and, for each guest TCP port, where the host reaches it:
native servers run in their own network namespace (their fixed ports stay off the host),
isle and the Linux guest get QEMU user networking with restrict=on and 127.0.0.1 forwards.
Every target uses the same guest memory (MEM) and one vCPU under TCG."""

import re
import select
import subprocess
import time
from pathlib import Path

import linuxguest
from benchlib import (GO_EXAMPLE, ISLE, NETNS_PREFIX, BenchError, Started, free_port,
                      go_server)

MEM = "256M"
TARGETS = ("native", "isle", "linux")
# Table columns after the first: one per target, then the ratios of medians.
COLUMNS = ["native", "isle", "Linux guest", "isle/native", "isle/Linux"]
BOOT_LINE = re.compile(r"(?:isle: boot time: |linux-init: boot time )(\d+) us")


class Launched(Started):
    def __init__(self, cmd, ports, netns, **kw):
        super().__init__(cmd, **kw)
        self.ports = ports  # guest port -> host port
        self.netns = netns  # whether ports are in the process's own network namespace

    @property
    def netns_pid(self):
        return self.pid if self.netns else None


def launch(target, prog, args=(), ports=(), tree=None, config=None, mem=MEM, extra=(),
           stdout=subprocess.PIPE, stderr=subprocess.PIPE):
    """Start prog (a static ELF) with args on target. ports: guest TCP ports to reach from
    the host; tree: a directory the program finds as ./NAME in its working directory
    (isle: through config, whose Dirs name it); extra: more `isle run` options."""
    prog = str(prog)
    name = prog.rsplit("/", 1)[-1]
    if target == "native":
        cwd = str(tree.parent) if tree else None
        if ports:
            return Launched([*NETNS_PREFIX, prog, *args], {g: g for g in ports}, True,
                            stdout=stdout, stderr=stderr, cwd=cwd)
        return Launched([prog, *args], {}, False, stdout=stdout, stderr=stderr, cwd=cwd)
    fwd = {g: free_port() for g in ports}
    if target == "isle":
        cmd = [ISLE, "run", "--accel", "tcg", "-m", mem, "--boot-time", *extra]
        if ports:
            cmd += ["--net", "isolated"]
            for g, h in fwd.items():
                cmd += ["-p", f"{h}:{g}"]
        if config:
            cmd += ["-c", config]
        return Launched([*cmd, prog, *args], fwd, False, stdout=stdout, stderr=stderr)
    if target == "linux":
        cpio = linuxguest.initramfs(name, prog, tree)
        cmd = linuxguest.qemu_command(name, cpio, mem=mem, forwards=[(h, g) for g, h in
                                                                     fwd.items()], args=args)
        return Launched(cmd, fwd, False, stdout=stdout, stderr=stderr)
    raise BenchError(f"unknown target {target}")


def go_launch(target, mem=MEM, extra=()):
    """The Go static server on target, its port 8080 reachable."""
    return launch(target, go_server(), ports=(8080,), tree=GO_EXAMPLE / "static",
                  config=GO_EXAMPLE / "config.json", mem=mem, extra=extra)


def wait_line(proc, pattern, limit):
    """(seconds, line) at the first stdout line matching pattern (a regex), reading stdout
    as it comes; BenchError if proc ends or limit seconds pass first."""
    t0 = time.monotonic()
    buf = b""
    fd = proc.stdout.fileno()
    while time.monotonic() - t0 < limit:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        chunk = proc.stdout.read1(65536) if hasattr(proc.stdout, "read1") else b""
        if not chunk:
            break
        buf += chunk
        for line in buf.split(b"\n")[:-1]:
            text = line.decode(errors="replace")
            if re.search(pattern, text):
                proc.seen = buf  # for output_of()
                return time.monotonic() - t0, text
    raise BenchError(f"no line matching {pattern!r} within {limit} s; output:\n"
                     f"{buf.decode(errors='replace')[-2000:]}")


def vm_pid(launched, target):
    """The PID whose memory and CPU stand for the workload: the QEMU that `isle run` starts
    (its child) for isle, else the process launched (QEMU itself, or the native program)."""
    if target != "isle":
        return launched.pid
    for _ in range(100):  # bounded: QEMU appears right after isle's start
        for d in Path("/proc").iterdir():
            if d.name.isdigit():
                try:
                    stat = (d / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == launched.pid:
                    return int(d.name)
        time.sleep(0.1)
    raise BenchError("isle run started no QEMU")


def output_of(proc):
    """All stdout and stderr of the ended proc, including what wait_line read."""
    out = getattr(proc, "seen", b"")
    for f in (proc.stdout, proc.stderr):
        try:
            out += f.read() or b""
        except (ValueError, OSError, AttributeError):
            pass
    return out.decode(errors="replace")


def linux_available():
    """None when the Linux guest can be built, else the reason (for the tables)."""
    try:
        linuxguest.vmlinuz()
        return None
    except BenchError as e:
        return f"not measured: {str(e).splitlines()[0]}"
