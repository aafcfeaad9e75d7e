/* image.S: the vDSO shared object (built from vdso.c by the Makefile, path VDSO_SO) as
 * read-only kernel data, page aligned so exec can copy it page by page (exec/vdso.c). */
	.section .rodata.vdso, "a"
	.balign 4096
	.globl vdso_image_start
vdso_image_start:
	.incbin VDSO_SO
	.globl vdso_image_end
vdso_image_end:
	.balign 4096
	.section .note.GNU-stack, "", @progbits
