/* stack.h: the program's initial stack (System V x86-64 ABI, "Process Initialization"),
 * built as pure logic in a kernel buffer so that it can be unit tested, then copied into
 * the program by exec.c. Private to kernel/exec/.
 *
 * Image, from the top address down:
 *   8 zero bytes (end marker)
 *   argv strings, envp strings, execfn string (NUL-terminated, back to back)
 *   platform string
 *   16 random bytes (AT_RANDOM), 16-byte aligned
 *   padding so that rsp is 16-byte aligned
 *   auxv pairs, AT_NULL pair
 *   envp pointers, NULL
 *   argv pointers, NULL
 *   argc                                  <- rsp
 */
#ifndef ISLE_EXEC_STACK_H
#define ISLE_EXEC_STACK_H

#include <stddef.h>
#include <stdint.h>

/* Auxiliary vector types (Linux, x86-64). */
#define AT_NULL 0
#define AT_IGNORE 1
#define AT_EXECFD 2
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_NOTELF 10
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_BASE_PLATFORM 24
#define AT_RANDOM 25
#define AT_HWCAP2 26
#define AT_EXECFN 31
#define AT_SYSINFO_EHDR 33
#define AT_MINSIGSTKSZ 51

/* Limit on argv and envp: string bytes (NULs included), the execfn string and the pointer
 * arrays together. Linux allows a quarter of the 8 MiB stack limit; so do we. */
#define STACK_ARGS_MAX (2UL << 20)
/* Most auxv entries a caller may pass (AT_NULL excluded). */
#define STACK_AUX_MAX 32
#define STACK_RANDOM_BYTES 16

struct stack_aux {
	uint64_t type;
	uint64_t value;
};

struct stack_spec {
	int argc;
	const char *const *argv;
	int envc;
	const char *const *envp;
	const char *execfn;    /* AT_EXECFN */
	const char *platform;  /* AT_PLATFORM ("x86_64") */
	const uint8_t *random; /* STACK_RANDOM_BYTES bytes for AT_RANDOM */
	/* In order, without AT_NULL (which is appended). The values of AT_RANDOM, AT_EXECFN
	 * and AT_PLATFORM entries are replaced by the addresses of their data. */
	const struct stack_aux *aux;
	size_t naux;
};

/* Bytes the image needs (the same for every 16-byte aligned top). -E2BIG when the
 * arguments exceed STACK_ARGS_MAX; -EINVAL for negative counts, a NULL string, or more
 * than STACK_AUX_MAX auxv entries. */
long stack_image_size(const struct stack_spec *spec);

/* Build the image for the address range [top - n, top), n = stack_image_size(spec), into
 * buf[0 .. n) (size >= n). top must be 16-byte aligned and >= n. Sets *rsp = top - n: the
 * initial stack pointer, 16-byte aligned, pointing at argc. Returns n, or the errors of
 * stack_image_size, or -EINVAL (bad top, buffer too small). */
long stack_build(const struct stack_spec *spec, uintptr_t top, void *buf, size_t size,
		 uintptr_t *rsp);

#endif
