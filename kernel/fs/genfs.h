/* genfs.h: read-only file systems whose files are generated when read (procfs.c, sysfs.c):
 * a constant table of nodes (directories, files with a generator, symlinks with a target
 * function) plus directories whose entries are numbers found at lookup time (/proc/1/fd).
 * Nothing is stored: every read runs the generator from the start and keeps the bytes
 * that fall in the requested window (genfs_out), so reads honour any offset and size,
 * and a file read in several pieces is consistent as long as its text does not change
 * in between. Opening a file for writing is -EACCES; name-space changes are -EPERM
 * (the VFS's answer for missing operations); files report size 0, as Linux's do.
 * Single CPU, no locks: generators run in the reading syscall.
 *
 * Inode numbers (genfs.c): table node i is i + 1; entry n of the numbered directory at
 * node d, and child c of a template for entry n, are ((d or c) + 1) << 32 | n. */
#ifndef ISLE_FS_GENFS_H
#define ISLE_FS_GENFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct super_block;

/* The window a generator writes into: of the whole text it produces, only the bytes at
 * [off, off + size) are stored in buf; len counts the text so far (genfs_printf stops
 * counting once the window is full, so len is exact only until then). */
struct genfs_out {
	char *buf;
	size_t size;
	uint64_t off;
	uint64_t len;
};

/* Longest output of one genfs_printf; longer output is cut (use genfs_write for long
 * strings such as paths). */
#define GENFS_PRINTF_MAX 512

void genfs_out_init(struct genfs_out *o, char *buf, size_t size, uint64_t off);
void genfs_write(struct genfs_out *o, const void *data, size_t n);
void genfs_puts(struct genfs_out *o, const char *s);
void genfs_printf(struct genfs_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Bytes stored in buf so far. */
size_t genfs_out_count(const struct genfs_out *o);
/* true once the window is filled: a generator may stop early then. */
bool genfs_out_full(const struct genfs_out *o);

/* For link functions: copy at most size bytes of target (no NUL); the count copied. */
long genfs_link(char *buf, size_t size, const char *target);

/* A directory whose entries are the numbers n for which next() finds them (fd/). With
 * tmpl set, every entry is a directory holding the children of table node tmpl (a
 * nameless directory node, never listed itself): /proc/1/task/<tid>/. */
struct genfs_dyn {
	long (*next)(unsigned long from); /* the first entry >= from, or -1 when none */
	uint32_t mode; /* of every entry: S_IFLNK | 0700, S_IFREG | 0444, S_IFDIR | 0555 */
	/* Symlink entries: copy at most size bytes of the target (no NUL); its length, or
	 * -ENOENT when the entry went away. */
	long (*link)(unsigned long n, char *buf, size_t size);
	void (*show)(unsigned long n, struct genfs_out *o); /* file entries */
	unsigned tmpl;					    /* 0: entries are not directories */
};

/* One node. nodes[0] is the root (its parent is 0); every other node names its
 * directory by index, and a directory's entries are listed in table order. */
struct genfs_node {
	const char *name;
	unsigned parent;
	uint32_t mode;			      /* S_IFDIR | 0555, S_IFREG | 0444, S_IFLNK | 0777 */
	void (*show)(struct genfs_out *o);    /* S_IFREG: the text */
	long (*link)(char *buf, size_t size); /* S_IFLNK: as genfs_dyn.link */
	const struct genfs_dyn *dyn;	      /* S_IFDIR: entries by number after the static ones */
	/* S_IFREG under a template directory (genfs_dyn.tmpl): the text for entry n; show is
	 * used when this is NULL. */
	void (*show_n)(unsigned long n, struct genfs_out *o);
};

struct genfs_table {
	const struct genfs_node *nodes;
	size_t count; /* below 2^32 */
};

/* A new super block serving table t (which must outlive it), with statfs f_type magic
 * and /proc/mounts type fstype. NULL when out of memory. */
struct super_block *genfs_create(const struct genfs_table *t, uint32_t magic, const char *fstype);

#endif
