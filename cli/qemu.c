/* qemu.c: build the QEMU argv for an isle VM. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "abi/exit.h"
#include "qemu.h"
#include "util.h"

int qemu_machine_parse(const char *s, enum qemu_machine *m)
{
	if (!strcmp(s, "microvm"))
		*m = QEMU_MACHINE_MICROVM;
	else if (!strcmp(s, "q35"))
		*m = QEMU_MACHINE_Q35;
	else if (!strcmp(s, "pc"))
		*m = QEMU_MACHINE_PC;
	else
		return -EINVAL;
	return 0;
}

void qemu_memory_arg(uint64_t bytes, char *buf, size_t len)
{
	if (bytes % (1ULL << 20) == 0)
		snprintf(buf, len, "%lluM", (unsigned long long)(bytes >> 20));
	else
		snprintf(buf, len, "%lluK", (unsigned long long)((bytes + 1023) >> 10));
}

static const char *machine_arg(enum qemu_machine m)
{
	switch (m) {
	case QEMU_MACHINE_Q35:
		return "q35";
	case QEMU_MACHINE_PC:
		return "pc";
	case QEMU_MACHINE_MICROVM:
	default:
		/* The serial ports are added explicitly below, like on the other machines. */
		return "microvm,isa-serial=off,rtc=on";
	}
}

/* QEMU's option syntax: a ',' inside a value is written ",,". */
static char *escape_commas(const char *s)
{
	size_t n = 0;
	char *out, *p;

	for (const char *q = s; *q; q++)
		n += *q == ',' ? 2 : 1;
	out = p = util_xmalloc(n + 1);
	for (const char *q = s; *q; q++) {
		*p++ = *q;
		if (*q == ',')
			*p++ = ',';
	}
	*p = '\0';
	return out;
}

static void push_disk(const struct qemu_config *c, struct strvec *argv)
{
	char *file = escape_commas(c->disk);

	if (c->machine == QEMU_MACHINE_MICROVM) {
		strvec_push(argv, "-global");
		strvec_push(argv, "virtio-mmio.force-legacy=false");
	}
	strvec_push(argv, "-drive");
	strvec_pushf(argv, "file=%s,format=raw,if=none,id=root%s", file,
		     c->snapshot ? ",snapshot=on" : "");
	strvec_push(argv, "-device");
	strvec_push(argv, c->machine == QEMU_MACHINE_MICROVM
				  ? "virtio-blk-device,drive=root"
				  : "virtio-blk-pci,drive=root,disable-legacy=on");
	free(file);
}

static void push_net(const struct qemu_config *c, struct strvec *argv)
{
	struct strvec opt = {0};
	size_t len = 1;

	if (c->net == QEMU_NET_TAP) {
		char *name = escape_commas(c->tap);
		strvec_pushf(&opt, "tap,id=net0,ifname=%s,script=no,downscript=no", name);
		free(name);
	} else if (c->net == QEMU_NET_UDP) {
		strvec_pushf(&opt,
			     "dgram,id=net0,local.type=inet,local.host=127.0.0.1,local.port=%u,"
			     "remote.type=inet,remote.host=127.0.0.1,remote.port=%u",
			     c->udp_local, c->udp_remote);
	} else {
		strvec_pushf(&opt, "user,id=net0,restrict=%s",
			     c->net == QEMU_NET_ISOLATED ? "on" : "off");
		for (size_t i = 0; i < c->nports; i++)
			strvec_pushf(&opt, ",hostfwd=%s:127.0.0.1:%u-:%u",
				     c->ports[i].udp ? "udp" : "tcp", c->ports[i].host,
				     c->ports[i].guest);
	}
	for (size_t i = 0; i < opt.n; i++)
		len += strlen(opt.v[i]);
	char *s = util_xmalloc(len);
	s[0] = '\0';
	for (size_t i = 0; i < opt.n; i++)
		strcat(s, opt.v[i]);
	if (c->machine == QEMU_MACHINE_MICROVM && !c->disk) {
		strvec_push(argv, "-global");
		strvec_push(argv, "virtio-mmio.force-legacy=false");
	}
	strvec_push(argv, "-netdev");
	strvec_push(argv, s);
	strvec_push(argv, "-device");
	strvec_push(argv, c->machine == QEMU_MACHINE_MICROVM
				  ? "virtio-net-device,netdev=net0"
				  : "virtio-net-pci,netdev=net0,disable-legacy=on,romfile=");
	free(s);
	strvec_free(&opt);
}

void qemu_build_argv(const struct qemu_config *c, struct strvec *argv)
{
	char mem[32];

	qemu_memory_arg(c->memory, mem, sizeof(mem));
	strvec_push(argv, c->qemu);
	strvec_push(argv, "-nodefaults");
	strvec_push(argv, "-no-user-config");
	strvec_push(argv, "-display");
	strvec_push(argv, "none");
	strvec_push(argv, "-no-reboot");
	strvec_push(argv, "-M");
	strvec_push(argv, machine_arg(c->machine));
	strvec_push(argv, "-accel");
	strvec_push(argv, c->kvm ? "kvm" : "tcg");
	strvec_push(argv, "-cpu");
	strvec_push(argv, c->kvm ? "host" : "max");
	strvec_push(argv, "-m");
	strvec_push(argv, mem);
	strvec_push(argv, "-smp");
	strvec_pushf(argv, "%d", c->cpus > 0 ? c->cpus : 1);
	strvec_push(argv, "-kernel");
	strvec_push(argv, c->kernel);
	if (c->initrd) {
		strvec_push(argv, "-initrd");
		strvec_push(argv, c->initrd);
	}
	strvec_push(argv, "-append");
	strvec_push(argv, c->append);
	if (c->qmp_socket) {
		strvec_push(argv, "-qmp");
		strvec_pushf(argv, "unix:%s,server=on,wait=off", c->qmp_socket);
	}
	if (c->gdb_port) {
		/* Never -s: that listens on every address. */
		strvec_push(argv, "-gdb");
		strvec_pushf(argv, "tcp:127.0.0.1:%u", c->gdb_port);
		strvec_push(argv, "-S");
	}
	if (c->disk)
		push_disk(c, argv);
	if (c->net != QEMU_NET_NONE)
		push_net(c, argv);
	/* COM1: the program's stdin and stdout, QEMU's own stdin/stdout. signal=off: a ^C
	 * byte is data for the program, not a signal to QEMU. */
	strvec_push(argv, "-chardev");
	strvec_push(argv, "stdio,id=con0,signal=off");
	strvec_push(argv, "-device");
	strvec_push(argv, "isa-serial,chardev=con0,index=0");
	/* COM2: the program's stderr, straight to isle's stderr. */
	strvec_push(argv, "-chardev");
	strvec_push(argv, "file,id=err0,path=/dev/fd/2,append=on");
	strvec_push(argv, "-device");
	strvec_push(argv, "isa-serial,chardev=err0,index=1");
	/* The kernel log (include/abi/exit.h), on a pipe that only isle reads. */
	strvec_push(argv, "-chardev");
	strvec_pushf(argv, "file,id=log0,path=/dev/fd/%d", QEMU_LOG_FD);
	strvec_push(argv, "-device");
	strvec_pushf(argv, "isa-debugcon,iobase=0x%x,chardev=log0", ISLE_LOG_PORT);
}

void qemu_prepare_stderr(int fd)
{
	struct stat st;
	int fl;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0 && !(fl & O_APPEND))
		fcntl(fd, F_SETFL, fl | O_APPEND);
}
