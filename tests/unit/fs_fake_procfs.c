/* fs_fake_procfs.c: /proc and /sys for unit tests that run fs_init but do not test them
 * (test_sys): empty tmpfs directories in place of the generated file systems. */
#include "fs/procfs.h"
#include "fs/sysfs.h"
#include "fs/tmpfs.h"

struct super_block *procfs_create(void)
{
	return tmpfs_create(0555);
}

struct super_block *sysfs_create(void)
{
	return tmpfs_create(0555);
}
