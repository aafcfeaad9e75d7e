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

int bundle_parse_flags(const void *data, uint64_t size, struct exec_args *args, uint32_t *flags)
{
	const struct isle_bundle_header *h = data;
	if (!data || size < sizeof(*h))
		return bad("missing or shorter than its header (was a program given?)");
	if (memcmp(h->magic, ISLE_BUNDLE_MAGIC, 8) != 0)
		return bad("bad magic (not made by the isle CLI)");
	if (h->version != ISLE_BUNDLE_VERSION)
		return bad(
			"unsupported version (the isle CLI and kernel must come from one build)");
	if (h->header_size < sizeof(*h) || h->header_size > size)
		return bad("bad header size");
	if (h->flags & ~(uint32_t)(ISLE_BUNDLE_OVERRIDES | ISLE_BUNDLE_REPLACE_ARGS))
		return bad("unknown flags");
	if (h->argc < 1 || (uint64_t)h->argc + h->envc > ISLE_BUNDLE_MAX_STRINGS)
		return bad("argument count out of range");
	if (h->strings_size > ISLE_BUNDLE_MAX_STRINGS_SIZE ||
	    !within(h->strings_offset, h->strings_size, size))
		return bad("strings outside the bundle");
	if (h->flags & ISLE_BUNDLE_OVERRIDES) {
		if (h->program_offset || h->program_size)
			return bad("an overrides bundle carries a program");
	} else if (!within(h->program_offset, h->program_size, size) || !h->program_size) {
		return bad("program outside the bundle");
	}

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
	args->elf = h->program_size ? (const char *)data + h->program_offset : NULL;
	args->elf_size = h->program_size;
	*flags = h->flags;
	return 0;
}

int bundle_parse(const void *data, uint64_t size, struct exec_args *args)
{
	uint32_t flags;
	int r = bundle_parse_flags(data, size, args, &flags);
	if (r == 0 && (flags & ISLE_BUNDLE_OVERRIDES)) {
		kfree((void *)(args->argv - 1));
		return bad("overrides only, but there is no disk image to run");
	}
	return r;
}

/* Length of the KEY part of "KEY=VALUE" (the whole string when there is no '='). */
static size_t key_len(const char *kv)
{
	const char *eq = strchr(kv, '=');
	return eq ? (size_t)(eq - kv) : strlen(kv);
}

static bool overridden(const char *kv, const struct exec_args *over)
{
	size_t n = key_len(kv);
	for (int i = 0; i < over->envc; i++)
		if (key_len(over->envp[i]) == n && !memcmp(over->envp[i], kv, n))
			return true;
	return false;
}

int bundle_apply_overrides(struct exec_args *args, const struct exec_args *over, bool replace_args)
{
	if (replace_args) {
		const char **argv = kmalloc((size_t)over->argc * sizeof(char *));
		if (!argv)
			return -ENOMEM;
		argv[0] = args->argv[0];
		for (int i = 1; i < over->argc; i++)
			argv[i] = over->argv[i];
		args->argv = argv;
		args->argc = over->argc;
	}
	if (over->envc) {
		const char **envp = kmalloc((size_t)(args->envc + over->envc) * sizeof(char *));
		if (!envp)
			return -ENOMEM;
		int n = 0;
		for (int i = 0; i < args->envc; i++)
			if (!overridden(args->envp[i], over))
				envp[n++] = args->envp[i];
		for (int i = 0; i < over->envc; i++)
			envp[n++] = over->envp[i];
		args->envp = envp;
		args->envc = n;
	}
	return 0;
}
