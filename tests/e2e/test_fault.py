"""Faults: a program writing through NULL (or another unmapped address) dies of SIGSEGV
(139) with a report naming the signal, the address and the registers; the kernel's own
fault and panic (selftests) end with 125 and a report."""

import re

import pytest

from conftest import guest_binary, run_isle, run_native

# (argument, a pattern for the faulting address, which a line naming SIGSEGV must show:
# "0" or "0x0..." for NULL, "0xdead0" (zero-padded or not) for the other)
ADDRESSES = [
    (None, r"(?:^|[\s(=:])(?:0x)?0+(?=$|[\s),;])"),
    ("0xdead0", r"\b0x0*dead0\b"),
]


@pytest.mark.parametrize("arg,addr_re", ADDRESSES, ids=["null", "0xdead0"])
def test_segfault_report(guest, arg, addr_re, machine, accel):
    prog = guest("nullderef")
    args = [arg] if arg else []
    want_out = f"about to fault at {arg or '0'}\n".encode()
    status, out, err = run_native(prog, args)
    assert (status, out) == (139, want_out), err

    status, out, err = run_isle(prog, args, machine=machine, accel=accel)
    assert status == 139, err
    assert out == want_out, err
    segv_lines = [line for line in err.splitlines() if "SIGSEGV" in line]
    assert segv_lines, err
    assert any(re.search(addr_re, line, re.IGNORECASE) for line in segv_lines), err
    assert re.search(r"\brip\b", err, re.IGNORECASE), err


def test_crash_backtrace_symbolised(guest, accel):
    """The report's backtrace names the callers from the program's own symbol table, in
    order, and stops at the stack's end instead of printing made-up frames."""
    prog = guest("crashdeep")
    status, out, err = run_native(prog)
    assert (status, out) == (139, b"crashing three calls down\n"), err

    status, out, err = run_isle(prog, accel=accel)
    assert status == 139, err
    frames = re.findall(r"#(\d+) [0-9a-f]{16} (\w+)\+0x[0-9a-f]+", err)
    names = [name for _, name in frames]
    assert names[:4] == ["crash_inner", "crash_middle", "crash_outer", "main"], err
    assert [int(n) for n, _ in frames] == list(range(len(frames))), err
    assert re.search(r"address 0x0* is in: unmapped|address 0 is in: unmapped", err), err


def test_kernel_fault_selftest(machine, accel):
    status, out, err = run_isle(guest_binary("hello"), machine=machine, accel=accel,
                                extra=["-k", "selftest=fault"])
    assert status == 125, err
    assert "kernel fault" in err, err
    assert re.search(r"\brip\b", err, re.IGNORECASE), err
    assert "selftest_fault" in err, "no symbolised backtrace:\n" + err
    # The selftest runs at boot, before the program's first call.
    assert "isle:   last syscalls (oldest first): none" in err, err


def test_kernel_panic_selftest(machine, accel):
    status, out, err = run_isle(guest_binary("hello"), machine=machine, accel=accel,
                                extra=["-k", "selftest=panic"])
    assert status == 125, err
    assert "kernel panic" in err, err
    assert "isle:   last syscalls (oldest first): none" in err, err


# A last-syscalls line: "isle:     #N [tid T] name(args) = result" or "... running".
RECENT = re.compile(r"^isle:     #(\d+) \[tid \d+\] ([a-z_0-9]+)\(.*\) (= -?\d+|running)$")


@pytest.mark.parametrize("kind,title", [("panic", "kernel panic"), ("fault", "kernel fault")])
def test_kernel_crash_lists_last_syscalls(guest, kind, title):
    """Armed on the program's 40th call (inside sysstats' 100 getppid calls, after the C
    library's dozen start-up calls): the report ends with the 16 calls before it, oldest
    first, the last one still running."""
    status, out, err = run_isle(guest("sysstats"), ["summary"],
                                extra=["-k", f"selftest={kind}_after:40"])
    assert status == 125, err
    assert title in err, err
    lines = err.splitlines()
    start = lines.index("isle:   last syscalls (oldest first):")
    calls = [RECENT.match(ln) for ln in lines[start + 1:start + 17]]
    assert all(calls), err
    assert [int(m.group(1)) for m in calls] == list(range(25, 41)), err
    assert [m.group(2) for m in calls] == ["getppid"] * 16, err
    assert [m.group(3) for m in calls[:-1]] == ["= 0"] * 15, err
    assert calls[-1].group(3) == "running", err
