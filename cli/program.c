/* program.c: open, check and map the program file on the host. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abi/exit.h"
#include "elfcheck.h"
#include "program.h"
#include "util.h"

int program_load(const char *path, struct program *p)
{
	char why[512];
	struct stat st;
	void *data = NULL;
	int fd, r;

	memset(p, 0, sizeof(*p));
	p->path = path;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		int e = errno;

		util_err("%s: %s", path, strerror(e));
		return e == ENOENT ? ISLE_EXIT_NOT_FOUND : ISLE_EXIT_CANNOT_RUN;
	}
	if (fstat(fd, &st) < 0) {
		util_err("%s: %s", path, strerror(errno));
		close(fd);
		return ISLE_EXIT_CANNOT_RUN;
	}
	if (S_ISDIR(st.st_mode)) {
		util_err("%s: %s", path, strerror(EISDIR));
		close(fd);
		return ISLE_EXIT_CANNOT_RUN;
	}
	if (!S_ISREG(st.st_mode)) {
		util_err("%s: not a regular file", path);
		close(fd);
		return ISLE_EXIT_CANNOT_RUN;
	}
	if ((uintmax_t)st.st_size > SIZE_MAX) {
		util_err("%s: file too large", path);
		close(fd);
		return ISLE_EXIT_CANNOT_RUN;
	}
	if (st.st_size > 0) {
		data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (data == MAP_FAILED) {
			util_err("%s: cannot read: %s", path, strerror(errno));
			close(fd);
			return ISLE_EXIT_CANNOT_RUN;
		}
	}
	close(fd);
	p->data = data;
	p->size = (size_t)st.st_size;

	r = elfcheck(p->data, p->size, why, sizeof(why));
	if (r) {
		util_err("%s: %s", path, why);
		program_unload(p);
		return ISLE_EXIT_CANNOT_RUN;
	}
	return 0;
}

void program_unload(struct program *p)
{
	if (p->data)
		munmap((void *)p->data, p->size);
	p->data = NULL;
	p->size = 0;
}
