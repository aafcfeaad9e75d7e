/* qemu.h: the QEMU command line for one isle VM, built as an argv array (never through a
 * shell). The devices it wires up are the kernel's contract with the host:
 * COM1 = program stdin/stdout (QEMU's stdio), COM2 = program stderr (isle's stderr),
 * debugcon port 0xe9 = kernel log (QEMU's fd QEMU_LOG_FD, a pipe read by isle). */
#ifndef ISLE_CLI_QEMU_H
#define ISLE_CLI_QEMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strvec.h"

#define QEMU_DEFAULT_BINARY "qemu-system-x86_64"
#define QEMU_LOG_FD 3 /* in QEMU: the write end of the kernel log pipe */

#define QEMU_MAX_CPUS 64 /* the kernel's SMP_MAX_CPUS */

enum qemu_machine { QEMU_MACHINE_MICROVM, QEMU_MACHINE_Q35, QEMU_MACHINE_PC };

/* The guest's network (--net): none (no NIC), user (QEMU user networking, the guest may
 * reach the host's networks through it), isolated (user networking with restrict=on: only
 * the forwarded ports reach the guest, the guest reaches nothing), tap (an existing host
 * tap interface), udp (a UDP tunnel on 127.0.0.1: each datagram one Ethernet frame, sent
 * to udp_remote from udp_local). Forwarded ports listen on 127.0.0.1 only. */
enum qemu_net { QEMU_NET_NONE, QEMU_NET_USER, QEMU_NET_ISOLATED, QEMU_NET_TAP, QEMU_NET_UDP };

struct qemu_port {
	uint16_t host, guest; /* 1..65535 */
	bool udp;	      /* else TCP */
};

struct qemu_config {
	const char *qemu; /* binary: a path, or a name looked up in PATH */
	enum qemu_machine machine;
	bool kvm;	 /* -accel kvm -cpu host; otherwise -accel tcg -cpu max */
	uint64_t memory; /* guest RAM in bytes, a multiple of 1 KiB */
	int cpus;	 /* vCPUs (-smp), 1..QEMU_MAX_CPUS; 0 means 1 */
	const char *kernel;
	const char *initrd; /* the boot bundle, or NULL (booting from disk) */
	const char *disk;   /* a raw disk image attached as virtio-blk "root", or NULL */
	bool snapshot;	    /* the disk with snapshot=on: guest writes never reach the file */
	const char *append; /* kernel options, may be "" */
	enum qemu_net net;
	const char *tap;		/* QEMU_NET_TAP: the host interface */
	uint16_t udp_local, udp_remote; /* QEMU_NET_UDP: 127.0.0.1 ports, 1..65535 */
	const struct qemu_port *ports;	/* host forwards (user and isolated only) */
	size_t nports;
	const char *qmp_socket; /* a QMP server on this unix socket path (qmp.h), or NULL */
	uint16_t gdb_port; /* not 0: -S (start halted) and a gdb server on 127.0.0.1:PORT only */
};

/* Parses "microvm", "q35" or "pc". Returns 0 or -EINVAL. */
int qemu_machine_parse(const char *s, enum qemu_machine *m);

/* Formats bytes for QEMU's -m: "NM" when a whole number of MiB, else "NK" (rounded up to
 * KiB). */
void qemu_memory_arg(uint64_t bytes, char *buf, size_t len);

/* COM2 reopens /dev/fd/2, which gives QEMU a new open file description with its own
 * offset. If fd (isle's stderr) is a regular file, sets O_APPEND on it so that isle, QEMU
 * and COM2 all write at the end and never overwrite each other. Best effort. */
void qemu_prepare_stderr(int fd);

/* Appends the full command line, argv[0] = c->qemu, to argv (normally empty). A disk is
 * a modern (non-legacy) virtio-blk device: virtio-mmio on microvm, PCI on q35 and pc; a
 * network (c->net other than none) likewise a modern virtio-net device "net0". */
void qemu_build_argv(const struct qemu_config *c, struct strvec *argv);

#endif
