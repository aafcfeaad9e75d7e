/* fpu.c: saving and restoring the program's extended state (x87, SSE, AVX, AVX-512) with
 * XSAVE when the CPU has it, FXSAVE otherwise (Intel SDM vol. 1 ch. 13). The kernel never
 * uses these registers, so the state only moves at thread switches and signal frames.
 * Layout: the 512-byte legacy region (FCW at 0, MXCSR at 24, MXCSR_MASK at 28), then the
 * 64-byte XSAVE header (XSTATE_BV at 512, XCOMP_BV at 520, the rest reserved zero), then
 * the components at the offsets CPUID leaf 0xd gives (standard, uncompacted format). */
#include "arch/x86_64/arch.h"
#include "core/errno.h"
#include "lib/string.h"

#define FCW_DEFAULT 0x37f
#define MXCSR_DEFAULT 0x1f80
#define OFF_FCW 0
#define OFF_MXCSR 24
#define OFF_MXCSR_MASK 28
#define OFF_XSTATE_BV 512
#define OFF_XCOMP_BV 520
#define HEADER_SIZE 64

static uint32_t mxcsr_mask; /* bits the CPU lets MXCSR have; 0 until probed */

uint32_t arch_fpu_size(void)
{
	uint32_t n = cpu_features.xsave ? cpu_features.xsave_size : 512;
	return (n + 63) & ~63u;
}

void arch_fpu_save(void *area)
{
	if (cpu_features.xsave)
		__asm__ volatile("xsave64 (%0)" ::"r"(area), "a"(~0u), "d"(~0u) : "memory");
	else
		__asm__ volatile("fxsave64 (%0)" ::"r"(area) : "memory");
}

void arch_fpu_restore(const void *area)
{
	if (cpu_features.xsave)
		__asm__ volatile("xrstor64 (%0)" ::"r"(area), "a"(~0u), "d"(~0u) : "memory");
	else
		__asm__ volatile("fxrstor64 (%0)" ::"r"(area) : "memory");
}

void arch_fpu_init(void *area)
{
	uint8_t *p = area;
	uint16_t fcw = FCW_DEFAULT;
	uint32_t mxcsr = MXCSR_DEFAULT;

	memset(p, 0, arch_fpu_size());
	memcpy(p + OFF_FCW, &fcw, sizeof(fcw));
	memcpy(p + OFF_MXCSR, &mxcsr, sizeof(mxcsr));
	/* XSTATE_BV = 0: every component starts in its initial state. */
}

static uint32_t probe_mxcsr_mask(void)
{
	uint8_t buf[512] __attribute__((aligned(64)));
	uint32_t m;

	memset(buf, 0, sizeof(buf));
	__asm__ volatile("fxsave64 (%0)" ::"r"(buf) : "memory");
	memcpy(&m, buf + OFF_MXCSR_MASK, sizeof(m));
	return m ? m : 0xffbf; /* SDM: 0 in the image means the default mask */
}

int arch_fpu_check(const void *area)
{
	const uint8_t *p = area;
	uint32_t mxcsr;

	if (!mxcsr_mask)
		mxcsr_mask = probe_mxcsr_mask();
	memcpy(&mxcsr, p + OFF_MXCSR, sizeof(mxcsr));
	if (mxcsr & ~mxcsr_mask)
		return -EINVAL;
	if (!cpu_features.xsave)
		return 0;
	uint64_t bv, comp;
	memcpy(&bv, p + OFF_XSTATE_BV, sizeof(bv));
	memcpy(&comp, p + OFF_XCOMP_BV, sizeof(comp));
	if ((bv & ~cpu_features.xcr0) || comp)
		return -EINVAL;
	for (int i = 16; i < HEADER_SIZE; i++)
		if (p[OFF_XSTATE_BV + i])
			return -EINVAL;
	return 0;
}
