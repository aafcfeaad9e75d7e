/* target.c: the one supported target, onprem (target.h). */
#include <string.h>

#include "abi/exit.h"
#include "target.h"
#include "util.h"

int target_check(const char *t)
{
	if (!strcmp(t, TARGET_DEFAULT))
		return 0;
	util_err("target '%s' is not supported yet (only onprem)", t);
	return ISLE_EXIT_USAGE;
}
