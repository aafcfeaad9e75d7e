"""CPU features and boot time from the kernel's log: every protection/extension the
hypervisor offers (of those isle knows) is enabled; --boot-time reports a positive figure."""

import re

from conftest import assert_pass, guest_binary, run_isle

KNOWN = {"nx", "smep", "smap", "umip", "xsave", "avx", "avx512", "rdrand", "rdseed"}
# QEMU's TCG with -cpu max (what isle uses under TCG) offers at least these.
TCG_OFFERS = {"nx", "smep", "smap", "umip", "xsave", "avx", "rdrand"}


def feature_line(err, kind):
    found = re.findall(rf"^isle: cpu features: {kind}:(.*)$", err, re.MULTILINE)
    assert len(found) == 1, f"no single '{kind}' line:\n{err}"
    return set(re.split(r"[\s,]+", found[0].strip())) - {""}


def test_cpu_features(machine, accel):
    status, out, err = run_isle(guest_binary("hello"), machine=machine, accel=accel,
                                extra=["-v"])
    assert_pass(status, out, err, "hello")
    offered = feature_line(err, "offered")
    enabled = feature_line(err, "enabled")
    if accel == "tcg":
        assert TCG_OFFERS <= offered, f"offered: {sorted(offered)}"
    missing = (offered & KNOWN) - enabled
    assert not missing, f"offered but not enabled: {sorted(missing)}\n{err}"
    assert "isle: exit 0 (exited)" in err.splitlines(), err


def test_boot_time(accel):
    status, out, err = run_isle(guest_binary("hello"), accel=accel, extra=["--boot-time"])
    assert_pass(status, out, err, "hello")
    m = re.search(r"^isle: boot time: (\d+) us \(kernel entry to program entry\)$", err,
                  re.MULTILINE)
    assert m, err
    assert 0 < int(m.group(1)) < 10_000_000, m.group(0)
