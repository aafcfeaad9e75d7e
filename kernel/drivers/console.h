/* console.h: the program's console. COM1 (0x3f8) carries fd 0 and fd 1, COM2 (0x2f8)
 * carries fd 2, so the host can keep stdout and stderr apart. Input arrives by UART
 * interrupt into a ring buffer; the byte 0x04 (^D, sent by the host at end of input) ends
 * input as on a canonical tty: read returns 0 from then on. */
#ifndef ISLE_DRIVERS_CONSOLE_H
#define ISLE_DRIVERS_CONSOLE_H

#include <stddef.h>

void console_init(void);
/* stream 1 = stdout (COM1), 2 = stderr (COM2). Writes everything; returns n. */
size_t console_write(int stream, const char *buf, size_t n);
/* Blocks (on a wait queue, interruptibly) until at least one byte or end of input;
 * returns bytes read (>= 1), 0 at end of input, -ERESTARTSYS when a signal came first.
 * Never more than n. */
long console_read(char *buf, size_t n);
/* Bytes available without blocking. */
size_t console_readable(void);
/* Readiness (fs/poll.h): POLLIN with bytes or at end of input, POLLOUT always; registers
 * pt on the receive wait queue. */
struct poll_table;
unsigned console_poll(struct poll_table *pt);

#endif
