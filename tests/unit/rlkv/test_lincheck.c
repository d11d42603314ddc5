// SPDX-License-Identifier: GPL-2.0
/*
 * rlkv's linearizability checker (userspace/rlkv/lincheck.c) on histories
 * whose verdict is known: the textbook cases (a stale read, a read of a
 * value never written, two readers that see two writes in opposite
 * orders), what unknown and failed outcomes allow, compare-and-swap,
 * independent keys, parse errors, and large random histories generated
 * from a sequential execution (linearizable by construction) with and
 * without one read made stale.
 */
#include <stdlib.h>
#include "lincheck.h"
#include "rltest.h"

/* Check the history given as lines; returns lc_check()'s verdict or -1. */
static int verdict(const char *text)
{
	struct lc_history h;
	char err[256];
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc;

	if (!f)
		return -1;
	lc_init(&h);
	rc = lc_parse(&h, f, err, sizeof(err));
	fclose(f);
	if (!rc)
		rc = lc_check(&h, NULL, 0);
	else
		rc = -1;
	lc_free(&h);
	return rc;
}

RL_TEST(empty_history_is_linearizable)
{
	RL_EXPECT_EQ(verdict(""), LC_LINEARIZABLE);
	RL_EXPECT_EQ(verdict("# nothing\n\n"), LC_LINEARIZABLE);
}

RL_TEST(sequential_put_get_cas)
{
	RL_EXPECT_EQ(verdict(
		"i 1 1 100 put x a\nr 1 1 200 ok\n"
		"i 2 1 300 get x\nr 2 1 400 ok a\n"
		"i 1 2 500 cas x a b\nr 1 2 600 ok\n"
		"i 2 2 700 get x\nr 2 2 800 ok b\n"
		"i 1 3 900 del x\nr 1 3 950 ok\n"
		"i 2 3 960 get x\nr 2 3 970 ok -\n"), LC_LINEARIZABLE);
}

RL_TEST(read_of_absent_key)
{
	RL_EXPECT_EQ(verdict("i 1 1 1 get x\nr 1 1 2 ok -\n"), LC_LINEARIZABLE);
	RL_EXPECT_EQ(verdict("i 1 1 1 get x\nr 1 1 2 ok a\n"), LC_VIOLATION);
}

RL_TEST(concurrent_read_may_see_either)
{
	const char *base = "i 1 1 100 put x a\nr 1 1 200 ok\n"
			   "i 1 2 300 put x b\n"
			   "i 2 1 310 get x\n";
	char h[512];

	snprintf(h, sizeof(h), "%sr 2 1 320 ok a\nr 1 2 400 ok\n", base);
	RL_EXPECT_EQ(verdict(h), LC_LINEARIZABLE);
	snprintf(h, sizeof(h), "%sr 2 1 320 ok b\nr 1 2 400 ok\n", base);
	RL_EXPECT_EQ(verdict(h), LC_LINEARIZABLE);
}

RL_TEST(stale_read_after_write_completed)
{
	RL_EXPECT_EQ(verdict(
		"i 1 1 100 put x a\nr 1 1 200 ok\n"
		"i 1 2 300 put x b\nr 1 2 400 ok\n"
		"i 2 1 500 get x\nr 2 1 600 ok a\n"), LC_VIOLATION);
}

RL_TEST(readers_disagree_on_write_order)
{
	/* a and b written concurrently; reader 3 sees a then b, reader 4
	 * (after reader 3's first read) sees b then a: no single order */
	RL_EXPECT_EQ(verdict(
		"i 1 1 100 put x a\ni 2 1 100 put x b\n"
		"i 3 1 200 get x\nr 3 1 210 ok a\n"
		"i 4 1 220 get x\nr 4 1 230 ok b\n"
		"i 3 2 240 get x\nr 3 2 250 ok a\n"
		"r 1 1 1000 ok\nr 2 1 1000 ok\n"), LC_VIOLATION);
	/* the same reads, each reader alone: fine */
	RL_EXPECT_EQ(verdict(
		"i 1 1 100 put x a\ni 2 1 100 put x b\n"
		"i 3 1 200 get x\nr 3 1 210 ok a\n"
		"i 4 1 220 get x\nr 4 1 230 ok b\n"
		"r 1 1 1000 ok\nr 2 1 1000 ok\n"), LC_LINEARIZABLE);
}

RL_TEST(unknown_write_may_take_effect_late)
{
	/* the put's outcome is unknown: it may take effect any time after
	 * its invocation, even after later operations */
	RL_EXPECT_EQ(verdict(
		"i 1 1 100 put x a\nr 1 1 200 unknown\n"
		"i 2 1 300 get x\nr 2 1 400 ok -\n"
		"i 2 2 500 get x\nr 2 2 600 ok a\n"), LC_LINEARIZABLE);
	/* an invocation without a response is unknown too */
	RL_EXPECT_EQ(verdict(
		"i 1 1 100 put x a\n"
		"i 2 1 300 get x\nr 2 1 400 ok -\n"
		"i 2 2 500 get x\nr 2 2 600 ok a\n"), LC_LINEARIZABLE);
	/* ... but not before it was invoked */
	RL_EXPECT_EQ(verdict(
		"i 2 1 50 get x\nr 2 1 60 ok a\n"
		"i 1 1 100 put x a\nr 1 1 200 unknown\n"), LC_VIOLATION);
	/* and once seen it cannot be undone */
	RL_EXPECT_EQ(verdict(
		"i 1 1 100 put x a\nr 1 1 200 unknown\n"
		"i 2 1 300 get x\nr 2 1 400 ok a\n"
		"i 2 2 500 get x\nr 2 2 600 ok -\n"), LC_VIOLATION);
}

RL_TEST(failed_write_must_not_be_seen)
{
	RL_EXPECT_EQ(verdict(
		"i 1 1 100 put x a\nr 1 1 200 fail\n"
		"i 2 1 300 get x\nr 2 1 400 ok a\n"), LC_VIOLATION);
	RL_EXPECT_EQ(verdict(
		"i 1 1 100 put x a\nr 1 1 200 fail\n"
		"i 2 1 300 get x\nr 2 1 400 ok -\n"), LC_LINEARIZABLE);
	/* reads that failed or are unknown observe nothing */
	RL_EXPECT_EQ(verdict(
		"i 2 1 300 get x\nr 2 1 400 fail\n"
		"i 2 2 500 get x\nr 2 2 600 unknown\n"), LC_LINEARIZABLE);
}

RL_TEST(compare_and_swap)
{
	/* ok needs the old value */
	RL_EXPECT_EQ(verdict(
		"i 1 1 100 put x a\nr 1 1 200 ok\n"
		"i 1 2 300 cas x b c\nr 1 2 400 ok\n"), LC_VIOLATION);
	/* mismatch needs another value */
	RL_EXPECT_EQ(verdict(
		"i 1 1 100 put x a\nr 1 1 200 ok\n"
		"i 1 2 300 cas x a c\nr 1 2 400 mismatch\n"), LC_VIOLATION);
	RL_EXPECT_EQ(verdict(
		"i 1 1 100 put x a\nr 1 1 200 ok\n"
		"i 1 2 300 cas x b c\nr 1 2 400 mismatch\n"
		"i 1 3 500 get x\nr 1 3 600 ok a\n"), LC_LINEARIZABLE);
	/* cas on an absent key ("-") */
	RL_EXPECT_EQ(verdict(
		"i 1 1 100 cas x - a\nr 1 1 200 ok\n"
		"i 1 2 300 get x\nr 1 2 400 ok a\n"), LC_LINEARIZABLE);
	/* two concurrent cas from the same value: only one can win */
	RL_EXPECT_EQ(verdict(
		"i 1 1 100 put x a\nr 1 1 200 ok\n"
		"i 1 2 300 cas x a b\ni 2 1 300 cas x a c\n"
		"r 1 2 400 ok\nr 2 1 400 ok\n"), LC_VIOLATION);
	/* an unknown cas applies only if its comparison holds */
	RL_EXPECT_EQ(verdict(
		"i 1 1 100 put x a\nr 1 1 200 ok\n"
		"i 1 2 300 cas x z b\nr 1 2 400 unknown\n"
		"i 2 1 500 get x\nr 2 1 600 ok b\n"), LC_VIOLATION);
}

RL_TEST(keys_are_independent)
{
	/* y's history alone is wrong */
	RL_EXPECT_EQ(verdict(
		"i 1 1 100 put x a\nr 1 1 200 ok\n"
		"i 1 2 300 put y a\nr 1 2 400 ok\n"
		"i 2 1 500 get x\nr 2 1 600 ok a\n"
		"i 2 2 700 get y\nr 2 2 800 ok -\n"), LC_VIOLATION);
	/* a value of x is not one of y */
	RL_EXPECT_EQ(verdict(
		"i 1 1 100 put x a\nr 1 1 200 ok\n"
		"i 2 1 500 get y\nr 2 1 600 ok a\n"), LC_VIOLATION);
}

RL_TEST(bad_histories_do_not_parse)
{
	RL_EXPECT_EQ(verdict("r 1 1 200 ok\n"), -1);
	RL_EXPECT_EQ(verdict("i 1 1 100 put x a\nr 1 1 200 maybe\n"), -1);
	RL_EXPECT_EQ(verdict("i 1 1 100 put x a\nr 1 1 50 ok\n"), -1);
	RL_EXPECT_EQ(verdict("i 1 1 100 put x\n"), -1);
	RL_EXPECT_EQ(verdict("i 1 1 100 frob x\n"), -1);
	RL_EXPECT_EQ(verdict("i 1 1 100 get x\nr 1 1 200 ok\n"), -1);
	RL_EXPECT_EQ(verdict("i 1 1 100 put x a\ni 1 1 150 put x b\n"), -1);
	RL_EXPECT_EQ(verdict("i 1 1 100 put x a\nr 1 1 200 ok\nr 1 1 300 ok\n"), -1);
}

/*
 * A random history of procs processes on keys keys that is linearizable
 * by construction: operations run one at a time on a real register
 * (their linearization points, in order), and each gets an interval that
 * contains its point and overlaps its neighbours'.  Some outcomes are
 * made unknown (their response dropped) or failed (and then they do not
 * run).  With stale set, one read in the second half returns the value
 * its key had before the latest completed write preceding the read's
 * invocation: a stale read.
 */
static char *random_history(unsigned int seed, int nops, int procs, int keys,
			    int stale)
{
	size_t cap = (size_t)nops * 160 + 64, off = 0;
	char *out = malloc(cap);
	char val[8][32];
	long long busy_until[64] = { 0 };
	int stale_done = 0;
	/* the write that last completed on each key, and what was before
	 * it (known: written by a put that completed, so it cannot take
	 * effect again later) */
	long long last_write_ret[8] = { 0 };
	char before_last[8][32];
	int val_known[8], before_known[8];

	if (!out)
		abort();
	srandom(seed);
	for (int k = 0; k < keys; k++) {
		strcpy(val[k], "-");
		strcpy(before_last[k], "-");
		val_known[k] = before_known[k] = 1;
	}
	for (int i = 0; i < nops; i++) {
		long long point = 1000 + (long long)i * 100;
		int p = random() % procs, k = random() % keys, r = random() % 100;
		long long call, ret;
		int fate = random() % 100;	/* <5 unknown, <8 fail */

		/* a process runs one operation at a time */
		call = point - (random() % 400);
		if (call <= busy_until[p])
			call = busy_until[p] + 1;
		if (call > point) {	/* process busy: take another */
			for (p = 0; p < procs && busy_until[p] >= point; p++)
				;
			if (p == procs)
				continue;
			call = point - 1;
		}
		ret = point + (random() % 400) + 1;
		busy_until[p] = ret;
		if (r < 50) {
			const char *seen = val[k];

			if (stale && !stale_done && i > nops / 2 &&
			    last_write_ret[k] && last_write_ret[k] < call &&
			    before_known[k]) {
				seen = before_last[k];
				stale_done = 1;
			}
			off += snprintf(out + off, cap - off,
					"i %d %d %lld get k%d\nr %d %d %lld ok %s\n",
					p, i, call, k, p, i, ret, seen);
		} else {
			char v[32];

			snprintf(v, sizeof(v), "v%d", i);
			if (fate < 8 && fate >= 5) {	/* failed: no effect */
				off += snprintf(out + off, cap - off,
						"i %d %d %lld put k%d %s\nr %d %d %lld fail\n",
						p, i, call, k, v, p, i, ret);
				continue;
			}
			strcpy(before_last[k], val[k]);
			before_known[k] = val_known[k];
			strcpy(val[k], v);
			val_known[k] = fate >= 5;
			last_write_ret[k] = fate < 5 ? 0 : ret;
			if (fate < 5) {	/* unknown: the response is lost */
				off += snprintf(out + off, cap - off,
						"i %d %d %lld put k%d %s\n",
						p, i, call, k, v);
				busy_until[p] = point;
			} else {
				off += snprintf(out + off, cap - off,
						"i %d %d %lld put k%d %s\nr %d %d %lld ok\n",
						p, i, call, k, v, p, i, ret);
			}
		}
	}
	if (stale && !stale_done) {
		free(out);
		return NULL;
	}
	return out;
}

RL_TEST(random_linearizable_histories)
{
	for (unsigned int seed = 1; seed <= 20; seed++) {
		char *h = random_history(seed, 2000, 6, 3, 0);

		RL_ASSERT(h != NULL);
		RL_EXPECT_EQ(verdict(h), LC_LINEARIZABLE);
		free(h);
	}
}

RL_TEST(random_histories_with_one_stale_read)
{
	int tried = 0;

	for (unsigned int seed = 1; seed <= 40 && tried < 10; seed++) {
		char *h = random_history(seed, 2000, 6, 3, 1);

		if (!h)
			continue;
		tried++;
		RL_EXPECT_EQ(verdict(h), LC_VIOLATION);
		free(h);
	}
	RL_EXPECT(tried >= 5);
}

RL_SUITE(lincheck,
	 RL_CASE(empty_history_is_linearizable),
	 RL_CASE(sequential_put_get_cas),
	 RL_CASE(read_of_absent_key),
	 RL_CASE(concurrent_read_may_see_either),
	 RL_CASE(stale_read_after_write_completed),
	 RL_CASE(readers_disagree_on_write_order),
	 RL_CASE(unknown_write_may_take_effect_late),
	 RL_CASE(failed_write_must_not_be_seen),
	 RL_CASE(compare_and_swap),
	 RL_CASE(keys_are_independent),
	 RL_CASE(bad_histories_do_not_parse),
	 RL_CASE(random_linearizable_histories),
	 RL_CASE(random_histories_with_one_stale_read));
