/* oom.c: writes to every page of an anonymous mapping of MIB MiB (argv[1]). With MIB more
 * than the machine has, the kernel must kill it (isle: status 137, "out of memory"); with
 * a small MIB it finishes and prints "touched all MIB MiB". Progress goes to stdout every
 * 4 MiB so a test can tell the kill happened while touching. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "guest.h"

#define PAGE 4096ul

int main(int argc, char **argv)
{
	CHECK(argc == 2, "usage: oom MIB");
	size_t mib = strtoul(argv[1], NULL, 10);
	CHECK(mib >= 1 && mib <= (1ul << 20));
	size_t len = mib << 20;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	CHECK(p != MAP_FAILED, "mmap of %zu MiB: %s", mib, strerror(errno));
	printf("oom: touching %zu MiB\n", mib);
	fflush(stdout);
	for (size_t off = 0; off < len; off += PAGE) {
		p[off] = 1;
		if (off % (4ul << 20) == 0) {
			printf("touched %zu MiB\n", off >> 20);
			fflush(stdout);
		}
	}
	printf("touched all %zu MiB\n", mib);
	return 0;
}
