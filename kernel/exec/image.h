/* image.h: the program named by the disk image's manifest (isle build), as exec_args. */
#ifndef ISLE_EXEC_IMAGE_H
#define ISLE_EXEC_IMAGE_H

#include <stdint.h>

#include "exec/exec.h"

/* Read ISLE_MANIFEST_PATH and the program it names from the mounted root, enter the
 * manifest's working directory, and fill args (the ELF lives in kernel memory for the
 * program's lifetime) and *flags (ISLE_MF_*). 0, or a negative errno after logging what
 * is wrong in words a user can act on. */
int image_load(struct exec_args *args, uint32_t *flags);

#endif
