/* trace_struct.c: structures in the trace, abbreviated as strace abbreviates them. Each
 * reads the Linux x86-64 layout through trace_read and prints the address instead when
 * that fails (NULL for 0). */
#include "drivers/tty_ioctl.h"
#include "syscall/trace_fmt.h"

/* Reads size bytes at uaddr into dst; prints NULL / the address and returns false when
 * that is not possible. */
static bool fetch(struct trace_line *t, void *dst, uint64_t uaddr, size_t size)
{
	if (uaddr != 0 && trace_read(t, dst, uaddr, size))
		return true;
	trace_ptr(t, uaddr);
	return false;
}

void trace_timespec(struct trace_line *t, uint64_t uaddr)
{
	int64_t ts[2];

	if (fetch(t, ts, uaddr, sizeof(ts)))
		trace_printf(t, "{tv_sec=%ld, tv_nsec=%ld}", (long)ts[0], (long)ts[1]);
}

void trace_timeval(struct trace_line *t, uint64_t uaddr)
{
	int64_t tv[2];

	if (fetch(t, tv, uaddr, sizeof(tv)))
		trace_printf(t, "{tv_sec=%ld, tv_usec=%ld}", (long)tv[0], (long)tv[1]);
}

void trace_timezone(struct trace_line *t, uint64_t uaddr)
{
	int32_t tz[2];

	if (fetch(t, tz, uaddr, sizeof(tz)))
		trace_printf(t, "{tz_minuteswest=%d, tz_dsttime=%d}", tz[0], tz[1]);
}

/* Days since 1970-01-01 to a Gregorian date, by 400-year eras of 146097 days counted from
 * 0000-03-01 (so the leap day ends each year). */
void trace_date(struct trace_line *t, int64_t secs)
{
	int64_t days = secs / 86400, rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t day = doy - (153 * mp + 2) / 5 + 1;
	int64_t month = mp < 10 ? mp + 3 : mp - 9;
	int64_t year = yoe + era * 400 + (month <= 2);

	trace_printf(t, "%04ld-%02ld-%02ldT%02ld:%02ld:%02ld+0000", (long)year, (long)month,
		     (long)day, (long)(rem / 3600), (long)(rem / 60 % 60), (long)(rem % 60));
}

void trace_time_out(struct trace_line *t, uint64_t uaddr)
{
	int64_t v;

	if (!fetch(t, &v, uaddr, sizeof(v)))
		return;
	trace_printf(t, "[%ld /* ", (long)v);
	trace_date(t, v);
	trace_puts(t, " */]");
}

static void put_rlim(struct trace_line *t, uint64_t v, bool is64)
{
	if (v == UINT64_MAX)
		trace_puts(t, is64 ? "RLIM64_INFINITY" : "RLIM_INFINITY");
	else if (v > 1024 && v % 1024 == 0)
		trace_printf(t, "%lu*1024", (unsigned long)(v / 1024));
	else
		trace_printf(t, "%lu", (unsigned long)v);
}

void trace_rlimit(struct trace_line *t, uint64_t uaddr, bool is64)
{
	uint64_t r[2];

	if (!fetch(t, r, uaddr, sizeof(r)))
		return;
	trace_puts(t, "{rlim_cur=");
	put_rlim(t, r[0], is64);
	trace_puts(t, ", rlim_max=");
	put_rlim(t, r[1], is64);
	trace_puts(t, "}");
}

/* strace prints the complement ("~[...]") when that is the shorter list: from 42 of the
 * 64 signals on. Bit n is signal n + 1. */
static void put_sigmask(struct trace_line *t, uint64_t mask)
{
	char buf[8];
	bool first = true;
	int count = 0;

	for (uint64_t m = mask; m; m &= m - 1) /* no libgcc popcount in the kernel */
		count++;
	if (count >= 42) {
		trace_puts(t, "~");
		mask = ~mask;
	}
	trace_puts(t, "[");
	for (int sig = 1; sig <= 64; sig++) {
		if (!(mask & (1ULL << (sig - 1))))
			continue;
		if (!first)
			trace_puts(t, " ");
		trace_puts(t, trace_signame(sig, buf, sizeof(buf)));
		first = false;
	}
	trace_puts(t, "]");
}

void trace_sigset(struct trace_line *t, uint64_t uaddr, uint64_t size)
{
	uint64_t mask;

	if (size != sizeof(mask)) {
		trace_ptr(t, uaddr);
		return;
	}
	if (fetch(t, &mask, uaddr, sizeof(mask)))
		put_sigmask(t, mask);
}

#define SA_RESTORER 0x04000000

void trace_sigaction(struct trace_line *t, uint64_t uaddr)
{
	uint64_t sa[4]; /* handler, flags, restorer, mask */

	if (!fetch(t, sa, uaddr, sizeof(sa)))
		return;
	trace_puts(t, "{sa_handler=");
	if (sa[0] == 0)
		trace_puts(t, "SIG_DFL");
	else if (sa[0] == 1)
		trace_puts(t, "SIG_IGN");
	else
		trace_printf(t, "%#lx", (unsigned long)sa[0]);
	trace_puts(t, ", sa_mask=");
	put_sigmask(t, sa[3]);
	trace_puts(t, ", sa_flags=");
	trace_sa_flags(t, sa[1]);
	if (sa[1] & SA_RESTORER) {
		trace_puts(t, ", sa_restorer=");
		trace_ptr(t, sa[2]);
	}
	trace_puts(t, "}");
}

static void put_field_str(struct trace_line *t, const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	trace_quote(t, s, n, false);
}

void trace_utsname(struct trace_line *t, uint64_t uaddr)
{
	char uts[2][65]; /* sysname, nodename: the two strace shows */

	if (!fetch(t, uts, uaddr, sizeof(uts)))
		return;
	trace_puts(t, "{sysname=");
	put_field_str(t, uts[0], sizeof(uts[0]));
	trace_puts(t, ", nodename=");
	put_field_str(t, uts[1], sizeof(uts[1]));
	trace_puts(t, ", ...}");
}

void trace_sysinfo(struct trace_line *t, uint64_t uaddr)
{
	/* struct sysinfo: uptime, loads[3], totalram, freeram, sharedram, bufferram,
	 * totalswap, freeswap, procs (u16) + padding, totalhigh, freehigh, mem_unit. */
	uint64_t s[14];

	if (!fetch(t, s, uaddr, sizeof(s)))
		return;
	trace_printf(t, "{uptime=%ld, loads=[%lu, %lu, %lu], totalram=%lu, freeram=%lu, ",
		     (long)s[0], (unsigned long)s[1], (unsigned long)s[2], (unsigned long)s[3],
		     (unsigned long)s[4], (unsigned long)s[5]);
	trace_printf(t, "sharedram=%lu, bufferram=%lu, totalswap=%lu, freeswap=%lu, ",
		     (unsigned long)s[6], (unsigned long)s[7], (unsigned long)s[8],
		     (unsigned long)s[9]);
	trace_printf(t, "procs=%u, totalhigh=%lu, freehigh=%lu, mem_unit=%u}",
		     (unsigned)(s[10] & 0xffff), (unsigned long)s[11], (unsigned long)s[12],
		     (unsigned)(s[13] & 0xffffffff));
}

static const struct trace_xlat file_types[] = {
	{0140000, "S_IFSOCK"}, {0120000, "S_IFLNK"}, {0100000, "S_IFREG"}, {0060000, "S_IFBLK"},
	{0040000, "S_IFDIR"},  {0020000, "S_IFCHR"}, {0010000, "S_IFIFO"},
};

void trace_stat(struct trace_line *t, uint64_t uaddr)
{
	/* struct stat: dev, ino, nlink, mode (u32) + uid, gid (u32) + pad, rdev, size. */
	uint64_t st[7];
	uint32_t mode, type;
	bool found = false;

	if (!fetch(t, st, uaddr, sizeof(st)))
		return;
	mode = (uint32_t)st[3];
	type = mode & 0170000;
	trace_puts(t, "{st_mode=");
	for (size_t i = 0; i < TRACE_N(file_types); i++) {
		if (file_types[i].val == type) {
			trace_printf(t, "%s|", file_types[i].name);
			found = true;
		}
	}
	if (!found && type)
		trace_printf(t, "%#o|", type);
	if (mode & 04000)
		trace_puts(t, "S_ISUID|");
	if (mode & 02000)
		trace_puts(t, "S_ISGID|");
	if (mode & 01000)
		trace_puts(t, "S_ISVTX|");
	if (mode & 0777)
		trace_printf(t, "%#o", mode & 0777);
	else
		trace_puts(t, "000");
	if (type == 0020000 || type == 0060000) {
		uint64_t dev = st[5];
		uint32_t major = (uint32_t)(((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffULL));
		uint32_t minor = (uint32_t)((dev & 0xff) | ((dev >> 12) & ~0xffULL));
		trace_puts(t, ", st_rdev=makedev(");
		trace_hex(t, major);
		trace_puts(t, ", ");
		trace_hex(t, minor);
		trace_puts(t, ")");
	} else {
		trace_printf(t, ", st_size=%ld", (long)st[6]);
	}
	trace_puts(t, ", ...}");
}

void trace_iovec(struct trace_line *t, uint64_t uaddr, uint64_t count, bool out, uint64_t total)
{
	uint64_t iov[2]; /* base, len */

	if (count == 0 && uaddr != 0) {
		trace_puts(t, "[]");
		return;
	}
	if (!fetch(t, iov, uaddr, sizeof(iov)))
		return;
	trace_puts(t, "[");
	for (uint64_t i = 0; i < count; i++) {
		if (i > 0 && !trace_read(t, iov, uaddr + i * sizeof(iov), sizeof(iov))) {
			trace_puts(t, ", ...");
			break;
		}
		if (i == TRACE_STRLEN) {
			trace_puts(t, ", ...");
			break;
		}
		uint64_t shown = iov[1];
		if (out) {
			shown = total < iov[1] ? total : iov[1];
			total -= shown;
		}
		trace_puts(t, i ? ", {iov_base=" : "{iov_base=");
		trace_bytes(t, iov[0], shown, TRACE_STRLEN, false);
		trace_printf(t, ", iov_len=%lu}", (unsigned long)iov[1]);
	}
	trace_puts(t, "]");
}

void trace_cpuset(struct trace_line *t, uint64_t uaddr, uint64_t len)
{
	uint8_t mask[128];
	bool first = true;

	if (len > sizeof(mask))
		len = sizeof(mask);
	if (!fetch(t, mask, uaddr, (size_t)len))
		return;
	trace_puts(t, "[");
	for (unsigned cpu = 0; cpu < len * 8; cpu++) {
		if (!(mask[cpu / 8] & (1u << (cpu % 8))))
			continue;
		trace_printf(t, first ? "%u" : " %u", cpu);
		first = false;
	}
	trace_puts(t, "]");
}

void trace_int_out(struct trace_line *t, uint64_t uaddr)
{
	int32_t v;

	if (fetch(t, &v, uaddr, sizeof(v)))
		trace_printf(t, "[%d]", v);
}

/* Terminal settings, struct termios as TCGETS fills it (kernel/syscall/sys_io.c). */
static const struct trace_xlat iflag_bits[] = {
	{01, "IGNBRK"},	   {02, "BRKINT"},	{04, "IGNPAR"},	   {010, "PARMRK"},
	{020, "INPCK"},	   {040, "ISTRIP"},	{0100, "INLCR"},   {0200, "IGNCR"},
	{0400, "ICRNL"},   {01000, "IUCLC"},	{02000, "IXON"},   {04000, "IXANY"},
	{010000, "IXOFF"}, {020000, "IMAXBEL"}, {040000, "IUTF8"},
};
static const struct trace_xlat oflag_bits[] = {
	{01, "OPOST"},	{02, "OLCUC"},	 {04, "ONLCR"},	  {010, "OCRNL"},
	{020, "ONOCR"}, {040, "ONLRET"}, {0100, "OFILL"}, {0200, "OFDEL"},
};
static const struct trace_xlat cflag_bits[] = {
	{0100, "CSTOPB"}, {0200, "CREAD"},   {0400, "PARENB"},	       {01000, "PARODD"},
	{02000, "HUPCL"}, {04000, "CLOCAL"}, {010000000000, "CMSPAR"}, {020000000000, "CRTSCTS"},
};
static const struct trace_xlat lflag_bits[] = {
	{01, "ISIG"},	     {02, "ICANON"},	 {04, "XCASE"},	     {010, "ECHO"},
	{020, "ECHOE"},	     {040, "ECHOK"},	 {0100, "ECHONL"},   {0200, "NOFLSH"},
	{0100000, "IEXTEN"}, {01000, "ECHOCTL"}, {02000, "ECHOPRT"}, {04000, "ECHOKE"},
	{010000, "FLUSHO"},  {040000, "PENDIN"}, {0400, "TOSTOP"},   {0200000, "EXTPROC"},
};
static const char *const bauds[32] = {
	"B0",	    "B50",	"B75",	    "B110",	"B134",	    "B150",	"B200",
	"B300",	    "B600",	"B1200",    "B1800",	"B2400",    "B4800",	"B9600",
	"B19200",   "B38400",	"B57600",   "B115200",	"B230400",  "B460800",	"B500000",
	"B576000",  "B921600",	"B1000000", "B1152000", "B1500000", "B2000000", "B2500000",
	"B3000000", "B3500000", "B4000000", NULL,
};

/* CBAUD is 010017: four low bits plus CBAUDEX, which selects the second sixteen. */
static const char *baud_name(uint32_t v)
{
	uint32_t i = (v & 017) | ((v & 010000) ? 16 : 0);

	if (i == 16)
		return "BOTHER";
	if (i > 16)
		i -= 1; /* B57600 is CBAUDEX|1: there is no CBAUDEX|0 */
	return i < 31 ? bauds[i] : "B?";
}

static void put_bits_plain(struct trace_line *t, const struct trace_xlat *x, size_t n, uint32_t v)
{
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		if ((v & x[i].val) != x[i].val)
			continue;
		trace_printf(t, "%s%s", any ? "|" : "", x[i].name);
		v &= ~(uint32_t)x[i].val;
		any = true;
	}
	if (v)
		trace_printf(t, any ? "|%#x" : "%#x", v);
}

static void put_termios(struct trace_line *t, const uint32_t *f)
{
	static const char *const cs[] = {"CS5", "CS6", "CS7", "CS8"};
	static const char *const crs[] = {"CR0", "CR1", "CR2", "CR3"};
	static const char *const tabs[] = {"TAB0", "TAB1", "TAB2", "XTABS"};
	uint32_t o = f[1], c = f[2];

	trace_puts(t, "{c_iflag=");
	put_bits_plain(t, iflag_bits, TRACE_N(iflag_bits), f[0]);
	trace_printf(t, ", c_oflag=NL%u|%s|%s|BS%u|VT%u|FF%u|", (o >> 8) & 1, crs[(o >> 9) & 3],
		     tabs[(o >> 11) & 3], (o >> 13) & 1, (o >> 14) & 1, (o >> 15) & 1);
	put_bits_plain(t, oflag_bits, TRACE_N(oflag_bits), o & ~0177400u);
	trace_printf(t, ", c_cflag=%s|", baud_name(c));
	if ((c >> 16) & 010017)
		trace_printf(t, "%s<<IBSHIFT|", baud_name(c >> 16));
	trace_printf(t, "%s|", cs[(c >> 4) & 3]);
	put_bits_plain(t, cflag_bits, TRACE_N(cflag_bits), c & ~(010017u | 002003600000u | 060u));
	trace_puts(t, ", c_lflag=");
	put_bits_plain(t, lflag_bits, TRACE_N(lflag_bits), f[3]);
	trace_puts(t, ", ...}");
}

#define TIOCSPTLCK 0x40045431

enum trace_ioctl_dir trace_ioctl_dir(uint64_t req)
{
	switch ((uint32_t)req) {
	case TCGETS:
	case TIOCGWINSZ:
	case TIOCGPGRP:
	case TIOCGSID:
	case FIONREAD:
	case TIOCOUTQ:
	case TIOCGPTN:
		return TRACE_IOCTL_OUT;
	case FIOCLEX:
	case FIONCLEX:
	case TIOCNOTTY:
		return TRACE_IOCTL_NONE;
	}
	return TRACE_IOCTL_IN;
}

void trace_ioctl_arg(struct trace_line *t, uint64_t req, uint64_t arg, bool out)
{
	static const char *const flushes[] = {"TCIFLUSH", "TCOFLUSH", "TCIOFLUSH"};
	uint32_t termios[4];
	uint16_t ws[4];

	switch ((uint32_t)req) {
	case TCGETS:
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		if (fetch(t, termios, arg, sizeof(termios)))
			put_termios(t, termios);
		return;
	case TIOCGWINSZ:
	case TIOCSWINSZ:
		if (fetch(t, ws, arg, sizeof(ws)))
			trace_printf(t, "{ws_row=%u, ws_col=%u, ws_xpixel=%u, ws_ypixel=%u}", ws[0],
				     ws[1], ws[2], ws[3]);
		return;
	case TIOCGPGRP:
	case TIOCSPGRP:
	case TIOCGSID:
	case FIONREAD:
	case TIOCOUTQ:
	case TIOCGPTN:
	case FIONBIO:
	case FIOASYNC:
	case TIOCSPTLCK:
		trace_int_out(t, arg);
		return;
	case TCFLSH:
		if (arg < 3)
			trace_puts(t, flushes[arg]);
		else
			trace_printf(t, "%#lx /* TC??? */", (unsigned long)arg);
		return;
	case TCSBRK:
	case TCSBRKP:
	case TCXONC:
	case TIOCSCTTY:
		trace_printf(t, "%d", (int)arg);
		return;
	}
	trace_hex(t, arg);
}
