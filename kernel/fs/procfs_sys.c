/* procfs_sys.c: the system-wide files of /proc (procfs_gen.h): meminfo, stat, uptime,
 * loadavg, version, filesystems and the /proc/sys values. Memory comes from the page
 * allocator's counters and the page cache; time from the monotonic and wall clocks.
 * Idle time is not accounted, so the CPU counts everything since boot as user time and
 * uptime's idle figure is 0. */
#include "core/random.h"
#include "core/time.h"
#include "core/uts.h"
#include "fs/pagecache.h"
#include "fs/procfs_gen.h"
#include "mm/pmm.h"
#include "mm/vm.h"

#define PAGE_KB 4
#define NS_PER_SEC 1000000000ULL

void procfs_show_meminfo(struct genfs_out *o)
{
	uint64_t total = pmm_total_pages() * PAGE_KB, free = pmm_free_pages() * PAGE_KB;
	uint64_t cached = pagecache_pages() * PAGE_KB, anon = vm_resident_pages() * PAGE_KB;
	uint64_t avail = free + cached < total ? free + cached : total;

	procfs_kb_line(o, "MemTotal:", total);
	procfs_kb_line(o, "MemFree:", free);
	procfs_kb_line(o, "MemAvailable:", avail);
	procfs_kb_line(o, "Buffers:", 0);
	procfs_kb_line(o, "Cached:", cached);
	procfs_kb_line(o, "SwapCached:", 0);
	procfs_kb_line(o, "Active:", anon + cached);
	procfs_kb_line(o, "Inactive:", 0);
	procfs_kb_line(o, "SwapTotal:", 0);
	procfs_kb_line(o, "SwapFree:", 0);
	procfs_kb_line(o, "Dirty:", 0);
	procfs_kb_line(o, "Writeback:", 0);
	procfs_kb_line(o, "AnonPages:", anon);
	procfs_kb_line(o, "Mapped:", 0);
	procfs_kb_line(o, "Shmem:", 0);
	procfs_kb_line(o, "Slab:", 0);
	procfs_kb_line(o, "SReclaimable:", 0);
	procfs_kb_line(o, "SUnreclaim:", 0);
	procfs_kb_line(o, "KernelStack:", 0);
	procfs_kb_line(o, "PageTables:", 0);
	procfs_kb_line(o, "CommitLimit:", total);
	procfs_kb_line(o, "Committed_AS:", anon);
	procfs_kb_line(o, "VmallocTotal:", 0);
	procfs_kb_line(o, "VmallocUsed:", 0);
	procfs_kb_line(o, "VmallocChunk:", 0);
	procfs_count_line(o, "HugePages_Total:", 0);
	procfs_count_line(o, "HugePages_Free:", 0);
	procfs_count_line(o, "HugePages_Rsvd:", 0);
	procfs_count_line(o, "HugePages_Surp:", 0);
	procfs_kb_line(o, "Hugepagesize:", 2048);
	procfs_kb_line(o, "Hugetlb:", 0);
}

static uint64_t boot_time_sec(void)
{
	return (time_realtime_ns() - time_monotonic_ns()) / NS_PER_SEC;
}

void procfs_show_stat_sys(struct genfs_out *o)
{
	unsigned long t = (unsigned long)(time_monotonic_ns() / (NS_PER_SEC / PROC_USER_HZ));

	genfs_printf(o, "cpu  %lu 0 0 0 0 0 0 0 0 0\n", t);
	genfs_printf(o, "cpu0 %lu 0 0 0 0 0 0 0 0 0\n", t);
	genfs_printf(o, "intr 0\nctxt 0\nbtime %lu\nprocesses 1\nprocs_running 1\n",
		     (unsigned long)boot_time_sec());
	genfs_printf(o, "procs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n");
}

void procfs_show_uptime(struct genfs_out *o)
{
	uint64_t cs = time_monotonic_ns() / (NS_PER_SEC / 100);

	genfs_printf(o, "%lu.%02lu 0.00\n", (unsigned long)(cs / 100), (unsigned long)(cs % 100));
}

void procfs_show_loadavg(struct genfs_out *o)
{
	genfs_printf(o, "0.00 0.00 0.00 1/1 %d\n", PROC_PID);
}

void procfs_show_version(struct genfs_out *o)
{
	genfs_puts(o, UTS_SYSNAME " version " UTS_RELEASE " (isle@isle) (isle) " UTS_VERSION "\n");
}

void procfs_show_filesystems(struct genfs_out *o)
{
	genfs_puts(o, "nodev\tsysfs\nnodev\ttmpfs\nnodev\tdevtmpfs\nnodev\tproc\n\text2\n");
}

void procfs_show_hostname(struct genfs_out *o)
{
	genfs_puts(o, UTS_NODENAME "\n");
}

void procfs_show_osrelease(struct genfs_out *o)
{
	genfs_puts(o, UTS_RELEASE "\n");
}

void procfs_show_ostype(struct genfs_out *o)
{
	genfs_puts(o, UTS_SYSNAME "\n");
}

void procfs_show_kversion(struct genfs_out *o)
{
	genfs_puts(o, UTS_VERSION "\n");
}

void procfs_show_pid_max(struct genfs_out *o)
{
	genfs_puts(o, "4194304\n");
}

/* A random (version 4) UUID in its text form. */
static void format_uuid(char out[37], const uint8_t b[16])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t v[16];
	int k = 0;

	for (int i = 0; i < 16; i++)
		v[i] = b[i];
	v[6] = (uint8_t)((v[6] & 0x0f) | 0x40);
	v[8] = (uint8_t)((v[8] & 0x3f) | 0x80);
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[k++] = '-';
		out[k++] = hex[v[i] >> 4];
		out[k++] = hex[v[i] & 15];
	}
	out[k] = '\0';
}

void procfs_show_boot_id(struct genfs_out *o)
{
	static char id[37];

	if (!id[0]) {
		uint8_t b[16];
		random_bytes(b, sizeof(b));
		format_uuid(id, b);
	}
	genfs_printf(o, "%s\n", id);
}

/* A new UUID on every read from the start (a read in pieces must see one value). */
void procfs_show_uuid(struct genfs_out *o)
{
	static char id[37];

	if (o->off == 0 || !id[0]) {
		uint8_t b[16];
		random_bytes(b, sizeof(b));
		format_uuid(id, b);
	}
	genfs_printf(o, "%s\n", id);
}

void procfs_show_overcommit(struct genfs_out *o)
{
	genfs_puts(o, "0\n");
}
