/* powerbtn.h: the ACPI power button, which asks the program to stop (docs/stop.md).
 *
 * A press (QEMU: the system_powerdown monitor command) logs one line, sends SIGTERM to the
 * program (process-directed, si_code SI_USER from pid 0, as a kill from outside the VM)
 * and arms the stop timer: stop_timeout=SECONDS kernel option, default
 * POWERBTN_STOP_TIMEOUT_DEFAULT. The program normally exits and the usual exit path
 * (core/exit.c) writes the file systems back and powers off. If it is still running when
 * the timer fires, the kernel logs one line and ends it with status 143 (128 + SIGTERM),
 * reason "stop timeout", through the same exit path. Presses after the first are ignored.
 *
 * Hardware: the fixed-hardware power button (PWRBTN_STS/PWRBTN_EN in the FADT's PM1 event
 * blocks, on the SCI) on q35 and pc; the Generic Event Device's power-down event on a
 * hardware-reduced machine (microvm). */
#ifndef ISLE_DRIVERS_POWERBTN_H
#define ISLE_DRIVERS_POWERBTN_H

#include <stdbool.h>

#define POWERBTN_STOP_TIMEOUT_DEFAULT 10 /* seconds */
#define POWERBTN_STOP_TIMEOUT_MAX 86400

/* After acpi_init, irq_init, time and the scheduler's timers: enable the button and route
 * its interrupt. Logs (verbose) when the machine has none. */
void powerbtn_init(void);

/* Has the stop timer fired? Then the SIGKILL the kernel sent is reported as status 143,
 * reason "stop timeout" (signal_kill_default). */
bool powerbtn_stop_timed_out(void);

/* The program is ending anyway (program_exit): the stop timer, if armed, is cancelled so
 * that it cannot log a timeout while the file systems are written back. */
void powerbtn_exiting(void);

#endif
