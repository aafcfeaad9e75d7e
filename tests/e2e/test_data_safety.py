"""Data safety of the ext2 root.

- Power cut: fsync_then_wait.c writes a 1 MiB file, fsyncs it, its directory and the
  directory's parent, writes a second file it never fsyncs, prints "synced" and sleeps.
  The test then SIGKILLs the QEMU process (found as the child of `isle run` in /proc, and
  killed by its PID), so nothing after the fsync is written back. e2fsck -fy may repair
  the image (exit 0 or 1), the fsync'd file must then read back byte for byte with debugfs,
  and a second e2fsck -fn must find the image clean. Natively the program is killed the
  same way (SIGKILL after "synced") and its file checked the same way.
- Orderly exit: fstree.c builds a tree with every name-space operation (mkdir, rename of
  files and directories, unlink, rmdir, truncate down and up, holes, symlinks, a hard link,
  chmod) and exits 0 without any fsync. e2fsck -fn must be clean right after; the tree
  dumped with debugfs must equal the tree the same program made natively; a second boot
  finds everything again ("verified", the same listing as natively).

Every wait is bounded; QEMU is always killed by PID on the way out.
"""

import os
import select
import signal
import stat
import subprocess
import time

import pytest

from conftest import (BOOT_TIMEOUT, DEFAULT_MACHINES, ISLE, NATIVE_TIMEOUT, build_image, guest_binary,
                      require_isle, run_cmd, run_native)

SYNCED_SIZE = (1 << 20) + 123  # fsync_then_wait.c's default size


def synced_pattern(size=SYNCED_SIZE):
    """What fsync_then_wait.c writes: byte i is (i * 7 + (i >> 12) * 13 + 1) & 0xff."""
    return bytes((i * 7 + (i >> 12) * 13 + 1) & 0xFF for i in range(size))


def e2fsck(img, *flags):
    r = subprocess.run(["e2fsck", *flags, str(img)], capture_output=True, text=True,
                       timeout=120)
    return r.returncode, r.stdout + r.stderr


def fsck_clean(img):
    code, text = e2fsck(img, "-fn")
    assert code == 0, text


def debugfs(img, request):
    r = subprocess.run(["debugfs", "-R", request, str(img)], capture_output=True,
                       timeout=120)
    return r.stdout, r.stderr.decode(errors="replace")


def children_of(pid):
    """PIDs and names of the processes whose parent is pid, from /proc/*/stat."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                text = f.read().decode(errors="replace")
        except OSError:
            continue  # gone meanwhile
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        head, _, rest = text.rpartition(")")
        fields = rest.split()
        if len(fields) >= 2 and int(fields[1]) == pid:
            found.append((int(entry), head.partition("(")[2]))
    return found


def find_qemu(isle_pid, timeout=30):
    """The qemu-system child of `isle run`, waited for at most timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for pid, comm in children_of(isle_pid):
            if comm.startswith("qemu-system"):
                return pid
        time.sleep(0.05)
    return None


def kill_pid(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class Started:
    """A process started with its stdout on a pipe (read here, bounded) and its stderr in
    a file (so it can never block on a full pipe)."""

    def __init__(self, cmd, errpath):
        self.errfile = open(errpath, "w+b")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self.errfile, start_new_session=True)
        self.out = b""

    def stderr(self):
        self.errfile.seek(0)
        return self.errfile.read().decode(errors="replace")

    def wait_for(self, line, timeout):
        """Read stdout until `line` is a complete line of it, EOF, or timeout. True if seen."""
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while line not in self.out.split(b"\n")[:-1]:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            ready, _, _ = select.select([fd], [], [], min(left, 1.0))
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    return False
                self.out += chunk
        return True

    def finish(self, timeout):
        """Wait for the process to end (bounded); returns its status as a shell reports
        it, or None on timeout (the process group is then killed)."""
        try:
            rest, _ = self.proc.communicate(timeout=timeout)
            self.out += rest or b""
        except subprocess.TimeoutExpired:
            self.kill_group()
            self.proc.communicate(timeout=30)
            return None
        rc = self.proc.returncode
        return 128 - rc if rc < 0 else rc

    def kill_group(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_fsync_survives_kill_native(tmp_path):
    """The program is right: killed natively after "synced", its file is complete."""
    prog = guest_binary("fsync_then_wait")
    status, out, err = run_native(prog, [tmp_path / "quick", "0"])
    assert (status, out) == (0, b"synced\nPASS fsync_then_wait\n"), err
    run = Started([str(prog), str(tmp_path / "data"), "60"], tmp_path / "native.err")
    try:
        assert run.wait_for(b"synced", NATIVE_TIMEOUT), run.stderr()
        kill_pid(run.proc.pid)
        assert run.finish(NATIVE_TIMEOUT) == 128 + signal.SIGKILL
    finally:
        run.kill_group()
    assert (tmp_path / "data" / "synced.bin").read_bytes() == synced_pattern()


@pytest.mark.parametrize("machine", DEFAULT_MACHINES)
def test_fsync_survives_qemu_kill(tmp_path, machine):
    require_isle()
    prog = guest_binary("fsync_then_wait")
    img = build_image(tmp_path, prog, {"Args": ["/data", "60"], "BaseVolumeSz": "16m"})
    cmd = [str(ISLE), "run", "--accel", "tcg", "--machine", machine, str(img)]
    run = Started(cmd, tmp_path / "isle.err")
    qemu = None
    try:
        seen = run.wait_for(b"synced", BOOT_TIMEOUT)
        qemu = find_qemu(run.proc.pid, 30 if seen else 2)
        assert seen, f"no 'synced' line: stdout {run.out!r}\nstderr:\n{run.stderr()}"
        assert qemu is not None, f"no qemu-system child of isle ({run.proc.pid})"
        kill_pid(qemu)
        status = run.finish(60)
    finally:
        if qemu is not None:
            kill_pid(qemu)
        run.kill_group()
    err = run.stderr()
    assert status is not None, f"isle did not exit after its QEMU was killed\n{err}"
    assert status not in (0, 125), f"status {status}\n{err}"
    assert "kernel panic" not in err.lower(), err
    assert run.out == b"synced\n", run.out

    code, text = e2fsck(img, "-fy")
    assert code in (0, 1), f"e2fsck -fy: exit {code}\n{text}"
    data, derr = debugfs(img, "cat /data/synced.bin")
    assert len(data) == SYNCED_SIZE, f"{len(data)} bytes read back\n{derr}\n{text}"
    assert data == synced_pattern(), "the fsync'd file differs after the kill"
    fsck_clean(img)


def tree_of(root):
    """{relative path: (kind, mode bits, size, content or symlink target)} of every
    entry under root, without following symlinks."""
    tree = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            st = os.lstat(path)
            mode = stat.S_IMODE(st.st_mode)
            if stat.S_ISDIR(st.st_mode):
                tree[rel] = ("dir", mode, None, None)
            elif stat.S_ISLNK(st.st_mode):
                tree[rel] = ("symlink", None, st.st_size, os.readlink(path))
            else:
                assert stat.S_ISREG(st.st_mode), path
                with open(path, "rb") as f:
                    tree[rel] = ("file", mode, st.st_size, f.read())
    return tree


def first_difference(a, b):
    for key in sorted(set(a) | set(b)):
        if a.get(key) != b.get(key):
            def brief(v):
                if v is None:
                    return "missing"
                return repr(v if v[0] != "file" else v[:3] + (f"{len(v[3])} bytes",))
            return f"{key}: native {brief(a.get(key))}, image {brief(b.get(key))}"
    return None


@pytest.mark.parametrize("machine", DEFAULT_MACHINES)
def test_tree_survives_orderly_exit(tmp_path, machine):
    require_isle()
    prog = guest_binary("fstree")
    native_root = tmp_path / "native" / "tree"
    native_root.parent.mkdir()
    status, wrote, err = run_native(prog, [native_root])
    assert status == 0 and wrote.startswith(b"wrote\n"), err
    status, verified, err = run_native(prog, [native_root])
    assert status == 0 and verified.startswith(b"verified\n"), err
    assert wrote.split(b"\n", 1)[1] == verified.split(b"\n", 1)[1]

    img = build_image(tmp_path, prog, {"Args": ["/tree"], "BaseVolumeSz": "64m"})
    cmd = [str(ISLE), "run", "--accel", "tcg", "--machine", machine, str(img)]
    status, out, err = run_cmd(cmd, timeout=BOOT_TIMEOUT)
    assert (status, out) == (0, wrote), err
    fsck_clean(img)

    dump = tmp_path / "dump"
    dump.mkdir()
    _, derr = debugfs(img, f"rdump /tree {dump}")
    diff = first_difference(tree_of(native_root), tree_of(dump / "tree"))
    assert diff is None, f"{diff}\n{derr}"

    status, out, err = run_cmd(cmd, timeout=BOOT_TIMEOUT)
    assert (status, out) == (0, verified), err
    fsck_clean(img)


@pytest.mark.parametrize("machine", DEFAULT_MACHINES)
def test_periodic_writeback_without_fsync(tmp_path, machine):
    """Data written without fsync or close is on disk within the kernel's 5 s write-back
    delay: the program sleeps 8 s of guest time after writing, then the VM is killed."""
    require_isle()
    prog = guest_binary("writeback")
    d = tmp_path / "native"
    status, out, _ = run_native(prog, [d, "0"])
    assert (status, out) == (0, b"written\nslept\nPASS writeback\n")
    assert (d / "wb.txt").read_bytes() == b"written back without fsync\n"

    img = build_image(tmp_path, prog, {"Args": ["/data", "60"], "BaseVolumeSz": "16m"})
    cmd = [str(ISLE), "run", "--accel", "tcg", "--machine", machine, str(img)]
    run = Started(cmd, tmp_path / "isle.err")
    qemu = None
    try:
        seen = run.wait_for(b"slept", BOOT_TIMEOUT)
        qemu = find_qemu(run.proc.pid, 30 if seen else 2)
        assert seen, f"no 'slept' line: stdout {run.out!r}\nstderr:\n{run.stderr()}"
        assert qemu is not None, f"no qemu-system child of isle ({run.proc.pid})"
        kill_pid(qemu)
        status = run.finish(60)
    finally:
        if qemu is not None:
            kill_pid(qemu)
        run.kill_group()
    assert status not in (None, 0, 125), run.stderr()
    code, text = e2fsck(img, "-fy")
    assert code in (0, 1), f"e2fsck -fy: exit {code}\n{text}"
    data, derr = debugfs(img, "cat /data/wb.txt")
    assert data == b"written back without fsync\n", f"{data!r}\n{derr}"
