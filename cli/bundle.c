/* bundle.c: write the boot bundle: header | strings | padding | program ELF (no program in
 * an overrides bundle, which only carries argv and envp for a disk image's program). */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abi/bundle.h"
#include "bundle.h"
#include "util.h"

char *bundle_guest_path(const char *program)
{
	return util_xasprintf("/%s", util_basename(program));
}

/* Total bytes of the strings area: every string with its NUL. */
static uint64_t strings_size(const struct bundle_input *in)
{
	uint64_t n = strlen(in->guest_path) + 1;

	for (size_t i = 0; i < in->argc; i++)
		n += strlen(in->argv[i]) + 1;
	for (size_t i = 0; i < in->envc; i++)
		n += strlen(in->envp[i]) + 1;
	return n;
}

int bundle_check(const struct bundle_input *in, char *why, size_t whylen)
{
	uint64_t size;

	if (in->argc < 1) {
		snprintf(why, whylen, "the program needs an argv[0]");
		return -EINVAL;
	}
	if ((in->flags & ~(uint32_t)(ISLE_BUNDLE_OVERRIDES | ISLE_BUNDLE_REPLACE_ARGS)) ||
	    ((in->flags & ISLE_BUNDLE_OVERRIDES) && in->program_size)) {
		snprintf(why, whylen, "bad boot bundle flags 0x%x", (unsigned)in->flags);
		return -EINVAL;
	}
	if (in->argc > ISLE_BUNDLE_MAX_STRINGS || in->envc > ISLE_BUNDLE_MAX_STRINGS ||
	    in->argc + in->envc > ISLE_BUNDLE_MAX_STRINGS) {
		snprintf(why, whylen,
			 "too many arguments and environment variables: %zu (at most %d)",
			 in->argc + in->envc, ISLE_BUNDLE_MAX_STRINGS);
		return -E2BIG;
	}
	size = strings_size(in);
	if (size > ISLE_BUNDLE_MAX_STRINGS_SIZE) {
		snprintf(why, whylen,
			 "arguments and environment are too large: %llu bytes (at most %d, "
			 "counting the program's path and one NUL per string)",
			 (unsigned long long)size, ISLE_BUNDLE_MAX_STRINGS_SIZE);
		return -E2BIG;
	}
	return 0;
}

static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static char *put_string(char *p, const char *s)
{
	size_t n = strlen(s) + 1;

	memcpy(p, s, n);
	return p + n;
}

int bundle_write(int fd, const struct bundle_input *in)
{
	struct isle_bundle_header h;
	uint64_t ssize = strings_size(in);
	uint64_t soff = sizeof(h);
	uint64_t end = (soff + ssize + ISLE_BUNDLE_ALIGN - 1) & ~(uint64_t)(ISLE_BUNDLE_ALIGN - 1);
	bool overrides = in->flags & ISLE_BUNDLE_OVERRIDES;
	char *head, *p;
	int r;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, ISLE_BUNDLE_MAGIC, sizeof(h.magic));
	h.version = htole32(ISLE_BUNDLE_VERSION);
	h.header_size = htole32(sizeof(h));
	h.argc = htole32((uint32_t)in->argc);
	h.envc = htole32((uint32_t)in->envc);
	h.strings_offset = htole64(soff);
	h.strings_size = htole64(ssize);
	h.program_offset = htole64(overrides ? 0 : end);
	h.program_size = htole64(overrides ? 0 : in->program_size);
	h.flags = htole32(in->flags);

	/* Everything before the program is small (bundle_check bounds it): build it in one
	 * zeroed buffer so the padding is written with it. */
	head = calloc(1, end);
	if (!head)
		return -ENOMEM;
	memcpy(head, &h, sizeof(h));
	p = put_string(head + soff, in->guest_path);
	for (size_t i = 0; i < in->argc; i++)
		p = put_string(p, in->argv[i]);
	for (size_t i = 0; i < in->envc; i++)
		p = put_string(p, in->envp[i]);
	r = write_all(fd, head, end);
	free(head);
	if (r)
		return r;
	if (!overrides && in->program_size)
		r = write_all(fd, in->program, in->program_size);
	return r;
}

int bundle_tempfile(char **path)
{
	const char *dir = getenv("TMPDIR");
	char *p;
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	p = util_xasprintf("%s/isle-bundle-XXXXXX", dir);
	fd = mkostemp(p, O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		free(p);
		return -e;
	}
	*path = p;
	return fd;
}
