/* interrupt.h: SIGINT, SIGTERM and SIGHUP during `isle build` become a flag that the long
 * loops poll, so that an interrupted build still removes its staging tree and temporary
 * image before it exits (130 or 143). */
#ifndef ISLE_CLI_INTERRUPT_H
#define ISLE_CLI_INTERRUPT_H

/* Installs the handlers (without SA_RESTART: a blocking call returns EINTR). Child
 * processes get the default actions back at exec, as usual. */
void interrupt_install(void);

/* Returns the first signal received since interrupt_install(), or 0. */
int interrupt_pending(void);

#endif
