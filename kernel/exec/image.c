/* image.c: start from a disk image: read the manifest and the program's ELF through the
 * VFS into kernel memory, and enter the working directory the manifest names. */
#include "exec/image.h"
#include "abi/manifest.h"
#include "core/errno.h"
#include "core/printk.h"
#include "exec/manifest.h"
#include "fs/file.h"
#include "fs/namei.h"
#include "fs/vfs.h"
#include "mm/layout.h"
#include "mm/pmm.h"

#define PROGRAM_MAX_SIZE (1ULL << 32)

/* The whole regular file at path, in physically contiguous pages. */
static int read_file(const char *path, uint64_t max, void **data, uint64_t *size)
{
	struct file *f;
	int r = vfs_open(NULL, path, O_RDONLY, 0, &f);
	if (r < 0)
		return r;
	uint64_t sz = f->inode->size;
	if (!S_ISTYPE(f->inode->mode, S_IFREG) || sz == 0 || sz > max) {
		vfs_file_put(f);
		return S_ISTYPE(f->inode->mode, S_IFREG) ? -EFBIG : -EACCES;
	}
	uint64_t pages = PAGE_ALIGN_UP(sz) / PAGE_SIZE;
	uint64_t pa = pmm_alloc_contig(pages);
	if (!pa) {
		vfs_file_put(f);
		return -ENOMEM;
	}
	char *buf = phys_to_virt(pa);
	uint64_t done = 0;
	while (done < sz) {
		long n = vfs_read(f, buf + done, sz - done, done);
		if (n <= 0) {
			vfs_file_put(f);
			pmm_free_contig(pa, pages);
			return n < 0 ? (int)n : -EIO;
		}
		done += (uint64_t)n;
	}
	vfs_file_put(f);
	*data = buf;
	*size = sz;
	return 0;
}

int image_load(struct exec_args *args, uint32_t *flags)
{
	void *mdata, *elf;
	uint64_t msize, elf_size;
	struct manifest m;

	int r = read_file(ISLE_MANIFEST_PATH, ISLE_MANIFEST_MAX_SIZE, &mdata, &msize);
	if (r < 0) {
		printk("isle: the image has no readable %s (error %d): make images with isle "
		       "build\n",
		       ISLE_MANIFEST_PATH, r);
		return r;
	}
	r = manifest_parse(mdata, msize, &m);
	if (r < 0)
		return r;
	r = read_file(m.path, PROGRAM_MAX_SIZE, &elf, &elf_size);
	if (r < 0) {
		printk("isle: cannot read the program %s named by the manifest (error %d)\n",
		       m.path, r);
		return r;
	}
	struct vfs_path *cwd;
	r = vfs_lookup(NULL, m.cwd, NAMEI_FOLLOW | NAMEI_DIRECTORY, &cwd);
	if (r < 0) {
		printk("isle: the working directory %s is not a directory in the image (error "
		       "%d)\n",
		       m.cwd, r);
		return r;
	}
	vfs_set_cwd(cwd);
	pr_info("isle: image built by isle %s: %s\n", m.built_by, m.path);

	args->elf = elf;
	args->elf_size = elf_size;
	args->path = m.path;
	args->argc = m.argc;
	args->argv = m.argv;
	args->envc = m.envc;
	args->envp = m.envp;
	*flags = m.flags;
	return 0;
}
