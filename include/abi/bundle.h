/* bundle.h: the boot bundle, the one boot module the CLI hands the kernel (QEMU -initrd,
 * delivered in the PVH start info): the program's ELF plus its path, argv and envp.
 * Shared by the kernel and the CLI. Versioned: a kernel refuses a version it does not know. */
#ifndef ISLE_ABI_BUNDLE_H
#define ISLE_ABI_BUNDLE_H

#include <stdint.h>

#define ISLE_BUNDLE_MAGIC "ISLEBNDL" /* 8 bytes, no NUL stored */
#define ISLE_BUNDLE_VERSION 2	     /* 2: adds flags */
#define ISLE_BUNDLE_ALIGN 4096	     /* program_offset is a multiple of this */

/* Limits checked by both sides (the CLI refuses, the kernel re-checks). */
#define ISLE_BUNDLE_MAX_STRINGS 4096	    /* argc + envc */
#define ISLE_BUNDLE_MAX_STRINGS_SIZE 131072 /* bytes of all strings, NULs included */

/* Layout, all integers little-endian:
 *   header | strings | padding to ISLE_BUNDLE_ALIGN | program ELF bytes
 * strings: 1 + argc + envc NUL-terminated strings back to back: the program's path as the
 * guest sees it (for AT_EXECFN and /proc/self/exe), then argv[0..argc-1], then
 * envp[0..envc-1] ("KEY=VALUE"). */
struct isle_bundle_header {
	char magic[8];
	uint32_t version;
	uint32_t header_size; /* sizeof(struct isle_bundle_header) */
	uint32_t argc;	      /* >= 1 */
	uint32_t envc;
	uint64_t strings_offset;
	uint64_t strings_size;
	uint64_t program_offset;
	uint64_t program_size;
	uint32_t flags; /* ISLE_BUNDLE_* */
	uint32_t reserved;
};

/* flags. With ISLE_BUNDLE_OVERRIDES the bundle carries no program (program_offset and
 * program_size are 0, the path string is empty): the program comes from the disk image's
 * manifest, and the bundle only overrides it for this run: envp entries replace the
 * manifest's entry with the same KEY (or are added), and with ISLE_BUNDLE_REPLACE_ARGS
 * argv[1..] replaces the manifest's arguments (argv[0] stays the manifest's). */
#define ISLE_BUNDLE_OVERRIDES 0x1
#define ISLE_BUNDLE_REPLACE_ARGS 0x2

#endif
