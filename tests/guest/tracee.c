/* tracee.c: a fixed, short sequence of write calls (one failing with EBADF) and exit_group,
 * for comparing isle's --trace with strace. Strings stay under strace's 32-byte limit. */
#include <unistd.h>

int main(void)
{
	if (write(1, "hello\n", 6) != 6)
		return 1;
	if (write(1, "tab\there \"q\" \\\n", 15) != 15)
		return 1;
	if (write(1, "", 0) != 0)
		return 1;
	if (write(99, "x", 1) != -1)
		return 1;
	_exit(7);
}
