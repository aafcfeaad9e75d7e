/* tracefilter.c: --trace=SET into the kernel's trace=HEX bitmap (tracefilter.h). */
#include "tracefilter.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "syscall/names.h"
#include "util.h"

/* strace's classes (its syscall table's TF, TN, TP, TM, TS and TD flags, x86-64), each a
 * space-separated list of names; every name is one names.c knows. */
struct trace_class {
	const char *name; /* with the '%' */
	const char *calls;
};

static const struct trace_class classes[] = {
	{"%file",
	 "open stat lstat access execve truncate getcwd chdir rename mkdir rmdir creat link "
	 "unlink symlink readlink chmod chown lchown utime mknod uselib statfs pivot_root "
	 "chroot acct mount umount2 swapon swapoff quotactl setxattr lsetxattr getxattr "
	 "lgetxattr listxattr llistxattr removexattr lremovexattr utimes inotify_add_watch "
	 "openat mkdirat mknodat fchownat futimesat newfstatat unlinkat renameat linkat "
	 "symlinkat readlinkat fchmodat faccessat utimensat fanotify_mark name_to_handle_at "
	 "renameat2 execveat statx open_tree move_mount fsconfig fspick openat2 faccessat2 "
	 "mount_setattr fchmodat2"},
	{"%network",
	 "sendfile socket connect accept sendto recvfrom sendmsg recvmsg shutdown bind listen "
	 "getsockname getpeername socketpair setsockopt getsockopt getpmsg putpmsg accept4 "
	 "recvmmsg sendmmsg"},
	{"%process",
	 "clone fork vfork execve exit wait4 kill rt_sigqueueinfo tkill exit_group tgkill "
	 "waitid rt_tgsigqueueinfo execveat clone3 pidfd_send_signal"},
	{"%memory",
	 "mmap mprotect munmap brk mremap msync mincore madvise shmat shmdt mlock munlock "
	 "mlockall munlockall io_setup io_destroy remap_file_pages mbind set_mempolicy "
	 "get_mempolicy migrate_pages move_pages mlock2 pkey_mprotect io_uring_register "
	 "set_mempolicy_home_node map_shadow_stack mseal"},
	{"%signal",
	 "rt_sigaction rt_sigprocmask rt_sigreturn pause kill rt_sigpending rt_sigtimedwait "
	 "rt_sigqueueinfo rt_sigsuspend sigaltstack tkill tgkill signalfd signalfd4 "
	 "rt_tgsigqueueinfo pidfd_send_signal io_uring_enter"},
	{"%desc",
	 "read write open close fstat poll lseek mmap ioctl pread64 pwrite64 readv writev pipe "
	 "select dup dup2 sendfile fcntl flock fsync fdatasync ftruncate getdents fchdir creat "
	 "fchmod fchown fstatfs readahead fsetxattr fgetxattr flistxattr fremovexattr "
	 "epoll_create getdents64 fadvise64 epoll_wait epoll_ctl mq_open mq_timedsend "
	 "mq_timedreceive mq_notify mq_getsetattr inotify_init inotify_add_watch "
	 "inotify_rm_watch openat mkdirat mknodat fchownat futimesat newfstatat unlinkat "
	 "renameat linkat symlinkat readlinkat fchmodat faccessat pselect6 ppoll splice tee "
	 "sync_file_range vmsplice utimensat epoll_pwait signalfd timerfd_create eventfd "
	 "fallocate timerfd_settime timerfd_gettime signalfd4 eventfd2 epoll_create1 dup3 "
	 "pipe2 inotify_init1 preadv pwritev perf_event_open fanotify_init fanotify_mark "
	 "name_to_handle_at open_by_handle_at syncfs setns finit_module renameat2 memfd_create "
	 "kexec_file_load bpf execveat userfaultfd copy_file_range preadv2 pwritev2 statx "
	 "pidfd_send_signal io_uring_setup io_uring_enter io_uring_register open_tree "
	 "move_mount fsopen fsconfig fsmount fspick pidfd_open openat2 pidfd_getfd faccessat2 "
	 "process_madvise epoll_pwait2 mount_setattr quotactl_fd landlock_create_ruleset "
	 "landlock_add_rule landlock_restrict_self memfd_secret process_mrelease cachestat "
	 "fchmodat2"},
};

#define NCLASSES (sizeof(classes) / sizeof(classes[0]))

static void set_bit(uint8_t *set, long nr)
{
	set[nr / 8] |= (uint8_t)(1u << (nr % 8));
}

/* Adds the calls of class c; -1 when its list names a call names.c lacks (a bug). */
static int add_class(uint8_t *set, const struct trace_class *c)
{
	const char *p = c->calls;

	while (*p) {
		char word[64];
		size_t len = strcspn(p, " ");
		long nr;

		if (len >= sizeof(word))
			return -1;
		memcpy(word, p, len);
		word[len] = '\0';
		nr = syscall_by_name(word);
		if (nr < 0)
			return -1;
		set_bit(set, nr);
		p += len;
		p += strspn(p, " ");
	}
	return 0;
}

/* Edit distance of a and b, capped: the "did you mean" suggestion. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* The known name (or class) closest to word, when it is close enough to be a typo. */
static const char *closest(const char *word)
{
	const char *best = NULL;
	size_t best_d = strlen(word) / 3 + 1;

	if (best_d > 3)
		best_d = 3;
	for (long nr = 0; nr < SYSCALL_NAMES_END; nr++) {
		const char *n = syscall_name(nr);
		size_t d = n ? distance(word, n) : 99;
		if (d <= best_d && (!best || d < distance(word, best))) {
			best = n;
			best_d = d;
		}
	}
	for (size_t i = 0; i < NCLASSES; i++) {
		size_t d = distance(word, classes[i].name);
		if (d <= best_d && (!best || d < distance(word, best))) {
			best = classes[i].name;
			best_d = d;
		}
	}
	return best;
}

static int unknown(const char *word)
{
	const char *near = closest(word);

	if (word[0] == '%')
		util_err("unknown syscall class '%s' in --trace: expected %%file, %%network, "
			 "%%process, %%memory, %%signal or %%desc",
			 word);
	else if (near)
		util_err("unknown syscall '%s' in --trace (did you mean '%s'?)", word, near);
	else
		util_err("unknown syscall '%s' in --trace", word);
	return -EINVAL;
}

/* One word of the list into set. */
static int add_word(uint8_t *set, const char *word)
{
	long nr;

	if (!*word) {
		util_err("empty name in --trace: expected NAME[,NAME...] or %%CLASS");
		return -EINVAL;
	}
	for (size_t i = 0; i < NCLASSES; i++) {
		if (!strcmp(word, classes[i].name)) {
			if (add_class(set, &classes[i]) < 0) {
				util_err("internal error: class %s names an unknown call", word);
				return -EINVAL;
			}
			return 0;
		}
	}
	nr = syscall_by_name(word);
	if (nr < 0)
		return unknown(word);
	set_bit(set, nr);
	return 0;
}

int trace_filter_parse(const char *spec, char **hex)
{
	uint8_t set[(SYSCALL_NAMES_END + 7) / 8] = {0};
	int negate = spec[0] == '!';
	char *copy = util_xstrdup(spec + negate), *p = copy, *out;
	int r = 0, last = -1;

	for (;;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		r = add_word(set, p);
		if (r || !comma)
			break;
		p = comma + 1;
	}
	free(copy);
	if (r)
		return r;
	if (negate)
		for (long nr = 0; nr < SYSCALL_NAMES_END; nr++)
			set[nr / 8] ^= (uint8_t)(1u << (nr % 8));
	/* Hex digit i holds numbers 4i..4i+3; trailing zero digits are left out. */
	for (long nr = 0; nr < SYSCALL_NAMES_END; nr++)
		if (set[nr / 8] >> (nr % 8) & 1)
			last = (int)(nr / 4);
	if (last < 0) {
		util_err("--trace=%s selects no system call", spec);
		return -EINVAL;
	}
	out = util_xmalloc((size_t)last + 2);
	for (int i = 0; i <= last; i++) {
		unsigned d = 0;
		for (int j = 0; j < 4; j++) {
			long nr = i * 4 + j;
			if (nr < SYSCALL_NAMES_END && (set[nr / 8] >> (nr % 8) & 1))
				d |= 1u << j;
		}
		out[i] = "0123456789abcdef"[d];
	}
	out[last + 1] = '\0';
	*hex = out;
	return 0;
}
