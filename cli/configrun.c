/* configrun.c: config.json's RunConfig (how the VM runs) and ManifestPassthrough (ops's
 * raw manifest settings, of which isle understands exec_protection, noaslr and cwd).
 * Ports and UDPPorts become host forwards (netopts.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "configparse.h"
#include "runopts.h"
#include "size.h"
#include "util.h"

static void h_memory(struct cfg_parse *x, const char *key, json_t *v)
{
	uint64_t bytes;
	int r;

	if (!cfg_want(x, key, v, JSON_STRING))
		return;
	r = size_parse(json_string_value(v), &bytes);
	if (r == -ERANGE)
		cfg_error(x, key, "'%s' is too large", json_string_value(v));
	else if (r)
		cfg_error(x, key,
			  "invalid memory size '%s': expected a number with a K, M or G suffix "
			  "(\"64M\", \"2G\")",
			  json_string_value(v));
	else if (bytes < RUN_MIN_MEMORY)
		cfg_error(x, key, "'%s' is too small: isle needs at least %s", json_string_value(v),
			  RUN_MIN_MEMORY_TEXT);
	else
		x->c->memory = bytes;
}

static void h_cpus(struct cfg_parse *x, const char *key, json_t *v)
{
	if (!cfg_want(x, key, v, JSON_INTEGER))
		return;
	json_int_t n = json_integer_value(v);
	if (n < 1 || n > QEMU_MAX_CPUS)
		cfg_error(x, key, "%lld CPUs: expected 1 to %d", (long long)n, QEMU_MAX_CPUS);
	else
		x->c->cpus = (int)n;
}

/* IPAddress, NetMask, Gateway: IPv4 dotted quads, passed to the kernel as ip=, netmask=,
 * gw= (static addressing instead of DHCP: docs/networking.md). */
static void h_ipv4(struct cfg_parse *x, const char *key, json_t *v)
{
	const char *leaf = strrchr(key, '.') ? strrchr(key, '.') + 1 : key;
	char *dst = !strcmp(leaf, "IPAddress") ? x->c->ip_address
		    : !strcmp(leaf, "NetMask") ? x->c->netmask
					       : x->c->gateway;
	struct in_addr a;

	if (!cfg_want(x, key, v, JSON_STRING))
		return;
	const char *s = json_string_value(v);
	if (strlen(s) >= 16 || inet_pton(AF_INET, s, &a) != 1) {
		cfg_error(x, key, "'%s' is not an IPv4 address (a.b.c.d)", s);
		return;
	}
	snprintf(dst, 16, "%s", s);
}

/* Ports (TCP) and UDPPorts: numbers or strings "HOST" / "HOST:GUEST" (no ranges). */
static void h_ports(struct cfg_parse *x, const char *key, json_t *v)
{
	bool udp = !strcmp(key, "UDPPorts") || !strcmp(key, "RunConfig.UDPPorts");
	size_t i;
	json_t *e;

	if (!cfg_want(x, key, v, JSON_ARRAY))
		return;
	json_array_foreach(v, i, e)
	{
		struct qemu_port p;
		const char *why = NULL;
		char num[32];
		const char *s = num;

		if (json_is_integer(e)) {
			json_int_t n = json_integer_value(e);
			snprintf(num, sizeof(num), "%lld", (long long)n);
			if (n < 1 || n > 65535) {
				cfg_error(x, key, "port %s: ports are 1 to 65535", num);
				continue;
			}
		} else if (json_is_string(e)) {
			s = json_string_value(e);
		} else {
			cfg_error(x, key, "expected port numbers or strings, got %s",
				  cfg_type_name(e));
			continue;
		}
		if (strchr(s, '/') || net_port_parse(s, udp, &p, &why) ||
		    net_port_add(&x->c->net, &p, &why))
			cfg_error(x, key, "invalid port '%s': %s", s,
				  why ? why
				      : "expected HOST or HOST:GUEST (the key gives the protocol)");
	}
}

static void h_accel(struct cfg_parse *x, const char *key, json_t *v)
{
	if (!cfg_want(x, key, v, JSON_STRING))
		return;
	if (accel_parse(json_string_value(v), &x->c->accel))
		cfg_error(x, key, "invalid accelerator '%s': expected auto, kvm or tcg",
			  json_string_value(v));
	else
		x->c->has_accel = true;
}

static void h_warn(struct cfg_parse *x, const char *key, json_t *v)
{
	util_err("warning: %s: %s is not supported by isle yet; ignored", x->c->name, key);
}

static const struct cfg_key run_keys[] = {
	{"Memory", h_memory},
	{"CPUs", h_cpus},
	{"Ports", h_ports},
	{"UDPPorts", h_ports},
	{"Accel", h_accel},
	{"Background", h_warn},
	{"BridgeName", h_warn},
	{"Bridged", h_warn},
	{"Debug", h_warn},
	{"Gateway", h_ipv4},
	{"GdbPort", h_warn},
	{"GPUs", h_warn},
	{"GPUType", h_warn},
	{"ImageName", h_warn},
	{"InstanceName", h_warn},
	{"IPAddress", h_ipv4},
	{"IPv6Address", h_warn},
	{"Kernel", h_warn},
	{"Mounts", h_warn},
	{"NetMask", h_ipv4},
	{"Nics", h_warn},
	{"QMP", h_warn},
	{"ShowDebug", h_warn},
	{"ShowErrors", h_warn},
	{"ShowWarnings", h_warn},
	{"TapName", h_warn},
	{"ThreadsPerCore", h_warn},
	{"Vga", h_warn},
	{"Verbose", h_warn},
	{"VolumeSizeInGb", h_warn},
	{NULL, NULL},
};

void cfg_runconfig(struct cfg_parse *x, const char *key, json_t *v)
{
	if (cfg_want(x, key, v, JSON_OBJECT))
		cfg_object(x, key, v, run_keys);
}

/* ops writes these flags as the strings "t"/"true" (or "f"/"false"); JSON booleans are
 * accepted too. Returns 0/1, or -1 after reporting anything else. */
static int flag_value(struct cfg_parse *x, const char *key, json_t *v)
{
	const char *s;

	if (json_is_boolean(v))
		return json_is_true(v);
	if (!json_is_string(v)) {
		cfg_error(x, key, "expected \"t\", \"true\", \"f\", \"false\" or a boolean, got %s",
			  cfg_type_name(v));
		return -1;
	}
	s = json_string_value(v);
	if (!strcmp(s, "t") || !strcmp(s, "true"))
		return 1;
	if (!strcmp(s, "f") || !strcmp(s, "false"))
		return 0;
	cfg_error(x, key, "'%s': expected \"t\", \"true\", \"f\" or \"false\"", s);
	return -1;
}

void cfg_passthrough(struct cfg_parse *x, const char *key, json_t *v)
{
	const char *name;
	json_t *val;

	if (!cfg_want(x, key, v, JSON_OBJECT))
		return;
	json_object_foreach(v, name, val)
	{
		char *k = util_xasprintf("%s.%s", key, name);
		int f;

		if (!strcmp(name, "exec_protection")) {
			f = flag_value(x, k, val);
			if (f >= 0)
				x->c->exec_protection = f;
		} else if (!strcmp(name, "noaslr")) {
			f = flag_value(x, k, val);
			if (f >= 0)
				x->c->noaslr = f;
		} else if (!strcmp(name, "cwd")) {
			if (cfg_want(x, k, val, JSON_STRING))
				cfg_set_cwd(x, k, json_string_value(val));
		} else {
			/* ops passes any key through to its kernel; isle's manifest has no place
			 * for others, so they are warned about rather than refused. */
			util_err("warning: %s: %s is not supported by isle; ignored", x->c->name,
				 k);
		}
		free(k);
	}
}
