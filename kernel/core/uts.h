/* uts.h: the system's identity as uname(2) and /proc report it (one place, so the two
 * always agree). glibc refuses to run on kernels older than its minimum (3.2), so the
 * release must look like a modern Linux. The host name is fixed: there is no
 * sethostname. */
#ifndef ISLE_CORE_UTS_H
#define ISLE_CORE_UTS_H

#define UTS_SYSNAME "Linux"
#define UTS_NODENAME "isle"
#define UTS_RELEASE "6.1.0-isle"
#define UTS_VERSION "#1 SMP isle"
#define UTS_MACHINE "x86_64"
#define UTS_DOMAINNAME "(none)"

#endif
