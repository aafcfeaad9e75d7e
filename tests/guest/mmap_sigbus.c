/* mmap_sigbus.c: touching a mapped page wholly past the end of its file kills the
 * program with SIGBUS (status 135), while the partial last page reads zeros past the
 * end. Prints "partial ok" before the fatal access; never prints PASS.
 * Usage: mmap_sigbus DIR */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest.h"

#define PG 4096

int main(int argc, char **argv)
{
	CHECK(argc >= 2);
	char path[512];
	CHECK(mkdir(argv[1], 0755) == 0 || errno == EEXIST);
	snprintf(path, sizeof(path), "%s/short", argv[1]);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0, "%s", strerror(errno));
	CHECK(write(fd, "0123456789", 10) == 10);
	volatile unsigned char *m = mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED, "%s", strerror(errno));
	CHECK(m[9] == '9' && m[10] == 0 && m[PG - 1] == 0);
	printf("partial ok\n");
	fflush(stdout);
	unsigned char c = m[PG]; /* SIGBUS */
	printf("read %d past the end: no SIGBUS\n", c);
	return 1;
}
