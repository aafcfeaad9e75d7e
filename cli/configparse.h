/* configparse.h: what config.c and configrun.c share while parsing config.json: the parse
 * state, error reporting that names file and key, type checks, and key tables. Internal
 * to the config module (the public interface is config.h). */
#ifndef ISLE_CLI_CONFIGPARSE_H
#define ISLE_CLI_CONFIGPARSE_H

#include <jansson.h>
#include <stdbool.h>

#include "config.h"

#define CONFIG_MIN_VOLUME (1ULL << 20) /* BaseVolumeSz bounds */
#define CONFIG_MAX_VOLUME (1ULL << 40)

struct cfg_parse {
	struct config *c;
	int errors; /* errors reported so far */
};

/* One known key of an object: its handler gets the full key path ("RunConfig.Memory"). */
struct cfg_key {
	const char *name;
	void (*handle)(struct cfg_parse *x, const char *key, json_t *v);
};

/* Prints "isle: FILE: KEY: MESSAGE" and counts an error. */
void cfg_error(struct cfg_parse *x, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "a string", "an array", ... for messages. */
const char *cfg_type_name(const json_t *v);

/* true if v has type t (JSON_TRUE stands for either boolean); otherwise reports
 * "expected T, got U" for key and returns false. */
bool cfg_want(struct cfg_parse *x, const char *key, const json_t *v, json_type t);

/* Runs the handler of each member of obj found in keys (NULL-terminated); reports each
 * unknown member, as PREFIX.NAME when prefix is not NULL. */
void cfg_object(struct cfg_parse *x, const char *prefix, json_t *obj, const struct cfg_key *keys);

/* Sets c->cwd from s (Cwd, ManifestPassthrough.cwd), or reports why it cannot. */
void cfg_set_cwd(struct cfg_parse *x, const char *key, const char *s);

/* The RunConfig and ManifestPassthrough objects (configrun.c). */
void cfg_runconfig(struct cfg_parse *x, const char *key, json_t *v);
void cfg_passthrough(struct cfg_parse *x, const char *key, json_t *v);

#endif
