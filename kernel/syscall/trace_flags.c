/* trace_flags.c: constants and flag sets by name, in the order strace prints them (its
 * order is not always numeric: O_CLOEXEC before O_DIRECTORY, MAP_NORESERVE early). */
#include "lib/format.h"
#include "lib/string.h"
#include "syscall/trace_fmt.h"

/* Names for set bits, in table order; an entry matches when all its bits are set. Returns
 * whether anything printed; leftover bits print as |0x... after the names. */
static bool put_bits(struct trace_line *t, const struct trace_xlat *x, size_t n, uint64_t v,
		     bool any)
{
	for (size_t i = 0; i < n; i++) {
		if (x[i].val == 0 || (v & x[i].val) != x[i].val)
			continue;
		if (any)
			trace_puts(t, "|");
		trace_puts(t, x[i].name);
		v &= ~x[i].val;
		any = true;
	}
	if (v)
		trace_printf(t, any ? "|%#lx" : "%#lx", (unsigned long)v);
	return any || v;
}

void trace_flags(struct trace_line *t, const struct trace_xlat *x, size_t n, uint64_t v,
		 const char *zero_name, const char *tag)
{
	uint64_t known = 0;

	if (v == 0) {
		trace_puts(t, zero_name ? zero_name : "0");
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (x[i].val && (v & x[i].val) == x[i].val)
			known |= x[i].val;
	if (known == 0) {
		trace_printf(t, "%#lx", (unsigned long)v);
		if (tag)
			trace_printf(t, " /* %s_??? */", tag);
		return;
	}
	put_bits(t, x, n, v, false);
}

void trace_enum(struct trace_line *t, const struct trace_xlat *x, size_t n, uint64_t v,
		const char *tag)
{
	for (size_t i = 0; i < n; i++) {
		if (x[i].val == v) {
			trace_puts(t, x[i].name);
			return;
		}
	}
	trace_printf(t, "%#lx /* %s_??? */", (unsigned long)v, tag);
}

static const struct trace_xlat open_bits[] = {
	{0100, "O_CREAT"},	  {0200, "O_EXCL"},	   {0400, "O_NOCTTY"},
	{01000, "O_TRUNC"},	  {02000, "O_APPEND"},	   {04000, "O_NONBLOCK"},
	{04010000, "O_SYNC"},	  {010000, "O_DSYNC"},	   {040000, "O_DIRECT"},
	{0100000, "O_LARGEFILE"}, {0400000, "O_NOFOLLOW"}, {01000000, "O_NOATIME"},
	{02000000, "O_CLOEXEC"},  {010000000, "O_PATH"},   {020200000, "O_TMPFILE"},
	{0200000, "O_DIRECTORY"}, {020000, "FASYNC"},
};

void trace_open_flags(struct trace_line *t, uint64_t v)
{
	static const char *const acc[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};

	trace_puts(t, acc[v & 3]);
	put_bits(t, open_bits, TRACE_N(open_bits), v & ~3UL, true);
}

static const struct trace_xlat at_bits[] = {
	{0x100, "AT_SYMLINK_NOFOLLOW"}, {0x200, "AT_REMOVEDIR"},   {0x400, "AT_SYMLINK_FOLLOW"},
	{0x800, "AT_NO_AUTOMOUNT"},	{0x1000, "AT_EMPTY_PATH"}, {0x8000, "AT_RECURSIVE"},
};

void trace_at_flags(struct trace_line *t, uint64_t v)
{
	trace_flags(t, at_bits, TRACE_N(at_bits), v, "0", "AT");
}

static const struct trace_xlat access_bits[] = {{4, "R_OK"}, {2, "W_OK"}, {1, "X_OK"}};

void trace_access_mode(struct trace_line *t, uint64_t v)
{
	trace_flags(t, access_bits, TRACE_N(access_bits), v, "F_OK", NULL);
}

static const struct trace_xlat prot_bits[] = {
	{1, "PROT_READ"},
	{2, "PROT_WRITE"},
	{4, "PROT_EXEC"},
	{8, "PROT_SEM"},
	{0x01000000, "PROT_GROWSDOWN"},
	{0x02000000, "PROT_GROWSUP"},
};

void trace_prot(struct trace_line *t, uint64_t v)
{
	trace_flags(t, prot_bits, TRACE_N(prot_bits), v, "PROT_NONE", "PROT");
}

static const struct trace_xlat map_types[] = {
	{1, "MAP_SHARED"},
	{2, "MAP_PRIVATE"},
	{3, "MAP_SHARED_VALIDATE"},
};

static const struct trace_xlat map_bits[] = {
	{0x10, "MAP_FIXED"},	    {0x20, "MAP_ANONYMOUS"},
	{0x40, "MAP_32BIT"},	    {0x4000, "MAP_NORESERVE"},
	{0x8000, "MAP_POPULATE"},   {0x10000, "MAP_NONBLOCK"},
	{0x100, "MAP_GROWSDOWN"},   {0x800, "MAP_DENYWRITE"},
	{0x1000, "MAP_EXECUTABLE"}, {0x2000, "MAP_LOCKED"},
	{0x20000, "MAP_STACK"},	    {0x40000, "MAP_HUGETLB"},
	{0x80000, "MAP_SYNC"},	    {0x100000, "MAP_FIXED_NOREPLACE"},
};

#define MAP_HUGE_SHIFT 26

void trace_map_flags(struct trace_line *t, uint64_t v)
{
	uint64_t type = v & 0xf, huge = (v >> MAP_HUGE_SHIFT) & 0x3f;
	uint64_t rest = v & ~(0xfUL | (0x3fUL << MAP_HUGE_SHIFT));
	bool any = true;

	v &= 0xffffffff;
	if (v == 0) {
		trace_puts(t, "MAP_FILE");
		return;
	}
	if (type >= 1 && type <= 3)
		trace_puts(t, map_types[type - 1].name);
	else if (type != 0)
		trace_printf(t, "%#lx /* MAP_??? */", (unsigned long)type);
	else
		any = false;
	any = put_bits(t, map_bits, TRACE_N(map_bits), rest & 0xffffffff, any);
	if (huge)
		trace_printf(t, "%s%lu<<MAP_HUGE_SHIFT", any ? "|" : "", (unsigned long)huge);
}

static const struct trace_xlat mremap_bits[] = {
	{1, "MREMAP_MAYMOVE"},
	{2, "MREMAP_FIXED"},
	{4, "MREMAP_DONTUNMAP"},
};

void trace_mremap_flags(struct trace_line *t, uint64_t v)
{
	trace_flags(t, mremap_bits, TRACE_N(mremap_bits), v, "0", "MREMAP");
}

static const struct trace_xlat madvices[] = {
	{0, "MADV_NORMAL"},	      {1, "MADV_RANDOM"},	  {2, "MADV_SEQUENTIAL"},
	{3, "MADV_WILLNEED"},	      {4, "MADV_DONTNEED"},	  {8, "MADV_FREE"},
	{9, "MADV_REMOVE"},	      {10, "MADV_DONTFORK"},	  {11, "MADV_DOFORK"},
	{12, "MADV_MERGEABLE"},	      {13, "MADV_UNMERGEABLE"},	  {14, "MADV_HUGEPAGE"},
	{15, "MADV_NOHUGEPAGE"},      {16, "MADV_DONTDUMP"},	  {17, "MADV_DODUMP"},
	{18, "MADV_WIPEONFORK"},      {19, "MADV_KEEPONFORK"},	  {20, "MADV_COLD"},
	{21, "MADV_PAGEOUT"},	      {22, "MADV_POPULATE_READ"}, {23, "MADV_POPULATE_WRITE"},
	{24, "MADV_DONTNEED_LOCKED"}, {25, "MADV_COLLAPSE"},	  {100, "MADV_HWPOISON"},
	{101, "MADV_SOFT_OFFLINE"},
};

void trace_madvice(struct trace_line *t, uint64_t v)
{
	trace_enum(t, madvices, TRACE_N(madvices), v, "MADV");
}

static const struct trace_xlat whences[] = {
	{0, "SEEK_SET"}, {1, "SEEK_CUR"}, {2, "SEEK_END"}, {3, "SEEK_DATA"}, {4, "SEEK_HOLE"},
};

void trace_whence(struct trace_line *t, uint64_t v)
{
	trace_enum(t, whences, TRACE_N(whences), v, "SEEK");
}

static const struct trace_xlat clocks[] = {
	{0, "CLOCK_REALTIME"},		{1, "CLOCK_MONOTONIC"},	    {2, "CLOCK_PROCESS_CPUTIME_ID"},
	{3, "CLOCK_THREAD_CPUTIME_ID"}, {4, "CLOCK_MONOTONIC_RAW"}, {5, "CLOCK_REALTIME_COARSE"},
	{6, "CLOCK_MONOTONIC_COARSE"},	{7, "CLOCK_BOOTTIME"},	    {8, "CLOCK_REALTIME_ALARM"},
	{9, "CLOCK_BOOTTIME_ALARM"},	{10, "CLOCK_SGI_CYCLE"},    {11, "CLOCK_TAI"},
};

void trace_clock(struct trace_line *t, uint64_t v)
{
	trace_enum(t, clocks, TRACE_N(clocks), v, "CLOCK");
}

static const struct trace_xlat timer_bits[] = {{1, "TIMER_ABSTIME"}};

void trace_timer_flags(struct trace_line *t, uint64_t v)
{
	trace_flags(t, timer_bits, TRACE_N(timer_bits), v, "0", "TIMER");
}

static const struct trace_xlat arch_codes[] = {
	{0x1001, "ARCH_SET_GS"},
	{0x1002, "ARCH_SET_FS"},
	{0x1003, "ARCH_GET_FS"},
	{0x1004, "ARCH_GET_GS"},
	{0x1011, "ARCH_GET_CPUID"},
	{0x1012, "ARCH_SET_CPUID"},
	{0x1021, "ARCH_GET_XCOMP_SUPP"},
	{0x1022, "ARCH_GET_XCOMP_PERM"},
	{0x1023, "ARCH_REQ_XCOMP_PERM"},
	{0x1024, "ARCH_GET_XCOMP_GUEST_PERM"},
	{0x1025, "ARCH_REQ_XCOMP_GUEST_PERM"},
	{0x2001, "ARCH_MAP_VDSO_X32"},
	{0x2002, "ARCH_MAP_VDSO_32"},
	{0x2003, "ARCH_MAP_VDSO_64"},
};

void trace_arch_code(struct trace_line *t, uint64_t v)
{
	trace_enum(t, arch_codes, TRACE_N(arch_codes), v & 0xffffffff, "ARCH");
}

static const struct trace_xlat rlimits[] = {
	{0, "RLIMIT_CPU"},	 {1, "RLIMIT_FSIZE"},  {2, "RLIMIT_DATA"},
	{3, "RLIMIT_STACK"},	 {4, "RLIMIT_CORE"},   {5, "RLIMIT_RSS"},
	{6, "RLIMIT_NPROC"},	 {7, "RLIMIT_NOFILE"}, {8, "RLIMIT_MEMLOCK"},
	{9, "RLIMIT_AS"},	 {10, "RLIMIT_LOCKS"}, {11, "RLIMIT_SIGPENDING"},
	{12, "RLIMIT_MSGQUEUE"}, {13, "RLIMIT_NICE"},  {14, "RLIMIT_RTPRIO"},
	{15, "RLIMIT_RTTIME"},
};

void trace_rlimit_res(struct trace_line *t, uint64_t v)
{
	trace_enum(t, rlimits, TRACE_N(rlimits), v, "RLIMIT");
}

static const char *const signames[32] = {
	NULL,	"HUP",	"INT",	"QUIT", "ILL",	  "TRAP",   "ABRT",  "BUS",  "FPE",  "KILL", "USR1",
	"SEGV", "USR2", "PIPE", "ALRM", "TERM",	  "STKFLT", "CHLD",  "CONT", "STOP", "TSTP", "TTIN",
	"TTOU", "URG",	"XCPU", "XFSZ", "VTALRM", "PROF",   "WINCH", "IO",   "PWR",  "SYS",
};

const char *trace_signame(int sig, char *buf, size_t size)
{
	if (sig >= 1 && sig < 32)
		return signames[sig];
	if (sig == 32)
		return "RTMIN";
	if (sig > 32 && sig <= 64) {
		fmt_snprintf(buf, size, "RT_%d", sig - 32);
		return buf;
	}
	return NULL;
}

void trace_signum(struct trace_line *t, uint64_t v)
{
	char buf[8];
	const char *name = trace_signame((int)v, buf, sizeof(buf));

	if (name)
		trace_printf(t, "SIG%s", name);
	else
		trace_printf(t, "%d", (int)v);
}

static const struct trace_xlat sig_hows[] = {
	{0, "SIG_BLOCK"},
	{1, "SIG_UNBLOCK"},
	{2, "SIG_SETMASK"},
};

void trace_sig_how(struct trace_line *t, uint64_t v)
{
	trace_enum(t, sig_hows, TRACE_N(sig_hows), v, "SIG");
}

static const struct trace_xlat sa_bits[] = {
	{0x04000000, "SA_RESTORER"}, {0x08000000, "SA_ONSTACK"},   {0x10000000, "SA_RESTART"},
	{0x40000000, "SA_NODEFER"},  {0x80000000, "SA_RESETHAND"}, {4, "SA_SIGINFO"},
	{1, "SA_NOCLDSTOP"},	     {2, "SA_NOCLDWAIT"},
};

void trace_sa_flags(struct trace_line *t, uint64_t v)
{
	trace_flags(t, sa_bits, TRACE_N(sa_bits), v, "0", "SA");
}

static const struct trace_xlat grnd_bits[] = {
	{1, "GRND_NONBLOCK"},
	{2, "GRND_RANDOM"},
	{4, "GRND_INSECURE"},
};

void trace_grnd_flags(struct trace_line *t, uint64_t v)
{
	trace_flags(t, grnd_bits, TRACE_N(grnd_bits), v, "0", "GRND");
}

/* strace names the x86 ioctl numbers that OSS reused with "SNDCTL_... or TC...". */
static const struct trace_xlat ioctls[] = {
	{0x5401, "TCGETS"},
	{0x5402, "SNDCTL_TMR_START or TCSETS"},
	{0x5403, "SNDCTL_TMR_STOP or TCSETSW"},
	{0x5404, "SNDCTL_TMR_CONTINUE or TCSETSF"},
	{0x5409, "TCSBRK"},
	{0x540a, "TCXONC"},
	{0x540b, "TCFLSH"},
	{0x540e, "TIOCSCTTY"},
	{0x540f, "TIOCGPGRP"},
	{0x5410, "TIOCSPGRP"},
	{0x5411, "TIOCOUTQ"},
	{0x5413, "TIOCGWINSZ"},
	{0x5414, "TIOCSWINSZ"},
	{0x541b, "FIONREAD"},
	{0x5421, "FIONBIO"},
	{0x5422, "TIOCNOTTY"},
	{0x5425, "TCSBRKP"},
	{0x5429, "TIOCGSID"},
	{0x5450, "FIONCLEX"},
	{0x5451, "FIOCLEX"},
	{0x5452, "FIOASYNC"},
	{0x80045430, "TIOCGPTN"},
	{0x40045431, "TIOCSPTLCK"},
	{0x802c542a, "TCGETS2"},
};

void trace_ioctl_req(struct trace_line *t, uint64_t v)
{
	static const char *const dirs[] = {"_IOC_NONE", "_IOC_WRITE", "_IOC_READ",
					   "_IOC_READ|_IOC_WRITE"};
	uint32_t r = (uint32_t)v;

	for (size_t i = 0; i < TRACE_N(ioctls); i++) {
		if (ioctls[i].val == r) {
			trace_puts(t, ioctls[i].name);
			return;
		}
	}
	trace_printf(t, "_IOC(%s, %#x, %#x, %#x)", dirs[r >> 30], (r >> 8) & 0xff, r & 0xff,
		     (r >> 16) & 0x3fff);
}

static const char *const futex_cmds[] = {
	"FUTEX_WAIT",		"FUTEX_WAKE",	     "FUTEX_FD",	  "FUTEX_REQUEUE",
	"FUTEX_CMP_REQUEUE",	"FUTEX_WAKE_OP",     "FUTEX_LOCK_PI",	  "FUTEX_UNLOCK_PI",
	"FUTEX_TRYLOCK_PI",	"FUTEX_WAIT_BITSET", "FUTEX_WAKE_BITSET", "FUTEX_WAIT_REQUEUE_PI",
	"FUTEX_CMP_REQUEUE_PI", "FUTEX_LOCK_PI2",
};

#define FUTEX_PRIVATE 128
#define FUTEX_CLOCK_REALTIME 256

static void futex_bitset(struct trace_line *t, uint64_t v)
{
	if ((uint32_t)v == 0xffffffff)
		trace_puts(t, ", FUTEX_BITSET_MATCH_ANY");
	else
		trace_printf(t, ", %#x", (uint32_t)v);
}

/* futex(uaddr, op, val, ...): the arguments that follow depend on the operation. */
void trace_futex(struct trace_line *t)
{
	const uint64_t *a = t->args;
	uint32_t op = (uint32_t)a[1];
	uint32_t cmd = op & ~(uint32_t)(FUTEX_PRIVATE | FUTEX_CLOCK_REALTIME);

	trace_ptr(t, a[0]);
	trace_puts(t, ", ");
	if (cmd < TRACE_N(futex_cmds)) {
		trace_puts(t, futex_cmds[cmd]);
		if (op & FUTEX_PRIVATE)
			trace_puts(t, "_PRIVATE");
		if (op & FUTEX_CLOCK_REALTIME)
			trace_puts(t, "|FUTEX_CLOCK_REALTIME");
	} else {
		trace_printf(t, "%#x /* FUTEX_??? */", op);
	}
	trace_printf(t, ", %u", (uint32_t)a[2]);
	switch (cmd) {
	case 0: /* WAIT */
	case 6: /* LOCK_PI */
		trace_puts(t, ", ");
		trace_timespec(t, a[3]);
		break;
	case 1: /* WAKE */
	case 7: /* UNLOCK_PI */
	case 8: /* TRYLOCK_PI */
		break;
	case 9: /* WAIT_BITSET */
		trace_puts(t, ", ");
		trace_timespec(t, a[3]);
		futex_bitset(t, a[5]);
		break;
	case 10: /* WAKE_BITSET */
		futex_bitset(t, a[5]);
		break;
	case 3: /* REQUEUE */
		trace_printf(t, ", %u, ", (uint32_t)a[3]);
		trace_ptr(t, a[4]);
		break;
	default:
		trace_printf(t, ", %#lx, ", (unsigned long)a[3]);
		trace_ptr(t, a[4]);
		trace_printf(t, ", %#x", (uint32_t)a[5]);
	}
}
