/* main.c: the isle command: keep fds 0..2 open, dispatch the subcommand (run, build,
 * image, instance), --help and --version. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "abi/exit.h"
#include "build.h"
#include "image.h"
#include "instance.h"
#include "run.h"
#include "usage.h"
#include "util.h"

#ifndef ISLE_VERSION
#define ISLE_VERSION "unknown"
#endif

/* A closed 0, 1 or 2 would be taken by the next open() and handed to QEMU as its stdio:
 * hold each with /dev/null instead. */
static void keep_std_fds_open(void)
{
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			_exit(ISLE_EXIT_CANNOT_RUN);
	}
}

int main(int argc, char **argv)
{
	const char *cmd;

	keep_std_fds_open();
	if (argc < 2) {
		usage_print(stderr);
		return ISLE_EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "--version")) {
		printf("isle %s\n", ISLE_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		usage_print(stdout);
		return 0;
	}
	if (!strcmp(cmd, "run"))
		return run_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "build"))
		return build_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "image"))
		return image_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "instance"))
		return instance_main(argc - 1, argv + 1);
	if (!strcmp(cmd, INST_SUPERVISE_CMD))
		return instance_supervise(argc - 1, argv + 1);
	util_err("unknown command '%s'", cmd);
	util_err("try 'isle --help' for more information");
	return ISLE_EXIT_USAGE;
}
