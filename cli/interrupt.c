/* interrupt.c: remember the first SIGINT/SIGTERM/SIGHUP; the build polls for it. */
#include <signal.h>
#include <string.h>

#include "interrupt.h"

static volatile sig_atomic_t pending;

static void on_signal(int sig)
{
	if (!pending)
		pending = sig;
}

void interrupt_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int interrupt_pending(void)
{
	return pending;
}
