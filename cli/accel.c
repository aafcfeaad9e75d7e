/* accel.c: decide between KVM and TCG. The isle kernel runs in ring 0 and needs hardware
 * virtualization; on PVM hosts (KVM without VMX/SVM) it cannot run yet, so those use TCG. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accel.h"
#include "util.h"

const struct accel_probe accel_host_probe = {
	.kvm_dev = "/dev/kvm",
	.cpuinfo = "/proc/cpuinfo",
	.modules = "/proc/modules",
	.pvm_sysfs = "/sys/module/kvm_pvm",
};

int accel_parse(const char *s, enum accel_mode *mode)
{
	if (!strcmp(s, "auto"))
		*mode = ACCEL_AUTO;
	else if (!strcmp(s, "kvm"))
		*mode = ACCEL_KVM;
	else if (!strcmp(s, "tcg"))
		*mode = ACCEL_TCG;
	else
		return -EINVAL;
	return 0;
}

/* true if some line of path starts with key and a later space-separated word equals one of
 * words (NULL-terminated). -errno if the file cannot be read. */
static int file_has_word(const char *path, const char *key, const char *const *words)
{
	char *line = NULL;
	size_t cap = 0;
	int found = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	while (!found && getline(&line, &cap, f) > 0) {
		char *save, *w;

		if (strncmp(line, key, strlen(key)) != 0)
			continue;
		for (w = strtok_r(line + strlen(key), " \t:\n", &save); w && !found;
		     w = strtok_r(NULL, " \t:\n", &save))
			for (const char *const *k = words; *k; k++)
				if (!strcmp(w, *k))
					found = 1;
	}
	free(line);
	fclose(f);
	return found;
}

/* true if the kvm_pvm module is loaded (or built in, which leaves /sys/module/kvm_pvm). */
static bool kvm_is_pvm(const struct accel_probe *p)
{
	char *line = NULL;
	size_t cap = 0;
	bool pvm = access(p->pvm_sysfs, F_OK) == 0;
	FILE *f;

	if (pvm)
		return true;
	f = fopen(p->modules, "re");
	if (!f)
		return false;
	while (!pvm && getline(&line, &cap, f) > 0)
		pvm = strncmp(line, "kvm_pvm ", 8) == 0;
	free(line);
	fclose(f);
	return pvm;
}

bool accel_kvm_usable(const struct accel_probe *p, char *why, size_t whylen)
{
	static const char *const virt_flags[] = {"vmx", "svm", NULL};
	int fd, r;

	fd = open(p->kvm_dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
			snprintf(why, whylen, "%s is not available", p->kvm_dev);
		else
			snprintf(why, whylen, "%s cannot be opened: %s", p->kvm_dev,
				 strerror(errno));
		return false;
	}
	close(fd);
	if (kvm_is_pvm(p)) {
		snprintf(why, whylen,
			 "%s is PVM (kvm_pvm), which the isle kernel cannot run on yet",
			 p->kvm_dev);
		return false;
	}
	r = file_has_word(p->cpuinfo, "flags", virt_flags);
	if (r < 0) {
		snprintf(why, whylen, "cannot read %s: %s", p->cpuinfo, strerror(-r));
		return false;
	}
	if (r == 0) {
		snprintf(why, whylen,
			 "the host CPU has no hardware virtualization (no vmx or svm flag in %s)",
			 p->cpuinfo);
		return false;
	}
	return true;
}

int accel_choose(enum accel_mode mode, const struct accel_probe *p, bool *kvm)
{
	char why[256];

	*kvm = false;
	if (mode == ACCEL_TCG)
		return 0;
	if (accel_kvm_usable(p, why, sizeof(why))) {
		*kvm = true;
		return 0;
	}
	if (mode == ACCEL_KVM) {
		util_err("--accel kvm: %s", why);
		return -ENODEV;
	}
	util_err("using TCG (software emulation): %s", why);
	return 0;
}
