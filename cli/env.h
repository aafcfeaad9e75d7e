/* env.h: environment lists ("KEY=VALUE" strings in a strvec) with one entry per key. */
#ifndef ISLE_CLI_ENV_H
#define ISLE_CLI_ENV_H

#include <stdbool.h>

#include "strvec.h"

/* Checks that kv is KEY=VALUE with a non-empty KEY. Returns 0, or -EINVAL with the reason
 * ("expected KEY=VALUE", "the name before '=' is empty") in *why (a static string). */
int env_check(const char *kv, const char **why);

/* Sets kv (checked) in env: replaces the entry with the same KEY where it is, or appends. */
void env_set(struct strvec *env, const char *kv);

/* Appends kv only if env has no entry with its KEY. */
void env_default(struct strvec *env, const char *kv);

/* true if env has an entry for the KEY of kv (kv may be "KEY" or "KEY=..."). */
bool env_has(const struct strvec *env, const char *kv);

#endif
