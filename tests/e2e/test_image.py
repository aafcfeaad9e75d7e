"""Booting from a disk image made by `isle build`: the manifest's program and arguments
run, files from the config are there, what the program writes survives into the next
boot, and the file system stays clean for e2fsck after every run."""
import subprocess

import pytest

from conftest import (BOOT_TIMEOUT, DEFAULT_MACHINES, build_image, guest_binary, run_cmd,
                      run_native, ISLE)


def boot(img, machine):
    return run_cmd([str(ISLE), "run", "--accel", "tcg", "--machine", machine, str(img)],
                   timeout=BOOT_TIMEOUT)


def fsck_clean(img):
    r = subprocess.run(["e2fsck", "-fn", str(img)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def debugfs_cat(img, path):
    r = subprocess.run(["debugfs", "-R", f"cat {path}", str(img)], capture_output=True)
    return r.stdout


@pytest.mark.parametrize("machine", DEFAULT_MACHINES + ("pc",))
def test_image_runs_manifest_program(tmp_path, machine):
    hello = guest_binary("hello")
    native = run_native(hello, ["one", "two"])
    img = build_image(tmp_path, hello, {"Args": ["one", "two"]})
    status, out, err = boot(img, machine)
    assert (status, out) == (native[0], native[1]), err
    fsck_clean(img)


@pytest.mark.parametrize("machine", DEFAULT_MACHINES)
def test_image_persists_writes(tmp_path, machine):
    prog = guest_binary("persist")
    # Natively first: the first run writes, the second reads back.
    d = tmp_path / "native"
    assert run_native(prog, [d, "hello disk"])[1] == b"wrote\nPASS persist\n"
    assert run_native(prog, [d, "hello disk"])[1] == b"note: hello disk\nPASS persist\n"

    site = tmp_path / "static"
    site.mkdir()
    (site / "index.html").write_text("<h1>Understanding Unikernels!</h1>\n")
    img = build_image(tmp_path, prog, {"Args": ["/data", "hello disk", "/static/index.html"],
                                       "Dirs": ["static"]})
    page = b"<h1>Understanding Unikernels!</h1>\n"
    status, out, err = boot(img, machine)
    assert (status, out) == (0, page + b"wrote\nPASS persist\n"), err
    fsck_clean(img)
    assert debugfs_cat(img, "/data/note.txt") == b"note: hello disk\n"

    status, out, err = boot(img, machine)
    assert (status, out) == (0, page + b"note: hello disk\nPASS persist\n"), err
    fsck_clean(img)
