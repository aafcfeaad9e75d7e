"""selftest=wx: at exit the kernel walks the page tables of the address space the program
ran in and counts pages that are writable and executable at once. The kernel half must
have none (text RX, rodata R, data/bss/direct map/stacks NX), and neither must the
program half for programs that do not ask for such a mapping (text RX, data RW, stack,
heap and mmap'd memory NX, the vDSO RX): a C program (static and static-PIE) and a Go
program, whose runtime maps its heap and goroutine stacks with mmap."""

import re

import pytest

from conftest import assert_pass, guest_binary, run_isle, run_native
from golang import go_program

AUDIT = re.compile(r"selftest wx: kernel (\d+) pages mapped, (\d+) writable\+executable; "
                   r"program (\d+) pages mapped, (\d+) writable\+executable")


def audit(err):
    m = AUDIT.search(err)
    assert m, "no W^X audit line:\n" + err
    return [int(x) for x in m.groups()]


@pytest.mark.parametrize("variant", ["glibc", "pie"])
def test_no_wx_pages_c(guest, variant, accel):
    prog = guest("hello", variant)
    status, out, err = run_native(prog)
    assert_pass(status, out, err, "hello")
    status, out, err = run_isle(prog, accel=accel, extra=["-k", "selftest=wx"])
    assert_pass(status, out, err, "hello")
    kpages, kwx, upages, uwx = audit(err)
    # Something was audited in each half: the direct map of guest RAM (thousands of pages)
    # and the program's text, data, stack and vDSO.
    assert kpages > 1000 and upages > 4, err
    assert (kwx, uwx) == (0, 0), err
    assert "selftest wx: PASS" in err, err


def test_no_wx_pages_go(accel):
    prog = go_program("goroutines")
    status, out, err = run_native(prog)
    assert_pass(status, out, err, "goroutines")
    status, out, err = run_isle(prog, accel=accel, mem="256M", timeout=180,
                                extra=["-k", "selftest=wx"])
    assert_pass(status, out, err, "goroutines")
    kpages, kwx, upages, uwx = audit(err)
    assert kpages > 1000 and upages > 64, err  # the Go heap and stacks were touched
    assert (kwx, uwx) == (0, 0), err
    assert "selftest wx: PASS" in err, err
