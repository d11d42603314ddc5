// SPDX-License-Identifier: GPL-2.0
/*
 * Membership: single-server changes, learners that catch up without
 * voting and are then promoted, "takes effect when appended" (and reverts
 * when truncated), one change at a time, and a leader removing itself.
 */
#include "thelp.h"

static struct tnet *elected(u32 n)
{
	struct tnet *t = tnet_new(n, NULL);

	if (!t)
		return NULL;
	tnet_campaign(t, 1);
	tnet_tick_all(t, 1);
	return t;
}

RL_TEST(conf_change_codec_round_trip_and_rejects_garbage)
{
	u8 buf[RAFT_CONF_CHANGE_SIZE], type = 0;
	u64 node = 0;

	raft_conf_change_encode(buf, RAFT_CC_ADD_LEARNER, 0x0102030405060708ULL);
	RL_EXPECT_EQ(raft_conf_change_decode(buf, sizeof(buf), &type, &node), 0);
	RL_EXPECT_EQ(type, RAFT_CC_ADD_LEARNER);
	RL_EXPECT(node == 0x0102030405060708ULL);
	RL_EXPECT_EQ(raft_conf_change_decode(buf, sizeof(buf) - 1, &type,
					     &node), -EINVAL);
	buf[1] = 9;
	RL_EXPECT_EQ(raft_conf_change_decode(buf, sizeof(buf), &type, &node),
		     -EINVAL);
	raft_conf_change_encode(buf, RAFT_CC_REMOVE, 0);
	RL_EXPECT_EQ(raft_conf_change_decode(buf, sizeof(buf), &type, &node),
		     -EINVAL);
}

RL_TEST(full_conf_change_codec_round_trip)
{
	struct raft_conf c = { .n_voters = 2, .n_learners = 1,
			       .voters = { 1, 3 }, .learners = { 7 } };
	struct raft_conf out;
	u8 *buf = rl_malloc(RAFT_CONF_CHANGE_MAX_SIZE);
	u8 type = 0;
	u64 node = 0;
	u32 len;

	RL_ASSERT(buf);
	len = raft_conf_change_encode_full(buf, RAFT_CC_ADD_LEARNER, 7, &c);
	RL_EXPECT_EQ(len, 12 + 3 * 8);
	RL_EXPECT_EQ(raft_conf_change_decode_full(buf, len, &type, &node, &out),
		     0);
	RL_EXPECT_EQ(type, RAFT_CC_ADD_LEARNER);
	RL_EXPECT_EQ(node, 7);
	RL_EXPECT_EQ(out.n_voters, 2);
	RL_EXPECT_EQ(out.voters[1], 3);
	RL_EXPECT_EQ(out.learners[0], 7);
	/* the plain decoder reads it too; lengths must agree with counts */
	RL_EXPECT_EQ(raft_conf_change_decode(buf, len, &type, &node), 0);
	RL_EXPECT_EQ(raft_conf_change_decode(buf, len - 1, &type, &node),
		     -EINVAL);
	buf[10] = RAFT_MAX_MEMBERS + 1;
	RL_EXPECT_EQ(raft_conf_change_decode(buf, len, &type, &node), -EINVAL);
	rl_free(buf);
}

RL_TEST(conf_change_context_round_trip_and_rejects_garbage)
{
	struct raft_conf c = { .n_voters = 3, .n_learners = 1,
			       .voters = { 1, 2, 3 }, .learners = { 4 } };
	static const char addr[] = "10.0.0.4:7000";
	struct raft_conf out;
	u8 *buf = rl_malloc(RAFT_CONF_CHANGE_CTX_MAX_SIZE);
	u8 *big = rl_malloc(RAFT_CONF_CHANGE_MAX_CONTEXT);
	const u8 *ctx = NULL;
	u32 len, clen = 0, base;
	u8 type = 0;
	u64 node = 0;

	RL_ASSERT(buf && big);
	base = raft_conf_change_encode_full(buf, RAFT_CC_ADD_LEARNER, 4, &c);
	len = raft_conf_change_encode_ctx(buf, RAFT_CC_ADD_LEARNER, 4, &c,
					  addr, sizeof(addr) - 1);
	RL_EXPECT_EQ(len, base + 2 + sizeof(addr) - 1);
	RL_EXPECT_EQ(raft_conf_change_decode_ctx(buf, len, &type, &node, &out,
						 &ctx, &clen), 0);
	RL_EXPECT_EQ(type, RAFT_CC_ADD_LEARNER);
	RL_EXPECT_EQ(node, 4);
	RL_EXPECT_EQ(out.n_voters, 3);
	RL_EXPECT_EQ(out.learners[0], 4);
	RL_EXPECT_EQ(clen, sizeof(addr) - 1);
	RL_ASSERT(ctx);
	RL_EXPECT(!memcmp(ctx, addr, clen));
	/* the older decoders read the change and ignore the context */
	RL_EXPECT_EQ(raft_conf_change_decode_full(buf, len, &type, &node,
						  &out), 0);
	RL_EXPECT_EQ(out.n_voters, 3);
	RL_EXPECT_EQ(raft_conf_change_decode(buf, len, &type, &node), 0);
	/* lengths must agree: cut short, one byte extra, context length 0 */
	RL_EXPECT_EQ(raft_conf_change_decode_ctx(buf, len - 1, &type, &node,
						 NULL, &ctx, &clen), -EINVAL);
	RL_EXPECT_EQ(raft_conf_change_decode_ctx(buf, len + 1, &type, &node,
						 NULL, &ctx, &clen), -EINVAL);
	RL_EXPECT_EQ(raft_conf_change_decode_ctx(buf, base + 1, &type, &node,
						 NULL, &ctx, &clen), -EINVAL);
	rl_put_le16(buf + base, 0);
	RL_EXPECT_EQ(raft_conf_change_decode_ctx(buf, base + 2, &type, &node,
						 NULL, &ctx, &clen), -EINVAL);
	/* the largest context fits; a longer length is refused */
	memset(big, 0xab, RAFT_CONF_CHANGE_MAX_CONTEXT);
	len = raft_conf_change_encode_ctx(buf, RAFT_CC_REMOVE, 4, &c, big,
					  RAFT_CONF_CHANGE_MAX_CONTEXT);
	RL_EXPECT_EQ(len, RAFT_CONF_CHANGE_MAX_SIZE - 16 * RAFT_MAX_MEMBERS +
		     8 * 4 + 2 + RAFT_CONF_CHANGE_MAX_CONTEXT);
	RL_EXPECT_EQ(raft_conf_change_decode_ctx(buf, len, &type, &node, NULL,
						 &ctx, &clen), 0);
	RL_EXPECT_EQ(clen, RAFT_CONF_CHANGE_MAX_CONTEXT);
	RL_EXPECT_EQ(ctx[clen - 1], 0xab);
	rl_put_le16(buf + base, RAFT_CONF_CHANGE_MAX_CONTEXT + 1);
	RL_EXPECT_EQ(raft_conf_change_decode_ctx(buf, len + 1, &type, &node,
						 NULL, &ctx, &clen), -EINVAL);
	/* without a context the leader's payload stays version 2 */
	len = raft_conf_change_encode_ctx(buf, RAFT_CC_REMOVE, 4, &c, NULL, 0);
	RL_EXPECT_EQ(len, base);
	RL_EXPECT_EQ(buf[0], 2);
	RL_EXPECT_EQ(raft_conf_change_decode_ctx(buf, len, &type, &node, NULL,
						 &ctx, &clen), 0);
	RL_EXPECT(!ctx);
	RL_EXPECT_EQ(clen, 0);
	rl_free(big);
	rl_free(buf);
}

/* Find the last conf-change entry of node id's log. */
static const struct raft_entry *last_conf_entry(struct tnet *t, u64 id)
{
	struct raft *r = t->node[id].r;
	u64 i;

	for (i = raft_log_last(&r->log); i >= raft_log_first(&r->log); i--) {
		const struct raft_entry *e = raft_log_entry(&r->log, i);

		if (e && e->type == RAFT_ENTRY_CONF_CHANGE)
			return e;
	}
	return NULL;
}

/*
 * The context reaches every node's log with the change, byte for byte,
 * including a node that joined with an empty configuration; an oversized
 * context is refused before anything is appended.
 */
RL_TEST(conf_change_context_replicates_to_every_node)
{
	struct tnet *t = elected(3);
	static const char addr[] = "[fd00::4]:7000";
	u8 *big = rl_zalloc(RAFT_CONF_CHANGE_MAX_CONTEXT + 1);
	const struct raft_entry *e;
	const u8 *ctx;
	u64 last, node, id;
	u32 clen;
	u8 type;

	RL_ASSERT(t && big);
	TH_ASSERT_EQ(tnet_add_empty(t, 4, NULL), 0);
	last = raft_log_last(&t->node[1].r->log);
	TH_EQ(raft_propose_conf_change_ctx(t->node[1].r, RAFT_CC_ADD_LEARNER, 4,
					   big,
					   RAFT_CONF_CHANGE_MAX_CONTEXT + 1,
					   1), -EINVAL);
	TH_EQ(raft_propose_conf_change_ctx(t->node[1].r, RAFT_CC_ADD_LEARNER, 4,
					   NULL, 3, 1), -EINVAL);
	RL_EXPECT_EQ(raft_log_last(&t->node[1].r->log), last);
	TH_EQ(raft_propose_conf_change_ctx(t->node[1].r, RAFT_CC_ADD_LEARNER, 4,
					   addr, sizeof(addr) - 1, 2), 0);
	tnet_tick_all(t, 3);
	for (id = 1; id <= 4; id++) {
		e = last_conf_entry(t, id);
		RL_ASSERT(e);
		RL_EXPECT_EQ(e->index, last + 1);
		RL_EXPECT_EQ(raft_conf_change_decode_ctx(e->data, e->len, &type,
							 &node, NULL, &ctx,
							 &clen), 0);
		RL_EXPECT_EQ(node, 4);
		RL_EXPECT_EQ(clen, sizeof(addr) - 1);
		RL_EXPECT(ctx && !memcmp(ctx, addr, clen));
		RL_EXPECT_EQ(tnet_status(t, id)->conf.n_learners, 1);
		RL_EXPECT_EQ(tnet_status(t, id)->commit, last + 1);
	}
	rl_free(big);
	tnet_free(t);
}

/*
 * A node that joined with an empty configuration and restarts from its
 * durable log knows the exact membership: the leader's conf-change entries
 * carry the whole configuration, so it never elects itself alone.
 */
RL_TEST(joiner_restarts_with_exact_membership)
{
	struct tnet *t = tnet_new(3, NULL);
	struct raft_config cfg;
	struct raft_boot *b;
	struct raft_entry *ents;
	struct raft *r;
	u64 i, last, seed = 3;
	int err;

	RL_ASSERT(t);
	tnet_campaign(t, 1);
	tnet_tick_all(t, 1);
	TH_ASSERT_EQ(tnet_add_empty(t, 4, NULL), 0);
	TH_EQ(raft_propose_conf_change(t->node[1].r, RAFT_CC_ADD_LEARNER, 4,
				       1), 0);
	tnet_tick_all(t, 3);
	TH_EQ(raft_propose_conf_change(t->node[1].r, RAFT_CC_ADD_VOTER, 4, 2),
	      0);
	tnet_tick_all(t, 3);
	RL_EXPECT_EQ(tnet_status(t, 4)->conf.n_voters, 4);
	/* reboot node 4 from its log alone, with an empty configuration */
	last = raft_log_last(&t->node[4].r->log);
	b = rl_zalloc(sizeof(*b));
	ents = rl_calloc(last, sizeof(*ents));
	RL_ASSERT(b && ents);
	for (i = 0; i < last; i++)
		ents[i] = *raft_log_entry(&t->node[4].r->log, i + 1);
	b->entries = ents;
	b->n_entries = last;
	b->hs.term = t->node[4].r->term;
	tnet_default_config(&cfg, 4);
	cfg.rand_cookie = &seed;
	r = raft_create(&cfg, b, &err);
	RL_ASSERT(r);
	RL_EXPECT_EQ(raft_cur_conf(r)->n_voters, 4);
	RL_EXPECT_EQ(raft_cur_conf(r)->n_learners, 0);
	raft_destroy(r);
	rl_free(ents);
	rl_free(b);
	tnet_free(t);
}

/* Table of single-server changes against the conf {1,2,3} + learner 4. */
static const struct {
	u8 type;
	u64 node;
	int err;
	u32 voters, learners;
} cc_rows[] = {
	{ RAFT_CC_ADD_VOTER, 5, 0, 4, 1 },
	{ RAFT_CC_ADD_VOTER, 4, 0, 4, 0 },	/* promotion */
	{ RAFT_CC_ADD_VOTER, 2, -EINVAL, 3, 1 },
	{ RAFT_CC_ADD_LEARNER, 4, -EINVAL, 3, 1 },
	{ RAFT_CC_ADD_LEARNER, 3, 0, 2, 2 },	/* demotion */
	{ RAFT_CC_REMOVE, 4, 0, 3, 0 },
	{ RAFT_CC_REMOVE, 2, 0, 2, 1 },
	{ RAFT_CC_REMOVE, 9, -EINVAL, 3, 1 },
	{ 0, 5, -EINVAL, 3, 1 },
};

RL_TEST(conf_apply_table)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(cc_rows); i++) {
		struct raft_conf c = { .n_voters = 3, .n_learners = 1,
				       .voters = { 1, 2, 3 },
				       .learners = { 4 } };

		TH_EQ(raft_conf_apply(&c, cc_rows[i].type,
					     cc_rows[i].node), cc_rows[i].err);
		RL_EXPECT_EQ(c.n_voters, cc_rows[i].voters);
		RL_EXPECT_EQ(c.n_learners, cc_rows[i].learners);
		RL_EXPECT(raft_conf_valid(&c));
	}
	{
		struct raft_conf c = { .n_voters = 1, .voters = { 1 } };

		TH_EQ(raft_conf_apply(&c, RAFT_CC_REMOVE, 1), -EINVAL);
		RL_EXPECT_EQ(c.n_voters, 1);
	}
}

RL_TEST(learner_catches_up_without_voting_then_is_promoted)
{
	struct tnet *t = elected(3);
	u32 k;

	RL_ASSERT(t);
	TH_ASSERT_EQ(tnet_add_empty(t, 4, NULL), 0);
	tnet_propose(t, 1, "before", 1);
	TH_EQ(raft_propose_conf_change(t->node[1].r, RAFT_CC_ADD_LEARNER, 4,
				       2), 0);
	tnet_tick_all(t, 3);
	/* node 4 has the whole log and knows the configuration */
	RL_EXPECT_EQ(tnet_status(t, 4)->commit, 3);
	RL_EXPECT_EQ(tnet_status(t, 4)->conf.n_learners, 1);
	RL_EXPECT_EQ(tnet_status(t, 4)->conf.n_voters, 3);
	RL_EXPECT_EQ(t->node[4].last_applied, 3);
	/* its acknowledgement does not count towards commitment */
	tnet_isolate(t, 2);
	tnet_isolate(t, 3);
	tnet_propose(t, 1, "x", 3);
	tnet_tick_all(t, 2);
	RL_EXPECT_EQ(raft_log_last(&t->node[4].r->log), 4);
	RL_EXPECT_EQ(tnet_status(t, 1)->commit, 3);
	tnet_heal(t);
	tnet_tick_all(t, 2);
	RL_EXPECT_EQ(tnet_status(t, 1)->commit, 4);
	/* a learner never campaigns, even without a leader */
	tnet_isolate(t, 4);
	for (k = 0; k < 50; k++)
		tnet_tick(t, 4);
	tnet_settle(t);
	RL_EXPECT_EQ(tnet_status(t, 4)->role, RAFT_FOLLOWER);
	RL_EXPECT_EQ(tnet_status(t, 4)->term, 1);
	tnet_heal(t);
	tnet_tick_all(t, 2);
	/* promotion */
	TH_EQ(raft_propose_conf_change(t->node[1].r, RAFT_CC_ADD_VOTER, 4, 4),
	      0);
	tnet_tick_all(t, 2);
	RL_EXPECT_EQ(tnet_status(t, 4)->conf.n_voters, 4);
	RL_EXPECT_EQ(tnet_status(t, 4)->conf.n_learners, 0);
	/* now node 4 counts: with 2 of 4 cut off nothing commits */
	tnet_isolate(t, 2);
	tnet_isolate(t, 4);
	tnet_propose(t, 1, "y", 5);
	tnet_tick_all(t, 2);
	RL_EXPECT_EQ(tnet_status(t, 1)->commit, 5);
	tnet_free(t);
}

RL_TEST(conf_change_takes_effect_when_appended)
{
	struct tnet *t = elected(3);
	u64 index;

	RL_ASSERT(t);
	TH_EQ(raft_propose_conf_change(t->node[1].r, RAFT_CC_REMOVE, 3, 1), 0);
	index = raft_log_last(&t->node[1].r->log);
	/* at once on the leader, before it is even sent */
	RL_EXPECT_EQ(tnet_status(t, 1)->conf.n_voters, 2);
	tnet_ready_node(t, 1);
	/* deliver only the APPEND to node 2 */
	t->cut[2][1] = 1;
	while (t->nq)
		tnet_deliver_one(t);
	RL_EXPECT_EQ(raft_log_last(&t->node[2].r->log), index);
	RL_EXPECT(tnet_status(t, 2)->commit < index);
	RL_EXPECT_EQ(tnet_status(t, 2)->conf.n_voters, 2);
	tnet_free(t);
}

RL_TEST(truncated_conf_change_reverts)
{
	struct raft *r = th_node(2, 3, NULL, 0, 0, NULL);
	u8 buf[RAFT_CONF_CHANGE_SIZE];
	struct raft_entry e = { .term = 1, .index = 1,
				.type = RAFT_ENTRY_CONF_CHANGE,
				.len = sizeof(buf), .data = buf };
	struct raft_msg m;

	RL_ASSERT(r);
	raft_conf_change_encode(buf, RAFT_CC_ADD_VOTER, 4);
	th_msg(&m, RAFT_MSG_APPEND, 1, 2, 1);
	m.entries = &e;
	m.n_entries = 1;
	raft_step(r, &m);
	RL_EXPECT_EQ(raft_cur_conf(r)->n_voters, 4);
	/* a new leader overwrites index 1 with a normal entry */
	e.term = 2;
	e.type = RAFT_ENTRY_NORMAL;
	e.len = 0;
	e.data = NULL;
	th_msg(&m, RAFT_MSG_APPEND, 3, 2, 2);
	m.entries = &e;
	m.n_entries = 1;
	raft_step(r, &m);
	RL_EXPECT_EQ(raft_term_at(r, 1), 2);
	RL_EXPECT_EQ(raft_cur_conf(r)->n_voters, 3);
	raft_destroy(r);
}

RL_TEST(one_change_at_a_time)
{
	struct tnet *t = elected(3);

	RL_ASSERT(t);
	TH_EQ(raft_propose_conf_change(t->node[1].r, RAFT_CC_ADD_LEARNER, 4,
				       1), 0);
	TH_EQ(raft_propose_conf_change(t->node[1].r, RAFT_CC_ADD_LEARNER, 5,
				       2), -EBUSY);
	TH_EQ(raft_propose_conf_change(t->node[2].r, RAFT_CC_ADD_LEARNER, 5,
				       3), -EAGAIN);
	tnet_tick_all(t, 2);
	TH_EQ(raft_propose_conf_change(t->node[1].r, RAFT_CC_REMOVE, 2, 4), 0);
	tnet_tick_all(t, 2);
	/* removing the last voters must leave one */
	TH_EQ(raft_propose_conf_change(t->node[1].r, RAFT_CC_REMOVE, 3, 5), 0);
	tnet_tick_all(t, 2);
	TH_EQ(raft_propose_conf_change(t->node[1].r, RAFT_CC_REMOVE, 1, 6),
	      -EINVAL);
	tnet_free(t);
}

RL_TEST(removed_follower_gets_nothing_more)
{
	struct tnet *t = elected(3);

	RL_ASSERT(t);
	raft_propose_conf_change(t->node[1].r, RAFT_CC_REMOVE, 3, 1);
	tnet_tick_all(t, 2);
	RL_EXPECT_EQ(tnet_status(t, 1)->commit, 2);
	/* effective on append: the leader stopped replicating to node 3 */
	RL_EXPECT_EQ(raft_log_last(&t->node[3].r->log), 1);
	tnet_propose(t, 1, "after", 2);
	tnet_tick_all(t, 2);
	RL_EXPECT_EQ(tnet_status(t, 2)->commit, 3);
	RL_EXPECT_EQ(raft_log_last(&t->node[3].r->log), 1);
	/* its campaigns (pre-votes with a stale log) disturb nobody */
	tnet_tick_all(t, 50);
	RL_EXPECT_EQ(tnet_leader(t), 1);
	RL_EXPECT_EQ(tnet_status(t, 1)->term, 1);
	tnet_free(t);
}

/*
 * Simulator seeds 21817, 63805 and 80801: without pre-vote and CheckQuorum,
 * a member removed while cut off never learns it and campaigns with real
 * votes in ever higher terms.  Each vote request that raised a member's
 * term deposed the leader, so the cluster spent the time after the heal in
 * elections and never committed again.  The leader's lease (Raft thesis
 * 4.2.3) holds without CheckQuorum too: nobody listens to the zombie.
 */
RL_TEST(removed_member_without_prevote_deposes_nobody)
{
	struct tnet *t = tnet_new(5, th_no_prevote);
	u32 k;

	RL_ASSERT(t);
	tnet_campaign(t, 1);
	tnet_tick_all(t, 1);
	RL_ASSERT_EQ(tnet_leader(t), 1);
	/* node 5 is cut off, then removed: it never hears of its removal */
	tnet_isolate(t, 5);
	TH_EQ(raft_propose_conf_change(t->node[1].r, RAFT_CC_REMOVE, 5, 1), 0);
	tnet_tick_all(t, 2);
	RL_EXPECT_EQ(tnet_status(t, 1)->conf.n_voters, 4);
	RL_EXPECT_EQ(tnet_status(t, 5)->conf.n_voters, 5);
	/* the network heals; node 5 times out and campaigns, again and again */
	tnet_heal(t);
	for (k = 0; k < 60; k++) {
		tnet_tick_all(t, 1);
		if (tnet_status(t, 5)->term > 3)
			break;
	}
	RL_EXPECT(tnet_status(t, 5)->term > 3);
	/* the leader and its term stand, and it still commits */
	RL_EXPECT_EQ(tnet_leader(t), 1);
	RL_EXPECT_EQ(tnet_status(t, 1)->term, 1);
	RL_EXPECT_EQ(tnet_status(t, 2)->term, 1);
	TH_EQ(tnet_propose(t, 1, "still", 2), 0);
	tnet_tick_all(t, 2);
	RL_EXPECT_EQ(tnet_status(t, 2)->commit, tnet_status(t, 1)->commit);
	RL_EXPECT_EQ(tnet_status(t, 1)->commit, 3);
	tnet_free(t);
}

RL_TEST(leader_removing_itself_steps_down_after_commit)
{
	struct tnet *t = elected(3);
	u32 k;
	u64 l;

	RL_ASSERT(t);
	TH_EQ(raft_propose_conf_change(t->node[1].r, RAFT_CC_REMOVE, 1, 1), 0);
	/* still leading until the change commits (without counting itself) */
	RL_EXPECT_EQ(tnet_status(t, 1)->role, RAFT_LEADER);
	tnet_settle(t);
	RL_EXPECT_EQ(tnet_status(t, 1)->role, RAFT_FOLLOWER);
	for (k = 0; k < 30 && !tnet_leader(t); k++)
		tnet_tick_all(t, 1);
	l = tnet_leader(t);
	RL_EXPECT(l == 2 || l == 3);
	RL_LOG("new leader %llu after %u ticks", (unsigned long long)l, k);
	RL_EXPECT(k <= 2);	/* handed over with TIMEOUT_NOW */
	/* the old leader never campaigns again */
	for (k = 0; k < 50; k++)
		tnet_tick(t, 1);
	RL_EXPECT(tnet_status(t, 1)->role == RAFT_FOLLOWER);
	tnet_free(t);
}

RL_SUITE(raft_membership,
	 RL_CASE(conf_change_codec_round_trip_and_rejects_garbage),
	 RL_CASE(conf_apply_table),
	 RL_CASE(full_conf_change_codec_round_trip),
	 RL_CASE(conf_change_context_round_trip_and_rejects_garbage),
	 RL_CASE(conf_change_context_replicates_to_every_node),
	 RL_CASE(joiner_restarts_with_exact_membership),
	 RL_CASE(learner_catches_up_without_voting_then_is_promoted),
	 RL_CASE(conf_change_takes_effect_when_appended),
	 RL_CASE(truncated_conf_change_reverts),
	 RL_CASE(one_change_at_a_time),
	 RL_CASE(removed_follower_gets_nothing_more),
	 RL_CASE(removed_member_without_prevote_deposes_nobody),
	 RL_CASE(leader_removing_itself_steps_down_after_commit));
