/* signalfd.c: a file that reads the reading thread's pending signals in its mask as
 * struct signalfd_siginfo records (128 bytes each), instead of delivering them. The
 * signals normally stay blocked; reading dequeues them like rt_sigtimedwait. Readable
 * (POLLIN) while one of them is pending for the thread that polls; every send wakes
 * signal_waitq, which poll and epoll wait on.
 *
 * Locking: BKL. */
#include "core/errno.h"
#include "fs/anonfile.h"
#include "fs/fdtable.h"
#include "fs/poll.h"
#include "mm/heap.h"
#include "sched/task.h"
#include "sched/wait.h"
#include "signal/internal.h"

#define SFD_CLOEXEC O_CLOEXEC
#define SFD_NONBLOCK O_NONBLOCK

struct signalfd_siginfo {
	uint32_t ssi_signo;
	int32_t ssi_errno, ssi_code;
	uint32_t ssi_pid, ssi_uid;
	int32_t ssi_fd;
	uint32_t ssi_tid, ssi_band, ssi_overrun, ssi_trapno;
	int32_t ssi_status, ssi_int;
	uint64_t ssi_ptr, ssi_utime, ssi_stime, ssi_addr;
	uint16_t ssi_addr_lsb, _pad2;
	int32_t ssi_syscall;
	uint64_t ssi_call_addr;
	uint32_t ssi_arch;
	uint8_t _pad[28];
};
_Static_assert(sizeof(struct signalfd_siginfo) == 128, "signalfd_siginfo");
_Static_assert(__builtin_offsetof(struct signalfd_siginfo, ssi_addr) == 72, "ssi_addr");

struct sigfd {
	uint64_t mask;
};

static bool is_fault(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP;
}

/* Linux's signalfd_copyinfo: which fields a siginfo carries depends on its si_code. */
static void to_ssi(const struct ksiginfo *in, struct signalfd_siginfo *o)
{
	__builtin_memset(o, 0, sizeof(*o));
	o->ssi_signo = (uint32_t)in->si_signo;
	o->ssi_errno = in->si_errno;
	o->ssi_code = in->si_code;
	if (in->si_code == SI_TIMER) {
		o->ssi_tid = (uint32_t)in->timer.tid;
		o->ssi_overrun = (uint32_t)in->timer.overrun;
		o->ssi_ptr = in->timer.value;
		o->ssi_int = (int32_t)in->timer.value;
	} else if (in->si_code < 0) {
		o->ssi_pid = (uint32_t)in->rt.pid;
		o->ssi_uid = in->rt.uid;
		o->ssi_ptr = in->rt.value;
		o->ssi_int = (int32_t)in->rt.value;
	} else if (in->si_code > 0 && in->si_code != SI_KERNEL && is_fault(in->si_signo)) {
		o->ssi_addr = in->fault.addr;
	} else {
		o->ssi_pid = (uint32_t)in->kill.pid;
		o->ssi_uid = in->kill.uid;
	}
}

static bool readable(const struct sigfd *s)
{
	uint64_t pend = current->sig.pending | *signal_proc_set();
	return (pend & s->mask) != 0;
}

static long sigfd_read(struct file *f, void *buf, size_t n)
{
	struct sigfd *s = f->priv;
	size_t count = n / sizeof(struct signalfd_siginfo), done = 0;
	struct ksiginfo info;

	if (!count)
		return -EINVAL;
	while (done < count) {
		int sig = signal_dequeue(s->mask, &info);
		if (sig) {
			to_ssi(&info, (struct signalfd_siginfo *)buf + done++);
			continue;
		}
		if (done)
			break;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		struct waiter w;
		int r = 0;
		waiter_init(&w, current);
		waitq_add(signal_waitq(), &w);
		while (!readable(s) && r == 0) {
			r = waiter_sleep(&w, 0, WAIT_INTERRUPTIBLE);
			if (r == 0 && signal_pending(current))
				r = -EINTR;
		}
		waitq_remove(&w);
		if (r < 0)
			return -ERESTARTSYS;
	}
	return (long)(done * sizeof(struct signalfd_siginfo));
}

static unsigned sigfd_poll(struct file *f, struct poll_table *pt)
{
	struct sigfd *s = f->priv;

	poll_wait(pt, signal_waitq());
	return readable(s) ? POLLIN : 0;
}

static void sigfd_release(struct file *f)
{
	kfree(f->priv);
}

static const struct file_ops sigfd_ops = {
	.read = sigfd_read,
	.poll = sigfd_poll,
	.release = sigfd_release,
};

long signal_signalfd(int fd, uint64_t mask, int flags)
{
	mask &= ~SIG_UNBLOCKABLE;
	if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK))
		return -EINVAL;
	if (fd != -1) {
		struct file *f = fd_get(fd);
		if (!f)
			return -EBADF;
		if (f->fops != &sigfd_ops)
			return -EINVAL;
		((struct sigfd *)f->priv)->mask = mask;
		waitq_wake_all(signal_waitq(), POLLIN);
		return fd;
	}
	struct sigfd *s = kmalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->mask = mask;
	struct file *f;
	int r = anon_file_new(ANON_MODE, &sigfd_ops, s, O_RDWR | (flags & SFD_NONBLOCK), &f);
	if (r < 0) {
		kfree(s);
		return r;
	}
	return fd_install(f, 0, flags & SFD_CLOEXEC);
}
