/* civil.c: Gregorian dates to day counts.
 *
 * Days since 0001-01-01 = 365 per whole year + the leap days before the year
 * (y/4 - y/100 + y/400 over the whole years) + the days before the month + the leap day
 * when the month is after February in a leap year + the day of the month. The Unix epoch,
 * 1970-01-01, is day 719162 of that count. */
#include "lib/civil.h"

#define EPOCH_DAYS_FROM_YEAR_1 719162

static const uint16_t days_before_month[12] = {0,   31,	 59,  90,  120, 151,
					       181, 212, 243, 273, 304, 334};

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	if (m == 12)
		return 31;
	return days_before_month[m] - days_before_month[m - 1] + (m == 2 && leap(y));
}

bool civil_date_valid(int year, int month, int day)
{
	return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
	       day <= days_in_month(year, month);
}

int64_t civil_days_from_epoch(int year, int month, int day)
{
	int64_t whole = year - 1;
	int64_t days = whole * 365 + whole / 4 - whole / 100 + whole / 400;
	days += days_before_month[month - 1] + (month > 2 && leap(year)) + (day - 1);
	return days - EPOCH_DAYS_FROM_YEAR_1;
}

int64_t civil_to_unix(int year, int month, int day, int hour, int min, int sec)
{
	if (!civil_date_valid(year, month, day) || hour < 0 || hour > 23 || min < 0 || min > 59 ||
	    sec < 0 || sec > 59)
		return -1;
	return civil_days_from_epoch(year, month, day) * 86400 + hour * 3600 + min * 60 + sec;
}
