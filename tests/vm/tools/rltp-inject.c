// SPDX-License-Identifier: GPL-2.0
/*
 * rltp-inject: send hostile or hand-made input to a raftlog transport port
 * and report what the server did.  Used by tests/vm/transport*.sh.
 *
 *   rltp-inject MODE HOST PORT [CLUSTER GROUP FROM TO]
 *
 * MODE: random      4 KiB of random bytes
 *       oversized   a frame header announcing a 4 GiB payload
 *       badcrc      a HELLO with one payload bit flipped
 *       badversion  a HELLO frame of protocol version 9
 *       truncated   half a HELLO, then the connection is closed (a
 *                   peer killed mid-frame)
 *       hello       a valid HELLO (ids from the arguments); prints the
 *                   REJECT reason or the server's HELLO
 *       idle N      N connections at once that never say anything; prints
 *                   "closed K of N" for those the server closed within
 *                   2 s, keeps the others open 8 s more
 *
 * Prints "closed N" (the server closed after sending N bytes), "reject R",
 * or "open" (the server kept the connection for 10 s).  Exit 0 when the
 * server closed the connection (or, for truncated, once we closed), 1
 * when it kept it open, 2 on usage or connection errors.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <linux/raftlog_wire.h>

static uint32_t crc32c(uint32_t crc, const uint8_t *p, size_t n)
{
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78U & -(crc & 1));
	}
	return ~crc;
}

static void le16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static void le32(uint8_t *p, uint32_t v) { le16(p, v); le16(p + 2, v >> 16); }
static void le64(uint8_t *p, uint64_t v) { le32(p, v); le32(p + 4, v >> 32); }
static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void seal(uint8_t *f, uint8_t type, uint32_t plen)
{
	le32(f, RAFTLOG_WIRE_MAGIC);
	f[4] = RAFTLOG_WIRE_VERSION;
	f[5] = type;
	le16(f + 6, 0);
	le32(f + 8, plen);
	le32(f + 12, 0);
	le32(f + 12, crc32c(crc32c(0, f, RAFTLOG_FRAME_HDR_SIZE),
			    f + RAFTLOG_FRAME_HDR_SIZE, plen));
}

static size_t hello(uint8_t *f, uint64_t cluster, uint32_t group,
		    uint64_t from, uint64_t to)
{
	uint8_t *p = f + RAFTLOG_FRAME_HDR_SIZE;

	memset(p, 0, RAFTLOG_HELLO_SIZE);
	le16(p, RAFTLOG_WIRE_VERSION);
	le16(p + 2, 0);
	le32(p + 4, group);
	le64(p + 8, cluster);
	le64(p + 16, from);
	le64(p + 24, to);
	for (int i = 0; i < RAFTLOG_NONCE_SIZE; i++)
		p[32 + i] = rand();
	seal(f, RAFTLOG_FRAME_HELLO, RAFTLOG_HELLO_SIZE);
	return RAFTLOG_FRAME_HDR_SIZE + RAFTLOG_HELLO_SIZE;
}

/* idle N: how many of N silent connections does the server close at once? */
static int idle(const struct sockaddr_in *sa, int n)
{
	int fds[256], closed = 0, i;
	char c;

	if (n < 1 || n > 256)
		return 2;
	for (i = 0; i < n; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (fds[i] < 0 || connect(fds[i], (const struct sockaddr *)sa,
					  sizeof(*sa))) {
			perror("connect");
			return 2;
		}
	}
	sleep(2);
	for (i = 0; i < n; i++) {
		ssize_t r = recv(fds[i], &c, 1, MSG_DONTWAIT);

		if (r == 0 || (r < 0 && errno == ECONNRESET))
			closed++;
	}
	printf("closed %d of %d\n", closed, n);
	fflush(stdout);
	sleep(8);
	for (i = 0; i < n; i++)
		close(fds[i]);
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t f[4096], in[4096];
	uint64_t cluster = 1, from = 99, to = 1;
	uint32_t group = 1;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 10 };
	const char *mode;
	size_t len, got = 0;
	int s, truncated = 0;

	if (argc < 4) {
		fprintf(stderr, "usage: rltp-inject MODE HOST PORT [CLUSTER GROUP FROM TO]\n");
		return 2;
	}
	mode = argv[1];
	if (inet_pton(AF_INET, argv[2], &sa.sin_addr) != 1)
		return 2;
	sa.sin_port = htons(atoi(argv[3]));
	if (argc >= 8) {
		cluster = strtoull(argv[4], NULL, 0);
		group = strtoul(argv[5], NULL, 0);
		from = strtoull(argv[6], NULL, 0);
		to = strtoull(argv[7], NULL, 0);
	}
	srand(time(NULL) ^ getpid());
	if (!strcmp(mode, "idle"))
		return idle(&sa, argc > 4 ? atoi(argv[4]) : 0);

	len = hello(f, cluster, group, from, to);
	if (!strcmp(mode, "random")) {
		for (size_t i = 0; i < sizeof(f); i++)
			f[i] = rand();
		f[0] = 'G';	/* never the magic */
		len = sizeof(f);
	} else if (!strcmp(mode, "oversized")) {
		le32(f + 8, 0xfffffff0U);
		len = RAFTLOG_FRAME_HDR_SIZE;
	} else if (!strcmp(mode, "badcrc")) {
		f[RAFTLOG_FRAME_HDR_SIZE + 40] ^= 0x10;
	} else if (!strcmp(mode, "badversion")) {
		f[4] = 9;
	} else if (!strcmp(mode, "truncated")) {
		len /= 2;
		truncated = 1;
	} else if (strcmp(mode, "hello")) {
		fprintf(stderr, "unknown mode %s\n", mode);
		return 2;
	}

	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("connect");
		return 2;
	}
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (send(s, f, len, MSG_NOSIGNAL) != (ssize_t)len) {
		perror("send");
		return 2;
	}
	if (truncated) {
		/* die in the middle of the frame: reset, no goodbye */
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };

		setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(s);
		printf("closed 0\n");
		return 0;
	}
	for (;;) {
		ssize_t n = recv(s, in + got, sizeof(in) - got, 0);

		if (n == 0 || (n < 0 && errno == ECONNRESET))
			break;
		if (n < 0) {
			printf("open\n");
			return 1;
		}
		got += n;
		if (!strcmp(mode, "hello") && got >= RAFTLOG_FRAME_HDR_SIZE &&
		    in[5] == RAFTLOG_FRAME_HELLO &&
		    got >= RAFTLOG_FRAME_HDR_SIZE + RAFTLOG_HELLO_SIZE) {
			printf("hello\n");
			close(s);
			return 0;
		}
	}
	if (got >= RAFTLOG_FRAME_HDR_SIZE + RAFTLOG_REJECT_SIZE &&
	    in[5] == RAFTLOG_FRAME_REJECT)
		printf("reject %u\n", get32(in + RAFTLOG_FRAME_HDR_SIZE));
	else
		printf("closed %zu\n", got);
	close(s);
	return 0;
}
