/* target.h: -t/--target of `isle image` and `isle instance`: where images and instances
 * live. Only "onprem" (this machine) exists for now; cloud names get a clear refusal. */
#ifndef ISLE_CLI_TARGET_H
#define ISLE_CLI_TARGET_H

#define TARGET_DEFAULT "onprem"

/* Returns 0 when t is "onprem"; otherwise prints one line
 * "isle: target 'T' is not supported yet (only onprem)" and returns ISLE_EXIT_USAGE. */
int target_check(const char *t);

#endif
