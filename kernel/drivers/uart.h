/* uart.h: a polled 16550 UART at an I/O port base (uart.c). Used by the console; no
 * buffering and no locking here: callers serialise (the console runs with interrupts off
 * around receive, and transmit is only ever called from one CPU). */
#ifndef ISLE_DRIVERS_UART_H
#define ISLE_DRIVERS_UART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UART_COM1 0x3f8
#define UART_COM2 0x2f8

/* A UART answers at base (its scratch register holds a value). */
bool uart_present(uint16_t base);
/* Program 8N1, FIFOs off (so nothing already received is flushed), all UART interrupts off. Returns
 * false when no UART answers at base (its scratch register does not hold a value), in which case
 * nothing was changed. */
bool uart_init(uint16_t base);
/* Send n bytes verbatim, waiting for room in the transmit FIFO. */
void uart_write(uint16_t base, const char *buf, size_t n);
/* Receive side: a byte is waiting; take it (only after uart_rx_ready said so). */
bool uart_rx_ready(uint16_t base);
uint8_t uart_rx_byte(uint16_t base);
/* on: raise the UART's interrupt line while received data is waiting; off: never. */
void uart_set_rx_irq(uint16_t base, bool on);

#endif
