/* usage.c: the help text: commands, the options of isle run, and the exit statuses
 * (taken from include/abi/exit.h so the two cannot drift apart). */
#include <stdio.h>

#include "abi/exit.h"
#include "runopts.h"
#include "usage.h"

void usage_print(FILE *f)
{
	fprintf(f,
		"Usage: isle run [OPTIONS] PROGRAM [ARGS...]\n"
		"       isle help | --help\n"
		"       isle --version\n"
		"\n"
		"isle run boots PROGRAM, a static Linux x86-64 ELF executable, as the only\n"
		"program of a small virtual machine under QEMU, and exits with its exit status.\n"
		"Options end at PROGRAM: everything after it is passed to the program as its\n"
		"arguments (\"--\" also ends the options). In the guest the program is /NAME,\n"
		"NAME being its file name; its argv[0] is PROGRAM exactly as typed.\n"
		"\n"
		"Options of isle run:\n"
		"      --machine TYPE     QEMU machine: microvm (default), q35 or pc\n"
		"      --accel MODE       auto (default): KVM when the isle kernel can run on it\n"
		"                         (/dev/kvm usable, hardware virtualization, not PVM),\n"
		"                         otherwise TCG with a notice saying why;\n"
		"                         kvm: KVM or fail; tcg: software emulation\n"
		"  -m, --memory SIZE      guest memory (default 128M, at least %s); suffix K, M\n"
		"                         or G, optionally followed by iB or B (powers of 1024);\n"
		"                         a number without a suffix means MiB\n"
		"  -e, --env KEY=VALUE    set an environment variable of the program\n"
		"                         (repeatable; a later KEY replaces an earlier one). The\n"
		"                         program's environment holds only these: nothing is\n"
		"                         inherited from the host.\n"
		"      --trace            print the program's system calls on stderr, "
		"strace-style\n"
		"                         (kernel option trace)\n"
		"  -v, --verbose          log more from the kernel (kernel option verbose) and "
		"show\n"
		"                         every kernel log line, including the final exit line\n"
		"      --boot-time        log the guest boot time (kernel option boottime)\n"
		"  -k, --kernel-arg ARG   append ARG to the kernel command line as is\n"
		"                         (repeatable), e.g. -k noaslr\n"
		"      --kernel PATH      the isle kernel to boot (default: kernel.elf in the\n"
		"                         directory of the isle binary)\n"
		"      --qemu PATH        the QEMU binary (default: %s from PATH)\n"
		"      --dry-run          check everything, print the QEMU command line\n"
		"                         (shell-quoted) and exit 0 without starting the VM; the\n"
		"                         boot bundle it names is deleted when isle exits\n"
		"  -h, --help             show this help\n"
		"\n"
		"The program's stdin is isle's stdin (its end arrives as end of input), its\n"
		"stdout is isle's stdout, its stderr isle's stderr. Kernel messages appear on\n"
		"stderr as lines starting with \"isle:\". Ctrl-C or SIGTERM stops the VM.\n"
		"\n"
		"Exit status of isle run:\n"
		"  0-255  the program's exit status, except:\n"
		"  %d+N  the program was killed by signal N (e.g. %d for SIGSEGV)\n"
		"  %d    the program ran out of memory\n"
		"  %d    the isle kernel panicked\n"
		"  %d    the VM stopped without reporting an exit status\n"
		"  %d    the VM could not be started (unusable program file, kernel or QEMU\n"
		"         missing, --accel kvm not possible, ...)\n"
		"  %d    the program file does not exist\n"
		"  %d      bad command line\n"
		"  %d    isle was interrupted by SIGINT (Ctrl-C); the VM was stopped\n"
		"  %d    isle was stopped by SIGTERM or SIGHUP; the VM was stopped\n",
		RUN_MIN_MEMORY_TEXT, QEMU_DEFAULT_BINARY, ISLE_EXIT_SIGNAL_BASE,
		ISLE_EXIT_SIGNAL_BASE + 11, ISLE_EXIT_OOM, ISLE_EXIT_PANIC, ISLE_EXIT_NOSTATUS,
		ISLE_EXIT_CANNOT_RUN, ISLE_EXIT_NOT_FOUND, ISLE_EXIT_USAGE, ISLE_EXIT_SIGINT,
		ISLE_EXIT_SIGTERM);
}
