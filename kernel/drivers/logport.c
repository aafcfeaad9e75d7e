/* logport.c: the kernel log channel, QEMU's debugcon on I/O port 0xe9.
 *
 * One port write per byte, no state, no locking: usable from the first instruction and
 * from panic. Bytes go out verbatim; the host side reads them from a file or pipe. */
#include "arch/x86_64/arch.h"
#include "drivers/platform.h"
#include "abi/exit.h"

void logport_write(const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		arch_outb(ISLE_LOG_PORT, (uint8_t)buf[i]);
}
