"""The file system from inside: files.c (names, data, descriptors, errno cases) in a fresh
directory, and devnull.c (the character devices). Each passes natively first, then in
isle, where the root is a tmpfs until an image root is mounted and /tmp is a tmpfs.
files.c also runs as a musl program, whose C library takes other system calls."""

import json
import subprocess

import pytest

from conftest import (BOOT_TIMEOUT, ISLE, assert_pass, build_image, run_cmd, run_isle, run_isle_cli,
                      run_native)

CASES = [("files", "glibc"), ("files", "musl"), ("devnull", "glibc")]


@pytest.mark.parametrize("name,variant", CASES)
def test_files(guest, name, variant, machine, accel, tmp_path):
    prog = guest(name, variant)
    args = [str(tmp_path / "t")] if name == "files" else []
    assert_pass(*run_native(prog, args), name)
    args = ["/tmp/t"] if name == "files" else []
    status, out, err = run_isle(prog, args, machine=machine, accel=accel)
    assert_pass(status, out, err, name)


@pytest.mark.parametrize("machine", ["microvm"])
def test_files_on_ext2_root(guest, machine, tmp_path):
    """files.c on the ext2 root of an image from `isle build`, then e2fsck finds the file
    system clean: the VFS drives the ext2 driver through every name-space operation."""
    prog = guest("files")
    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps({"Args": ["/work"]}))
    img = tmp_path / "files.img"
    status, out, err = run_isle_cli(["build", str(prog), "-c", str(cfg), "-o", str(img)],
                                    timeout=BOOT_TIMEOUT)
    assert status == 0, err
    status, out, err = run_cmd([str(ISLE), "run", "--accel", "tcg", "--machine", machine,
                                str(img)], timeout=BOOT_TIMEOUT)
    assert_pass(status, out, err, "files")
    r = subprocess.run(["e2fsck", "-fn", str(img)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_file_bigger_than_ram(guest, tmp_path):
    """A 48 MiB file of the image rewritten and read back in a 24 MiB VM: the page cache
    must write back and drop pages as it goes; e2fsck finds the image clean afterwards."""
    prog = guest("bigfile")
    assert_pass(*run_native(prog, [tmp_path / "native", "8"]), "bigfile")
    big = tmp_path / "big"
    big.mkdir()
    # Dense and not zero, so the image holds every block (no holes to allocate later).
    (big / "blob").write_bytes(b"\x5a" * (48 << 20))
    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps({"Args": ["/big/blob", "48"], "Dirs": ["big"]}))
    img = tmp_path / "big.img"
    status, out, err = run_isle_cli(["build", str(prog), "-c", str(cfg), "-o", str(img)],
                                    timeout=BOOT_TIMEOUT)
    assert status == 0, err
    status, out, err = run_cmd([str(ISLE), "run", "--accel", "tcg", "-m", "24M", str(img)],
                               timeout=BOOT_TIMEOUT)
    assert_pass(status, out, err, "bigfile")
    r = subprocess.run(["e2fsck", "-fn", str(img)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("smp", [1, 2])
def test_sync_during_eviction(guest, smp, accel, tmp_path):
    """Found by sysfuzz: syncfs walking the ext2 root's inodes while another thread's
    closes and unlinks evict them (the walk sleeps on the disk between inodes). Before the
    fix: a kernel panic (taking a reference to an inode being evicted) or a fault in
    ext2_sync (the next inode read from a freed one): status 125."""
    prog = guest("syncrace")
    (tmp_path / "d").mkdir()
    assert_pass(*run_native(prog, [tmp_path / "d"]), "syncrace")
    assert_pass(*run_isle(prog, ["/"], accel=accel, extra=["--smp", str(smp)]), "syncrace")


def race_on_image(guest, name, args, smp, accel, tmp_path):
    """Guest program name with DIR and args: natively in a fresh directory, then in isle
    on the root of an image of its own with smp vCPUs; e2fsck finds the image clean."""
    prog = guest(name)
    (tmp_path / "native").mkdir()
    assert_pass(*run_native(prog, [tmp_path / "native"] + args), name)
    img = build_image(tmp_path, prog, {"Args": ["/"] + [str(a) for a in args]})
    status, out, err = run_cmd([str(ISLE), "run", "--accel", accel, "--smp", str(smp),
                                str(img)], timeout=BOOT_TIMEOUT)
    assert_pass(status, out, err, name)
    e2fsck_clean(img)


def e2fsck_clean(img):
    r = subprocess.run(["e2fsck", "-fn", str(img)], capture_output=True, text=True,
                       timeout=BOOT_TIMEOUT)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("smp", [1, 2])
def test_lookup_race(guest, smp, accel, tmp_path):
    """Four threads look up the same 400 files of the image at once (statrace.c), on a
    fresh boot: a thread finding an inode or a page that another is still reading from
    the disk must wait for it. Before the fix: stat gave mode 0 (a half-read inode), and
    read gave zeros (a page not read in yet)."""
    prog = guest("statrace")
    d = tmp_path / "d"
    d.mkdir()
    for i in range(400):
        (d / f"f{i:03d}").write_bytes(bytes([i % 251]) * (i + 1))
    assert_pass(*run_native(prog, [d, 400, 4]), "statrace")
    img = build_image(tmp_path, prog, {"Dirs": ["d"], "Args": ["/d", "400", "4"]})
    status, out, err = run_cmd([str(ISLE), "run", "--accel", accel, "--smp", str(smp),
                                str(img)], timeout=BOOT_TIMEOUT)
    assert_pass(status, out, err, "statrace")


@pytest.mark.parametrize("smp", [1, 2])
def test_create_race(guest, smp, accel, tmp_path):
    """Four threads create 40 files of 20 KiB each at once (createrace.c); every file
    keeps its own contents and inode, and e2fsck finds the image clean. Before the fix, two
    copies of one bitmap block in the block cache gave out an inode or block twice: EIO on
    create ("new inode already in memory") or one file's data in another."""
    race_on_image(guest, "createrace", [40, 4], smp, accel, tmp_path)


@pytest.mark.parametrize("smp", [1, 2])
def test_directory_race(guest, smp, accel, tmp_path):
    """Four threads create 300 long names each in one directory at once, renaming and
    removing some (dirrace.c); every name is there exactly when it should be and e2fsck
    finds the image clean. Before each ext2 directory operation held the directory's lock:
    two threads grew the directory by the same new block ("directory inode 2 has a hole",
    EIO on create, e2fsck errors)."""
    race_on_image(guest, "dirrace", [300, 4], smp, accel, tmp_path)


@pytest.mark.parametrize("smp", [1, 2])
def test_sync_during_truncate(guest, smp, accel, tmp_path):
    """Found by sysfuzz (seed 91, threads=3, 2 vCPUs): syncfs writing a file's cached pages
    back while another thread's ftruncate drops them; the walk of the page array went on
    after a disk sleep over an array freed meanwhile. Before the fix: a kernel fault in
    pagecache_writeback, status 125."""
    prog = guest("syncrace")
    (tmp_path / "d").mkdir()
    assert_pass(*run_native(prog, [tmp_path / "d", 1500, "truncate"]), "syncrace")
    assert_pass(*run_isle(prog, ["/", 1500, "truncate"], accel=accel,
                          extra=["--smp", str(smp)]), "syncrace")


def test_sync_during_truncate_and_unlink(guest, accel, tmp_path):
    """syncrace.c churning by truncation and unlinks together, 2 vCPUs: files evicted and
    their inode numbers reused while sync writes back. The mix gave EIO while the fuzz
    campaign ran, before the eviction race fix; it has not failed since (regression
    test)."""
    prog = guest("syncrace")
    (tmp_path / "d").mkdir()
    assert_pass(*run_native(prog, [tmp_path / "d", 1500, "both"]), "syncrace")
    assert_pass(*run_isle(prog, ["/", 1500, "both"], accel=accel, extra=["--smp", "2"]),
                "syncrace")
