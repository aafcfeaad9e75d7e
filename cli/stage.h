/* stage.h: the staging tree of an image: a host directory laid out exactly as the image's
 * root will be (docs/image-format.md), which mke2fs -d then copies into the filesystem. */
#ifndef ISLE_CLI_STAGE_H
#define ISLE_CLI_STAGE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* Host files copied into every image. */
#define STAGE_HOST_ZONEINFO "/usr/share/zoneinfo/UTC"
#define STAGE_HOST_CA_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

struct stage_plan {
	const struct config *config; /* Dirs, Files, MapDirs, NameServers, and config->dir */
	const char *program_image;   /* the program's canonical absolute path in the image */
	const void *program;	     /* its bytes */
	size_t program_size;
	const void *manifest; /* the encoded manifest (manifest.h) */
	size_t manifest_size;
	const char *cwd; /* canonical absolute image path; must be a directory in the image */
};

/* Fills root, an existing empty directory: /etc files, config content, the program, the
 * manifest. Returns 0, or with a message printed: -EINVAL (the config's content is
 * unusable: the user's to fix), -EINTR (interrupted), another negative errno (the host:
 * a missing host file, the staging area cannot be written). */
int stage_build(const char *root, const struct stage_plan *p);

/* The tree's footprint in an ext2 filesystem with 4 KiB blocks: data, directory, and
 * indirect blocks in *bytes, and the number of inodes it needs in *inodes. Returns 0 or
 * a negative errno. */
int stage_measure(const char *root, uint64_t *bytes, uint64_t *inodes);

/* Removes root and everything under it; best effort, silent. */
void stage_remove(const char *root);

#endif
