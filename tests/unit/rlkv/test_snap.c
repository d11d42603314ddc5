// SPDX-License-Identifier: GPL-2.0
/*
 * rlkv's snapshots (sm_encode/sm_decode in userspace/rlkv/sm.c): a state
 * restored from a snapshot gives every later entry the same result as
 * the state it was taken from (keys, deleted keys, held and expired
 * locks, their tokens, the log's time); the decoder refuses every
 * truncation, every flipped byte, a snapshot of another index, and
 * hostile contents behind a valid checksum (huge counts, empty or
 * white-space tokens, a value "-", a key or lock twice, a token of an
 * index not applied, trailing bytes), and random bytes never crash it.
 */
#include <stdlib.h>
#include "sm.h"
#include "rltest.h"

static char res[SM_RESULT_MAX];

static const char *ap(struct sm *sm, uint64_t i, const char *entry)
{
	sm_apply(sm, i, entry, strlen(entry), res);
	return res;
}

/* a state with keys (some deleted), a held lock and an expired one */
static struct sm *sample(uint64_t *last)
{
	struct sm *sm = sm_new();
	uint64_t i = 0;
	char e[64];

	if (!sm)
		return NULL;
	for (int k = 0; k < 300; k++) {
		snprintf(e, sizeof(e), "1000 put k%d v%d", k, k * 7);
		ap(sm, ++i, e);
	}
	for (int k = 0; k < 300; k += 3) {
		snprintf(e, sizeof(e), "1000 del k%d", k);
		ap(sm, ++i, e);
	}
	ap(sm, ++i, "1000 lock held alice 100000");	/* token i */
	ap(sm, ++i, "1000 lock gone bob 10");		/* expires at 1010 */
	ap(sm, ++i, "2000 cas k1 v7 w1");		/* log time 2000 */
	sm_skip(sm, ++i);				/* a no-op entry */
	*last = i;
	return sm;
}

static uint64_t fnv64(const unsigned char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	while (n--)
		h = (h ^ *p++) * 1099511628211ULL;
	return h;
}

/* write a valid checksum at the end of buf */
static void seal(unsigned char *buf, size_t len)
{
	uint64_t h = fnv64(buf, len - 8);

	for (int i = 0; i < 8; i++)
		buf[len - 8 + i] = h >> (8 * i);
}

RL_TEST(snapshot_round_trip)
{
	static const char *const later[] = {
		"2100 lock gone carol 500",	/* expired: a new grant */
		"2100 lock held carol 500",	/* still alice's */
		"2100 renew held alice %T 500",
		"2100 unlock gone bob %G",	/* bob's token is gone */
		"2200 cas k1 w1 x1", "2200 cas k3 v21 x3", "2200 put k3 y",
		"2300 del k2", "2300 cas k2 - z2",
	};
	struct sm *a, *b;
	uint64_t last, tok = 0, gtok = 0;
	void *buf, *buf2;
	size_t len, len2;
	char err[128], e[128], ra[SM_RESULT_MAX];
	const char *owner;
	int64_t exp;

	a = sample(&last);
	RL_ASSERT(a != NULL);
	RL_ASSERT_EQ(sm_encode(a, &buf, &len), 0);
	b = sm_decode(buf, len, last, err, sizeof(err));
	RL_ASSERT(b != NULL);
	RL_EXPECT_EQ(sm_applied(b), last);
	RL_EXPECT_EQ(sm_time(b), 2000);
	RL_EXPECT_EQ(sm_keys(b), 200);
	RL_EXPECT_EQ(sm_keys(b), sm_keys(a));
	RL_EXPECT_EQ(sm_locks(b), 2);
	for (int k = 0; k < 300; k++) {
		char key[16];
		const char *va, *vb;

		snprintf(key, sizeof(key), "k%d", k);
		va = sm_get(a, key);
		vb = sm_get(b, key);
		RL_EXPECT((!va && !vb) || (va && vb && !strcmp(va, vb)));
	}
	RL_EXPECT(sm_lock_info(b, "held", &owner, &tok, &exp));
	RL_EXPECT(!strcmp(owner, "alice"));
	RL_EXPECT_EQ(exp, 101000);
	RL_EXPECT(!sm_lock_info(b, "gone", &owner, &gtok, &exp));
	gtok = tok + 1;
	/* a snapshot of the restored state decodes too */
	RL_ASSERT_EQ(sm_encode(b, &buf2, &len2), 0);
	RL_EXPECT_EQ(len2, len);
	free(buf2);
	/* every later entry: the same result on both */
	for (size_t k = 0; k < sizeof(later) / sizeof(later[0]); k++) {
		const char *t = strstr(later[k], "%T") ? "%T" : "%G";
		const char *p = strstr(later[k], t);

		if (p)
			snprintf(e, sizeof(e), "%.*s%llu", (int)(p - later[k]),
				 later[k], (unsigned long long)(t[1] == 'T' ? tok : gtok));
		else
			snprintf(e, sizeof(e), "%s", later[k]);
		snprintf(ra, sizeof(ra), "%s", ap(a, last + 1 + k, e));
		ap(b, last + 1 + k, e);
		if (strcmp(ra, res))
			RL_FAIL("\"%s\": %s before, %s restored", e, ra, res);
	}
	RL_EXPECT(!strcmp(sm_get(b, "k3"), "y"));
	RL_EXPECT(!strcmp(sm_get(b, "k2"), "z2"));
	RL_EXPECT(sm_lock_info(b, "gone", &owner, &tok, &exp));
	RL_EXPECT(!strcmp(owner, "carol"));
	/* another index than the one it was taken at */
	RL_EXPECT(sm_decode(buf, len, last + 1, err, sizeof(err)) == NULL);
	RL_EXPECT(strstr(err, "index") != NULL);
	free(buf);
	sm_free(a);
	sm_free(b);
	/* the empty state */
	a = sm_new();
	RL_ASSERT_EQ(sm_encode(a, &buf, &len), 0);
	b = sm_decode(buf, len, 0, err, sizeof(err));
	RL_EXPECT(b != NULL);
	RL_EXPECT_EQ(sm_keys(b), 0);
	free(buf);
	sm_free(a);
	sm_free(b);
}

RL_TEST(snapshot_truncated_or_flipped)
{
	struct sm *a, *b;
	uint64_t last;
	unsigned char *buf, *c;
	size_t len, refused = 0;
	char err[128];

	a = sample(&last);
	RL_ASSERT(a != NULL);
	RL_ASSERT_EQ(sm_encode(a, (void **)&buf, &len), 0);
	sm_free(a);
	/* every truncation (in a buffer of exactly that size, for ASan) */
	for (size_t n = 0; n < len; n++) {
		c = malloc(n ? n : 1);
		RL_ASSERT(c != NULL);
		memcpy(c, buf, n);
		b = sm_decode(c, n, last, err, sizeof(err));
		if (b) {
			RL_FAIL("truncated to %zu of %zu bytes: accepted", n, len);
			sm_free(b);
		} else {
			refused++;
		}
		free(c);
	}
	RL_EXPECT_EQ(refused, len);
	/* every byte flipped */
	c = malloc(len);
	RL_ASSERT(c != NULL);
	for (size_t i = 0; i < len; i++) {
		static const unsigned char x[] = { 0x01, 0x80, 0xff };

		for (int k = 0; k < 3; k++) {
			memcpy(c, buf, len);
			c[i] ^= x[k];
			b = sm_decode(c, len, last, err, sizeof(err));
			if (b) {
				RL_FAIL("byte %zu ^ %#x: accepted", i, x[k]);
				sm_free(b);
			}
		}
	}
	free(c);
	free(buf);
}

/* a snapshot by hand: header with counts, then body, sealed */
static size_t forge(unsigned char *out, uint64_t applied, uint64_t nkv,
		    uint64_t nlocks, const void *body, size_t blen)
{
	size_t n = 0;
	uint64_t h[4] = { applied, 5000, nkv, nlocks };

	memcpy(out, "RLKVSNAP\1\0\0\0\0\0\0\0", 16);
	n = 16;
	for (int k = 0; k < 4; k++)
		for (int i = 0; i < 8; i++)
			out[n++] = h[k] >> (8 * i);
	memcpy(out + n, body, blen);
	n += blen + 8;
	seal(out, n);
	return n;
}

RL_TEST(snapshot_hostile_contents)
{
	static const struct {
		uint64_t nkv, nlocks;
		const char *body;
		size_t blen;
		const char *why;
	} cases[] = {
		/* the valid baseline: key a=b, lock L by o, token 5 */
		{ 1, 1, "\1a\1b" "\1L\1o\5\0\0\0\0\0\0\0" "\0\0\0\0\0\0\0\0",
		  24, NULL },
		{ 1ULL << 60, 0, "\1a\1b", 4, "more keys" },
		{ 0, ~0ULL, "", 0, "more keys" },
		{ 2, 0, "\1a\1b", 4, "more keys" },
		{ 2, 0, "\1a\1b\1c\3d", 8, "truncated" },
		{ 1, 0, "\0\1b\1c", 5, "truncated" },	/* empty key */
		{ 1, 0, "\1a\5b", 4, "truncated" },		/* value runs out */
		{ 1, 0, "\1a\2b", 4, "truncated" },
		{ 1, 0, "\2a \1b", 5, "truncated" },		/* white space */
		{ 1, 0, "\2a\0\1b", 5, "truncated" },		/* NUL */
		{ 1, 0, "\1a\1-", 4, "\"-\"" },
		{ 2, 0, "\1a\1b\1a\1c", 8, "twice" },
		{ 0, 2, "\1L\1o\5\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
			"\1L\1p\6\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 40, "twice" },
		{ 0, 1, "\1L\1o\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 20,
		  "token" },
		{ 0, 1, "\1L\1o\11\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 20,
		  "token" },					/* 9 > applied 8 */
		{ 0, 1, "\1L\1o\5\0\0\0\0\0\0\0\0\0\0\0\0\0", 18,
		  "more keys" },
		{ 0, 1, "\1L\3o\5" "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 21,
		  "truncated" },				/* owner "o\5\0" */
		{ 1, 0, "\1a\1bX", 5, "after" },
	};
	unsigned char buf[256];
	char err[128];

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		size_t n = forge(buf, 8, cases[k].nkv, cases[k].nlocks,
				 cases[k].body, cases[k].blen);
		struct sm *sm = sm_decode(buf, n, 8, err, sizeof(err));

		if (!cases[k].why) {
			const char *owner;
			uint64_t token;
			int64_t exp;

			RL_EXPECT(sm != NULL);
			if (!sm)
				RL_FAIL("baseline refused: %s", err);
			RL_EXPECT(sm && !strcmp(sm_get(sm, "a"), "b"));
			RL_EXPECT(sm && !sm_lock_info(sm, "L", &owner, &token, &exp));
			RL_EXPECT(sm && !strncmp(ap(sm, 9, "5001 renew L o 5 1"), "lost", 4));
			RL_EXPECT(sm && !strcmp(ap(sm, 10, "5001 unlock L o 5"), "released"));
			sm_free(sm);
			continue;
		}
		if (sm) {
			RL_FAIL("case %zu accepted, want \"%s\"", k, cases[k].why);
			sm_free(sm);
		} else if (!strstr(err, cases[k].why)) {
			RL_FAIL("case %zu: \"%s\", want \"%s\"", k, err, cases[k].why);
		}
	}
	/* bad magic, version, reserved bytes */
	{
		size_t n = forge(buf, 8, 0, 0, "", 0);

		buf[0] = 'X';
		seal(buf, n);
		RL_EXPECT(!sm_decode(buf, n, 8, err, sizeof(err)) && strstr(err, "magic"));
		buf[0] = 'R';
		buf[8] = 2;
		seal(buf, n);
		RL_EXPECT(!sm_decode(buf, n, 8, err, sizeof(err)) && strstr(err, "version"));
		buf[8] = 1;
		buf[13] = 1;
		seal(buf, n);
		RL_EXPECT(!sm_decode(buf, n, 8, err, sizeof(err)) && strstr(err, "reserved"));
	}
}

RL_TEST(snapshot_random_bytes)
{
	unsigned char buf[512];
	char err[128];
	unsigned int seed = 42, accepted = 0;

	for (int t = 0; t < 20000; t++) {
		size_t n = 56 + rand_r(&seed) % (sizeof(buf) - 56);
		struct sm *sm;

		for (size_t i = 0; i < n; i++)
			buf[i] = rand_r(&seed) % 4 ? 'a' + rand_r(&seed) % 4 :
				 rand_r(&seed) % 24;
		forge(buf, 8, rand_r(&seed) % 8, rand_r(&seed) % 4, buf + 48,
		      n - 56);
		sm = sm_decode(buf, n, 8, err, sizeof(err));
		if (sm) {
			accepted++;
			sm_free(sm);
		}
	}
	RL_LOG("20000 random snapshots: %u decoded, the rest refused", accepted);
	/* a real snapshot with random bytes changed, resealed */
	{
		struct sm *a;
		unsigned char *good, *c;
		uint64_t last;
		size_t len;
		unsigned int ok = 0;

		a = sample(&last);
		RL_ASSERT(a != NULL);
		RL_ASSERT_EQ(sm_encode(a, (void **)&good, &len), 0);
		sm_free(a);
		c = malloc(len);
		RL_ASSERT(c != NULL);
		for (int t = 0; t < 5000; t++) {
			struct sm *sm;

			memcpy(c, good, len);
			for (int k = 1 + rand_r(&seed) % 3; k; k--)
				c[rand_r(&seed) % (len - 8)] = rand_r(&seed);
			seal(c, len);
			sm = sm_decode(c, len, last, err, sizeof(err));
			if (sm) {	/* then it is a state that works */
				ok++;
				ap(sm, last + 1, "3000 lock held x 10");
				ap(sm, last + 2, "3000 put k1 q");
				RL_EXPECT(!strcmp(sm_get(sm, "k1"), "q"));
				sm_free(sm);
			}
		}
		RL_LOG("5000 changed snapshots: %u still decode (changed a value)", ok);
		free(c);
		free(good);
	}
}

RL_SUITE(rlkv_snap, RL_CASE(snapshot_round_trip),
	 RL_CASE(snapshot_truncated_or_flipped),
	 RL_CASE(snapshot_hostile_contents), RL_CASE(snapshot_random_bytes));
