"""Signals: handlers with siginfo, masks, queueing, waiting, signalfd (signals.c), faults
caught by handlers with the registers and the extended state intact (sigfault.c), and the
default actions that end the program with 128 + N, glibc and musl alike. Every program
runs natively first, so the expectation is Linux's."""

import pytest

from conftest import run_isle, run_native

VARIANTS = ["glibc", "musl"]


def native_then_isle(guest, name, variant, args, machine, accel, extra=()):
    prog = guest(name, variant)
    nstatus, nout, nerr = run_native(prog, args)
    status, out, err = run_isle(prog, args, machine=machine, accel=accel, extra=list(extra))
    return (nstatus, nout, nerr), (status, out, err)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", ["signals", "sigfault"])
def test_signal_programs(guest, name, variant, machine, accel):
    (nstatus, nout, nerr), (status, out, err) = native_then_isle(
        guest, name, variant, [], machine, accel)
    assert nstatus == 0 and nout.endswith(f"PASS {name}\n".encode()), nerr
    assert status == 0, f"{out.decode(errors='replace')}\n{err}"
    assert out == nout, err


@pytest.mark.parametrize("variant", VARIANTS)
def test_restart_and_pause(guest, variant, machine, accel):
    """SA_RESTART vs EINTR on a pipe read interrupted by an interval timer; pause()."""
    (nstatus, nout, nerr), (status, out, err) = native_then_isle(
        guest, "signals", variant, ["restart"], machine, accel)
    assert nstatus == 0, nerr
    assert status == 0, f"{out.decode(errors='replace')}\n{err}"
    assert out == nout, err


@pytest.mark.machines("q35")
def test_pthread_kill(guest, machine, accel):
    (nstatus, nout, nerr), (status, out, err) = native_then_isle(
        guest, "signals", "glibc", ["thread"], machine, accel)
    assert nstatus == 0, nerr
    assert status == 0, f"{out.decode(errors='replace')}\n{err}"
    assert out == nout, err


@pytest.mark.parametrize("mode,sig,name", [
    ("term", 15, "SIGTERM"),
    ("abort", 6, "SIGABRT"),
    ("norestorer", 11, "SIGSEGV"),
])
def test_default_action_kills(guest, mode, sig, name, machine, accel):
    (nstatus, nout, _), (status, out, err) = native_then_isle(
        guest, "signals", "glibc", [mode], machine, accel, extra=["-v"])
    assert nstatus == 128 + sig
    assert status == 128 + sig, err
    assert out == nout, err
    assert f"isle: program killed by signal {name}" in err, err
    assert f"isle: exit {128 + sig} (signal {name})" in err, err


def test_blocked_fault_reports(guest, machine, accel):
    """A fault whose signal is blocked kills the program with the usual crash report."""
    (nstatus, nout, _), (status, out, err) = native_then_isle(
        guest, "sigfault", "glibc", ["blocked"], machine, accel)
    assert nstatus == 139
    assert status == 139, err
    assert out == nout, err
    assert "isle: program fault: SIGSEGV: page fault at address 0" in err, err
    assert "rip" in err, err
