/* execprot.c: exec protection's switch and its one rule (contract in execprot.h). */
#include "mm/execprot.h"

#include "core/errno.h"
#include "mm/vm.h"

static bool exec_protection;

void vm_set_exec_protection(bool on)
{
	exec_protection = on;
}

bool vm_exec_protection(void)
{
	return exec_protection;
}

int vm_execprot_check(int prot, int cur_prot, unsigned *flags)
{
	if (!exec_protection)
		return 0;
	if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
		return -EACCES;
	if ((prot & PROT_EXEC) && !(*flags & VMA_EXECOK))
		return -EACCES;
	if ((prot & PROT_WRITE) && (*flags & VMA_EXECOK)) {
		if (cur_prot & PROT_EXEC)
			return -EACCES;
		*flags &= ~(unsigned)VMA_EXECOK;
	}
	return 0;
}
