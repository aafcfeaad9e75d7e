/* pit.h: the 8254 programmable interval timer, used only as a known clock to measure the
 * TSC against (pit.c). No interrupts. */
#ifndef ISLE_DRIVERS_PIT_H
#define ISLE_DRIVERS_PIT_H

#include <stdint.h>

#define PIT_HZ 1193182u

/* Measure the TSC rate over ~5 ms of PIT channel 0 counts, polling (interrupts may be on
 * or off; callers turn them off for accuracy). Returns kHz, 0 when no PIT answers. Stops
 * channel 0 afterwards. */
uint64_t pit_measure_tsc_khz(void);
/* Stop channel 0 (mode 0, no count loaded: no further interrupts or host timer work). */
void pit_stop(void);

#endif
