/* wxcheck.h: selftest=wx. With the option, program_exit audits the page tables of the
 * address space the program ran in (kernel half and program half, every page the program
 * touched by then) and prints one summary line, then "isle: selftest wx: PASS" when no
 * page is writable and executable at once, else a FAIL line per half naming the first
 * such page. The program's own exit status is kept. */
#ifndef ISLE_CORE_WXCHECK_H
#define ISLE_CORE_WXCHECK_H

#include <stdbool.h>

extern bool wxcheck_at_exit; /* set by selftest=wx */

void wxcheck_report(void);

#endif
