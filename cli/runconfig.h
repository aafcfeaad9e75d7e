/* runconfig.h: what `isle run -c config.json` takes from a config: RunConfig's Memory,
 * CPUs and Accel (unless -m / --smp / --accel say otherwise), Args (unless arguments are given) and
 * Env (under -e, which wins for the same key). The image content keys (Dirs, Files, ...) go into
 * the image isle run builds of a PROGRAM; with --bundle (no image) or an IMAGE (which has its
 * content already) they are warned about and ignored. With --bundle, ExecProtection and NoASLR
 * (manifest flags in an image) become the kernel options execprot and noaslr. */
#ifndef ISLE_CLI_RUNCONFIG_H
#define ISLE_CLI_RUNCONFIG_H

#include "config.h"
#include "runopts.h"

enum run_target {
	RUN_TARGET_PROGRAM, /* a program, built into a cached image (cache.h) */
	RUN_TARGET_BUNDLE,  /* a program in a boot bundle (--bundle) */
	RUN_TARGET_IMAGE,   /* an image made by isle build */
};

/* Applies c to o for target t. o may point into c afterwards (o->args), so c must outlive
 * o's use. Prints a warning per ignored key. */
void runconfig_apply(struct run_options *o, const struct config *c, enum run_target t);

#endif
