"""The isle command itself: --version, --help, usage errors (2), -m sizes, programs it
cannot run (126) or find (127), --accel kvm on a PVM host (126), what --dry-run would
start, and stopping a running VM with SIGTERM or Ctrl-C without leaving QEMU behind (both
press the VM's power button: the program gets SIGTERM and isle exits with its status, 143;
natively Ctrl-C gives 130; docs/stop.md)."""

import os
import re
import selectors
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import (BOOT_TIMEOUT, ISLE, REPO, accels, guest_binary, host_is_pvm,
                      require_isle, run_isle, run_isle_cli, status_of)


def hello():
    return guest_binary("hello")


def test_version():
    status, out, err = run_isle_cli(["--version"])
    assert status == 0, err
    assert (REPO / "VERSION").read_text().strip() in out


def test_help():
    status, out, err = run_isle_cli(["--help"])
    assert status == 0, err
    for word in ("run", "--machine", "--accel", "-m", "--trace", "--dry-run"):
        assert word in out, f"--help does not mention {word}:\n{out}"


@pytest.mark.parametrize("args", [
    [],
    ["no-such-command"],
    ["run"],
    ["run", "--machine", "bogus", "HELLO"],
    ["run", "--accel", "bogus", "HELLO"],
    ["run", "-m", "abc", "HELLO"],
    ["run", "-m", "12Q", "HELLO"],
    ["run", "-m", "-5M", "HELLO"],
    ["run", "-e", "NO_EQUALS_SIGN", "HELLO"],
    ["run", "--no-such-option", "HELLO"],
], ids=lambda a: " ".join(a) or "no-args")
def test_usage_errors(args):
    args = [str(hello()) if a == "HELLO" else a for a in args]
    status, out, err = run_isle_cli(args)
    assert status == 2, f"status {status}\nstdout: {out}\nstderr: {err}"
    assert err.strip(), "a usage error says what is wrong"


def test_memory_too_small():
    status, out, err = run_isle_cli(["run", "-m", "2M", hello()], timeout=BOOT_TIMEOUT)
    assert status != 0
    assert "too small" in err.lower(), err


def test_program_too_big_for_memory(tmp_path):
    """With --bundle the program travels in guest RAM: a program larger than the guest can
    hold is refused before QEMU starts, with the size it needs, not a QEMU or kernel
    failure."""
    src = tmp_path / "big.c"
    src.write_text("#include <stdio.h>\nstatic char big[6 << 20] = {1};\n"
                   "int main(void) { printf(\"%d\\n\", big[0]); return 0; }\n")
    prog = tmp_path / "big"
    subprocess.run(["gcc", "-static", "-o", str(prog), str(src)], check=True)
    status, out, err = run_isle_cli(["run", "--bundle", "--accel", "tcg", "-m", "8M",
                                     str(prog)], timeout=BOOT_TIMEOUT)
    assert status == 2, err
    m = re.search(r"too small.*at least (\d+)M", err)
    assert m, err
    status, out, err = run_isle_cli(["run", "--bundle", "--accel", "tcg", "-m",
                                     m.group(1) + "M", str(prog)], timeout=BOOT_TIMEOUT)
    assert (status, out) == (0, "1\n"), err


def qemu_memory_bytes(cmdline):
    m = re.search(r"(?:^|\s)-m\s+(?:size=)?(\d+)([KMGT]?)\b", cmdline)
    assert m, f"no -m in the QEMU command line:\n{cmdline}"
    scale = {"": 1 << 20, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    return int(m.group(1)) * scale[m.group(2)]


def dry_run(*opts):
    status, out, err = run_isle_cli(["run", *opts, "--dry-run", hello()])
    assert status == 0, err
    return out + err


@pytest.mark.parametrize("opt,size", [
    (None, 128 << 20), ("64M", 64 << 20), ("131072K", 128 << 20), ("1G", 1 << 30),
], ids=["default", "64M", "131072K", "1G"])
def test_memory_sizes(opt, size):
    text = dry_run(*(["-m", opt] if opt else []), "--accel", "tcg")
    assert qemu_memory_bytes(text) == size, text


@pytest.mark.parametrize("machine", ["microvm", "q35", "pc"])
def test_dry_run_tcg(machine):
    text = dry_run("--machine", machine, "--accel", "tcg")
    assert "-no-reboot" in text.split(), text
    assert re.search(r"-cpu\s+max\b", text), text
    assert re.search(r"\btcg\b", text), text
    assert re.search(rf"\b{machine}\b", text), text
    assert not re.search(r"-accel\s+kvm|accel=kvm", text), text


def test_missing_program(tmp_path):
    missing = tmp_path / "no-such-program"
    status, out, err = run_isle_cli(["run", "--accel", "tcg", missing])
    assert status == 127, err
    assert str(missing) in err or missing.name in err, err


def write_variant(tmp_path, name, mutate):
    data = bytearray(hello().read_bytes())
    data = mutate(data)
    path = tmp_path / name
    path.write_bytes(bytes(data))
    path.chmod(0o755)
    return path


def set_byte(offset, value):
    def mutate(data):
        data[offset] = value
        return data
    return mutate


BAD_PROGRAMS = {
    "shell-script": lambda tmp: _script(tmp),
    "truncated-elf": lambda tmp: write_variant(tmp, "truncated", lambda d: d[:100]),
    "elf32": lambda tmp: write_variant(tmp, "elf32", set_byte(4, 1)),          # EI_CLASS
    "big-endian": lambda tmp: write_variant(tmp, "bigendian", set_byte(5, 2)), # EI_DATA
    "aarch64": lambda tmp: write_variant(tmp, "aarch64", set_byte(18, 183)),   # e_machine
    "empty": lambda tmp: _empty(tmp),
}


def _script(tmp):
    path = tmp / "script.sh"
    path.write_text("#!/bin/sh\necho hi\n")
    path.chmod(0o755)
    return path


def _empty(tmp):
    path = tmp / "empty"
    path.write_bytes(b"")
    path.chmod(0o755)
    return path


@pytest.mark.parametrize("kind", list(BAD_PROGRAMS))
def test_cannot_run(tmp_path, kind):
    prog = BAD_PROGRAMS[kind](tmp_path)
    status, out, err = run_isle_cli(["run", "--accel", "tcg", prog], timeout=BOOT_TIMEOUT)
    assert status == 126, f"status {status}\n{err}"
    assert err.strip(), "isle says why it cannot run the program"
    assert not out, out


def test_dynamic_elf_refused():
    prog = guest_binary("hello", "dynamic")
    status, out, err = run_isle_cli(["run", "--accel", "tcg", prog], timeout=BOOT_TIMEOUT)
    assert status == 126, f"status {status}\n{err}"
    assert "static" in err.lower(), err


def test_too_many_strings():
    # More argv+envp strings than the boot bundle allows (include/abi/bundle.h: 4096).
    args = [f"a{i}" for i in range(5000)]
    status, out, err = run_isle_cli(["run", "--accel", "tcg", hello(), *args],
                                    timeout=BOOT_TIMEOUT)
    assert status in (2, 126), f"status {status}\n{err}"
    assert err.strip()
    assert "PASS" not in out


def test_accel_kvm_refused_on_pvm():
    if not host_is_pvm():
        pytest.skip("not a PVM host: --accel kvm is allowed here (this is not a KVM-missing skip)")
    status, out, err = run_isle_cli(["run", "--accel", "kvm", hello()], timeout=BOOT_TIMEOUT)
    assert status == 126, f"status {status}\n{err}"
    assert "PVM" in err, err


def test_accel_auto(guest):
    status, out, err = run_isle(guest("hello"), accel="auto")
    assert status == 0, err
    assert b"PASS hello\n" in out
    notices = [l for l in err.splitlines() if l.startswith("isle: using TCG")]
    if accels() == ["tcg"]:
        assert len(notices) == 1, err
    else:
        assert not notices, err


# --- stopping a running VM from outside -------------------------------------------------

def process_table():
    """{pid: (ppid, state, cmdline)} of every process now."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(
                errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        table[int(entry.name)] = (int(fields[1]), fields[0], cmdline)
    return table


def descendants(pid):
    table = process_table()
    found, frontier = {}, [pid]
    while frontier:
        parent = frontier.pop()
        for child, (ppid, _, cmdline) in table.items():
            if ppid == parent and child not in found:
                found[child] = cmdline
                frontier.append(child)
    return found


def alive(pid, cmdline):
    """pid still runs the same program (and is not a zombie waiting to be reaped)."""
    entry = process_table().get(pid)
    return entry is not None and entry[1] != "Z" and entry[2] == cmdline


def kill_leftovers(family):
    """SIGKILL those of family (processes this test started, through isle) still alive;
    returns them."""
    left = {pid: cmdline for pid, cmdline in family.items() if alive(pid, cmdline)}
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return left


def read_output(proc, timeout, needle=None):
    """Read proc's stdout and stderr until needle appears on stdout (or, without a needle,
    until both reach end of file), at most timeout seconds. Returns (stdout, stderr)."""
    out, err = b"", b""
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ, "out")
    sel.register(proc.stderr, selectors.EVENT_READ, "err")
    deadline = time.monotonic() + timeout
    while sel.get_map() and time.monotonic() < deadline:
        if needle is not None and needle in out:
            break
        for key, _ in sel.select(timeout=max(0.0, deadline - time.monotonic())):
            chunk = os.read(key.fileobj.fileno(), 65536)
            if not chunk:
                sel.unregister(key.fileobj)
            elif key.data == "out":
                out += chunk
            else:
                err += chunk
    sel.close()
    return out, err


def start_and_stop(cmd, sig, to_group):
    """Start cmd, wait for "sleeping", deliver sig (to the process group, as a terminal's
    Ctrl-C does, or to the process alone, as kill(1) does), wait for cmd to exit. Returns
    (status, stdout, stderr, {pid: cmdline} of cmd's descendants while it ran, cmd's own
    cmdline then). On success the caller checks for, and kills, leftover descendants; on
    failure they are killed here."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    family, done = {}, False
    try:
        out, err = read_output(proc, BOOT_TIMEOUT, needle=b"sleeping\n")
        assert b"sleeping\n" in out, f"never started: {out!r} {err!r}"
        time.sleep(0.5)
        family = descendants(proc.pid)
        self_cmdline = process_table().get(proc.pid, (0, "", ""))[2]
        if to_group:
            os.killpg(proc.pid, sig)
        else:
            os.kill(proc.pid, sig)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{cmd[0]} still running 60 s after signal {sig}")
        # A leftover child may hold the pipes open: read what there is, bounded.
        more_out, more_err = read_output(proc, 5)
        done = True
        return (status_of(proc.returncode), out + more_out,
                (err + more_err).decode(errors="replace"), family, self_cmdline)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        if not done:
            kill_leftovers(family)
        proc.stdout.close()
        proc.stderr.close()


@pytest.mark.parametrize("sig,status,to_group", [
    (signal.SIGTERM, 143, False),
    (signal.SIGINT, 130, True),
], ids=["SIGTERM", "SIGINT"])
def test_signal_stops_vm(guest, sig, status, to_group):
    prog = guest("sleeper")
    got, out, err, _, _ = start_and_stop([str(prog), "60"], sig, to_group)
    assert got == status, err
    # Under isle either signal presses the power button: the program gets SIGTERM.
    status = 143
    assert out == b"sleeping\n"

    require_isle()
    cmd = [str(ISLE), "run", "--accel", "tcg", str(prog), "60"]
    got, out, err, family, self_cmdline = start_and_stop(cmd, sig, to_group)
    qemus = {p: c for p, c in family.items() if "qemu-system" in c}
    deadline = time.monotonic() + 10
    while any(alive(p, c) for p, c in qemus.items()) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = kill_leftovers(family)
    assert got == status, f"status {got}\n{err}"
    assert "isle: power button: SIGTERM to the program" in err, err
    assert b"woke" not in out
    assert qemus or "qemu-system" in self_cmdline, f"no QEMU process found: {family}"
    assert not left, f"left running after isle exited: {left}"
