/* uname.c: uname(2) says Linux on x86_64 with a release of the form MAJOR.MINOR... */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "guest.h"

int main(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	CHECK(uname(&u) == 0);
	printf("sysname=%s\nnodename=%s\nrelease=%s\nversion=%s\nmachine=%s\n", u.sysname,
	       u.nodename, u.release, u.version, u.machine);
	CHECK(strcmp(u.sysname, "Linux") == 0);
	CHECK(strcmp(u.machine, "x86_64") == 0);
	CHECK(sscanf(u.release, "%d.%d", &major, &minor) == 2 && major >= 3, "release '%s'",
	      u.release);
	CHECK(u.version[0] != '\0');
	guest_pass("uname");
	return 0;
}
