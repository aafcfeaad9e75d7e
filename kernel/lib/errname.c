/* errname.c: errno names and glibc's strerror() messages (contract in errname.h). */
#include "lib/errname.h"

#include <stddef.h>

#include "core/errno.h"

/* Indexed by errno value; holes (41, 44-59, ...) are values Linux x86-64 has but
 * kernel/core/errno.h does not define, so they read as unknown. The messages must match
 * glibc byte for byte: tests/unit/test_errname.c compares them with the host's. */
struct errno_text {
	const char *name;
	const char *message;
};

static const struct errno_text errno_table[] = {
	[EPERM] = {"EPERM", "Operation not permitted"},
	[ENOENT] = {"ENOENT", "No such file or directory"},
	[ESRCH] = {"ESRCH", "No such process"},
	[EINTR] = {"EINTR", "Interrupted system call"},
	[EIO] = {"EIO", "Input/output error"},
	[ENXIO] = {"ENXIO", "No such device or address"},
	[E2BIG] = {"E2BIG", "Argument list too long"},
	[ENOEXEC] = {"ENOEXEC", "Exec format error"},
	[EBADF] = {"EBADF", "Bad file descriptor"},
	[ECHILD] = {"ECHILD", "No child processes"},
	[EAGAIN] = {"EAGAIN", "Resource temporarily unavailable"},
	[ENOMEM] = {"ENOMEM", "Cannot allocate memory"},
	[EACCES] = {"EACCES", "Permission denied"},
	[EFAULT] = {"EFAULT", "Bad address"},
	[ENOTBLK] = {"ENOTBLK", "Block device required"},
	[EBUSY] = {"EBUSY", "Device or resource busy"},
	[EEXIST] = {"EEXIST", "File exists"},
	[EXDEV] = {"EXDEV", "Invalid cross-device link"},
	[ENODEV] = {"ENODEV", "No such device"},
	[ENOTDIR] = {"ENOTDIR", "Not a directory"},
	[EISDIR] = {"EISDIR", "Is a directory"},
	[EINVAL] = {"EINVAL", "Invalid argument"},
	[ENFILE] = {"ENFILE", "Too many open files in system"},
	[EMFILE] = {"EMFILE", "Too many open files"},
	[ENOTTY] = {"ENOTTY", "Inappropriate ioctl for device"},
	[ETXTBSY] = {"ETXTBSY", "Text file busy"},
	[EFBIG] = {"EFBIG", "File too large"},
	[ENOSPC] = {"ENOSPC", "No space left on device"},
	[ESPIPE] = {"ESPIPE", "Illegal seek"},
	[EROFS] = {"EROFS", "Read-only file system"},
	[EMLINK] = {"EMLINK", "Too many links"},
	[EPIPE] = {"EPIPE", "Broken pipe"},
	[EDOM] = {"EDOM", "Numerical argument out of domain"},
	[ERANGE] = {"ERANGE", "Numerical result out of range"},
	[EDEADLK] = {"EDEADLK", "Resource deadlock avoided"},
	[ENAMETOOLONG] = {"ENAMETOOLONG", "File name too long"},
	[ENOLCK] = {"ENOLCK", "No locks available"},
	[ENOSYS] = {"ENOSYS", "Function not implemented"},
	[ENOTEMPTY] = {"ENOTEMPTY", "Directory not empty"},
	[ELOOP] = {"ELOOP", "Too many levels of symbolic links"},
	[ENOMSG] = {"ENOMSG", "No message of desired type"},
	[EIDRM] = {"EIDRM", "Identifier removed"},
	[ENOSTR] = {"ENOSTR", "Device not a stream"},
	[ENODATA] = {"ENODATA", "No data available"},
	[ETIME] = {"ETIME", "Timer expired"},
	[ENOSR] = {"ENOSR", "Out of streams resources"},
	[EREMOTE] = {"EREMOTE", "Object is remote"},
	[ENOLINK] = {"ENOLINK", "Link has been severed"},
	[EPROTO] = {"EPROTO", "Protocol error"},
	[EMULTIHOP] = {"EMULTIHOP", "Multihop attempted"},
	[EBADMSG] = {"EBADMSG", "Bad message"},
	[EOVERFLOW] = {"EOVERFLOW", "Value too large for defined data type"},
	[EBADFD] = {"EBADFD", "File descriptor in bad state"},
	[EILSEQ] = {"EILSEQ", "Invalid or incomplete multibyte or wide character"},
	[ERESTART] = {"ERESTART", "Interrupted system call should be restarted"},
	[EUSERS] = {"EUSERS", "Too many users"},
	[ENOTSOCK] = {"ENOTSOCK", "Socket operation on non-socket"},
	[EDESTADDRREQ] = {"EDESTADDRREQ", "Destination address required"},
	[EMSGSIZE] = {"EMSGSIZE", "Message too long"},
	[EPROTOTYPE] = {"EPROTOTYPE", "Protocol wrong type for socket"},
	[ENOPROTOOPT] = {"ENOPROTOOPT", "Protocol not available"},
	[EPROTONOSUPPORT] = {"EPROTONOSUPPORT", "Protocol not supported"},
	[ESOCKTNOSUPPORT] = {"ESOCKTNOSUPPORT", "Socket type not supported"},
	[EOPNOTSUPP] = {"EOPNOTSUPP", "Operation not supported"},
	[EPFNOSUPPORT] = {"EPFNOSUPPORT", "Protocol family not supported"},
	[EAFNOSUPPORT] = {"EAFNOSUPPORT", "Address family not supported by protocol"},
	[EADDRINUSE] = {"EADDRINUSE", "Address already in use"},
	[EADDRNOTAVAIL] = {"EADDRNOTAVAIL", "Cannot assign requested address"},
	[ENETDOWN] = {"ENETDOWN", "Network is down"},
	[ENETUNREACH] = {"ENETUNREACH", "Network is unreachable"},
	[ENETRESET] = {"ENETRESET", "Network dropped connection on reset"},
	[ECONNABORTED] = {"ECONNABORTED", "Software caused connection abort"},
	[ECONNRESET] = {"ECONNRESET", "Connection reset by peer"},
	[ENOBUFS] = {"ENOBUFS", "No buffer space available"},
	[EISCONN] = {"EISCONN", "Transport endpoint is already connected"},
	[ENOTCONN] = {"ENOTCONN", "Transport endpoint is not connected"},
	[ESHUTDOWN] = {"ESHUTDOWN", "Cannot send after transport endpoint shutdown"},
	[ETOOMANYREFS] = {"ETOOMANYREFS", "Too many references: cannot splice"},
	[ETIMEDOUT] = {"ETIMEDOUT", "Connection timed out"},
	[ECONNREFUSED] = {"ECONNREFUSED", "Connection refused"},
	[EHOSTDOWN] = {"EHOSTDOWN", "Host is down"},
	[EHOSTUNREACH] = {"EHOSTUNREACH", "No route to host"},
	[EALREADY] = {"EALREADY", "Operation already in progress"},
	[EINPROGRESS] = {"EINPROGRESS", "Operation now in progress"},
	[ESTALE] = {"ESTALE", "Stale file handle"},
	[EDQUOT] = {"EDQUOT", "Disk quota exceeded"},
	[ECANCELED] = {"ECANCELED", "Operation canceled"},
	[EOWNERDEAD] = {"EOWNERDEAD", "Owner died"},
	[ENOTRECOVERABLE] = {"ENOTRECOVERABLE", "State not recoverable"},
	[ERFKILL] = {"ERFKILL", "Operation not possible due to RF-kill"},
	[EHWPOISON] = {"EHWPOISON", "Memory page has hardware error"},
};

static const struct errno_text erestartsys = {"ERESTARTSYS",
					      "To be restarted if SA_RESTART is set"};

static const struct errno_text *lookup(int err)
{
	if (err == ERESTARTSYS)
		return &erestartsys;
	if (err <= 0 || (unsigned int)err >= sizeof(errno_table) / sizeof(errno_table[0]))
		return NULL;
	if (!errno_table[err].name)
		return NULL;
	return &errno_table[err];
}

const char *errno_name(int err)
{
	const struct errno_text *t = lookup(err);

	return t ? t->name : NULL;
}

const char *errno_message(int err)
{
	const struct errno_text *t = lookup(err);

	return t ? t->message : NULL;
}
