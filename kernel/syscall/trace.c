/* trace.c: the strace-style line: buffer, quoting, argument walk and result (trace.h).
 *
 * The line is built in place in struct trace_line. While arguments are printed a tail of
 * TRACE_TAIL bytes stays free so that ") = -1 EXXX (message)" always fits; a line cut
 * short says so with "..." before the closing parenthesis. */
#include "syscall/trace.h"

#include <stdarg.h>

#include "core/errno.h"
#include "lib/errname.h"
#include "lib/format.h"
#include "lib/string.h"
#include "syscall/nr.h"
#include "syscall/syscall.h"
#include "syscall/trace_fmt.h"

#define TRACE_TAIL 96

#define O_CREAT 0100
#define O_TMPFILE_BIT 020000000
#define MREMAP_FIXED 2
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004
#define ARCH_GET_CPUID 0x1011

static size_t line_limit(const struct trace_line *t)
{
	/* next_arg is -1 once the result is being printed. */
	return t->next_arg < 0 ? TRACE_LINE_MAX - 1 : TRACE_LINE_MAX - 1 - TRACE_TAIL;
}

void trace_puts(struct trace_line *t, const char *s)
{
	size_t limit = line_limit(t);
	size_t n = strlen(s);

	if (t->full)
		return;
	if (t->len + n > limit) {
		n = limit - t->len;
		t->full = true;
	}
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

void trace_printf(struct trace_line *t, const char *fmt, ...)
{
	size_t limit = line_limit(t);
	va_list ap;
	int n;

	if (t->full)
		return;
	va_start(ap, fmt);
	n = fmt_vsnprintf(t->buf + t->len, limit - t->len + 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (t->len + (size_t)n > limit) {
		t->len = limit;
		t->full = true;
	} else {
		t->len += (size_t)n;
	}
	t->buf[t->len] = '\0';
}

void trace_ptr(struct trace_line *t, uint64_t p)
{
	if (p == 0)
		trace_puts(t, "NULL");
	else
		trace_printf(t, "%#lx", (unsigned long)p);
}

void trace_hex(struct trace_line *t, uint64_t v)
{
	if (v == 0)
		trace_puts(t, "0");
	else
		trace_printf(t, "%#lx", (unsigned long)v);
}

bool trace_read(struct trace_line *t, void *dst, uint64_t uaddr, size_t n)
{
	if (!t->read)
		return false;
	return t->read(dst, (const void *)(uintptr_t)uaddr, n) == 0;
}

/* As many bytes as are readable from uaddr, up to n: the whole range at once, else byte
 * by byte up to the first unreadable one (a string may end just before a hole). */
static size_t read_partial(struct trace_line *t, char *dst, uint64_t uaddr, size_t n)
{
	size_t i;

	if (trace_read(t, dst, uaddr, n))
		return n;
	for (i = 0; i < n; i++)
		if (!trace_read(t, dst + i, uaddr + i, 1))
			break;
	return i;
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* strace's escapes: \" \\ \f \n \r \t \v, printable ASCII as is, everything else octal
 * with as few digits as possible, or three when a digit follows (so it stays one
 * escape). */
static size_t escape_byte(char *out, const unsigned char *s, size_t i, size_t n, bool hex)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char c = s[i];
	size_t k = 0;

	if (hex) {
		out[k++] = '\\';
		out[k++] = 'x';
		out[k++] = digits[c >> 4];
		out[k++] = digits[c & 15];
		return k;
	}
	switch (c) {
	case '"':
	case '\\':
		out[k++] = '\\';
		out[k++] = (char)c;
		return k;
	case '\f':
		out[k++] = '\\';
		out[k++] = 'f';
		return k;
	case '\n':
		out[k++] = '\\';
		out[k++] = 'n';
		return k;
	case '\r':
		out[k++] = '\\';
		out[k++] = 'r';
		return k;
	case '\t':
		out[k++] = '\\';
		out[k++] = 't';
		return k;
	case '\v':
		out[k++] = '\\';
		out[k++] = 'v';
		return k;
	}
	if (c >= ' ' && c < 0x7f) {
		out[k++] = (char)c;
		return k;
	}
	out[k++] = '\\';
	if (i + 1 < n && is_digit(s[i + 1])) {
		out[k++] = (char)('0' + (c >> 6));
		out[k++] = (char)('0' + ((c >> 3) & 7));
	} else if (c >> 3) {
		if (c >> 6)
			out[k++] = (char)('0' + (c >> 6));
		out[k++] = (char)('0' + ((c >> 3) & 7));
	}
	out[k++] = (char)('0' + (c & 7));
	return k;
}

void trace_quote(struct trace_line *t, const void *s, size_t n, bool hex)
{
	const unsigned char *p = s;
	char esc[8];

	trace_puts(t, "\"");
	for (size_t i = 0; i < n && !t->full; i++) {
		size_t k = escape_byte(esc, p, i, n, hex);
		esc[k] = '\0';
		trace_puts(t, esc);
	}
	trace_puts(t, "\"");
}

void trace_bytes(struct trace_line *t, uint64_t uaddr, uint64_t len, size_t max, bool hex)
{
	char data[TRACE_PATHLEN];
	size_t n = len < max ? (size_t)len : max;

	if (uaddr == 0) {
		trace_puts(t, "NULL");
		return;
	}
	if (n > sizeof(data))
		n = sizeof(data);
	if (n > 0 && !trace_read(t, data, uaddr, n)) {
		trace_ptr(t, uaddr);
		return;
	}
	trace_quote(t, data, n, hex);
	if (len > n)
		trace_puts(t, "...");
}

void trace_cstring(struct trace_line *t, uint64_t uaddr, size_t max)
{
	char data[TRACE_PATHLEN + 1];
	size_t got;

	if (uaddr == 0) {
		trace_puts(t, "NULL");
		return;
	}
	if (max > TRACE_PATHLEN)
		max = TRACE_PATHLEN;
	got = read_partial(t, data, uaddr, max + 1);
	for (size_t i = 0; i < got; i++) {
		if (data[i] == '\0') {
			trace_quote(t, data, i, false);
			return;
		}
	}
	if (got == max + 1) {
		trace_quote(t, data, max, false);
		trace_puts(t, "...");
		return;
	}
	trace_ptr(t, uaddr);
}

static bool is_error(long ret)
{
	return ret < 0 && ret >= -4095;
}

static bool is_output(const struct trace_line *t, int i, uint8_t kind)
{
	if (kind >= TK_OUT_FIRST)
		return true;
	if (kind == TK_ARCH_ARG)
		return t->args[0] == ARCH_GET_FS || t->args[0] == ARCH_GET_GS;
	if (kind == TK_IOCTL_ARG)
		return trace_ioctl_dir(t->args[1]) == TRACE_IOCTL_OUT;
	return false;
}

static bool is_present(const struct trace_line *t, int i, uint8_t kind)
{
	switch (kind) {
	case TK_OPEN_MODE:
		return i > 0 && (t->args[i - 1] & (O_CREAT | O_TMPFILE_BIT));
	case TK_MREMAP_ADDR:
		return i > 0 && (t->args[i - 1] & MREMAP_FIXED);
	case TK_ARCH_ARG:
		return t->args[0] != ARCH_GET_CPUID;
	case TK_IOCTL_ARG:
		return trace_ioctl_dir(t->args[1]) != TRACE_IOCTL_NONE;
	}
	return true;
}

/* Output arguments of a failed call print as their address. */
static void print_out(struct trace_line *t, int i, uint8_t kind, long ret)
{
	uint64_t a = t->args[i];

	if (kind == TK_OTIMESPEC_REM) {
		if (ret == -EINTR)
			trace_timespec(t, a);
		else
			trace_ptr(t, a);
		return;
	}
	if (is_error(ret)) {
		trace_ptr(t, a);
		return;
	}
	switch (kind) {
	case TK_OBUF:
		trace_bytes(t, a, (uint64_t)ret, TRACE_STRLEN, false);
		break;
	case TK_OHEXBUF:
		trace_bytes(t, a, (uint64_t)ret, TRACE_STRLEN, true);
		break;
	case TK_OPATHBUF:
		trace_bytes(t, a, (uint64_t)ret, TRACE_PATHLEN, false);
		break;
	case TK_OPATH:
		trace_cstring(t, a, TRACE_PATHLEN);
		break;
	case TK_OTIMESPEC:
		trace_timespec(t, a);
		break;
	case TK_OTIMEVAL:
		trace_timeval(t, a);
		break;
	case TK_OTIMEZONE:
		trace_timezone(t, a);
		break;
	case TK_OTIME:
		trace_time_out(t, a);
		break;
	case TK_ORLIMIT64:
		trace_rlimit(t, a, true);
		break;
	case TK_ORLIMIT:
		trace_rlimit(t, a, false);
		break;
	case TK_OSIGSET:
		trace_sigset(t, a, t->args[3]);
		break;
	case TK_OSIGACTION:
		trace_sigaction(t, a);
		break;
	case TK_OUTSNAME:
		trace_utsname(t, a);
		break;
	case TK_OSYSINFO:
		trace_sysinfo(t, a);
		break;
	case TK_OSTAT:
		trace_stat(t, a);
		break;
	case TK_OIOVEC:
		trace_iovec(t, a, t->args[i + 1], true, (uint64_t)ret);
		break;
	case TK_OCPUSET:
		trace_cpuset(t, a, (uint64_t)ret);
		break;
	case TK_OINT:
		trace_int_out(t, a);
		break;
	case TK_ARCH_ARG: {
		uint64_t v;
		if (a != 0 && trace_read(t, &v, a, sizeof(v)))
			trace_printf(t, "[%#lx]", (unsigned long)v);
		else
			trace_ptr(t, a);
		break;
	}
	case TK_IOCTL_ARG:
		trace_ioctl_arg(t, t->args[1], a, true);
		break;
	default:
		trace_ptr(t, a);
	}
}

static void print_in(struct trace_line *t, int i, uint8_t kind)
{
	uint64_t a = t->args[i];

	switch (kind) {
	case TK_INT:
	case TK_FD:
		trace_printf(t, "%d", (int)a);
		break;
	case TK_UINT:
		trace_printf(t, "%u", (unsigned)a);
		break;
	case TK_LONG:
		trace_printf(t, "%ld", (long)a);
		break;
	case TK_ULONG:
		trace_printf(t, "%lu", (unsigned long)a);
		break;
	case TK_HEX:
	case TK_ARCH_ARG:
		trace_hex(t, a);
		break;
	case TK_PTR:
		trace_ptr(t, a);
		break;
	case TK_DIRFD:
		if ((int)a == -100)
			trace_puts(t, "AT_FDCWD");
		else
			trace_printf(t, "%d", (int)a);
		break;
	case TK_PATH:
		trace_cstring(t, a, TRACE_PATHLEN);
		break;
	case TK_STR:
		trace_cstring(t, a, TRACE_STRLEN);
		break;
	case TK_BUF:
		trace_bytes(t, a, i < 5 ? t->args[i + 1] : 0, TRACE_STRLEN, false);
		break;
	case TK_OCTAL:
	case TK_OPEN_MODE:
		if ((unsigned)a == 0)
			trace_puts(t, "000");
		else
			trace_printf(t, "%#o", (unsigned)a);
		break;
	case TK_OPEN_FLAGS:
		trace_open_flags(t, (unsigned)a);
		break;
	case TK_AT_FLAGS:
		trace_at_flags(t, (unsigned)a);
		break;
	case TK_ACCESS_MODE:
		trace_access_mode(t, (unsigned)a);
		break;
	case TK_PROT:
		trace_prot(t, a);
		break;
	case TK_MAP_FLAGS:
		trace_map_flags(t, a);
		break;
	case TK_MREMAP_FLAGS:
		trace_mremap_flags(t, a);
		break;
	case TK_MREMAP_ADDR:
		trace_ptr(t, a);
		break;
	case TK_MADVICE:
		trace_madvice(t, (unsigned)a);
		break;
	case TK_SEEK_WHENCE:
		trace_whence(t, (unsigned)a);
		break;
	case TK_CLOCK:
		trace_clock(t, (unsigned)a);
		break;
	case TK_TIMER_FLAGS:
		trace_timer_flags(t, (unsigned)a);
		break;
	case TK_TIMESPEC:
		trace_timespec(t, a);
		break;
	case TK_ARCH_CODE:
		trace_arch_code(t, a);
		break;
	case TK_RLIMIT_RES:
		trace_rlimit_res(t, (unsigned)a);
		break;
	case TK_RLIMIT64:
		trace_rlimit(t, a, true);
		break;
	case TK_RLIMIT:
		trace_rlimit(t, a, false);
		break;
	case TK_SIGNUM:
		trace_signum(t, a);
		break;
	case TK_SIG_HOW:
		trace_sig_how(t, (unsigned)a);
		break;
	case TK_SIGSET:
		trace_sigset(t, a, t->args[3]);
		break;
	case TK_SIGACTION:
		trace_sigaction(t, a);
		break;
	case TK_GRND_FLAGS:
		trace_grnd_flags(t, (unsigned)a);
		break;
	case TK_IOVEC:
		trace_iovec(t, a, i < 5 ? t->args[i + 1] : 0, false, 0);
		break;
	case TK_IOCTL_REQ:
		trace_ioctl_req(t, a);
		break;
	case TK_IOCTL_ARG:
		trace_ioctl_arg(t, t->args[1], a, false);
		break;
	default:
		trace_hex(t, a);
	}
}

static void separator(struct trace_line *t)
{
	if (t->len > 0 && t->buf[t->len - 1] != '(')
		trace_puts(t, ", ");
}

/* Switch to the result part of the line, which the reserved tail always has room for. */
static void close_args(struct trace_line *t)
{
	bool cut = t->full;

	t->next_arg = -1;
	t->full = false;
	trace_puts(t, cut ? "...) = " : ") = ");
}

/* Print arguments from t->next_arg on; at entry stop before the first output one. */
static void print_args(struct trace_line *t, bool at_exit, long ret)
{
	const struct trace_desc *d = trace_desc_of(t->nr);

	for (int i = t->next_arg; i < 6; i++) {
		uint8_t kind = d->arg[i];
		if (kind == TK_END)
			break;
		if (!is_present(t, i, kind))
			continue;
		if (!at_exit && is_output(t, i, kind)) {
			t->next_arg = i;
			return;
		}
		separator(t);
		if (at_exit && is_output(t, i, kind))
			print_out(t, i, kind, ret);
		else
			print_in(t, i, kind);
	}
	t->next_arg = 6;
}

bool trace_enter(struct trace_line *t, long nr, const uint64_t args[6],
		 int (*read)(void *dst, const void *usrc, size_t n))
{
	const char *name = syscall_name(nr);
	const struct trace_desc *d = trace_desc_of(nr);

	t->len = 0;
	t->buf[0] = '\0';
	t->full = false;
	t->nr = nr;
	memcpy(t->args, args, sizeof(t->args));
	t->read = read;
	t->next_arg = 0;
	if (name)
		trace_puts(t, name);
	else
		trace_printf(t, "syscall_%#lx", (unsigned long)nr);
	trace_puts(t, "(");
	if (nr == SYS_futex) {
		trace_futex(t);
		t->next_arg = 6;
	} else if (!d) {
		for (int i = 0; i < 6; i++) {
			separator(t);
			trace_hex(t, args[i]);
		}
		t->next_arg = 6;
	} else {
		print_args(t, false, 0);
	}
	if (d && d->ret == TR_NONE) {
		close_args(t);
		trace_puts(t, "?");
		return true;
	}
	return false;
}

static void print_result(struct trace_line *t, long ret)
{
	const struct trace_desc *d = trace_desc_of(t->nr);
	int kind = d ? d->ret : TR_DEC;

	if (is_error(ret)) {
		int err = (int)-ret;
		const char *name = errno_name(err);
		const char *msg = errno_message(err);
		if (name && err >= ERESTARTSYS)
			trace_printf(t, "? %s (%s)", name, msg);
		else if (name)
			trace_printf(t, "-1 %s (%s)", name, msg);
		else
			trace_printf(t, "-1 ERRNO_%d (Unknown error %d)", err, err);
		return;
	}
	switch (kind) {
	case TR_HEX:
		trace_hex(t, (uint64_t)ret);
		break;
	case TR_OCT:
		if (ret == 0)
			trace_puts(t, "000");
		else
			trace_printf(t, "%#lo", (unsigned long)ret);
		break;
	case TR_TIME:
		trace_printf(t, "%ld (", ret);
		trace_date(t, ret);
		trace_puts(t, ")");
		break;
	default:
		trace_printf(t, "%ld", ret);
	}
}

void trace_exit(struct trace_line *t, long ret)
{
	if (t->next_arg >= 0 && t->next_arg < 6 && trace_desc_of(t->nr))
		print_args(t, true, ret);
	close_args(t);
	print_result(t, ret);
}
