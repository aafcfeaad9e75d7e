"""The syscall debugging options: --trace=SET shows only the selected calls (as strace
-e trace=SET does natively), --syscall-summary prints strace -c's table with the same
counts strace -c finds natively, --missing-files lists exactly the absolute paths strace
shows failing natively, and bad sets are CLI errors (exit 2) or a kernel log line."""

import re
import shutil
import subprocess

import pytest

from conftest import NATIVE_TIMEOUT, run_isle, run_isle_cli, run_native, status_of

# A trace line: a name, the arguments, " = result" (strace pads before '=' natively).
TRACE_LINE = re.compile(r"^(?:\d+\s+|\[pid\s+\d+\]\s+)?([a-z_][a-z0-9_]*)\(.*\)\s+= ")


def strace_bin():
    s = shutil.which("strace")
    if s is None:
        pytest.fail("strace is missing: run scripts/deps.sh")
    return s


def traced_names(text):
    """The syscall names of the trace lines in text, as a set."""
    return {m.group(1) for m in map(TRACE_LINE.match, text.splitlines()) if m}


def native_trace(prog, args, tmp_path, *filters):
    """Run prog under strace with the filter options; returns (status, the log text)."""
    log = tmp_path / "strace.txt"
    cmd = [strace_bin(), "-f", "-qq", "-o", str(log)] + list(filters) + [str(prog)]
    r = subprocess.run(cmd + [str(a) for a in args], capture_output=True,
                       timeout=NATIVE_TIMEOUT)
    return status_of(r.returncode), log.read_text()


def test_trace_only_write(guest, tmp_path):
    prog = guest("tracee")
    status, native = native_trace(prog, [], tmp_path, "-e", "trace=write")
    assert status == 7
    assert traced_names(native) == {"write"}, native
    status, out, err = run_isle(prog, extra=["--trace=write"])
    assert status == 7, err
    assert traced_names(err) == {"write"}, err
    assert len([ln for ln in err.splitlines() if TRACE_LINE.match(ln)]) == 4, err


def test_trace_negated(guest, tmp_path):
    """'!write' traces everything but write: exit_group and the C library's start-up."""
    prog = guest("tracee")
    status, native = native_trace(prog, [], tmp_path, "-e", "trace=!write")
    assert status == 7
    status, out, err = run_isle(prog, extra=["--trace=!write"])
    assert status == 7, err
    names = traced_names(err)
    assert "write" not in names and "write" in traced_names(run_isle(
        prog, extra=["--trace"])[2]), err
    assert "exit_group" in err and "exit_group" in native, err
    # The start-up calls isle traces are ones Linux shows too (execve is Linux's own).
    assert names and names <= traced_names(native) | {"exit_group"}, (names, native)


def test_trace_file_class(guest, tmp_path):
    """%file: the same call names as strace natively, less the execve that started it."""
    prog = guest("sysstats")
    d = tmp_path / "d"
    status, native = native_trace(prog, ["missing", d], tmp_path, "-e", "trace=%file")
    assert status == 0, native
    want = traced_names(native) - {"execve"}
    assert {"openat", "mkdir", "chdir"} <= want, native
    status, out, err = run_isle(prog, ["missing", "/sysstats-d"], extra=["--trace=%file"])
    assert status == 0, err
    assert traced_names(err) == want, err


@pytest.mark.parametrize("spec,message", [
    ("bogus", "unknown syscall 'bogus' in --trace"),
    ("opnat", "unknown syscall 'opnat' in --trace (did you mean 'openat'?)"),
    ("write,%fil", "unknown syscall class '%fil' in --trace"),
    ("write,,read", "empty name in --trace"),
])
def test_trace_bad_set(guest, spec, message):
    status, out, err = run_isle_cli(["run", "--dry-run", f"--trace={spec}",
                                     guest("tracee")])
    assert status == 2, err
    assert message in err, err


def test_kernel_rejects_bad_trace_value(guest):
    """The kernel takes trace=HEX whole or not at all, and says so."""
    status, out, err = run_isle(guest("tracee"), extra=["-k", "trace=12x4"])
    assert status == 7, err
    assert "kernel option trace=12x4: expected at most" in err, err
    assert not traced_names(err), err


def summary_rows(text):
    """{name: (calls, errors)} from an strace -c table (isle's or strace's own)."""
    rows = {}
    for line in text.splitlines():
        m = re.match(r"^\s*\d+\.\d\d\s+\d+\.\d{6}\s+\d+\s+(\d+)\s+(?:(\d+)\s+)?(\S+)$", line)
        if m:
            rows[m.group(3)] = (int(m.group(1)), int(m.group(2) or 0))
    return rows


def test_syscall_summary(guest, tmp_path):
    prog = guest("sysstats")
    log = tmp_path / "c.txt"
    r = subprocess.run([strace_bin(), "-c", "-f", "-o", str(log), str(prog), "summary"],
                       capture_output=True, timeout=NATIVE_TIMEOUT)
    assert r.returncode == 0, r.stderr
    native = summary_rows(log.read_text())
    want = {"getppid": (100, 0), "openat": (7, 7), "write": (3, 0)}
    assert {k: native.get(k) for k in want} == want, log.read_text()

    status, out, err = run_isle(prog, ["summary"], extra=["--syscall-summary"])
    assert status == 0, err
    assert out == b"w\nw\nw\n", err
    lines = err.splitlines()
    head = lines.index("% time     seconds  usecs/call     calls    errors syscall")
    rule = "------ ----------- ----------- --------- --------- ----------------"
    assert lines[head + 1] == rule, err
    end = lines.index(rule, head + 2)
    rows = summary_rows("\n".join(lines[head + 2:end]))
    assert {k: rows.get(k) for k in want} == want, err
    total = summary_rows(lines[end + 1])["total"]
    assert total == (sum(c for c, _ in rows.values()), sum(e for _, e in rows.values())), err
    assert lines[end + 1].startswith("100.00 "), err
    # Sorted by time, most first.
    secs = [float(ln.split()[1]) for ln in lines[head + 2:end]]
    assert secs == sorted(secs, reverse=True), err


def test_no_summary_without_the_option(guest):
    status, out, err = run_isle(guest("sysstats"), ["summary"])
    assert status == 0, err
    assert "usecs/call" not in err and "missing file" not in err, err


MISSING = re.compile(r"^isle: missing file: (\S+) \((\w+), (\d+) times?\)$")


def test_missing_files(guest, tmp_path):
    prog = guest("sysstats")
    d = tmp_path / "d"
    status, native = native_trace(prog, ["missing", d], tmp_path, "-e", "trace=%file",
                                  "-e", "status=failed")
    assert status == 0, native
    # Linux sees the three paths as the program wrote them (two of them relative).
    assert re.findall(r'"([^"]*missing[^"]*)"', native) == [
        f"{d}/missing-a", f"{d}/missing-a", "missing-b", "nested/missing-c"], native

    status, out, err = run_isle(prog, ["missing", "/sysstats-d"], extra=["--missing-files"])
    assert status == 0, err
    found = [m.groups() for m in map(MISSING.match, err.splitlines()) if m]
    assert found == [
        ("/sysstats-d/missing-a", "openat", "2"),
        ("/sysstats-d/sub/missing-b", "openat", "1"),
        ("/sysstats-d/nested/missing-c", "openat", "1"),
    ], err
    assert "isle: missing files: 3 paths the program looked up and did not find" in err, err
    assert "Files or Dirs in config.json" in err, err


def test_reports_after_a_fatal_signal(guest):
    """A program killed by SIGSEGV still gets its summary and missing-files list."""
    status, out, err = run_isle(guest("nullderef"),
                                extra=["--syscall-summary", "--missing-files"])
    assert status == 139, err
    assert "% time     seconds  usecs/call     calls    errors syscall" in err, err
    assert re.search(r"^100\.00 .* total$", err, re.M), err
    assert "isle: missing files: 0 paths the program looked up and did not find" in err, err
