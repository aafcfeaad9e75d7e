/* pit.c: TSC frequency from the 8254 PIT (Intel 8254 data sheet).
 *
 * Channel 0 runs in mode 2 from the full count (65536) at 1193182 Hz; its count is
 * sampled with the counter-latch command, each sample paired with a TSC read taken just
 * before the latch (the same skew at both ends cancels). Elapsed PIT ticks are summed
 * modulo 65536 between samples (a wrap takes 55 ms, samples are microseconds apart).
 * Timing starts at the first observed count change so the window is aligned to a PIT
 * tick. Port 0x61 (the speaker gate of channel 2) is not used: QEMU microvm lacks it. A
 * missing PIT reads 0xff forever; the loop gives up after ~2^32 TSC ticks. */
#include "drivers/pit.h"
#include "arch/x86_64/arch.h"

#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define CMD_CH0_LOHI_MODE2 0x34
#define CMD_CH0_LOHI_MODE0 0x30
#define CMD_CH0_LATCH 0x00
#define MEASURE_TICKS (PIT_HZ / 200) /* 5 ms */
#define GIVE_UP_TSC (1ull << 32)

static uint16_t read_count(uint64_t *tsc)
{
	*tsc = arch_rdtsc();
	arch_outb(PIT_CMD, CMD_CH0_LATCH);
	uint8_t lo = arch_inb(PIT_CH0);
	uint8_t hi = arch_inb(PIT_CH0);
	return (uint16_t)(lo | hi << 8);
}

void pit_stop(void)
{
	arch_outb(PIT_CMD, CMD_CH0_LOHI_MODE0);
}

uint64_t pit_measure_tsc_khz(void)
{
	arch_outb(PIT_CMD, CMD_CH0_LOHI_MODE2);
	arch_outb(PIT_CH0, 0);
	arch_outb(PIT_CH0, 0);

	uint64_t t_begin, t0, t;
	uint16_t first = read_count(&t_begin), prev;
	do {
		prev = read_count(&t0);
		if (t0 - t_begin > GIVE_UP_TSC) {
			pit_stop();
			return 0;
		}
	} while (prev == first);

	uint32_t elapsed = 0;
	do {
		uint16_t cur = read_count(&t);
		elapsed += (uint16_t)(prev - cur);
		prev = cur;
		if (t - t0 > GIVE_UP_TSC)
			break;
	} while (elapsed < MEASURE_TICKS);
	pit_stop();
	if (elapsed == 0)
		return 0;
	return (t - t0) * PIT_HZ / elapsed / 1000;
}
