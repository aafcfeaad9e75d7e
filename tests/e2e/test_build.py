"""isle build and isle image: images built from configs in temporary directories and
checked with e2fsprogs itself (e2fsck, debugfs, dumpe2fs), the manifest decoded by an
independent reader, every bad config refused with status 2, the key named and no image
left behind; and what `isle run IMAGE` would start (--dry-run: the disk, no -initrd)."""

import json
import os
import re
import struct
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, guest_binary, run_isle_cli

TOOL_TIMEOUT = 60


def hello():
    return guest_binary("hello")


def debugfs(img, request):
    r = subprocess.run(["debugfs", "-R", request, str(img)], capture_output=True,
                       timeout=TOOL_TIMEOUT)
    return r.stdout


def image_file(img, path):
    return debugfs(img, f'cat "{path}"')


def image_names(img, path="/"):
    """{name: mode} of a directory of the image, from debugfs ls -p."""
    out = debugfs(img, f'ls -p "{path}"').decode()
    names = {}
    for line in out.splitlines():
        f = line.split("/")
        if len(f) >= 7 and f[5] not in (".", ".."):
            names[f[5]] = int(f[2], 8)
    return names


def read_manifest(data):
    """Decode include/abi/manifest.h independently of the C code."""
    magic, version, header_size, flags, argc, envc, reserved, soff, ssize = struct.unpack_from(
        "<8sIIIIIIQQ", data)
    assert magic == b"ISLEMANI"
    assert version == 1 and header_size == 48 and reserved == 0
    assert soff == header_size and soff + ssize == len(data)
    strings = data[soff:soff + ssize].split(b"\0")
    assert strings[-1] == b"", "every string ends with a NUL"
    strings = [s.decode() for s in strings[:-1]]
    assert len(strings) == 3 + argc + envc
    return {
        "flags": flags, "program": strings[0], "cwd": strings[1], "version": strings[2],
        "argv": strings[3:3 + argc], "envp": strings[3 + argc:],
    }


def build(tmp_path, config=None, args=(), prog=None, out="app.img"):
    """Run isle build in tmp_path (the config written there as config.json)."""
    prog = prog or hello()
    cmd = ["build", str(prog), "-o", str(tmp_path / out)]
    if config is not None:
        (tmp_path / "config.json").write_text(
            config if isinstance(config, str) else json.dumps(config))
        cmd += ["-c", str(tmp_path / "config.json")]
    return run_isle_cli(cmd + list(args), timeout=TOOL_TIMEOUT)


def build_ok(tmp_path, config=None, args=(), prog=None, out="app.img"):
    status, stdout, err = build(tmp_path, config, args, prog, out)
    assert status == 0, err
    img = tmp_path / out
    r = subprocess.run(["e2fsck", "-fn", str(img)], capture_output=True, text=True,
                       timeout=TOOL_TIMEOUT)
    assert r.returncode == 0, r.stdout + r.stderr
    return img, err


def leftovers(tmp_path):
    return [p.name for p in tmp_path.iterdir() if p.name.endswith(".img") or
            p.name.startswith(".")]


def test_minimal_image(tmp_path):
    img, _ = build_ok(tmp_path)
    assert image_file(img, "/hello") == hello().read_bytes()
    assert image_file(img, "/etc/hosts") == b"127.0.0.1 localhost\n::1 localhost\n"
    assert image_file(img, "/etc/passwd") == b"root:x:0:0:root:/:/sbin/nologin\n"
    assert image_file(img, "/etc/group") == b"root:x:0:\n"
    assert b"hosts: files dns" in image_file(img, "/etc/nsswitch.conf")
    assert image_file(img, "/etc/resolv.conf") == b""
    assert image_file(img, "/etc/localtime") == Path("/usr/share/zoneinfo/UTC").read_bytes()
    assert (image_file(img, "/etc/ssl/certs/ca-certificates.crt") ==
            Path("/etc/ssl/certs/ca-certificates.crt").read_bytes())
    names = image_names(img)
    assert names["hello"] & 0o777 == 0o755
    assert not {"bin", "sbin", "usr"} & set(names), "no shell, no utilities"
    m = read_manifest(image_file(img, "/.isle/manifest"))
    assert m["program"] == "/hello" and m["cwd"] == "/" and m["flags"] == 0
    assert m["version"] == (REPO / "VERSION").read_text().strip()
    assert m["argv"] == ["/hello"]
    assert m["envp"] == ["PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/", "PWD=/", "USER=root"]
    label = subprocess.run(["dumpe2fs", "-h", str(img)], capture_output=True, text=True,
                           timeout=TOOL_TIMEOUT).stdout
    assert re.search(r"Filesystem volume name:\s+isle\n", label), label


def test_default_output_name(tmp_path):
    # isle build writes NAME.img into the current directory: run it from tmp_path.
    r = subprocess.run([str(REPO / "build" / "isle"), "build", str(hello())], cwd=tmp_path,
                       capture_output=True, text=True, timeout=TOOL_TIMEOUT)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "hello.img").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hello.img"]


def seed_tree(tmp_path):
    """The seed walkthrough's layout: a static dir, a file, a dir mapped elsewhere."""
    (tmp_path / "static" / "css").mkdir(parents=True)
    (tmp_path / "static" / "index.html").write_text("<h1>Understanding Unikernels!</h1>\n")
    (tmp_path / "static" / "css" / "site.css").write_text("h1 {}\n")
    os.symlink("index.html", tmp_path / "static" / "home.html")
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "app.toml").write_text("x = 1\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.txt").write_text("A\n")
    (tmp_path / "data" / "b.txt").write_text("B\n")
    (tmp_path / "data" / "sub").mkdir()
    (tmp_path / "data" / "sub" / "c.txt").write_text("C\n")


def test_full_config(tmp_path):
    seed_tree(tmp_path)
    config = {
        "Dirs": ["static"],
        "Files": ["conf/app.toml"],
        "MapDirs": {"data/*": "/srv/data"},
        "Args": ["-v", "two words"],
        "Env": {"GREETING": "hi", "HOME": "/srv"},
        "NameServers": ["8.8.8.8", "2001:4860:4860::8888"],
        "RebootOnExit": True,
        "ManifestPassthrough": {"exec_protection": "t"},
        "NoASLR": True,
        "Cwd": "/srv/data",
        "CloudConfig": {"ProjectID": "test-project", "Zone": "x"},
        "RunConfig": {"Memory": "64M", "CPUs": 1, "Accel": "tcg"},
    }
    img, err = build_ok(tmp_path, config, ["-e", "GREETING=hello", "-e", "EXTRA=1"])
    assert "warning" in err and "CloudConfig" in err, err
    assert image_file(img, "/static/index.html") == b"<h1>Understanding Unikernels!</h1>\n"
    assert image_file(img, "/static/css/site.css") == b"h1 {}\n"
    assert image_names(img, "/static")["home.html"] & 0o170000 == 0o120000
    assert image_file(img, "/conf/app.toml") == b"x = 1\n"
    assert image_file(img, "/srv/data/a.txt") == b"A\n"
    assert image_file(img, "/srv/data/b.txt") == b"B\n"
    assert image_file(img, "/srv/data/sub/c.txt") == b"C\n"
    assert (image_file(img, "/etc/resolv.conf") ==
            b"nameserver 8.8.8.8\nnameserver 2001:4860:4860::8888\n")
    m = read_manifest(image_file(img, "/.isle/manifest"))
    assert m["argv"] == ["/hello", "-v", "two words"]
    assert m["envp"] == ["GREETING=hello", "HOME=/srv", "EXTRA=1",
                         "PATH=/usr/local/bin:/usr/bin:/bin", "PWD=/srv/data", "USER=root"]
    assert m["cwd"] == "/srv/data"
    assert m["flags"] == 0x1 | 0x2 | 0x4  # exec protection, noaslr, reboot on exit


def test_arg_replaces_config_args(tmp_path):
    img, _ = build_ok(tmp_path, {"Args": ["from-config"]}, ["-a", "x", "-a", "--y"])
    assert read_manifest(image_file(img, "/.isle/manifest"))["argv"] == ["/hello", "x", "--y"]


def test_program_from_config(tmp_path):
    (tmp_path / "bin").mkdir()
    prog = tmp_path / "bin" / "server"
    prog.write_bytes(hello().read_bytes())
    prog.chmod(0o755)
    (tmp_path / "config.json").write_text(json.dumps({"Program": "bin/server"}))
    status, out, err = run_isle_cli(["build", "-c", tmp_path / "config.json", "-o",
                                     tmp_path / "s.img"], timeout=TOOL_TIMEOUT)
    assert status == 0, err
    img = tmp_path / "s.img"
    assert image_file(img, "/bin/server") == hello().read_bytes()
    assert read_manifest(image_file(img, "/.isle/manifest"))["program"] == "/bin/server"


def block_count(img):
    out = subprocess.run(["dumpe2fs", "-h", str(img)], capture_output=True, text=True,
                         timeout=TOOL_TIMEOUT).stdout
    return int(re.search(r"Block count:\s+(\d+)", out).group(1)), \
        int(re.search(r"Block size:\s+(\d+)", out).group(1))


def test_base_volume_size(tmp_path):
    img, _ = build_ok(tmp_path, {"BaseVolumeSz": "32m"})
    assert block_count(img) == (8192, 4096)
    assert img.stat().st_size == 32 << 20


def test_default_size_has_room(tmp_path):
    img, _ = build_ok(tmp_path)
    blocks, bsize = block_count(img)
    size = blocks * bsize
    assert size % (1 << 20) == 0
    assert size >= hello().stat().st_size * 1.2 + (4 << 20)


def test_base_volume_too_small(tmp_path):
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(3 << 20))
    status, out, err = build(tmp_path, {"BaseVolumeSz": "2M", "Files": ["big.bin"]})
    assert status == 2, err
    assert re.search(r"image content is \d+ MiB but BaseVolumeSz is 2", err), err
    assert leftovers(tmp_path) == [], leftovers(tmp_path)


BAD_CONFIGS = {
    "unknown-key": ({"Foo": 1}, "Foo"),
    "wrong-case": ({"dirs": ["x"]}, "dirs"),
    "args-type": ({"Args": "-v"}, "Args"),
    "env-type": ({"Env": {"PORT": 8080}}, "Env.PORT"),
    "dirs-type": ({"Dirs": "static"}, "Dirs"),
    "missing-dir": ({"Dirs": ["nope"]}, "Dirs[0]"),
    "dir-is-file": ({"Dirs": ["f.txt"]}, "Dirs[0]"),
    "missing-file": ({"Files": ["nope.txt"]}, "Files[0]"),
    "escaping-dir": ({"Dirs": ["../x"]}, "Dirs[0]"),
    "escaping-file": ({"Files": ["d/../../f.txt"]}, "Files[0]"),
    "mapdirs-no-match": ({"MapDirs": {"nothing/*": "/x"}}, "MapDirs.nothing/*"),
    "mapdirs-relative": ({"MapDirs": {"d/*": "x"}}, "MapDirs.d/*"),
    "mapdirs-escape": ({"MapDirs": {"d/*": "/a/../../x"}}, "MapDirs.d/*"),
    "link-out": ({"Dirs": ["linky"]}, "points outside"),
    "link-abs": ({"Dirs": ["linkabs"]}, "points outside"),
    "device": ({"Dirs": ["withfifo"]}, "Dirs[0]"),
    "reserved": ({"Dirs": [".isle"]}, "/.isle"),
    "program-taken": ({"Files": ["hello"]}, "/hello"),
    "cwd-missing": ({"Cwd": "/nowhere"}, "Cwd"),
    "cwd-relative": ({"Cwd": "srv"}, "Cwd"),
    "cpus": ({"RunConfig": {"CPUs": 65}}, "RunConfig.CPUs: 65 CPUs: expected 1 to 64"),
    "ports": ({"RunConfig": {"Ports": ["0"]}}, "RunConfig.Ports"),
    "udpports": ({"RunConfig": {"UDPPorts": ["53:99999"]}}, "RunConfig.UDPPorts"),
    "memory": ({"RunConfig": {"Memory": "lots"}}, "RunConfig.Memory"),
    "accel": ({"RunConfig": {"Accel": "xen"}}, "RunConfig.Accel"),
    "size": ({"BaseVolumeSz": "12Q"}, "BaseVolumeSz"),
    "nameserver": ({"NameServers": ["dns.google"]}, "NameServers[0]"),
    "passthrough": ({"ManifestPassthrough": {"noaslr": "yes"}}, "ManifestPassthrough.noaslr"),
    "not-json": ("{\"Dirs\": [", "config.json"),
    "not-object": ("[]", "config.json"),
}


@pytest.mark.parametrize("case", list(BAD_CONFIGS))
def test_bad_config(tmp_path, case):
    config, key = BAD_CONFIGS[case]
    (tmp_path / "f.txt").write_text("f\n")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x").write_text("x\n")
    (tmp_path / "linky").mkdir()
    os.symlink("../f.txt", tmp_path / "linky" / "up")
    (tmp_path / "linkabs").mkdir()
    os.symlink("/etc/passwd", tmp_path / "linkabs" / "abs")
    (tmp_path / "withfifo").mkdir()
    os.mkfifo(tmp_path / "withfifo" / "pipe")
    (tmp_path / ".isle").mkdir()
    (tmp_path / ".isle" / "manifest").write_text("forged\n")
    (tmp_path / "hello").write_text("not the program\n")
    before = set(os.listdir("/tmp"))
    status, out, err = build(tmp_path, config)
    assert status == 2, f"status {status}\n{err}"
    assert key in err, err
    assert not (tmp_path / "app.img").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".app.img")]
    staged = [n for n in set(os.listdir("/tmp")) - before if n.startswith("isle-build-")]
    assert not staged, f"staging directories left behind: {staged}"


def test_missing_config_file(tmp_path):
    status, out, err = run_isle_cli(["build", hello(), "-c", tmp_path / "none.json", "-o",
                                     tmp_path / "x.img"], timeout=TOOL_TIMEOUT)
    assert status == 2 and "none.json" in err, err
    assert not (tmp_path / "x.img").exists()


@pytest.mark.parametrize("args", [
    ["build"],
    ["build", "a", "b"],
    ["build", "HELLO", "--bogus"],
    ["build", "HELLO", "-e", "NOEQUALS"],
    ["build", "HELLO", "-o"],
], ids=lambda a: " ".join(a))
def test_build_usage_errors(tmp_path, args):
    args = [str(hello()) if a == "HELLO" else a for a in args]
    status, out, err = run_isle_cli(args, timeout=TOOL_TIMEOUT)
    assert status == 2, err
    assert err.strip()


def test_dynamic_elf_refused(tmp_path):
    status, out, err = build(tmp_path, prog=guest_binary("hello", "dynamic"))
    assert status == 126, err
    assert "static" in err and "CGO_ENABLED=0" in err, err
    assert leftovers(tmp_path) == []


def test_missing_program(tmp_path):
    status, out, err = build(tmp_path, prog=tmp_path / "nope")
    assert status == 127 and "nope" in err, err
    assert leftovers(tmp_path) == []


def test_rebuild_replaces_image(tmp_path):
    img, _ = build_ok(tmp_path, {"Args": ["one"]})
    img, _ = build_ok(tmp_path, {"Args": ["two"]})
    assert read_manifest(image_file(img, "/.isle/manifest"))["argv"] == ["/hello", "two"]
    assert leftovers(tmp_path) == ["app.img"]


# --- isle image ------------------------------------------------------------------------

def test_image_files_and_cat(tmp_path):
    seed_tree(tmp_path)
    img, _ = build_ok(tmp_path, {"Dirs": ["static"]})
    status, out, err = run_isle_cli(["image", "files", img], timeout=TOOL_TIMEOUT)
    assert status == 0, err
    lines = out.splitlines()
    names = [l.split()[-1] for l in lines]
    assert names == sorted(names)
    assert {".isle/", "etc/", "static/", "hello"} <= set(names), out
    hello_line = next(l for l in lines if l.endswith(" hello"))
    assert hello_line.split()[:2] == ["-rwxr-xr-x", str(hello().stat().st_size)], hello_line
    status, out, err = run_isle_cli(["image", "files", img, "/static"], timeout=TOOL_TIMEOUT)
    assert status == 0, err
    assert "index.html" in out and "css/" in out and "home.html" in out, out
    assert "drwx" in out and "lrwx" in out, out
    status, out, err = run_isle_cli(["image", "cat", img, "/static/index.html"],
                                    timeout=TOOL_TIMEOUT)
    assert (status, out) == (0, "<h1>Understanding Unikernels!</h1>\n"), err


def test_image_cat_binary(tmp_path):
    img, _ = build_ok(tmp_path)
    r = subprocess.run([str(REPO / "build" / "isle"), "image", "cat", str(img), "/hello"],
                       capture_output=True, timeout=TOOL_TIMEOUT)
    assert r.returncode == 0, r.stderr
    assert r.stdout == hello().read_bytes()


def test_image_errors(tmp_path):
    img, _ = build_ok(tmp_path)
    notimg = tmp_path / "plain.txt"
    notimg.write_text("just text " * 300)
    cases = [
        (["image", "cat", img, "/nope"], 1, "/nope"),
        (["image", "cat", img, "/etc"], 1, "not a regular file"),
        (["image", "files", img, "/hello"], 1, "not a directory"),
        (["image", "files", img, "/missing"], 1, "/missing"),
        (["image", "files", notimg], 126, "not an isle image"),
        (["image", "cat", hello(), "/x"], 126, "not an isle image"),
        (["image", "files", tmp_path / "none.img"], 127, "none.img"),
        (["image", "cat", img], 2, "usage"),
        (["image", "bogus", img], 2, "usage"),
        (["image"], 2, "usage"),
    ]
    for args, want, text in cases:
        status, out, err = run_isle_cli(args, timeout=TOOL_TIMEOUT)
        assert status == want, f"{args}: status {status}\n{err}"
        assert text in err, f"{args}: {err}"
        assert out == "", out


# --- isle run IMAGE ----------------------------------------------------------------------

@pytest.mark.parametrize("machine,device", [
    ("microvm", "virtio-blk-device,drive=root"),
    ("q35", "virtio-blk-pci,drive=root,disable-legacy=on"),
    ("pc", "virtio-blk-pci,drive=root,disable-legacy=on"),
])
def test_run_image_dry_run(tmp_path, machine, device):
    img, _ = build_ok(tmp_path)
    status, out, err = run_isle_cli(["run", "--dry-run", "--accel", "tcg", "--machine",
                                     machine, img], timeout=TOOL_TIMEOUT)
    assert status == 0, err
    argv = out.split()
    assert "-initrd" not in argv, out
    assert f"file={img},format=raw,if=none,id=root" in argv, out
    assert argv[argv.index("-device", argv.index("-drive")) + 1] == device, out
    assert ("virtio-mmio.force-legacy=false" in argv) == (machine == "microvm"), out


def test_run_image_passes_overrides(tmp_path):
    """-e and arguments with an IMAGE travel in an overrides-only boot bundle (-initrd)
    next to the disk, which is attached as is (no snapshot)."""
    img, _ = build_ok(tmp_path)
    for extra in (["-e", "A=1", img], [img, "arg"], ["-a", "arg", img]):
        status, out, err = run_isle_cli(["run", "--dry-run", "--accel", "tcg", *extra],
                                        timeout=TOOL_TIMEOUT)
        assert status == 0, err
        argv = out.split()
        assert "-initrd" in argv, out
        assert f"file={img},format=raw,if=none,id=root" in argv, out
    status, out, err = run_isle_cli(["run", "--dry-run", "--bundle", img],
                                    timeout=TOOL_TIMEOUT)
    assert status == 2 and "--bundle" in err, err


def test_run_config_applies_run_config(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps(
        {"RunConfig": {"Memory": "64M", "Accel": "tcg"}, "Dirs": ["x"]}))
    # Without an image (--bundle) the content keys are warned about and ignored.
    status, out, err = run_isle_cli(["run", "--dry-run", "--bundle", "-c",
                                     tmp_path / "config.json", hello()], timeout=TOOL_TIMEOUT)
    assert status == 0, err
    assert re.search(r"-m 64M\b", out) and re.search(r"-accel tcg\b", out), out
    assert "Dirs" in err and "warning" in err, err
    status, out, err = run_isle_cli(["run", "--dry-run", "--bundle", "-m", "96M", "-c",
                                     tmp_path / "config.json", hello()], timeout=TOOL_TIMEOUT)
    assert status == 0 and re.search(r"-m 96M\b", out), out + err
    # RunConfig.CPUs becomes -smp N unless --smp says otherwise.
    (tmp_path / "smp.json").write_text(json.dumps({"RunConfig": {"CPUs": 4}}))
    status, out, err = run_isle_cli(["run", "--dry-run", "--bundle", "-c", tmp_path / "smp.json",
                                     hello()], timeout=TOOL_TIMEOUT)
    assert status == 0 and re.search(r"-smp 4\b", out), out + err
    status, out, err = run_isle_cli(["run", "--dry-run", "--bundle", "--smp", "2", "-c",
                                     tmp_path / "smp.json", hello()], timeout=TOOL_TIMEOUT)
    assert status == 0 and re.search(r"-smp 2\b", out), out + err


def test_bad_output(tmp_path):
    status, out, err = build(tmp_path, out="no-such-dir/app.img")
    assert status == 2 and "no-such-dir" in err, err
    prog = tmp_path / "prog"
    prog.write_bytes(hello().read_bytes())
    prog.chmod(0o755)
    status, out, err = build(tmp_path, prog=prog, out="prog")
    assert status == 2 and "the program itself" in err, err
    assert prog.read_bytes() == hello().read_bytes()
