/* timer.c: kernel timers (timer.h): one list sorted by deadline for the whole machine,
 * and the per-CPU programming of the local APIC one-shot timer. Each CPU remembers what
 * it armed so re-arming for the same deadline costs nothing. */
#include "sched/timer.h"
#include "arch/x86_64/arch.h"
#include "core/time.h"
#include "drivers/platform.h"
#include "sched/sched.h"
#include "sched/smp.h"

static struct ktimer *head;
static uint64_t armed_for[SMP_MAX_CPUS]; /* deadline this CPU's APIC timer is set to, 0 */

void ktimer_init(struct ktimer *t, void (*fn)(struct ktimer *t), void *priv)
{
	t->deadline_ns = 0;
	t->fn = fn;
	t->priv = priv;
	t->next = NULL;
	t->armed = false;
}

static void unlink(struct ktimer *t)
{
	for (struct ktimer **pp = &head; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	t->next = NULL;
	t->armed = false;
}

void ktimer_arm(struct ktimer *t, uint64_t deadline_ns)
{
	unsigned long fl = arch_irq_save();
	if (t->armed)
		unlink(t);
	t->deadline_ns = deadline_ns;
	struct ktimer **pp = &head;
	while (*pp && (*pp)->deadline_ns <= deadline_ns)
		pp = &(*pp)->next;
	t->next = *pp;
	*pp = t;
	t->armed = true;
	if (head == t)
		ktimer_program_cpu();
	arch_irq_restore(fl);
}

void ktimer_cancel(struct ktimer *t)
{
	unsigned long fl = arch_irq_save();
	if (t->armed)
		unlink(t);
	arch_irq_restore(fl);
}

void ktimer_program_cpu(void)
{
	unsigned long fl = arch_irq_save();
	uint64_t when = head ? head->deadline_ns : 0;
	uint64_t slice = sched_next_deadline();
	if (slice && (!when || slice < when))
		when = slice;
	int cpu = arch_cpu_id();
	if (when != armed_for[cpu]) {
		armed_for[cpu] = when;
		if (!when) {
			lapic_timer_oneshot(0);
		} else {
			uint64_t now = time_monotonic_ns();
			lapic_timer_oneshot(when > now ? when - now : 1);
		}
	}
	arch_irq_restore(fl);
}

void ktimer_run_expired(void)
{
	unsigned long fl = arch_irq_save();
	armed_for[arch_cpu_id()] = 0; /* whatever was armed has fired */
	uint64_t now = time_monotonic_ns();
	while (head && head->deadline_ns <= now) {
		struct ktimer *t = head;
		head = t->next;
		t->next = NULL;
		t->armed = false;
		t->fn(t); /* may re-arm t */
	}
	sched_tick();
	ktimer_program_cpu();
	arch_irq_restore(fl);
}
