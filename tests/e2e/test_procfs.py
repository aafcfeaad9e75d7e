"""/proc and /sys from inside: procfs.c reads its own maps, exe, cmdline, environ, fd
links, stat, status, comm, meminfo, cpuinfo, uptime, mounts and the /sys CPU lists, and
checks them against what it knows (its argv, its addresses, getpid). It passes natively
first (the checks allow the host's other values), then in isle, where the mount table it
prints must be isle's: the root, devtmpfs, tmpfs, proc and sysfs."""

import pytest

from conftest import assert_pass, run_isle, run_native

ARGS = ["alpha", "beta gamma"]
ENV = {"PROCFS_TEST": "hello"}
ISLE_MOUNTS = [
    "devtmpfs /dev devtmpfs rw 0 0",
    "tmpfs /dev/shm tmpfs rw 0 0",
    "tmpfs /tmp tmpfs rw 0 0",
    "proc /proc proc rw 0 0",
    "sysfs /sys sysfs rw 0 0",
]


def mounts(out):
    return [line[len("MOUNT "):] for line in out.decode().splitlines()
            if line.startswith("MOUNT ")]


@pytest.mark.parametrize("variant", ["glibc", "musl"])
def test_procfs(guest, variant, machine, accel):
    prog = guest("procfs", variant)
    assert_pass(*run_native(prog, ARGS, env=ENV), "procfs")
    status, out, err = run_isle(prog, ARGS, machine=machine, accel=accel, env=ENV)
    assert_pass(status, out, err, "procfs")
    table = mounts(out)
    assert table and table[0].split()[1:] in (["/", "ext2", "rw", "0", "0"],
                                              ["/", "tmpfs", "rw", "0", "0"]), table
    for want in ISLE_MOUNTS:
        assert want in table, table
