/* args.c: prints argv and envp one per line, as JSON strings, for the test to compare with
 * what it passed:
 *     ARGC n
 *     ARG "..."      (argc lines, argv[0] first)
 *     ENV "K=V"      (one line per environment string, in order)
 * Every byte outside printable ASCII, and '"' and '\\', is escaped (\u00XX for bytes, so
 * the test recovers the exact bytes with json.loads(...).encode("latin-1")).
 * It also checks the initial stack layout the SysV ABI prescribes: argv[argc] is NULL and
 * envp starts right after it, and environ is envp. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "guest.h"

static void put_json(const char *tag, const char *s)
{
	printf("%s \"", tag);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	printf("\"\n");
}

int main(int argc, char **argv, char **envp)
{
	CHECK(argc >= 1);
	CHECK(argv[argc] == NULL);
	CHECK(envp == argv + argc + 1, "envp %p argv %p argc %d", (void *)envp, (void *)argv, argc);
	CHECK(environ == envp);

	printf("ARGC %d\n", argc);
	for (int i = 0; i < argc; i++)
		put_json("ARG", argv[i]);
	for (char **e = envp; *e; e++)
		put_json("ENV", *e);
	guest_pass("args");
	return 0;
}
