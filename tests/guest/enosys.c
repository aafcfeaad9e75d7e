/* enosys.c: system calls nobody implements must fail with ENOSYS and leave the program
 * running: an unassigned number (999) and a removed Linux call (create_module, 174, ENOSYS
 * on every Linux since 2.6). Each is made twice so the test can check the kernel's notice
 * is logged once per number. (Gaps in the table such as 335 are not used: some hosts'
 * seccomp filters kill the caller for them.) */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "guest.h"

static void expect_enosys(long nr)
{
	for (int i = 0; i < 2; i++) {
		errno = 0;
		long r = syscall(nr, 1, 2, 3, 4, 5, 6);
		CHECK(r == -1 && errno == ENOSYS, "syscall %ld returned %ld errno %d (%s)", nr, r,
		      errno, strerror(errno));
	}
	printf("syscall %ld: ENOSYS\n", nr);
}

int main(void)
{
	expect_enosys(999);
	expect_enosys(SYS_create_module);
	/* Still alive and able to make ordinary calls. */
	CHECK(getpid() > 0);
	guest_pass("enosys");
	return 0;
}
