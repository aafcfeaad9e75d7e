/* trace_fmt.h: what the trace files share (trace.c: the line, strings, the descriptor
 * table; trace_flags.c: names of constants and flags; trace_struct.c: structures). Only
 * for kernel/syscall/trace*.c. */
#ifndef ISLE_SYSCALL_TRACE_FMT_H
#define ISLE_SYSCALL_TRACE_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "syscall/trace.h"

/* strace's default -s: strings and buffers print at most this many bytes, then "...";
 * arrays at most this many elements. */
#define TRACE_STRLEN 32
/* Paths print in full in strace (up to PATH_MAX); here up to this many bytes, then "...". */
#define TRACE_PATHLEN 256

/* How one argument prints. Kinds starting with O are output arguments: printed by
 * trace_exit, decoded only when the call succeeded (the address otherwise). */
enum trace_kind {
	TK_END = 0, /* no more arguments */
	TK_INT,	    /* int, decimal */
	TK_UINT,    /* unsigned int, decimal */
	TK_LONG,    /* long, decimal */
	TK_ULONG,   /* unsigned long, decimal */
	TK_HEX,	    /* 0 or 0x... */
	TK_PTR,	    /* NULL or 0x... */
	TK_FD,	    /* int */
	TK_DIRFD,   /* AT_FDCWD or int */
	TK_PATH,    /* NUL-terminated path, in full */
	TK_STR,	    /* NUL-terminated string, cut at TRACE_STRLEN */
	TK_BUF,	    /* bytes, length in the next argument */
	TK_OCTAL,   /* 0644 */
	TK_OPEN_FLAGS,
	TK_OPEN_MODE, /* octal, present only with O_CREAT or O_TMPFILE in the previous one */
	TK_AT_FLAGS,
	TK_ACCESS_MODE,
	TK_PROT,
	TK_MAP_FLAGS,
	TK_MREMAP_FLAGS,
	TK_MREMAP_ADDR, /* present only with MREMAP_FIXED in the previous one */
	TK_MADVICE,
	TK_SEEK_WHENCE,
	TK_CLOCK,
	TK_TIMER_FLAGS,
	TK_TIMESPEC,
	TK_ARCH_CODE,
	TK_ARCH_ARG, /* output for ARCH_GET_FS/GS, absent for ARCH_GET_CPUID */
	TK_RLIMIT_RES,
	TK_RLIMIT64, /* struct rlimit64 in */
	TK_RLIMIT,   /* struct rlimit in (setrlimit) */
	TK_SIGNUM,
	TK_SIG_HOW,
	TK_SIGSET,    /* in, size in argument 3 */
	TK_SIGACTION, /* in */
	TK_GRND_FLAGS,
	TK_IOVEC, /* in, count in the next argument */
	TK_IOCTL_REQ,
	TK_IOCTL_ARG,		/* in, out or absent, by request */
	TK_OUT_FIRST,		/* output kinds from here on */
	TK_OBUF = TK_OUT_FIRST, /* bytes, length = result */
	TK_OHEXBUF,		/* bytes in \x escapes, length = result (getrandom) */
	TK_OPATHBUF,		/* path bytes, length = result (readlink) */
	TK_OPATH,		/* NUL-terminated path (getcwd) */
	TK_OTIMESPEC,
	TK_OTIMESPEC_REM, /* remaining time: decoded only after EINTR */
	TK_OTIMEVAL,
	TK_OTIMEZONE,
	TK_OTIME,
	TK_ORLIMIT64,
	TK_ORLIMIT,
	TK_OSIGSET,
	TK_OSIGACTION,
	TK_OUTSNAME,
	TK_OSYSINFO,
	TK_OSTAT,
	TK_OIOVEC,  /* count in the next argument, bytes = result */
	TK_OCPUSET, /* length = result */
	TK_OINT,    /* [n] */
	TK_OULONG,  /* [0x...] (arch_prctl ARCH_GET_FS) */
};

/* How the result prints. */
enum trace_ret {
	TR_UNKNOWN = 0, /* no descriptor: six hex arguments, decimal result */
	TR_DEC,
	TR_HEX,	 /* addresses: mmap, brk, mremap */
	TR_OCT,	 /* umask */
	TR_TIME, /* seconds with the date in a comment */
	TR_NONE, /* never returns: "= ?" */
};

struct trace_desc {
	uint8_t ret;
	uint8_t arg[6];
};

/* The descriptor of syscall nr, NULL when it has none (trace_desc.c). */
const struct trace_desc *trace_desc_of(long nr);

/* A named value or bit. */
struct trace_xlat {
	uint64_t val;
	const char *name;
};

/* Appending to the line; they stop quietly when the buffer is full. */
void trace_puts(struct trace_line *t, const char *s);
void trace_printf(struct trace_line *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void trace_ptr(struct trace_line *t, uint64_t p); /* NULL or 0x... */
void trace_hex(struct trace_line *t, uint64_t v); /* 0 or 0x... */
/* Read program memory through the line's reader; false when any byte is unreadable. */
bool trace_read(struct trace_line *t, void *dst, uint64_t uaddr, size_t n);
/* s[0..n) in double quotes with strace's escapes (\x.. for every byte when hex). */
void trace_quote(struct trace_line *t, const void *s, size_t n, bool hex);
/* len bytes at uaddr, cut at max with "...", or the address when unreadable. */
void trace_bytes(struct trace_line *t, uint64_t uaddr, uint64_t len, size_t max, bool hex);
/* The NUL-terminated string at uaddr, cut at max with "...", or the address. */
void trace_cstring(struct trace_line *t, uint64_t uaddr, size_t max);

/* Bits of v by name in table order, "|"-separated, leftover bits as |0x...; zero prints
 * as zero_name ("0" when NULL). When no name matches, v prints in hex followed by the
 * comment strace adds, TAG_??? (when tag is not NULL). */
void trace_flags(struct trace_line *t, const struct trace_xlat *x, size_t n, uint64_t v,
		 const char *zero_name, const char *tag);
/* The name of v, or v in hex followed by a TAG_??? comment. */
void trace_enum(struct trace_line *t, const struct trace_xlat *x, size_t n, uint64_t v,
		const char *tag);
#define TRACE_N(x) (sizeof(x) / sizeof((x)[0]))

/* trace_flags.c: one printer per constant kind. */
void trace_open_flags(struct trace_line *t, uint64_t v);
void trace_at_flags(struct trace_line *t, uint64_t v);
void trace_access_mode(struct trace_line *t, uint64_t v);
void trace_prot(struct trace_line *t, uint64_t v);
void trace_map_flags(struct trace_line *t, uint64_t v);
void trace_mremap_flags(struct trace_line *t, uint64_t v);
void trace_madvice(struct trace_line *t, uint64_t v);
void trace_whence(struct trace_line *t, uint64_t v);
void trace_clock(struct trace_line *t, uint64_t v);
void trace_timer_flags(struct trace_line *t, uint64_t v);
void trace_arch_code(struct trace_line *t, uint64_t v);
void trace_rlimit_res(struct trace_line *t, uint64_t v);
void trace_signum(struct trace_line *t, uint64_t v);
void trace_sig_how(struct trace_line *t, uint64_t v);
void trace_grnd_flags(struct trace_line *t, uint64_t v);
void trace_sa_flags(struct trace_line *t, uint64_t v);
/* Signal name without "SIG" ("HUP", "RTMIN", "RT_3"), NULL when out of 1..64. */
const char *trace_signame(int sig, char *buf, size_t size);
void trace_ioctl_req(struct trace_line *t, uint64_t v);
void trace_futex(struct trace_line *t); /* the whole argument list of futex */

/* trace_struct.c: structures; all print the address when unreadable, NULL for 0. */
void trace_timespec(struct trace_line *t, uint64_t uaddr);
void trace_timeval(struct trace_line *t, uint64_t uaddr);
void trace_timezone(struct trace_line *t, uint64_t uaddr);
void trace_time_out(struct trace_line *t, uint64_t uaddr);
void trace_date(struct trace_line *t, int64_t secs); /* 2026-11-22T23:11:08+0000 */
void trace_rlimit(struct trace_line *t, uint64_t uaddr, bool is64);
void trace_sigset(struct trace_line *t, uint64_t uaddr, uint64_t size);
void trace_sigaction(struct trace_line *t, uint64_t uaddr);
void trace_utsname(struct trace_line *t, uint64_t uaddr);
void trace_sysinfo(struct trace_line *t, uint64_t uaddr);
void trace_stat(struct trace_line *t, uint64_t uaddr);
/* count iovecs; data bytes shown: each iov_len (in), or the first total bytes (out). */
void trace_iovec(struct trace_line *t, uint64_t uaddr, uint64_t count, bool out, uint64_t total);
void trace_cpuset(struct trace_line *t, uint64_t uaddr, uint64_t len);
void trace_int_out(struct trace_line *t, uint64_t uaddr);
void trace_ioctl_arg(struct trace_line *t, uint64_t req, uint64_t arg, bool out);
/* Whether the ioctl argument of req is printed before or after the call, or not at all. */
enum trace_ioctl_dir { TRACE_IOCTL_IN, TRACE_IOCTL_OUT, TRACE_IOCTL_NONE };
enum trace_ioctl_dir trace_ioctl_dir(uint64_t req);

#endif
