/* sys_prctl.c: prctl and membarrier.
 *
 * prctl: the thread's name (current->comm, as /proc shows it), and process attributes
 * that are stored and reported but change nothing here (no other processes, no exec,
 * no core dumps, no seccomp): PDEATHSIG, DUMPABLE, NO_NEW_PRIVS, TIMERSLACK (kept per
 * process, where Linux keeps them per thread). The capability bounding set is full (the
 * program is root). Every other option is EINVAL, as Linux answers unknown ones.
 *
 * membarrier: the expedited and global commands make every other online CPU take an
 * interrupt and acknowledge it (the TLB shoot-down IPI with an empty range, which waits
 * for every answer), after a full fence here. x86 keeps each CPU's stores in order, so
 * once a CPU's acknowledgement is visible, every store it made before the interrupt is
 * too, and its earlier loads are complete (interrupts arrive between instructions): the
 * program's threads on those CPUs have passed a full barrier, which is the guarantee
 * membarrier gives. Threads not running are separated by the switch itself. */
#include "core/errno.h"
#include "lib/string.h"
#include "mm/uaccess.h"
#include "sched/smp.h"
#include "sched/task.h"
#include "signal/signal.h"
#include "syscall/sys.h"

#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PR_GET_SECCOMP 21
#define PR_CAPBSET_READ 23
#define PR_SET_TIMERSLACK 29
#define PR_GET_TIMERSLACK 30
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39
#define CAP_LAST_CAP 40
#define TIMERSLACK_DEFAULT 50000 /* ns */

#define MEMBARRIER_CMD_QUERY 0
#define MEMBARRIER_CMD_GLOBAL 1
#define MEMBARRIER_CMD_GLOBAL_EXPEDITED 2
#define MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED 4
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED 8
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED 16
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE 32
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE 64
#define MEMBARRIER_CMD_GET_REGISTRATIONS 512
#define MEMBARRIER_SUPPORTED                                                                       \
	(MEMBARRIER_CMD_GLOBAL | MEMBARRIER_CMD_GLOBAL_EXPEDITED |                                 \
	 MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED | MEMBARRIER_CMD_PRIVATE_EXPEDITED |             \
	 MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED | MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE |  \
	 MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE | MEMBARRIER_CMD_GET_REGISTRATIONS)

static int pdeathsig;
static int dumpable = 1;
static int no_new_privs;
static uint64_t timerslack = TIMERSLACK_DEFAULT;
static unsigned membarrier_registered; /* MEMBARRIER_CMD_REGISTER_* bits */

static long put_int(uint64_t uaddr, int v)
{
	return copy_to_user((void *)(uintptr_t)uaddr, &v, sizeof(v)) < 0 ? -EFAULT : 0;
}

/* PR_SET_NAME: up to 15 bytes, longer names cut, as Linux does. */
static long set_name(uint64_t uaddr)
{
	char name[TASK_COMM_LEN];
	size_t i;

	for (i = 0; i < TASK_COMM_LEN - 1; i++) {
		if (copy_from_user(&name[i], (const void *)(uintptr_t)(uaddr + i), 1) < 0)
			return -EFAULT;
		if (!name[i])
			break;
	}
	name[i] = 0;
	memcpy(current->comm, name, sizeof(name));
	return 0;
}

long sys_prctl(const struct syscall_args *a)
{
	uint64_t arg2 = a->arg[1];
	bool rest_zero = !a->arg[2] && !a->arg[3] && !a->arg[4];

	switch ((int)a->arg[0]) {
	case PR_SET_PDEATHSIG:
		if (arg2 > SIG_NSIG)
			return -EINVAL;
		pdeathsig = (int)arg2;
		return 0;
	case PR_GET_PDEATHSIG:
		return put_int(arg2, pdeathsig);
	case PR_GET_DUMPABLE:
		return dumpable;
	case PR_SET_DUMPABLE:
		if (arg2 > 1)
			return -EINVAL;
		dumpable = (int)arg2;
		return 0;
	case PR_SET_NAME:
		return set_name(arg2);
	case PR_GET_NAME:
		return copy_to_user((void *)(uintptr_t)arg2, current->comm, TASK_COMM_LEN) < 0
			       ? -EFAULT
			       : 0;
	case PR_GET_SECCOMP:
		return 0;
	case PR_CAPBSET_READ:
		return arg2 <= CAP_LAST_CAP ? 1 : -EINVAL;
	case PR_SET_TIMERSLACK:
		timerslack = arg2 ? arg2 : TIMERSLACK_DEFAULT;
		return 0;
	case PR_GET_TIMERSLACK:
		return (long)timerslack;
	case PR_SET_NO_NEW_PRIVS:
		if (arg2 != 1 || !rest_zero)
			return -EINVAL;
		no_new_privs = 1;
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		if (arg2 || !rest_zero)
			return -EINVAL;
		return no_new_privs;
	default:
		return -EINVAL;
	}
}

static void barrier_all_cpus(void)
{
	__asm__ volatile("mfence" ::: "memory");
	smp_tlb_shootdown(0, 0);
}

long sys_membarrier(const struct syscall_args *a)
{
	int cmd = (int)a->arg[0];
	unsigned flags = (unsigned)a->arg[1];

	if (flags)
		return -EINVAL;
	switch (cmd) {
	case MEMBARRIER_CMD_QUERY:
		return MEMBARRIER_SUPPORTED;
	case MEMBARRIER_CMD_GET_REGISTRATIONS:
		return membarrier_registered;
	case MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED:
	case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED:
	case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE:
		membarrier_registered |= (unsigned)cmd;
		return 0;
	case MEMBARRIER_CMD_GLOBAL_EXPEDITED:
	case MEMBARRIER_CMD_PRIVATE_EXPEDITED:
	case MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE:
		if (cmd != MEMBARRIER_CMD_GLOBAL_EXPEDITED && !(membarrier_registered & (cmd << 1)))
			return -EPERM;
		barrier_all_cpus();
		return 0;
	case MEMBARRIER_CMD_GLOBAL:
		barrier_all_cpus();
		return 0;
	default:
		return -EINVAL;
	}
}
