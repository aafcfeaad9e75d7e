/* writeback.c: data written without fsync reaches the disk by itself. Writes DIR/wb.txt
 * (no fsync, no close), prints "written", sleeps 8 s (past the kernel's 5 s write-back
 * delay), prints "slept", then sleeps SECONDS more so the test can kill the VM.
 * Usage: writeback DIR SECONDS */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

static void sleep_s(long s)
{
	struct timespec t = {s, 0};
	while (nanosleep(&t, &t) < 0 && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	CHECK(argc == 3);
	char path[512];
	snprintf(path, sizeof(path), "%s/wb.txt", argv[1]);
	CHECK(mkdir(argv[1], 0755) == 0 || errno == EEXIST);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	const char *text = "written back without fsync\n";
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	printf("written\n");
	fflush(stdout);
	sleep_s(8);
	printf("slept\n");
	fflush(stdout);
	sleep_s(atol(argv[2]));
	guest_pass("writeback");
	return 0;
}
