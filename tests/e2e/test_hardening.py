"""Kernel hardening, each protection proved by a test that fails when it is removed: the
stack protector, the guard pages below kernel stacks, SMAP, SMEP and UMIP (kernel
self-tests, the selftest= option), the program's stack guard gap, and EFAULT (never a
kernel fault) for bad user pointers in syscalls."""

import re

import pytest

from conftest import guest_binary, run_isle, run_native

PANIC = 125


def selftest(name, accel, extra=()):
    return run_isle(guest_binary("hello"), accel=accel,
                    extra=["-k", f"selftest={name}", *extra])


def assert_no_fail_line(err):
    assert "FAIL" not in err, err


def test_stackprot_selftest(accel):
    status, out, err = selftest("stackprot", accel)
    assert status == PANIC, err
    assert_no_fail_line(err)
    assert re.search(r"^isle: kernel panic: stack smashing detected in selftest_stackprot\b",
                     err, re.MULTILINE), err
    assert out == b"", out


@pytest.mark.parametrize("where", ["kstack", "kstack:task"])
def test_kstack_overflow_selftest(accel, where):
    status, out, err = selftest(where, accel)
    assert status == PANIC, err
    assert_no_fail_line(err)
    m = re.search(r"^isle: kernel fault: kernel stack overflow: (double fault|page fault) at "
                  r"address (0x[0-9a-f]+) in the guard page below a kernel stack "
                  r"\(rsp (0x[0-9a-f]+)\) in selftest_kstack\b", err, re.MULTILINE)
    assert m, err
    addr, rsp = int(m.group(2), 16), int(m.group(3), 16)
    assert addr < rsp <= addr + 4096 * 2, m.group(0)
    if where == "kstack:task":
        # The guard below a task stack: the page right below the stack's bottom.
        b = re.search(r"recursing on a task stack (0x[0-9a-f]+)-", err)
        assert b, err
        assert int(b.group(1), 16) - 4096 <= addr < int(b.group(1), 16), err
    assert out == b"", out


def user_access_fault(test, verb, access, accel):
    """Boot selftest=TEST, which VERBs a user address from the kernel without the copy
    helpers: it must panic on a protection-violation page fault at that very address.
    Returns stderr for the test's own check of where the fault was."""
    status, out, err = selftest(test, accel)
    assert_no_fail_line(err)
    assert status == PANIC, err
    m = re.search(rf"{verb} user address (0x[0-9a-f]+) from the kernel", err)
    assert m, err
    assert re.search(rf"^isle: kernel fault: page fault at address {m.group(1)} "
                     rf"\({access}, protection violation, kernel mode\)",
                     err, re.MULTILINE), err
    return err


def test_smap_selftest(accel):
    err = user_access_fault("smap", "reading", "read", accel)
    assert re.search(r"^isle: kernel fault: page fault at .*kernel mode\) in selftest_smap\b",
                     err, re.MULTILINE), err


def test_smep_selftest(accel):
    err = user_access_fault("smep", "calling", "instruction fetch", accel)
    assert re.search(r"^isle:   called from [0-9a-f]+ selftest_smep\b", err, re.MULTILINE), err


@pytest.mark.parametrize("insn", ["sgdt", "sidt", "sldt", "smsw", "str"])
def test_umip_selftest(accel, insn):
    status, out, err = selftest(f"umip:{insn}", accel)
    assert_no_fail_line(err)
    m = re.search(rf"running {insn} then ud2 in user mode at (0x[0-9a-f]+)", err)
    assert m, err
    # SIGILL (132) here would mean the instruction ran: UMIP is off.
    assert status == 139, err
    assert re.search(r"^isle: program fault: SIGSEGV: general protection \(vector 13\)$",
                     err, re.MULTILINE), err
    assert re.search(rf"^isle:   at rip {m.group(1)}\b", err, re.MULTILINE), err
    assert out == b"", out


@pytest.mark.parametrize("insn", ["smsw", "sgdt"])
def test_umip_guest_differs_from_linux(guest, accel, insn):
    """Linux emulates smsw/sgdt/sidt under UMIP (or has no UMIP): the program reads a value
    and passes. isle does not emulate: SIGSEGV at the instruction."""
    prog = guest("umip")
    status, out, err = run_native(prog, [insn])
    assert status == 0, err
    assert out.decode().splitlines()[-1] == "PASS umip", out
    status, out, err = run_isle(prog, [insn], accel=accel)
    assert status == 139, err
    assert out.decode() == f"running {insn} in user mode\n", out
    assert re.search(r"^isle: program fault: SIGSEGV: general protection \(vector 13\)$",
                     err, re.MULTILINE), err


def test_user_stack_overflow(guest, accel):
    """Unbounded recursion in the program: SIGSEGV natively and in isle, where the report
    names the stack guard gap below the 8 MiB stack."""
    prog = guest("stackoverflow")
    status, out, err = run_native(prog)
    assert (status, out) == (139, b"recursing\n"), err
    status, out, err = run_isle(prog, accel=accel)
    assert status == 139, err
    assert out == b"recursing\n", err
    m = re.search(r"^isle: program fault: SIGSEGV: page fault at address (0x[0-9a-f]+) ",
                  err, re.MULTILINE)
    assert m, err
    gap = re.search(r"^isle:   stack overflow: the address is in the stack guard gap below "
                    r"the stack (0x[0-9a-f]+)-(0x[0-9a-f]+) \(8192 KiB\)$", err, re.MULTILINE)
    assert gap, err
    assert int(gap.group(1), 16) - 256 * 4096 <= int(m.group(1), 16) < int(gap.group(1), 16)


def test_stack_guard_gap_mmap_hint(guest, accel):
    """mmap with a hint inside the guard gap below the stack lands outside it (Linux's
    stack_guard_gap, checked natively first)."""
    prog = guest("stackoverflow")
    status, out, err = run_native(prog, ["gap"])
    assert status == 0 and out.decode().splitlines()[-1] == "PASS stackoverflow", (out, err)
    status, out, err = run_isle(prog, ["gap"], accel=accel)
    assert status == 0, err
    assert out.decode().splitlines()[-1] == "PASS stackoverflow", (out, err)


def test_efault(guest, accel):
    """Bad pointers to ~50 syscalls: every call gives Linux's errno (EFAULT but for the
    recorded exceptions in efault.c), the same cases run natively and in isle, and the
    kernel never faults (that would end with 125)."""
    prog = guest("efault")
    status, out, err = run_native(prog)
    native = out.decode().splitlines()
    assert status == 0 and native[-1] == "PASS efault", (out, err)
    status, out, err = run_isle(prog, accel=accel)
    assert "kernel fault" not in err and "kernel panic" not in err, err
    lines = out.decode().splitlines()
    assert status == 0 and lines[-1] == "PASS efault", (out, err)
    assert lines == native, (lines, native)
    checked = re.search(r"^checked (\d+) calls$", out.decode(), re.MULTILINE)
    assert checked and int(checked.group(1)) >= 300, out
