# procfs.mk: unit tests of /proc and /sys: the pure parts (kernel/fs/genfs_out.c,
# kernel/fs/procfs_fmt.c: the output window and Linux's line formats, compared with the
# host's own /proc files), and the file systems through the VFS over a tmpfs root with
# fakes of the kernel state they read (tests/unit/procfs_fakes.c).
UNIT_TESTS += test_procfs test_procfs_vfs
test_procfs_SRCS := tests/unit/test_procfs.c kernel/fs/genfs_out.c kernel/fs/procfs_fmt.c \
	kernel/lib/format.c
test_procfs_vfs_SRCS := tests/unit/test_procfs_vfs.c tests/unit/procfs_fakes.c \
	tests/unit/fs_fakes.c tests/unit/mm_fakes.c tests/unit/fs_fake_devfs.c kernel/mm/pmm.c \
	kernel/mm/heap.c kernel/fs/inode.c kernel/fs/attr.c kernel/fs/mount.c kernel/fs/namei.c \
	kernel/fs/pagecache.c kernel/fs/tmpfs.c kernel/fs/file.c kernel/fs/fdtable.c tests/unit/wait_fakes.c \
	kernel/sched/wait_while.c \
	$(sort $(wildcard kernel/fs/genfs*.c kernel/fs/procfs*.c)) kernel/fs/sysfs.c \
	kernel/lib/format.c
PROCFS_HDRS := kernel/fs/genfs.h kernel/fs/procfs.h kernel/fs/procfs_gen.h kernel/fs/sysfs.h \
	kernel/fs/vfs.h kernel/mm/vm.h kernel/lib/format.h kernel/sched/smp.h
$(BUILD)/unit/test_procfs $(BUILD)/unit/test_procfs_vfs: $(PROCFS_HDRS)
