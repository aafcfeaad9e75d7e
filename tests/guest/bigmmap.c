/* bigmmap.c: a 1 GiB anonymous mapping (more than the 32 MiB guest has) must succeed and be
 * populated lazily: touch a few pages spread over it, read them back, unmap, and do it once
 * more to show the memory came back. Usage: bigmmap [MIB] (default 1024). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "guest.h"

#define PAGE 4096ul
#define TOUCHES 64

static void round_trip(size_t len, unsigned salt)
{
	unsigned char *p =
		mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED, "mmap of %zu bytes: %s", len, strerror(errno));
	/* First page, last page, and pages spread evenly in between. */
	for (size_t i = 0; i < TOUCHES; i++) {
		size_t off = (len / PAGE - 1) * i / (TOUCHES - 1) * PAGE + (i * 8) % PAGE;
		CHECK(p[off] == 0, "fresh byte at +%#zx is %#x", off, p[off]);
		p[off] = (unsigned char)(i + salt) | 0x80;
	}
	for (size_t i = 0; i < TOUCHES; i++) {
		size_t off = (len / PAGE - 1) * i / (TOUCHES - 1) * PAGE + (i * 8) % PAGE;
		CHECK(p[off] == ((unsigned char)(i + salt) | 0x80), "byte at +%#zx changed", off);
	}
	CHECK(munmap(p, len) == 0, "%s", strerror(errno));
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 1024;

	CHECK(mib >= 1);
	round_trip(mib << 20, 1);
	round_trip(mib << 20, 2);
	printf("mapped and touched %zu MiB twice\n", mib);
	guest_pass("bigmmap");
	return 0;
}
