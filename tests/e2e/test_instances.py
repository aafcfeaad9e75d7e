"""isle image create|list|inspect|delete (the local image store) and isle instance
create|list|logs|stop|delete, with HOME and the XDG directories in a pytest tmp dir.

The guest programs are tcp_echo (tests/guest/tcp_echo.c, run natively first below) and
exitcode. Instances run with `--net isolated --accel tcg` and forward free 127.0.0.1
ports. Every instance a test starts is deleted at the end (isle instance delete, then
SIGKILL by the supervisor PID recorded in its state file, which is our own process)."""

import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from conftest import ISLE, free_port, require_isle

CLI_TIMEOUT = 240  # instance create waits for QEMU; a loaded 2-core host
WAIT_S = 180       # bounded waits for a guest to answer or change state
NOT_SUPPORTED = "isle: target 'aws' is not supported yet (only onprem)\n"


class Isle:
    """Runs build/isle with HOME and XDG_{DATA,STATE,CACHE}_HOME under tmp."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.env = dict(os.environ)
        self.env.update({"HOME": str(tmp / "home"), "XDG_DATA_HOME": str(tmp / "data"),
                         "XDG_STATE_HOME": str(tmp / "state")})
        (tmp / "home").mkdir()

    def __call__(self, *args, timeout=CLI_TIMEOUT, env=None):
        r = subprocess.run([str(ISLE)] + [str(a) for a in args], capture_output=True,
                           text=True, timeout=timeout, env=env or self.env, cwd=self.tmp)
        return r.returncode, r.stdout, r.stderr

    def ok(self, *args, **kw):
        rc, out, err = self(*args, **kw)
        assert rc == 0, f"isle {' '.join(map(str, args))}: {rc}\n{out}\n{err}"
        return out

    def inst_dir(self, name):
        return self.tmp / "state" / "isle" / "instances" / name

    def state(self, name):
        text = (self.inst_dir(name) / "state").read_text()
        return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)

    def rows(self):
        """isle instance list as {name: {column: value}}."""
        lines = self.ok("instance", "list").splitlines()
        head = lines[0].split()
        assert head == ["NAME", "IMAGE", "STATE", "PORTS", "PID", "UPTIME", "MEMORY"]
        return {f[0]: dict(zip(head, f)) for f in (line.split() for line in lines[1:])}

    def wait_state(self, name, want):
        for _ in range(WAIT_S * 4):
            row = self.rows().get(name)
            if row and re.fullmatch(want, row["STATE"]):
                return row
            time.sleep(0.25)
        pytest.fail(f"{name} never reached state {want}: {self.rows()}\n"
                    f"{self.ok('instance', 'logs', name)}")

    def cleanup(self):
        root = self.tmp / "state" / "isle" / "instances"
        if not root.exists():
            return
        for d in root.iterdir():
            self("instance", "delete", d.name, "--timeout", "5", timeout=120)
            if (d / "state").exists():
                pid = int(self.state(d.name).get("pid", "0"))
                try:  # only our own supervisor: its command line names this tmp dir
                    with open(f"/proc/{pid}/cmdline", "rb") as f:
                        if pid > 0 and str(self.tmp).encode() in f.read():
                            os.kill(pid, signal.SIGKILL)
                except (FileNotFoundError, ProcessLookupError):
                    pass


@pytest.fixture
def isle(tmp_path):
    require_isle()
    i = Isle(tmp_path)
    yield i
    i.cleanup()


def echo(port, data=b"ping", attempts=WAIT_S * 2):
    """Connects to 127.0.0.1:port until the guest answers data back (bounded)."""
    last = None
    for _ in range(attempts):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                s.sendall(data)
                s.shutdown(socket.SHUT_WR)
                got = b""
                while len(got) < len(data):
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    got += chunk
                if got == data:
                    return
                last = got
        except OSError as e:
            last = e
        time.sleep(0.5)
    pytest.fail(f"no echo from port {port}: {last!r}")


def disk_users(disk):
    """PIDs of the processes whose command line names disk (bytes): the VM's QEMU."""
    users = []
    for p in Path("/proc").iterdir():
        try:
            if p.name.isdigit() and disk in (p / "cmdline").read_bytes():
                users.append(p.name)
        except OSError:
            pass
    return users


def echo_image(isle, guest, conns, name="echo-image"):
    prog = isle.tmp / "tcp_echo"
    prog.write_bytes(Path(guest("tcp_echo")).read_bytes())
    prog.chmod(0o755)
    (isle.tmp / "echo.json").write_text(f'{{"Args": ["7000", "{conns}"]}}\n')
    return isle.ok("image", "create", "-c", "echo.json", "-a", "tcp_echo", "-i", name)


def test_tcp_echo_native_proves_echo(guest):
    """The guest program, natively: the echo() helper really talks to it."""
    port = free_port()
    proc = subprocess.Popen([str(guest("tcp_echo")), str(port), "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        echo(port, b"native", attempts=40)
        out, _ = proc.communicate(timeout=30)
        assert b"ECHOED 6" in out and b"PASS tcp_echo" in out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_target_only_onprem(isle):
    for args in (["image", "create", "-t", "aws", "-a", "x"], ["image", "list", "-t", "aws"],
                 ["instance", "list", "--target", "aws"],
                 ["instance", "create", "-t", "aws", "-i", "x"],
                 ["image", "delete", "-t", "aws", "x"]):
        assert isle(*args) == (2, "", NOT_SUPPORTED), args
    assert isle("image", "list", "-t", "onprem")[0] == 0
    assert isle("instance", "list", "-t", "onprem")[0] == 0


def test_help_and_usage_errors(isle):
    for args in (["image", "--help"], ["instance", "--help"], ["image", "create", "--help"],
                 ["image", "list", "-h"], ["image", "delete", "--help"],
                 ["image", "inspect", "--help"], ["image", "files", "--help"],
                 ["instance", "create", "--help"], ["instance", "list", "--help"],
                 ["instance", "logs", "--help"], ["instance", "stop", "--help"],
                 ["instance", "delete", "--help"]):
        rc, out, err = isle(*args)
        assert rc == 0 and out.startswith("Usage: isle ") and err == "", args
    for args in (["image", "create", "--bogus"], ["image", "list", "-x"],
                 ["instance", "create", "--bogus", "img"], ["instance", "list", "extra"],
                 ["instance", "stop"], ["instance", "stop", "x", "--timeout", "soon"],
                 ["instance", "logs"], ["instance", "frobnicate"], ["image", "inspect"],
                 ["image", "create"]):
        rc, out, err = isle(*args)
        assert rc == 2 and err.startswith("isle: "), (args, rc, err)


def test_image_store(isle, guest):
    out = echo_image(isle, guest, 1)
    store = isle.tmp / "data" / "isle" / "images" / "echo-image"
    assert out.startswith("echo-image: ") and str(store) in out
    assert (store / "disk.img").is_file() and (store / "config.json").is_file()
    # the walkthrough's default name: PROGRAM's file name + "-image"; positional PROGRAM
    out = isle.ok("image", "create", "tcp_echo")
    assert out.startswith("tcp_echo-image: ")
    lines = isle.ok("image", "list").splitlines()
    assert lines[0].split() == ["NAME", "SIZE", "CREATED", "PROGRAM"]
    assert [line.split()[0] for line in lines[1:]] == ["echo-image", "tcp_echo-image"]
    assert lines[1].split()[-1] == "tcp_echo"
    out = isle.ok("image", "inspect", "echo-image")
    assert "argv[1]:   7000" in out and "argv[2]:   1" in out
    assert '"Args": ["7000", "1"]' in out and "program:   /tcp_echo" in out
    assert "Config:   (none" in isle.ok("image", "inspect", "tcp_echo-image")
    # files/cat take a store name as well as a path
    assert re.search(r"^-rwx\S* +\d+ tcp_echo$", isle.ok("image", "files", "echo-image"),
                     re.M)
    r = subprocess.run([str(ISLE), "image", "cat", "echo-image", "/tcp_echo"], env=isle.env,
                       capture_output=True, timeout=CLI_TIMEOUT, cwd=isle.tmp)
    assert r.returncode == 0 and r.stdout == (isle.tmp / "tcp_echo").read_bytes()
    # re-creating replaces, and says so
    assert "replaced" in isle.ok("image", "create", "-a", "tcp_echo", "-i", "echo-image")
    assert "Config:   (none" in isle.ok("image", "inspect", "echo-image")
    rc, out, err = isle("image", "create", "-a", "tcp_echo", "-i", "bad/name")
    assert rc == 2 and "bad image name 'bad/name'" in err
    rc, out, err = isle("image", "create", "-a", "tcp_echo", "other")
    assert rc == 2 and "two programs" in err
    rc, out, err = isle("image", "create", "-a", "nosuch-program")
    assert rc == 127 and "nosuch-program" in err
    assert sorted(p.name for p in store.parent.iterdir()) == ["echo-image",
                                                              "tcp_echo-image"]
    rc, out, err = isle("image", "inspect", "nosuch")
    assert rc == 1 and "nosuch: no such image" in err
    assert isle.ok("image", "delete", "tcp_echo-image") == "deleted image tcp_echo-image\n"
    rc, out, err = isle("image", "delete", "tcp_echo-image", "echo-image")
    assert rc == 1 and "tcp_echo-image: no such image" in err
    assert out == "deleted image echo-image\n"
    assert isle.ok("image", "list").splitlines()[1:] == []
    assert not store.exists()


def test_store_default_location(isle, guest):
    env = dict(isle.env)
    del env["XDG_DATA_HOME"]
    prog = isle.tmp / "tcp_echo"
    prog.write_bytes(Path(guest("tcp_echo")).read_bytes())
    prog.chmod(0o755)
    rc, out, err = isle("image", "create", "-a", "tcp_echo", env=env)
    assert rc == 0, err
    assert (isle.tmp / "home" / ".local" / "share" / "isle" / "images" / "tcp_echo-image" /
            "disk.img").is_file()


def test_instance_lifecycle(isle, guest):
    echo_image(isle, guest, 5)
    port = free_port()
    out = isle.ok("instance", "create", "echo-image", "--net", "isolated", "--accel", "tcg",
                  "-p", f"{port}:7000", "--name", "web")
    assert out.startswith("instance web started") and f"{port}:7000/tcp" in out
    row = isle.rows()["web"]
    assert row["STATE"] == "running" and row["IMAGE"] == "echo-image"
    assert row["PORTS"] == f"{port}:7000/tcp" and int(row["PID"]) > 0
    assert re.fullmatch(r"\d+M", row["MEMORY"]), row
    echo(port, b"hello instance")
    assert "READY" in isle.ok("instance", "logs", "web")
    # the same host port: refused, by instance name; a port bound on the host: refused
    rc, out, err = isle("instance", "create", "echo-image", "--net", "isolated",
                        "--accel", "tcg", "-p", f"{port}:7000", "--name", "web2")
    assert rc == 1 and f"host port {port}/tcp is already used by instance web" in err
    held = socket.socket()
    held.bind(("127.0.0.1", 0))
    held.listen(1)
    try:
        rc, out, err = isle("instance", "create", "echo-image", "--net", "isolated",
                            "--accel", "tcg", "-p", f"{held.getsockname()[1]}:7000")
        assert rc == 1 and "is in use on this host" in err
    finally:
        held.close()
    rc, out, err = isle("instance", "create", "echo-image", "--net", "isolated", "--accel",
                        "tcg", "--name", "web")
    assert rc == 1 and "an instance named web exists" in err
    rc, out, err = isle("instance", "create", "echo-image", "--name", "no/slash")
    assert rc == 2 and "bad instance name" in err
    rc, out, err = isle("instance", "create", "nosuch-image")
    assert rc == 127 and "nosuch-image: no such image" in err
    assert set(isle.rows()) == {"web"}
    # logs -f follows until the instance ends
    follow = subprocess.Popen([str(ISLE), "instance", "logs", "-f", "web"], env=isle.env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out = isle.ok("instance", "stop", "web")
        assert out == "instance web stopped\n"
        fout, ferr = follow.communicate(timeout=60)
    finally:
        if follow.poll() is None:
            follow.kill()
            follow.wait()
    assert b"READY" in fout and b"instance web: stopped" in fout
    row = isle.rows()["web"]
    assert (row["STATE"], row["PID"], row["UPTIME"]) == ("stopped", "-", "-")
    assert isle.ok("instance", "stop", "web") == "instance web is not running (stopped)\n"
    # the port is free again once the instance is stopped
    port2 = free_port()
    out = isle.ok("instance", "create", "echo-image", "--net", "isolated", "--accel", "tcg",
                  "-p", f"{port2}:7000")
    name = re.match(r"instance (echo-image-[0-9a-f]{4}) started", out).group(1)
    echo(port2)
    assert isle.ok("instance", "delete", "web", name) == \
        f"deleted instance web\ndeleted instance {name}\n"
    assert isle.rows() == {}
    assert not isle.inst_dir("web").exists()
    rc, out, err = isle("instance", "delete", "web")
    assert rc == 1 and "web: no such instance" in err


def test_instance_crashed(isle, guest):
    echo_image(isle, guest, 1)
    # IMAGE as a path (it holds '/'): the default name is its file name without .img
    disk = isle.tmp / "echo.img"
    disk.write_bytes((isle.tmp / "data/isle/images/echo-image/disk.img").read_bytes())
    out = isle.ok("instance", "create", "./echo.img", "--net", "isolated", "--accel", "tcg",
                  "-p", f"{free_port()}:7000")
    name = re.match(r"instance (echo-[0-9a-f]{4}) started", out).group(1)
    assert isle.rows()[name]["IMAGE"] == "echo.img"
    isle.ok("instance", "delete", name)
    isle.ok("instance", "create", "echo-image", "--net", "isolated", "--accel", "tcg",
            "-p", f"{free_port()}:7000", "--name", "victim")
    pid = int(isle.rows()["victim"]["PID"])
    disk = str(isle.inst_dir("victim") / "disk.img").encode()
    assert disk_users(disk), "the check below would prove nothing"
    assert pid == int(isle.state("victim")["pid"])
    os.kill(pid, signal.SIGKILL)  # the supervisor this test started
    row = isle.wait_state("victim", "crashed|running")
    for _ in range(WAIT_S * 4):
        row = isle.rows()["victim"]
        if row["STATE"] == "crashed":
            break
        time.sleep(0.25)
    assert (row["STATE"], row["PID"]) == ("crashed", "-"), row
    assert isle.state("victim")["state"] == "running"  # what it last recorded
    # its QEMU does not outlive it (parent-death signal)
    for _ in range(WAIT_S * 4):
        if not disk_users(disk):
            break
        time.sleep(0.25)
    assert disk_users(disk) == []
    assert isle.ok("instance", "delete", "victim") == "deleted instance victim\n"


def test_exit_and_reboot_on_exit(isle, guest):
    prog = isle.tmp / "exitcode"
    prog.write_bytes(Path(guest("exitcode")).read_bytes())
    prog.chmod(0o755)
    (isle.tmp / "once.json").write_text('{"Args": ["3"]}\n')
    (isle.tmp / "again.json").write_text('{"Args": ["3"], "RebootOnExit": true}\n')
    isle.ok("image", "create", "-c", "once.json", "-a", "exitcode", "-i", "once")
    isle.ok("image", "create", "-c", "again.json", "-a", "exitcode", "-i", "again")
    assert "RebootOnExit" in isle.ok("image", "inspect", "again")
    isle.ok("instance", "create", "once", "--accel", "tcg", "--name", "once")
    isle.ok("instance", "create", "again", "--accel", "tcg", "--name", "again")
    row = isle.wait_state("once", r"exited\(3\)")
    assert row["PID"] == "-"
    assert "exiting with 3" in isle.ok("instance", "logs", "once")
    for _ in range(WAIT_S * 4):
        if int(isle.state("again")["restarts"]) >= 2:
            break
        time.sleep(0.25)
    assert int(isle.state("again")["restarts"]) >= 2
    assert isle.rows()["again"]["STATE"] == "running"
    logs = isle.ok("instance", "logs", "again")
    assert logs.count("exiting with 3") >= 2
    assert "exited with 3; RebootOnExit: restart 1 of 10 in 1 s" in logs
    assert "restart 2 of 10 in 2 s" in logs
    isle.ok("instance", "stop", "again")
    assert isle.rows()["again"]["STATE"] == "stopped"


def test_stop_keeps_written_data(isle, guest, tmp_path):
    """isle instance stop is graceful (docs/stop.md): stopme's SIGTERM handler writes a
    file without fsync and exits 0; the file is in the instance's disk afterwards."""
    message = "stopped cleanly after SIGTERM\n"
    native = tmp_path / "native.txt"
    proc = subprocess.Popen([str(guest("stopme")), "handler", str(native)],
                            stdout=subprocess.PIPE)
    try:
        assert proc.stdout.readline() == b"READY\n"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0 and native.read_text() == message
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
    prog = isle.tmp / "stopme"
    prog.write_bytes(Path(guest("stopme")).read_bytes())
    prog.chmod(0o755)
    (isle.tmp / "stop.json").write_text('{"Args": ["handler", "/stopped.txt"]}\n')
    isle.ok("image", "create", "-c", "stop.json", "-a", "stopme", "-i", "stopme")
    isle.ok("instance", "create", "stopme", "--accel", "tcg", "--name", "s1")
    for _ in range(WAIT_S * 4):
        if "READY" in isle.ok("instance", "logs", "s1"):
            break
        time.sleep(0.25)
    assert "READY" in isle.ok("instance", "logs", "s1")
    assert isle.ok("instance", "stop", "s1") == "instance s1 stopped\n"
    st = isle.state("s1")
    assert (st["state"], st["status"]) == ("stopped", "0"), st
    disk = isle.inst_dir("s1") / "disk.img"
    assert isle.ok("image", "cat", str(disk), "/stopped.txt") == message
    assert "power button" in isle.ok("instance", "logs", "s1")


def test_log_rotates_without_loss(isle, guest):
    """chatty prints 1.5 MB: the log is rotated at 1 MiB (log.1 + log, both within the
    cap) and isle instance logs shows every line once, in order."""
    count, cap = 15000, 1 << 20
    native = subprocess.run([str(guest("chatty")), str(count)], capture_output=True,
                            timeout=60)
    lines = native.stdout.decode().splitlines()
    assert native.returncode == 0 and len(lines) == count + 1 and lines[-1] == "PASS chatty"
    prog = isle.tmp / "chatty"
    prog.write_bytes(Path(guest("chatty")).read_bytes())
    prog.chmod(0o755)
    (isle.tmp / "chatty.json").write_text(f'{{"Args": ["{count}"]}}\n')
    isle.ok("image", "create", "-c", "chatty.json", "-a", "chatty", "-i", "chatty")
    isle.ok("instance", "create", "chatty", "--accel", "tcg", "--name", "c1")
    isle.wait_state("c1", r"exited\(0\)")
    d = isle.inst_dir("c1")
    assert 0 < (d / "log.1").stat().st_size <= cap
    assert 0 < (d / "log").stat().st_size <= cap
    out = isle.ok("instance", "logs", "c1").splitlines()
    got = [line for line in out if line.startswith("line ")]
    assert got == lines[:-1]
    assert "PASS chatty" in out and out[-1] == "isle: instance c1: exited (status 0)"


def test_concurrent_creates_one_port(isle, guest):
    """Two creates started together for one host port: exactly one gets it, the other is
    told which instance has it. (create holds a lock from its port check until its VM
    runs; this test does not reliably provoke the race the lock closes: it passed in 2 of
    2 runs without the lock too.)"""
    echo_image(isle, guest, 1)
    port = free_port()
    procs = [subprocess.Popen([str(ISLE), "instance", "create", "echo-image", "--net",
                               "isolated", "--accel", "tcg", "-p", f"{port}:7000", "--name",
                               name], env=isle.env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for name in ("r1", "r2")]
    results = [(p.wait(timeout=CLI_TIMEOUT), p.stdout.read(), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert sorted(r[0] for r in results) == [0, 1], results
    winner = "r1" if results[0][0] == 0 else "r2"
    loser = results[1] if winner == "r1" else results[0]
    assert f"host port {port}/tcp is already used by instance {winner}" in loser[2]
    assert set(isle.rows()) == {winner}
    echo(port)


def test_crash_report_in_logs(isle, guest):
    """A program that dies of SIGSEGV in an instance (no RebootOnExit): the instance is
    exited(139), and `isle instance logs` holds the kernel's whole crash report: the
    SIGSEGV line with the faulting address, the mapping, rip symbolised, registers and
    the backtrace (docs/debugging.md). nullderef dies the same way natively."""
    src = guest("nullderef")
    proc = subprocess.run([str(src)], capture_output=True, timeout=60)
    assert proc.returncode == -signal.SIGSEGV and b"about to fault at 0" in proc.stdout
    prog = isle.tmp / "nullderef"
    prog.write_bytes(Path(src).read_bytes())
    prog.chmod(0o755)
    isle.ok("image", "create", "-a", "nullderef", "-i", "crasher")
    isle.ok("instance", "create", "crasher", "--accel", "tcg", "--name", "crasher")
    row = isle.wait_state("crasher", r"exited\(\d+\)")
    assert (row["STATE"], row["PID"]) == ("exited(139)", "-"), row
    logs = isle.ok("instance", "logs", "crasher")
    assert "about to fault at 0" in logs  # the program's own output, before the report
    want = [r"^isle: program fault: SIGSEGV: page fault at address 0 \(write, not present, "
            r"user mode\)$",
            r"^isle:   address 0 is in: unmapped$",
            r"^isle:   at rip 0x[0-9a-f]+ main\+0x[0-9a-f]+ \(0x[0-9a-f]+-0x[0-9a-f]+ r-x "
            r"program\)$",
            r"^isle:   rip [0-9a-f]{16}  rsp [0-9a-f]{16}  rflags [0-9a-f]{16}$",
            r"^isle:   cs 0023 ss 001b error 0x6 ",
            r"^isle:   backtrace ",
            r"^isle:     #0 [0-9a-f]{16} main\+0x[0-9a-f]+$",
            r"^isle: instance crasher: exited \(status 139\)$"]
    for w in want:
        assert re.search(w, logs, re.M), f"{w!r} not in the logs:\n{logs}"
    # the report comes before the exit line, in order
    assert logs.index("program fault: SIGSEGV") < logs.index("backtrace") < \
        logs.index("exited (status 139)")
