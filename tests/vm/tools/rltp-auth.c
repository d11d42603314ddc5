// SPDX-License-Identifier: GPL-2.0
/*
 * rltp-auth: a dialer that knows the cluster secret, for the guest tests
 * of per-frame authentication (tests/vm/secure-frames.sh).  It runs the
 * handshake (docs/wire.md) as node FROM towards node TO, derives the
 * session key, then sends one RAFT frame (an APPEND of one entry, as
 * raftlog_tpctl's receiver checks them) per ACTION:
 *
 *	good	a correctly authenticated frame, the next sequence number
 *	tamper	a good frame with one entry byte changed afterwards and the
 *		crc recomputed (what an on-path attacker can do)
 *	replay	the previous frame again, byte for byte
 *	skip	a good frame that skips a sequence number
 *	nomac	a plain frame (no MAC flag, right crc)
 *	forged	a frame signed with a key from another secret
 *	other	a good frame whose message claims another sender (node 77)
 *
 *   rltp-auth HOST PORT CLUSTER GROUP FROM TO SECRET ACTION...
 *
 * Prints "closed" when the server closed the connection within 3 s of the
 * last frame, "open" otherwise (exit 0 either way), "reject R" when the
 * handshake was refused; exit 2 on usage or connection errors.
 * SHA-256 and HMAC are implemented here (the test kernel has no AF_ALG).
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

/* ---- SHA-256, HMAC-SHA256 (FIPS 180-4, RFC 2104) ---- */

struct sha {
	uint32_t h[8];
	uint8_t buf[64];
	uint64_t len;
};

static const uint32_t K256[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha_block(struct sha *s, const uint8_t *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | p[4 * i + 1] << 16 |
		       p[4 * i + 2] << 8 | p[4 * i + 3];
	for (; i < 64; i++)
		w[i] = (ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10)) +
		       w[i - 7] +
		       (ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3)) +
		       w[i - 16];
	a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3];
	e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];
	for (i = 0; i < 64; i++) {
		t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
		     ((e & f) ^ (~e & g)) + K256[i] + w[i];
		t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
		     ((a & b) ^ (a & c) ^ (b & c));
		h = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
	s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

static void sha_init(struct sha *s)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(s->h, iv, sizeof(iv));
	s->len = 0;
}

static void sha_update(struct sha *s, const uint8_t *p, size_t n)
{
	while (n--) {
		s->buf[s->len++ % 64] = *p++;
		if (s->len % 64 == 0)
			sha_block(s, s->buf);
	}
}

static void sha_final(struct sha *s, uint8_t out[32])
{
	uint64_t bits = s->len * 8;
	uint8_t pad = 0x80, zero = 0, l[8];
	int i;

	sha_update(s, &pad, 1);
	while (s->len % 64 != 56)
		sha_update(s, &zero, 1);
	for (i = 0; i < 8; i++)
		l[i] = bits >> (56 - 8 * i);
	sha_update(s, l, 8);
	for (i = 0; i < 32; i++)
		out[i] = s->h[i / 4] >> (24 - 8 * (i % 4));
}

static void hmac(const uint8_t *key, size_t klen, const uint8_t *m, size_t n,
		 uint8_t out[32])
{
	uint8_t k[64] = { 0 }, pad[64], inner[32];
	struct sha s;
	int i;

	if (klen > 64) {
		sha_init(&s);
		sha_update(&s, key, klen);
		sha_final(&s, k);
	} else {
		memcpy(k, key, klen);
	}
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x36;
	sha_init(&s);
	sha_update(&s, pad, 64);
	sha_update(&s, m, n);
	sha_final(&s, inner);
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x5c;
	sha_init(&s);
	sha_update(&s, pad, 64);
	sha_update(&s, inner, 32);
	sha_final(&s, out);
}

/* ---- frames ---- */

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
static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void hdr(uint8_t *f, uint8_t type, uint16_t flags, uint32_t plen)
{
	le32(f, RAFTLOG_WIRE_MAGIC);
	f[4] = RAFTLOG_WIRE_VERSION;
	f[5] = type;
	le16(f + 6, flags);
	le32(f + 8, plen);
	le32(f + 12, 0);
}

static void crc_seal(uint8_t *f, uint32_t plen)
{
	le32(f + 12, 0);
	le32(f + 12, crc32c(0, f, RAFTLOG_FRAME_HDR_SIZE + plen));
}

static int s_fd;

static void send_all(const uint8_t *p, size_t n)
{
	if (send(s_fd, p, n, MSG_NOSIGNAL) != (ssize_t)n) {
		perror("send");
		exit(2);
	}
}

/* One frame: header into @f, payload after it; returns its type. */
static int read_frame(uint8_t *f, size_t cap)
{
	uint32_t len;

	if (recv(s_fd, f, RAFTLOG_FRAME_HDR_SIZE, MSG_WAITALL) != RAFTLOG_FRAME_HDR_SIZE)
		return -1;
	len = f[8] | f[9] << 8 | f[10] << 16 | (uint32_t)f[11] << 24;
	if (len > cap - RAFTLOG_FRAME_HDR_SIZE)
		return -1;
	if (len && recv(s_fd, f + RAFTLOG_FRAME_HDR_SIZE, len, MSG_WAITALL) != (ssize_t)len)
		return -1;
	return f[5];
}

static void transcript(uint8_t *t, const char *label, uint64_t cluster,
		       uint32_t group, uint64_t d, uint64_t a,
		       const uint8_t *nd, const uint8_t *na)
{
	memcpy(t, label, 8);
	le64(t + 8, cluster);
	le32(t + 16, group);
	le16(t + 20, RAFTLOG_WIRE_VERSION);
	le16(t + 22, 0);
	le64(t + 24, d);
	le64(t + 32, a);
	memcpy(t + 40, nd, RAFTLOG_NONCE_SIZE);
	memcpy(t + 72, na, RAFTLOG_NONCE_SIZE);
}

#define ENTRY_LEN	32
#define MSG_LEN		(RAFTLOG_MSG_FIXED_SIZE + RAFTLOG_ENTRY_HDR_SIZE + ENTRY_LEN)
#define FRAME_LEN	(RAFTLOG_FRAME_HDR_SIZE + MSG_LEN + RAFTLOG_FRAME_TRAILER_SIZE)

/* An APPEND of one entry at @index from @from to @to, as tpctl checks it. */
static void append(uint8_t *p, uint64_t from, uint64_t to, uint64_t index)
{
	uint8_t *e = p + RAFTLOG_MSG_FIXED_SIZE;

	memset(p, 0, MSG_LEN);
	p[0] = 5;			/* RAFT_MSG_APPEND */
	le64(p + 8, from);
	le64(p + 16, to);
	le64(p + 24, 1);		/* term */
	le64(p + 40, index);
	le32(p + 80, 1);		/* n_entries */
	le64(e, 1);
	le64(e + 8, index);
	le32(e + 20, ENTRY_LEN);
	for (int i = 0; i < ENTRY_LEN; i++)
		e[RAFTLOG_ENTRY_HDR_SIZE + i] = (uint8_t)(index + i);
}

/* A whole authenticated frame for @msg with @seq under @key. */
static void signed_frame(uint8_t *f, const uint8_t *key, uint64_t seq)
{
	uint32_t plen = MSG_LEN + RAFTLOG_FRAME_TRAILER_SIZE;

	hdr(f, RAFTLOG_FRAME_RAFT, RAFTLOG_FRAME_F_MAC, plen);
	le64(f + FRAME_LEN - RAFTLOG_FRAME_TRAILER_SIZE, seq);
	hmac(key, 32, f, FRAME_LEN - RAFTLOG_MAC_SIZE,
	     f + FRAME_LEN - RAFTLOG_MAC_SIZE);
	crc_seal(f, plen);
}

int main(int argc, char **argv)
{
	static uint8_t f[4096], prev[FRAME_LEN];
	uint8_t nd[RAFTLOG_NONCE_SIZE], na[RAFTLOG_NONCE_SIZE];
	uint8_t t[RAFTLOG_TRANSCRIPT_SIZE], key[32], bad[32];
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 5 };
	uint64_t cluster, from, to, acc, seq = 0, index = 0;
	const char *secret;
	uint32_t group;
	uint8_t *p;
	int type, i;

	if (argc < 9) {
		fprintf(stderr, "usage: rltp-auth HOST PORT CLUSTER GROUP FROM TO SECRET ACTION...\n");
		return 2;
	}
	if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1)
		return 2;
	sa.sin_port = htons(atoi(argv[2]));
	cluster = strtoull(argv[3], NULL, 0);
	group = strtoul(argv[4], NULL, 0);
	from = strtoull(argv[5], NULL, 0);
	to = strtoull(argv[6], NULL, 0);
	secret = argv[7];
	srand(time(NULL) ^ getpid());
	for (i = 0; i < RAFTLOG_NONCE_SIZE; i++)
		nd[i] = rand();

	s_fd = socket(AF_INET, SOCK_STREAM, 0);
	if (s_fd < 0 || connect(s_fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("connect");
		return 2;
	}
	setsockopt(s_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

	/* HELLO with the AUTH flag, no proof */
	p = f + RAFTLOG_FRAME_HDR_SIZE;
	memset(p, 0, RAFTLOG_HELLO_SIZE);
	le16(p, RAFTLOG_WIRE_VERSION);
	le16(p + 2, RAFTLOG_HELLO_F_AUTH);
	le32(p + 4, group);
	le64(p + 8, cluster);
	le64(p + 16, from);
	le64(p + 24, to);
	memcpy(p + 32, nd, RAFTLOG_NONCE_SIZE);
	hdr(f, RAFTLOG_FRAME_HELLO, 0, RAFTLOG_HELLO_SIZE);
	crc_seal(f, RAFTLOG_HELLO_SIZE);
	send_all(f, RAFTLOG_FRAME_HDR_SIZE + RAFTLOG_HELLO_SIZE);
	type = read_frame(f, sizeof(f));
	if (type == RAFTLOG_FRAME_REJECT) {
		printf("reject %u\n", p[0] | p[1] << 8);
		return 1;
	}
	if (type != RAFTLOG_FRAME_HELLO) {
		fprintf(stderr, "rltp-auth: no HELLO (%d)\n", type);
		return 2;
	}
	acc = get64(p + 16);
	memcpy(na, p + 32, RAFTLOG_NONCE_SIZE);
	/* our proof */
	transcript(t, "RLAUTH-D", cluster, group, from, acc, nd, na);
	hmac((const uint8_t *)secret, strlen(secret), t, sizeof(t), p);
	hdr(f, RAFTLOG_FRAME_AUTH, 0, RAFTLOG_AUTH_SIZE);
	crc_seal(f, RAFTLOG_AUTH_SIZE);
	send_all(f, RAFTLOG_FRAME_HDR_SIZE + RAFTLOG_AUTH_SIZE);
	type = read_frame(f, sizeof(f));
	if (type == RAFTLOG_FRAME_REJECT) {
		printf("reject %u\n", p[0] | p[1] << 8);
		return 1;
	}
	if (type != RAFTLOG_FRAME_READY) {
		fprintf(stderr, "rltp-auth: no READY (%d)\n", type);
		return 2;
	}
	transcript(t, "RLSESS-K", cluster, group, from, acc, nd, na);
	hmac((const uint8_t *)secret, strlen(secret), t, sizeof(t), key);
	hmac((const uint8_t *)"not-the-secret", 14, t, sizeof(t), bad);

	for (i = 8; i < argc; i++) {
		const char *a = argv[i];
		uint8_t *m = f + RAFTLOG_FRAME_HDR_SIZE;

		if (!strcmp(a, "replay")) {
			send_all(prev, FRAME_LEN);
			continue;
		}
		append(m, !strcmp(a, "other") ? 77 : from, to, ++index);
		if (!strcmp(a, "nomac")) {
			hdr(f, RAFTLOG_FRAME_RAFT, 0, MSG_LEN);
			crc_seal(f, MSG_LEN);
			send_all(f, RAFTLOG_FRAME_HDR_SIZE + MSG_LEN);
			continue;
		}
		if (!strcmp(a, "skip"))
			seq++;
		signed_frame(f, strcmp(a, "forged") ? key : bad, ++seq);
		if (!strcmp(a, "tamper")) {
			m[RAFTLOG_MSG_FIXED_SIZE + RAFTLOG_ENTRY_HDR_SIZE] ^= 1;
			crc_seal(f, MSG_LEN + RAFTLOG_FRAME_TRAILER_SIZE);
		} else if (strcmp(a, "good") && strcmp(a, "skip") &&
			   strcmp(a, "forged") && strcmp(a, "other")) {
			fprintf(stderr, "rltp-auth: unknown action %s\n", a);
			return 2;
		}
		memcpy(prev, f, FRAME_LEN);
		send_all(f, FRAME_LEN);
	}
	/* closed by the server within 3 s? */
	tv.tv_sec = 3;
	setsockopt(s_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (;;) {
		ssize_t n = recv(s_fd, f, sizeof(f), 0);

		if (n == 0 || (n < 0 && errno == ECONNRESET)) {
			printf("closed\n");
			break;
		}
		if (n < 0) {
			printf("open\n");
			break;
		}
	}
	close(s_fd);
	return 0;
}
