/* exit.h: the end of the program and of the VM. */
#ifndef ISLE_CORE_EXIT_H
#define ISLE_CORE_EXIT_H

/* Report "isle: exit STATUS (REASON)" on the log channel (include/abi/exit.h) and power
 * off. Used for normal exit (reason "exited"), fatal signals and out of memory. */
_Noreturn void program_exit(int status, const char *reason);

#endif
