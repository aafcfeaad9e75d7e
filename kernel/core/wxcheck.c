/* wxcheck.c: selftest=wx, the W^X audit of the running address space at program exit
 * (contract in wxcheck.h). */
#include "core/wxcheck.h"
#include "arch/x86_64/arch.h"
#include "arch/x86_64/paging.h"
#include "core/printk.h"

bool wxcheck_at_exit;

void wxcheck_report(void)
{
	struct wx_audit a;
	paging_audit_wx(arch_current_root(), &a);
	printk("isle: selftest wx: kernel %lu pages mapped, %lu writable+executable; program "
	       "%lu pages mapped, %lu writable+executable\n",
	       (unsigned long)a.kernel_pages, (unsigned long)a.kernel_wx,
	       (unsigned long)a.user_pages, (unsigned long)a.user_wx);
	if (a.kernel_wx)
		printk("isle: selftest wx: FAIL: kernel page %#lx is writable and executable\n",
		       (unsigned long)a.first_kernel_wx);
	if (a.user_wx)
		printk("isle: selftest wx: FAIL: program page %#lx is writable and executable\n",
		       (unsigned long)a.first_user_wx);
	if (!a.kernel_wx && !a.user_wx)
		printk("isle: selftest wx: PASS\n");
}
