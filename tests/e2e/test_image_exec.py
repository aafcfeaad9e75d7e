"""Image contents that could help an attacker (docs/security.md, "Image contents"):
`isle build` warns, one line each, about a shell, an interpreter or a network tool in the
image and still builds it; the program then runs as usual; `isle image inspect NAME`
lists exactly the image's executables (regular files with an x bit: the program, the
fake tools, an executable data file), never the non-executable files.

The "shell" is a two-line script and "busybox" a copy of a small ELF: isle never runs
either (the program does not exec anything)."""

import json
import os
import shutil
import subprocess

import pytest

from conftest import BOOT_TIMEOUT, ISLE, guest_binary, require_isle, run_cmd, run_native

WARN = ("isle: warning: the image contains {what}: {path} (an attacker who gets code "
        "execution can use it; isle never runs it)")


def make_tree(tmp_path):
    """The config's Dirs: bin/sh (script), bin/busybox (ELF), tools/python3.11 (not
    executable: still warned about, by name), tools/helper (executable, harmless name),
    data/notes.txt (neither)."""
    for d in ("bin", "tools", "data"):
        (tmp_path / d).mkdir()
    sh = tmp_path / "bin" / "sh"
    sh.write_text("#!/bin/sh\necho never run\n")
    sh.chmod(0o755)
    shutil.copyfile(guest_binary("exitcode"), tmp_path / "bin" / "busybox")
    (tmp_path / "bin" / "busybox").chmod(0o750)
    (tmp_path / "tools" / "python3.11").write_text("print('no')\n")
    (tmp_path / "tools" / "python3.11").chmod(0o644)
    (tmp_path / "tools" / "helper").write_bytes(b"\x00\x01data")
    (tmp_path / "tools" / "helper").chmod(0o700)
    (tmp_path / "data" / "notes.txt").write_text("notes\n")
    (tmp_path / "data" / "notes.txt").chmod(0o644)
    prog = tmp_path / "hello"
    shutil.copyfile(guest_binary("hello"), prog)
    prog.chmod(0o755)
    (tmp_path / "c.json").write_text(json.dumps({"Dirs": ["bin", "tools", "data"]}))
    return prog


def expected_warnings():
    return [WARN.format(what="a shell", path="/bin/busybox"),
            WARN.format(what="a shell", path="/bin/sh"),
            WARN.format(what="an interpreter", path="/tools/python3.11")]


def test_build_warns_and_still_builds(tmp_path):
    require_isle()
    prog = make_tree(tmp_path)
    native = run_native(prog)
    assert native[0] == 0 and native[1].endswith(b"PASS hello\n")
    img = tmp_path / "app.img"
    status, out, err = run_cmd([str(ISLE), "build", str(prog), "-c", str(tmp_path / "c.json"),
                                "-o", str(img)], timeout=BOOT_TIMEOUT)
    assert status == 0, err
    assert [line for line in err.splitlines() if "warning" in line] == expected_warnings()
    status, out, err = run_cmd([str(ISLE), "run", "--accel", "tcg", str(img)],
                               timeout=BOOT_TIMEOUT)
    assert (status, out) == (0, native[1]), err


def test_no_warning_without_tools(tmp_path):
    require_isle()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "shell.txt").write_text("sh is only in this file's text\n")
    (tmp_path / "c.json").write_text(json.dumps({"Dirs": ["data"]}))
    status, out, err = run_cmd([str(ISLE), "build", str(guest_binary("hello")), "-c",
                                str(tmp_path / "c.json"), "-o", str(tmp_path / "a.img")],
                               timeout=BOOT_TIMEOUT)
    assert status == 0 and "warning" not in err, err


def test_program_named_like_a_tool_is_not_warned_about(tmp_path):
    require_isle()
    prog = tmp_path / "curl"
    shutil.copyfile(guest_binary("hello"), prog)
    prog.chmod(0o755)
    status, out, err = run_cmd([str(ISLE), "build", str(prog), "-o", str(tmp_path / "a.img")],
                               timeout=BOOT_TIMEOUT)
    assert status == 0 and "warning" not in err, err


def test_inspect_lists_executables(tmp_path):
    require_isle()
    prog = make_tree(tmp_path)
    env = dict(os.environ, HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "d"),
               XDG_STATE_HOME=str(tmp_path / "s"), TMPDIR=str(tmp_path / "tmp"))
    (tmp_path / "home").mkdir()
    (tmp_path / "tmp").mkdir()
    r = subprocess.run([str(ISLE), "image", "create", "-c", "c.json", "-a", "hello", "-i",
                        "tools"], capture_output=True, text=True, timeout=BOOT_TIMEOUT,
                       cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stderr
    assert [line for line in r.stderr.splitlines() if "warning" in line] == \
        expected_warnings()
    r = subprocess.run([str(ISLE), "image", "inspect", "tools"], capture_output=True,
                       text=True, timeout=BOOT_TIMEOUT, env=env)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    start = lines.index("Executables (regular files with an execute bit):")
    listed = []
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        listed.append(line.split(None, 3))
    sizes = {p: os.path.getsize(tmp_path / p.lstrip("/"))
             for p in ("/bin/busybox", "/bin/sh", "/hello", "/tools/helper")}
    assert listed == [
        ["-rwxr-x---", str(sizes["/bin/busybox"]), "ELF", "/bin/busybox"],
        ["-rwxr-xr-x", str(sizes["/bin/sh"]), "script", "/bin/sh (#!/bin/sh)"],
        ["-rwxr-xr-x", str(sizes["/hello"]), "ELF", "/hello"],
        ["-rwx------", str(sizes["/tools/helper"]), "other", "/tools/helper"],
    ], r.stdout
    assert "notes.txt" not in r.stdout and "python3.11" not in r.stdout
    assert list((tmp_path / "tmp").iterdir()) == []  # its temporary directory is gone
