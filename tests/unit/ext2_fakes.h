/* ext2_fakes.h: the state the ext2 unit-test fakes (ext2_fakes.c) expose to the tests. */
#ifndef ISLE_TESTS_EXT2_FAKES_H
#define ISLE_TESTS_EXT2_FAKES_H

/* Include after the host's headers and before vfs.h: vfs.h defines the Linux mode bits
 * and rename flags itself, spelled differently from the host's. */
#undef S_IFMT
#undef S_IFSOCK
#undef S_IFLNK
#undef S_IFREG
#undef S_IFBLK
#undef S_IFDIR
#undef S_IFCHR
#undef S_IFIFO
#undef RENAME_NOREPLACE
#undef RENAME_EXCHANGE

extern char fake_log[8192];	   /* everything printk'd since the test cleared it */
extern unsigned fake_live_inodes;  /* inodes in the fake inode cache */
extern unsigned long fake_flushes; /* BLK_FLUSH requests seen */

#endif
