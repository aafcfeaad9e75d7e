/* net_fakes.c: host stand-ins for the stack core's unit tests and fuzz harness: a fake
 * clock, ktimers kept in a list that tests fire by advancing the clock, kmalloc over
 * malloc, printk to stderr when NET_FAKES_VERBOSE is set, wait queues that only count
 * wake-ups, fixed random numbers, UDP hooks that record what arrived, and a fake Ethernet
 * device whose xmit keeps the frames it is given. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/arch.h"
#include "net/net_timer.h"
#include "net/netdev.h"
#include "net/stack.h"
#include "net_fakes.h"
#include "sched/timer.h"
#include "sched/wait.h"

uint64_t fake_now;
bool printk_verbose;
int fake_udp_count, fake_udp_err_count, fake_wakes;
int fake_udp_last_err;
uint32_t fake_udp_last_len;

void *kmalloc(size_t size)
{
	return malloc(size);
}
void *kzalloc(size_t size)
{
	return calloc(1, size);
}
void kfree(void *p)
{
	free(p);
}

void vprintk(const char *fmt, va_list ap)
{
	if (getenv("NET_FAKES_VERBOSE"))
		vfprintf(stderr, fmt, ap);
}
void printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

uint64_t time_monotonic_ns(void)
{
	return fake_now;
}

uint64_t random_u64(void)
{
	return 0x1234567887654321ull;
}

static struct ktimer *timers;
bool fake_poll_after_timers = true;

void ktimer_init(struct ktimer *t, void (*fn)(struct ktimer *t), void *priv)
{
	memset(t, 0, sizeof(*t));
	t->fn = fn;
	t->priv = priv;
}

void ktimer_cancel(struct ktimer *t)
{
	for (struct ktimer **pp = &timers; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	t->armed = false;
}

void ktimer_arm(struct ktimer *t, uint64_t deadline_ns)
{
	ktimer_cancel(t);
	t->deadline_ns = deadline_ns;
	t->armed = true;
	t->next = timers;
	timers = t;
}

void fake_advance(uint64_t ns)
{
	fake_now += ns;
	for (;;) {
		struct ktimer *due = NULL;
		for (struct ktimer *t = timers; t; t = t->next)
			if (t->deadline_ns <= fake_now &&
			    (!due || t->deadline_ns < due->deadline_ns))
				due = t;
		if (!due)
			return;
		ktimer_cancel(due);
		due->fn(due);
		if (fake_poll_after_timers)
			net_timers_run(); /* a poll point right after each timer interrupt */
	}
}

void fake_timers_reset(void)
{
	timers = NULL;
}

void waitq_wake_all(struct wait_queue *q, unsigned events)
{
	fake_wakes++;
}

void udp_input(struct pkt *p, const struct ip_info *ip)
{
	fake_udp_count++;
	fake_udp_last_len = p->len;
	pkt_free(p);
}

void udp_icmp_error(int err, const uint8_t *orig, uint32_t len)
{
	fake_udp_err_count++;
	fake_udp_last_err = err;
}

/* ---- the fake Ethernet device ---- */

struct pkt *fake_sent[FAKE_SENT_MAX];
int fake_nsent;

static int fake_xmit(struct netdev *nd, struct pkt *p)
{
	if (fake_nsent == FAKE_SENT_MAX) {
		pkt_free(p);
		return -105;
	}
	fake_sent[fake_nsent++] = p;
	return 0;
}

static const struct netdev_ops fake_ops = {.xmit = fake_xmit};
struct netdev fake_eth = {
	.name = "eth0",
	.mac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56},
	.mtu = 1500,
	.link_up = true,
	.ops = &fake_ops,
};

void fake_sent_clear(void)
{
	for (int i = 0; i < fake_nsent; i++)
		pkt_free(fake_sent[i]);
	fake_nsent = 0;
}

/* No interrupts in the host tests. */
unsigned long arch_irq_save(void)
{
	return 0;
}

void arch_irq_restore(unsigned long state) {}
