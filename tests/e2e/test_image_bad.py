"""Damaged, foreign and full disk images. Each image is made by `isle build` and then
damaged on purpose (truncated, superblock zeroed or with bad fields, unknown feature bits,
a corrupted directory block or inode, a manifest from the future or mangled). `isle run`
must then stop with a clear message and a non-zero status (126: the program cannot be
run), or, where the damage is inside the file system, the program must see an error
(EIO) and carry on. Never a hang (every run has a timeout), never a kernel panic (125).
A full disk must give the program ENOSPC, let it free space again, and leave a file system
that e2fsck finds clean.

The guest program is fsprobe.c, which reports errno names; it runs natively first."""

import json
import re
import struct
import subprocess

import pytest

from conftest import (BOOT_TIMEOUT, ISLE, guest_binary, require_isle, run_cmd, run_isle_cli,
                      run_native)

BLOCK = 4096
SB = 1024  # the superblock's offset
SB_LOG_BLOCK_SIZE = SB + 24
SB_FEATURE_INCOMPAT = SB + 96
SB_FEATURE_RO_COMPAT = SB + 100
NOT_FOUND_OR_IO = ("EIO", "EUCLEAN")  # Linux says EIO or EFSCORRUPTED (= EUCLEAN)


def build_image(tmp_path, config, name="app.img", dirs=None):
    for d, files in (dirs or {}).items():
        (tmp_path / d).mkdir()
        for fname, text in files.items():
            (tmp_path / d / fname).write_text(text)
    cfg = tmp_path / f"{name}.json"
    cfg.write_text(json.dumps(config))
    img = tmp_path / name
    status, out, err = run_isle_cli(["build", str(guest_binary("fsprobe")), "-c", str(cfg),
                                     "-o", str(img)], timeout=BOOT_TIMEOUT)
    assert status == 0, err
    return img


def boot(img):
    require_isle()
    return run_cmd([str(ISLE), "run", "--accel", "tcg", "--machine", "microvm", str(img)],
                   timeout=BOOT_TIMEOUT)


def assert_no_crash(status, err):
    assert status != 125, f"the kernel panicked or faulted\n{err}"
    assert "kernel panic" not in err.lower() and "panic:" not in err.lower(), err


def assert_refused(status, out, err, pattern):
    """isle run stopped with 126 and a message matching pattern; the program never ran."""
    assert_no_crash(status, err)
    assert status == 126, f"status {status}\nstdout: {out!r}\nstderr:\n{err}"
    assert re.search(pattern, err), f"no message matching {pattern!r}:\n{err}"
    assert b"PASS fsprobe" not in out, out


def patch(img, offset, data):
    with open(img, "r+b") as f:
        f.seek(offset)
        f.write(data)


def read_u32(img, offset):
    with open(img, "rb") as f:
        f.seek(offset)
        return struct.unpack("<I", f.read(4))[0]


def debugfs(img, *requests, write=False):
    """Run debugfs requests on img (read-only unless write). Returns (stdout, stderr)."""
    if len(requests) == 1:
        cmd = ["debugfs"] + (["-w"] if write else []) + ["-R", requests[0], str(img)]
    else:
        script = img.parent / "debugfs.cmds"
        script.write_text("\n".join(requests) + "\n")
        cmd = ["debugfs"] + (["-w"] if write else []) + ["-f", str(script), str(img)]
    r = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=60)
    return r.stdout, r.stderr


def blocks_of(img, path):
    out, err = debugfs(img, f"blocks {path}")
    nums = [int(x) for x in out.split()]
    assert nums, f"no blocks for {path}: {err}"
    return nums


def fsck_clean(img):
    r = subprocess.run(["e2fsck", "-fn", str(img)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def test_fsprobe_native(tmp_path):
    prog = guest_binary("fsprobe")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text("a\n")
    args = ["read", tmp_path / "d", tmp_path / "d" / "a.txt", tmp_path / "missing",
            tmp_path / "d" / "a.txt" / "x"]
    status, out, err = run_native(prog, args)
    want = (f"{tmp_path}/d: OK\n{tmp_path}/d/a.txt: OK\n{tmp_path}/missing: ENOENT\n"
            f"{tmp_path}/d/a.txt/x: ENOTDIR\nPASS fsprobe\n")
    assert (status, out.decode()) == (0, want), err
    status, out, err = run_native(prog, ["write", "/dev/full"])
    assert (status, out) == (0, b"write /dev/full: ENOSPC\nPASS fsprobe\n"), err
    status, out, err = run_native(prog, ["fill", tmp_path / "fill", "3"])
    assert (status, out) == (0, b"fill: no error after 3072 KiB\nPASS fsprobe\n"), err
    assert (tmp_path / "fill" / "fill-002").stat().st_size == 1 << 20


# --- the disk as a whole ----------------------------------------------------------------

def test_truncated_image(tmp_path):
    img = build_image(tmp_path, {"Args": ["read", "/"]})
    size = img.stat().st_size
    with open(img, "r+b") as f:
        f.truncate(size // 2)
    assert_refused(*boot(img), r"blocks count beyond the device|truncated|smaller")


def test_zeroed_superblock(tmp_path):
    """No ext2 magic any more: isle no longer sees an image, and must say what it sees."""
    img = build_image(tmp_path, {"Args": ["read", "/"]})
    patch(img, SB, bytes(1024))
    status, out, err = boot(img)
    assert_no_crash(status, err)
    assert status == 126, err
    assert str(img) in err and re.search(r"not an? (ELF|isle image|ext2)", err), err


def test_bad_block_size_in_superblock(tmp_path):
    img = build_image(tmp_path, {"Args": ["read", "/"]})
    patch(img, SB_LOG_BLOCK_SIZE, struct.pack("<I", 9))  # 512 KiB blocks
    assert_refused(*boot(img), r"block size")


@pytest.mark.parametrize("bit,name", [(0x40000000, None), (0x0040, "extent"),
                                      (0x0080, "64bit")])
def test_unknown_incompat_feature(tmp_path, bit, name):
    img = build_image(tmp_path, {"Args": ["read", "/"]})
    patch(img, SB_FEATURE_INCOMPAT, struct.pack("<I", read_u32(img, SB_FEATURE_INCOMPAT) | bit))
    status, out, err = boot(img)
    want = name if name else f"0x{bit:x}|{bit:#010x}|unknown"
    assert_refused(status, out, err, r"incompatible feature")
    assert re.search(want, err, re.I), f"the feature is not named ({want}):\n{err}"


def test_kernel_refuses_incompat_feature_behind_the_cli(tmp_path):
    """The host check is a convenience: the kernel refuses an unknown INCOMPAT feature by
    itself. A --qemu wrapper swaps the checked image for a damaged copy after the CLI
    looked at it."""
    img = build_image(tmp_path, {"Args": ["read", "/"]})
    bad = tmp_path / "bad.img"
    bad.write_bytes(img.read_bytes())
    patch(bad, SB_FEATURE_INCOMPAT, struct.pack("<I", read_u32(bad, SB_FEATURE_INCOMPAT) | 0x40))
    wrapper = tmp_path / "qemu.sh"
    wrapper.write_text("#!/bin/sh\n"
                       "for a; do shift; set -- \"$@\" \"$(printf %s \"$a\" | "
                       f"sed 's|file={img}|file={bad}|')\"; done\n"
                       "exec qemu-system-x86_64 \"$@\"\n")
    wrapper.chmod(0o755)
    status, out, err = run_cmd([str(ISLE), "run", "--accel", "tcg", "--qemu", str(wrapper),
                                str(img)], timeout=BOOT_TIMEOUT)
    assert_refused(status, out, err, r"incompatible feature")
    assert re.search(r"extent", err), err
    assert "cannot mount the root file system" in err, err


def test_unknown_ro_compat_feature_mounts_read_only(tmp_path):
    """An unknown RO_COMPAT feature: the program runs, writes fail with EROFS, the disk is
    not written at all."""
    img = build_image(tmp_path, {"Args": ["write", "/new.txt"]})
    patch(img, SB_FEATURE_RO_COMPAT,
          struct.pack("<I", read_u32(img, SB_FEATURE_RO_COMPAT) | 0x40000000))
    before = img.read_bytes()
    status, out, err = boot(img)
    assert_no_crash(status, err)
    assert (status, out) == (0, b"write /new.txt: EROFS\nPASS fsprobe\n"), err
    assert img.read_bytes() == before, "a read-only root was written to"


# --- damage inside the file system --------------------------------------------------------

DATA = {"a.txt": "hello\n", **{f"file-with-a-long-name-{i:02d}.txt": f"file {i}\n"
                               for i in range(40)}}
READ_ARGS = ["read", "/data", "/data/a.txt", "/data/file-with-a-long-name-07.txt", "/etc"]


def dir_entries(block):
    """(offset, inode, rec_len, name) of each entry in an ext2 directory block."""
    off, out = 0, []
    while off < len(block):
        ino, rec_len, name_len = struct.unpack_from("<IHB", block, off)
        assert rec_len >= 8, "the image is damaged already"
        out.append((off, ino, rec_len, block[off + 8:off + 8 + name_len].decode()))
        off += rec_len
    return out


def damage_dir(img, kind):
    (blk,) = blocks_of(img, "/data")
    start = blk * BLOCK
    with open(img, "rb") as f:
        f.seek(start)
        block = f.read(BLOCK)
    entries = dir_entries(block)
    if kind == "zeros":  # rec_len 0: a reader that trusts it loops forever
        patch(img, start, bytes(BLOCK))
    elif kind == "ones":
        patch(img, start, b"\xff" * BLOCK)
    elif kind == "name_len":  # the second entry's name runs past its record
        patch(img, start + entries[1][0] + 6, bytes([250]))
    elif kind == "rec_len_past_block":
        off = entries[2][0]
        patch(img, start + off + 4, struct.pack("<H", BLOCK - off + 64))
    elif kind == "bad_inode_number":  # every entry points past the inode table
        for off, _, _, name in entries[2:]:
            patch(img, start + off, struct.pack("<I", 0x7FFFFFF0))
    else:
        raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["zeros", "ones", "name_len", "rec_len_past_block"])
def test_corrupt_directory_block(tmp_path, kind):
    img = build_image(tmp_path, {"Args": READ_ARGS, "Dirs": ["data"]}, dirs={"data": DATA})
    status, out, err = boot(img)
    assert (status, out.decode()) == (0, "".join(f"{p}: OK\n" for p in READ_ARGS[1:]) +
                                      "PASS fsprobe\n"), err
    damage_dir(img, kind)
    status, out, err = boot(img)
    assert_no_crash(status, err)
    lines = out.decode().splitlines()
    assert status == 0 and lines[-1] == "PASS fsprobe", f"status {status}\n{out!r}\n{err}"
    got = dict(line.split(": ", 1) for line in lines[:-1])
    assert got["/etc"] == "OK", got  # the rest of the file system still works
    for path in READ_ARGS[1:4]:
        assert got[path] in NOT_FOUND_OR_IO, f"{path}: {got[path]}\n{err}"


def test_directory_entry_with_bad_inode_number(tmp_path):
    img = build_image(tmp_path, {"Args": READ_ARGS, "Dirs": ["data"]}, dirs={"data": DATA})
    damage_dir(img, "bad_inode_number")
    status, out, err = boot(img)
    assert_no_crash(status, err)
    lines = out.decode().splitlines()
    assert status == 0 and lines[-1] == "PASS fsprobe", f"status {status}\n{out!r}\n{err}"
    got = dict(line.split(": ", 1) for line in lines[:-1])
    assert got["/etc"] == "OK", got
    for path in READ_ARGS[2:4]:
        assert got[path] in NOT_FOUND_OR_IO, f"{path}: {got[path]}\n{err}"


def test_file_block_pointer_out_of_range(tmp_path):
    """A file whose first block pointer points past the end of the file system."""
    args = ["read", "/data/a.txt", "/data/file-with-a-long-name-01.txt"]
    img = build_image(tmp_path, {"Args": args, "Dirs": ["data"]}, dirs={"data": DATA})
    _, err = debugfs(img, "sif /data/a.txt block[0] 0x7ffffff0", write=True)
    out, _ = debugfs(img, "stat /data/a.txt")
    assert "2147483632" in out, f"debugfs did not patch the inode: {err}\n{out}"
    status, out, err = boot(img)
    assert_no_crash(status, err)
    assert status == 0, err
    assert out.decode() == ("/data/a.txt: EIO\n/data/file-with-a-long-name-01.txt: OK\n"
                            "PASS fsprobe\n"), err


# --- the manifest -------------------------------------------------------------------------

def replace_manifest(tmp_path, img, data):
    requests = ["rm /.isle/manifest"]
    if data is not None:
        local = tmp_path / "manifest.new"
        local.write_bytes(data)
        requests.append(f"write {local} /.isle/manifest")
    _, err = debugfs(img, *requests, write=True)
    listing, _ = debugfs(img, "ls /.isle")
    assert ("manifest" in listing) == (data is not None), err


def manifest_bytes(img):
    r = subprocess.run(["debugfs", "-R", "cat /.isle/manifest", str(img)], capture_output=True,
                       timeout=60)
    assert r.stdout[:8] == b"ISLEMANI", r.stderr
    return r.stdout


@pytest.mark.parametrize("change,pattern", [
    ("version", r"version 2 is newer than"),
    ("magic", r"manifest.*magic"),
    ("short", r"manifest.*(short|header)"),
    ("strings", r"manifest.*strings"),
    ("missing", r"manifest"),
])
def test_bad_manifest(tmp_path, change, pattern):
    img = build_image(tmp_path, {"Args": ["read", "/"]})
    data = bytearray(manifest_bytes(img))
    if change == "version":
        struct.pack_into("<I", data, 8, 2)
    elif change == "magic":
        data[0:8] = b"NOTISLE!"
    elif change == "short":
        data = data[:20]
    elif change == "strings":  # strings_size past the end of the file
        struct.pack_into("<Q", data, 40, len(data) * 4)
    replace_manifest(tmp_path, img, None if change == "missing" else bytes(data))
    assert_refused(*boot(img), pattern)


# --- a full disk ------------------------------------------------------------------------------

def test_full_disk_gives_enospc(tmp_path):
    """Writing (with fsync) until the 8 MiB disk is full: ENOSPC, not a crash; space comes
    back after an unlink; e2fsck finds the file system clean afterwards."""
    img = build_image(tmp_path, {"Args": ["fill", "/fill", "64"], "BaseVolumeSz": "8m"})
    status, out, err = boot(img)
    assert_no_crash(status, err)
    text = out.decode()
    assert status == 0 and text.endswith("fill: space back after unlink\nPASS fsprobe\n"), \
        f"status {status}\n{text}\n{err}"
    m = re.match(r"fill: ENOSPC after (\d+) KiB \((write|fsync|close)\)\n", text)
    assert m, text
    assert 1024 <= int(m.group(1)) < 8192, text
    fsck_clean(img)


def test_full_disk_write_reports_enospc_without_fsync(tmp_path):
    """As Linux's ext2 does, write() itself must report ENOSPC when the disk is full; a
    program that never calls fsync must not lose data silently."""
    img = build_image(tmp_path, {"Args": ["fill", "/fill", "64", "nosync"],
                                 "BaseVolumeSz": "8m"})
    status, out, err = boot(img)
    assert_no_crash(status, err)
    text = out.decode()
    assert re.match(r"fill: ENOSPC after \d+ KiB \(write\)\n", text), f"{text}\n{err}"
    assert status == 0 and text.endswith("PASS fsprobe\n"), f"status {status}\n{text}\n{err}"
    fsck_clean(img)
