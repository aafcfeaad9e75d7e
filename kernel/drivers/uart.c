/* uart.c: 16550 UART, polled transmit and receive (register map from the 16550D data
 * sheet).
 *
 * The divisor is set for 115200 baud although QEMU ignores it (it only uses it to pace
 * the receive timeout). Transmit waits for the transmitter-holding-register-empty bit,
 * which with FIFOs on means the whole 16-byte FIFO is free, then writes up to 16 bytes:
 * one status read per 16 bytes keeps port exits down under a hypervisor. The receive FIFO
 * interrupts at 14 bytes or after the character timeout, so bulk input costs one
 * interrupt per 14 bytes and a lone keystroke still arrives. */
#include "drivers/uart.h"
#include "arch/x86_64/arch.h"

#define REG_DATA 0 /* RBR on read, THR on write; DLL when LCR.DLAB */
#define REG_IER 1  /* DLM when LCR.DLAB */
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5
#define REG_SCR 7

#define IER_RX_DATA 0x01
#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT2 0x08 /* gates the interrupt line on PC hardware */
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20

#define BAUD_DIVISOR 1 /* 1.8432 MHz / 16 / 115200 */

static uint8_t rd(uint16_t base, int reg)
{
	return arch_inb((uint16_t)(base + reg));
}
static void wr(uint16_t base, int reg, uint8_t v)
{
	arch_outb((uint16_t)(base + reg), v);
}

bool uart_present(uint16_t base)
{
	/* An absent device reads as 0xff; the scratch register exists on every 16450+. */
	wr(base, REG_SCR, 0x5a);
	return rd(base, REG_SCR) == 0x5a;
}

bool uart_init(uint16_t base)
{
	if (!uart_present(base))
		return false;
	wr(base, REG_IER, 0);
	wr(base, REG_LCR, LCR_DLAB);
	wr(base, REG_DATA, BAUD_DIVISOR & 0xff);
	wr(base, REG_IER, BAUD_DIVISOR >> 8);
	wr(base, REG_LCR, LCR_8N1);
	/* FIFOs stay off: switching them on flushes what the host already sent (QEMU does
	 * this as real 16550s do), and input may arrive before we get here. Received bytes
	 * wait in the receive register until read; one interrupt per byte. */
	wr(base, REG_MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
	return true;
}

void uart_write(uint16_t base, const char *buf, size_t n)
{
	/* FIFOs are off: the transmit register holds one byte at a time. */
	for (size_t i = 0; i < n; i++) {
		while (!(rd(base, REG_LSR) & LSR_THR_EMPTY))
			;
		wr(base, REG_DATA, (uint8_t)buf[i]);
	}
}

bool uart_rx_ready(uint16_t base)
{
	return rd(base, REG_LSR) & LSR_DATA_READY;
}

uint8_t uart_rx_byte(uint16_t base)
{
	return rd(base, REG_DATA);
}

void uart_set_rx_irq(uint16_t base, bool on)
{
	wr(base, REG_IER, on ? IER_RX_DATA : 0);
}
