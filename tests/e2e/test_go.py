"""Go programs (tests/guest/go/NAME/main.go, CGO_ENABLED=0 static binaries) natively and in
isle with 1 and 2 vCPUs: goroutines over channels and sync primitives with GOMAXPROCS =
vCPUs, a GC stress allocating four times the guest's memory, sleeps/tickers (lower bounds
only), nil-pointer and divide faults turned into recovered panics, a tight loop preempted
with SIGURG, and os/signal notification. Each program ends with "PASS NAME"; goroutines
prints figures that are computed again here."""

import re

import pytest

from conftest import assert_pass, run_isle, run_native
from golang import go_program

SMP = [1, 2]
GO_TIMEOUT = 180  # one Go program under TCG on a loaded 2-core host (they take ~2 s)
GC_MEM = "128M"  # gcstress allocates GC_TOTAL MiB in it, keeping 16 MiB live
GC_TOTAL = 512


def smp_extra(smp):
    """isle options for SMP vCPUs (1 is the default: no option, so these runs do not
    depend on --smp)."""
    return [] if smp == 1 else ["--smp", str(smp)]


def run_go(name, smp, accel, args=(), env=None, mem="256M"):
    return run_isle(go_program(name), args, accel=accel, mem=mem, env=env,
                    extra=smp_extra(smp), timeout=GO_TIMEOUT)


def goroutines_expected():
    """What tests/guest/go/goroutines prints, computed independently of the program."""
    return {
        "fanout": sum(x * x % 1000003 for x in range(1, 20001)),
        "mutex": 1000 * 100,
        "rwmap": sum(3 * k for k in range(500)),
        "cond": 8 * sum(range(1, 1001)),
        "once": 1 * 10000 + 1000,  # ran once; all 1000 callers saw it done
        "ring": 10 * sum(range(1000)),
        "atomic": sum(range(1000)),
    }


def check_goroutines(out, smp=None):
    text = out.decode(errors="replace")
    got = dict(re.findall(r"^(\w+) (\d+)$", text, re.M))
    for key, want in goroutines_expected().items():
        assert got.get(key) == str(want), f"{key}: got {got.get(key)}, want {want}\n{text}"
    if smp is not None:
        assert got.get("numcpu") == str(smp), text
        assert got.get("gomaxprocs") == str(smp), text


@pytest.mark.parametrize("smp", SMP)
def test_go_goroutines(smp, accel):
    prog = go_program("goroutines")
    status, out, err = run_native(prog, env={"GOMAXPROCS": str(smp)})
    assert_pass(status, out, err, "goroutines")
    check_goroutines(out)
    # GOMAXPROCS is left to the runtime: it must find smp CPUs (sched_getaffinity).
    status, out, err = run_go("goroutines", smp, accel)
    assert_pass(status, out, err, "goroutines")
    check_goroutines(out, smp)


@pytest.mark.parametrize("smp", SMP)
def test_go_gcstress(smp, accel):
    args = [str(GC_TOTAL), "16"]
    assert_pass(*run_native(go_program("gcstress"), args), "gcstress")
    status, out, err = run_go("gcstress", smp, accel, args, mem=GC_MEM)
    assert_pass(status, out, err, "gcstress")
    assert re.search(rb"TotalAlloc (\d+) MiB", out), out


@pytest.mark.parametrize("name", ["sleeps", "preempt", "osignal"])
@pytest.mark.parametrize("smp", SMP)
def test_go_program(name, smp, accel):
    assert_pass(*run_native(go_program(name)), name)
    assert_pass(*run_go(name, smp, accel), name)


@pytest.mark.parametrize("smp", SMP)
def test_go_nilpanic(smp, accel):
    prog = go_program("nilpanic")
    assert_pass(*run_native(prog), "nilpanic")
    assert_pass(*run_go("nilpanic", smp, accel), "nilpanic")
    # Unrecovered: the runtime reports the siginfo it got (si_code SEGV_MAPERR, si_addr the
    # field's offset from nil) and exits with 2, natively and in isle alike.
    for status, out, err in (run_native(prog, ["crash"]),
                             run_go("nilpanic", smp, accel, ["crash"])):
        assert status == 2, f"status {status}\n{out!r}\n{err}"
        assert b"nilpanic: crashing\n" in out, out
        assert "panic: runtime error: invalid memory address or nil pointer dereference" \
            in err, err
        assert "[signal SIGSEGV: segmentation violation code=0x1 addr=0x48 pc=" in err, err
