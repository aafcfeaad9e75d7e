"""The program's exit status is isle's, and with -v the kernel's last word is
"isle: exit STATUS (exited)"."""

import pytest

from conftest import run_isle, run_native


@pytest.mark.parametrize("code", [0, 1, 42, 255])
def test_exit_status(guest, code, machine, accel):
    prog = guest("exitcode")
    want_out = f"exiting with {code}\n".encode()
    status, out, err = run_native(prog, [code])
    assert (status, out) == (code, want_out), err

    status, out, err = run_isle(prog, [code], machine=machine, accel=accel, extra=["-v"])
    assert status == code, err
    assert out == want_out, err
    exits = [l for l in err.splitlines() if l.startswith("isle: exit ")]
    assert exits == [f"isle: exit {code} (exited)"], err
