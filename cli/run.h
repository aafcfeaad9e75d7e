/* run.h: the `isle run` command: check the program, write the boot bundle, start QEMU. */
#ifndef ISLE_CLI_RUN_H
#define ISLE_CLI_RUN_H

/* argv[0] is "run". Returns isle's exit status (include/abi/exit.h): the program's
 * status, or one of isle's own with a message printed on stderr. */
int run_main(int argc, char **argv);

#endif
