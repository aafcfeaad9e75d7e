/* ap_boot.S: how an application processor gets from the STARTUP IPI to C (ap_boot.h).
 * It wakes in real mode at AP_TRAMP_PA (CS = AP_TRAMP_PA >> 4, IP = 0) with this code
 * copied there; it loads a small GDT, enters 32-bit protected mode, turns on PAE, the
 * temporary page tables, EFER.LME (and NXE: the kernel's tables use the NX bit), paging,
 * and far-jumps to 64-bit code, still at its low identity address. There it claims its
 * ticket, loads its stack and jumps to ap_entry64 in the kernel image, which switches to
 * kernel_root. All addresses in the copied part are absolute (AP_TRAMP_PA + offset), so
 * the blob needs no relocation; the SDM vol. 3A 9.9 describes the mode switches. */
#include "arch/x86_64/ap_boot.h"

#define T(sym) (AP_TRAMP_PA + ((sym) - ap_tramp_start))
#define D(off) (AP_DATA + (off))

	.section .rodata, "a"
	.globl ap_tramp_start, ap_tramp_end
	.code16
ap_tramp_start:
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl T(ap_gdtr)
	movl %cr0, %eax
	orl $1, %eax                         /* PE */
	movl %eax, %cr0
	ljmpl $0x08, $T(ap_pm32)

	.code32
ap_pm32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $(1 << 5), %eax                  /* PAE */
	movl %eax, %cr4
	movl $AP_TRAMP_PML4, %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx               /* EFER */
	rdmsr
	orl D(AP_DATA_EFER), %eax
	wrmsr
	movl %cr0, %eax
	orl $0x80000001, %eax                /* PG | PE */
	movl %eax, %cr0
	ljmp $0x18, $T(ap_lm64)

	.code64
ap_lm64:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movq D(AP_DATA_TICKET), %rax
	testq %rax, %rax
	jz ap_dead
	xorl %ecx, %ecx
	lock cmpxchgq %rcx, D(AP_DATA_TICKET)
	jne ap_dead
	movq %rax, %rdi                      /* CPU index */
	movq D(AP_DATA_STACK), %rsp
	movq D(AP_DATA_ROOT), %rdx
	movq D(AP_DATA_ENTRY), %rax
	jmp *%rax
ap_dead:                                     /* the boot CPU gave up on this start */
	cli
	hlt
	jmp ap_dead

	.balign 8
ap_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff             /* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff             /* 0x10: data */
	.quad 0x00af9a000000ffff             /* 0x18: 64-bit code */
ap_gdtr:
	.word 4 * 8 - 1
	.long T(ap_gdt)
ap_tramp_end:

/* rdi = CPU index, rdx = kernel_root, rsp = the AP's stack (mapped in both roots). */
	.text
	.globl ap_entry64
ap_entry64:
	movq %rdx, %cr3
	xorl %ebp, %ebp
	call smp_ap_entry
	ud2
