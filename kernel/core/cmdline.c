/* cmdline.c: parses the kernel command line into kopt (contract in cmdline.h). */
#include "core/cmdline.h"

#include <stddef.h>

#include "core/printk.h"
#include "lib/string.h"

/*
 * The command line comes from the host (the VMM's PVH start info), so it is read
 * strictly: words are spans of the const string (never modified, never copied into a
 * fixed buffer except the one bounded value), a boolean key takes no value, and a value
 * that does not fit is rejected whole rather than truncated.
 */

struct kernel_options kopt;

struct flag_option {
	const char *name;
	bool *field;
};

static const struct flag_option flag_options[] = {
	{"verbose", &kopt.verbose},
	{"trace", &kopt.trace},
	{"boottime", &kopt.boottime},
	{"noaslr", &kopt.noaslr},
	{"execprot", &kopt.execprot},
	{"syscall_summary", &kopt.syscall_summary},
	{"missing_files", &kopt.missing_files},
	/* isle run --gdb (core/gdb.h) */
	{"gdb", &kopt.gdb},
};

struct value_option {
	const char *key; /* with the '=' */
	char *field;
	size_t size;
};

static const struct value_option value_options[] = {
	{"selftest=", kopt.selftest, sizeof(kopt.selftest)},
	{"ip=", kopt.ip, sizeof(kopt.ip)},
	{"netmask=", kopt.netmask, sizeof(kopt.netmask)},
	{"gw=", kopt.gw, sizeof(kopt.gw)},
	{"dns=", kopt.dns, sizeof(kopt.dns)},
	{"stop_timeout=", kopt.stop_timeout, sizeof(kopt.stop_timeout)},
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* true when the word [w, w+len) is exactly `name`. */
static bool word_is(const char *w, size_t len, const char *name)
{
	return strlen(name) == len && memcmp(w, name, len) == 0;
}

/* Copies a value into a fixed field; a value that does not fit leaves it unchanged. */
static void set_value(char *field, size_t size, const char *key, const char *val, size_t len)
{
	if (len >= size) {
		printk("isle: kernel option %.*s: value too long (max %zu), ignored\n",
		       (int)strlen(key) - 1, key, size - 1);
		return;
	}
	memcpy(field, val, len);
	field[len] = '\0';
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* trace=HEX (cmdline.h): the whole value or nothing; a bad one leaves tracing off. */
static void parse_trace_set(const char *val, size_t len)
{
	uint64_t set[TRACE_SET_WORDS] = {0};

	for (size_t i = 0; i < len && len <= TRACE_SET_HEX_MAX; i++) {
		int d = hex_digit(val[i]);
		if (d < 0)
			goto bad;
		for (int j = 0; j < 4; j++) {
			size_t nr = i * 4 + (size_t)j;
			if (!(d >> j & 1))
				continue;
			if (nr >= SYSCALL_NAMES_END)
				goto bad;
			set[nr / 64] |= 1ULL << (nr % 64);
		}
	}
	if (len == 0 || len > TRACE_SET_HEX_MAX)
		goto bad;
	memcpy(kopt.trace_set, set, sizeof(set));
	kopt.trace = kopt.trace_filtered = true;
	return;
bad:
	printk("isle: kernel option trace=%.*s: expected at most %d lowercase hex digits, a "
	       "bitmap of syscall numbers below %d: ignored, nothing is traced\n",
	       (int)len, val, TRACE_SET_HEX_MAX, SYSCALL_NAMES_END);
}

static void parse_word(const char *w, size_t len)
{
	if (len >= 6 && !memcmp(w, "trace=", 6)) {
		parse_trace_set(w + 6, len - 6);
		return;
	}
	for (size_t i = 0; i < sizeof(flag_options) / sizeof(flag_options[0]); i++) {
		if (word_is(w, len, flag_options[i].name)) {
			*flag_options[i].field = true;
			return;
		}
	}
	for (size_t i = 0; i < sizeof(value_options) / sizeof(value_options[0]); i++) {
		const struct value_option *o = &value_options[i];
		size_t keylen = strlen(o->key);
		if (len >= keylen && memcmp(w, o->key, keylen) == 0) {
			set_value(o->field, o->size, o->key, w + keylen, len - keylen);
			return;
		}
	}
	printk("isle: unknown kernel option '%.*s' ignored\n", (int)len, w);
}

void cmdline_parse(const char *cmdline)
{
	const char *p = cmdline;

	kopt = (struct kernel_options){0};
	if (!p)
		return;
	for (;;) {
		const char *w;

		while (is_space(*p))
			p++;
		if (!*p)
			return;
		w = p;
		while (*p && !is_space(*p))
			p++;
		parse_word(w, (size_t)(p - w));
	}
}
