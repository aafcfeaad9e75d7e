/* runconfig.h: what `isle run -c config.json` takes from a config: RunConfig's Memory and
 * Accel (unless -m / --accel say otherwise), and for a program (not an image) Args (unless
 * arguments follow PROGRAM) and Env (under -e, which wins for the same key). The image
 * content keys need an image: they are warned about and ignored. */
#ifndef ISLE_CLI_RUNCONFIG_H
#define ISLE_CLI_RUNCONFIG_H

#include <stdbool.h>

#include "config.h"
#include "runopts.h"

/* Applies c to o; image says whether PROGRAM is an image. o may point into c afterwards
 * (o->args), so c must outlive o's use. Prints a warning per ignored key. */
void runconfig_apply(struct run_options *o, const struct config *c, bool image);

#endif
