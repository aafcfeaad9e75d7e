/* vm_vs_linux.c: differential check of kernel/mm against the Linux it runs on: random
 * mmap/munmap/mprotect/madvise/mremap calls and writes go to both, and after each one the
 * return values, the VMA boundaries, prot and contents of a 24-page window must agree.
 * Not part of `make unit` (it depends on the host kernel; written against Linux 6.18,
 * older kernels differ in mremap); run with `make vm-vs-linux`. */

/*
 * Both sides use the same addresses: the window W is mapped with MAP_FIXED on the host
 * and in isle's address space (fake RAM, fake page tables). Left out, because isle
 * differs on purpose or the host is not deterministic: MAP_SHARED unless SHARED=1 is set
 * (shmem keeps pages of a shrunk mapping; isle does not), MREMAP_DONTUNMAP of shared
 * memory, growing shared mappings (Linux's shmem object keeps its size: SIGBUS past it),
 * duplicating shared mappings, moves to an address the kernel picks (placement differs),
 * MADV_FREE (lazy on Linux), MADV_COLLAPSE and guard pages (not supported).
 * Reading a page on the host maps the zero page, which is what isle does too.
 * DUMP=n prints isle's VMAs (pgoff relative to start, anon id, flags) before step n and
 * after a mismatch; arguments: first seed, number of seeds, steps per seed.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/errno.h"
#include "mm/layout.h"
#include "mm/vm.h"
#include "mm/vma.h"
#include "mm_fakes.h"

#define W 0x300000000000UL
#define NP 24
#define P PAGE_SIZE

void *mm_test_phys_to_virt(uint64_t pa);

struct page_state {
	int mapped, prot, shared, byte;
};

static long host(long nr, long a, long b, long c, long d, long e, long f)
{
	long r = syscall(nr, a, b, c, d, e, f);
	return r == -1 ? -errno : r;
}

/* VMA boundaries inside W as "0-2 2-5 ". */
static void host_vmas(char *buf, size_t size)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	size_t n = 0;
	buf[0] = 0;
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long s, e;
		if (sscanf(line, "%lx-%lx", &s, &e) != 2 || e <= W || s >= W + NP * P)
			continue;
		s = s < W ? W : s;
		e = e > W + NP * P ? W + NP * P : e;
		n += (size_t)snprintf(buf + n, size - n, "%lx-%lx ", (s - W) / P, (e - W) / P);
	}
	if (f)
		fclose(f);
}

static void isle_vmas(char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = 0;
	for (size_t i = vma_find(W); i < vm_current.n && vm_current.v[i].start < W + NP * P; i++) {
		unsigned long s = vm_current.v[i].start, e = vm_current.v[i].end;
		s = s < W ? W : s;
		e = e > W + NP * P ? W + NP * P : e;
		n += (size_t)snprintf(buf + n, size - n, "%lx-%lx ", (s - W) / P, (e - W) / P);
	}
}

static void host_pages(struct page_state *s)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	memset(s, 0, sizeof(*s) * NP);
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long a, b;
		char perm[8];
		if (sscanf(line, "%lx-%lx %7s", &a, &b, perm) != 3)
			continue;
		for (unsigned long v = a < W ? W : a; v < b && v < W + NP * P; v += P) {
			struct page_state *p = &s[(v - W) / P];
			p->mapped = 1;
			p->prot = (perm[0] == 'r') | (perm[1] == 'w') << 1 | (perm[2] == 'x') << 2;
			p->shared = perm[3] == 's';
		}
	}
	if (f)
		fclose(f);
	for (int i = 0; i < NP; i++)
		s[i].byte = s[i].mapped && (s[i].prot & 3) ? *(volatile uint8_t *)(W + i * P) : -1;
}

/* Without faulting: an absent page reads as zero. */
static void isle_pages(struct page_state *s)
{
	for (int i = 0; i < NP; i++) {
		const struct vma *v = vma_lookup(W + i * P);
		uint64_t pa;
		unsigned fl;
		s[i] = (struct page_state){.byte = -1};
		if (!v)
			continue;
		s[i] = (struct page_state){1, v->prot, !!(v->flags & VMA_SHARED), -1};
		if (v->prot & 3)
			s[i].byte = mmu_pte(W + i * P, &pa, &fl)
					    ? *(uint8_t *)mm_test_phys_to_virt(pa)
					    : 0;
	}
}

/* isle's VMAs in W with what decides merging (env DUMP=1), after and before a step. */
static void dump(const char *when)
{
	if (!getenv("DUMP"))
		return;
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	bool in = false;
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long s, e;
		if (sscanf(line, "%lx-%lx ", &s, &e) == 2 &&
		    strchr(line, ' ') == line + strcspn(line, " "))
			in = e > W && s < W + NP * P;
		if (in && (strstr(line, "-3") == line + strcspn(line, "-") ||
			   !strncmp(line, "VmFlags", 7) || !strncmp(line, "Anonymous", 9)))
			printf("  Linux %s", line);
	}
	if (f)
		fclose(f);
	for (size_t i = vma_find(W); i < vm_current.n && vm_current.v[i].start < W + NP * P; i++) {
		const struct vma *v = &vm_current.v[i];
		printf("  %s %lx-%lx prot %d pgoff %+ld anon %u flags %#x\n", when,
		       (v->start - W) / P, (v->end - W) / P, v->prot,
		       (long)(v->pgoff - (v->start >> PAGE_SHIFT)), v->anon, v->flags);
	}
}

static bool range_has_shared(uintptr_t a, size_t len)
{
	for (uintptr_t x = a; x < a + len; x += P) {
		const struct vma *v = vma_lookup(x);
		if (v && (v->flags & VMA_SHARED))
			return true;
	}
	return false;
}

/* One random step; false when it was skipped. */
static bool step(char *desc, size_t size, long *h, long *o, int *val)
{
	static const int prots[] = {0, 1, 3, 5, 1, 3};
	static const int advice[] = {0,	 1,  2,	 3,  4,	 5,  9,	 10, 11, 12, 13,
				     14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24};
	static const int remap_flags[] = {0, 3, 7, 5};
	uintptr_t a = W + (rand() % NP) * P, b = W + (rand() % NP) * P;
	size_t l = (rand() % 6) * P + (rand() % 5 == 0 ? rand() % 100 : 0);
	size_t l2 = (rand() % 6) * P + (rand() % 5 == 0 ? rand() % 100 : 0);
	int prot = prots[rand() % 6];
	l = a + l > W + NP * P ? W + NP * P - a : l;
	l2 = b + l2 > W + NP * P ? W + NP * P - b : l2;
	l2 = a + l2 > W + NP * P ? W + NP * P - a : l2; /* growing in place stays inside W */
	switch (rand() % 7) {
	case 0: {
		int fl = (getenv("SHARED") && rand() % 3 == 0 ? MAP_SHARED : MAP_PRIVATE) |
			 MAP_ANONYMOUS | (rand() % 4 ? MAP_FIXED : MAP_FIXED_NOREPLACE);
		snprintf(desc, size, "mmap(%#lx, %#zx, %d, %#x)", a, l, prot, fl);
		*h = host(SYS_mmap, a, l, prot, fl, -1, 0);
		*o = vm_mmap(a, l, prot, fl, NULL, 0);
		return true;
	}
	case 1:
		snprintf(desc, size, "munmap(%#lx, %#zx)", a, l);
		*h = host(SYS_munmap, a, l, 0, 0, 0, 0);
		*o = vm_munmap(a, l);
		return true;
	case 2:
		snprintf(desc, size, "mprotect(%#lx, %#zx, %d)", a, l, prot);
		*h = host(SYS_mprotect, a, l, prot, 0, 0, 0);
		*o = vm_mprotect(a, l, prot);
		return true;
	case 3: {
		int adv = advice[rand() % (sizeof(advice) / sizeof(advice[0]))];
		snprintf(desc, size, "madvise(%#lx, %#zx, %d)", a, l, adv);
		*h = host(SYS_madvise, a, l, adv, 0, 0, 0);
		*o = vm_madvise(a, l, adv);
		return true;
	}
	case 4: {
		int fl = remap_flags[rand() % 4];
		if (fl & MREMAP_DONTUNMAP) {
			if (!(fl & MREMAP_FIXED) || range_has_shared(a, l) || b + l > W + NP * P)
				return false;
			l2 = l;
		}
		if (l2 > l && range_has_shared(a, l < P ? P : l))
			return false; /* past its shmem object's end, Linux raises SIGBUS */
		snprintf(desc, size, "mremap(%#lx, %#zx, %#zx, %d, %#lx)", a, l, l2, fl, b);
		*h = host(SYS_mremap, a, l, l2, fl, b, 0);
		*o = vm_mremap(a, l, l2, fl, b);
		return true;
	}
	default: {
		const struct vma *v = vma_lookup(a);
		if (!v || !(v->prot & PROT_WRITE))
			return false;
		snprintf(desc, size, "write(%#lx) = %d", a, *val & 255);
		*(volatile uint8_t *)a = (uint8_t)*val;
		*h = 0;
		*o = mmu_write(a, (uint8_t)*val);
		++*val;
		return true;
	}
	}
}

static int run(unsigned seed, int steps)
{
	struct page_state hs[NP], os[NP];
	char desc[160], hv[1024], ov[1024];
	int val = 1;
	srand(seed);
	memset(&vm_current, 0, sizeof(vm_current));
	fake_paging_reset();
	fake_ram_init(0x100000, 8 << 20);
	vm_init(0x700000000000UL);
	host(SYS_munmap, W - NP * P, 3 * NP * P, 0, 0, 0, 0);
	for (int i = 0; i < steps; i++) {
		long h, o;
		if (getenv("DUMP") && i == atoi(getenv("DUMP")))
			dump("before");
		if (!step(desc, sizeof(desc), &h, &o, &val))
			continue;
		if (h != o) {
			printf("seed %u step %d: %s: Linux %ld, isle %ld\n", seed, i, desc, h, o);
			return 1;
		}
		host_vmas(hv, sizeof(hv));
		isle_vmas(ov, sizeof(ov));
		if (strcmp(hv, ov)) {
			printf("seed %u step %d after %s: VMAs\n  Linux %s\n  isle  %s\n", seed, i,
			       desc, hv, ov);
			dump("after");
			return 1;
		}
		host_pages(hs);
		isle_pages(os);
		for (int k = 0; k < NP; k++)
			if (memcmp(&hs[k], &os[k], sizeof(hs[k]))) {
				printf("seed %u step %d after %s: page %d: Linux prot %d byte %d, "
				       "isle prot %d byte %d\n",
				       seed, i, desc, k, hs[k].prot, hs[k].byte, os[k].prot,
				       os[k].byte);
				return 1;
			}
	}
	host(SYS_munmap, W - NP * P, 3 * NP * P, 0, 0, 0, 0);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned first = argc > 1 ? (unsigned)atoi(argv[1]) : 1;
	unsigned count = argc > 2 ? (unsigned)atoi(argv[2]) : 50;
	int steps = argc > 3 ? atoi(argv[3]) : 3000;
	for (unsigned s = first; s < first + count; s++)
		if (run(s, steps))
			return 1;
	printf("vm_vs_linux: %u seeds x %d steps agree with this kernel\n", count, steps);
	return 0;
}
