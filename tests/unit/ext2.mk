#ext2.mk : unit tests of the block cache and the ext2 file system over image files made
#(and checked afterwards) by the real e2fsprogs : mke2fs - d, e2fsck - fn, debugfs.
UNIT_TESTS += test_bcache test_ext2 test_ext2_bad
EXT2_TEST_SRCS := tests/unit/ext2_fakes.c kernel/fs/attr.c tests/unit/ext2_util.c kernel/fs/bcache.c \
	tests/unit/wait_fakes.c tests/unit/task_fake.c kernel/sched/mutex.c \
	kernel/sched/wait_while.c \
	$(sort $(wildcard kernel/fs/ext2/*.c))
test_bcache_SRCS := tests/unit/test_bcache.c tests/unit/ext2_fakes.c kernel/fs/bcache.c \
	tests/unit/wait_fakes.c tests/unit/task_fake.c kernel/sched/wait_while.c
test_ext2_SRCS := tests/unit/test_ext2.c $(EXT2_TEST_SRCS)
test_ext2_bad_SRCS := tests/unit/test_ext2_bad.c $(EXT2_TEST_SRCS)
EXT2_TEST_HDRS := kernel/fs/ext2/ext2.h kernel/fs/ext2/internal.h kernel/fs/bcache.h \
	kernel/fs/vfs.h kernel/drivers/blkdev.h tests/unit/ext2_fakes.h tests/unit/ext2_util.h
$(BUILD)/unit/test_bcache $(BUILD)/unit/test_ext2 $(BUILD)/unit/test_ext2_bad: $(EXT2_TEST_HDRS)
