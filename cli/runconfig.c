/* runconfig.c: merge a config.json into `isle run`'s options; the command line wins. */
#include "env.h"
#include "runconfig.h"
#include "util.h"

static void ignored(const struct config *c, bool present, const char *key, const char *why)
{
	if (present)
		util_err("warning: %s: %s is ignored by isle run %s", c->name, key, why);
}

void runconfig_apply(struct run_options *o, const struct config *c, bool image)
{
	const char *no_fs = "PROGRAM (it needs an image: use isle build)";
	const char *in_image = "IMAGE (the image has its own; rebuild it to change it)";

	if (c->memory && !o->memory_given)
		o->memory = c->memory;
	if (c->has_accel && !o->accel_given)
		o->accel = c->accel;
	ignored(c, c->dirs.n, "Dirs", no_fs);
	ignored(c, c->files.n, "Files", no_fs);
	ignored(c, c->map_globs.n, "MapDirs", no_fs);
	ignored(c, c->has_nameservers, "NameServers", no_fs);
	ignored(c, c->volume_size, "BaseVolumeSz", no_fs);
	ignored(c, c->program, "Program", "(PROGRAM is given on the command line)");
	if (image) {
		ignored(c, c->has_args, "Args", in_image);
		ignored(c, c->env.n, "Env", in_image);
		return;
	}
	if (c->has_args && !o->nargs) {
		o->args = c->args.v;
		o->nargs = (int)c->args.n;
	}
	/* -e entries keep their place and value; the config's fill in the other keys. */
	for (size_t i = 0; i < c->env.n; i++)
		env_default(&o->env, c->env.v[i]);
}
