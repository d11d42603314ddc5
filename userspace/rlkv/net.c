// SPDX-License-Identifier: GPL-2.0
/* rlkv: sockets, line I/O and clocks (net.h). */
#include <errno.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <time.h>
#include <unistd.h>
#include "net.h"

static int unix_path(const char *addr, const char **path)
{
	if (!strncmp(addr, "unix:", 5)) {
		*path = addr + 5;
		return 1;
	}
	if (strchr(addr, '/') || !strchr(addr, ':')) {
		*path = addr;
		return 1;
	}
	return 0;
}

/*
 * "a.b.c.d:port", "[v6]:port" or ":port" (every address): numeric only,
 * so the static binary needs no name service at run time.
 */
static int tcp_addr(const char *addr, struct sockaddr_storage *ss,
		    socklen_t *len)
{
	const char *colon = strrchr(addr, ':');
	char host[64];
	size_t hl = colon - addr;
	long port = strtol(colon + 1, NULL, 10);
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (port <= 0 || port > 65535 || hl >= sizeof(host))
		return -1;
	memcpy(host, addr, hl);
	host[hl] = 0;
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		host[hl - 1] = 0;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		*len = sizeof(*in6);
		return inet_pton(AF_INET6, host + 1, &in6->sin6_addr) == 1 ? 0 : -1;
	}
	in->sin_family = AF_INET;
	in->sin_port = htons(port);
	*len = sizeof(*in);
	if (!hl)
		return 0;
	return inet_pton(AF_INET, host, &in->sin_addr) == 1 ? 0 : -1;
}

int net_listen(const char *addr)
{
	const char *path;
	int fd, one = 1;

	if (unix_path(addr, &path)) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };

		if (strlen(path) >= sizeof(sun.sun_path)) {
			fprintf(stderr, "rlkv: socket path too long: %s\n", path);
			return -1;
		}
		strcpy(sun.sun_path, path);
		unlink(path);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) ||
		    listen(fd, 64)) {
			fprintf(stderr, "rlkv: listen on %s: %s\n", path,
				strerror(errno));
			return -1;
		}
		return fd;
	} else {
		struct sockaddr_storage ss;
		socklen_t sl;

		if (tcp_addr(addr, &ss, &sl)) {
			fprintf(stderr, "rlkv: bad address %s\n", addr);
			return -1;
		}
		fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0)
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (fd < 0 || bind(fd, (struct sockaddr *)&ss, sl) ||
		    listen(fd, 64)) {
			fprintf(stderr, "rlkv: listen on %s: %s\n", addr,
				strerror(errno));
			return -1;
		}
		return fd;
	}
}

int net_connect(const char *addr)
{
	const char *path;
	int fd, one = 1;

	if (unix_path(addr, &path)) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };

		if (strlen(path) >= sizeof(sun.sun_path)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		strcpy(sun.sun_path, path);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
			int e = errno;

			close(fd);
			errno = e;
			return -1;
		}
		return fd;
	} else {
		struct sockaddr_storage ss;
		socklen_t sl;

		if (tcp_addr(addr, &ss, &sl)) {
			errno = EINVAL;
			return -1;
		}
		fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&ss, sl)) {
			int e = errno;

			if (fd >= 0)
				close(fd);
			errno = e;
			return -1;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		return fd;
	}
}

void lbuf_init(struct lbuf *b, int fd)
{
	b->fd = fd;
	b->len = 0;
}

int net_readline(struct lbuf *b, char *out, size_t outlen, int timeout_ms)
{
	int64_t end = mono_ns() + (int64_t)timeout_ms * 1000000;

	for (;;) {
		char *nl = memchr(b->buf, '\n', b->len);
		ssize_t n;

		if (nl) {
			size_t l = nl - b->buf, c = l < outlen - 1 ? l : outlen - 1;

			memcpy(out, b->buf, c);
			out[c] = 0;
			if (c && out[c - 1] == '\r')
				out[--c] = 0;
			memmove(b->buf, nl + 1, b->len - l - 1);
			b->len -= l + 1;
			return (int)c + (c == 0);	/* an empty line is not EOF */
		}
		if (b->len == sizeof(b->buf)) {
			errno = EMSGSIZE;
			return -1;
		}
		if (timeout_ms > 0) {
			struct pollfd p = { .fd = b->fd, .events = POLLIN };
			int64_t left = (end - mono_ns()) / 1000000;
			int r;

			if (left <= 0) {
				errno = ETIMEDOUT;
				return -1;
			}
			r = poll(&p, 1, (int)left);
			if (r < 0 && errno != EINTR)
				return -1;
			if (r <= 0)
				continue;
		}
		n = read(b->fd, b->buf + b->len, sizeof(b->buf) - b->len);
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		b->len += n;
	}
}

int net_writeline(int fd, const char *s)
{
	size_t len = strlen(s);
	char *m = malloc(len + 1);
	size_t off = 0;

	if (!m)
		return -1;
	memcpy(m, s, len);
	m[len++] = '\n';
	while (off < len) {
		ssize_t n = send(fd, m + off, len - off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(m);
			return -1;
		}
		off += n;
	}
	free(m);
	return 0;
}

int net_call(struct lbuf *b, const char *req, char *reply, size_t len,
	     int timeout_ms)
{
	if (net_writeline(b->fd, req))
		return -1;
	return net_readline(b, reply, len, timeout_ms);
}

int client_call(struct client *c, const char *req, char *reply, size_t len,
		int timeout_ms)
{
	int n;

	if (c->fd < 0) {
		c->fd = net_connect(c->addr);
		if (c->fd < 0)
			return -1;
		lbuf_init(&c->b, c->fd);
	}
	n = net_call(&c->b, req, reply, len, timeout_ms);
	if (n <= 0) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	return n;
}

int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t real_ms(void)
{
	return real_ns() / 1000000;
}

void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}
