/* fs_init.c: the file-system part of the boot order (fs_init.h). Directories the root
 * already has (an ext2 root built by the CLI) are used as they are; missing ones are made
 * when the root is writable. A root without /dev still gets its console fds: they are
 * opened on the devfs nodes directly (their names then still read /dev/ttyS0). */
#include "core/errno.h"
#include "core/printk.h"
#include "fs/devfs.h"
#include "fs/fdtable.h"
#include "fs/fs_init.h"
#include "fs/namei.h"
#include "fs/procfs.h"
#include "fs/sysfs.h"
#include "fs/tmpfs.h"
#include "lib/string.h"

/* The directory /name, made when missing; NULL (and a log line) when it cannot be. */
static struct inode *ensure_dir(struct inode *root, const char *name, uint32_t mode)
{
	size_t len = strlen(name);
	struct inode *dir;
	int r = vfs_lookup_one(root, name, len, &dir);

	if (r == -ENOENT && root->ops && root->ops->mkdir && !root->sb->read_only)
		r = root->ops->mkdir(root, name, len, mode, &dir);
	if (r == 0 && !S_ISTYPE(dir->mode, S_IFDIR)) {
		vfs_iput(dir);
		r = -ENOTDIR;
	}
	if (r < 0) {
		printk("isle: no /%s in the root file system (error %d): not mounted\n", name, r);
		return NULL;
	}
	return dir;
}

/* Mount sb on dir unless something is mounted there already (dir is then its root). */
static void mount_on(struct inode *dir, struct super_block *sb, const char *what)
{
	int r;

	if (!dir)
		return;
	if (!sb)
		panic("fs_init: out of memory for %s", what);
	if (dir->sb->covered && dir == dir->sb->root)
		return; /* mounted before fs_init */
	r = vfs_mount_at(dir, sb, what);
	if (r < 0)
		panic("fs_init: cannot mount %s (error %d)", what, r);
}

/* fd `want` on the devfs node `name`, with the path /dev/NAME. */
static void open_console(struct super_block *devfs, int want, const char *name)
{
	struct vfs_path *dev, *p;
	struct inode *dir, *node;
	struct file *f;
	int r = vfs_lookup_one(devfs->root, name, strlen(name), &node);

	if (r < 0)
		panic("fs_init: no /dev/%s (error %d)", name, r);
	dir = vfs_igrab(devfs->root);
	dev = vfs_path_child(vfs_root(), "dev", 3, dir);
	p = dev ? vfs_path_child(dev, name, strlen(name), node) : NULL;
	if (!p)
		panic("fs_init: out of memory opening the console");
	vfs_path_put(dev);
	r = vfs_open_path(p, O_RDWR, &f);
	vfs_path_put(p);
	if (r < 0)
		panic("fs_init: cannot open /dev/%s (error %d)", name, r);
	r = fd_install(f, want, false);
	if (r != want)
		panic("fs_init: /dev/%s became fd %d, not %d", name, r, want);
}

void fs_init(void)
{
	struct inode *root, *dev, *tmp, *proc, *sys, *shm;
	struct super_block *devfs;

	if (!vfs_root_sb()) {
		struct super_block *sb = tmpfs_create(0755);
		if (!sb)
			panic("fs_init: out of memory for the root file system");
		vfs_mount_root(sb);
	}
	vfs_namei_init();
	root = vfs_root_sb()->root;
	devfs = devfs_create();
	if (!devfs)
		panic("fs_init: out of memory for /dev");
	dev = ensure_dir(root, "dev", 0755);
	mount_on(dev, devfs, "/dev");
	if (vfs_lookup_one(devfs->root, "shm", 3, &shm) < 0)
		panic("fs_init: no /dev/shm");
	mount_on(shm, tmpfs_create(01777), "/dev/shm");
	tmp = ensure_dir(root, "tmp", 01777);
	mount_on(tmp, tmpfs_create(01777), "/tmp");
	proc = ensure_dir(root, "proc", 0555);
	mount_on(proc, procfs_create(), "/proc");
	sys = ensure_dir(root, "sys", 0555);
	mount_on(sys, sysfs_create(), "/sys");
	vfs_iput(sys);
	vfs_iput(proc);
	vfs_iput(tmp);
	vfs_iput(shm);
	vfs_iput(dev);
	open_console(devfs, 0, "ttyS0");
	open_console(devfs, 1, "ttyS0");
	open_console(devfs, 2, "ttyS1");
}
