"""virtio-blk on every machine: the kernel's selftest=blk reads disk 0 (checked against a
checksum computed here), writes a pattern to its last 8 sectors with several requests in
flight, reads it back, and the program still runs afterwards. The disk is a scratch file
handed to QEMU through a --qemu wrapper script: virtio-mmio (version 2) on microvm,
modern-only virtio-pci on q35 and pc. The pattern must be in the file afterwards, so the
writes reached the host; a read-only disk must refuse writes with -EROFS. The program
runs from a boot bundle (--bundle), so that the scratch disk is the only one."""

import re
import shutil

import pytest

from conftest import guest_binary, isle_command, require_isle, run_cmd

SECTOR = 512
DISK_SIZE = 8 << 20
SECTORS = DISK_SIZE // SECTOR


def fnv1a(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def pattern():
    """What the selftest writes: byte j of the i-th of the last 8 sectors."""
    return bytes((0x5A ^ (i * 29 + j)) & 0xFF for i in range(8) for j in range(SECTOR))


def make_disk(path):
    data = bytearray(DISK_SIZE)
    first = bytes((i * 7 + 3) & 0xFF for i in range(SECTOR))
    data[:SECTOR] = first
    data[-SECTOR:] = b"\xee" * SECTOR
    path.write_bytes(bytes(data))
    return first


def make_wrapper(tmp_path, machine, disk, readonly=False):
    qemu = shutil.which("qemu-system-x86_64")
    assert qemu, "qemu-system-x86_64 not found"
    ro = ",readonly=on" if readonly else ""
    drive = f"-drive file={disk},format=raw,if=none,id=d0{ro}"
    if machine == "microvm":
        dev = "-global virtio-mmio.force-legacy=false " + drive + \
            " -device virtio-blk-device,drive=d0"
    else:
        dev = drive + " -device virtio-blk-pci,drive=d0,disable-legacy=on"
    wrapper = tmp_path / "qemu-wrapper.sh"
    wrapper.write_text(f'#!/bin/sh\nexec {qemu} "$@" {dev}\n')
    wrapper.chmod(0o755)
    return wrapper


def run_selftest(tmp_path, machine, readonly=False):
    require_isle()
    disk = tmp_path / "disk.img"
    first = make_disk(disk)
    wrapper = make_wrapper(tmp_path, machine, disk, readonly)
    cmd = isle_command(guest_binary("hello"), machine=machine, accel="tcg",
                       extra=["--bundle", "-v", "-k", "selftest=blk", "--qemu",
                              str(wrapper)])
    status, out, err = run_cmd(cmd)
    assert status == 0, err
    assert out == b"hello from a static binary: argc=1\nPASS hello\n", err
    m = re.search(r"isle: blk selftest: vda (\d+) sectors, first sector checksum ([0-9a-f]{8})",
                  err)
    assert m, err
    assert int(m.group(1)) == SECTORS, err
    assert int(m.group(2), 16) == fnv1a(first), err
    assert "isle: blk selftest: PASS" in err, err
    assert "blk selftest: FAIL" not in err, err
    return disk.read_bytes(), err


@pytest.mark.parametrize("machine", ["microvm", "q35", "pc"])
def test_virtio_blk_selftest(tmp_path, machine):
    data, err = run_selftest(tmp_path, machine)
    assert "isle: blk selftest: 8 writes and 8 reads in flight at once" in err, err
    assert data[-8 * SECTOR:] == pattern(), "the writes did not reach the disk file"
    assert data[SECTOR:-8 * SECTOR] == bytes(DISK_SIZE - 9 * SECTOR), "other sectors changed"


@pytest.mark.parametrize("machine", ["microvm", "q35"])
def test_virtio_blk_readonly(tmp_path, machine):
    data, err = run_selftest(tmp_path, machine, readonly=True)
    assert "isle: blk selftest: read-only, write refused with -EROFS" in err, err
    assert data[-SECTOR:] == b"\xee" * SECTOR
