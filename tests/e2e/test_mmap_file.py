"""File mappings from inside: mmap_file.c (shared and private mappings of files in /tmp,
a tmpfs, and on the image's ext2 root, msync, mincore, mremap, errors, and the program
file itself mapped read-only), mmap_sigbus.c (a page past the end of the file is SIGBUS,
status 135), and mmap_persist.c (stores through a shared mapping reach the disk image:
the host reads them with debugfs after e2fsck finds the image clean). Each runs natively
first, then in isle."""

import json
import subprocess

import pytest

from conftest import (BOOT_TIMEOUT, ISLE, assert_pass, guest_binary, run_cmd, run_isle,
                      run_isle_cli, run_native)


@pytest.mark.parametrize("where", ["/tmp/m", "/mdata"])
def test_mmap_file(guest, where, machine, tmp_path):
    prog = guest("mmap_file")
    assert_pass(*run_native(prog, [tmp_path / "m", prog]), "mmap_file")
    # `isle run` puts the program at the root of the image it builds.
    status, out, err = run_isle(prog, [where, "/mmap_file"], machine=machine)
    assert_pass(status, out, err, "mmap_file")


@pytest.mark.parametrize("where", ["/tmp/b", "/bdata"])
def test_mmap_past_eof_is_sigbus(guest, where, machine, tmp_path):
    prog = guest("mmap_sigbus")
    status, out, err = run_native(prog, [tmp_path / "b"])
    assert (status, out) == (135, b"partial ok\n"), err
    status, out, err = run_isle(prog, [where], machine=machine)
    assert (status, out) == (135, b"partial ok\n"), err
    assert "SIGBUS" in err


@pytest.mark.parametrize("machine", ["microvm"])
@pytest.mark.parametrize("mode", ["msync", "nosync"])
def test_mmap_shared_persists_on_image(machine, mode, tmp_path):
    """With msync(MS_SYNC), and without it (the write-back at exit finds the pages that
    the mapping dirtied)."""
    prog = guest_binary("mmap_persist")
    text = "written through a shared mapping"
    native = tmp_path / "native.txt"
    assert_pass(*run_native(prog, [native, text, mode]), "mmap_persist")
    assert native.read_text() == text
    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps({"Args": ["/note.txt", text, mode]}))
    img = tmp_path / "app.img"
    status, out, err = run_isle_cli(["build", str(prog), "-c", str(cfg), "-o", str(img)],
                                    timeout=BOOT_TIMEOUT)
    assert status == 0, err
    status, out, err = run_cmd([str(ISLE), "run", "--accel", "tcg", "--machine", machine,
                                str(img)], timeout=BOOT_TIMEOUT)
    assert_pass(status, out, err, "mmap_persist")
    r = subprocess.run(["e2fsck", "-fn", str(img)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run(["debugfs", "-R", "cat /note.txt", str(img)], capture_output=True)
    assert r.stdout == text.encode(), r.stderr
