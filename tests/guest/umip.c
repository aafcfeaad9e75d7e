/* umip.c: runs smsw (argv[1] "smsw", the default) or sgdt ("sgdt") in user mode and
 * prints what it read. With UMIP on, the CPU raises #GP for it; Linux emulates smsw, sgdt
 * and sidt for compatibility (a dummy value), so natively the program prints and passes,
 * while isle does not emulate: the program dies of SIGSEGV (139) before printing. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "guest.h"

int main(int argc, char **argv)
{
	const char *insn = argc > 1 ? argv[1] : "smsw";

	printf("running %s in user mode\n", insn);
	fflush(stdout);
	if (!strcmp(insn, "smsw")) {
		uint32_t msw = 0;
		__asm__ volatile("smsw %0" : "=r"(msw));
		printf("smsw: %#x\n", msw);
	} else if (!strcmp(insn, "sgdt")) {
		struct {
			uint16_t limit;
			uint64_t base;
		} __attribute__((packed)) gdtr = {0, 0};
		__asm__ volatile("sgdt %0" : "=m"(gdtr));
		printf("sgdt: limit %#x\n", gdtr.limit);
	} else {
		CHECK(0, "unknown instruction %s (smsw, sgdt)", insn);
	}
	guest_pass("umip");
	return 0;
}
