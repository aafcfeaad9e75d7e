"""C guest programs on POSIX threads (static glibc and musl), natively first and then in
isle with 1 and 2 vCPUs: threads.c (create/join, mutex contention, condition variables,
barriers, TLS, detached threads, pthread_exit, thread ids), futex.c (the raw futex
operations, timeouts, errors, robust lists) and thread_signals.c (pthread_kill/tgkill to
a given thread on its alternate stack, process-directed signals, SA_RESTART and EINTR of
a blocking pipe read). Each ends with "PASS NAME"."""

import pytest

from conftest import assert_pass, run_isle, run_native

PROGRAMS = ["threads", "futex", "thread_signals"]
SMP = [1, 2]
THREADS_TIMEOUT = 180  # one program under TCG on a loaded 2-core host (natively: 0.2 s)


@pytest.mark.parametrize("smp", SMP)
@pytest.mark.parametrize("variant", ["glibc", "musl"])
@pytest.mark.parametrize("name", PROGRAMS)
def test_threads(guest, name, variant, smp, accel):
    prog = guest(name, variant)
    assert_pass(*run_native(prog), name)
    extra = [] if smp == 1 else ["--smp", str(smp)]
    status, out, err = run_isle(prog, accel=accel, extra=extra, timeout=THREADS_TIMEOUT)
    assert_pass(status, out, err, name)
