# syscall.mk: unit tests of kernel/syscall: the strace-style trace formatter over fake
# program memory, and the handlers over fakes of the subsystems they call.
UNIT_TESTS += test_trace test_sys
TRACE_SRCS := kernel/syscall/trace.c kernel/syscall/trace_desc.c kernel/syscall/trace_flags.c \
	kernel/syscall/trace_struct.c kernel/syscall/names.c kernel/lib/format.c \
	kernel/lib/errname.c
test_trace_SRCS := tests/unit/test_trace.c $(TRACE_SRCS)
test_sys_SRCS := tests/unit/test_sys.c tests/unit/host_mem_fakes.c kernel/syscall/sys_io.c kernel/syscall/sys_info.c \
	kernel/syscall/sys_proc.c kernel/syscall/sys_rlimit.c \
	kernel/syscall/sys_time.c kernel/syscall/sys_stat.c kernel/syscall/sys_fs_util.c \
	kernel/syscall/sys_fs_open.c kernel/syscall/sys_fs_path.c kernel/syscall/sys_fs_dir.c \
	kernel/syscall/sys_fs_attr.c kernel/fs/inode.c kernel/fs/attr.c kernel/fs/mount.c kernel/fs/namei.c \
	kernel/fs/pagecache.c kernel/fs/tmpfs.c kernel/fs/file.c kernel/fs/fdtable.c tests/unit/wait_fakes.c \
	kernel/sched/wait_while.c \
	kernel/fs/devfs.c kernel/fs/fs_init.c kernel/fs/writeback.c tests/unit/fs_fake_procfs.c

$(BUILD)/unit/test_trace: kernel/syscall/trace.h kernel/syscall/trace_fmt.h kernel/syscall/nr.h
$(BUILD)/unit/test_sys: kernel/syscall/sys.h kernel/syscall/sys_fs.h kernel/fs/vfs.h kernel/fs/file.h \
	kernel/fs/namei.h kernel/fs/devfs.h
# The event files' entry points that sys_fs_open.c and devfs.c call (fcntl pipe sizes,
# console poll).
test_sys_SRCS += tests/unit/events_sys_fakes.c
# One thread, no sleeping (sched/task.h, clone.h, futex.h as the handlers call them).
test_sys_SRCS += tests/unit/sched_fakes.c kernel/fs/fdpin.c
# Scheduling calls, prctl and the time arithmetic under the clock calls.
test_sys_SRCS += kernel/syscall/sys_sched.c kernel/syscall/sys_prctl.c kernel/lib/ktime.c
