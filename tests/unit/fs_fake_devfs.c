/* fs_fake_devfs.c: no device drivers in the VFS unit tests: every rdev is unknown. */
#include <stddef.h>
#include <stdint.h>

#include "fs/devfs.h"

const struct chrdev *vfs_chrdev_find(uint32_t rdev)
{
	return NULL;
}
