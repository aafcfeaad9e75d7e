/* syscall.h: the system-call layer. One table indexed by the Linux x86-64 number; handlers
 * take the six raw arguments and return a value or a negative errno. */
#ifndef ISLE_SYSCALL_SYSCALL_H
#define ISLE_SYSCALL_SYSCALL_H

#include "arch/x86_64/arch.h"
#include "sched/task.h"
#include "syscall/names.h"

/* Called by the arch entry for every syscall: dispatches tf->rax with rdi rsi rdx r10 r8
 * r9, stores the result in tf->rax, traces when the trace option is on. */
void syscall_dispatch(struct trap_frame *tf);

/* The trap frame of the syscall being handled (for arch_prctl, clone, rt_sigreturn): the
 * current thread's user frame. */
#define syscall_current_frame (task_user_frame(current))

#endif
