"""ASLR (docs/security.md, "ASLR"): tests/guest/aslr.c (static PIE) prints its stack,
mmap, brk, load and vDSO addresses. One image is built and booted 20 times: every field
must take enough distinct values and lie in its documented range; with NoASLR in the
config, or `-k noaslr`, three boots give the documented fixed addresses.

The distinct-value threshold of each field comes from the entropy in docs/security.md's
table (parsed here, so the test and the table cannot drift apart): for 20 uniform draws
among N values the exact distribution of the number of distinct values is computed, and
the threshold is the highest count whose shortfall probability is below 1e-6. With
these entropies: stack 30 bits and mmap/PIE 28 bits -> all 20 distinct (a collision has
probability 190/2^28 = 7e-7 or less); vDSO 24 bits -> 19; brk 13 bits -> 17 (two
collisions among 20 draws from 8192 happen with probability 2.6e-4, three with 2e-6).
"""

import re
import struct

import pytest

from conftest import REPO, run_isle, run_isle_cli, run_native

RUNS = 20
FALSE_FAILURE = 1e-6
PAGE = 4096
GIB = 1 << 30
TIB = 1 << 40

# The documented layout (docs/security.md, kernel/exec/exec.c).
STACK_TOP_MAX = 0x7EF0_0000_0000
STACK_WINDOW = 16 * GIB
STACK_SIZE = 8 << 20
MMAP_BASE_MAX = 0x7EEB_0000_0000
PIE_BASE_MIN = 0x5555_0000_0000
PIE_BASE_FIXED = 0x5555_5555_4000
BRK_WINDOW = 32 << 20
USER_TOP = 0x7F00_0000_0000
VDSO_FIXED = 0x7EF0_0000_2000

FIELDS = ("stack", "stack_top", "mmap", "brk", "heap", "load", "end", "vdso")


def layout(out):
    text = out.decode(errors="replace") if isinstance(out, bytes) else out
    assert text.rstrip().endswith("PASS aslr"), text
    got = dict(re.findall(r"^(\w+) (0x[0-9a-f]+|0)$", text, re.M))
    assert set(got) == set(FIELDS), text
    return {k: int(v, 16) for k, v in got.items()}


def documented_bits():
    """Entropy per row of docs/security.md's ASLR table, keyed by the row's first cell."""
    text = (REPO / "docs" / "security.md").read_text()
    rows = re.findall(r"^\| ([^|]+?) \| [^|]+ \| (\d+) bits", text, re.M)
    return {name: int(bits) for name, bits in rows}


def distinct_distribution(n, values):
    """P(exactly d distinct values) among n uniform draws from `values`, d = 0..n."""
    p = [1.0] + [0.0] * n
    for _ in range(n):
        q = [0.0] * (n + 1)
        for d, pd in enumerate(p):
            if pd:
                q[d] += pd * d / values
                if d < n:
                    q[d + 1] += pd * (values - d) / values
        p = q
    return p


def threshold(values):
    """The highest k with P(fewer than k distinct among RUNS draws) < FALSE_FAILURE."""
    p = distinct_distribution(RUNS, values)
    k = 0
    while k < RUNS and sum(p[:k + 1]) < FALSE_FAILURE:
        k += 1
    return k


def test_threshold_math():
    assert threshold(2 ** 13) == 17
    assert threshold(2 ** 24) == 19
    assert threshold(2 ** 28) == 20
    # The shortfall probabilities the docstring quotes.
    p = distinct_distribution(RUNS, 2 ** 13)
    assert 1e-6 < sum(p[:18]) < 1e-5 and sum(p[:17]) < 1e-7


@pytest.fixture(scope="module")
def images(tmp_path_factory, guest):
    """The aslr image, and one built with NoASLR: true."""
    prog = guest("aslr", "pie")
    d = tmp_path_factory.mktemp("aslr")
    (d / "noaslr.json").write_text('{"NoASLR": true}\n')
    out = {}
    for name, extra in (("aslr", []), ("noaslr", ["-c", d / "noaslr.json"])):
        img = d / f"{name}.img"
        status, _, err = run_isle_cli(["build", prog, *extra, "-o", img])
        assert status == 0, err
        out[name] = img
    return prog, out


def pie_align(prog):
    """The largest PT_LOAD p_align of the program (the PIE base's alignment)."""
    data = prog.read_bytes()
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    aligns = [struct.unpack_from("<Q", data, phoff + i * phentsize + 48)[0]
              for i in range(phnum)
              if struct.unpack_from("<I", data, phoff + i * phentsize)[0] == 1]
    return max(PAGE, max(aligns))


def test_aslr_spread(images):
    prog, imgs = images
    status, out, err = run_native(prog)  # the program's own checks hold on Linux
    assert status == 0, err
    layout(out)

    align = pie_align(prog)
    bits = documented_bits()
    choices = {
        "stack": 2 ** (bits["stack top"] + bits["initial stack pointer"]),
        "mmap": 2 ** bits["mmap base"],
        "brk": 2 ** bits["brk start"],
        "load": TIB // align,
        "vdso": 2 ** bits["`[vvar]` + `[vdso]` (`AT_SYSINFO_EHDR`)"],
    }
    assert bits["static-PIE load address"] == 28 and TIB // PAGE == 2 ** 28

    runs = []
    for _ in range(RUNS):
        status, out, err = run_isle(imgs["aslr"])
        assert status == 0, err
        runs.append(layout(out))

    for r in runs:
        assert STACK_TOP_MAX - STACK_WINDOW < r["stack_top"] <= STACK_TOP_MAX, r
        assert r["stack_top"] % PAGE == 0, r
        assert r["stack_top"] - STACK_SIZE <= r["stack"] < r["stack_top"], r
        assert STACK_TOP_MAX - STACK_WINDOW - PAGE < r["stack"], r
        # The first mmap lies just below the mmap base, which is within 1 TiB below
        # MMAP_BASE_MAX (the program maps nothing before it).
        assert MMAP_BASE_MAX - TIB - PAGE <= r["mmap"] < MMAP_BASE_MAX, r
        assert r["mmap"] % PAGE == 0, r
        assert PIE_BASE_MIN <= r["load"] < PIE_BASE_MIN + TIB, r
        assert r["load"] % align == 0, r
        end = (r["end"] + PAGE - 1) & ~(PAGE - 1)
        assert end <= r["heap"] < end + BRK_WINDOW and r["heap"] % PAGE == 0, r
        assert r["heap"] <= r["brk"], r
        assert STACK_TOP_MAX + 2 * PAGE <= r["vdso"] < USER_TOP and r["vdso"] % PAGE == 0, r

    # The brk start's own entropy is its offset from the (randomised) end of the program;
    # the absolute break varies with the PIE base too, so it is no test of the offset.
    for r in runs:
        r["brk_offset"] = r["heap"] - ((r["end"] + PAGE - 1) & ~(PAGE - 1))
    choices["brk_offset"] = choices["brk"]
    for field, n in choices.items():
        values = {r[field] for r in runs}
        need = threshold(n)
        assert need >= 17, (field, n, need)
        assert len(values) >= need, (field, sorted(hex(v) for v in values))


@pytest.mark.parametrize("how", ["config", "kernel-option"])
def test_noaslr_fixed(images, how):
    prog, imgs = images
    img, extra = (imgs["noaslr"], []) if how == "config" else (imgs["aslr"], ["-k", "noaslr"])
    runs = []
    for _ in range(3):
        status, out, err = run_isle(img, extra=extra)
        assert status == 0, err
        runs.append(layout(out))
    assert runs[0] == runs[1] == runs[2], runs
    r = runs[0]
    align = pie_align(prog)
    end = (r["end"] + PAGE - 1) & ~(PAGE - 1)
    assert r["stack_top"] == STACK_TOP_MAX, hex(r["stack_top"])
    assert r["mmap"] == MMAP_BASE_MAX - PAGE, hex(r["mmap"])
    assert r["load"] == (PIE_BASE_FIXED + align - 1) & ~(align - 1), hex(r["load"])
    assert r["heap"] == end, (hex(r["heap"]), hex(end))
    assert r["vdso"] == VDSO_FIXED, hex(r["vdso"])
