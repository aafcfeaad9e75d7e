"""Memory: mmap/munmap/mremap/mprotect/brk churn with content checks; a 1 GiB mapping in a
32 MiB guest (populated lazily); a 64 TiB reservation touched at both ends walked, moved and
unmapped at the cost of what is mapped; running out of memory ends with 137 and a message."""

from conftest import assert_pass, run_isle, run_native


def test_mmap_churn(guest, machine, accel):
    prog = guest("mmap_churn")
    assert_pass(*run_native(prog), "mmap_churn")
    assert_pass(*run_isle(prog, machine=machine, accel=accel), "mmap_churn")


def test_big_mmap_in_small_guest(guest, machine, accel):
    prog = guest("bigmmap")
    assert_pass(*run_native(prog, ["1024"]), "bigmmap")
    assert_pass(*run_isle(prog, ["1024"], machine=machine, accel=accel, mem="32M"),
                "bigmmap")


def test_sparse_huge_mapping(guest, accel):
    """Found by sysfuzz: page walks went page by page over a mapping's touched range, so a
    huge mapping touched at two far-apart places made getrusage, /proc/self/status,
    mprotect, mremap and munmap take hours (a hang: the run's timeout ends it)."""
    prog = guest("sparsemap")
    assert_pass(*run_native(prog), "sparsemap")
    assert_pass(*run_isle(prog, accel=accel), "sparsemap")


def test_out_of_memory(guest, machine, accel):
    prog = guest("oom")
    # Natively only a size that fits: it proves the program touches every page and
    # finishes. (Exhausting the host's memory would test the host, not isle.)
    status, out, err = run_native(prog, ["16"])
    assert status == 0, err
    assert out.endswith(b"touched all 16 MiB\n")

    status, out, err = run_isle(prog, ["1024"], machine=machine, accel=accel, mem="32M")
    assert status == 137, f"status {status}\n{err}"
    assert b"oom: touching 1024 MiB\n" in out
    assert b"touched all" not in out
    assert "out of memory" in err.lower(), err
