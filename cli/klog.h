/* klog.h: the kernel log stream from the debugcon pipe, split into lines. Every line is
 * passed through to an output fd as is, except the exit status line
 * "isle: exit STATUS (REASON)" (include/abi/exit.h), which is recorded and shown only
 * when asked. */
#ifndef ISLE_CLI_KLOG_H
#define ISLE_CLI_KLOG_H

#include <stdbool.h>
#include <stddef.h>

#define KLOG_LINE_MAX 4096 /* longer lines are passed through in pieces, never parsed */

struct klog {
	int out_fd;	  /* where log lines go (isle's stderr) */
	bool show_exit;	  /* also pass the exit line through (isle run -v) */
	bool have_status; /* an exit line was seen */
	int status;	  /* STATUS of the last exit line seen */
	bool overlong;	  /* the current line already overflowed line[] */
	size_t len;
	char line[KLOG_LINE_MAX];
};

void klog_init(struct klog *k, int out_fd, bool show_exit);

/* Consumes n bytes of the stream. Write errors on out_fd are ignored: the log is
 * best-effort, the exit status is not. */
void klog_feed(struct klog *k, const char *buf, size_t n);

/* End of stream: passes through a final line that has no newline, and ends it with one. */
void klog_finish(struct klog *k);

/* If line (len bytes, without the newline) is exactly "isle: exit STATUS (REASON)" with
 * STATUS a decimal 0..255 and REASON non-empty, stores STATUS and returns true. */
bool klog_parse_exit(const char *line, size_t len, int *status);

#endif
