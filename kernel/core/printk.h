/* printk.h: the kernel log. Everything goes to the log channel (debugcon, see
 * include/abi/exit.h), never to the program's console. pr_info is shown only with the
 * `verbose` kernel option; printk always. Safe with interrupts off; never allocates. */
#ifndef ISLE_CORE_PRINTK_H
#define ISLE_CORE_PRINTK_H

#include <stdarg.h>
#include <stdbool.h>

extern bool printk_verbose; /* set from the `verbose` kernel option */

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintk(const char *fmt, va_list ap);
#define pr_info(...)                                                                               \
	do {                                                                                       \
		if (printk_verbose)                                                                \
			printk(__VA_ARGS__);                                                       \
	} while (0)

/* Broken invariant: print the message, registers are not available here; prints a
 * backtrace from the caller, reports ISLE_EXIT_PANIC and powers off. */
_Noreturn void panic_at(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define panic(...) panic_at(__FILE__, __LINE__, __VA_ARGS__)
#define BUG_ON(cond)                                                                               \
	do {                                                                                       \
		if (cond)                                                                          \
			panic("BUG_ON(%s)", #cond);                                                \
	} while (0)

#endif
