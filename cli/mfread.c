/* mfread.c: decode the manifest that isle build wrote (mfread.h). Every offset and count
 * is checked against the buffer before use. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "abi/exit.h"
#include "abi/manifest.h"
#include "e2fs.h"
#include "lib/strpack.h" /* the kernel's, shared (Makefile: CLI_SHARED_SRCS) */
#include "mfread.h"
#include "util.h"

int mf_decode(const void *data, size_t size, struct mf_info *m, const char **why)
{
	struct isle_manifest_header h;
	uint64_t want;

	memset(m, 0, sizeof(*m));
	*why = "too short for a manifest header";
	if (size < sizeof(h))
		return -EINVAL;
	memcpy(&h, data, sizeof(h));
	*why = "bad magic (not an isle manifest)";
	if (memcmp(h.magic, ISLE_MANIFEST_MAGIC, 8))
		return -EINVAL;
	*why = "manifest version newer than this isle";
	if (h.version != ISLE_MANIFEST_VERSION)
		return -EINVAL;
	*why = "strings outside the manifest";
	if (h.strings_offset > size || h.strings_size > size - h.strings_offset)
		return -EINVAL;
	*why = "bad string count";
	want = 3ULL + h.argc + h.envc;
	if (h.argc < 1 || want > h.strings_size)
		return -EINVAL;
	const char **str = util_xmalloc((size_t)want * sizeof(*str));
	*why = "strings not NUL-terminated, fewer than counted, or followed by other bytes";
	if (strpack_split((const char *)data + h.strings_offset, h.strings_size, (uint32_t)want,
			  str) < 0) {
		free(str);
		return -EINVAL;
	}
	m->program = util_xstrdup(str[0]);
	m->cwd = util_xstrdup(str[1]);
	m->version = util_xstrdup(str[2]);
	for (uint64_t i = 3; i < want; i++)
		strvec_push(i < 3 + h.argc ? &m->argv : &m->envp, str[i]);
	free(str);
	m->flags = h.flags;
	return 0;
}

int mf_read_image(const char *disk, struct mf_info *m)
{
	struct spawn_result r;
	const char *why;
	char *err;

	memset(m, 0, sizeof(*m));
	if (e2fs_debugfs(disk, "cat \"" ISLE_MANIFEST_PATH "\"", -1, &r))
		return ISLE_EXIT_CANNOT_RUN;
	err = e2fs_debugfs_error(&r);
	if (err) {
		util_err("%s: cannot read %s: %s", disk, ISLE_MANIFEST_PATH, err);
		free(err);
		spawn_result_free(&r);
		return ISLE_EXIT_CANNOT_RUN;
	}
	if (mf_decode(r.out, r.out_len, m, &why)) {
		util_err("%s: %s: %s", disk, ISLE_MANIFEST_PATH, why);
		spawn_result_free(&r);
		return ISLE_EXIT_CANNOT_RUN;
	}
	spawn_result_free(&r);
	return 0;
}

void mf_free(struct mf_info *m)
{
	free(m->program);
	free(m->cwd);
	free(m->version);
	strvec_free(&m->argv);
	strvec_free(&m->envp);
	memset(m, 0, sizeof(*m));
}
