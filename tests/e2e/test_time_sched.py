"""Time, timers, the vDSO and the small scheduling calls (tests/guest/timers.c, vdso.c,
prctl_sched.c): each program passes natively first, then in isle, built against glibc and
musl, on one CPU and on two (where sleeping threads, timer interrupts and affinity meet
other CPUs). The vDSO test also prints the cost of clock_gettime through the vDSO and
through the system call; the numbers are reported, never asserted (no timing upper
bounds)."""

import re

import pytest

from conftest import assert_pass, run_isle, run_native

PROGRAMS = ("timers", "vdso", "prctl_sched")
# prctl_sched is stricter in isle, where the program is root with every capability.
ISLE_ARGS = {"prctl_sched": ["isle"]}


@pytest.mark.parametrize("variant", ["glibc", "musl"])
@pytest.mark.parametrize("name", PROGRAMS)
@pytest.mark.machines("microvm")
def test_time_sched(guest, name, variant, machine, accel):
    prog = guest(name, variant)
    assert_pass(*run_native(prog), name)
    status, out, err = run_isle(prog, ISLE_ARGS.get(name, []), machine=machine, accel=accel)
    assert_pass(status, out, err, name)


@pytest.mark.parametrize("name", PROGRAMS)
@pytest.mark.machines("q35")
def test_time_sched_smp(guest, name, machine, accel):
    prog = guest(name)
    status, out, err = run_isle(prog, ISLE_ARGS.get(name, []), machine=machine, accel=accel,
                                extra=["--smp", "2"])
    assert_pass(status, out, err, name)


def test_vdso_cost(guest):
    """clock_gettime through the vDSO and through the syscall, natively and in isle."""
    prog = guest("vdso")
    status, out, err = run_native(prog)
    assert_pass(status, out, err, "vdso")
    native = re.search(rb"([\d.]+) ns via vDSO, ([\d.]+) ns via syscall", out)
    status, out, err = run_isle(prog)
    assert_pass(status, out, err, "vdso")
    guest_cost = re.search(rb"([\d.]+) ns via vDSO, ([\d.]+) ns via syscall", out)
    assert native and guest_cost, out
    print(f"clock_gettime ns per call: native vDSO {native[1].decode()} syscall "
          f"{native[2].decode()}; isle vDSO {guest_cost[1].decode()} syscall "
          f"{guest_cost[2].decode()}")
