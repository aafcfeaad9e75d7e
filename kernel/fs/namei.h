/* namei.h: path names. A resolved name is a struct vfs_path: a chain of held inodes from
 * the root to the file, each link carrying the component name it was reached by. The
 * chain is what makes ".." work without asking the file system (".." is the previous
 * link; at the root it stays; at a mounted root it is the mountpoint's parent because the
 * mountpoint's link was replaced by the mounted root), and what getcwd and
 * /proc/self/fd print. A chain is not a cache: names are not updated when an ancestor is
 * renamed afterwards (getcwd then shows the old name).
 *
 * Lookup follows Linux path_resolution(7): absolute paths start at the root, relative
 * ones at a base (a directory fd, or the working directory); "." and ".." are handled
 * here; symlinks are followed in every component but the last (and in the last one with
 * NAMEI_FOLLOW), at most VFS_SYMLINK_MAX in one lookup (-ELOOP); a trailing slash
 * requires a directory; a component longer than VFS_NAME_MAX is -ENAMETOOLONG, as is a
 * path of VFS_PATH_MAX bytes or more (NUL included). Single CPU, no locks. */
#ifndef ISLE_FS_NAMEI_H
#define ISLE_FS_NAMEI_H

#include <stdbool.h>
#include <stddef.h>

#include "fs/vfs.h"

struct vfs_path {
	struct vfs_path *parent; /* held; NULL at the root */
	struct inode *inode;	 /* held */
	unsigned refs;
	size_t len; /* of name */
	char name[];
};

/* Lookup flags. */
#define NAMEI_FOLLOW 0x1    /* follow a symlink in the last component */
#define NAMEI_DIRECTORY 0x2 /* the result must be a directory (-ENOTDIR) */
#define NAMEI_EMPTY 0x4	    /* "" names the base itself (AT_EMPTY_PATH); else -ENOENT */

struct vfs_path *vfs_path_get(struct vfs_path *p); /* new reference */
void vfs_path_put(struct vfs_path *p);		   /* NULL is fine */
/* A new link `name` under parent (parent gains a reference) for the held inode (the link
 * takes the caller's reference). NULL when out of memory (inode not consumed). */
struct vfs_path *vfs_path_child(struct vfs_path *parent, const char *name, size_t len,
				struct inode *inode);
/* The absolute path of p in buf ("/" for the root); returns its length, or -ERANGE when
 * it does not fit in size bytes with its NUL. */
long vfs_path_string(const struct vfs_path *p, char *buf, size_t size);
/* true when p is anc or lies below it (by inode identity of the links). */
bool vfs_path_within(const struct vfs_path *p, const struct inode *anc);

/* The process's root and working directory (namei.c owns both). vfs_root() is NULL
 * before vfs_namei_init. vfs_set_cwd takes the caller's reference. */
void vfs_namei_init(void); /* root link from the mounted root fs; cwd = root */
struct vfs_path *vfs_root(void);
struct vfs_path *vfs_cwd(void);
void vfs_set_cwd(struct vfs_path *p);

/* Resolve path (kernel string) from base (NULL: the working directory). 0 and a new
 * reference in *out, or -ENOENT, -ENOTDIR, -ELOOP, -ENAMETOOLONG, -ENOMEM, -EIO, ... */
int vfs_lookup(struct vfs_path *base, const char *path, unsigned flags, struct vfs_path **out);

/* For calls that create or remove a name: resolve everything but the last component.
 * dir is the (held) parent directory; name/len the last component. kind says what the
 * last component is: a normal name, or "." / ".." / nothing ("/" alone), which each
 * call rejects with its own errno. slash is set when the path had trailing slashes. */
enum vfs_last_kind { VFS_LAST_NORM, VFS_LAST_DOT, VFS_LAST_DOTDOT, VFS_LAST_ROOT };
struct vfs_last {
	struct vfs_path *dir;
	char name[VFS_NAME_MAX + 1];
	size_t len;
	enum vfs_last_kind kind;
	bool slash;
};
int vfs_lookup_parent(struct vfs_path *base, const char *path, struct vfs_last *out);
void vfs_last_put(struct vfs_last *last);

/* Look up one component in directory dir (crossing mounts): a new inode reference. */
int vfs_lookup_one(struct inode *dir, const char *name, size_t len, struct inode **out);

#endif
