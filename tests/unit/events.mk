# events.mk: unit tests of the event files (kernel/fs/pipe_ring.c, pipe.c, eventfd.c,
# epoll.c, poll.c, anonfile.c) through the VFS, over host wait queues that never block
# (tests/unit/events_fakes.c).
UNIT_TESTS += test_events
EVENTS_SRCS := kernel/fs/pipe_ring.c kernel/fs/pipe.c kernel/fs/eventfd.c kernel/fs/epoll.c \
	kernel/fs/poll.c kernel/fs/anonfile.c tests/unit/events_fakes.c
test_events_SRCS = tests/unit/test_events.c $(EVENTS_SRCS) $(FS_CORE_SRCS) $(FS_FAKE_DEVFS)
$(BUILD)/unit/test_events: kernel/fs/file.h kernel/fs/poll.h kernel/fs/pipe.h kernel/fs/pipe_ring.h \
	kernel/fs/eventfd.h kernel/fs/epoll.h kernel/fs/anonfile.h kernel/sched/wait.h
