"""SMP (docs/smp.md): `isle run --smp N` boots N CPUs, every way a program counts CPUs
says N (tests/guest/ncpu.c, first run natively with the host's count), the kernel logs
"isle: smp: N cpus online" with -v, and threads of one program run on different CPUs at
the same time, and a page replaced on one CPU is not read through another CPU's stale TLB
(tests/guest/tlbshoot.c). RunConfig.CPUs reaches QEMU too. Microvm, q35 and pc have a MADT."""

import json
import os
import re

import pytest

from conftest import assert_pass, guest_binary, run_isle, run_isle_cli, run_native


def online_line(err):
    found = re.findall(r"^isle: smp: (\d+) cpus online$", err, re.MULTILINE)
    assert len(found) == 1, f"no single smp line:\n{err}"
    return int(found[0])


@pytest.mark.parametrize("variant", ["glibc", "musl"])
def test_ncpu_native(variant):
    # The test program itself is right: on the host it sees the host's CPU count, and it
    # fails when told another one.
    prog = guest_binary("ncpu", variant)
    n = len(os.sched_getaffinity(0))
    status, out, err = run_native(prog, [n, "spread"] if n >= 2 else [n])
    assert_pass(status, out, err, "ncpu")
    status, out, err = run_native(prog, [n + 1])
    assert status == 1 and "FAIL" in err, (status, out, err)


@pytest.mark.machines("microvm", "q35", "pc")
@pytest.mark.parametrize("smp", [2, 4])
def test_smp_count(machine, smp, accel):
    status, out, err = run_isle(guest_binary("ncpu"), [smp], machine=machine, accel=accel,
                                extra=["--smp", str(smp), "-v"])
    assert_pass(status, out, err, "ncpu")
    assert online_line(err) == smp
    assert "did not start" not in err, err


def test_smp_one_is_default(accel):
    status, out, err = run_isle(guest_binary("ncpu"), [1], accel=accel, extra=["-v"])
    assert_pass(status, out, err, "ncpu")
    assert online_line(err) == 1


@pytest.mark.parametrize("variant", ["glibc", "musl"])
def test_smp_musl_and_glibc(variant, accel):
    # musl's sysconf counts sched_getaffinity; glibc's reads /sys.
    status, out, err = run_isle(guest_binary("ncpu", variant), [2], accel=accel,
                                extra=["--smp", "2"])
    assert_pass(status, out, err, "ncpu")


@pytest.mark.parametrize("smp", [2, 4])
def test_threads_spread(smp, accel):
    # Spinning threads are seen on at least two CPUs by sched_getcpu.
    status, out, err = run_isle(guest_binary("ncpu"), [smp, "spread"], accel=accel,
                                extra=["--smp", str(smp)])
    assert_pass(status, out, err, "ncpu")
    mask = int(re.search(rb"^spread (0x[0-9a-f]+)$", out, re.MULTILINE).group(1), 16)
    assert bin(mask).count("1") >= 2 and mask < (1 << smp), hex(mask)


def test_smp_overcommit(accel):
    # More vCPUs than this host has cores: allowed, all come up.
    n = min(64, 4 * len(os.sched_getaffinity(0)))
    status, out, err = run_isle(guest_binary("ncpu"), [n], accel=accel,
                                extra=["--smp", str(n), "-v"])
    assert_pass(status, out, err, "ncpu")
    assert online_line(err) == n


def test_runconfig_cpus(tmp_path, accel):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"RunConfig": {"CPUs": 2}}))
    status, out, err = run_isle(guest_binary("ncpu"), [2], accel=accel,
                                extra=["-c", str(config), "-v"])
    assert_pass(status, out, err, "ncpu")
    assert online_line(err) == 2


@pytest.mark.parametrize("bad", ["0", "65", "two"])
def test_smp_bad_value(bad):
    status, out, err = run_isle_cli(["run", "--smp", bad, guest_binary("ncpu"), "1"])
    assert status == 2 and "invalid CPU count" in err, (status, err)


@pytest.mark.parametrize("variant", ["glibc", "musl"])
def test_tlbshoot_native(variant):
    status, out, err = run_native(guest_binary("tlbshoot", variant))
    assert_pass(status, out, err, "tlbshoot")


@pytest.mark.parametrize("smp", [2, 4])
def test_tlb_shootdown(smp, accel):
    # A page replaced on CPU 0 is not read through a stale translation on CPU 1 (without
    # the shoot-down the reader sees the old page, now someone else's: "stale TLB").
    status, out, err = run_isle(guest_binary("tlbshoot"), accel=accel,
                                extra=["--smp", str(smp)])
    assert_pass(status, out, err, "tlbshoot")
