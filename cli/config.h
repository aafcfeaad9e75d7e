/* config.h: config.json, the ops-style description of an image (docs/config.md). Parsing
 * checks every key's type and value; it does not touch the files the config names (the
 * staging step does, stage.h). Keys ops knows but isle does not support yet are warned
 * about and ignored; any other unknown key is an error. */
#ifndef ISLE_CLI_CONFIG_H
#define ISLE_CLI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netopts.h"
#include "accel.h"
#include "strvec.h"

struct config {
	char *name; /* the config file as given, for messages ("config.json") */
	char *dir;  /* its directory: relative host paths in it are relative to this */

	char *program;		   /* Program: host path as written, or NULL */
	bool has_args;		   /* Args was given (possibly empty) */
	struct strvec args;	   /* Args: argv[1..] */
	struct strvec env;	   /* Env: "KEY=VALUE", in file order */
	struct strvec dirs;	   /* Dirs: host paths as written (checked: no "..") */
	struct strvec files;	   /* Files: host paths as written (checked: no "..") */
	struct strvec map_globs;   /* MapDirs keys: host globs as written */
	struct strvec map_targets; /* MapDirs values: canonical absolute image paths */
	bool has_nameservers;	   /* NameServers was given */
	struct strvec nameservers; /* NameServers: IPv4 or IPv6 addresses */
	uint64_t volume_size;	   /* BaseVolumeSz in bytes, 0 when not given */
	bool reboot_on_exit;	   /* RebootOnExit */
	bool exec_protection;	   /* ExecProtection or ManifestPassthrough.exec_protection */
	bool noaslr;		   /* NoASLR or ManifestPassthrough.noaslr */
	char *cwd;		   /* Cwd (canonical absolute image path), or NULL */

	uint64_t memory; /* RunConfig.Memory in bytes, 0 when not given */
	int cpus;	 /* RunConfig.CPUs, 1..QEMU_MAX_CPUS; 0 when not given */
	bool has_accel;
	enum accel_mode accel;	/* RunConfig.Accel */
	struct net_options net; /* RunConfig.Ports (TCP) and UDPPorts: net.ports only */
	/* RunConfig.IPAddress, NetMask, Gateway: dotted quads, "" when not given. */
	char ip_address[16], netmask[16], gateway[16];
};

/* Zeroes c: an empty config (no file). */
void config_init(struct config *c);

/* Parses the JSON text (len bytes) of a config file called name (used in messages and,
 * through its directory, to resolve relative paths). Errors and warnings are printed as
 * "isle: NAME: KEY: REASON". Returns 0, or -EINVAL after printing every error found in
 * one pass (c must still be freed). */
int config_parse(const char *text, size_t len, const char *name, struct config *c);

/* Reads and parses the file path. Returns 0, -ENOENT (the file does not exist) or
 * -EINVAL (unreadable or invalid), with a message printed. */
int config_load(const char *path, struct config *c);

/* Frees everything c holds; leaves it empty. */
void config_free(struct config *c);

#endif
