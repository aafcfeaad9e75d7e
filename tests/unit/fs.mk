# fs.mk: unit tests of the VFS layer over fake RAM (the real pmm and heap): path walking,
# tmpfs name-space operations and link counts, open files, and the page cache (read,
# write, truncate, and eviction to a fake disk when RAM runs out).
UNIT_TESTS += test_namei test_pagecache
FS_CORE_SRCS := tests/unit/fs_fakes.c tests/unit/mm_fakes.c kernel/mm/pmm.c kernel/mm/heap.c \
	kernel/fs/inode.c kernel/fs/attr.c kernel/fs/mount.c kernel/fs/namei.c kernel/fs/pagecache.c \
	kernel/fs/tmpfs.c kernel/fs/file.c kernel/fs/fdtable.c kernel/sched/wait_while.c
FS_FAKE_DEVFS := tests/unit/fs_fake_devfs.c
# Wait queues and `current` for the tests that link no scheduler or event fakes.
FS_WAIT_FAKES := tests/unit/wait_fakes.c tests/unit/task_fake.c
test_namei_SRCS := tests/unit/test_namei.c $(FS_CORE_SRCS) $(FS_FAKE_DEVFS) $(FS_WAIT_FAKES)
test_pagecache_SRCS := tests/unit/test_pagecache.c $(FS_CORE_SRCS) $(FS_FAKE_DEVFS) \
	$(FS_WAIT_FAKES)

FS_HDRS := kernel/fs/vfs.h kernel/fs/namei.h kernel/fs/file.h kernel/fs/pagecache.h \
	kernel/fs/tmpfs.h kernel/fs/fdtable.h kernel/fs/devfs.h tests/unit/mm_fakes.h
$(BUILD)/unit/test_namei $(BUILD)/unit/test_pagecache: $(FS_HDRS)
