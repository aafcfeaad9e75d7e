/* sys_io.c: I/O on the console, readlink and getcwd, until there is a file system.
 *
 * fds 0, 1 and 2 are one serial tty, as on a Linux console: reads on any of them take the
 * console input, writes to 0 and 1 go to stdout and writes to 2 to stderr
 * (drivers/console.h). Every other fd is EBADF. The tty settings (termios, window size)
 * are stored and reported back but not applied: the console driver neither echoes nor
 * edits lines. The window size is 0x0, which is what a Linux serial console reports.
 *
 * Transfers go through a bounce buffer on the kernel stack in chunks of CHUNK bytes. As in
 * Linux, a count is capped at MAX_RW_COUNT, a range outside user space is EFAULT up
 * front, and a fault part way through returns the bytes done so far (EFAULT if none). */
#include <stdbool.h>

#include "core/errno.h"
#include "drivers/console.h"
#include "lib/string.h"
#include "mm/uaccess.h"
#include "syscall/sys.h"

#define CHUNK 512
#define MAX_RW_COUNT 0x7ffff000UL /* INT_MAX rounded down to a page */
#define UIO_MAXIOV 1024
#define AT_FDCWD (-100)

const char *proc_exe_path;

static bool is_console(unsigned fd)
{
	return fd <= 2;
}

static void *uptr(uint64_t v)
{
	return (void *)(uintptr_t)v;
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* Write count program bytes at ubuf to the console stream of fd. */
static long console_out(unsigned fd, uint64_t ubuf, size_t count)
{
	char chunk[CHUNK];
	int stream = fd == 2 ? 2 : 1;
	size_t done = 0;

	count = min_size(count, MAX_RW_COUNT);
	if (!user_range_ok(ubuf, count))
		return -EFAULT;
	while (done < count) {
		size_t n = min_size(count - done, CHUNK);
		if (copy_from_user(chunk, uptr(ubuf + done), n) < 0) {
			/* Find where the fault is and write what comes before it. */
			size_t ok = 0;
			while (ok < n && copy_from_user(chunk + ok, uptr(ubuf + done + ok), 1) == 0)
				ok++;
			console_write(stream, chunk, ok);
			done += ok;
			return done ? (long)done : -EFAULT;
		}
		console_write(stream, chunk, n);
		done += n;
	}
	return (long)done;
}

/* Read up to count bytes of console input to ubuf: blocks for the first byte, then takes
 * what is already there. 0 at end of input. */
static long console_in(uint64_t ubuf, size_t count)
{
	char chunk[CHUNK];
	size_t done = 0;

	count = min_size(count, MAX_RW_COUNT);
	if (count == 0)
		return 0;
	if (!user_range_ok(ubuf, count))
		return -EFAULT;
	do {
		long n = console_read(chunk, min_size(count - done, CHUNK));
		if (n <= 0)
			break;
		if (copy_to_user(uptr(ubuf + done), chunk, (size_t)n) < 0)
			return done ? (long)done : -EFAULT;
		done += (size_t)n;
	} while (done < count && console_readable() > 0);
	return (long)done;
}

long sys_read(const struct syscall_args *a)
{
	if (!is_console((unsigned)a->arg[0]))
		return -EBADF;
	return console_in(a->arg[1], a->arg[2]);
}

long sys_write(const struct syscall_args *a)
{
	unsigned fd = (unsigned)a->arg[0];

	if (!is_console(fd))
		return -EBADF;
	return console_out(fd, a->arg[1], a->arg[2]);
}

struct io_vec {
	uint64_t base, len;
};

/* Linux checks the whole vector before any transfer: count <= UIO_MAXIOV, no negative
 * length, every buffer inside user space. 0 or -errno. */
static long check_iov(uint64_t uiov, uint64_t count)
{
	struct io_vec v;

	if (count > UIO_MAXIOV)
		return -EINVAL;
	for (uint64_t i = 0; i < count; i++) {
		if (copy_from_user(&v, uptr(uiov + i * sizeof(v)), sizeof(v)) < 0)
			return -EFAULT;
		if ((int64_t)v.len < 0)
			return -EINVAL;
		if (!user_range_ok(v.base, v.len))
			return -EFAULT;
	}
	return 0;
}

/* One transfer over the vector; in = read. The total is capped at MAX_RW_COUNT. */
static long transfer_iov(unsigned fd, uint64_t uiov, uint64_t count, bool in)
{
	struct io_vec v;
	size_t done = 0;
	long r = check_iov(uiov, count);

	if (r < 0)
		return r;
	for (uint64_t i = 0; i < count && done < MAX_RW_COUNT; i++) {
		if (copy_from_user(&v, uptr(uiov + i * sizeof(v)), sizeof(v)) < 0)
			return done ? (long)done : -EFAULT;
		size_t len = min_size(v.len, MAX_RW_COUNT - done);
		if (len == 0)
			continue;
		if (in && done > 0 && console_readable() == 0)
			break;
		r = in ? console_in(v.base, len) : console_out(fd, v.base, len);
		if (r < 0)
			return done ? (long)done : r;
		done += (size_t)r;
		if ((size_t)r < len)
			break;
	}
	return (long)done;
}

long sys_readv(const struct syscall_args *a)
{
	unsigned fd = (unsigned)a->arg[0];

	if (!is_console(fd))
		return -EBADF;
	return transfer_iov(fd, a->arg[1], a->arg[2], true);
}

long sys_writev(const struct syscall_args *a)
{
	unsigned fd = (unsigned)a->arg[0];

	if (!is_console(fd))
		return -EBADF;
	return transfer_iov(fd, a->arg[1], a->arg[2], false);
}

/* A tty cannot seek. */
static long positioned(const struct syscall_args *a)
{
	if ((int64_t)a->arg[3] < 0)
		return -EINVAL;
	if (!is_console((unsigned)a->arg[0]))
		return -EBADF;
	return -ESPIPE;
}

long sys_pread64(const struct syscall_args *a)
{
	return positioned(a);
}

long sys_pwrite64(const struct syscall_args *a)
{
	return positioned(a);
}

/* struct termios as TCGETS/TCSETS use it (not glibc's, which adds speeds). */
struct tty_termios {
	uint32_t iflag, oflag, cflag, lflag;
	uint8_t line;
	uint8_t cc[19];
};

struct tty_winsize {
	uint16_t row, col, xpixel, ypixel;
};

/* What Linux sets up for a serial console at 115200 baud: ICRNL|IXON; OPOST|ONLCR;
 * B115200|CS8|CREAD|HUPCL|CLOCAL; ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHOCTL|ECHOKE|IEXTEN; the
 * usual control characters (^C ^\ DEL ^U ^D, VMIN 1, ^Q ^S ^Z, ^R ^O ^W ^V). */
static struct tty_termios tty_termios = {
	.iflag = 0002400,
	.oflag = 0000005,
	.cflag = 0016262,
	.lflag = 0105073,
	.cc = {003, 034, 0177, 025, 004, 0, 1, 0, 021, 023, 032, 0, 022, 017, 027, 026, 0},
};
static struct tty_winsize tty_winsize;

#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TCSBRK 0x5409
#define TCXONC 0x540a
#define TCFLSH 0x540b
#define TIOCSCTTY 0x540e
#define TIOCGPGRP 0x540f
#define TIOCSPGRP 0x5410
#define TIOCOUTQ 0x5411
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD 0x541b
#define FIONBIO 0x5421
#define TIOCNOTTY 0x5422
#define TCSBRKP 0x5425
#define TIOCGSID 0x5429
#define FIONCLEX 0x5450
#define FIOCLEX 0x5451
#define FIOASYNC 0x5452

static long put_int(uint64_t uaddr, int v)
{
	return copy_to_user(uptr(uaddr), &v, sizeof(v)) < 0 ? -EFAULT : 0;
}

static long get_int(uint64_t uaddr, int *v)
{
	return copy_from_user(v, uptr(uaddr), sizeof(*v)) < 0 ? -EFAULT : 0;
}

long sys_ioctl(const struct syscall_args *a)
{
	uint32_t req = (uint32_t)a->arg[1];
	uint64_t arg = a->arg[2];
	struct tty_termios t;
	struct tty_winsize w;
	int v;

	if (!is_console((unsigned)a->arg[0]))
		return -EBADF;
	switch (req) {
	case TCGETS:
		return copy_to_user(uptr(arg), &tty_termios, sizeof(t)) < 0 ? -EFAULT : 0;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		if (copy_from_user(&t, uptr(arg), sizeof(t)) < 0)
			return -EFAULT;
		tty_termios = t;
		return 0;
	case TIOCGWINSZ:
		return copy_to_user(uptr(arg), &tty_winsize, sizeof(w)) < 0 ? -EFAULT : 0;
	case TIOCSWINSZ:
		if (copy_from_user(&w, uptr(arg), sizeof(w)) < 0)
			return -EFAULT;
		tty_winsize = w;
		return 0;
	case TIOCGPGRP:
	case TIOCGSID:
		return put_int(arg, 1); /* the program is its own session and group */
	case TIOCSPGRP:
		if (get_int(arg, &v) < 0)
			return -EFAULT;
		return v < 0 ? -EINVAL : v != 1 ? -ESRCH : 0;
	case FIONREAD:
		return put_int(arg, (int)min_size(console_readable(), 0x7fffffff));
	case TIOCOUTQ:
		return put_int(arg, 0); /* output is written synchronously */
	case FIONBIO:
	case FIOASYNC:
		return get_int(arg, &v); /* accepted, not applied */
	case TCFLSH:
		return arg > 2 ? -EINVAL : 0;
	case TCSBRK:
	case TCSBRKP:
	case TCXONC:
	case TIOCSCTTY:
	case TIOCNOTTY:
	case FIOCLEX:
	case FIONCLEX:
		return 0;
	}
	return -ENOTTY;
}

static bool streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/* readlink of the only symlink there is. Other paths do not exist (a path too long for
 * the buffer cannot be /proc/self/exe either). The result has no NUL and is cut to
 * bufsiz, as in Linux. */
static long do_readlink(int dirfd, uint64_t upath, uint64_t ubuf, int bufsiz)
{
	char path[32];
	long n;
	size_t len;

	if (bufsiz <= 0)
		return -EINVAL;
	n = strncpy_from_user(path, uptr(upath), sizeof(path));
	if (n == -EFAULT)
		return -EFAULT;
	if (n <= 0)
		return -ENOENT;
	if (path[0] != '/' && dirfd != AT_FDCWD)
		return is_console((unsigned)dirfd) ? -ENOTDIR : -EBADF;
	/* The working directory is "/". */
	if (!streq(path, "/proc/self/exe") && !streq(path, "proc/self/exe") &&
	    !streq(path, "/proc/1/exe") && !streq(path, "proc/1/exe"))
		return -ENOENT;
	if (!proc_exe_path)
		return -ENOENT;
	len = min_size(strlen(proc_exe_path), (size_t)bufsiz);
	if (copy_to_user(uptr(ubuf), proc_exe_path, len) < 0)
		return -EFAULT;
	return (long)len;
}

long sys_readlink(const struct syscall_args *a)
{
	return do_readlink(AT_FDCWD, a->arg[0], a->arg[1], (int)a->arg[2]);
}

long sys_readlinkat(const struct syscall_args *a)
{
	return do_readlink((int)a->arg[0], a->arg[1], a->arg[2], (int)a->arg[3]);
}

/* The working directory is always "/": returns the length with the NUL. */
long sys_getcwd(const struct syscall_args *a)
{
	static const char cwd[] = "/";

	if (a->arg[1] < sizeof(cwd))
		return -ERANGE;
	if (copy_to_user(uptr(a->arg[0]), cwd, sizeof(cwd)) < 0)
		return -EFAULT;
	return sizeof(cwd);
}
