/* mmap_persist.c: stores through a MAP_SHARED mapping reach the disk: creates FILE,
 * sizes it with ftruncate, writes TEXT into it through the mapping, msyncs (unless the
 * third argument is "nosync": then the write-back at exit must do) and exits without
 * munmap or close. Usage: mmap_persist FILE TEXT [nosync] */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest.h"

int main(int argc, char **argv)
{
	CHECK(argc >= 3);
	bool sync = !(argc >= 4 && strcmp(argv[3], "nosync") == 0);
	size_t len = strlen(argv[2]);
	int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0, "%s", strerror(errno));
	CHECK(ftruncate(fd, (off_t)len) == 0);
	char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED, "%s", strerror(errno));
	memcpy(m, argv[2], len);
	if (sync)
		CHECK(msync(m, len, MS_SYNC) == 0);
	guest_pass("mmap_persist");
	return 0;
}
