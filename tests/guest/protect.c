/* protect.c: memory-protection probes, one per mode (argv[1]); each prints what the
 * system answered, one "label: RESULT" line per attempt (RESULT is 0 or the errno's
 * name), so that the test can hold Linux's answers and isle's side by side.
 *   execstack            call a `ret` copied into a stack buffer (SIGSEGV unless the
 *                        stack is executable: then "execstack: returned")
 *   writetext            store into one of its own functions (SIGSEGV)
 *   mprotect_heap_exec   a malloc'd page made PROT_READ|PROT_EXEC
 *   mmap_wx              anonymous PROT_WRITE|PROT_EXEC; also MAP_SHARED anonymous and
 *                        /dev/zero PROT_READ|PROT_EXEC
 *   write_self           open the program (/proc/self/exe, argv[0]) for writing, with
 *                        O_TRUNC, and truncate it; then whether its bytes are unchanged
 *   map_noexec_file P X  map file P (no x bit) and file X (x bit) PROT_READ|PROT_EXEC
 *   low_mmap             MAP_FIXED at 0, 0x1000 and 0xf000; a hint at 0x1000 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest.h"

#define PAGE 4096

static const char *errname(int e)
{
	static char buf[16];
	switch (e) {
	case EACCES:
		return "EACCES";
	case EPERM:
		return "EPERM";
	case ETXTBSY:
		return "ETXTBSY";
	case EINVAL:
		return "EINVAL";
	case ENOMEM:
		return "ENOMEM";
	case ENOENT:
		return "ENOENT";
	case EROFS:
		return "EROFS";
	}
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

/* Print "label: 0" for ok, else "label: ENAME" for errno. */
static void report(const char *label, int ok)
{
	printf("%s: %s\n", label, ok ? "0" : errname(errno));
}

static void *map_result(const char *label, void *p)
{
	report(label, p != MAP_FAILED);
	return p == MAP_FAILED ? NULL : p;
}

__attribute__((noinline)) static int victim(int x)
{
	return x * 3 + 1;
}

static int execstack(void)
{
	unsigned char code[64];

	code[0] = 0xc3; /* ret */
	__builtin___clear_cache((char *)code, (char *)code + 1);
	printf("about to execute the stack at %p\n", (void *)code);
	fflush(stdout);
	((void (*)(void))(void *)code)();
	printf("execstack: returned\n");
	return 0;
}

static int writetext(void)
{
	volatile unsigned char *p = (volatile unsigned char *)(uintptr_t)&victim;

	printf("about to write to text at %p\n", (void *)p);
	fflush(stdout);
	*p = 0xc3;
	printf("writetext: returned %d\n", victim(1));
	return 0;
}

static int mprotect_heap_exec(void)
{
	void *p = NULL;

	CHECK(posix_memalign(&p, PAGE, PAGE) == 0);
	memset(p, 0xc3, PAGE);
	int ok = mprotect(p, PAGE, PROT_READ | PROT_EXEC) == 0;
	report("mprotect_heap_exec", ok);
	if (ok) /* back to data before free() touches the heap */
		CHECK(mprotect(p, PAGE, PROT_READ | PROT_WRITE) == 0, "%s", errname(errno));
	free(p);
	return 0;
}

static int mmap_wx(void)
{
	void *p = map_result("mmap_wx", mmap(NULL, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC,
					     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	if (p)
		munmap(p, PAGE);
	p = map_result("mmap_shared_rx",
		       mmap(NULL, PAGE, PROT_READ | PROT_EXEC, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
	if (p)
		munmap(p, PAGE);
	int fd = open("/dev/zero", O_RDONLY);
	CHECK(fd >= 0, "/dev/zero: %s", errname(errno));
	p = map_result("devzero_rx", mmap(NULL, PAGE, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0));
	if (p)
		munmap(p, PAGE);
	close(fd);
	return 0;
}

/* FNV-1a of the whole file and its size. */
static uint64_t file_hash(const char *path, long *size)
{
	uint64_t h = 1469598103934665603ULL;
	unsigned char buf[8192];
	int fd = open(path, O_RDONLY);
	long n;

	CHECK(fd >= 0, "%s: %s", path, errname(errno));
	*size = 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (long i = 0; i < n; i++)
			h = (h ^ buf[i]) * 1099511628211ULL;
		*size += n;
	}
	CHECK(n == 0, "read %s: %s", path, errname(errno));
	close(fd);
	return h;
}

static void try_open(const char *label, const char *path, int flags)
{
	int fd = open(path, flags);
	report(label, fd >= 0);
	if (fd >= 0)
		close(fd);
}

static int write_self(const char *self)
{
	long size0, size1;
	uint64_t h0 = file_hash(self, &size0);

	try_open("open_exe_wronly", "/proc/self/exe", O_WRONLY);
	try_open("open_self_rdwr", self, O_RDWR);
	try_open("open_self_trunc", self, O_RDONLY | O_TRUNC);
	report("truncate_self", truncate(self, 0) == 0);
	uint64_t h1 = file_hash(self, &size1);
	printf("unchanged: %s\n", h0 == h1 && size0 == size1 && size0 > 0 ? "yes" : "no");
	return 0;
}

static int map_noexec_file(const char *plain, const char *exe)
{
	const char *paths[2] = {plain, exe}, *labels[2] = {"map_plain_rx", "map_exec_rx"};

	for (int i = 0; i < 2; i++) {
		int fd = open(paths[i], O_RDONLY);
		CHECK(fd >= 0, "%s: %s", paths[i], errname(errno));
		void *p = map_result(labels[i],
				     mmap(NULL, PAGE, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0));
		if (p)
			munmap(p, PAGE);
		close(fd);
	}
	return 0;
}

static int low_mmap(void)
{
	static const uintptr_t addrs[] = {0, 0x1000, 0xf000};
	char label[32];

	for (unsigned i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		snprintf(label, sizeof(label), "fixed_%#lx", (unsigned long)addrs[i]);
		void *p = map_result(label, mmap((void *)addrs[i], PAGE, PROT_READ | PROT_WRITE,
						 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
		if (p)
			munmap(p, PAGE);
	}
	void *p = mmap((void *)0x1000, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	CHECK(p != MAP_FAILED, "hint: %s", errname(errno));
	printf("hint_0x1000: %s\n", (uintptr_t)p >= 0x10000 ? "above_64k" : "below_64k");
	munmap(p, PAGE);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "execstack"))
		return execstack();
	if (!strcmp(mode, "writetext"))
		return writetext();
	if (!strcmp(mode, "mprotect_heap_exec"))
		return mprotect_heap_exec();
	if (!strcmp(mode, "mmap_wx"))
		return mmap_wx();
	if (!strcmp(mode, "write_self"))
		return write_self(argv[0]);
	if (!strcmp(mode, "map_noexec_file") && argc == 4)
		return map_noexec_file(argv[2], argv[3]);
	if (!strcmp(mode, "low_mmap"))
		return low_mmap();
	fprintf(stderr, "usage: protect MODE [ARGS]: unknown mode '%s'\n", mode);
	return 2;
}
