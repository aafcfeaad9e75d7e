/* ptimer.c: interval timers over ktimers (ptimer.h). Expiry times are kept on the
 * monotonic clock; the next periodic expiry is computed from the previous one (never
 * from the time the tick arrived), so periods do not drift. */
#include "syscall/ptimer.h"
#include "core/time.h"
#include "core/errno.h"
#include "lib/ktime.h"
#include "mm/uaccess.h"
#include "syscall/sys_clock.h"

static void fire(struct ktimer *kt)
{
	struct ptimer *p = kt->priv;
	uint32_t missed = 0;

	if (p->expiry == 0)
		return;
	if (p->interval) {
		p->expiry = ktime_next_expiry(p->expiry, p->interval, time_monotonic_ns(), &missed);
		ktimer_arm(&p->kt, p->expiry);
	} else {
		p->expiry = 0;
	}
	p->expired(p, missed == UINT32_MAX ? missed : missed + 1);
}

void ptimer_init(struct ptimer *p, int clock, void (*expired)(struct ptimer *p, uint32_t count),
		 void *priv)
{
	ktimer_init(&p->kt, fire, p);
	p->clock = clock;
	p->expiry = 0;
	p->interval = 0;
	p->expired = expired;
	p->priv = priv;
}

void ptimer_cancel(struct ptimer *p)
{
	ktimer_cancel(&p->kt);
	p->expiry = 0;
}

void ptimer_set(struct ptimer *p, uint64_t value, uint64_t interval, bool abs)
{
	uint64_t expiry;

	ptimer_cancel(p);
	p->interval = interval; /* reported by get even while disarmed, as Linux does */
	if (value == 0)
		return;
	if (!abs)
		expiry = ktime_add_sat(time_monotonic_ns(), value);
	else if (clk_is_wall(p->clock))
		expiry = clk_wall_to_mono(value);
	else
		expiry = value;
	if (expiry == 0)
		expiry = 1; /* already past: the next tick fires it */
	p->expiry = expiry;
	ktimer_arm(&p->kt, expiry);
}

void ptimer_get(const struct ptimer *p, uint64_t *remaining, uint64_t *interval)
{
	uint64_t now = time_monotonic_ns();

	*interval = p->interval;
	if (p->expiry == 0)
		*remaining = 0;
	else
		*remaining = p->expiry > now ? p->expiry - now : 1;
}

long ptimer_copy_out(const struct ptimer *p, uint64_t uaddr)
{
	struct ktime_itspec its;
	uint64_t rem, interval;

	ptimer_get(p, &rem, &interval);
	its.interval = ktime_to_spec(interval);
	its.value = ktime_to_spec(rem);
	return copy_to_user((void *)(uintptr_t)uaddr, &its, sizeof(its)) < 0 ? -EFAULT : 0;
}
