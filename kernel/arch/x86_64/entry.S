/* entry.S: every way into the kernel after boot: exception and interrupt stubs (one per
 * vector, all funnelling into trap_entry_common), the syscall instruction, and the one way
 * back to user mode (trap_return). Both build a struct trap_frame (arch.h) on the kernel
 * stack. GS: while in the kernel GS_BASE points at this CPU's struct percpu; swapgs on
 * every transition from/to user mode. Also the user-memory copy with its fault fixup. */

#define TRAP_SYSCALL 0x100
#define USER_CS 0x23
#define USER_DS 0x1b
#define PERCPU_KSTACK 8
#define PERCPU_USER_RSP 16
#define TRAP_FRAME_SIZE (22 * 8) /* sizeof(struct trap_frame) */
#define FRAME_RIP (17 * 8)          /* offsetof(struct trap_frame, rip) */
#define FRAME_CS (18 * 8)
#define FRAME_RFLAGS (19 * 8)
#define FRAME_R11 (4 * 8)
#define FRAME_RCX (12 * 8)
#define FRAME_SS (21 * 8)
#define USER_TOP_CONST 0x7f0000000000

	.section .text.entry, "ax"

/* Save general registers in trap_frame order (r15 lowest). */
.macro SAVE_REGS
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
.endm

.macro RESTORE_REGS
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
.endm

/* Vectors whose hardware frame carries an error code: 8 10 11 12 13 14 17 21 29 30. */
.macro VECTOR n
	.balign 16
vector_\n:
	.if (\n == 8) || (\n == 10) || (\n == 11) || (\n == 12) || (\n == 13) || (\n == 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
	.else
	pushq $0
	.endif
	pushq $\n
	jmp trap_entry_common
.endm

	.altmacro
.macro VECTOR_N n
	VECTOR %n
.endm
	.set i, 0
	.rept 256
	VECTOR_N %i
	.set i, i + 1
	.endr

/* Table of the stubs' addresses for the IDT (data: it carries relocations). */
	.section .data
	.balign 8
	.globl trap_vectors
trap_vectors:
.macro VADDR n
	.quad vector_\n
.endm
	.set i, 0
	.rept 256
	VADDR %i
	.set i, i + 1
	.endr
	.noaltmacro

	.section .text.entry, "ax"
trap_entry_common:
	/* Stack: vector, error, rip, cs, rflags, rsp, ss. From user mode: swapgs. */
	testb $3, 24(%rsp)
	jz 1f
	swapgs
1:	SAVE_REGS
	cld
	movq %rsp, %rdi
	xorl %ebp, %ebp
	call trap_handle
	/* fall through */
	.globl trap_return
trap_return:
	/* %rsp = trap_frame. */
	cli
	RESTORE_REGS
	addq $16, %rsp                       /* vector, error */
	testb $3, 8(%rsp)
	jz 2f
	swapgs
2:	iretq

/* syscall: rcx = user rip, r11 = user rflags, IF/TF/DF/AC masked by SFMASK. */
	.globl syscall_entry
syscall_entry:
	swapgs
	movq %rsp, %gs:PERCPU_USER_RSP
	movq %gs:PERCPU_KSTACK, %rsp
	pushq $USER_DS
	pushq %gs:PERCPU_USER_RSP
	pushq %r11
	pushq $USER_CS
	pushq %rcx
	pushq $0
	pushq $TRAP_SYSCALL
	SAVE_REGS
	movq %rsp, %rdi
	xorl %ebp, %ebp
	sti
	call syscall_from_user               /* returns with interrupts off */
	/* Fast way back with sysretq when the frame still describes a plain return to 64-bit
	 * user code at a user address (sysret with a non-canonical rip would fault in ring 0,
	 * so anything else, e.g. a frame rewritten by a future rt_sigreturn, uses iretq). */
	movq FRAME_RIP(%rsp), %rcx
	/* sysret loads rip from rcx and rflags from r11: only when the frame's rcx and r11
	 * already hold those (a plain syscall return) is nothing lost; a frame restored by
	 * rt_sigreturn or built for a signal handler leaves through iretq. */
	cmpq FRAME_RCX(%rsp), %rcx
	jne trap_return
	movq FRAME_R11(%rsp), %r11
	cmpq FRAME_RFLAGS(%rsp), %r11
	jne trap_return
	movabsq $USER_TOP_CONST, %r11
	cmpq %r11, %rcx
	jae trap_return
	cmpq $USER_CS, FRAME_CS(%rsp)
	jne trap_return
	cmpq $USER_DS, FRAME_SS(%rsp)
	jne trap_return
	RESTORE_REGS
	movq 16(%rsp), %rcx                  /* rip */
	movq 32(%rsp), %r11                  /* rflags: IF on, IOPL/NT/RF/VM off */
	andq $~0x37000, %r11
	orq $0x200, %r11
	movq 40(%rsp), %rsp                  /* user rsp: the frame is gone from here on */
	swapgs
	sysretq

/* arch_enter_user(const struct trap_frame *tf, uint64_t kstack_top): copy *tf to the
 * top of the kernel stack (tf is elsewhere, or exactly there already) and
 * leave through trap_return. */
	.globl arch_enter_user
arch_enter_user:
	cli
	movq %rsi, %rdx
	movq %rdi, %rsi
	leaq -TRAP_FRAME_SIZE(%rdx), %rdi
	movq %rdi, %rsp
	movl $(TRAP_FRAME_SIZE / 8), %ecx
	rep movsq
	jmp trap_return

/* arch_switch(uint64_t *from_ksp, uint64_t to_ksp): callee-saved registers on the old
 * stack, stack pointers swapped, registers popped from the new one. */
	.globl arch_switch
arch_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
/* First code of a new thread (arch_thread_stack_init put fn in r12 and arg in r13). */
	.globl arch_thread_start
arch_thread_start:
	movq %r13, %rdi
	xorl %ebp, %ebp
	call *%r12
	ud2
/* size_t uaccess_copy(void *dst, const void *src, size_t n): returns bytes NOT copied.
 * A fault at uaccess_copy_insn that cannot be resolved resumes at uaccess_copy_fixup
 * (see trap.c), with %rcx = bytes left. */
	.globl uaccess_copy, uaccess_copy_insn, uaccess_copy_fixup
uaccess_copy:
	movq %rdx, %rcx
	cmpb $0, uaccess_smap(%rip)
	je uaccess_copy_insn
	stac
uaccess_copy_insn:
	rep movsb
	xorl %eax, %eax
	jmp 3f
uaccess_copy_fixup:
	movq %rcx, %rax
3:	cmpb $0, uaccess_smap(%rip)
	je 4f
	clac
4:	ret
