/* sys_info.c: who and where the program runs: uname, sysinfo, getrandom. (Scheduler
 * calls are in sys_sched.c.) */
#include "core/errno.h"
#include "core/random.h"
#include "core/time.h"
#include "core/uts.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "mm/uaccess.h"
#include "syscall/sys.h"

#define MAX_RW_COUNT 0x7ffff000UL

struct info_utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

/* The values are in core/uts.h, shared with /proc. */
long sys_uname(const struct syscall_args *a)
{
	struct info_utsname u;

	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, UTS_SYSNAME, sizeof(u.sysname));
	strlcpy(u.nodename, UTS_NODENAME, sizeof(u.nodename));
	strlcpy(u.release, UTS_RELEASE, sizeof(u.release));
	strlcpy(u.version, UTS_VERSION, sizeof(u.version));
	strlcpy(u.machine, UTS_MACHINE, sizeof(u.machine));
	strlcpy(u.domainname, UTS_DOMAINNAME, sizeof(u.domainname));
	return copy_to_user((void *)(uintptr_t)a->arg[0], &u, sizeof(u)) < 0 ? -EFAULT : 0;
}

struct info_sysinfo {
	int64_t uptime;
	uint64_t loads[3];
	uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	char reserved[4];
};

long sys_sysinfo(const struct syscall_args *a)
{
	struct info_sysinfo s;
	uint64_t ns = time_monotonic_ns();

	memset(&s, 0, sizeof(s));
	s.uptime = (int64_t)(ns / 1000000000 + (ns % 1000000000 ? 1 : 0)); /* rounded up */
	s.totalram = pmm_total_pages() * 4096;
	s.freeram = pmm_free_pages() * 4096;
	s.procs = 1;
	s.mem_unit = 1;
	return copy_to_user((void *)(uintptr_t)a->arg[0], &s, sizeof(s)) < 0 ? -EFAULT : 0;
}

#define GRND_NONBLOCK 1
#define GRND_RANDOM 2
#define GRND_INSECURE 4

/* The generator never blocks once seeded at boot, so every flag combination Linux accepts
 * gives the same bytes at once. */
long sys_getrandom(const struct syscall_args *a)
{
	uint8_t chunk[256];
	uint64_t ubuf = a->arg[0];
	size_t len = a->arg[1], done = 0;
	unsigned flags = (unsigned)a->arg[2];

	if (flags & ~(unsigned)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	if (!user_range_ok(ubuf, len))
		return -EFAULT;
	while (done < len) {
		size_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
		random_bytes(chunk, n);
		if (copy_to_user((void *)(uintptr_t)(ubuf + done), chunk, n) < 0)
			break;
		done += n;
	}
	memset(chunk, 0, sizeof(chunk)); /* no key material left on the stack */
	return done || len == 0 ? (long)done : -EFAULT;
}
