// SPDX-License-Identifier: GPL-2.0
/*
 * rlkv's state machine (userspace/rlkv/sm.c): keys and compare-and-swap;
 * locks whose fencing token is the index of the granting entry, leases
 * measured in the log's own time (the largest proposer timestamp so
 * far, never backwards), renewals and releases only by the holder of
 * the current token.
 */
#include <stdlib.h>
#include "sm.h"
#include "rltest.h"

static uint64_t idx;

static const char *ap(struct sm *sm, const char *entry)
{
	static char res[SM_RESULT_MAX];

	sm_apply(sm, ++idx, entry, strlen(entry), res);
	return res;
}

RL_TEST(keys_and_cas)
{
	struct sm *sm = sm_new();

	RL_ASSERT(sm != NULL);
	idx = 0;
	RL_EXPECT(!strcmp(ap(sm, "1 put a x"), "ok"));
	RL_EXPECT(!strcmp(sm_get(sm, "a"), "x"));
	RL_EXPECT(!strcmp(ap(sm, "2 cas a y z"), "mismatch x"));
	RL_EXPECT(!strcmp(sm_get(sm, "a"), "x"));
	RL_EXPECT(!strcmp(ap(sm, "3 cas a x z"), "ok"));
	RL_EXPECT(!strcmp(sm_get(sm, "a"), "z"));
	RL_EXPECT(!strcmp(ap(sm, "4 cas b - q"), "ok"));
	RL_EXPECT(!strcmp(ap(sm, "4 cas b - r"), "mismatch q"));
	RL_EXPECT(!strcmp(ap(sm, "5 del a"), "ok"));
	RL_EXPECT(sm_get(sm, "a") == NULL);
	RL_EXPECT(!strcmp(ap(sm, "5 cas a z w"), "mismatch -"));
	RL_EXPECT_EQ(sm_keys(sm), 1);
	/* no value "-", no junk */
	RL_EXPECT(!strncmp(ap(sm, "6 put a -"), "bad", 3));
	RL_EXPECT(!strncmp(ap(sm, "6 frob a"), "bad", 3));
	RL_EXPECT(!strncmp(ap(sm, "garbage"), "bad", 3));
	RL_EXPECT_EQ(sm_applied(sm), idx);
	for (int i = 0; i < 1000; i++) {
		char e[64];

		snprintf(e, sizeof(e), "7 put k%d v%d", i, i);
		ap(sm, e);
	}
	RL_EXPECT_EQ(sm_keys(sm), 1001);
	RL_EXPECT(!strcmp(sm_get(sm, "k777"), "v777"));
	sm_free(sm);
}

RL_TEST(lock_tokens_and_leases)
{
	struct sm *sm = sm_new();
	const char *owner;
	uint64_t token, t1, t2;
	int64_t exp;
	const char *r;

	RL_ASSERT(sm != NULL);
	idx = 0;
	ap(sm, "1000 put x 1");
	r = ap(sm, "1000 lock L a 100");
	RL_EXPECT(sscanf(r, "granted %llu", (unsigned long long *)&t1) == 1);
	RL_EXPECT_EQ(t1, 2);		/* the index of the grant */
	RL_EXPECT(sm_lock_info(sm, "L", &owner, &token, &exp));
	RL_EXPECT(!strcmp(owner, "a"));
	RL_EXPECT_EQ(exp, 1100);
	/* another owner waits while the lease holds */
	RL_EXPECT(!strncmp(ap(sm, "1050 lock L b 100"), "held a 2 1100", 13));
	/* the holder renews with its token; an old token does nothing */
	RL_EXPECT(!strcmp(ap(sm, "1060 renew L a 2 100"), "renewed 1160"));
	RL_EXPECT(!strcmp(ap(sm, "1060 renew L a 1 100"), "lost"));
	RL_EXPECT(!strcmp(ap(sm, "1060 renew L b 2 100"), "lost"));
	/* asking again keeps the token */
	RL_EXPECT(!strcmp(ap(sm, "1070 lock L a 100"), "granted 2 1170"));
	/* the log's time passes the lease: b takes it with a new token */
	r = ap(sm, "1200 lock L b 100");
	RL_EXPECT(sscanf(r, "granted %llu", (unsigned long long *)&t2) == 1);
	RL_EXPECT(t2 > t1);
	RL_EXPECT(!strcmp(ap(sm, "1210 renew L a 2 100"), "lost"));
	RL_EXPECT(!strcmp(ap(sm, "1210 unlock L a 2"), "lost"));
	/* a proposer with a slow clock does not turn the log's time back */
	RL_EXPECT(!strncmp(ap(sm, "900 lock L c 100"), "held b", 6));
	RL_EXPECT_EQ(sm_time(sm), 1210);
	/* released: free at once, the next grant has a larger token */
	{
		char e[64];

		snprintf(e, sizeof(e), "1220 unlock L b %llu",
			 (unsigned long long)t2);
		RL_EXPECT(!strcmp(ap(sm, e), "released"));
	}
	RL_EXPECT(!sm_lock_info(sm, "L", &owner, &token, &exp));
	r = ap(sm, "1230 lock L c 100");
	RL_EXPECT(sscanf(r, "granted %llu", (unsigned long long *)&token) == 1);
	RL_EXPECT(token > t2);
	/* locks and keys do not mix */
	RL_EXPECT(sm_get(sm, "L") == NULL);
	RL_EXPECT(!strcmp(sm_get(sm, "x"), "1"));
	sm_free(sm);
}

RL_SUITE(rlkv_sm, RL_CASE(keys_and_cas), RL_CASE(lock_tokens_and_leases));
