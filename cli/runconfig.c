/* runconfig.c: merge a config.json into `isle run`'s options; the command line wins. */
#include <string.h>

#include "env.h"
#include "runconfig.h"
#include "util.h"

/* Does -k already set the kernel option name (as "name=...")? */
static bool has_kernel_arg(const struct run_options *o, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < o->kernel_args.n; i++)
		if (!strncmp(o->kernel_args.v[i], name, n) && o->kernel_args.v[i][n] == '=')
			return true;
	return false;
}

/* IPAddress/NetMask/Gateway become ip=, netmask=, gw= unless -k gives them. */
static void static_address(struct run_options *o, const struct config *c)
{
	const struct {
		const char *key, *opt, *value;
	} a[] = {{"IPAddress", "ip", c->ip_address},
		 {"NetMask", "netmask", c->netmask},
		 {"Gateway", "gw", c->gateway}};

	if (!c->ip_address[0] && (c->netmask[0] || c->gateway[0]) && !has_kernel_arg(o, "ip")) {
		util_err("warning: %s: NetMask and Gateway are ignored without IPAddress (the "
			 "guest uses DHCP)",
			 c->name);
		return;
	}
	for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++)
		if (a[i].value[0] && !has_kernel_arg(o, a[i].opt))
			strvec_pushf(&o->kernel_args, "%s=%s", a[i].opt, a[i].value);
}

/* A boolean kernel option (-k name) unless -k gives it already. */
static void kernel_flag(struct run_options *o, const char *name)
{
	for (size_t i = 0; i < o->kernel_args.n; i++)
		if (!strcmp(o->kernel_args.v[i], name))
			return;
	strvec_push(&o->kernel_args, name);
}

static void ignored(const struct config *c, bool present, const char *key, const char *why)
{
	if (present)
		util_err("warning: %s: %s is ignored by isle run %s", c->name, key, why);
}

void runconfig_apply(struct run_options *o, const struct config *c, enum run_target t)
{
	const char *why = t == RUN_TARGET_IMAGE
				  ? "IMAGE (the image has its own content; rebuild it to change it)"
				  : "--bundle (there is no image: run without --bundle)";

	if (c->memory && !o->memory_given)
		o->memory = c->memory;
	if (c->cpus && !o->cpus_given)
		o->cpus = c->cpus;
	if (c->has_accel && !o->accel_given)
		o->accel = c->accel;
	static_address(o, c);
	if (t == RUN_TARGET_BUNDLE) { /* no manifest: the kernel options say it */
		if (c->exec_protection)
			kernel_flag(o, "execprot");
		if (c->noaslr)
			kernel_flag(o, "noaslr");
	}
	if (!o->ports_given) { /* -p replaces the config's ports */
		const char *dup;
		for (size_t i = 0; i < c->net.nports; i++)
			net_port_add(&o->net, &c->net.ports[i], &dup); /* checked when parsed */
	}
	if (t != RUN_TARGET_PROGRAM) {
		ignored(c, c->dirs.n, "Dirs", why);
		ignored(c, c->files.n, "Files", why);
		ignored(c, c->map_globs.n, "MapDirs", why);
		ignored(c, c->has_nameservers, "NameServers", why);
		ignored(c, c->volume_size, "BaseVolumeSz", why);
	}
	ignored(c, c->program, "Program", "(PROGRAM is given on the command line)");
	if (c->has_args && !o->nargs) {
		o->args = c->args.v;
		o->nargs = (int)c->args.n;
		o->args_set = true; /* even when empty: Args [] replaces an image's */
	}
	/* -e entries keep their place and value; the config's fill in the other keys. */
	for (size_t i = 0; i < c->env.n; i++)
		env_default(&o->env, c->env.v[i]);
}
