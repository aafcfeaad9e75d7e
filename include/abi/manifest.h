/* manifest.h: what to run, stored in the image at ISLE_MANIFEST_PATH. Written by
 * `isle build`, read by the kernel at boot. Versioned: the kernel refuses a newer version
 * with a message. All integers little-endian. */
#ifndef ISLE_ABI_MANIFEST_H
#define ISLE_ABI_MANIFEST_H

#include <stdint.h>

#define ISLE_MANIFEST_PATH "/.isle/manifest"
#define ISLE_MANIFEST_MAGIC "ISLEMANI" /* 8 bytes, no NUL */
#define ISLE_MANIFEST_VERSION 1
#define ISLE_MANIFEST_MAX_SIZE 262144

/* flags */
#define ISLE_MF_EXEC_PROTECTION 0x1
#define ISLE_MF_NOASLR 0x2
#define ISLE_MF_REBOOT_ON_EXIT 0x4

/* Layout: header | strings. strings: 3 + argc + envc NUL-terminated strings back to back:
 * the program's path in the image (absolute), the working directory (absolute), the
 * version of isle that built the image ("0.1.0"), argv[0..argc-1], envp[0..envc-1]. */
struct isle_manifest_header {
	char magic[8];
	uint32_t version;
	uint32_t header_size; /* sizeof(struct isle_manifest_header) */
	uint32_t flags;
	uint32_t argc; /* >= 1 */
	uint32_t envc;
	uint32_t reserved;
	uint64_t strings_offset;
	uint64_t strings_size;
};

#endif
