/* task.c: creating and freeing threads: the task structure with its extended-state area,
 * kernel stacks in the KSTACK window, tids, and the list of live threads.
 *
 * Kernel stacks: slot i of the window is [KSTACK_BASE + i * SLOT, + SLOT): one unmapped
 * guard page, then TASK_KSTACK_SIZE of mapped stack. The lower half of the window is
 * ours; smp.c uses the upper half for the boot stacks of application processors. Pages of
 * a dead thread's stack stay mapped and the slot goes on a free list for the next thread:
 * never unmapping kernel stacks means no other CPU can hold a stale TLB entry for them. */
#include "sched/task.h"
#include "core/errno.h"
#include "core/printk.h"
#include "arch/x86_64/paging.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/layout.h"
#include "mm/pmm.h"
#include "sched/task_internal.h"

#define SLOT_SIZE (TASK_KSTACK_SIZE + PAGE_SIZE)
#define NSLOTS ((KSTACK_SIZE / 2) / SLOT_SIZE)

static uint32_t slots_used;				   /* slots ever mapped */
static uint32_t free_slots[NSLOTS > 1024 ? 1024 : NSLOTS]; /* reusable slots */
static uint32_t nfree;

static struct task *all_head, *all_tail;
static int next_tid = TASK_PID;
static int nlive;

static int stack_slot_alloc(uint32_t *out)
{
	if (nfree) {
		*out = free_slots[--nfree];
		return 0;
	}
	if (slots_used >= NSLOTS)
		return -EAGAIN;
	uint32_t slot = slots_used;
	uint64_t base = KSTACK_BASE + (uint64_t)slot * SLOT_SIZE + PAGE_SIZE;
	for (uint64_t off = 0; off < TASK_KSTACK_SIZE; off += PAGE_SIZE) {
		if (paging_lookup(kernel_root, base + off, NULL, NULL))
			continue; /* mapped by an earlier attempt that ran out of memory */
		uint64_t pa = pmm_alloc_page();
		if (!pa || paging_map(kernel_root, base + off, pa, PG_WRITE) < 0) {
			/* Keep what was mapped: the slot is retried from the start next time. */
			if (pa)
				pmm_free_page(pa);
			return -ENOMEM;
		}
	}
	slots_used++;
	*out = slot;
	return 0;
}

static void stack_slot_free(uint32_t slot)
{
	if (nfree < sizeof(free_slots) / sizeof(free_slots[0]))
		free_slots[nfree++] = slot;
	/* else: the slot stays mapped and unused (bounded by the peak thread count). */
}

/* A zeroed task with its extended-state area (64-byte aligned, after the struct in the
 * same allocation) in the initial state; no stack yet. */
static struct task *task_new(void)
{
	uint8_t *mem = kzalloc(sizeof(struct task) + 64 + arch_fpu_size());
	if (!mem)
		return NULL;
	struct task *t = (struct task *)mem;
	t->xstate = (void *)(((uintptr_t)(t + 1) + 63) & ~(uintptr_t)63);
	arch_fpu_init(t->xstate);
	t->syscall_nr = -1;
	t->cpu_mask = ~0ull;
	return t;
}

struct task *task_alloc_bootstrap(uint64_t kstack_bottom, uint64_t kstack_top)
{
	struct task *t = task_new();
	if (!t)
		return NULL;
	t->stack_slot = TASK_NO_SLOT;
	t->kstack_bottom = kstack_bottom;
	t->kstack_top = kstack_top;
	return t;
}

struct task *task_alloc(void)
{
	struct task *t = task_new();
	if (!t)
		return NULL;
	uint32_t slot;
	if (stack_slot_alloc(&slot) < 0) {
		kfree(t);
		return NULL;
	}
	t->stack_slot = slot;
	t->kstack_bottom = KSTACK_BASE + (uint64_t)slot * SLOT_SIZE + PAGE_SIZE;
	t->kstack_top = t->kstack_bottom + TASK_KSTACK_SIZE;
	return t;
}

void task_free(struct task *t)
{
	if (t->stack_slot != TASK_NO_SLOT)
		stack_slot_free(t->stack_slot);
	kfree(t);
}

void task_register(struct task *t)
{
	t->tid = next_tid++;
	t->all_next = NULL;
	if (all_tail)
		all_tail->all_next = t;
	else
		all_head = t;
	all_tail = t;
	nlive++;
}

void task_unregister(struct task *t)
{
	struct task **pp = &all_head, *prev = NULL;
	while (*pp && *pp != t) {
		prev = *pp;
		pp = &(*pp)->all_next;
	}
	if (!*pp)
		panic("task %d not on the task list", t->tid);
	*pp = t->all_next;
	if (all_tail == t)
		all_tail = prev;
	nlive--;
}

struct task *task_find(int tid)
{
	for (struct task *t = all_head; t; t = t->all_next)
		if (t->tid == tid)
			return t;
	return NULL;
}

struct task *task_first(void)
{
	return all_head;
}

struct task *task_next(struct task *t)
{
	return t->all_next;
}

int task_count(void)
{
	return nlive;
}

struct task *task_current(void)
{
	return arch_cpu_current();
}

void task_set_comm(struct task *t, const char *path)
{
	const char *base = path;
	for (const char *p = path; *p; p++)
		if (*p == '/' && p[1])
			base = p + 1;
	size_t i = 0;
	for (; i < TASK_COMM_LEN - 1 && base[i] && base[i] != '/'; i++)
		t->comm[i] = base[i];
	t->comm[i] = 0;
}
