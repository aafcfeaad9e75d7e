/* vfs.h: the virtual file system: inodes with per-file-system operations, an inode
 * cache, mounts, path lookup, open files. File systems (ext2, tmpfs, devfs, procfs)
 * implement struct inode_ops; syscalls use the vfs_* functions (the .c files of
 * kernel/fs) and the fd table (fdtable.h). Names passed to inode_ops are one path
 * component, not NUL-terminated (name, len), never "." or ".." (the VFS resolves those
 * itself, see vfs_lookup), never empty, at most VFS_NAME_MAX bytes, never containing '/'.
 *
 * Ownership: an inode is reference counted (refs); every function that returns an inode
 * returns a new reference the caller drops with vfs_iput. When the last reference goes,
 * the VFS writes back its dirty pages and calls ops->evict (which frees the on-disk inode
 * when nlink is 0). Under the BKL; calls that touch the disk sleep (and other threads run
 * meanwhile), so code holds references, not bare pointers, across them. */
#ifndef ISLE_FS_VFS_H
#define ISLE_FS_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VFS_NAME_MAX 255
#define VFS_PATH_MAX 4096
#define VFS_SYMLINK_MAX 40 /* symlinks followed in one lookup before ELOOP */

/* File types and permission bits (Linux values). */
#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
#define S_ISTYPE(m, t) (((m)&S_IFMT) == (t))

/* getdents64 d_type values. */
#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

struct timespec64 {
	int64_t sec;
	int64_t nsec;
};

struct inode;
struct file;
struct super_block;

/* setattr: which fields of struct iattr to apply. */
#define ATTR_MODE 0x1 /* permission bits only; the type never changes */
#define ATTR_UID 0x2
#define ATTR_GID 0x4
#define ATTR_SIZE 0x8 /* truncate or extend (zero-filled) */
#define ATTR_ATIME 0x10
#define ATTR_MTIME 0x20
#define ATTR_CTIME 0x40

struct iattr {
	unsigned valid;
	uint32_t mode, uid, gid;
	uint64_t size;
	struct timespec64 atime, mtime, ctime;
};

/* readdir callback: one entry; return non-zero to stop (the entry was NOT consumed, and
 * *pos must still point at it). next is the position after this entry. */
struct dir_emit {
	int (*emit)(struct dir_emit *ctx, const char *name, size_t len, uint64_t ino,
		    unsigned dtype, uint64_t next);
};

/* rename flags (Linux). */
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2

/* Operations a file system provides. Every function returns 0 / a count, or a negative
 * errno (-ENOENT, -EEXIST, -ENOTDIR, -EISDIR, -ENOTEMPTY, -ENOSPC, -EIO, -EROFS, -EPERM,
 * -ENAMETOOLONG, ...) with Linux's meaning. A NULL member means "not supported": the VFS
 * answers -EPERM for namespace changes (-EROFS when the super block is read-only), and
 * -EINVAL for data access. Namespace operations update nlink, sizes and the parent's
 * mtime/ctime themselves. */
struct inode_ops {
	/* Directories. */
	int (*lookup)(struct inode *dir, const char *name, size_t len, struct inode **out);
	/* mode carries the file type (S_IFREG, S_IFIFO, S_IFCHR, ...) and permissions (umask
	 * already applied); rdev for device nodes. */
	int (*create)(struct inode *dir, const char *name, size_t len, uint32_t mode, uint32_t rdev,
		      struct inode **out);
	int (*mkdir)(struct inode *dir, const char *name, size_t len, uint32_t mode,
		     struct inode **out);
	int (*symlink)(struct inode *dir, const char *name, size_t len, const char *target,
		       struct inode **out);
	int (*link)(struct inode *dir, const char *name, size_t len, struct inode *target);
	int (*unlink)(struct inode *dir, const char *name, size_t len); /* not directories */
	int (*rmdir)(struct inode *dir, const char *name, size_t len);	/* empty dirs only */
	/* Both directories are on this file system; the VFS has checked that a directory is
	 * not moved into itself. Replaces an existing target as rename(2) does. */
	int (*rename)(struct inode *odir, const char *oname, size_t olen, struct inode *ndir,
		      const char *nname, size_t nlen, unsigned flags);
	/* Emit entries from *pos on (pos 0 = the start; "." and ".." included), advancing
	 * *pos; 0 at the end or when emit stopped. */
	int (*readdir)(struct inode *dir, uint64_t *pos, struct dir_emit *ctx);

	/* Symlinks: copy at most size bytes of the target (no NUL); returns the length. */
	long (*readlink)(struct inode *inode, char *buf, size_t size);

	/* Attributes: apply iattr (ATTR_SIZE truncates/extends; the VFS drops cached pages
	 * past the new size first). Updates ctime. */
	int (*setattr)(struct inode *inode, const struct iattr *attr);

	/* Regular files go through the page cache (kernel/fs/pagecache.c) with these two:
	 * readpage fills 4096 bytes for page `index` (zeros in holes and past EOF);
	 * writepage stores a page (allocating blocks), never beyond inode->size. */
	int (*readpage)(struct inode *inode, uint64_t index, void *page);
	int (*writepage)(struct inode *inode, uint64_t index, const void *page);
	/* Optional: fill n consecutive pages from index in as few disk requests as possible
	 * (readahead); same contract as readpage for each page. */
	int (*readpages)(struct inode *inode, uint64_t index, unsigned n, void *const *pages);
	/* Optional, for file systems that allocate blocks: called by the page cache before a
	 * write() copies into [off, off+len), so the space exists before the data is taken
	 * (-ENOSPC here, not silently at write-back). */
	int (*prepare_write)(struct inode *inode, uint64_t off, uint64_t len);
	/* Files that are not page-cached (devices, procfs): used instead when set. */
	long (*read)(struct file *f, void *buf, size_t n, uint64_t off);
	long (*write)(struct file *f, const void *buf, size_t n, uint64_t off);

	/* Write this inode's metadata (the VFS has written its pages). */
	int (*fsync)(struct inode *inode);
	/* Last reference dropped: free private state; free it on disk when nlink == 0. */
	void (*evict)(struct inode *inode);

	/* Added by the VFS layer (optional; NULL = default). Character and block device
	 * inodes need none of these: file.c dispatches them by rdev (devfs.h). */
	/* Called when a file is opened on this inode (after the checks); may set f->stream. */
	int (*open)(struct file *f);
	/* ioctl on an open file; -ENOTTY for requests it does not know. */
	long (*ioctl)(struct file *f, unsigned req, uint64_t arg);
};

struct super_block_ops {
	int (*sync)(struct super_block *sb); /* write back everything */
	int (*statfs)(struct super_block *sb, uint64_t *blocks, uint64_t *bfree, uint64_t *files,
		      uint64_t *ffree, uint32_t *bsize);
};

struct super_block {
	const struct super_block_ops *ops;
	struct inode *root;  /* held */
	uint64_t dev;	     /* st_dev */
	uint32_t block_size; /* st_blksize */
	bool read_only;
	uint32_t magic; /* statfs f_type (EXT2_SUPER_MAGIC 0xef53, TMPFS 0x01021994) */
	void *priv;
	/* Added by the VFS layer: */
	bool pages_pinned;     /* cached pages are the storage (tmpfs): never reclaimed */
	struct inode *covered; /* the directory this fs is mounted on (held); NULL for the root */
	/* For /proc/mounts, set by the file system: its type ("ext2", "tmpfs", "proc"; NULL
	 * shows "none") and the source field ("/dev/vda"; empty shows the type). */
	const char *fstype;
	char source[32];
};

struct inode {
	struct super_block *sb;
	uint64_t ino;
	uint32_t mode, nlink, uid, gid, rdev;
	uint64_t size;
	uint64_t blocks; /* 512-byte units */
	struct timespec64 atime, mtime, ctime;
	const struct inode_ops *ops;
	void *priv; /* the file system's */
	unsigned refs;
	/* The last reference went and vfs_iput is writing the inode back (it sleeps): a
	 * vfs_iget meanwhile takes it again (revived counts that), and a later vfs_iput
	 * reaching 0 leaves the rest to the eviction under way. dying: past the point of
	 * no return (ops->evict runs, it may sleep); the inode stays hashed until it is
	 * freed and vfs_iget waits for that, so there is never a second in-memory inode for
	 * the same (sb, ino). */
	bool evicting, dying;
	uint32_t revived;
	/* A file system is reading a fresh inode in (it sleeps): vfs_iget waits until
	 * vfs_iget_loaded rather than hand out a half-filled inode. */
	bool loading;
	bool dirty;		     /* metadata changed since the last fsync */
	struct pagecache *pages;     /* NULL until a page is cached (pagecache.c) */
	struct super_block *mounted; /* a file system mounted on this directory */
	struct inode *hnext;	     /* inode cache chain (vfs only) */
};

/* Inode cache: the one in-memory inode for (sb, ino). vfs_iget returns it with a new
 * reference and *fresh = false; or allocates a zeroed inode (sb, ino set, refs 1), hashes
 * it and returns it with *fresh = true, for the caller to fill; NULL only when out of
 * memory. A file system that cannot fill a fresh inode leaves ops NULL (or sets ops that
 * can evict it) and drops it with vfs_iput. When the inode for (sb, ino) is being
 * evicted past the point of no return, vfs_iget sleeps until it is gone (it may sleep
 * only then). Unreferenced inodes are not kept: the cache holds exactly the inodes
 * somebody references, and those being evicted. */
struct inode *vfs_iget(struct super_block *sb, uint64_t ino, bool *fresh);
/* A file system whose filling of a fresh inode sleeps sets inode->loading right after
 * vfs_iget and calls vfs_iget_loaded when done, filled or not (then drops it). */
void vfs_iget_loaded(struct inode *inode);
struct inode *vfs_igrab(struct inode *inode); /* new reference to a held inode */
void vfs_iput(struct inode *inode);
void vfs_mark_dirty(struct inode *inode);
/* Copy the fields attr selects into the in-memory inode: mode bits (never the type),
 * uid, gid, atime, mtime, and ctime (attr's, or now). Not the size: resizing is the file
 * system's job. For setattr implementations. */
void vfs_apply_attr(struct inode *inode, const struct iattr *attr);
struct timespec64 vfs_now(void); /* realtime, for timestamps */

/* Mounts. The root file system first; others on existing directories. vfs_mount_root
 * takes over sb (sb->root must be set); calling it again replaces the root only before
 * fs_init. vfs_mount resolves an absolute path to a directory (-ENOENT, -ENOTDIR,
 * -EBUSY when something is mounted there already) and covers it with sb. vfs_mount_at
 * covers a held directory; `where` is its absolute path, recorded (copied) for
 * /proc/mounts (-ENOMEM). */
void vfs_mount_root(struct super_block *sb);
int vfs_mount(const char *path, struct super_block *sb);
int vfs_mount_at(struct inode *dir, struct super_block *sb, const char *where);
struct super_block *vfs_root_sb(void); /* NULL before vfs_mount_root */
/* Visit every mount in mount order, the root ("/") first, until fn returns non-zero
 * (returned). where is the absolute path the file system is mounted on. */
int vfs_for_each_mount(int (*fn)(void *arg, struct super_block *sb, const char *where), void *arg);
/* Write back everything on every mounted file system (sync(2), shutdown). */
int vfs_sync_all(void);
/* Write back one file system's inodes and pages, then its sb->ops->sync (syncfs). */
int vfs_sync_sb(struct super_block *sb);

/* Visit every cached inode (sync, tests). fn returning non-zero stops the walk. */
int vfs_for_each_inode(int (*fn)(struct inode *inode, void *arg), void *arg);

#endif
