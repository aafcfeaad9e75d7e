"""The console: the program's stdout arrives byte for byte (to a file as well as a pipe),
stderr stays apart from it, stdin reaches the program up to its end, fd 1 is a terminal in
the guest, and nothing the program prints can forge isle's exit status."""

import os
import pty
import subprocess

import pytest

from conftest import assert_pass, run_isle, run_native


def fnv1a(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def test_stdout_to_file_is_exact(guest, tmp_path, machine, accel):
    prog = guest("hello")
    native_file, isle_file = tmp_path / "native.out", tmp_path / "isle.out"
    with open(native_file, "wb") as f:
        status, _, err = run_native(prog, ["x"], stdout=f)
    assert status == 0, err
    with open(isle_file, "wb") as f:
        status, _, err = run_isle(prog, ["x"], machine=machine, accel=accel, stdout=f)
    assert status == 0, err
    assert native_file.read_bytes() == b"hello from a static binary: argc=2\nPASS hello\n"
    assert isle_file.read_bytes() == native_file.read_bytes()


def test_stdout_stderr_separate(guest, machine, accel):
    prog = guest("streams")
    status, native_out, native_err = run_native(prog)
    assert status == 0, native_err
    assert native_err == "".join(f"ERR {i}\n" for i in range(5))
    assert len(native_out) == 5 * 6 + 65536 + 21

    status, out, err = run_isle(prog, machine=machine, accel=accel)
    assert status == 0, err
    assert out == native_out, "stdout differs from the program's bytes"
    err_lines = [l for l in err.splitlines() if l.startswith(("ERR ", "OUT "))]
    assert err_lines == [f"ERR {i}" for i in range(5)], err


@pytest.mark.parametrize("size", [0, 65536], ids=["empty", "64KiB"])
def test_stdin_reaches_program(guest, size, machine, accel):
    prog = guest("stdin")
    # Text lines (no ^D, which a serial console may treat as end of input).
    data = b"".join(b"line %06d of the input\n" % i for i in range(size // 24 + 1))[:size]
    want = f"stdin: {len(data)} bytes fnv1a={fnv1a(data):08x}\nPASS stdin\n".encode()
    status, out, err = run_native(prog, stdin=data)
    assert (status, out) == (0, want), err

    status, out, err = run_isle(prog, machine=machine, accel=accel, stdin=data)
    assert (status, out) == (0, want), err


def test_fake_status_line(guest, machine, accel):
    prog = guest("fakestatus")
    want = b"isle: exit 0 (exited)\n"
    status, out, err = run_native(prog)
    assert (status, out) == (3, want), err

    status, out, err = run_isle(prog, machine=machine, accel=accel)
    assert status == 3, err
    assert out == want


def test_stdout_is_a_tty_in_the_guest(guest, machine, accel):
    prog = guest("tty")
    # Natively the answer follows what fd 1 is: a pipe here, then a pseudo-terminal.
    assert_pass(*run_native(prog, ["1=notty"]), "tty")
    master, slave = pty.openpty()
    try:
        try:
            r = subprocess.run([str(prog), "1=tty"], stdin=subprocess.DEVNULL, stdout=slave,
                               stderr=subprocess.PIPE, timeout=60)
        finally:
            os.close(slave)  # so that reading the master ends (EIO) once it is drained
        text = b""
        for _ in range(100):  # a few lines of output
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            text += chunk
    finally:
        os.close(master)
    assert r.returncode == 0, r.stderr
    assert b"fd 1: tty" in text

    # In isle fd 1 is the serial console, a terminal, whatever isle's own stdout is.
    status, out, err = run_isle(prog, ["1=tty"], machine=machine, accel=accel)
    assert_pass(status, out, err, "tty")
