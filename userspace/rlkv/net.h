/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by rlkv's parts: addresses ("/path" or "unix:PATH"
 * for a Unix socket, "HOST:PORT" for TCP), line I/O with a deadline and
 * clocks.
 */
#ifndef RLKV_NET_H
#define RLKV_NET_H

#include <stddef.h>
#include <stdint.h>

/* Listen on addr; returns the socket or -1 (message on stderr). */
int net_listen(const char *addr);
/* Connect to addr; returns the socket or -1 (errno set). */
int net_connect(const char *addr);

/*
 * A buffered line reader on a socket.  net_readline() returns the length
 * of the line put in out (without the newline, NUL-terminated), 0 at end
 * of file, -1 on error or, with timeout_ms > 0, when no whole line came
 * in time (errno ETIMEDOUT).
 */
struct lbuf {
	int fd;
	size_t len;
	char buf[4096];
};
void lbuf_init(struct lbuf *b, int fd);
int net_readline(struct lbuf *b, char *out, size_t outlen, int timeout_ms);
/* Write all of s plus a newline; 0 or -1. */
int net_writeline(int fd, const char *s);

/* One request, one reply line on a connection; as net_readline. */
int net_call(struct lbuf *b, const char *req, char *reply, size_t len,
	     int timeout_ms);

/*
 * A client connection that connects on first use and again after a
 * failed call (a late answer must not be taken for the next request's).
 * client_call() returns the reply's length or -1 (no connection, or no
 * answer within timeout_ms).
 */
struct client {
	const char *addr;
	int fd;			/* -1: not connected */
	struct lbuf b;
};
int client_call(struct client *c, const char *req, char *reply, size_t len,
		int timeout_ms);

int64_t mono_ns(void);
int64_t real_ms(void);
int64_t real_ns(void);
void sleep_ms(long ms);

#endif /* RLKV_NET_H */
