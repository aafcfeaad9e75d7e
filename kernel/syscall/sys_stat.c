/* sys_stat.c: fstat and newfstatat. There is no file system yet: fds 0-2 are the serial
 * console and stat as Linux's /dev/ttyS0 does (a character device, major 4 minor 64,
 * group tty); a path names nothing (ENOENT). */
#include "core/errno.h"
#include "core/time.h"
#include "lib/string.h"
#include "mm/uaccess.h"
#include "syscall/sys.h"

#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_NO_AUTOMOUNT 0x800
#define AT_EMPTY_PATH 0x1000
#define S_IFCHR 0020000

/* struct stat of the x86-64 Linux ABI (144 bytes). */
struct linux_stat {
	uint64_t st_dev, st_ino, st_nlink;
	uint32_t st_mode, st_uid, st_gid, pad0;
	uint64_t st_rdev;
	int64_t st_size, st_blksize, st_blocks;
	int64_t st_atime_sec, st_atime_nsec, st_mtime_sec, st_mtime_nsec;
	int64_t st_ctime_sec, st_ctime_nsec;
	int64_t unused[3];
};
_Static_assert(sizeof(struct linux_stat) == 144, "struct stat layout");

static long stat_console(unsigned fd, uint64_t ustat)
{
	struct linux_stat st;
	memset(&st, 0, sizeof(st));
	st.st_dev = 5; /* devtmpfs-like device number */
	st.st_ino = 100 + fd;
	st.st_nlink = 1;
	st.st_mode = S_IFCHR | 0620; /* crw--w---- root:tty, as a serial console */
	st.st_gid = 5;
	st.st_rdev = (4 << 8) | 64; /* makedev(4, 64): ttyS0 */
	st.st_blksize = 1024;
	uint64_t now = time_realtime_ns();
	st.st_atime_sec = st.st_mtime_sec = st.st_ctime_sec = now / 1000000000;
	st.st_atime_nsec = st.st_mtime_nsec = st.st_ctime_nsec = now % 1000000000;
	return copy_to_user((void *)ustat, &st, sizeof(st));
}

long sys_fstat(const struct syscall_args *a)
{
	unsigned fd = a->arg[0];
	if (fd > 2)
		return -EBADF;
	return stat_console(fd, a->arg[1]);
}

long sys_newfstatat(const struct syscall_args *a)
{
	int dirfd = (int)a->arg[0];
	uint64_t flags = a->arg[3];
	char path[2];
	if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH))
		return -EINVAL;
	long n = strncpy_from_user(path, (const char *)a->arg[1], sizeof(path));
	if (n == -EFAULT)
		return -EFAULT;
	if (n == 0) {
		if (!(flags & AT_EMPTY_PATH))
			return -ENOENT;
		if (dirfd < 0 || dirfd > 2)
			return dirfd == AT_FDCWD ? -ENOENT : -EBADF;
		return stat_console(dirfd, a->arg[2]);
	}
	return -ENOENT; /* no file system yet */
}
