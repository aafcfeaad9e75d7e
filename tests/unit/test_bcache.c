/* test_bcache.c: the block cache (kernel/fs/bcache.c) over a host file: hits share one
 * buffer, the byte budget evicts least recently used buffers (writing dirty ones back
 * first), held buffers are never evicted, forget drops without writing, sync writes
 * everything and flushes the device. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ext2_fakes.h"

#include "core/errno.h"
#include "fs/bcache.h"

#define NBLOCKS 1024 /* 4 MiB device of 4 KiB blocks; the cache holds far fewer */

static char path[] = "/tmp/isle-bcache-XXXXXX";
static int fd;
static struct blkdev dev;

static int setup(void **state)
{
	fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, NBLOCKS * 4096))
		return -1;
	strcpy(dev.name, "vdt");
	dev.sectors = NBLOCKS * 8;
	dev.flush = true;
	dev.priv = &fd;
	return 0;
}

static int teardown(void **state)
{
	close(fd);
	unlink(path);
	return 0;
}

static unsigned char on_disk(uint64_t block, size_t off)
{
	unsigned char c = 0;

	assert_int_equal(pread(fd, &c, 1, (off_t)(block * 4096 + off)), 1);
	return c;
}

static void test_hit_and_bounds(void **state)
{
	struct buf *a, *b;

	assert_int_equal(bcache_get(&dev, 3, 4096, &a), 0);
	assert_int_equal(bcache_get(&dev, 3, 4096, &b), 0);
	assert_ptr_equal(a, b);
	assert_int_equal(a->refs, 2);
	bcache_put(a);
	bcache_put(b);
	assert_int_equal(bcache_get(&dev, NBLOCKS, 4096, &a), -EINVAL);
	assert_null(a);
	assert_int_equal(bcache_get(&dev, 1, 3000, &a), -EINVAL);
	assert_int_equal(bcache_get(&dev, UINT64_MAX / 2, 4096, &a), -EINVAL);
	assert_int_equal(bcache_release(&dev), 0);
}

static void test_evict_writes_back(void **state)
{
	unsigned long flushes = fake_flushes;
	struct buf *b;
	uint64_t i;

	for (i = 0; i < 400; i++) { /* 1.6 MiB through a smaller cache */
		assert_int_equal(bcache_get_new(&dev, i, 4096, &b), 0);
		memset(b->data, (int)(i & 0xff) ^ 0x5a, 4096);
		bcache_dirty(b);
		bcache_put(b);
	}
	/* The first ones were evicted, so they are on the disk already. */
	assert_int_equal(on_disk(0, 100), 0x5a);
	assert_int_equal(on_disk(1, 4095), 1 ^ 0x5a);
	assert_int_equal(bcache_sync(&dev), 0);
	assert_true(fake_flushes > flushes);
	for (i = 0; i < 400; i++)
		assert_int_equal(on_disk(i, i % 4096), (i & 0xff) ^ 0x5a);
	/* Read back through the cache. */
	assert_int_equal(bcache_get(&dev, 7, 4096, &b), 0);
	assert_int_equal(((unsigned char *)b->data)[9], 7 ^ 0x5a);
	bcache_put(b);
	assert_int_equal(bcache_release(&dev), 0);
}

static void test_held_not_evicted(void **state)
{
	struct buf *held[300];
	int i;

	for (i = 0; i < 300; i++) {
		assert_int_equal(bcache_get(&dev, (uint64_t)i, 4096, &held[i]), 0);
		((unsigned char *)held[i]->data)[0] = (unsigned char)i;
	}
	for (i = 0; i < 300; i++) { /* still the same memory */
		assert_int_equal(((unsigned char *)held[i]->data)[0], (unsigned char)i);
		bcache_put(held[i]);
	}
	assert_int_equal(bcache_release(&dev), 0);
}

static void test_forget(void **state)
{
	unsigned char before = on_disk(5, 0);
	struct buf *b, *c;

	assert_int_equal(bcache_get(&dev, 5, 4096, &b), 0);
	memset(b->data, before ^ 0xff, 4096);
	bcache_dirty(b);
	bcache_forget(&dev, 5, 4096); /* while held: dropped when put */
	assert_int_equal(bcache_get(&dev, 5, 4096, &c), 0);
	assert_ptr_not_equal(b, c);
	assert_int_equal(((unsigned char *)c->data)[0], before);
	bcache_put(b);
	bcache_put(c);
	assert_int_equal(bcache_sync(NULL), 0);
	assert_int_equal(on_disk(5, 0), before);
	assert_int_equal(bcache_release(&dev), 0);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_hit_and_bounds),
	cmocka_unit_test(test_evict_writes_back),
	cmocka_unit_test(test_held_not_evicted),
	cmocka_unit_test(test_forget),
};

int main(void)
{
	return cmocka_run_group_tests(tests, setup, teardown);
}
