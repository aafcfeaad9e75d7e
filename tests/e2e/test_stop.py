"""Graceful stop (docs/stop.md): SIGTERM to `isle run` presses the VM's ACPI power button
over QMP, the kernel sends SIGTERM to the program, and the VM powers off through the normal
exit path with the program's status.

stopme.c (run natively first, held to the same expectation where one exists) prints READY
once its SIGTERM disposition is set; only then does the test signal `isle run` (its PID,
never its group). Cases, on microvm (GED) and q35 (fixed-hardware button):
- default action: status 143, the kernel's power button line, no "interrupted" (QEMU was
  not killed);
- a handler that writes a file and exits 0, in an image run as `isle run IMAGE` (writes
  persist): status 0 and `isle image cat` shows the file afterwards (no fsync in the
  program: the exit path wrote it back);
- SIGTERM ignored with stop_timeout=1: the kernel's timeout ends it, status 143, reason
  "stop timeout";
- a second SIGTERM while the program ignores the first (stop_timeout=600): isle kills
  QEMU at once, status 143 with "interrupted, VM stopped";
- SIGTERM at once, before the guest is up: still graceful (isle presses again);
- a malformed stop_timeout is named in the log, the default kept;
- SIGKILL of isle once the guest is up leaves no socket or directory behind.
Every run uses TMPDIR=tmp_path, which must hold no isle-qmp-* directory afterwards.
Waits are bounded only as hang guards; no timing is asserted.
"""

import os
import select
import signal
import subprocess
import time

import pytest

from conftest import (BOOT_TIMEOUT, ISLE, guest_binary, isle_command, require_isle,
                      run_isle_cli, status_of)

READY = b"READY\n"


class Run:
    """`isle run` in its own session, stdout and stderr read as they come."""

    def __init__(self, cmd, tmp_path):
        require_isle()
        env = dict(os.environ, TMPDIR=str(tmp_path))
        self.cmd = cmd
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env, start_new_session=True)
        self.out = b""
        self.err = b""

    def _read(self, timeout):
        fds = [f for f in (self.proc.stdout, self.proc.stderr) if not f.closed]
        ready, _, _ = select.select(fds, [], [], timeout)
        got = False
        for f in ready:
            data = os.read(f.fileno(), 65536)
            if not data:
                f.close()
                continue
            got = True
            if f is self.proc.stdout:
                self.out += data
            else:
                self.err += data
        return got or bool(ready)

    def wait_for(self, what, stream="out", timeout=BOOT_TIMEOUT):
        """Read until `what` appears in stdout (or stderr); fail after timeout (hang guard)."""
        deadline = time.monotonic() + timeout
        while what not in (self.out if stream == "out" else self.err):
            left = deadline - time.monotonic()
            if left <= 0 or (self.proc.stdout.closed and self.proc.stderr.closed):
                self.kill()
                pytest.fail(f"no {what!r} from {' '.join(self.cmd)}\n"
                            f"stdout: {self.out!r}\nstderr: {self.err.decode(errors='replace')}")
            self._read(min(left, 1.0))

    def finish(self, timeout=BOOT_TIMEOUT):
        """Read to EOF and reap. Returns (status, stdout bytes, stderr text)."""
        deadline = time.monotonic() + timeout
        while not (self.proc.stdout.closed and self.proc.stderr.closed):
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                pytest.fail(f"{' '.join(self.cmd)} did not end\nstderr: {self.err!r}")
            self._read(min(left, 1.0))
        rc = self.proc.wait(timeout=max(deadline - time.monotonic(), 1))
        return status_of(rc), self.out, self.err.decode(errors="replace")

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)


def no_qmp_dirs_left(tmp_path):
    left = [p.name for p in tmp_path.iterdir() if p.name.startswith("isle-qmp-")]
    assert left == [], left


def native_stop(prog, args):
    """Run stopme natively, SIGTERM after READY. Returns the status (None if still running
    3 s later, then killed)."""
    p = subprocess.Popen([str(prog)] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert p.stdout.readline() == READY
        p.send_signal(signal.SIGTERM)
        try:
            p.communicate(timeout=3)
        except subprocess.TimeoutExpired:
            return None
        return status_of(p.returncode)
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate(timeout=30)


def stop_after_ready(cmd, tmp_path):
    r = Run(cmd, tmp_path)
    try:
        r.wait_for(READY)
        t0 = time.monotonic()
        r.proc.send_signal(signal.SIGTERM)
        status, out, err = r.finish()
        took = time.monotonic() - t0
    finally:
        r.kill()
    print(f"{' '.join(cmd)}: SIGTERM to isle exit {took:.2f} s")
    no_qmp_dirs_left(tmp_path)
    return status, out, err


def test_stop_default_action(machine, tmp_path):
    prog = guest_binary("stopme")
    assert native_stop(prog, ["default"]) == 128 + signal.SIGTERM
    status, out, err = stop_after_ready(isle_command(prog, ["default"], machine=machine),
                                        tmp_path)
    assert status == 128 + signal.SIGTERM, err
    assert "isle: power button: SIGTERM to the program" in err, err
    assert "program killed by signal SIGTERM" in err, err
    assert "interrupted" not in err, err


def test_stop_handler_data_survives(machine, tmp_path):
    prog = guest_binary("stopme")
    native_file = tmp_path / "native.txt"
    assert native_stop(prog, ["handler", str(native_file)]) == 0
    assert native_file.read_text() == "stopped cleanly after SIGTERM\n"
    img = tmp_path / "stopme.img"
    status, _, err = run_isle_cli(["build", str(prog), "-o", str(img)], timeout=BOOT_TIMEOUT)
    assert status == 0, err
    cmd = [str(ISLE), "run", "--machine", machine, "--accel", "tcg", str(img), "handler",
           "/stopped.txt"]
    status, out, err = stop_after_ready(cmd, tmp_path)
    assert status == 0, err
    assert b"wrote /stopped.txt\n" in out, out
    assert "isle: power button: SIGTERM to the program" in err, err
    status, text, err = run_isle_cli(["image", "cat", str(img), "/stopped.txt"])
    assert status == 0, err
    assert text == "stopped cleanly after SIGTERM\n"


def test_stop_timeout_when_ignored(machine, tmp_path):
    prog = guest_binary("stopme")
    assert native_stop(prog, ["ignore"]) is None  # natively it keeps running
    cmd = isle_command(prog, ["ignore"], machine=machine,
                       extra=["-v", "-k", "stop_timeout=1"])
    status, out, err = stop_after_ready(cmd, tmp_path)
    assert status == 128 + signal.SIGTERM, err
    assert "isle: power button: SIGTERM to the program" in err, err
    assert "isle: stop timeout: the program still runs 1 s after SIGTERM" in err, err
    assert "isle: exit 143 (stop timeout)" in err, err
    assert "interrupted" not in err, err


@pytest.mark.machines("microvm")
def test_second_sigterm_kills(machine, tmp_path):
    prog = guest_binary("stopme")
    cmd = isle_command(prog, ["ignore"], machine=machine, extra=["-k", "stop_timeout=600"])
    r = Run(cmd, tmp_path)
    try:
        r.wait_for(READY)
        r.proc.send_signal(signal.SIGTERM)
        r.wait_for(b"isle: power button: SIGTERM to the program", stream="err")
        r.proc.send_signal(signal.SIGTERM)
        status, out, err = r.finish()
    finally:
        r.kill()
    assert status == 128 + signal.SIGTERM, err
    assert "isle: interrupted, VM stopped" in err, err
    assert "stop timeout" not in err, err
    no_qmp_dirs_left(tmp_path)


def sigterm_blocked(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("SigBlk:"):
                return bool(int(line.split()[1], 16) & (1 << (signal.SIGTERM - 1)))
    return False


def test_stop_while_booting(machine, tmp_path):
    """SIGTERM at once, while QEMU starts or the kernel boots (before the button is enabled
    or the QMP socket exists): isle presses again every second, so the stop is still
    graceful: the program's 143, not a killed QEMU."""
    prog = guest_binary("stopme")
    r = Run(isle_command(prog, ["default"], machine=machine), tmp_path)
    try:
        # As soon as isle blocks SIGTERM (it reads it from a signalfd from then on); before
        # that the signal's default action would end isle itself.
        deadline = time.monotonic() + 30
        while not sigterm_blocked(r.proc.pid):
            if time.monotonic() > deadline or r.proc.poll() is not None:
                pytest.fail("isle never blocked SIGTERM")
            time.sleep(0.001)
        r.proc.send_signal(signal.SIGTERM)
        status, out, err = r.finish()
    finally:
        r.kill()
    assert status == 128 + signal.SIGTERM, err
    assert "isle: power button: SIGTERM to the program" in err, err
    assert "interrupted" not in err, err
    no_qmp_dirs_left(tmp_path)


@pytest.mark.machines("microvm")
@pytest.mark.parametrize("value", ["abc", "-1", "86401", "1s"])
def test_bad_stop_timeout(machine, value, tmp_path):
    """A malformed stop_timeout is named in the log and the default (10 s) kept."""
    prog = guest_binary("stopme")
    cmd = isle_command(prog, ["default"], machine=machine, extra=["-k", f"stop_timeout={value}"])
    status, out, err = stop_after_ready(cmd, tmp_path)
    assert status == 128 + signal.SIGTERM, err
    assert (f"isle: kernel option stop_timeout={value}: not a number of seconds 0..86400, "
            "using 10") in err, err


@pytest.mark.machines("microvm")
@pytest.mark.parametrize("extra", [[], ["--bundle"]], ids=["image", "bundle"])
def test_sigkill_leaves_no_socket(machine, extra, tmp_path):
    """Once the guest is up isle holds its QMP connection and has removed the socket and
    its directory, and the boot bundle (QEMU read it before answering QMP): even SIGKILL
    of isle (QEMU then goes by PDEATHSIG) leaves nothing in $TMPDIR."""
    prog = guest_binary("stopme")
    r = Run(isle_command(prog, ["default"], machine=machine, extra=extra), tmp_path)
    children = []
    try:
        r.wait_for(READY)
        no_qmp_dirs_left(tmp_path)
        with open(f"/proc/{r.proc.pid}/task/{r.proc.pid}/children") as f:
            children = [int(p) for p in f.read().split()]
        r.proc.send_signal(signal.SIGKILL)
        r.proc.wait(timeout=30)
    finally:
        r.kill()
        deadline = time.monotonic() + 30
        for pid in children:
            while os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
                time.sleep(0.05)
            if os.path.exists(f"/proc/{pid}"):
                os.kill(pid, signal.SIGKILL)
    assert children, "no QEMU child found"
    no_qmp_dirs_left(tmp_path)
    left = [p.name for p in tmp_path.iterdir() if p.name.startswith("isle-bundle-")]
    assert left == [], left
