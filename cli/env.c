/* env.c: one-entry-per-key environment lists, for isle run -e and isle build. */
#include <errno.h>
#include <string.h>

#include "env.h"

int env_check(const char *kv, const char **why)
{
	const char *eq = strchr(kv, '=');

	if (!eq) {
		*why = "expected KEY=VALUE";
		return -EINVAL;
	}
	if (eq == kv) {
		*why = "the name before '=' is empty";
		return -EINVAL;
	}
	return 0;
}

static size_t key_len(const char *kv)
{
	const char *eq = strchr(kv, '=');

	return eq ? (size_t)(eq - kv) : strlen(kv);
}

/* Index of the entry for kv's KEY, or env->n. */
static size_t find(const struct strvec *env, const char *kv)
{
	size_t n = key_len(kv);

	for (size_t i = 0; i < env->n; i++)
		if (!strncmp(env->v[i], kv, n) && env->v[i][n] == '=')
			return i;
	return env->n;
}

void env_set(struct strvec *env, const char *kv)
{
	size_t i = find(env, kv);

	if (i < env->n)
		strvec_set(env, i, kv);
	else
		strvec_push(env, kv);
}

void env_default(struct strvec *env, const char *kv)
{
	if (find(env, kv) == env->n)
		strvec_push(env, kv);
}

bool env_has(const struct strvec *env, const char *kv)
{
	return find(env, kv) < env->n;
}
