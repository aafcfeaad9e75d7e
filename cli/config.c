/* config.c: config.json: the top-level keys, one handler each, in a table that also lists
 * the ops keys isle warns about. Every error names the file and the key (with the index
 * or member for arrays and objects); all errors of a file are reported in one pass.
 * RunConfig and ManifestPassthrough are in configrun.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "configparse.h"
#include "imgpath.h"
#include "size.h"
#include "util.h"

void config_init(struct config *c)
{
	memset(c, 0, sizeof(*c));
}

void config_free(struct config *c)
{
	free(c->name);
	free(c->dir);
	free(c->program);
	free(c->cwd);
	strvec_free(&c->args);
	strvec_free(&c->env);
	strvec_free(&c->dirs);
	strvec_free(&c->files);
	strvec_free(&c->map_globs);
	strvec_free(&c->map_targets);
	strvec_free(&c->nameservers);
	config_init(c);
}

void cfg_error(struct cfg_parse *x, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = util_xvasprintf(fmt, ap);
	va_end(ap);
	util_err("%s: %s: %s", x->c->name, key, msg);
	free(msg);
	x->errors++;
}

const char *cfg_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
	default:
		return "null";
	}
}

bool cfg_want(struct cfg_parse *x, const char *key, const json_t *v, json_type t)
{
	static const char *const want[] = {
		[JSON_OBJECT] = "an object", [JSON_ARRAY] = "an array",
		[JSON_STRING] = "a string",  [JSON_INTEGER] = "an integer",
		[JSON_TRUE] = "a boolean",   [JSON_FALSE] = "a boolean",
	};

	if (json_typeof(v) == t || (t == JSON_TRUE && json_is_boolean(v)))
		return true;
	cfg_error(x, key, "expected %s, got %s", want[t], cfg_type_name(v));
	return false;
}

/* An array of strings into out; each bad element is reported as KEY[i]. */
static bool string_array(struct cfg_parse *x, const char *key, json_t *v, struct strvec *out)
{
	size_t i;
	json_t *e;
	bool ok = true;

	if (!cfg_want(x, key, v, JSON_ARRAY))
		return false;
	json_array_foreach(v, i, e)
	{
		if (!json_is_string(e)) {
			char *k = util_xasprintf("%s[%zu]", key, i);

			cfg_error(x, k, "expected a string, got %s", cfg_type_name(e));
			free(k);
			ok = false;
			continue;
		}
		strvec_push(out, json_string_value(e));
	}
	return ok;
}

static void h_program(struct cfg_parse *x, const char *key, json_t *v)
{
	if (!cfg_want(x, key, v, JSON_STRING))
		return;
	if (!*json_string_value(v)) {
		cfg_error(x, key, "must not be empty");
		return;
	}
	free(x->c->program);
	x->c->program = util_xstrdup(json_string_value(v));
}

static void h_args(struct cfg_parse *x, const char *key, json_t *v)
{
	strvec_free(&x->c->args);
	x->c->has_args = string_array(x, key, v, &x->c->args);
}

static void h_env(struct cfg_parse *x, const char *key, json_t *v)
{
	const char *name;
	json_t *val;

	if (!cfg_want(x, key, v, JSON_OBJECT))
		return;
	json_object_foreach(v, name, val)
	{
		char *k = util_xasprintf("%s.%s", key, name);

		if (!*name || strchr(name, '='))
			cfg_error(x, key,
				  "invalid variable name '%s': it must be non-empty and "
				  "hold no '='",
				  name);
		else if (!json_is_string(val))
			cfg_error(x, k, "expected a string, got %s (write it in quotes)",
				  cfg_type_name(val));
		else
			strvec_pushf(&x->c->env, "%s=%s", name, json_string_value(val));
		free(k);
	}
}

/* Dirs and Files: host paths, relative to the config's directory or absolute; they keep
 * that path in the image, so ".." (which would climb out of the image root) is refused. */
static void host_paths(struct cfg_parse *x, const char *key, json_t *v, struct strvec *out)
{
	struct strvec tmp = {0};

	string_array(x, key, v, &tmp);
	for (size_t i = 0; i < tmp.n; i++) {
		char *k = util_xasprintf("%s[%zu]", key, i), *clean;
		int r = imgpath_clean(tmp.v[i], &clean, NULL);

		if (r == -ENOENT)
			cfg_error(x, k, "empty path");
		else if (r)
			cfg_error(x, k, "'%s' contains '..': paths must stay inside their root",
				  tmp.v[i]);
		else if (!strcmp(clean, "/"))
			cfg_error(x, k, "'%s' names the root itself", tmp.v[i]);
		else
			strvec_push(out, tmp.v[i]);
		if (!r)
			free(clean);
		free(k);
	}
	strvec_free(&tmp);
}

static void h_dirs(struct cfg_parse *x, const char *key, json_t *v)
{
	host_paths(x, key, v, &x->c->dirs);
}

static void h_files(struct cfg_parse *x, const char *key, json_t *v)
{
	host_paths(x, key, v, &x->c->files);
}

static void h_mapdirs(struct cfg_parse *x, const char *key, json_t *v)
{
	const char *glob;
	json_t *val;

	if (!cfg_want(x, key, v, JSON_OBJECT))
		return;
	json_object_foreach(v, glob, val)
	{
		char *k = util_xasprintf("%s.%s", key, glob), *target, *g;
		int abs = 0, r;

		if (imgpath_clean(glob, &g, NULL)) {
			cfg_error(x, key, "host path '%s' is empty or contains '..'", glob);
			free(k);
			continue;
		}
		free(g);
		if (!cfg_want(x, k, val, JSON_STRING)) {
			free(k);
			continue;
		}
		r = imgpath_clean(json_string_value(val), &target, &abs);
		if (r || !abs) {
			cfg_error(x, k, "image path '%s' must be absolute, without '..'",
				  json_string_value(val));
			if (!r)
				free(target);
		} else {
			strvec_push(&x->c->map_globs, glob);
			strvec_push(&x->c->map_targets, target);
			free(target);
		}
		free(k);
	}
}

static void h_nameservers(struct cfg_parse *x, const char *key, json_t *v)
{
	struct strvec tmp = {0};
	unsigned char addr[16];

	x->c->has_nameservers = true;
	string_array(x, key, v, &tmp);
	for (size_t i = 0; i < tmp.n; i++) {
		if (inet_pton(AF_INET, tmp.v[i], addr) == 1 ||
		    inet_pton(AF_INET6, tmp.v[i], addr) == 1) {
			strvec_push(&x->c->nameservers, tmp.v[i]);
		} else {
			char *k = util_xasprintf("%s[%zu]", key, i);

			cfg_error(x, k, "'%s' is not an IPv4 or IPv6 address", tmp.v[i]);
			free(k);
		}
	}
	strvec_free(&tmp);
}

static void h_volume(struct cfg_parse *x, const char *key, json_t *v)
{
	uint64_t bytes;
	int r;

	if (!cfg_want(x, key, v, JSON_STRING))
		return;
	r = size_parse(json_string_value(v), &bytes);
	if (r == -ERANGE || (!r && bytes > CONFIG_MAX_VOLUME))
		cfg_error(x, key, "'%s' is too large (at most 1024G)", json_string_value(v));
	else if (r)
		cfg_error(x, key,
			  "invalid size '%s': expected a number with a K, M or G suffix (\"32m\", "
			  "\"1G\"; a plain number means MiB)",
			  json_string_value(v));
	else if (bytes < CONFIG_MIN_VOLUME)
		cfg_error(x, key, "'%s' is too small: at least 1M", json_string_value(v));
	else
		x->c->volume_size = bytes;
}

static void h_reboot(struct cfg_parse *x, const char *key, json_t *v)
{
	if (cfg_want(x, key, v, JSON_TRUE))
		x->c->reboot_on_exit = json_is_true(v);
}

static void h_execprot(struct cfg_parse *x, const char *key, json_t *v)
{
	if (cfg_want(x, key, v, JSON_TRUE))
		x->c->exec_protection = json_is_true(v);
}

static void h_noaslr(struct cfg_parse *x, const char *key, json_t *v)
{
	if (cfg_want(x, key, v, JSON_TRUE))
		x->c->noaslr = json_is_true(v);
}

static void h_cwd(struct cfg_parse *x, const char *key, json_t *v)
{
	if (cfg_want(x, key, v, JSON_STRING))
		cfg_set_cwd(x, key, json_string_value(v));
}

void cfg_set_cwd(struct cfg_parse *x, const char *key, const char *s)
{
	char *clean;
	int abs = 0, r = imgpath_clean(s, &clean, &abs);

	if (r || !abs) {
		cfg_error(x, key, "'%s' must be an absolute image path without '..'", s);
		if (!r)
			free(clean);
		return;
	}
	free(x->c->cwd);
	x->c->cwd = clean;
}

/* ops keys isle does not support yet: a warning, then ignored (docs/config.md). */
static void h_warn(struct cfg_parse *x, const char *key, json_t *v)
{
	util_err("warning: %s: %s is not supported by isle yet; ignored", x->c->name, key);
}

static const struct cfg_key top_keys[] = {
	{"Program", h_program},
	{"Args", h_args},
	{"Env", h_env},
	{"Dirs", h_dirs},
	{"Files", h_files},
	{"MapDirs", h_mapdirs},
	{"NameServers", h_nameservers},
	{"BaseVolumeSz", h_volume},
	{"RebootOnExit", h_reboot},
	{"RunConfig", cfg_runconfig},
	{"ManifestPassthrough", cfg_passthrough},
	{"ExecProtection", h_execprot},
	{"NoASLR", h_noaslr},
	{"Cwd", h_cwd},
	{"Boot", h_warn},
	{"BuildDir", h_warn},
	{"CloudConfig", h_warn},
	{"Debugflags", h_warn},
	{"Features", h_warn},
	{"Kernel", h_warn},
	{"KlibDir", h_warn},
	{"Klibs", h_warn},
	{"LocalFilesParentDirectory", h_warn},
	{"Mounts", h_warn},
	{"NanosVersion", h_warn},
	{"NightlyBuild", h_warn},
	{"NoTrace", h_warn},
	{"Tags", h_warn},
	{"TargetRoot", h_warn},
	{"Uefi", h_warn},
	{"Version", h_warn},
	{"VolumesDir", h_warn},
	{NULL, NULL},
};

void cfg_object(struct cfg_parse *x, const char *prefix, json_t *obj, const struct cfg_key *keys)
{
	const char *name;
	json_t *val;

	json_object_foreach(obj, name, val)
	{
		const struct cfg_key *k, *near = NULL;
		char *full = prefix ? util_xasprintf("%s.%s", prefix, name) : util_xstrdup(name);

		for (k = keys; k->name; k++) {
			if (!strcmp(k->name, name))
				break;
			if (!strcasecmp(k->name, name))
				near = k;
		}
		if (k->name)
			k->handle(x, full, val);
		else if (near)
			cfg_error(x, full,
				  "unknown key (did you mean '%s'? keys are case-sensitive)",
				  near->name);
		else
			cfg_error(x, full, "unknown key");
		free(full);
	}
}

static void set_name(struct config *c, const char *name)
{
	free(c->name);
	free(c->dir);
	c->name = util_xstrdup(name);
	c->dir = imgpath_dirname(name);
}

int config_parse(const char *text, size_t len, const char *name, struct config *c)
{
	struct cfg_parse x = {.c = c};
	json_error_t jerr;
	json_t *root;

	set_name(c, name);
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		util_err("%s: line %d, column %d: invalid JSON: %s", name, jerr.line, jerr.column,
			 jerr.text);
		return -EINVAL;
	}
	if (!json_is_object(root)) {
		util_err("%s: expected a JSON object ({...}) at the top, got %s", name,
			 cfg_type_name(root));
		json_decref(root);
		return -EINVAL;
	}
	cfg_object(&x, NULL, root, top_keys);
	json_decref(root);
	return x.errors ? -EINVAL : 0;
}

int config_load(const char *path, struct config *c)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int r;

	if (!f) {
		int e = errno;

		util_err("config file %s: %s", path, strerror(e));
		return e == ENOENT ? -ENOENT : -EINVAL;
	}
	for (;;) {
		size_t n;

		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = util_xrealloc(buf, cap);
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		util_err("config file %s: cannot read: %s", path, strerror(errno));
		fclose(f);
		free(buf);
		return -EINVAL;
	}
	fclose(f);
	r = config_parse(buf, len, path, c);
	free(buf);
	return r;
}
