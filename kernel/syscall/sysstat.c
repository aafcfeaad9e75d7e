/* sysstat.c: the syscall_summary counters and the ring of recent calls (sysstat.h). */
#include "syscall/sysstat.h"

#include <stdbool.h>
#include <stddef.h>

#include "core/printk.h"
#include "lib/format.h"
#include "lib/string.h"
#include "syscall/names.h"

/* In core/main.c: the selftest=fault page fault, kept out of line for the backtrace. */
void selftest_fault(void);

struct recent_call sysstat_recent[SYSSTAT_RECENT];
uint64_t sysstat_recent_seq;
uint64_t sysstat_selftest_seq;
static int selftest_fault_wanted;

void sysstat_selftest_fire(void)
{
	if (selftest_fault_wanted)
		selftest_fault();
	panic("selftest: panic requested on syscall %lu by the selftest option",
	      (unsigned long)sysstat_selftest_seq);
}

void sysstat_selftest_arm(uint64_t n, int fault)
{
	sysstat_selftest_seq = n;
	selftest_fault_wanted = fault;
}

static void print_name(char *buf, size_t size, long nr)
{
	const char *name = syscall_name(nr);

	if (name)
		strlcpy(buf, name, size);
	else
		fmt_snprintf(buf, size, "syscall_%#lx", (unsigned long)nr);
}

void sysstat_recent_print(void)
{
	uint64_t last = sysstat_recent_seq;
	uint64_t first = last >= SYSSTAT_RECENT ? last - SYSSTAT_RECENT + 1 : 1;

	printk("isle:   last syscalls (oldest first):%s\n", last ? "" : " none");
	for (uint64_t s = first; s && s <= last; s++) {
		const struct recent_call *r = &sysstat_recent[s % SYSSTAT_RECENT];
		char name[32], result[32];

		if (r->seq != s)
			continue;
		print_name(name, sizeof(name), r->nr);
		if (r->done)
			fmt_snprintf(result, sizeof(result), "= %ld", r->ret);
		else
			strlcpy(result, "running", sizeof(result));
		printk("isle:     #%lu [tid %d] %s(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx) %s\n",
		       (unsigned long)s, r->tid, name, r->args[0], r->args[1], r->args[2],
		       r->args[3], r->args[4], r->args[5], result);
	}
}

/* One row per number below SYSCALL_NAMES_END and a last one for every other number. */
#define SUMMARY_ROWS (SYSCALL_NAMES_END + 1)

struct summary_row {
	uint64_t ns;
	uint32_t calls, errors;
};

static struct summary_row rows[SUMMARY_ROWS];

void sysstat_count(long nr, uint64_t ns, long ret)
{
	struct summary_row *r = &rows[nr >= 0 && nr < SYSCALL_NAMES_END ? nr : SUMMARY_ROWS - 1];

	r->ns += ns;
	r->calls++;
	if (ret < 0 && ret >= -4095)
		r->errors++;
}

static const char summary_rule[] = "------ ----------- ----------- --------- --------- "
				   "----------------";

/* "%6.2f %11.6f %11lu %9u %9s %s" in integers: the percentage in hundredths. */
static void print_row(uint64_t hundredths, uint64_t ns, uint64_t calls, uint64_t errors,
		      const char *name)
{
	uint64_t usecs = calls ? ns / 1000 / calls : 0;
	char err[16] = "";

	if (errors)
		fmt_snprintf(err, sizeof(err), "%lu", (unsigned long)errors);
	printk("%3lu.%02lu %4lu.%06lu %11lu %9lu %9s %s\n", (unsigned long)(hundredths / 100),
	       (unsigned long)(hundredths % 100), (unsigned long)(ns / 1000000000),
	       (unsigned long)(ns / 1000 % 1000000), (unsigned long)usecs, (unsigned long)calls,
	       err, name);
}

static void row_name(char *buf, size_t size, int row)
{
	if (row == SUMMARY_ROWS - 1)
		strlcpy(buf, "other", size);
	else
		print_name(buf, size, row);
}

/* Row a goes before row b: more time first, then by number (as strace -c). */
static bool before(int a, int b)
{
	if (rows[a].ns != rows[b].ns)
		return rows[a].ns > rows[b].ns;
	return a < b;
}

void sysstat_summary_print(void)
{
	static short order[SUMMARY_ROWS]; /* static: program_exit runs once */
	uint64_t total_ns = 0, calls = 0, errors = 0;
	int n = 0;

	for (int i = 0; i < SUMMARY_ROWS; i++) {
		if (!rows[i].calls)
			continue;
		total_ns += rows[i].ns;
		calls += rows[i].calls;
		errors += rows[i].errors;
		int j = n++;
		for (; j > 0 && before(i, order[j - 1]); j--)
			order[j] = order[j - 1];
		order[j] = (short)i;
	}
	printk("isle: syscall summary (wall time in each call, as strace -c -w):\n");
	printk("%% time     seconds  usecs/call     calls    errors syscall\n");
	printk("%s\n", summary_rule);
	for (int k = 0; k < n; k++) {
		int i = order[k];
		uint64_t hundredths = total_ns ? (rows[i].ns * 10000 + total_ns / 2) / total_ns : 0;
		char name[32];

		row_name(name, sizeof(name), i);
		print_row(hundredths, rows[i].ns, rows[i].calls, rows[i].errors, name);
	}
	printk("%s\n", summary_rule);
	print_row(10000, total_ns, calls, errors, "total");
}
