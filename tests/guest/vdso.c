/* vdso.c: the vDSO. Checks: AT_SYSINFO_EHDR points at a valid x86-64 ELF shared object
 * whose dynamic symbol table (found through DT_HASH or DT_GNU_HASH) exports
 * __vdso_clock_gettime, __vdso_gettimeofday, __vdso_time and __vdso_getcpu with version
 * LINUX_2.6 (DT_VERSYM + DT_VERDEF, as Go's runtime looks them up); its clock_gettime
 * agrees with the system call (each reading lies between two syscall readings) for the
 * monotonic and wall clocks, never goes backwards, falls back for CPU-time clocks, and
 * returns -EINVAL for a bad clock; gettimeofday, time and getcpu answer sensibly;
 * /proc/self/maps names [vdso] at that address and [vvar] right below it. Prints the
 * cost of clock_gettime through the vDSO and through the system call. */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define NS 1000000000ll
#define BENCH_CALLS 200000

typedef int (*gettime_fn)(clockid_t, struct timespec *);
typedef int (*gtod_fn)(struct timeval *, void *);
typedef long (*time_fn)(long *);
typedef int (*getcpu_fn)(unsigned *, unsigned *, void *);

static uintptr_t base;
static const Elf64_Sym *symtab;
static const char *strtab;
static const Elf64_Half *versym;
static const Elf64_Verdef *verdef;
static size_t nsyms;

static const void *at(uintptr_t vaddr)
{
	return (const void *)(base + vaddr); /* the vDSO is linked at 0 */
}

/* Number of symbols from DT_GNU_HASH: past the highest bucket's chain end. */
static size_t gnu_hash_count(const uint32_t *h)
{
	uint32_t nbuckets = h[0], symoffset = h[1], bloom = h[2];
	const uint32_t *buckets = h + 4 + bloom * 2, *chain = buckets + nbuckets;
	uint32_t last = 0;

	for (uint32_t i = 0; i < nbuckets; i++)
		if (buckets[i] > last)
			last = buckets[i];
	if (last < symoffset)
		return symoffset;
	while (!(chain[last - symoffset] & 1))
		last++;
	return last + 1;
}

static void parse(void)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(base + eh->e_phoff);
	const Elf64_Dyn *dyn = NULL;
	const uint32_t *hash = NULL, *gnu_hash = NULL;

	CHECK(memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0, "no ELF magic");
	CHECK(eh->e_ident[EI_CLASS] == ELFCLASS64 && eh->e_type == ET_DYN &&
	      eh->e_machine == EM_X86_64);
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_DYNAMIC)
			dyn = at(ph[i].p_vaddr);
	CHECK(dyn, "no PT_DYNAMIC");
	for (; dyn->d_tag != DT_NULL; dyn++) {
		switch (dyn->d_tag) {
		case DT_SYMTAB:
			symtab = at(dyn->d_un.d_ptr);
			break;
		case DT_STRTAB:
			strtab = at(dyn->d_un.d_ptr);
			break;
		case DT_HASH:
			hash = at(dyn->d_un.d_ptr);
			break;
		case DT_GNU_HASH:
			gnu_hash = at(dyn->d_un.d_ptr);
			break;
		case DT_VERSYM:
			versym = at(dyn->d_un.d_ptr);
			break;
		case DT_VERDEF:
			verdef = at(dyn->d_un.d_ptr);
			break;
		}
	}
	CHECK(symtab && strtab && (hash || gnu_hash) && versym && verdef);
	nsyms = hash ? hash[1] : gnu_hash_count(gnu_hash);
}

/* The version name of version index ndx, from the DT_VERDEF chain. */
static const char *version_name(unsigned ndx)
{
	const Elf64_Verdef *d = verdef;

	for (;;) {
		if ((d->vd_ndx & 0x7fff) == ndx) {
			const Elf64_Verdaux *aux = (const void *)((const char *)d + d->vd_aux);
			return strtab + aux->vda_name;
		}
		if (!d->vd_next)
			return NULL;
		d = (const void *)((const char *)d + d->vd_next);
	}
}

static void *lookup(const char *name)
{
	for (size_t i = 0; i < nsyms; i++) {
		const Elf64_Sym *s = &symtab[i];
		if (strcmp(strtab + s->st_name, name) || s->st_shndx == SHN_UNDEF)
			continue;
		const char *v = version_name(versym[i] & 0x7fff);
		CHECK(v && strcmp(v, "LINUX_2.6") == 0, "%s has version %s", name, v ? v : "none");
		CHECK(ELF64_ST_TYPE(s->st_info) == STT_FUNC);
		return (void *)(base + s->st_value);
	}
	CHECK(0, "%s not exported", name);
	return NULL;
}

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * NS + ts->tv_nsec;
}

static int64_t sys_now(clockid_t c)
{
	struct timespec ts;

	CHECK(syscall(SYS_clock_gettime, c, &ts) == 0);
	return ts_ns(&ts);
}

static void check_agrees(gettime_fn vgettime, clockid_t c)
{
	struct timespec ts;

	for (int i = 0; i < 1000; i++) {
		int64_t a = sys_now(c);
		CHECK(vgettime(c, &ts) == 0);
		int64_t b = sys_now(c);
		CHECK(ts.tv_nsec >= 0 && ts.tv_nsec < NS);
		CHECK(a <= ts_ns(&ts) && ts_ns(&ts) <= b,
		      "clock %d: vdso %lld outside [%lld, %lld]", (int)c, (long long)ts_ns(&ts),
		      (long long)a, (long long)b);
	}
}

static double per_call(gettime_fn f)
{
	struct timespec ts;
	int64_t t0 = sys_now(CLOCK_MONOTONIC);

	for (int i = 0; i < BENCH_CALLS; i++)
		f(CLOCK_MONOTONIC, &ts);
	return (double)(sys_now(CLOCK_MONOTONIC) - t0) / BENCH_CALLS;
}

static int sys_gettime(clockid_t c, struct timespec *ts)
{
	return (int)syscall(SYS_clock_gettime, c, ts);
}

static void check_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int vdso = 0, vvar = 0;
	uintptr_t vvar_end = 0;

	CHECK(f, "/proc/self/maps: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		CHECK(sscanf(line, "%lx-%lx", &lo, &hi) == 2);
		if (strstr(line, "[vdso]")) {
			vdso++;
			CHECK(lo == base, "[vdso] at %lx, auxv says %lx", lo, (unsigned long)base);
			CHECK(strncmp(strchr(line, ' ') + 1, "r-xp", 4) == 0, "%s", line);
		}
		if (strstr(line, "[vvar]")) {
			vvar++;
			vvar_end = hi;
			CHECK(strchr(line, ' ')[1] == 'r' && strchr(line, ' ')[2] == '-', "%s",
			      line);
		}
	}
	fclose(f);
	CHECK(vdso == 1 && vvar >= 1, "[vdso] %d [vvar] %d", vdso, vvar);
	CHECK(vvar_end <= base, "[vvar] ends at %lx above the vDSO", (unsigned long)vvar_end);
}

int main(void)
{
	base = (uintptr_t)getauxval(AT_SYSINFO_EHDR);
	CHECK(base != 0, "no AT_SYSINFO_EHDR");
	parse();
	gettime_fn vgettime = (gettime_fn)lookup("__vdso_clock_gettime");
	gtod_fn vgtod = (gtod_fn)lookup("__vdso_gettimeofday");
	time_fn vtime = (time_fn)lookup("__vdso_time");
	getcpu_fn vgetcpu = (getcpu_fn)lookup("__vdso_getcpu");

	check_agrees(vgettime, CLOCK_MONOTONIC);
	check_agrees(vgettime, CLOCK_REALTIME);
	check_agrees(vgettime, CLOCK_BOOTTIME);

	struct timespec prev, cur;
	CHECK(vgettime(CLOCK_MONOTONIC, &prev) == 0);
	for (int i = 0; i < 100000; i++) {
		CHECK(vgettime(CLOCK_MONOTONIC, &cur) == 0);
		CHECK(ts_ns(&cur) >= ts_ns(&prev), "monotonic clock went back");
		prev = cur;
	}
	CHECK(vgettime(CLOCK_PROCESS_CPUTIME_ID, &cur) == 0 && ts_ns(&cur) > 0);
	CHECK(vgettime(CLOCK_THREAD_CPUTIME_ID, &cur) == 0 && ts_ns(&cur) > 0);
	CHECK(vgettime(12345, &cur) == -EINVAL);

	struct timeval tv;
	int64_t a = sys_now(CLOCK_REALTIME);
	CHECK(vgtod(&tv, NULL) == 0);
	int64_t b = sys_now(CLOCK_REALTIME);
	int64_t us = (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
	CHECK(a / 1000 <= us && us <= b / 1000, "gettimeofday disagrees");
	long t1 = vtime(NULL), t2;
	CHECK(vtime(&t2) >= t1 && t2 >= t1 && t1 >= a / NS && t1 <= sys_now(CLOCK_REALTIME) / NS);

	unsigned cpu = 9999, node = 9999;
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	CHECK(vgetcpu(&cpu, &node, NULL) == 0);
	CHECK(cpu < (unsigned)ncpu && node == 0, "cpu %u node %u of %ld", cpu, node, ncpu);

	check_maps();
	double v = per_call(vgettime), s = per_call(sys_gettime);
	printf("vdso: clock_gettime %.1f ns via vDSO, %.1f ns via syscall\n", v, s);
	guest_pass("vdso");
	return 0;
}
