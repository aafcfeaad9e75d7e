"""linuxguest.py: the benchmarks' Linux guest: Debian's cloud kernel (the package fetched
with `apt-get download` into build/bench/linux and unpacked there with `dpkg-deb -x`, never
installed) and an initramfs (cpio newc, written here) holding bench/guest/init.c as /init,
the virtio modules it loads, and the program under test with its files. Booted by the same
QEMU as isle (microvm, TCG, same -m and -smp, virtio-mmio devices, user networking with
restrict=on and 127.0.0.1 forwards only)."""

import functools
import glob
import os
import shlex
import stat
import subprocess
from pathlib import Path

from benchlib import HOST_TIMEOUT, OUT, REPO, BenchError, run

LINUX = OUT / "linux"
PACKAGE = "linux-image-cloud-amd64"
# Load order (each after what it needs); the microvm's devices are virtio-mmio.
MODULES = ("drivers/virtio/virtio.ko", "drivers/virtio/virtio_ring.ko",
           "drivers/virtio/virtio_mmio.ko", "net/core/failover.ko",
           "drivers/net/net_failover.ko", "drivers/net/virtio_net.ko")


def kernel_tree():
    """The unpacked package root (build/bench/linux/root), fetched once; BenchError if apt
    cannot get it."""
    root = LINUX / "root"
    if glob.glob(str(root / "boot" / "vmlinuz-*")):
        return root
    LINUX.mkdir(parents=True, exist_ok=True)
    deps = run(["apt-cache", "depends", PACKAGE], HOST_TIMEOUT).stdout.split()
    versioned = [d for d in deps if d.startswith("linux-image-") and d != PACKAGE]
    if not versioned:
        raise BenchError(f"apt-cache depends {PACKAGE}: no linux-image package named")
    if not glob.glob(str(LINUX / "*.deb")):
        run(["apt-get", "download", versioned[0]], HOST_TIMEOUT, cwd=LINUX)
    deb = sorted(glob.glob(str(LINUX / "*.deb")))[-1]
    run(["dpkg-deb", "-x", deb, root], HOST_TIMEOUT)
    return root


def vmlinuz():
    return Path(sorted(glob.glob(str(kernel_tree() / "boot" / "vmlinuz-*")))[-1])


def _modules_dir():
    return Path(sorted(glob.glob(str(kernel_tree() / "lib" / "modules" / "*")))[-1]) / "kernel"


class _Cpio:
    """A cpio archive in the "newc" format (ASCII hex headers, 4-byte alignment)."""

    def __init__(self):
        self.data = bytearray()
        self.ino = 1

    def add(self, name, mode, body=b"", rdev=(0, 0)):
        name_b = name.encode() + b"\0"
        fields = (self.ino, mode, 0, 0, 1, 0, len(body), 0, 0, rdev[0], rdev[1],
                  len(name_b), 0)
        self.ino += 1
        self.data += b"070701" + b"".join(b"%08X" % f for f in fields) + name_b
        self.data += b"\0" * (-len(self.data) % 4) + body
        self.data += b"\0" * (-len(self.data) % 4)

    def dir(self, name):
        self.add(name, stat.S_IFDIR | 0o755)

    def file(self, name, path, mode=0o755):
        self.add(name, stat.S_IFREG | mode, Path(path).read_bytes())

    def finish(self):
        self.add("TRAILER!!!", 0)
        return bytes(self.data)


@functools.lru_cache(maxsize=None)
def initramfs(name, program, tree=None):
    """build/bench/linux/NAME.cpio: /init, the modules, the static PROGRAM as /NAME and,
    when tree is a directory, its content under /<tree's name> (as isle's Dirs). Built once
    per run of the benchmarks (cached), so a timed launch does not include it."""
    init = OUT / "linux-init"
    run(["gcc", "-static", "-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror", "-o", init,
         REPO / "bench" / "guest" / "init.c"], HOST_TIMEOUT)
    c = _Cpio()
    for d in ("dev", "proc", "modules"):
        c.dir(d)
    c.add("dev/console", stat.S_IFCHR | 0o600, rdev=(5, 1))
    c.file("init", init)
    mods = _modules_dir()
    order = []
    for i, m in enumerate(MODULES):
        target = f"modules/{i}.ko"
        c.file(target, mods / m, 0o644)
        order.append("/" + target)
    c.add("modules.order", stat.S_IFREG | 0o644, ("\n".join(order) + "\n").encode())
    c.file(name, program)
    if tree:
        tree = Path(tree)
        for dirpath, dirnames, filenames in os.walk(tree):
            rel = Path(tree.name) / Path(dirpath).relative_to(tree)
            c.dir(str(rel))
            for f in sorted(filenames):
                c.file(str(rel / f), Path(dirpath) / f, 0o644)
    out = LINUX / f"{name}.cpio"
    out.write_bytes(c.finish())
    return out


def host_tsc_khz():
    """The host's TSC frequency in kHz ("cpu MHz" of /proc/cpuinfo; the CPUs here have
    constant_tsc), or None. Under TCG the guest's TSC is the host's, and Linux's own
    calibration against the PIT fails often on a loaded host (the guest then hangs without
    a clock source: microvm has no HPET or ACPI PM timer), so it is given this value."""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("cpu MHz"):
                return int(float(line.split(":")[1]) * 1000)
    except (OSError, ValueError):
        pass
    return None


def qemu_command(name, cpio, mem="128M", smp=1, forwards=(), args=(), tap=None):
    """The QEMU command that boots the Linux guest running /NAME ARGS; forwards are
    (host_port, guest_port) TCP pairs on 127.0.0.1; tap names an existing tap device to
    use instead (the guest is 10.0.2.15/24 either way). No NIC without either."""
    khz = host_tsc_khz()
    clock = f"tsc_early_khz={khz} tsc=reliable " if khz else ""
    cmd = ["qemu-system-x86_64", "-nodefaults", "-no-user-config", "-display", "none",
           "-no-reboot", "-M", "microvm,rtc=on", "-accel", "tcg", "-cpu", "max",
           "-m", str(mem), "-smp", str(smp), "-kernel", str(vmlinuz()), "-initrd", str(cpio),
           "-append", f"console=ttyS0 quiet panic=-1 {clock}-- " + " ".join(
               shlex.quote(a) for a in [f"/{name}", *map(str, args)]),
           "-global", "virtio-mmio.force-legacy=false", "-serial", "stdio"]
    if tap:
        cmd += ["-netdev", f"tap,id=net0,ifname={tap},script=no,downscript=no",
                "-device", "virtio-net-device,netdev=net0"]
    elif forwards:
        fwd = ",".join(f"hostfwd=tcp:127.0.0.1:{h}-:{g}" for h, g in forwards)
        cmd += ["-netdev", f"user,id=net0,restrict=on,{fwd}",
                "-device", "virtio-net-device,netdev=net0"]
    return cmd


if __name__ == "__main__":  # smoke test: hello in the Linux guest
    hello = OUT / "hello"
    run(["gcc", "-static", "-O2", "-o", hello, REPO / "examples" / "hello" / "hello.c"],
        HOST_TIMEOUT)
    print(subprocess.run(qemu_command("hello", initramfs("hello", hello)), text=True,
                         capture_output=True, timeout=300).stdout)
