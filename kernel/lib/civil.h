/* civil.h: proleptic Gregorian calendar arithmetic (kernel/lib/civil.c), freestanding and
 * host-testable. Used to turn the RTC's date into Unix time. */
#ifndef ISLE_LIB_CIVIL_H
#define ISLE_LIB_CIVIL_H

#include <stdbool.h>
#include <stdint.h>

/* year 1..9999, month 1..12, day 1..days in that month. */
bool civil_date_valid(int year, int month, int day);
/* Days from 1970-01-01 to the given (valid) date; negative before 1970. */
int64_t civil_days_from_epoch(int year, int month, int day);
/* Seconds since the Unix epoch for a valid date and time (hour 0..23, min 0..59, sec 0..59);
 * -1 when any field is out of range. Leap seconds do not exist here, as in Unix time. */
int64_t civil_to_unix(int year, int month, int day, int hour, int min, int sec);

#endif
