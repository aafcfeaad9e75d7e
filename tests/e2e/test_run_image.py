"""`isle run` with an image: -e / arguments / -a override an image's manifest for one run
(an overrides-only boot bundle next to the disk) and leave the image as it was; `isle run
PROGRAM` builds its image once into the cache (XDG_CACHE_HOME) and boots it with
snapshot=on, so the cache never changes; `isle run --bundle PROGRAM` keeps the old path
(the program in the boot bundle, no disk)."""

import hashlib
import json
import os
import subprocess

from conftest import (BOOT_TIMEOUT, ISLE, assert_pass, guest_binary, require_isle, run_cmd,
                      run_isle_cli)
from test_args_env import parse
from test_build import read_manifest


def build_image(tmp_path, prog, config):
    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps(config))
    img = tmp_path / "app.img"
    status, out, err = run_isle_cli(["build", prog, "-c", cfg, "-o", img],
                                    timeout=BOOT_TIMEOUT)
    assert status == 0, err
    return img


def manifest(img):
    r = subprocess.run([str(ISLE), "image", "cat", str(img), "/.isle/manifest"],
                       capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return read_manifest(r.stdout)


def isle_run(*args, cache=None, env=None):
    require_isle()
    cmd = [str(ISLE), "run", "--accel", "tcg"] + [str(a) for a in args]
    host_env = {"XDG_CACHE_HOME": str(cache)} if cache else None
    if env is not None:
        return _run_env(cmd, env)
    return run_cmd(cmd, timeout=BOOT_TIMEOUT, host_env=host_env)


def _run_env(cmd, env):
    r = subprocess.run(cmd, capture_output=True, env=env, timeout=BOOT_TIMEOUT)
    return r.returncode, r.stdout, r.stderr.decode(errors="replace")


def test_image_overrides(tmp_path):
    img = build_image(tmp_path, guest_binary("args"),
                      {"Args": ["x", "y"], "Env": {"KEEP": "1", "OVR": "old"}})
    before = manifest(img)
    assert before["argv"] == ["/args", "x", "y"]

    # -e replaces a variable or adds one; arguments replace the image's, argv[0] stays.
    status, out, err = isle_run("-e", "OVR=new", "-e", "ADD=2", img, "a", "b c")
    assert_pass(status, out, err, "args")
    argv, envp = parse(out)
    assert argv == [b"/args", b"a", b"b c"]
    want = [e.encode() for e in before["envp"] if not e.startswith("OVR=")]
    assert envp == want + [b"OVR=new", b"ADD=2"], envp

    # -e alone keeps the image's arguments; -a replaces them (an empty one too).
    status, out, err = isle_run("-e", "ADD=3", img)
    assert_pass(status, out, err, "args")
    argv, envp = parse(out)
    assert argv == [b"/args", b"x", b"y"]
    assert envp[-1] == b"ADD=3" and b"OVR=old" in envp, envp
    status, out, err = isle_run("-a", "", "-a", "z", img, "w")
    assert_pass(status, out, err, "args")
    assert parse(out)[0] == [b"/args", b"", b"z", b"w"]

    # Without overrides: the manifest's, exactly; and the image still has them.
    status, out, err = isle_run(img)
    assert_pass(status, out, err, "args")
    argv, envp = parse(out)
    assert [a.decode() for a in argv] == before["argv"]
    assert [e.decode() for e in envp] == before["envp"]
    assert manifest(img) == before


def cache_entries(cache):
    d = cache / "isle" / "images"
    return sorted(d.iterdir()) if d.exists() else []


def fingerprint(path):
    st = path.stat()
    return st.st_ino, st.st_mtime_ns, st.st_size, hashlib.sha256(path.read_bytes()).hexdigest()


def test_program_cache_and_snapshot(tmp_path):
    """The second run of the same program boots the same cached file (no rebuild), and a
    program that writes files leaves the cache as it was: its writes are discarded."""
    cache = tmp_path / "cache"
    prog = guest_binary("persist")
    status, out, err = isle_run(prog, "/data", "one", cache=cache)
    assert (status, out) == (0, b"wrote\nPASS persist\n"), err
    [entry] = cache_entries(cache)
    first = fingerprint(entry)
    status, out, err = isle_run(prog, "/data", "two", cache=cache)
    assert (status, out) == (0, b"wrote\nPASS persist\n"), err
    assert cache_entries(cache) == [entry]
    assert fingerprint(entry) == first
    r = subprocess.run(["e2fsck", "-fn", str(entry)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr

    # The dry run names the cached image, with snapshot=on, and builds nothing new.
    status, out, err = run_cmd([str(ISLE), "run", "--dry-run", "--accel", "tcg", str(prog)],
                               host_env={"XDG_CACHE_HOME": str(cache)})
    assert status == 0, err
    assert f"file={entry},format=raw,if=none,id=root,snapshot=on" in out.decode().split()
    assert "-initrd" not in out.decode().split()  # nothing to override
    assert cache_entries(cache) == [entry]


def test_program_env_and_args(tmp_path):
    """isle run PROGRAM: the environment is exactly -e (no image defaults), arguments
    and -a reach the program, argv[0] is /NAME; other arguments reuse the image."""
    cache = tmp_path / "cache"
    prog = guest_binary("args")
    status, out, err = isle_run("-e", "A=1", "-e", "B=", "-a", "first", prog, "x", "",
                                cache=cache)
    assert_pass(status, out, err, "args")
    argv, envp = parse(out)
    assert argv == [b"/args", b"first", b"x", b""]
    assert envp == [b"A=1", b"B="]
    status, out, err = isle_run(prog, cache=cache)
    assert_pass(status, out, err, "args")
    assert parse(out) == ([b"/args"], [])
    assert len(cache_entries(cache)) == 1


def test_program_rebuilt_when_input_changes(tmp_path):
    """A file the config names changes: a new image with the new content. The config's
    Args and Env apply (Env under -e) without image defaults."""
    cache = tmp_path / "cache"
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "f.txt").write_text("first\n")
    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps({"Dirs": ["d"], "Args": ["/tmp/w", "t", "/d/f.txt"]}))
    prog = guest_binary("persist")
    status, out, err = isle_run("-c", cfg, prog, cache=cache)
    assert (status, out) == (0, b"first\nwrote\nPASS persist\n"), err
    status, out, err = isle_run("-c", cfg, prog, cache=cache)
    assert (status, out) == (0, b"first\nwrote\nPASS persist\n"), err
    assert len(cache_entries(cache)) == 1
    (tmp_path / "d" / "f.txt").write_text("second\n")
    status, out, err = isle_run("-c", cfg, prog, cache=cache)
    assert (status, out) == (0, b"second\nwrote\nPASS persist\n"), err
    assert len(cache_entries(cache)) == 2

    cfg.write_text(json.dumps({"Env": {"A": "cfg", "B": "cfg"}}))
    status, out, err = isle_run("-c", cfg, "-e", "B=cli", guest_binary("args"), cache=cache)
    assert_pass(status, out, err, "args")
    assert parse(out)[1] == [b"B=cli", b"A=cfg"]  # as with --bundle: -e first


def test_cache_location(tmp_path):
    """XDG_CACHE_HOME, else HOME/.cache, else a private TMPDIR/isle-cache-UID."""
    require_isle()
    prog = guest_binary("hello")
    base = {"PATH": os.environ["PATH"], "TMPDIR": str(tmp_path / "tmp")}
    (tmp_path / "tmp").mkdir()
    cmd = [str(ISLE), "run", "--dry-run", "--accel", "tcg", str(prog)]
    home = tmp_path / "home"
    home.mkdir()
    for env, where in [
        ({"XDG_CACHE_HOME": str(tmp_path / "xdg"), "HOME": str(home)}, tmp_path / "xdg"),
        ({"HOME": str(home)}, home / ".cache"),
    ]:
        status, out, err = _run_env(cmd, {**base, **env})
        assert status == 0, err
        assert len(cache_entries(where)) == 1, (env, err)
        assert f"file={cache_entries(where)[0]}," in out.decode(), out
    status, out, err = _run_env(cmd, base)  # no HOME
    assert status == 0, err
    fallback = tmp_path / "tmp" / f"isle-cache-{os.getuid()}"
    assert (fallback.stat().st_mode & 0o777) == 0o700
    assert f"file={fallback}/" in out.decode(), out


def test_bundle_path(tmp_path):
    """--bundle: the program in the boot bundle, no disk; argv[0] as typed."""
    prog = guest_binary("args")
    status, out, err = isle_run("--bundle", "-e", "A=1", prog, "x", cache=tmp_path / "c")
    assert_pass(status, out, err, "args")
    assert parse(out) == ([str(prog).encode(), b"x"], [b"A=1"])
    assert not cache_entries(tmp_path / "c")
    status, out, err = run_isle_cli(["run", "--dry-run", "--bundle", "--accel", "tcg", prog])
    assert status == 0, err
    assert "-initrd" in out.split() and "-drive" not in out.split(), out
