/* sys_rlimit.c: resource limits (prlimit64, getrlimit, setrlimit). The values are what a
 * Linux system gives a root process by default; they are stored and reported but not
 * enforced (the stack, for one, is sized by the ELF loader). The program is root, so it
 * may raise hard limits, except RLIMIT_NOFILE beyond fs.nr_open, as in Linux. */
#include "core/errno.h"
#include "mm/uaccess.h"
#include "syscall/sys.h"

#define RLIM_INFINITY UINT64_MAX
#define RLIM_NLIMITS 16
#define RLIMIT_NOFILE 7
#define NR_OPEN 1048576 /* fs.nr_open default */
#define PROC_PID 1

struct proc_rlimit {
	uint64_t cur, max;
};

#define INF RLIM_INFINITY
static struct proc_rlimit rlimits[RLIM_NLIMITS] = {
	{INF, INF},		/* CPU */
	{INF, INF},		/* FSIZE */
	{INF, INF},		/* DATA */
	{8UL << 20, INF},	/* STACK */
	{0, INF},		/* CORE */
	{INF, INF},		/* RSS */
	{4096, 4096},		/* NPROC */
	{1024, 4096},		/* NOFILE */
	{8UL << 20, 8UL << 20}, /* MEMLOCK */
	{INF, INF},		/* AS */
	{INF, INF},		/* LOCKS */
	{4096, 4096},		/* SIGPENDING */
	{819200, 819200},	/* MSGQUEUE */
	{0, 0},			/* NICE */
	{0, 0},			/* RTPRIO */
	{INF, INF},		/* RTTIME */
};

/* Linux's do_prlimit: new and/or old may be NULL. */
static long do_prlimit(unsigned resource, const struct proc_rlimit *new, struct proc_rlimit *old)
{
	if (resource >= RLIM_NLIMITS)
		return -EINVAL;
	if (new) {
		if (new->cur > new->max)
			return -EINVAL;
		if (resource == RLIMIT_NOFILE && new->max > NR_OPEN)
			return -EPERM;
	}
	if (old)
		*old = rlimits[resource];
	if (new)
		rlimits[resource] = *new;
	return 0;
}

long sys_prlimit64(const struct syscall_args *a)
{
	struct proc_rlimit new, old;
	void *unew = (void *)(uintptr_t)a->arg[2], *uold = (void *)(uintptr_t)a->arg[3];
	int pid = (int)a->arg[0];
	long r;

	if (unew && copy_from_user(&new, unew, sizeof(new)) < 0)
		return -EFAULT;
	if (pid != 0 && pid != PROC_PID)
		return -ESRCH;
	r = do_prlimit((unsigned)a->arg[1], unew ? &new : NULL, uold ? &old : NULL);
	if (r < 0)
		return r;
	if (uold && copy_to_user(uold, &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

long sys_getrlimit(const struct syscall_args *a)
{
	struct proc_rlimit old;
	long r = do_prlimit((unsigned)a->arg[0], NULL, &old);

	if (r < 0)
		return r;
	return copy_to_user((void *)(uintptr_t)a->arg[1], &old, sizeof(old)) < 0 ? -EFAULT : 0;
}

long sys_setrlimit(const struct syscall_args *a)
{
	struct proc_rlimit new;

	if (copy_from_user(&new, (void *)(uintptr_t)a->arg[1], sizeof(new)) < 0)
		return -EFAULT;
	return do_prlimit((unsigned)a->arg[0], &new, NULL);
}
