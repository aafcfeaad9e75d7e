/* catfile.c: prints the file named by argv[1] between BEGIN/END lines, then the PASS line
 * (e2e tests read /etc/resolv.conf inside the guest with it). */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "guest.h"

int main(int argc, char **argv)
{
	CHECK(argc == 2, "usage: catfile PATH");
	int fd = open(argv[1], O_RDONLY);
	CHECK(fd >= 0, "open %s", argv[1]);
	char buf[4096];
	ssize_t n;
	printf("BEGIN\n");
	fflush(stdout);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		CHECK(write(1, buf, (size_t)n) == n, "write");
	CHECK(n == 0, "read");
	printf("END\n");
	guest_pass("catfile");
	return 0;
}
