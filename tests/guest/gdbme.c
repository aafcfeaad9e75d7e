/* gdbme.c: the program tests/e2e/test_gdb.py debugs: main makes one write(2) through
 * libc's wrapper (where gdb steps into the kernel's syscall entry), then the PASS line. */
#include <string.h>
#include <unistd.h>

#include "guest.h"

int main(void)
{
	static const char msg[] = "gdbme: hello\n";

	if (write(1, msg, strlen(msg)) != (ssize_t)strlen(msg))
		return 1;
	guest_pass("gdbme");
	return 0;
}
