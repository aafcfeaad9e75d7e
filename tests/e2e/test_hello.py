"""hello: the smallest static program, built three ways (glibc static, musl static,
glibc static-PIE), runs on every machine and prints exactly what it prints natively."""

import pytest

from conftest import run_isle, run_native

ARGS = ["a", "b"]
EXPECTED = b"hello from a static binary: argc=3\nPASS hello\n"


@pytest.mark.machines("microvm", "q35", "pc")
@pytest.mark.parametrize("variant", ["glibc", "musl", "pie"])
def test_hello(guest, variant, machine, accel):
    prog = guest("hello", variant)
    status, out, err = run_native(prog, ARGS)
    assert (status, out) == (0, EXPECTED), err

    status, out, err = run_isle(prog, ARGS, machine=machine, accel=accel)
    assert status == 0, err
    assert out == EXPECTED, err
