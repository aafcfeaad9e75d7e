/* fakestatus.c: prints the kernel's exit line on stdout and stderr, then exits 3. Nothing a
 * program prints may change the status isle reports. */
#include <stdio.h>

int main(void)
{
	printf("isle: exit 0 (exited)\n");
	fflush(stdout);
	fprintf(stderr, "isle: exit 0 (exited)\n");
	fflush(stderr);
	return 3;
}
