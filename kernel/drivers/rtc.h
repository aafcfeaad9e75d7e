/* rtc.h: the MC146818 CMOS real-time clock (rtc.c), read once for the wall clock. */
#ifndef ISLE_DRIVERS_RTC_H
#define ISLE_DRIVERS_RTC_H

#include <stdint.h>

/* Current time in seconds since the Unix epoch: 0 and *unix_seconds, or -EIO when the
 * clock is missing, never settles or holds an impossible date. Polls; takes up to a few
 * ms when an update is in progress. */
int rtc_read(uint64_t *unix_seconds);

#endif
