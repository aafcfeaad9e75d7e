/* manifest.c: encode the image manifest: header | strings (program, cwd, version, argv,
 * envp), integers little-endian, sizes checked before anything is written. */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "abi/manifest.h"
#include "manifest.h"
#include "util.h"

int manifest_encode(const struct manifest_input *in, void **buf, size_t *len, char *why,
		    size_t whylen)
{
	struct isle_manifest_header h;
	uint64_t ssize;
	char *out, *p;

	if (in->argc < 1) {
		snprintf(why, whylen, "the program needs an argv[0]");
		return -EINVAL;
	}
	if (in->program[0] != '/' || in->cwd[0] != '/') {
		snprintf(why, whylen, "the program path and working directory must be absolute");
		return -EINVAL;
	}
	ssize = strlen(in->program) + 1 + strlen(in->cwd) + 1 + strlen(in->version) + 1;
	for (size_t i = 0; i < in->argc && ssize <= ISLE_MANIFEST_MAX_SIZE; i++)
		ssize += strlen(in->argv[i]) + 1;
	for (size_t i = 0; i < in->envc && ssize <= ISLE_MANIFEST_MAX_SIZE; i++)
		ssize += strlen(in->envp[i]) + 1;
	if (ssize + sizeof(h) > ISLE_MANIFEST_MAX_SIZE) {
		snprintf(why, whylen,
			 "arguments and environment are too large: the manifest would exceed %d "
			 "bytes",
			 ISLE_MANIFEST_MAX_SIZE);
		return -E2BIG;
	}
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, ISLE_MANIFEST_MAGIC, sizeof(h.magic));
	h.version = htole32(ISLE_MANIFEST_VERSION);
	h.header_size = htole32(sizeof(h));
	h.flags = htole32(in->flags);
	h.argc = htole32((uint32_t)in->argc);
	h.envc = htole32((uint32_t)in->envc);
	h.strings_offset = htole64(sizeof(h));
	h.strings_size = htole64(ssize);

	*len = sizeof(h) + ssize;
	out = util_xmalloc(*len);
	memcpy(out, &h, sizeof(h));
	p = out + sizeof(h);
	p = stpcpy(p, in->program) + 1;
	p = stpcpy(p, in->cwd) + 1;
	p = stpcpy(p, in->version) + 1;
	for (size_t i = 0; i < in->argc; i++)
		p = stpcpy(p, in->argv[i]) + 1;
	for (size_t i = 0; i < in->envc; i++)
		p = stpcpy(p, in->envp[i]) + 1;
	*buf = out;
	return 0;
}
