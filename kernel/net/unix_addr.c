/* unix_addr.c: AF_UNIX socket addresses (unix.h): parsing a sockaddr_un as Linux does
 * (a path ends at its first NUL and is stored with offsetof(sun_path) + strlen + 1 bytes;
 * an abstract name, sun_path[0] == 0, is exactly the given length; the family alone
 * asks for autobind) and the autobind names ("\0" + 5 hex digits). No kernel state, so
 * the host unit tests link it alone. */
#include "core/errno.h"
#include "lib/string.h"
#include "net/unix.h"

int unix_addr_parse(const void *addr, uint32_t len, struct unix_addr *out, bool *autobind)
{
	const uint8_t *a = addr;
	uint16_t fam;

	*autobind = false;
	memset(out, 0, sizeof(*out));
	if (len < 2 || len > UNIX_ADDR_MAX)
		return -EINVAL;
	memcpy(&fam, a, 2);
	if (fam != AF_UNIX)
		return -EINVAL;
	if (len == 2) {
		*autobind = true;
		return 0;
	}
	memcpy(out->b, a, len);
	if (a[2] == 0) {
		out->len = len;
		return 0;
	}
	size_t n = 0;
	while (n < len - 2u && a[2 + n])
		n++;
	memset(out->b + 2 + n, 0, sizeof(out->b) - 2 - n);
	out->len = (uint32_t)(2 + n + 1);
	return 0;
}

void unix_addr_auto(uint32_t n, struct unix_addr *out)
{
	static const char hex[] = "0123456789abcdef";
	uint16_t fam = AF_UNIX;

	memset(out, 0, sizeof(*out));
	memcpy(out->b, &fam, 2);
	for (int i = 0; i < 5; i++)
		out->b[3 + i] = (uint8_t)hex[(n >> (4 * (4 - i))) & 0xf];
	out->len = 8;
}

bool unix_addr_is_path(const struct unix_addr *a)
{
	return a->len > 2 && a->b[2] != 0;
}
