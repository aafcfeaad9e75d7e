/* test_procfs.c: unit tests of the pure parts of /proc: the genfs output window (every
 * offset and size of a text gives exactly that slice), link copies, and the Linux line
 * formats of procfs_fmt.c, checked byte for byte against the host's own /proc/self/maps
 * and /proc/meminfo lines regenerated from their parsed values, and the cpuinfo flags. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/genfs.h"
#include "fs/procfs_gen.h"
#include "mm/vm.h"

/* A generator mixing the three output calls, with a long write in the middle. */
static void sample(struct genfs_out *o)
{
	genfs_puts(o, "first line\n");
	genfs_printf(o, "%d-%s|", 42, "x");
	for (int i = 0; i < 40; i++)
		genfs_write(o, "0123456789", 10);
	genfs_printf(o, "\nend %05u\n", 7u);
}

static void test_window(void **state)
{
	char whole[1024], got[1024];
	struct genfs_out o;
	size_t len;

	genfs_out_init(&o, whole, sizeof(whole), 0);
	sample(&o);
	len = genfs_out_count(&o);
	assert_int_equal(o.len, len);
	assert_true(len > 400 && len < sizeof(whole));
	for (size_t off = 0; off <= len + 2; off++) {
		for (size_t size = 0; size <= len + 2 - off; size += (size < 20 ? 1 : 37)) {
			size_t want = off >= len ? 0 : (len - off < size ? len - off : size);
			memset(got, '#', sizeof(got));
			genfs_out_init(&o, got, size, off);
			sample(&o);
			assert_int_equal(genfs_out_count(&o), want);
			assert_memory_equal(got, whole + off, want);
			assert_int_equal(got[want], '#'); /* nothing past the window */
			assert_int_equal(genfs_out_full(&o), off + size <= len);
		}
	}
}

static void test_printf_cut(void **state)
{
	char buf[2 * GENFS_PRINTF_MAX];
	char big[GENFS_PRINTF_MAX + 100];
	struct genfs_out o;

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	genfs_out_init(&o, buf, sizeof(buf), 0);
	genfs_printf(&o, "%s", big);
	assert_int_equal(genfs_out_count(&o), GENFS_PRINTF_MAX - 1);
}

static void test_link(void **state)
{
	char buf[8];

	assert_int_equal(genfs_link(buf, sizeof(buf), "1"), 1);
	assert_memory_equal(buf, "1", 1);
	assert_int_equal(genfs_link(buf, 4, "/dev/ttyS0"), 4);
	assert_memory_equal(buf, "/dev", 4);
}

static size_t render_map(char *out, size_t size, const struct procfs_map *m)
{
	struct genfs_out o;

	genfs_out_init(&o, out, size - 1, 0);
	procfs_maps_line(&o, m);
	out[genfs_out_count(&o)] = '\0';
	return genfs_out_count(&o);
}

static void test_maps_line(void **state)
{
	char line[256];
	struct procfs_map m = {0x400000, 0x401000, PROT_READ | PROT_EXEC, false, 0, 0, 0,
			       0,	 "/hello"};

	render_map(line, sizeof(line), &m);
	assert_string_equal(line, "00400000-00401000 r-xp 00000000 00:00 0"
				  "                                  /hello\n");
	assert_int_equal(strchr(line, '/') - line, 73);
	m.name = NULL;
	m.prot = PROT_READ | PROT_WRITE;
	m.shared = true;
	m.offset = 0x12000;
	m.major = 0xfe;
	m.minor = 1;
	m.ino = 1234;
	render_map(line, sizeof(line), &m);
	assert_string_equal(line, "00400000-00401000 rw-s 00012000 fe:01 1234 \n");
}

/* Every line of the host's /proc/self/maps, parsed and formatted again, is the same. */
static void test_maps_like_host(void **state)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char host[512], ours[512], perms[5];
	int lines = 0;

	assert_non_null(f);
	while (fgets(host, sizeof(host), f)) {
		unsigned long lo, hi, off, ino;
		unsigned ma, mi;
		int at = 0;
		char *nl = strchr(host, '\n');

		assert_int_equal(sscanf(host, "%lx-%lx %4s %lx %x:%x %lu %n", &lo, &hi, perms, &off,
					&ma, &mi, &ino, &at),
				 7);
		if (nl)
			*nl = '\0';
		struct procfs_map m = {
			lo,
			hi,
			(perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
				(perms[2] == 'x' ? PROT_EXEC : 0),
			perms[3] == 's',
			off,
			ma,
			mi,
			ino,
			host[at] ? host + at : NULL,
		};
		render_map(ours, sizeof(ours), &m);
		ours[strlen(ours) - 1] = '\0'; /* the newline */
		if (strcmp(ours, host) != 0)
			fail_msg("host '%s'\nours '%s'", host, ours);
		lines++;
	}
	fclose(f);
	assert_true(lines > 3);
}

/* The host's meminfo lines come out the same from procfs_kb_line / procfs_count_line. */
static void test_meminfo_like_host(void **state)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char host[256], ours[256], label[64];
	int lines = 0;

	assert_non_null(f);
	while (fgets(host, sizeof(host), f)) {
		unsigned long v;
		int n = 0;
		struct genfs_out o;

		assert_int_equal(sscanf(host, "%63s %lu%n", label, &v, &n), 2);
		genfs_out_init(&o, ours, sizeof(ours) - 1, 0);
		if (strcmp(host + n, " kB\n") == 0)
			procfs_kb_line(&o, label, v);
		else
			procfs_count_line(&o, label, v);
		ours[genfs_out_count(&o)] = '\0';
		if (strcmp(ours, host) != 0)
			fail_msg("host '%s'ours '%s'", host, ours);
		lines++;
	}
	fclose(f);
	assert_true(lines > 10);
}

static void flags_of(const struct procfs_cpuid *c, char *out, size_t size)
{
	struct genfs_out o;

	genfs_out_init(&o, out, size - 1, 0);
	procfs_cpu_flags(&o, c);
	out[genfs_out_count(&o)] = '\0';
}

static void test_cpu_flags(void **state)
{
	char buf[1024];
	struct procfs_cpuid c;

	memset(&c, 0, sizeof(c));
	flags_of(&c, buf, sizeof(buf));
	assert_string_equal(buf, "cpuid");

	c.l1_edx = 1u << 0 | 1u << 4 | 1u << 26;   /* fpu tsc sse2 */
	c.l1_ecx = 1u << 26 | 1u << 28 | 1u << 31; /* xsave avx hypervisor */
	c.e1_edx = 1u << 29;			   /* lm */
	c.l7_ebx = 1u << 5 | 1u << 16 | 1u << 7;   /* avx2 avx512f smep */
	c.e7_edx = 1u << 8;			   /* invariant TSC */
	flags_of(&c, buf, sizeof(buf));
	/* No XSAVE enabled: no xsave, no AVX of any width. */
	assert_string_equal(buf, "fpu tsc sse2 lm constant_tsc nonstop_tsc cpuid hypervisor smep");
	c.xcr0 = 0x7;
	flags_of(&c, buf, sizeof(buf));
	assert_string_equal(buf, "fpu tsc sse2 lm constant_tsc nonstop_tsc cpuid xsave avx "
				 "hypervisor avx2 smep");
	c.xcr0 = 0xe7;
	flags_of(&c, buf, sizeof(buf));
	assert_string_equal(buf, "fpu tsc sse2 lm constant_tsc nonstop_tsc cpuid xsave avx "
				 "hypervisor avx2 smep avx512f");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window),	       cmocka_unit_test(test_printf_cut),
		cmocka_unit_test(test_link),	       cmocka_unit_test(test_maps_line),
		cmocka_unit_test(test_maps_like_host), cmocka_unit_test(test_meminfo_like_host),
		cmocka_unit_test(test_cpu_flags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
