/* test_errname.c: unit tests of kernel/lib/errname.c against the host glibc's strerror()
 * and strerrorname_np(). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <string.h>

#include "core/errno.h"
#include "lib/errname.h"

struct known {
	int value;
	const char *macro;
};

/* Every value of kernel/core/errno.h, by macro name. */
#define E(x) x, #x
static const struct known all[] = {
	{E(EPERM)},
	{E(ENOENT)},
	{E(ESRCH)},
	{E(EINTR)},
	{E(EIO)},
	{E(ENXIO)},
	{E(E2BIG)},
	{E(ENOEXEC)},
	{E(EBADF)},
	{E(ECHILD)},
	{E(EAGAIN)},
	{E(ENOMEM)},
	{E(EACCES)},
	{E(EFAULT)},
	{E(ENOTBLK)},
	{E(EBUSY)},
	{E(EEXIST)},
	{E(EXDEV)},
	{E(ENODEV)},
	{E(ENOTDIR)},
	{E(EISDIR)},
	{E(EINVAL)},
	{E(ENFILE)},
	{E(EMFILE)},
	{E(ENOTTY)},
	{E(ETXTBSY)},
	{E(EFBIG)},
	{E(ENOSPC)},
	{E(ESPIPE)},
	{E(EROFS)},
	{E(EMLINK)},
	{E(EPIPE)},
	{E(EDOM)},
	{E(ERANGE)},
	{E(EDEADLK)},
	{E(ENAMETOOLONG)},
	{E(ENOLCK)},
	{E(ENOSYS)},
	{E(ENOTEMPTY)},
	{E(ELOOP)},
	{E(ENOMSG)},
	{E(EIDRM)},
	{E(ENOSTR)},
	{E(ENODATA)},
	{E(ETIME)},
	{E(ENOSR)},
	{E(EREMOTE)},
	{E(ENOLINK)},
	{E(EPROTO)},
	{E(EMULTIHOP)},
	{E(EBADMSG)},
	{E(EOVERFLOW)},
	{E(EBADFD)},
	{E(EILSEQ)},
	{E(ERESTART)},
	{E(EUSERS)},
	{E(ENOTSOCK)},
	{E(EDESTADDRREQ)},
	{E(EMSGSIZE)},
	{E(EPROTOTYPE)},
	{E(ENOPROTOOPT)},
	{E(EPROTONOSUPPORT)},
	{E(ESOCKTNOSUPPORT)},
	{E(EOPNOTSUPP)},
	{E(EPFNOSUPPORT)},
	{E(EAFNOSUPPORT)},
	{E(EADDRINUSE)},
	{E(EADDRNOTAVAIL)},
	{E(ENETDOWN)},
	{E(ENETUNREACH)},
	{E(ENETRESET)},
	{E(ECONNABORTED)},
	{E(ECONNRESET)},
	{E(ENOBUFS)},
	{E(EISCONN)},
	{E(ENOTCONN)},
	{E(ESHUTDOWN)},
	{E(ETOOMANYREFS)},
	{E(ETIMEDOUT)},
	{E(ECONNREFUSED)},
	{E(EHOSTDOWN)},
	{E(EHOSTUNREACH)},
	{E(EALREADY)},
	{E(EINPROGRESS)},
	{E(ESTALE)},
	{E(EDQUOT)},
	{E(ECANCELED)},
	{E(EOWNERDEAD)},
	{E(ENOTRECOVERABLE)},
	{E(ERFKILL)},
	{E(EHWPOISON)},
	{E(ERESTARTSYS)},
};
#undef E

/* Aliases: the name reported is the primary one. */
static const struct known aliases[] = {
	{EWOULDBLOCK, "EAGAIN"},
	{ENOTSUP, "EOPNOTSUPP"},
	{EDEADLOCK, "EDEADLK"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void test_names_match_macros(void **state)
{
	for (size_t i = 0; i < COUNT(all); i++) {
		const char *name = errno_name(all[i].value);

		if (!name || strcmp(name, all[i].macro) != 0)
			fail_msg("errno_name(%d) = %s, want %s", all[i].value, name ? name : "NULL",
				 all[i].macro);
	}
	for (size_t i = 0; i < COUNT(aliases); i++)
		assert_string_equal(errno_name(aliases[i].value), aliases[i].macro);
	assert_string_equal(errno_name(2), "ENOENT");
}

static void test_against_glibc(void **state)
{
	for (size_t i = 0; i < COUNT(all); i++) {
		int e = all[i].value;
		const char *msg = errno_message(e);

		if (e == ERESTARTSYS) {
			/* Kernel-internal; glibc has no text for it. */
			assert_string_equal(msg, "To be restarted if SA_RESTART is set");
			continue;
		}
		/* The name also checks kernel/core/errno.h's value against glibc's. */
		const char *gname = strerrorname_np(e);
		if (!gname || strcmp(gname, errno_name(e)) != 0)
			fail_msg("%d: glibc name %s, ours %s", e, gname ? gname : "NULL",
				 errno_name(e));
		if (!msg || strcmp(msg, strerror(e)) != 0)
			fail_msg("%d (%s): glibc \"%s\", ours \"%s\"", e, errno_name(e),
				 strerror(e), msg ? msg : "NULL");
	}
	assert_string_equal(errno_message(2), "No such file or directory");
}

static void test_unknown(void **state)
{
	size_t known = 0;

	assert_null(errno_name(0));
	assert_null(errno_message(0));
	assert_null(errno_name(-2));
	assert_null(errno_message(-2));
	assert_null(errno_name(41)); /* a hole in the table */
	assert_null(errno_message(41));
	assert_null(errno_name(134));
	assert_null(errno_name(__INT_MAX__));
	assert_null(errno_name(-__INT_MAX__ - 1));
	/* Exactly the values of errno.h are known, and name and message agree. */
	for (int e = -600; e <= 4096; e++) {
		const char *name = errno_name(e);

		assert_int_equal(name == NULL, errno_message(e) == NULL);
		if (!name)
			continue;
		known++;
		bool listed = false;
		for (size_t i = 0; i < COUNT(all); i++)
			listed |= all[i].value == e;
		assert_true(listed);
	}
	assert_int_equal(known, COUNT(all));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_match_macros),
		cmocka_unit_test(test_against_glibc),
		cmocka_unit_test(test_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
