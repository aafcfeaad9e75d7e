/* klog.c: split the kernel log into lines, pass them through, catch the exit line. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "abi/exit.h"
#include "klog.h"

void klog_init(struct klog *k, int out_fd, bool show_exit)
{
	memset(k, 0, sizeof(*k));
	k->out_fd = out_fd;
	k->show_exit = show_exit;
}

static void out(struct klog *k, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(k->out_fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

bool klog_parse_exit(const char *line, size_t len, int *status)
{
	size_t plen = strlen(ISLE_EXIT_LINE_PREFIX), i;
	int st = 0;

	if (len < plen || memcmp(line, ISLE_EXIT_LINE_PREFIX, plen) != 0)
		return false;
	i = plen;
	if (i >= len || line[i] < '0' || line[i] > '9')
		return false;
	for (; i < len && line[i] >= '0' && line[i] <= '9'; i++) {
		st = st * 10 + (line[i] - '0');
		if (st > 255)
			return false;
	}
	/* " (" REASON ")" with a non-empty REASON and nothing after the ')' */
	if (len - i < 4 || line[i] != ' ' || line[i + 1] != '(' || line[len - 1] != ')')
		return false;
	if (memchr(line + i + 2, ')', len - i - 3) || memchr(line, '\0', len))
		return false;
	*status = st;
	return true;
}

/* A complete line (with its newline, if any, at line[n-1]). Returns true if it was
 * passed through. */
static bool line_done(struct klog *k, const char *line, size_t n)
{
	size_t body = (n > 0 && line[n - 1] == '\n') ? n - 1 : n;
	int st;

	if (!k->overlong && klog_parse_exit(line, body, &st)) {
		k->have_status = true;
		k->status = st;
		if (!k->show_exit)
			return false;
	}
	out(k, line, n);
	return true;
}

void klog_feed(struct klog *k, const char *buf, size_t n)
{
	while (n > 0) {
		const char *nl = memchr(buf, '\n', n);
		size_t take = nl ? (size_t)(nl - buf) + 1 : n;

		if (k->len + take > sizeof(k->line)) {
			/* Longer than any exit line: pass it through in pieces, unparsed. */
			out(k, k->line, k->len);
			out(k, buf, take);
			k->len = 0;
			k->overlong = !nl;
		} else {
			memcpy(k->line + k->len, buf, take);
			k->len += take;
			if (nl) {
				line_done(k, k->line, k->len);
				k->len = 0;
				k->overlong = false;
			}
		}
		buf += take;
		n -= take;
	}
}

void klog_finish(struct klog *k)
{
	if (k->len) {
		if (line_done(k, k->line, k->len) && k->line[k->len - 1] != '\n')
			out(k, "\n", 1); /* so that isle's next message starts a line */
	} else if (k->overlong) {
		out(k, "\n", 1);
	}
	k->len = 0;
	k->overlong = false;
}
