/* printk.c: format a message and send it to the kernel log channel, with interrupts off so
 * lines never interleave. Lines longer than the buffer are cut and marked with "...". */
#include "core/printk.h"
#include "drivers/platform.h"
#include "lib/format.h"
#include "arch/x86_64/arch.h"

bool printk_verbose;

void vprintk(const char *fmt, va_list ap)
{
	static char buf[1024];
	unsigned long irq = arch_irq_save();
	int n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(buf)) {
		n = sizeof(buf) - 1;
		buf[n - 4] = '.';
		buf[n - 3] = '.';
		buf[n - 2] = '.';
		buf[n - 1] = '\n';
	}
	logport_write(buf, n);
	arch_irq_restore(irq);
}

void printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}
