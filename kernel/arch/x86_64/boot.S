/* boot.S: the PVH entry. QEMU (or any PVH loader) starts us here in 32-bit protected mode,
 * paging off, %ebx = physical address of the hvm_start_info. We record the TSC, build
 * temporary page tables (identity and DIRECT_BASE aliases of the first GiB), enter long
 * mode, apply our own R_X86_64_RELATIVE relocations for the run address DIRECT_BASE +
 * physical, and jump there to kmain(start_info_pa). Everything here is position
 * independent: addresses are computed from %ebp (32-bit) or %rip (64-bit). */

#define BOOT_DIRECT_PML4_INDEX 254 /* DIRECT_BASE >> 39; checked in main.c */
#define DIRECT_BASE_CONST 0x7f0000000000
#define R_X86_64_RELATIVE 8
#define OFF(sym) ((sym) - pvh_start32)

	.section .boot, "awx"
	.code32
	.globl pvh_start32
pvh_start32:
	cli
	cld
	movl %ebx, %esi
	call 1f
1:	popl %ebp
	subl $OFF(1b), %ebp                 /* %ebp = run address of pvh_start32 */
	rdtsc
	movl %eax, OFF(boot_tsc_entry)(%ebp)
	movl %edx, OFF(boot_tsc_entry) + 4(%ebp)
	leal OFF(boot_stack32_top)(%ebp), %esp

	/* Long mode available? */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	testl $(1 << 29), %edx
	jz no_long_mode

	/* PML4[0] and PML4[254] -> one PDPT whose entry 0 -> a PD of 512 2 MiB pages. */
	leal OFF(boot_pdpt)(%ebp), %eax
	orl $3, %eax
	movl %eax, OFF(boot_pml4)(%ebp)
	movl %eax, OFF(boot_pml4) + BOOT_DIRECT_PML4_INDEX * 8(%ebp)
	leal OFF(boot_pd)(%ebp), %eax
	orl $3, %eax
	movl %eax, OFF(boot_pdpt)(%ebp)
	leal OFF(boot_pd)(%ebp), %edi
	movl $0x83, %eax                     /* present, writable, 2 MiB */
	movl $512, %ecx
2:	movl %eax, (%edi)
	movl $0, 4(%edi)
	addl $0x200000, %eax
	addl $8, %edi
	loop 2b

	movl %cr4, %eax
	orl $(1 << 5), %eax                  /* PAE */
	movl %eax, %cr4
	leal OFF(boot_pml4)(%ebp), %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx               /* EFER.LME */
	rdmsr
	orl $(1 << 8), %eax
	wrmsr
	movl %cr0, %eax
	orl $0x80000001, %eax                /* PG | PE */
	movl %eax, %cr0

	leal OFF(boot_gdt)(%ebp), %eax
	movl %eax, OFF(boot_gdtr) + 2(%ebp)
	lgdt OFF(boot_gdtr)(%ebp)
	leal OFF(boot64)(%ebp), %eax
	pushl $0x08
	pushl %eax
	lret

no_long_mode:
	leal OFF(msg_no_lm)(%ebp), %esi
3:	lodsb
	testb %al, %al
	jz 4f
	outb %al, $0xe9
	jmp 3b
4:	hlt
	jmp 4b

	.code64
boot64:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movl %esi, %esi                      /* start info pa, zero-extended */

	/* Apply relocations: *(r_offset) = r_addend + delta. We run at our link address
	 * (identity map), so r_offset is directly writable. */
	movabsq $DIRECT_BASE_CONST, %rdx
	leaq __rela_start(%rip), %rdi
	leaq __rela_end(%rip), %rcx
5:	cmpq %rcx, %rdi
	jae 6f
	cmpl $R_X86_64_RELATIVE, 8(%rdi)
	jne bad_reloc
	movq (%rdi), %r8
	movq 16(%rdi), %r9
	addq %rdx, %r9
	movq %r9, (%r8)
	addq $24, %rdi
	jmp 5b
6:	leaq 7f(%rip), %rax
	addq %rdx, %rax
	jmp *%rax
7:	/* Now at DIRECT_BASE + physical. */
	leaq __stack_top(%rip), %rsp
	xorl %ebp, %ebp
	movq %rsi, %rdi
	call kmain
8:	hlt
	jmp 8b

bad_reloc:
	leaq msg_bad_reloc(%rip), %rsi
9:	lodsb
	testb %al, %al
	jz 8b
	outb %al, $0xe9
	jmp 9b

	.balign 8
	.globl boot_tsc_entry
boot_tsc_entry:
	.quad 0
boot_gdtr:
	.word boot_gdt_end - boot_gdt - 1
	.long 0
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff             /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff             /* 0x10: data */
boot_gdt_end:
msg_no_lm:
	.asciz "isle: this CPU has no 64-bit long mode\nisle: exit 125 (kernel panic)\n"
msg_bad_reloc:
	.asciz "isle: kernel image has a relocation other than R_X86_64_RELATIVE\nisle: exit 125 (kernel panic)\n"

	.balign 4096
boot_pml4:
	.fill 4096, 1, 0
boot_pdpt:
	.fill 4096, 1, 0
boot_pd:
	.fill 4096, 1, 0
boot_stack32:
	.fill 512, 1, 0
boot_stack32_top:
