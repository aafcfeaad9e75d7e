/* devfs.c: the character devices (devfs.h) and the /dev tree that names them. The console
 * devices carry the tty state that used to live in the console syscalls: termios and the
 * window size are stored and reported back but not applied (the console driver neither
 * echoes nor edits lines); the window size is 0x0, as a Linux serial console reports. */
#include "drivers/tty_ioctl.h"
#include "core/errno.h"
#include "core/random.h"
#include "drivers/console.h"
#include "fs/devfs.h"
#include "fs/file.h"
#include "fs/poll.h"
#include "fs/tmpfs.h"
#include "lib/string.h"
#include "mm/uaccess.h"

static long null_read(struct file *f, void *buf, size_t n)
{
	return 0;
}

static long sink_write(struct file *f, const void *buf, size_t n)
{
	return (long)n;
}

static long zero_read(struct file *f, void *buf, size_t n)
{
	memset(buf, 0, n);
	return (long)n;
}

static long full_write(struct file *f, const void *buf, size_t n)
{
	return n ? -ENOSPC : 0;
}

static long random_read(struct file *f, void *buf, size_t n)
{
	random_bytes(buf, n);
	return (long)n;
}

/* Blocks for the first byte (-EAGAIN instead with O_NONBLOCK), then takes what is
 * already there; 0 at end of input. */
static long console_dev_read(struct file *f, void *buf, size_t n)
{
	size_t done = 0;

	if (n == 0)
		return 0;
	if ((f->flags & O_NONBLOCK) && !(console_poll(NULL) & POLLIN))
		return -EAGAIN;
	do {
		long r = console_read((char *)buf + done, n - done);
		if (r < 0 && done == 0)
			return r;
		if (r <= 0)
			break;
		done += (size_t)r;
	} while (done < n && console_readable() > 0);
	return (long)done;
}

static long console_dev_write(struct file *f, const void *buf, size_t n)
{
	int stream = f->inode->rdev == MKDEV(4, 65) ? 2 : 1;
	return (long)console_write(stream, buf, n);
}

static unsigned console_dev_poll(struct file *f, struct poll_table *pt)
{
	return console_poll(pt);
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
 * usual control characters (^C ^\ DEL ^U ^D, VMIN 1, ^Q ^S ^Z, ^R ^O ^W ^V). One tty:
 * every console device shares it. */
static struct tty_termios tty_termios = {
	.iflag = 0002400,
	.oflag = 0000005,
	.cflag = 0016262,
	.lflag = 0105073,
	.cc = {003, 034, 0177, 025, 004, 0, 1, 0, 021, 023, 032, 0, 022, 017, 027, 026, 0},
};
static struct tty_winsize tty_winsize;

static void *uptr(uint64_t v)
{
	return (void *)(uintptr_t)v;
}

static long put_int(uint64_t uaddr, int v)
{
	return copy_to_user(uptr(uaddr), &v, sizeof(v)) < 0 ? -EFAULT : 0;
}

static long get_int(uint64_t uaddr, int *v)
{
	return copy_from_user(v, uptr(uaddr), sizeof(*v)) < 0 ? -EFAULT : 0;
}

static long console_ioctl(struct file *f, unsigned req, uint64_t arg)
{
	struct tty_termios t;
	struct tty_winsize w;
	size_t avail;
	int v;

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
		avail = console_readable();
		return put_int(arg, avail > 0x7fffffff ? 0x7fffffff : (int)avail);
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
		return 0;
	}
	return -ENOTTY;
}

#define CONSOLE(ma, mi)                                                                            \
	{                                                                                          \
		MKDEV(ma, mi), true, console_dev_read, console_dev_write, console_ioctl,           \
			console_dev_poll                                                           \
	}

static const struct chrdev devices[] = {
	{MKDEV(1, 3), false, null_read, sink_write, NULL, NULL},
	{MKDEV(1, 5), false, zero_read, sink_write, NULL, NULL},
	{MKDEV(1, 7), false, zero_read, full_write, NULL, NULL},
	{MKDEV(1, 8), false, random_read, sink_write, NULL, NULL},
	{MKDEV(1, 9), false, random_read, sink_write, NULL, NULL},
	CONSOLE(5, 0),
	CONSOLE(5, 1),
	CONSOLE(4, 64),
	CONSOLE(4, 65),
};

const struct chrdev *vfs_chrdev_find(uint32_t rdev)
{
	for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++)
		if (devices[i].rdev == rdev)
			return &devices[i];
	return NULL;
}

static const struct {
	const char *name;
	uint32_t rdev, mode, gid;
} nodes[] = {
	{"null", MKDEV(1, 3), 0666, 0},	   {"zero", MKDEV(1, 5), 0666, 0},
	{"full", MKDEV(1, 7), 0666, 0},	   {"random", MKDEV(1, 8), 0666, 0},
	{"urandom", MKDEV(1, 9), 0666, 0}, {"tty", MKDEV(5, 0), 0666, 5},
	{"console", MKDEV(5, 1), 0600, 0}, {"ttyS0", MKDEV(4, 64), 0620, 5},
	{"ttyS1", MKDEV(4, 65), 0620, 5},
};

static const struct {
	const char *name, *target;
} links[] = {
	{"stdin", "ttyS0"},
	{"stdout", "ttyS0"},
	{"stderr", "ttyS1"},
};

struct super_block *devfs_create(void)
{
	struct super_block *sb = tmpfs_create(0755);
	struct inode *root, *in;

	if (!sb)
		return NULL;
	sb->fstype = "devtmpfs";
	root = sb->root;
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		if (root->ops->create(root, nodes[i].name, strlen(nodes[i].name),
				      S_IFCHR | nodes[i].mode, nodes[i].rdev, &in) < 0)
			return NULL;
		in->gid = nodes[i].gid;
		vfs_iput(in);
	}
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		if (root->ops->symlink(root, links[i].name, strlen(links[i].name), links[i].target,
				       &in) < 0)
			return NULL;
		vfs_iput(in);
	}
	if (root->ops->mkdir(root, "shm", 3, 01777, &in) < 0)
		return NULL;
	vfs_iput(in);
	return sb;
}
