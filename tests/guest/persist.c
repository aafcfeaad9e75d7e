/* persist.c: a file written in one run is there in the next. With no DIR/note.txt it
 * writes "note: TEXT\n" there, fsyncs it and prints "wrote"; when the file exists it
 * prints its contents. Also reads a file given as argv[3] (from the image's Dirs) to
 * stdout when present. Usage: persist DIR TEXT [EXTRA_FILE] */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest.h"

static void cat(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		CHECK(write(1, buf, (size_t)n) == n);
	CHECK(n == 0);
	CHECK(close(fd) == 0);
}

int main(int argc, char **argv)
{
	CHECK(argc >= 3);
	char path[512];
	snprintf(path, sizeof(path), "%s/note.txt", argv[1]);
	if (argc >= 4)
		cat(argv[3]);
	if (access(path, F_OK) == 0) {
		cat(path);
	} else {
		char text[256];
		int len = snprintf(text, sizeof(text), "note: %s\n", argv[2]);
		CHECK(mkdir(argv[1], 0755) == 0 || access(argv[1], F_OK) == 0);
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		CHECK(fd >= 0);
		CHECK(write(fd, text, (size_t)len) == len);
		CHECK(fsync(fd) == 0);
		CHECK(close(fd) == 0);
		printf("wrote\n");
	}
	guest_pass("persist");
	return 0;
}
