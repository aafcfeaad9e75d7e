"""Memory protections, negative tests (docs/security.md): tests/guest/protect.c runs each
probe natively first (Linux's answer) and then in isle, with and without exec protection
(`ExecProtection: true` in a config.json given to `isle run -c`).

Where isle differs from Linux on purpose (exec protection refuses what Linux allows), the
native run shows Linux's opposite answer, so each test proves the difference."""

import os
import re
import struct

import pytest

from conftest import run_isle, run_native
from golang import go_program
from test_go import check_goroutines

PT_GNU_STACK = 0x6474E551
PF_X = 1


def results(out):
    """protect's "label: RESULT" lines as a dict."""
    text = out.decode(errors="replace") if isinstance(out, bytes) else out
    return dict(m.groups() for m in re.finditer(r"^(\w+): (\S+)$", text, re.M))


@pytest.fixture
def execprot(tmp_path):
    """A config.json turning exec protection on, with a plain file and an executable one
    (copied into the image as /plain and /exe)."""
    (tmp_path / "plain").write_bytes(b"\xc3" * 4096)
    (tmp_path / "exe").write_bytes(b"\xc3" * 4096)
    os.chmod(tmp_path / "plain", 0o644)
    os.chmod(tmp_path / "exe", 0o755)
    cfg = tmp_path / "config.json"
    cfg.write_text('{"ExecProtection": true, "Files": ["plain", "exe"]}\n')
    return ["-c", str(cfg)]


def run_mode(prog, mode, extra=(), args=()):
    return run_isle(prog, [mode, *args], extra=extra)


def with_exec_stack(src, dst):
    """Copy the ELF src to dst with PT_GNU_STACK asking for an executable stack."""
    data = bytearray(src.read_bytes())
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        off = phoff + i * phentsize
        p_type, p_flags = struct.unpack_from("<II", data, off)
        if p_type == PT_GNU_STACK:
            struct.pack_into("<I", data, off + 4, p_flags | PF_X)
            dst.write_bytes(bytes(data))
            os.chmod(dst, 0o755)
            return dst
    pytest.fail(f"{src} has no PT_GNU_STACK")


def test_execstack(guest, tmp_path):
    """Code on the stack never runs: SIGSEGV natively (glibc's stack is NX) and in isle,
    whose crash report names the stack mapping. A copy whose PT_GNU_STACK asks for an
    executable stack runs the code on Linux but still faults in isle, which logs that it
    ignored the request."""
    prog = guest("protect")
    status, out, err = run_native(prog, ["execstack"])
    assert status == 139, (out, err)
    status, out, err = run_mode(prog, "execstack")
    assert status == 139, err
    assert b"about to execute the stack" in out
    assert re.search(r"address 0x[0-9a-f]+ is in: .*\[stack\]", err), err

    rwx = with_exec_stack(prog, tmp_path / "protect-execstack")
    status, out, err = run_native(rwx, ["execstack"])
    assert (status, results(out).get("execstack")) == (0, "returned"), (out, err)
    status, out, err = run_mode(rwx, "execstack")
    assert status == 139, err
    assert "execstack" not in results(out)
    assert ("protect-execstack asks for an executable stack (PT_GNU_STACK RWX); isle keeps "
            "stacks non-executable") in err, err
    assert re.search(r"address 0x[0-9a-f]+ is in: .*\[stack\]", err), err


def test_writetext(guest):
    """The program's text is not writable: SIGSEGV on Linux and in isle."""
    prog = guest("protect")
    status, out, err = run_native(prog, ["writetext"])
    assert status == 139, (out, err)
    status, out, err = run_mode(prog, "writetext")
    assert status == 139, err
    assert b"writetext: returned" not in out
    assert re.search(r"address 0x[0-9a-f]+ is in: .* r-x program", err), err


def test_mprotect_heap_exec(guest, execprot):
    """A malloc'd page made executable: Linux 0, isle 0, isle with exec protection
    EACCES."""
    prog = guest("protect")
    status, out, err = run_native(prog, ["mprotect_heap_exec"])
    assert (status, results(out)) == (0, {"mprotect_heap_exec": "0"}), (out, err)
    status, out, err = run_mode(prog, "mprotect_heap_exec")
    assert (status, results(out)) == (0, {"mprotect_heap_exec": "0"}), err
    status, out, err = run_mode(prog, "mprotect_heap_exec", extra=execprot)
    assert (status, results(out)) == (0, {"mprotect_heap_exec": "EACCES"}), err


def test_mmap_wx(guest, execprot):
    """Anonymous W+X memory, shared anonymous and /dev/zero executable memory: Linux 0,
    isle with exec protection EACCES."""
    prog = guest("protect")
    labels = ("mmap_wx", "mmap_shared_rx", "devzero_rx")
    status, out, err = run_native(prog, ["mmap_wx"])
    assert (status, results(out)) == (0, {k: "0" for k in labels}), (out, err)
    status, out, err = run_mode(prog, "mmap_wx", extra=execprot)
    assert (status, results(out)) == (0, {k: "EACCES" for k in labels}), err


def test_execprot_bundle(guest, tmp_path):
    """A program run from a boot bundle (no image, no manifest) gets exec protection from
    `-k execprot`, or from the config's ExecProtection, which `isle run --bundle -c`
    passes as that kernel option."""
    prog = guest("protect")
    cfg = tmp_path / "config.json"
    cfg.write_text('{"ExecProtection": true}\n')
    labels = ("mmap_wx", "mmap_shared_rx", "devzero_rx")
    for extra in (["--bundle", "-k", "execprot"], ["--bundle", "-c", str(cfg)]):
        status, out, err = run_mode(prog, "mmap_wx", extra=extra)
        assert (status, results(out)) == (0, {k: "EACCES" for k in labels}), (extra, err)
    status, out, err = run_mode(prog, "mmap_wx", extra=["--bundle"])
    assert (status, results(out)) == (0, {k: "0" for k in labels}), err


def test_write_self(guest, execprot):
    """Opening the running program for writing (by /proc/self/exe and by its path, with
    O_RDWR and O_TRUNC) and truncating it: Linux ETXTBSY, isle with exec protection
    EACCES; the file is unchanged in both."""
    prog = guest("protect")
    labels = ("open_exe_wronly", "open_self_rdwr", "open_self_trunc", "truncate_self")
    status, out, err = run_native(prog, ["write_self"])
    want = {k: "ETXTBSY" for k in labels} | {"unchanged": "yes"}
    assert (status, results(out)) == (0, want), (out, err)
    status, out, err = run_mode(prog, "write_self", extra=execprot)
    want = {k: "EACCES" for k in labels} | {"unchanged": "yes"}
    assert (status, results(out)) == (0, want), err


def test_map_noexec_file(guest, execprot, tmp_path):
    """A file without an x bit mapped PROT_READ|PROT_EXEC: Linux 0, isle with exec
    protection EACCES; a file with one: 0 in both."""
    prog = guest("protect")
    status, out, err = run_native(prog, ["map_noexec_file", tmp_path / "plain",
                                         tmp_path / "exe"])
    assert (status, results(out)) == (0, {"map_plain_rx": "0", "map_exec_rx": "0"}), (out, err)
    status, out, err = run_mode(prog, "map_noexec_file", extra=execprot,
                                args=["/plain", "/exe"])
    assert (status, results(out)) == (0, {"map_plain_rx": "EACCES", "map_exec_rx": "0"}), err


def native_low_mmap_checked():
    """Linux refuses MAP_FIXED below 64 KiB only when vm.mmap_min_addr >= 65536 and the
    caller lacks CAP_SYS_RAWIO (root has it; many hosts set 4096)."""
    try:
        min_addr = int(open("/proc/sys/vm/mmap_min_addr").read())
        caps = [ln for ln in open("/proc/self/status") if ln.startswith("CapEff:")]
        rawio = bool(int(caps[0].split()[1], 16) & (1 << 17))
    except (OSError, ValueError, IndexError):
        return False
    return min_addr >= 65536 and not rawio


LOW = {"fixed_0": "EPERM", "fixed_0x1000": "EPERM", "fixed_0xf000": "EPERM",
       "hint_0x1000": "above_64k"}


def test_low_mmap(guest, execprot):
    """The first 64 KiB are never mapped: MAP_FIXED at 0, 0x1000, 0xf000 fails with EPERM
    (Linux with mmap_min_addr 65536) and a hint there is moved above 64 KiB, with and
    without exec protection. The native half runs only where Linux enforces the same
    limit on this caller (native_low_mmap_checked); otherwise only the program's native
    run is checked."""
    prog = guest("protect")
    status, out, err = run_native(prog, ["low_mmap"])
    assert status == 0 and set(results(out)) == set(LOW), (out, err)
    if native_low_mmap_checked():
        assert results(out) == LOW, out
    for extra in ([], execprot):
        status, out, err = run_mode(prog, "low_mmap", extra=extra)
        assert (status, results(out)) == (0, LOW), err


def test_go_under_exec_protection(tmp_path):
    """Go does not JIT: its runtime (goroutines, GC, signals for preemption) runs with
    exec protection on exactly as without it."""
    cfg = tmp_path / "config.json"
    cfg.write_text('{"ExecProtection": true}\n')
    status, out, err = run_isle(go_program("goroutines"), mem="256M", extra=["-v", "-c", str(cfg)], timeout=300)
    assert status == 0 and out.rstrip().endswith(b"PASS goroutines"), err
    assert "isle: exec protection on" in err, err
    check_goroutines(out)
