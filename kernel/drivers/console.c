/* console.c: the program's console on the 16550 UARTs: stdout on COM1, stderr on COM2,
 * stdin from COM1's receive interrupt.
 *
 * Input: the COM1 interrupt handler (and console_read itself, before it sleeps, so bytes
 * that arrived before interrupts were routed are not stranded) drains the UART into a
 * 4 KiB ring and wakes rx_wq, where blocked readers and pollers (console_poll) wait.
 * When the ring is full the receive interrupt is switched off and the bytes stay in the
 * UART, whose full FIFO makes QEMU stop reading the host side: input is
 * flow-controlled, never dropped. console_read switches it back on once it has made room.
 * The byte 0x04 (^D, sent by the host at end of input) ends input: later bytes are
 * discarded and, once the ring is empty, console_read returns 0 for good. The ring, the
 * EOF flag and the interrupt switch are only touched with interrupts off and the BKL
 * held (an interrupt handler on this CPU is the only other user).
 *
 * Output is verbatim (no "\n" -> "\r\n"): QEMU hands the bytes to a file or pipe as they
 * are. Machines without COM2 (QEMU microvm has only COM1) send stderr to COM1, and say so
 * once in the kernel log. */
#include "drivers/console.h"
#include "arch/x86_64/arch.h"
#include "core/errno.h"
#include "core/printk.h"
#include "drivers/platform.h"
#include "drivers/uart.h"
#include "fs/poll.h"
#include "sched/sched.h"
#include "sched/task.h"
#include "sched/wait.h"

#define COM1_IRQ 4
#define RX_SIZE 4096u /* power of two */
#define END_OF_INPUT 0x04

static uint8_t rx_ring[RX_SIZE];
static uint32_t rx_head; /* next write; free-running, index with % RX_SIZE */
static uint32_t rx_tail; /* next read */
static bool rx_eof;
static bool rx_irq_on;
static bool com1_present, com2_present;
static struct wait_queue rx_wq = WAIT_QUEUE_INIT;

static uint32_t rx_count(void)
{
	return rx_head - rx_tail;
}

/* One received byte: into the ring, or the end of input (bytes after it are dropped). */
static void rx_accept(uint8_t c)
{
	if (rx_eof)
		return;
	if (c == END_OF_INPUT)
		rx_eof = true;
	else
		rx_ring[rx_head++ % RX_SIZE] = c;
}

/* Move waiting bytes from COM1 into the ring while it has room, then leave the receive
 * interrupt on exactly when there is room for more. Interrupts off. */
static void rx_drain(void)
{
	if (!com1_present)
		return;
	while ((rx_eof || rx_count() < RX_SIZE) && uart_rx_ready(UART_COM1))
		rx_accept(uart_rx_byte(UART_COM1));
	bool want = rx_eof || rx_count() < RX_SIZE;
	if (want != rx_irq_on) {
		uart_set_rx_irq(UART_COM1, want);
		rx_irq_on = want;
	}
}

static void com1_irq(struct trap_frame *tf)
{
	rx_drain();
	if (rx_count() > 0 || rx_eof)
		waitq_wake_all(&rx_wq, POLLIN | POLLRDNORM);
}

void console_init(void)
{
	com1_present = uart_init(UART_COM1);
	com2_present = uart_init(UART_COM2);
	if (!com1_present) {
		printk("isle: console: no UART at COM1, program output is lost\n");
		return;
	}
	if (!com2_present)
		printk("isle: console: no COM2, stderr goes to COM1\n");
	arch_set_irq_handler(32 + COM1_IRQ, com1_irq);
	irq_route_isa(COM1_IRQ);
	unsigned long flags = arch_irq_save();
	rx_drain(); /* switches the receive interrupt on */
	arch_irq_restore(flags);
}

size_t console_write(int stream, const char *buf, size_t n)
{
	if (stream == 2 && com2_present)
		uart_write(UART_COM2, buf, n);
	else if (com1_present)
		uart_write(UART_COM1, buf, n);
	return n;
}

long console_read(char *buf, size_t n)
{
	if (n == 0)
		return 0;
	struct waiter w;
	waiter_init(&w, sched_started() ? current : NULL);
	unsigned long flags = arch_irq_save();
	rx_drain();
	if (rx_count() == 0 && !rx_eof && com1_present) {
		waitq_add(&rx_wq, &w);
		while (rx_count() == 0 && !rx_eof) {
			if (waiter_sleep(&w, 0, WAIT_INTERRUPTIBLE) == -EINTR) {
				waitq_remove(&w);
				arch_irq_restore(flags);
				return -ERESTARTSYS;
			}
			rx_drain();
		}
		waitq_remove(&w);
	}
	size_t got = 0;
	while (got < n && rx_count() > 0)
		buf[got++] = (char)rx_ring[rx_tail++ % RX_SIZE];
	rx_drain(); /* refill the room just made; resumes a stopped sender */
	arch_irq_restore(flags);
	return (long)got;
}

size_t console_readable(void)
{
	unsigned long flags = arch_irq_save();
	rx_drain();
	size_t avail = rx_count();
	arch_irq_restore(flags);
	return avail;
}

unsigned console_poll(struct poll_table *pt)
{
	poll_wait(pt, &rx_wq);
	return (console_readable() > 0 || rx_eof ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM;
}
