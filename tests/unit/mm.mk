# mm.mk: unit tests of kernel/mm: the page allocator, the heap, and the address space
# (VMAs, mmap family, demand paging, exec protection) over fake RAM and a fake page-table
# backend.
UNIT_TESTS += test_pmm test_heap test_vm test_vm_remap test_vm_merge test_vm_file test_execprot
MM_FAKES := tests/unit/mm_fakes.c
# File mappings reach into the real VFS core (tmpfs inodes, open files, the page cache).
MM_FS_SRCS := tests/unit/fs_fakes.c tests/unit/fs_fake_devfs.c kernel/fs/inode.c kernel/fs/attr.c \
	kernel/fs/mount.c kernel/fs/namei.c kernel/fs/pagecache.c kernel/fs/tmpfs.c \
	kernel/fs/file.c kernel/fs/fdtable.c tests/unit/wait_fakes.c kernel/sched/wait_while.c \
	tests/unit/task_fake.c
MM_VM_SRCS := $(MM_FAKES) tests/unit/mm_fake_paging.c kernel/mm/vm.c kernel/mm/vma.c \
	kernel/mm/mmap.c kernel/mm/madvise.c kernel/mm/mremap.c kernel/mm/filemap.c \
	kernel/mm/msync.c kernel/mm/execprot.c kernel/mm/heap.c kernel/mm/pmm.c kernel/lib/format.c $(MM_FS_SRCS)
test_pmm_SRCS := tests/unit/test_pmm.c $(MM_FAKES) kernel/mm/pmm.c
test_heap_SRCS := tests/unit/test_heap.c $(MM_FAKES) kernel/mm/heap.c kernel/mm/pmm.c
test_vm_SRCS := tests/unit/test_vm.c $(MM_VM_SRCS)
test_vm_remap_SRCS := tests/unit/test_vm_remap.c $(MM_VM_SRCS)
test_vm_merge_SRCS := tests/unit/test_vm_merge.c $(MM_VM_SRCS)
test_vm_file_SRCS := tests/unit/test_vm_file.c $(MM_VM_SRCS)
test_execprot_SRCS := tests/unit/test_execprot.c $(MM_VM_SRCS)

MM_HDRS := kernel/mm/pmm.h kernel/mm/heap.h kernel/mm/vm.h kernel/mm/vma.h kernel/mm/direct.h \
	kernel/mm/layout.h kernel/mm/execprot.h tests/unit/mm_fakes.h
$(BUILD)/unit/test_pmm $(BUILD)/unit/test_heap: $(MM_HDRS)
$(BUILD)/unit/test_vm $(BUILD)/unit/test_vm_remap $(BUILD)/unit/test_vm_merge \
	$(BUILD)/unit/test_vm_file $(BUILD)/unit/test_execprot: $(MM_HDRS) \
	kernel/arch/x86_64/paging.h kernel/fs/pagecache.h kernel/fs/file.h kernel/fs/vfs.h

# Differential check against the host kernel (tests/unit/vm_vs_linux.c): not part of
# `make unit`, since it depends on the host's Linux version (written against 6.18).
.PHONY: vm-vs-linux
$(BUILD)/unit/vm_vs_linux: tests/unit/vm_vs_linux.c $(MM_VM_SRCS) $(MM_HDRS)
	@mkdir -p $(BUILD)/unit
	$(HOSTCC) $(UNITCFLAGS) -o $@ tests/unit/vm_vs_linux.c $(MM_VM_SRCS) -lcmocka
vm-vs-linux: $(BUILD)/unit/vm_vs_linux
	$< 1 50 3000
