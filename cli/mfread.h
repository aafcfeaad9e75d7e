/* mfread.h: reading an image's manifest (include/abi/manifest.h) back on the host, for
 * `isle image inspect` and for an instance's RebootOnExit. */
#ifndef ISLE_CLI_MFREAD_H
#define ISLE_CLI_MFREAD_H

#include <stddef.h>
#include <stdint.h>

#include "strvec.h"

struct mf_info {
	char *program, *cwd, *version;
	uint32_t flags; /* ISLE_MF_* */
	struct strvec argv, envp;
};

/* Decodes size bytes of manifest into m (copies). 0, or -EINVAL with why set. */
int mf_decode(const void *data, size_t size, struct mf_info *m, const char **why);

/* Reads ISLE_MANIFEST_PATH out of the image disk (debugfs) and decodes it. 0, or an exit
 * status after a message naming disk. */
int mf_read_image(const char *disk, struct mf_info *m);

void mf_free(struct mf_info *m);

#endif
