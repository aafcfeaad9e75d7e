/* sys_fs_dir.c: directories as the program sees them: getdents64, chdir, fchdir,
 * getcwd. getcwd prints the working directory's path chain (fs/namei.h). */
#include "core/errno.h"
#include "mm/heap.h"
#include "mm/uaccess.h"
#include "syscall/sys.h"
#include "syscall/sys_fs.h"

long sys_getdents64(const struct syscall_args *a)
{
	struct file *f = sys_fs_file((int)a->arg[0]);
	size_t size = (size_t)(uint32_t)a->arg[2];
	long r;

	if (!f)
		return -EBADF;
	if (size > SYS_FS_BOUNCE)
		size = SYS_FS_BOUNCE;
	if (!user_range_ok(a->arg[1], size))
		return -EFAULT;
	char *buf = sys_fs_bounce_get();
	if (!buf)
		return -ENOMEM;
	r = vfs_getdents64(f, buf, size);
	if (r > 0 && copy_to_user(sys_fs_uptr(a->arg[1]), buf, (size_t)r) < 0)
		r = -EFAULT;
	sys_fs_bounce_put(buf);
	return r;
}

long sys_chdir(const struct syscall_args *a)
{
	struct vfs_path *p;
	int r = sys_fs_lookup(AT_FDCWD, a->arg[0], NAMEI_FOLLOW | NAMEI_DIRECTORY, 0, &p);

	if (r < 0)
		return r;
	vfs_set_cwd(p);
	return 0;
}

long sys_fchdir(const struct syscall_args *a)
{
	struct file *f = sys_fs_file((int)a->arg[0]);

	if (!f)
		return -EBADF;
	if (!S_ISTYPE(f->inode->mode, S_IFDIR))
		return -ENOTDIR;
	vfs_set_cwd(vfs_path_get(f->path));
	return 0;
}

/* Returns the length with the NUL, as the system call does. */
long sys_getcwd(const struct syscall_args *a)
{
	size_t size = a->arg[1] < VFS_PATH_MAX ? a->arg[1] : VFS_PATH_MAX;
	char *buf = kmalloc(VFS_PATH_MAX);
	long r;

	if (!buf)
		return -ENOMEM;
	r = vfs_path_string(vfs_cwd(), buf, size);
	if (r >= 0) {
		if (copy_to_user(sys_fs_uptr(a->arg[0]), buf, (size_t)r + 1) < 0)
			r = -EFAULT;
		else
			r++;
	}
	kfree(buf);
	return r;
}
