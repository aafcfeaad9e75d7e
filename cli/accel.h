/* accel.h: choosing QEMU's accelerator. KVM only where the isle kernel runs natively on
 * it (hardware virtualization, not PVM); otherwise TCG, and the user is told why. */
#ifndef ISLE_CLI_ACCEL_H
#define ISLE_CLI_ACCEL_H

#include <stdbool.h>
#include <stddef.h>

enum accel_mode { ACCEL_AUTO, ACCEL_KVM, ACCEL_TCG };

/* The host files the KVM test reads; a parameter so tests can point at fixtures. */
struct accel_probe {
	const char *kvm_dev;   /* "/dev/kvm": must open O_RDWR */
	const char *cpuinfo;   /* "/proc/cpuinfo": a "flags" line must list vmx or svm */
	const char *modules;   /* "/proc/modules": must not list kvm_pvm (may be missing) */
	const char *pvm_sysfs; /* "/sys/module/kvm_pvm": must not exist */
};

extern const struct accel_probe accel_host_probe;

/* Parses "auto", "kvm" or "tcg". Returns 0 or -EINVAL. */
int accel_parse(const char *s, enum accel_mode *mode);

/* Returns true if QEMU's KVM accelerator can run the isle kernel on this host; otherwise
 * false with the reason (e.g. "/dev/kvm is not available") in why. */
bool accel_kvm_usable(const struct accel_probe *p, char *why, size_t whylen);

/* Resolves mode to KVM (*kvm = true) or TCG. auto falls back to TCG with one notice line
 * on stderr ("isle: using TCG (software emulation): REASON"); kvm that is not usable is
 * refused: prints "isle: --accel kvm: REASON" and returns -ENODEV. Otherwise returns 0. */
int accel_choose(enum accel_mode mode, const struct accel_probe *p, bool *kvm);

#endif
