/* rtc.c: read the CMOS RTC (MC146818A data sheet) as Unix seconds.
 *
 * The clock updates its registers once a second; while Status A's UIP bit is set (up to
 * ~2 ms) they may be inconsistent. So: wait for UIP clear, read all fields, and repeat
 * until two consecutive reads agree. Status B says whether fields are BCD or binary and
 * whether hours are 12-hour (bit 7 = PM). The century comes from the FADT's CMOS index,
 * else register 0x32 (what QEMU and PC firmware use); when that holds nothing plausible,
 * the year is taken as 20xx. The RTC keeps UTC under QEMU's default -rtc base=utc. */
#include "drivers/rtc.h"
#include "arch/x86_64/arch.h"
#include "core/errno.h"
#include "drivers/acpi.h"
#include "lib/civil.h"
#include "lib/string.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define RTC_SEC 0x00
#define RTC_MIN 0x02
#define RTC_HOUR 0x04
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_STATUS_A 0x0a
#define RTC_STATUS_B 0x0b
#define RTC_CENTURY_DEFAULT 0x32
#define STATUS_A_UIP 0x80
#define STATUS_B_24H 0x02
#define STATUS_B_BINARY 0x04
#define HOUR_PM 0x80

#define UIP_POLLS 1000000
#define READ_ATTEMPTS 10

struct rtc_fields {
	uint8_t sec, min, hour, day, month, year, century;
};

static uint8_t cmos(uint8_t reg)
{
	arch_outb(CMOS_INDEX, reg);
	return arch_inb(CMOS_DATA);
}

static int read_fields(struct rtc_fields *f, uint8_t century_reg)
{
	int polls = 0;
	while (cmos(RTC_STATUS_A) & STATUS_A_UIP)
		if (++polls == UIP_POLLS)
			return -EIO;
	f->sec = cmos(RTC_SEC);
	f->min = cmos(RTC_MIN);
	f->hour = cmos(RTC_HOUR);
	f->day = cmos(RTC_DAY);
	f->month = cmos(RTC_MONTH);
	f->year = cmos(RTC_YEAR);
	f->century = century_reg ? cmos(century_reg) : 0;
	return 0;
}

static int bcd(uint8_t v)
{
	return (v >> 4) * 10 + (v & 0xf);
}

int rtc_read(uint64_t *unix_seconds)
{
	uint8_t century_reg = acpi_platform.fadt.century;
	if (century_reg == 0 || century_reg >= 0x80)
		century_reg = RTC_CENTURY_DEFAULT;
	struct rtc_fields a, b;
	int attempts = 0;
	if (read_fields(&a, century_reg) != 0)
		return -EIO;
	for (;;) {
		if (read_fields(&b, century_reg) != 0)
			return -EIO;
		if (memcmp(&a, &b, sizeof(a)) == 0)
			break;
		if (++attempts == READ_ATTEMPTS)
			return -EIO;
		a = b;
	}
	uint8_t status_b = cmos(RTC_STATUS_B);
	bool pm = a.hour & HOUR_PM;
	a.hour &= (uint8_t)~HOUR_PM;
	int sec = a.sec, min = a.min, hour = a.hour, day = a.day, month = a.month;
	int year = a.year, century = a.century;
	if (!(status_b & STATUS_B_BINARY)) {
		sec = bcd(a.sec);
		min = bcd(a.min);
		hour = bcd(a.hour);
		day = bcd(a.day);
		month = bcd(a.month);
		year = bcd(a.year);
		century = bcd(a.century);
	}
	if (!(status_b & STATUS_B_24H)) /* 12 AM is 0:xx, 12 PM is 12:xx */
		hour = hour % 12 + (pm ? 12 : 0);
	if (century < 19 || century > 99)
		century = 20;
	int64_t t = civil_to_unix(century * 100 + year, month, day, hour, min, sec);
	if (t < 0)
		return -EIO;
	*unix_seconds = (uint64_t)t;
	return 0;
}
