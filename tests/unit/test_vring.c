/* test_vring.c: kernel/drivers/virtio/ring.c against a fake device that consumes the
 * available ring the way the spec says a device does (2.7.13) and completes requests in
 * any order: layout and sizes, descriptor chains and flags, the free list under many
 * requests in flight, out-of-order completion, 16-bit index wraparound, notification
 * suppression and used entries a broken device may write. "Physical" addresses are host
 * addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "core/errno.h"
#include "drivers/virtio/ring.h"

struct fake_dev {
	struct vring *vr;
	uint16_t seen_avail; /* next available entry to consume */
	uint16_t used_idx;   /* our used->idx */
	uint16_t pending[VRING_MAX_SIZE];
	unsigned npending;
};

static struct vring vr;
static void *ring_mem;

static struct vring *make_ring(uint16_t size)
{
	free(ring_mem);
	ring_mem = aligned_alloc(16, (vring_mem_size(size) + 15) & ~(size_t)15);
	assert_non_null(ring_mem);
	assert_int_equal(vring_init(&vr, size, ring_mem, (uint64_t)(uintptr_t)ring_mem), 0);
	return &vr;
}

static int teardown(void **state)
{
	free(ring_mem);
	ring_mem = NULL;
	return 0;
}

/* Walk the chain at head: returns its length; checks that readable buffers precede
 * writable ones and that the chain ends. */
static unsigned chain_len(const struct vring *r, uint16_t head)
{
	unsigned n = 1;
	bool writable = false;
	uint16_t i = head;
	for (;;) {
		const struct vring_desc *d = &r->desc[i];
		if (d->flags & VRING_DESC_F_WRITE)
			writable = true;
		else
			assert_false(writable);
		if (!(d->flags & VRING_DESC_F_NEXT))
			return n;
		i = d->next;
		assert_true(i < r->size);
		n++;
		assert_true(n <= r->size);
	}
}

/* The device takes every newly available request. */
static void dev_take(struct fake_dev *f)
{
	uint16_t idx = __atomic_load_n(&f->vr->avail->idx, __ATOMIC_ACQUIRE);
	while (f->seen_avail != idx) {
		uint16_t head = f->vr->avail->ring[f->seen_avail % f->vr->size];
		assert_true(head < f->vr->size);
		chain_len(f->vr, head);
		f->pending[f->npending++] = head;
		f->seen_avail++;
	}
}

/* The device completes the k-th pending request, reporting len bytes written. */
static void dev_complete(struct fake_dev *f, unsigned k, uint32_t len)
{
	assert_true(k < f->npending);
	uint16_t head = f->pending[k];
	f->pending[k] = f->pending[--f->npending];
	f->vr->used->ring[f->used_idx % f->vr->size] = (struct vring_used_elem){head, len};
	f->used_idx++;
	__atomic_store_n(&f->vr->used->idx, f->used_idx, __ATOMIC_RELEASE);
}

/* Every descriptor is either on the free list exactly once or in a pending chain. */
static void check_free_list(const struct vring *r, unsigned in_use)
{
	uint8_t seen[VRING_MAX_SIZE] = {0};
	uint16_t i = r->free_head;
	for (unsigned k = 0; k < r->num_free; k++) {
		assert_true(i < r->size);
		assert_int_equal(seen[i], 0);
		seen[i] = 1;
		i = r->desc[i].next;
	}
	assert_int_equal(r->num_free + in_use, r->size);
}

static void test_layout(void **state)
{
	assert_int_equal(vring_mem_size(1), 16 + 6 + 2 + 6 + 8);
	for (unsigned s = 1; s <= VRING_MAX_SIZE; s *= 2) {
		struct vring *r = make_ring((uint16_t)s);
		assert_int_equal(r->size, s);
		assert_int_equal(r->num_free, s);
		assert_int_equal(r->desc_pa % 16, 0);
		assert_int_equal(r->avail_pa % 2, 0);
		assert_int_equal(r->used_pa % 4, 0);
		assert_true(r->avail_pa >= r->desc_pa + 16 * s);
		assert_true(r->used_pa >= r->avail_pa + 6 + 2 * s);
		assert_true(r->used_pa + 6 + 8 * s <= r->desc_pa + vring_mem_size((uint16_t)s));
		check_free_list(r, 0);
	}
	uint8_t mem[64];
	assert_int_equal(vring_init(&vr, 0, mem, 0), -EINVAL);
	assert_int_equal(vring_init(&vr, 3, mem, 0), -EINVAL);
	assert_int_equal(vring_init(&vr, 2 * VRING_MAX_SIZE, mem, 0), -EINVAL);
}

static void test_chain(void **state)
{
	struct vring *r = make_ring(8);
	struct fake_dev f = {.vr = r};
	int token;
	struct vring_buf b[3] = {{0x1000, 16, false}, {0x2000, 512, true}, {0x3000, 1, true}};
	int head = vring_add(r, b, 3, &token);
	assert_true(head >= 0 && head < 8);
	assert_int_equal(r->avail->idx, 1);
	assert_int_equal(r->avail->ring[0], head);
	assert_int_equal(r->num_free, 5);
	const struct vring_desc *d0 = &r->desc[head];
	assert_int_equal(d0->addr, 0x1000);
	assert_int_equal(d0->len, 16);
	assert_int_equal(d0->flags, VRING_DESC_F_NEXT);
	const struct vring_desc *d1 = &r->desc[d0->next];
	assert_int_equal(d1->addr, 0x2000);
	assert_int_equal(d1->flags, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE);
	const struct vring_desc *d2 = &r->desc[d1->next];
	assert_int_equal(d2->addr, 0x3000);
	assert_int_equal(d2->len, 1);
	assert_int_equal(d2->flags, VRING_DESC_F_WRITE);

	assert_false(vring_has_used(r));
	assert_null(vring_get_used(r, NULL));
	dev_take(&f);
	assert_int_equal(f.npending, 1);
	dev_complete(&f, 0, 513);
	assert_true(vring_has_used(r));
	uint32_t len = 0;
	assert_ptr_equal(vring_get_used(r, &len), &token);
	assert_int_equal(len, 513);
	assert_null(vring_get_used(r, &len));
	check_free_list(r, 0);
}

static void test_bad_args_and_full(void **state)
{
	struct vring *r = make_ring(8);
	int t;
	struct vring_buf b[9] = {{0}};
	assert_int_equal(vring_add(r, b, 0, &t), -EINVAL);
	assert_int_equal(vring_add(r, b, 9, &t), -EINVAL);
	assert_int_equal(vring_add(r, b, 1, NULL), -EINVAL);
	assert_true(vring_add(r, b, 3, &t) >= 0);
	assert_true(vring_add(r, b, 3, &t) >= 0);
	assert_int_equal(vring_add(r, b, 3, &t), -EAGAIN); /* 2 left */
	assert_int_equal(r->avail->idx, 2);		   /* nothing published */
	assert_true(vring_add(r, b, 2, &t) >= 0);
	assert_int_equal(vring_add(r, b, 1, &t), -EAGAIN);
	check_free_list(r, 8);
}

/* Many requests in flight, completed in reverse and interleaved order; the free list
 * stays exact and each completion returns its own token. */
static void test_out_of_order(void **state)
{
	struct vring *r = make_ring(64);
	struct fake_dev f = {.vr = r};
	int tokens[32];
	int heads[32];
	struct vring_buf b[2] = {{0x1000, 16, false}, {0x2000, 1, true}};
	for (int i = 0; i < 32; i++) {
		heads[i] = vring_add(r, b, 2, &tokens[i]);
		assert_true(heads[i] >= 0);
		for (int j = 0; j < i; j++)
			assert_int_not_equal(heads[i], heads[j]);
	}
	assert_int_equal(vring_add(r, b, 1, &tokens[0]), -EAGAIN);
	dev_take(&f);
	assert_int_equal(f.npending, 32);
	/* Complete the last taken first, then every other one. */
	unsigned in_use = 64;
	for (int round = 0; round < 32; round++) {
		dev_complete(&f, round % 2 ? 0 : f.npending - 1, 0);
		int *tok = vring_get_used(r, NULL);
		assert_non_null(tok);
		assert_true(tok >= tokens && tok < tokens + 32);
		*tok = -1; /* each exactly once */
		in_use -= 2;
		check_free_list(r, in_use);
	}
	for (int i = 0; i < 32; i++)
		assert_int_equal(tokens[i], -1);
	assert_null(vring_get_used(r, NULL));
}

/* 200000 requests through an 8-entry ring: both 16-bit indexes wrap several times; chain
 * lengths and completion order vary. */
static void test_wraparound(void **state)
{
	struct vring *r = make_ring(8);
	struct fake_dev f = {.vr = r};
	static int tokens[8];
	unsigned submitted = 0, completed = 0;
	unsigned lens[VRING_MAX_SIZE] = {0};
	srand(12345);
	struct vring_buf b[4] = {{1, 1, false}, {2, 2, false}, {3, 3, true}, {4, 4, true}};
	while (completed < 200000) {
		unsigned n = 1 + (unsigned)rand() % 4;
		int head = vring_add(r, b, n, &tokens[submitted % 8]);
		if (head >= 0) {
			lens[head] = n;
			submitted++;
		} else {
			assert_int_equal(head, -EAGAIN);
		}
		dev_take(&f);
		if (f.npending && (head < 0 || rand() % 3 == 0)) {
			dev_complete(&f, (unsigned)rand() % f.npending, 7);
			uint32_t len;
			assert_non_null(vring_get_used(r, &len));
			assert_int_equal(len, 7);
			completed++;
		}
		/* Descriptors in use are exactly those of the requests the device holds. */
		unsigned busy = 0;
		for (unsigned k = 0; k < f.npending; k++)
			busy += lens[f.pending[k]];
		check_free_list(r, busy);
	}
	assert_true(submitted > 65536 * 2);
	assert_int_equal((uint16_t)submitted, r->avail->idx);
	assert_int_equal((uint16_t)completed, r->last_used);
}

static void test_notify_suppression(void **state)
{
	struct vring *r = make_ring(4);
	assert_true(vring_needs_notify(r));
	r->used->flags = VRING_USED_F_NO_NOTIFY;
	assert_false(vring_needs_notify(r));
	r->used->flags = 0;
	assert_true(vring_needs_notify(r));
}

/* A used entry with an id out of range, or naming a descriptor not in flight (or not the
 * head of a chain), is skipped without touching the free list. */
static void test_bogus_used(void **state)
{
	struct vring *r = make_ring(8);
	struct fake_dev f = {.vr = r};
	int t;
	struct vring_buf b[2] = {{0x1000, 16, false}, {0x2000, 1, true}};
	int head = vring_add(r, b, 2, &t);
	assert_true(head >= 0);
	uint16_t second = r->desc[head].next;
	r->used->ring[0] = (struct vring_used_elem){100, 0};
	r->used->ring[1] = (struct vring_used_elem){second, 0};
	r->used->ring[2] = (struct vring_used_elem){(uint32_t)head, 1};
	f.used_idx = 3;
	__atomic_store_n(&r->used->idx, f.used_idx, __ATOMIC_RELEASE);
	assert_ptr_equal(vring_get_used(r, NULL), &t);
	assert_null(vring_get_used(r, NULL));
	check_free_list(r, 0);
	/* The same head reported twice: the second report is ignored. */
	r->used->ring[3] = (struct vring_used_elem){(uint32_t)head, 1};
	__atomic_store_n(&r->used->idx, 4, __ATOMIC_RELEASE);
	assert_null(vring_get_used(r, NULL));
	check_free_list(r, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_layout, teardown),
		cmocka_unit_test_teardown(test_chain, teardown),
		cmocka_unit_test_teardown(test_bad_args_and_full, teardown),
		cmocka_unit_test_teardown(test_out_of_order, teardown),
		cmocka_unit_test_teardown(test_wraparound, teardown),
		cmocka_unit_test_teardown(test_notify_suppression, teardown),
		cmocka_unit_test_teardown(test_bogus_used, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
