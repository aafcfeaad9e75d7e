/* manifest.c: validate the image manifest and split its strings. Every field comes from
 * the disk image and is checked before use. */
#include "exec/manifest.h"
#include "abi/manifest.h"
#include "core/errno.h"
#include "core/printk.h"
#include "lib/string.h"
#include "lib/strpack.h"
#include "mm/heap.h"

static int bad(const char *what)
{
	printk("isle: image manifest %s rejected: %s\n", ISLE_MANIFEST_PATH, what);
	return -EINVAL;
}

int manifest_parse(const void *data, size_t size, struct manifest *m)
{
	const struct isle_manifest_header *h = data;
	if (!data || size < sizeof(*h))
		return bad("shorter than its header");
	if (memcmp(h->magic, ISLE_MANIFEST_MAGIC, 8) != 0)
		return bad("bad magic (not written by isle build)");
	if (h->version > ISLE_MANIFEST_VERSION) {
		printk("isle: image manifest version %u is newer than this kernel understands "
		       "(%u): "
		       "rebuild the image with this isle, or use a newer kernel\n",
		       h->version, ISLE_MANIFEST_VERSION);
		return -EINVAL;
	}
	if (h->version < 1)
		return bad("version 0");
	if (h->header_size < sizeof(*h) || h->header_size > size)
		return bad("bad header size");
	if (h->argc < 1 || (uint64_t)h->argc + h->envc > 65536)
		return bad("argument count out of range");
	if (h->strings_offset > size || h->strings_size > size - h->strings_offset)
		return bad("strings outside the manifest");

	uint32_t total = 3 + h->argc + h->envc;
	const char **s = kmalloc(total * sizeof(char *));
	if (!s)
		return -ENOMEM;
	if (strpack_split((const char *)data + h->strings_offset, h->strings_size, total, s)) {
		kfree(s);
		return bad("strings not NUL-terminated, fewer than counted, or followed by junk");
	}
	if (s[0][0] != '/' || s[1][0] != '/') {
		kfree(s);
		return bad("program path and working directory must be absolute");
	}
	m->path = s[0];
	m->cwd = s[1];
	m->built_by = s[2];
	m->flags = h->flags;
	m->argc = (int)h->argc;
	m->argv = s + 3;
	m->envc = (int)h->envc;
	m->envp = s + 3 + h->argc;
	return 0;
}
