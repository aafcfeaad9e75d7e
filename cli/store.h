/* store.h: the per-user local image store of `isle image create|list|delete|inspect`
 * (docs/instances.md). $XDG_DATA_HOME/isle/images (default ~/.local/share/isle/images)
 * holds one directory per image NAME: disk.img (the raw ext2 image isle build makes),
 * meta (key=value lines: name, program, created, size) and config.json (a copy of the
 * config it was built with, when there was one). A new image is built in a temporary
 * directory and renamed into place, so readers see the old image or the new one. */
#ifndef ISLE_CLI_STORE_H
#define ISLE_CLI_STORE_H

#include <stdint.h>

#define STORE_DISK "disk.img"
#define STORE_META "meta"
#define STORE_CONFIG "config.json"

struct store_meta {
	char name[65];
	char program[4096]; /* host path of the program as given */
	long long created;  /* unix time */
	uint64_t size;	    /* bytes of disk.img */
};

/* Returns a new string: $XDG_DATA_HOME/SUB or $HOME/.local/share/SUB (which = "data"), or
 * $XDG_STATE_HOME/SUB or $HOME/.local/state/SUB (which = "state"); created (0700) if
 * needed. NULL after printing why (no absolute XDG variable and no absolute HOME, or it
 * cannot be created). */
char *store_xdg_dir(const char *which, const char *sub);

/* Formats m as key=value lines (caller frees); parses them back (0 or -EINVAL). */
char *store_meta_format(const struct store_meta *m);
int store_meta_parse(const char *text, struct store_meta *m);

/* Reads a whole (small) file into a new NUL-terminated string. 0 or -errno. */
int store_read_file(const char *path, char **text);

/* Writes text to path atomically (a temporary file next to it, renamed). 0 or -errno. */
int store_write_file(const char *path, const char *text);

/* The disk image ARG names: ARG containing '/' is a path; otherwise the store image ARG
 * when the store has it, else the path ARG. *disk: a new string; *store_name: ARG when it
 * was a store name, else NULL (not allocated). Returns 0, or ISLE_EXIT_NOT_FOUND after a
 * message when neither exists. */
int store_resolve(const char *arg, char **disk, const char **store_name);

/* argv[0] is "image", argv[1] one of create, list, delete, inspect. Exit status, message
 * printed. */
int store_main(int argc, char **argv);

#endif
