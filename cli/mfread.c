/* mfread.c: decode the manifest that isle build wrote (mfread.h). Every offset and count
 * is checked against the buffer before use. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "abi/exit.h"
#include "abi/manifest.h"
#include "e2fs.h"
#include "mfread.h"
#include "util.h"

int mf_decode(const void *data, size_t size, struct mf_info *m, const char **why)
{
	struct isle_manifest_header h;
	const char *p, *end;
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
	p = (const char *)data + h.strings_offset;
	end = p + h.strings_size;
	for (uint64_t i = 0; i < want; i++) {
		const char *z = memchr(p, '\0', (size_t)(end - p));

		if (!z) {
			*why = "unterminated string";
			mf_free(m);
			return -EINVAL;
		}
		if (i == 0)
			m->program = util_xstrdup(p);
		else if (i == 1)
			m->cwd = util_xstrdup(p);
		else if (i == 2)
			m->version = util_xstrdup(p);
		else if (i < 3 + h.argc)
			strvec_push(&m->argv, p);
		else
			strvec_push(&m->envp, p);
		p = z + 1;
	}
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
