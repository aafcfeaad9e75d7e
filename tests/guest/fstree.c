/* fstree.c: a tree of files and directories made with every name-space operation, then
 * found again. With no DIR it builds the tree (mkdir, many files of sizes around the
 * direct/indirect/double-indirect block limits, renames within and across directories,
 * over a file, of a directory, over an empty directory, unlink, rmdir, truncate down and
 * up, a hole, overwrite across a block boundary, append, a directory grown past one block
 * and thinned, fast and slow symlinks, a hard link, chmod), checks it and prints "wrote";
 * when DIR exists it checks it and prints "verified". Either way it then prints a listing,
 * one line per entry sorted by path: "PATH TYPE PERM NLINK SIZE HASH-OR-TARGET" (FNV-1a of
 * a file's bytes, a symlink's target; directories show neither size nor hash), and the
 * PASS line. The test compares the listing with the one the same program prints on the
 * host, so Linux is the reference. Usage: fstree DIR */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest.h"

#define NFILES 100
#define NMANY 300
#define MAX_ENTRIES 2000
#define BIG_SIZE ((5u << 20) + 17u)
#define SPARSE_OFF ((3u << 20) + 5u)

static const char *root;
static unsigned char buf[1 << 16];

static const char *p(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *p(const char *fmt, ...)
{
	static char paths[4][1024];
	static int next;
	char *out = paths[next++ % 4];
	int n = snprintf(out, sizeof(paths[0]), "%s/", root);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out + n, sizeof(paths[0]) - (size_t)n, fmt, ap);
	va_end(ap);
	return out;
}

static unsigned char gen(unsigned seed, size_t i)
{
	return (unsigned char)((i * 31 + seed * 101 + (i >> 12) * 7 + 3) & 0xff);
}

/* Sizes around the ext2 limits with 4 KiB blocks: 12 direct blocks (48 KiB), then
 * single indirect. */
static size_t size_of(unsigned k)
{
	static const size_t sizes[] = {0, 1, 100, 4095, 4096, 4097, 49152, 49153, 200000, 7};
	return sizes[k % (sizeof(sizes) / sizeof(sizes[0]))];
}

static void write_gen(const char *path, unsigned seed, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
	for (size_t off = 0; off < size;) {
		size_t n = size - off < sizeof(buf) ? size - off : sizeof(buf);
		for (size_t i = 0; i < n; i++)
			buf[i] = gen(seed, off + i);
		CHECK(write(fd, buf, n) == (ssize_t)n, "write %s: %s", path, strerror(errno));
		off += n;
	}
	CHECK(close(fd) == 0);
}

static void write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
	CHECK(write(fd, s, strlen(s)) == (ssize_t)strlen(s));
	CHECK(close(fd) == 0);
}

/* The file at path holds exactly size bytes, byte i being gen(seed, i). */
static void check_gen(const char *path, unsigned seed, size_t size)
{
	struct stat st;
	CHECK(stat(path, &st) == 0, "stat %s: %s", path, strerror(errno));
	CHECK((size_t)st.st_size == size, "%s: size %lld, want %zu", path, (long long)st.st_size,
	      size);
	int fd = open(path, O_RDONLY);
	CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
	size_t off = 0;
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			CHECK(buf[i] == gen(seed, off + (size_t)i), "%s: byte %zu is %#x, want %#x",
			      path, off + (size_t)i, buf[i], gen(seed, off + (size_t)i));
		off += (size_t)n;
		CHECK(off <= size, "%s: longer than %zu", path, size);
	}
	CHECK(n == 0, "read %s: %s", path, strerror(errno));
	CHECK(off == size, "%s: read %zu bytes, want %zu", path, off, size);
	CHECK(close(fd) == 0);
}

/* Reads the whole file (at most cap bytes) into out; returns its length. */
static size_t slurp(const char *path, unsigned char *out, size_t cap)
{
	int fd = open(path, O_RDONLY);
	CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
	size_t len = 0;
	ssize_t n;
	while (len < cap && (n = read(fd, out + len, cap - len)) > 0)
		len += (size_t)n;
	CHECK(close(fd) == 0);
	return len;
}

static void check_str(const char *path, const char *want)
{
	static unsigned char got[4096];
	size_t len = slurp(path, got, sizeof(got) - 1);
	got[len] = 0;
	CHECK(len == strlen(want) && !memcmp(got, want, len), "%s: \"%s\", want \"%s\"", path,
	      (char *)got, want);
}

static void check_absent(const char *path)
{
	struct stat st;
	CHECK(lstat(path, &st) < 0 && errno == ENOENT, "%s still exists", path);
}

static void check_link(const char *path, const char *want)
{
	char got[512];
	ssize_t n = readlink(path, got, sizeof(got) - 1);
	CHECK(n >= 0, "readlink %s: %s", path, strerror(errno));
	got[n] = 0;
	CHECK(!strcmp(got, want), "%s -> \"%s\", want \"%s\"", path, got, want);
}

static const char *long_target(void)
{
	static char t[200];
	memset(t, 'L', 150);
	strcpy(t + 150, "/a-slow-symlink-target");
	return t;
}

static void build(void)
{
	CHECK(mkdir(root, 0755) == 0, "mkdir %s: %s", root, strerror(errno));
	CHECK(mkdir(p("empty"), 0755) == 0);
	CHECK(mkdir(p("files"), 0755) == 0);
	for (unsigned k = 0; k < NFILES; k++)
		write_gen(p("files/f%03u", k), k, size_of(k));
	write_gen(p("big"), 1000, BIG_SIZE);
	write_gen(p("big2"), 1001, BIG_SIZE);

	CHECK(mkdir(p("deep"), 0755) == 0);
	CHECK(mkdir(p("deep/a"), 0755) == 0);
	CHECK(mkdir(p("deep/a/b"), 0755) == 0);
	CHECK(mkdir(p("deep/a/b/c"), 0755) == 0);
	CHECK(mkdir(p("deep/a/b/c/d"), 0755) == 0);
	write_str(p("deep/a/b/c/d/leaf.txt"), "a leaf five levels down\n");

	/* Renames: across directories, in place, over a file, a directory, over an empty
	 * directory. */
	CHECK(mkdir(p("renamed"), 0755) == 0);
	CHECK(rename(p("files/f010"), p("renamed/r010")) == 0, "%s", strerror(errno));
	CHECK(rename(p("files/f011"), p("files/f011.new")) == 0, "%s", strerror(errno));
	CHECK(rename(p("files/f012"), p("files/f013")) == 0, "%s", strerror(errno));
	CHECK(rename(p("deep/a/b"), p("moved_b")) == 0, "%s", strerror(errno));
	CHECK(mkdir(p("target_empty"), 0755) == 0);
	CHECK(rename(p("renamed"), p("target_empty")) == 0, "%s", strerror(errno));

	/* Unlink and rmdir. */
	for (unsigned k = 20; k < 30; k++)
		CHECK(unlink(p("files/f%03u", k)) == 0, "%s", strerror(errno));
	CHECK(mkdir(p("gone"), 0755) == 0);
	write_gen(p("gone/x"), 7, 100000);
	CHECK(unlink(p("gone/x")) == 0);
	CHECK(rmdir(p("gone")) == 0, "%s", strerror(errno));

	/* Truncation: down inside a block, down to a block boundary (frees the indirect
	 * block), up (a hole), to zero by path, down then written past the end (the freed
	 * blocks must read back as zeros), and a double-indirect file cut to single. */
	CHECK(mkdir(p("trunc"), 0755) == 0);
	const char *names[] = {"shrink_mid", "shrink_boundary", "grow", "zero", "rewrite"};
	for (unsigned i = 0; i < 5; i++)
		write_gen(p("trunc/%s", names[i]), 200 + i, i == 2 ? 100 : 200000);
	int fd = open(p("trunc/shrink_mid"), O_WRONLY);
	CHECK(fd >= 0 && ftruncate(fd, 5000) == 0 && close(fd) == 0);
	CHECK(truncate(p("trunc/shrink_boundary"), 49152) == 0);
	CHECK(truncate(p("trunc/grow"), (1 << 20) + 3) == 0);
	CHECK(truncate(p("trunc/zero"), 0) == 0);
	fd = open(p("trunc/rewrite"), O_WRONLY);
	CHECK(fd >= 0 && ftruncate(fd, 1000) == 0);
	CHECK(pwrite(fd, "tail", 4, 60000) == 4);
	CHECK(close(fd) == 0);
	CHECK(truncate(p("big2"), (4u << 20) + 100) == 0);

	/* A hole, an overwrite across a block boundary, appends. */
	fd = open(p("sparse"), O_WRONLY | O_CREAT | O_EXCL, 0644);
	CHECK(fd >= 0 && pwrite(fd, "end", 3, SPARSE_OFF) == 3 && close(fd) == 0);
	fd = open(p("files/f048"), O_WRONLY);
	CHECK(fd >= 0 && pwrite(fd, "XXXXXXXXXX", 10, 4090) == 10 && close(fd) == 0);
	fd = open(p("files/f047"), O_WRONLY | O_APPEND);
	CHECK(fd >= 0 && write(fd, "appended\n", 9) == 9 && write(fd, "again\n", 6) == 6);
	CHECK(close(fd) == 0);

	/* A directory grown over several blocks, thinned, refilled. */
	CHECK(mkdir(p("many"), 0755) == 0);
	for (unsigned k = 0; k < NMANY; k++) {
		char text[32];
		snprintf(text, sizeof(text), "many %03u\n", k);
		write_str(p("many/entry-with-a-rather-long-name-%03u", k), text);
	}
	for (unsigned k = 0; k < NMANY; k += 3)
		CHECK(unlink(p("many/entry-with-a-rather-long-name-%03u", k)) == 0);
	for (unsigned k = 0; k < 50; k++)
		write_str(p("many/new-%03u", k), "new\n");

	/* Symlinks (a fast one in the inode, a slow one in a block), a hard link, modes. */
	CHECK(symlink("files/f001", p("link_short")) == 0, "%s", strerror(errno));
	CHECK(symlink(long_target(), p("link_long")) == 0, "%s", strerror(errno));
	CHECK(symlink("../files", p("deep/link_dir")) == 0, "%s", strerror(errno));
	CHECK(symlink("big", p("link_tmp")) == 0);
	CHECK(rename(p("link_tmp"), p("link_renamed")) == 0);
	CHECK(link(p("files/f058"), p("hardlink")) == 0, "%s", strerror(errno));
	CHECK(chmod(p("files/f060"), 0600) == 0);
	CHECK(chmod(p("empty"), 0700) == 0);
}

static void verify(void)
{
	struct stat st;
	for (unsigned k = 0; k < NFILES; k++) {
		if (k >= 20 && k < 30)
			check_absent(p("files/f%03u", k));
		else if (!(k >= 10 && k <= 13) && k != 47 && k != 48)
			check_gen(p("files/f%03u", k), k, size_of(k)); /* the others: below */
	}
	check_absent(p("files/f010"));
	check_absent(p("files/f011"));
	check_absent(p("files/f012"));
	check_gen(p("target_empty/r010"), 10, size_of(10));
	check_gen(p("files/f011.new"), 11, size_of(11));
	check_gen(p("files/f013"), 12, size_of(12));
	check_absent(p("renamed"));
	check_absent(p("gone"));
	check_absent(p("deep/a/b"));
	check_str(p("moved_b/c/d/leaf.txt"), "a leaf five levels down\n");
	check_gen(p("big"), 1000, BIG_SIZE);

	/* Truncated files: the kept prefix, then zeros. */
	static unsigned char data[(1 << 20) + 16];
	size_t len = slurp(p("trunc/shrink_mid"), data, sizeof(data));
	CHECK(len == 5000);
	for (size_t i = 0; i < len; i++)
		CHECK(data[i] == gen(200, i), "shrink_mid byte %zu", i);
	len = slurp(p("trunc/shrink_boundary"), data, sizeof(data));
	CHECK(len == 49152);
	for (size_t i = 0; i < len; i++)
		CHECK(data[i] == gen(201, i), "shrink_boundary byte %zu", i);
	len = slurp(p("trunc/grow"), data, sizeof(data));
	CHECK(len == (1 << 20) + 3, "grow: %zu bytes", len);
	for (size_t i = 0; i < len; i++)
		CHECK(data[i] == (i < 100 ? gen(202, i) : 0), "grow byte %zu is %#x", i, data[i]);
	CHECK(stat(p("trunc/zero"), &st) == 0 && st.st_size == 0);
	len = slurp(p("trunc/rewrite"), data, sizeof(data));
	CHECK(len == 60004, "rewrite: %zu bytes", len);
	for (size_t i = 0; i < 60000; i++)
		CHECK(data[i] == (i < 1000 ? gen(204, i) : 0), "rewrite byte %zu is %#x", i,
		      data[i]);
	CHECK(!memcmp(data + 60000, "tail", 4));
	check_gen(p("big2"), 1001, (4u << 20) + 100);

	CHECK(stat(p("sparse"), &st) == 0 && st.st_size == SPARSE_OFF + 3);
	CHECK(st.st_blocks * 512 < (1 << 20), "sparse: %lld blocks: the hole was filled",
	      (long long)st.st_blocks);
	int fd = open(p("sparse"), O_RDONLY);
	CHECK(fd >= 0);
	CHECK(pread(fd, data, 8, SPARSE_OFF - 5) == 8);
	CHECK(!memcmp(data, "\0\0\0\0\0end", 8));
	CHECK(pread(fd, data, 4096, 12345) == 4096);
	for (size_t i = 0; i < 4096; i++)
		CHECK(data[i] == 0, "sparse: byte %zu in the hole", 12345 + i);
	CHECK(close(fd) == 0);

	len = slurp(p("files/f048"), data, sizeof(data));
	CHECK(len == size_of(48));
	for (size_t i = 0; i < len; i++)
		CHECK(data[i] == (i >= 4090 && i < 4100 ? 'X' : gen(48, i)), "f048 byte %zu", i);
	len = slurp(p("files/f047"), data, sizeof(data));
	CHECK(len == size_of(47) + 15);
	for (size_t i = 0; i < size_of(47); i++)
		CHECK(data[i] == gen(47, i), "f047 byte %zu", i);
	CHECK(!memcmp(data + size_of(47), "appended\nagain\n", 15));

	unsigned seen = 0;
	for (unsigned k = 0; k < NMANY; k++) {
		char text[32];
		snprintf(text, sizeof(text), "many %03u\n", k);
		if (k % 3 == 0) {
			check_absent(p("many/entry-with-a-rather-long-name-%03u", k));
		} else {
			check_str(p("many/entry-with-a-rather-long-name-%03u", k), text);
			seen++;
		}
	}
	for (unsigned k = 0; k < 50; k++)
		check_str(p("many/new-%03u", k), "new\n");
	DIR *d = opendir(p("many"));
	CHECK(d != NULL);
	unsigned count = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && count < MAX_ENTRIES)
		count++;
	CHECK(closedir(d) == 0);
	CHECK(count == seen + 50 + 2, "many: %u entries, want %u", count, seen + 52);

	check_link(p("link_short"), "files/f001");
	check_gen(p("link_short"), 1, size_of(1));
	check_link(p("link_long"), long_target());
	check_link(p("deep/link_dir"), "../files");
	check_gen(p("deep/link_dir/f002"), 2, size_of(2));
	check_link(p("link_renamed"), "big");
	check_absent(p("link_tmp"));
	struct stat a, b;
	CHECK(stat(p("hardlink"), &a) == 0 && stat(p("files/f058"), &b) == 0);
	CHECK(a.st_ino == b.st_ino && a.st_nlink == 2, "hardlink: nlink %lu",
	      (unsigned long)a.st_nlink);
	check_gen(p("hardlink"), 58, size_of(58));
	CHECK(stat(p("files/f060"), &st) == 0 && (st.st_mode & 07777) == 0600);
	CHECK(stat(p("empty"), &st) == 0 && (st.st_mode & 07777) == 0700 && st.st_nlink == 2);
}

/* The listing: every entry under DIR, sorted. */
static char *entries[MAX_ENTRIES];
static unsigned nentries;

static void collect(const char *rel)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s%s%s", root, *rel ? "/" : "", rel);
	DIR *d = opendir(path);
	CHECK(d != NULL, "opendir %s: %s", path, strerror(errno));
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		CHECK(nentries < MAX_ENTRIES, "more than %d entries", MAX_ENTRIES);
		char *child = malloc(strlen(rel) + strlen(e->d_name) + 2);
		CHECK(child != NULL);
		sprintf(child, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		entries[nentries++] = child;
		if (e->d_type == DT_DIR)
			collect(child);
	}
	CHECK(closedir(d) == 0);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static uint32_t fnv1a(const char *path)
{
	uint32_t h = 2166136261u;
	int fd = open(path, O_RDONLY);
	CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			h = (h ^ buf[i]) * 16777619u;
	CHECK(n == 0);
	CHECK(close(fd) == 0);
	return h;
}

static void list(void)
{
	collect("");
	qsort(entries, nentries, sizeof(entries[0]), by_name);
	for (unsigned i = 0; i < nentries; i++) {
		char path[1024];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", root, entries[i]);
		CHECK(lstat(path, &st) == 0, "lstat %s: %s", path, strerror(errno));
		printf("%s ", entries[i]);
		if (S_ISDIR(st.st_mode)) {
			printf("dir %04o %lu - -\n", st.st_mode & 07777,
			       (unsigned long)st.st_nlink);
		} else if (S_ISLNK(st.st_mode)) {
			char target[512];
			ssize_t n = readlink(path, target, sizeof(target) - 1);
			CHECK(n >= 0);
			target[n] = 0;
			printf("symlink %04o %lu %lld %s\n", st.st_mode & 07777,
			       (unsigned long)st.st_nlink, (long long)st.st_size, target);
		} else {
			CHECK(S_ISREG(st.st_mode), "%s: mode %o", path, st.st_mode);
			printf("file %04o %lu %lld %08x\n", st.st_mode & 07777,
			       (unsigned long)st.st_nlink, (long long)st.st_size, fnv1a(path));
		}
	}
	printf("%u entries\n", nentries);
}

int main(int argc, char **argv)
{
	CHECK(argc == 2, "usage: fstree DIR");
	root = argv[1];
	umask(022);
	struct stat st;
	if (stat(root, &st) != 0) {
		CHECK(errno == ENOENT, "stat %s: %s", root, strerror(errno));
		build();
		verify();
		printf("wrote\n");
	} else {
		verify();
		printf("verified\n");
	}
	list();
	guest_pass("fstree");
	return 0;
}
