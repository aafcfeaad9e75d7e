"""`isle run --gdb PORT` (docs/debugging.md): a real gdb session against QEMU's gdb server.

gdbme.c, built as a static PIE and run natively first, is started with --gdb under TCG
(ASLR on). `gdb -batch -nx` then: loads the kernel's symbols with the command isle printed,
connects, breaks on gdb_program_loaded, reads the program's randomised base from rsi,
add-symbol-file's the program at it, breaks on main (the pc must be main's address from
`nm` plus the base, and the base must be the one the kernel logged), breaks on libc's
write, steps to its `syscall` instruction and once more: the pc must then be the kernel's
syscall_entry (from `nm` of kernel.elf, at the kernel's run offset). `kill` ends the VM.
Also: the gdb server listens on 127.0.0.1 only, bad and busy ports are refused before
QEMU starts, and SIGTERM still ends a VM halted at its first instruction.
Every wait is bounded (a hang guard, never a timing assertion); isle is killed by its own
process group if it outlives the test.
"""

import os
import re
import signal
import socket
import subprocess
import time

import pytest

from conftest import (BOOT_TIMEOUT, BUILD, ISLE, free_port, isle_command, require_isle,
                      run_isle_cli, run_native, status_of)

KERNEL_RUN_OFFSET = 0x7F0000000000  # include/abi/gdb.h
GDB_TIMEOUT = BOOT_TIMEOUT
ANNOUNCE = re.compile(r"isle: gdb server on 127\.0\.0\.1:(\d+) \(halted\); attach with: "
                      r"gdb -ex '(symbol-file -o 0x7f0000000000 (\S+))' "
                      r"-ex 'target remote 127\.0\.0\.1:(\d+)'")


def nm_address(elf, symbol):
    """The address of symbol in elf, from binutils' nm (independent of gdb)."""
    out = subprocess.run(["nm", str(elf)], capture_output=True, text=True, timeout=60,
                         check=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == symbol:
            return int(parts[0], 16)
    pytest.fail(f"{symbol} not in {elf}")


def start_halted(prog, port, machine, tmp_path):
    """Starts `isle run --gdb port` with stderr in a file; returns (proc, stderr path)
    once isle has printed its attach line (or fails)."""
    require_isle()
    err = tmp_path / "isle.err"
    cmd = isle_command(prog, machine=machine, accel="tcg", extra=["--gdb", str(port)])
    with open(err, "wb") as ef:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=ef, start_new_session=True)
    deadline = time.monotonic() + 60
    while "gdb server on" not in err.read_text() and time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    if "gdb server on" not in err.read_text():
        kill_group(proc)
        pytest.fail(f"no attach line from isle:\n{err.read_text()}")
    return proc, err


def kill_group(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    if proc.stdout:
        proc.stdout.close()


def listening_addresses(port):
    """Local addresses (hex, as in /proc/net/tcp*) of sockets listening on port."""
    found = []
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(name).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            addr, p = f[1].split(":")
            if int(p, 16) == port and f[3] == "0A":  # TCP_LISTEN
                found.append(addr)
    return found


GDB_SCRIPT = """\
set pagination off
set confirm off
{symbol_file}
target remote 127.0.0.1:{port}
break gdb_program_loaded
continue
printf "BASE=%#lx\\n", $rsi
eval "add-symbol-file {prog} -o %#lx", $rsi
hbreak main
continue
printf "MAINPC=%#lx\\n", $pc
break write
continue
set $n = 0
while *(unsigned short *)$pc != 0x050f && $n < 200
  stepi
  set $n = $n + 1
end
printf "ATSYSCALL=%#lx STEPS=%d\\n", $pc, $n
stepi
printf "KERNELPC=%#lx\\n", $pc
info symbol $pc
kill
"""


@pytest.mark.machines("microvm", "q35")
def test_gdb_session(guest, machine, tmp_path):
    prog = guest("gdbme", "pie")
    status, out, err = run_native(prog)
    assert status == 0 and out.decode().splitlines()[-1] == "PASS gdbme", err
    port = free_port()
    proc, err_path = start_halted(prog, port, machine, tmp_path)
    try:
        m = ANNOUNCE.search(err_path.read_text())
        assert m, err_path.read_text()
        assert int(m.group(1)) == port and int(m.group(4)) == port
        kernel_elf = m.group(3)
        assert os.path.isabs(kernel_elf) and os.path.exists(kernel_elf), kernel_elf
        # QEMU listens on the loopback address only (0100007F: 127.0.0.1 in /proc).
        deadline = time.monotonic() + 60
        while not listening_addresses(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert listening_addresses(port) == ["0100007F"], listening_addresses(port)

        script = tmp_path / "session.gdb"
        script.write_text(GDB_SCRIPT.format(symbol_file=m.group(2), port=port, prog=prog))
        g = subprocess.run(["gdb", "-batch", "-nx", "-x", str(script)],
                           capture_output=True, text=True, timeout=GDB_TIMEOUT)
        text = g.stdout + g.stderr
        assert "Breakpoint 1, gdb_program_loaded" in text, text

        base = int(re.search(r"^BASE=(0x[0-9a-f]+)$", text, re.M).group(1), 16)
        assert base != 0 and base % 4096 == 0, text
        main_pc = int(re.search(r"^MAINPC=(0x[0-9a-f]+)$", text, re.M).group(1), 16)
        assert main_pc == base + nm_address(prog, "main"), text

        at = re.search(r"^ATSYSCALL=(0x[0-9a-f]+) STEPS=(\d+)$", text, re.M)
        assert at and int(at.group(2)) < 200, text
        write_addr = base + nm_address(prog, "write")
        assert write_addr <= int(at.group(1), 16) < write_addr + 256, text
        kernel_pc = int(re.search(r"^KERNELPC=(0x[0-9a-f]+)$", text, re.M).group(1), 16)
        entry = KERNEL_RUN_OFFSET + nm_address(BUILD / "kernel.elf", "syscall_entry")
        assert kernel_pc == entry, text
        assert re.search(r"^syscall_entry in section \.text", text, re.M), text

        proc.wait(timeout=60)  # gdb's kill ends QEMU, and with it isle
        log = err_path.read_text()
        k = re.search(r"^isle: gdb: program /gdbme loaded at (0x[0-9a-f]+) "
                      r"\(add-symbol-file PROGRAM -o (0x[0-9a-f]+)\)", log, re.M)
        assert k and int(k.group(1), 16) == base == int(k.group(2), 16), log
    finally:
        kill_group(proc)


def test_gdb_bad_ports():
    for bad in ("0", "65536", "12x", "", "-1"):
        status, out, err = run_isle_cli(["run", "--gdb", bad, "/nonexistent"])
        assert status == 2, (bad, err)
        assert f"invalid port '{bad}' for --gdb: expected a number from 1 to 65535" in err


def test_gdb_dry_run_loopback_only(guest):
    prog = guest("hello")
    status, out, err = run_isle_cli(["run", "--accel", "tcg", "--dry-run", "--gdb", "1234",
                                     str(prog)])
    assert status == 0, err
    argv = out.split()
    assert argv[argv.index("-gdb") + 1] == "tcp:127.0.0.1:1234", out
    assert "-S" in argv and "-s" not in argv, out
    assert "gdb" in argv[argv.index("-append") + 1].split(), out


def test_gdb_port_in_use(guest):
    prog = guest("hello")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        status, out, err = run_isle_cli(["run", "--accel", "tcg", "--gdb", str(port),
                                         str(prog)])
    assert status == 126, err
    assert f"cannot use --gdb {port}: 127.0.0.1:{port} is already in use" in err
    assert "gdb server on" not in err and "hello" not in out


def test_gdb_sigterm_while_halted(guest, tmp_path):
    prog = guest("hello")
    proc, err_path = start_halted(prog, free_port(), "microvm", tmp_path)
    try:
        proc.send_signal(signal.SIGTERM)  # isle's own PID
        proc.wait(timeout=BOOT_TIMEOUT)
        assert status_of(proc.returncode) == 143, err_path.read_text()
        assert "interrupted, VM stopped" in err_path.read_text()
        assert "power button" not in err_path.read_text()  # at once: none pressed
    finally:
        kill_group(proc)
