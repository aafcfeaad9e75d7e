"""Size benchmark (figure 2 of `make bench`): the isle kernel (bytes on disk; bytes loaded,
the sum of its PT_LOAD segments' memory sizes), the hello and Go server images made by
`isle build` (file size and blocks allocated: images are sparse), next to the programs
themselves (native) and the Linux guest: Debian's vmlinuz and the initramfs holding /init,
the virtio modules and the same program. Sizes do not vary between runs: measured once.

Run through `make bench` (bench/run.py) or alone: /usr/bin/python3 bench/sizes.py"""

import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import linuxguest  # noqa: E402
from benchlib import (BUILD, GO_EXAMPLE, HOST_TIMEOUT, ISLE, OUT, REPO,  # noqa: E402
                      BenchError, compile_c, go_server, run, table)
from benchlib import bench_main  # noqa: E402
from targets import linux_available  # noqa: E402


def loaded_bytes(elf):
    """Sum of p_memsz over the PT_LOAD program headers of a 64-bit little-endian ELF."""
    data = Path(elf).read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2:
        raise BenchError(f"{elf}: not a 64-bit ELF")
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    total = 0
    for i in range(phnum):
        p_type, = struct.unpack_from("<I", data, phoff + i * phentsize)
        if p_type == 1:
            total += struct.unpack_from("<Q", data, phoff + i * phentsize + 0x28)[0]
    return total


def kib(n):
    return f"{n / 1024:,.0f} KiB"


def on_disk(path):
    st = Path(path).stat()
    return f"{kib(st.st_size)} ({kib(st.st_blocks * 512)} allocated)"


def main():
    return bench_main("sizes", measure)


def measure():
    kernel = BUILD / "kernel.elf"
    hello = compile_c(REPO / "examples" / "hello" / "hello.c", "hello")
    server = go_server()
    hello_img, go_img = OUT / "hello.img", OUT / "go-static-server.img"
    run([ISLE, "build", hello, "-o", hello_img], HOST_TIMEOUT)
    run([ISLE, "build", server, "-c", GO_EXAMPLE / "config.json", "-o", go_img], HOST_TIMEOUT)
    no_linux = linux_available()
    if no_linux:
        lk = lh = lg = no_linux
    else:
        lk = kib(linuxguest.vmlinuz().stat().st_size) + " (vmlinuz, compressed)"
        lh = kib(linuxguest.initramfs("hello", str(hello)).stat().st_size) + " (initramfs)"
        lg = kib(linuxguest.initramfs("go-static-server", str(server),
                                      GO_EXAMPLE / "static").stat().st_size) + " (initramfs)"
    rows = [["kernel on disk", "-", kib(kernel.stat().st_size), lk],
            ["kernel in memory (PT_LOAD, with bss)", "-", kib(loaded_bytes(kernel)), "-"],
            ["hello", kib(hello.stat().st_size) + " (static ELF)", on_disk(hello_img), lh],
            ["Go server", kib(server.stat().st_size) + " (static ELF)", on_disk(go_img), lg]]
    table("Sizes", ["item", "native program", "isle", "Linux guest"], rows,
          ["isle images are `isle build` ext2 disk images (sparse files); the Linux guest's "
           "initramfs (uncompressed cpio) holds /init, 6 virtio modules and the program."])
    return 0


if __name__ == "__main__":
    sys.exit(main())
