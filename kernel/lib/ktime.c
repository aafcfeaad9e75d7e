/* ktime.c: nanosecond time arithmetic (ktime.h). No division on 128-bit values: the
 * inputs are checked so the products fit in 64 bits or saturate. */
#include "lib/ktime.h"

#define KTIME_EINVAL 22
#define OVERRUN_MAX 0x7fffffffu

static uint64_t to_ns(uint64_t sec, uint64_t frac_ns)
{
	if (sec > (UINT64_MAX - frac_ns) / KTIME_NS_PER_SEC)
		return UINT64_MAX;
	return sec * KTIME_NS_PER_SEC + frac_ns;
}

int ktime_from_spec(const struct ktime_spec *ts, uint64_t *ns)
{
	if (ts->sec < 0 || ts->nsec < 0 || ts->nsec >= (int64_t)KTIME_NS_PER_SEC)
		return -KTIME_EINVAL;
	*ns = to_ns((uint64_t)ts->sec, (uint64_t)ts->nsec);
	return 0;
}

int ktime_from_val(const struct ktime_val *tv, uint64_t *ns)
{
	if (tv->sec < 0 || tv->usec < 0 || tv->usec >= 1000000)
		return -KTIME_EINVAL;
	*ns = to_ns((uint64_t)tv->sec, (uint64_t)tv->usec * KTIME_NS_PER_USEC);
	return 0;
}

struct ktime_spec ktime_to_spec(uint64_t ns)
{
	struct ktime_spec ts = {(int64_t)(ns / KTIME_NS_PER_SEC), (int64_t)(ns % KTIME_NS_PER_SEC)};
	return ts;
}

struct ktime_val ktime_to_val(uint64_t ns)
{
	struct ktime_val tv = {(int64_t)(ns / KTIME_NS_PER_SEC),
			       (int64_t)(ns % KTIME_NS_PER_SEC / KTIME_NS_PER_USEC)};
	return tv;
}

uint64_t ktime_next_expiry(uint64_t expiry, uint64_t interval, uint64_t now, uint32_t *missed)
{
	uint64_t periods = (now - expiry) / interval; /* whole periods after expiry, <= now */
	uint64_t step;

	*missed = periods > OVERRUN_MAX ? OVERRUN_MAX : (uint32_t)periods;
	if (periods >= UINT64_MAX / interval)
		return UINT64_MAX;
	step = (periods + 1) * interval;
	return ktime_add_sat(expiry, step);
}
