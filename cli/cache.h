/* cache.h: the image cache of `isle run PROGRAM`: the image isle build would make of
 * PROGRAM (and a config), kept under a key so that running the same program again boots
 * the same image without building it. The cache directory is
 * $XDG_CACHE_HOME/isle/images, else $HOME/.cache/isle/images, else (no usable home)
 * $TMPDIR/isle-cache-UID (private to the user). Entries are KEY.img, written whole and
 * renamed into place, so concurrent runs see either no entry or a complete one. */
#ifndef ISLE_CLI_CACHE_H
#define ISLE_CLI_CACHE_H

#include <stddef.h>

#include "config.h"
#include "sha256.h"

/* What an image of the cache is made of. */
struct cache_input {
	const char *program;	  /* host path as typed: the image has it at /NAME */
	const void *program_data; /* its bytes, program_size of them */
	size_t program_size;
	const char *config_path;     /* -c FILE, or NULL */
	const struct config *config; /* loaded from config_path, or NULL */
};

/* The key of in: SHA-256 over isle's version, the program's name and bytes, the config
 * file's bytes and absolute directory, and the name, type, size, modification time and
 * inode of every host file the image would copy (Files, Dirs, MapDirs, the host's
 * zoneinfo and CA bundle), without reading those files. Any change to them gives a new
 * key. Returns 0, or a negative errno when the config file cannot be read. */
int cache_key(const struct cache_input *in, unsigned char key[SHA256_SIZE]);

/* Returns a new string: the cache directory, created if needed, or NULL after printing
 * why none is usable. */
char *cache_dir(void);

/* Finds the image for in in the cache, building it (quietly, with no default
 * environment: bare_env in build.h) when it is missing. Stores its path in *image (caller
 * frees). Returns 0 or an exit status (include/abi/exit.h), message printed. */
int cache_image(const struct cache_input *in, char **image);

#endif
