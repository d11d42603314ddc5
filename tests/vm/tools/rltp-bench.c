// SPDX-License-Identifier: GPL-2.0
/*
 * rltp-bench: the userspace TCP baseline for the transport benchmark
 * (tests/vm/transport-bench.sh).  It moves the same frames the kernel
 * transport moves (16-byte header + payload, CRC-32C over both, computed
 * by the sender and checked by the receiver) over one TCP connection with
 * TCP_NODELAY, so the two numbers compare like with like.
 *
 *   rltp-bench recv PORT COUNT       accept one connection, read COUNT frames
 *   rltp-bench send HOST PORT COUNT SIZE
 *
 * The receiver prints "frames N bytes B seconds S frames/s F MB/s M"
 * (timed from the first byte to the last frame).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/raftlog_wire.h>

static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0x82f63b78U & -(c & 1));
		crc_table[i] = c;
	}
}

static uint32_t crc32c(uint32_t crc, const uint8_t *p, size_t n)
{
	crc = ~crc;
	while (n--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int readall(int s, uint8_t *p, size_t n)
{
	while (n) {
		ssize_t r = recv(s, p, n, 0);

		if (r <= 0)
			return -1;
		p += r;
		n -= r;
	}
	return 0;
}

static int do_recv(int port, long count)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	uint8_t hdr[RAFTLOG_FRAME_HDR_SIZE], *buf = malloc(RAFTLOG_FRAME_MAX_PAYLOAD);
	int l = socket(AF_INET, SOCK_STREAM, 0), one = 1, s;
	double t0 = 0;
	long n = 0, bytes = 0;

	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (!buf || bind(l, (struct sockaddr *)&sa, sizeof(sa)) || listen(l, 1)) {
		perror("listen");
		return 2;
	}
	s = accept(l, NULL, NULL);
	for (; n < count; n++) {
		uint32_t len, crc;

		if (readall(s, hdr, sizeof(hdr)))
			break;
		if (!t0)
			t0 = now();
		len = hdr[8] | hdr[9] << 8 | hdr[10] << 16 | (uint32_t)hdr[11] << 24;
		crc = hdr[12] | hdr[13] << 8 | hdr[14] << 16 | (uint32_t)hdr[15] << 24;
		if (len > RAFTLOG_FRAME_MAX_PAYLOAD || readall(s, buf, len))
			break;
		memset(hdr + 12, 0, 4);
		if (crc32c(crc32c(0, hdr, sizeof(hdr)), buf, len) != crc) {
			fprintf(stderr, "bad crc at frame %ld\n", n);
			return 1;
		}
		bytes += sizeof(hdr) + len;
	}
	double dt = now() - t0;

	printf("frames %ld bytes %ld seconds %.3f frames/s %.0f MB/s %.1f\n",
	       n, bytes, dt, n / dt, bytes / dt / 1e6);
	return n == count ? 0 : 1;
}

static int do_send(const char *host, int port, long count, uint32_t size)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	uint8_t *f = calloc(1, RAFTLOG_FRAME_HDR_SIZE + size);
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	inet_pton(AF_INET, host, &sa.sin_addr);
	for (int tries = 0; connect(s, (struct sockaddr *)&sa, sizeof(sa)); tries++) {
		if (tries > 50) {
			perror("connect");
			return 2;
		}
		usleep(100000);
		close(s);
		s = socket(AF_INET, SOCK_STREAM, 0);
	}
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	for (long i = 0; i < count; i++) {
		uint8_t *h = f;
		uint32_t crc;

		for (uint32_t k = 0; k < size; k++)
			f[RAFTLOG_FRAME_HDR_SIZE + k] = (uint8_t)(i + k);
		memset(h, 0, RAFTLOG_FRAME_HDR_SIZE);
		h[0] = 'R'; h[1] = 'L'; h[2] = 'W'; h[3] = 'F';
		h[4] = RAFTLOG_WIRE_VERSION;
		h[5] = RAFTLOG_FRAME_RAFT;
		h[8] = size; h[9] = size >> 8; h[10] = size >> 16; h[11] = size >> 24;
		crc = crc32c(crc32c(0, h, RAFTLOG_FRAME_HDR_SIZE),
			     f + RAFTLOG_FRAME_HDR_SIZE, size);
		h[12] = crc; h[13] = crc >> 8; h[14] = crc >> 16; h[15] = crc >> 24;
		if (send(s, f, RAFTLOG_FRAME_HDR_SIZE + size, MSG_NOSIGNAL) !=
		    (ssize_t)(RAFTLOG_FRAME_HDR_SIZE + size)) {
			perror("send");
			return 1;
		}
	}
	close(s);
	return 0;
}

int main(int argc, char **argv)
{
	crc_init();
	if (argc == 4 && !strcmp(argv[1], "recv"))
		return do_recv(atoi(argv[2]), atol(argv[3]));
	if (argc == 6 && !strcmp(argv[1], "send"))
		return do_send(argv[2], atoi(argv[3]), atol(argv[4]), atoi(argv[5]));
	fprintf(stderr, "usage: rltp-bench recv PORT COUNT | send HOST PORT COUNT SIZE\n");
	return 2;
}
