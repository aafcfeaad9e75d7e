/* bundle.c: validate the boot bundle and turn it into exec_args. Every offset and count
 * comes from outside the kernel and is checked (overflow-safe) before use. */
#include "exec/bundle.h"
#include "abi/bundle.h"
#include "core/errno.h"
#include "core/printk.h"
#include "lib/string.h"
#include "lib/strpack.h"
#include "mm/heap.h"

static int bad(const char *what)
{
	printk("isle: boot bundle rejected: %s\n", what);
	return -EINVAL;
}

static bool within(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

int bundle_parse(const void *data, uint64_t size, struct exec_args *args)
{
	const struct isle_bundle_header *h = data;
	if (!data || size < sizeof(*h))
		return bad("missing or shorter than its header (was a program given?)");
	if (memcmp(h->magic, ISLE_BUNDLE_MAGIC, 8) != 0)
		return bad("bad magic (not made by the isle CLI)");
	if (h->version != ISLE_BUNDLE_VERSION)
		return bad("unsupported version");
	if (h->header_size < sizeof(*h) || h->header_size > size)
		return bad("bad header size");
	if (h->argc < 1 || (uint64_t)h->argc + h->envc > ISLE_BUNDLE_MAX_STRINGS)
		return bad("argument count out of range");
	if (h->strings_size > ISLE_BUNDLE_MAX_STRINGS_SIZE ||
	    !within(h->strings_offset, h->strings_size, size))
		return bad("strings outside the bundle");
	if (!within(h->program_offset, h->program_size, size) || !h->program_size)
		return bad("program outside the bundle");

	uint32_t total = 1 + h->argc + h->envc;
	const char **strs = kmalloc(total * sizeof(char *));
	if (!strs)
		return -ENOMEM;
	if (strpack_split((const char *)data + h->strings_offset, h->strings_size, total, strs)) {
		kfree(strs);
		return bad("strings not NUL-terminated, fewer than counted, or followed by junk");
	}
	args->path = strs[0];
	args->argc = h->argc;
	args->argv = strs + 1;
	args->envc = h->envc;
	args->envp = strs + 1 + h->argc;
	args->elf = (const char *)data + h->program_offset;
	args->elf_size = h->program_size;
	return 0;
}
