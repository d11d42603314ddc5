// SPDX-License-Identifier: GPL-2.0
/*
 * Log replication: the AppendEntries consistency check, conflict
 * truncation, the fast back-off hint, commitment (current-term entries
 * only, the leader's own copy only once durable), the in-flight window
 * and probe state, and batching limits.
 */
#include "thelp.h"

static void step_ready(struct raft *r, const struct raft_msg *m,
		       struct raft_ready *rd)
{
	raft_step(r, m);
	raft_ready(r, rd);
}

RL_TEST(append_checks_prev_index_and_term)
{
	static const u64 terms[] = { 1, 1, 2 };
	struct raft *r = th_node(2, 3, terms, 3, 2, NULL);
	struct raft_entry e = { .term = 3, .index = 4 };
	struct raft_msg m;
	struct raft_ready rd;
	const struct raft_msg *resp;

	RL_ASSERT(r);
	th_msg(&m, RAFT_MSG_APPEND, 1, 2, 3);
	m.index = 3;
	m.log_term = 3;		/* we have term 2 at index 3 */
	m.entries = &e;
	m.n_entries = 1;
	step_ready(r, &m, &rd);
	resp = th_find(&rd, RAFT_MSG_APPEND_RESP, 1, NULL);
	RL_ASSERT(resp);
	RL_EXPECT_EQ(resp->reject, 1);
	RL_EXPECT_EQ(rd.n_entries, 0);
	raft_advance(r, &rd);

	m.log_term = 2;		/* matches: accepted */
	step_ready(r, &m, &rd);
	resp = th_find(&rd, RAFT_MSG_APPEND_RESP, 1, NULL);
	RL_ASSERT(resp);
	RL_EXPECT_EQ(resp->reject, 0);
	RL_EXPECT_EQ(resp->index, 4);
	RL_EXPECT_EQ(rd.n_entries, 1);
	raft_advance(r, &rd);
	raft_destroy(r);
}

RL_TEST(conflicting_suffix_is_truncated)
{
	static const u64 terms[] = { 1, 1, 2, 2, 2 };
	struct raft *r = th_node(2, 3, terms, 5, 2, NULL);
	struct raft_entry e[2] = { { .term = 3, .index = 3 },
				   { .term = 3, .index = 4 } };
	struct raft_msg m;
	struct raft_ready rd;

	RL_ASSERT(r);
	th_msg(&m, RAFT_MSG_APPEND, 1, 2, 3);
	m.index = 2;
	m.log_term = 1;
	m.entries = e;
	m.n_entries = 2;
	step_ready(r, &m, &rd);
	RL_EXPECT_EQ(raft_log_last(&r->log), 4);	/* index 5 dropped */
	RL_EXPECT_EQ(raft_term_at(r, 3), 3);
	RL_EXPECT_EQ(raft_term_at(r, 4), 3);
	RL_EXPECT_EQ(raft_term_at(r, 2), 1);
	/* the caller is told to overwrite from index 3 on */
	RL_ASSERT_EQ(rd.n_entries, 2);
	RL_EXPECT_EQ(rd.entries[0].index, 3);
	raft_advance(r, &rd);
	/* a duplicate of a prefix truncates nothing */
	m.n_entries = 1;
	step_ready(r, &m, &rd);
	RL_EXPECT_EQ(raft_log_last(&r->log), 4);
	RL_EXPECT_EQ(rd.n_entries, 0);
	raft_advance(r, &rd);
	raft_destroy(r);
}

/* Follower's reject hint: the last index whose term <= the leader's. */
static const struct {
	u64 prev_index, prev_term;	/* the leader's probe */
	u64 hint, hint_term;		/* expected */
} hint_rows[] = {
	{ 7, 5, 7, 4 },	/* our last is (7,4): try from there */
	{ 7, 3, 3, 2 },	/* skip all of term 4 at once */
	{ 9, 3, 3, 2 },	/* beyond our log: start from our last */
	{ 5, 1, 1, 1 },
	{ 2, 1, 1, 1 },
};

RL_TEST(reject_carries_fast_backoff_hint)
{
	static const u64 terms[] = { 1, 2, 2, 4, 4, 4, 4 };
	u32 i;

	for (i = 0; i < ARRAY_SIZE(hint_rows); i++) {
		struct raft *r = th_node(2, 3, terms, 7, 4, NULL);
		struct raft_msg m;
		struct raft_ready rd;
		const struct raft_msg *resp;

		RL_ASSERT(r);
		th_msg(&m, RAFT_MSG_APPEND, 1, 2, 6);
		m.index = hint_rows[i].prev_index;
		m.log_term = hint_rows[i].prev_term;
		step_ready(r, &m, &rd);
		resp = th_find(&rd, RAFT_MSG_APPEND_RESP, 1, NULL);
		RL_EXPECT(resp && resp->reject);
		if (resp) {
			RL_EXPECT_EQ(resp->reject_hint, hint_rows[i].hint);
			RL_EXPECT_EQ(resp->hint_term, hint_rows[i].hint_term);
		}
		raft_advance(r, &rd);
		raft_destroy(r);
	}
}

/* Boot a 3-node cluster whose nodes carry the given logs. */
static struct tnet *boot_logs(const u64 *t1, u32 n1, const u64 *t2, u32 n2,
			      const u64 *t3, u32 n3, u64 hs_term)
{
	struct tnet *t = rl_zalloc(sizeof(*t));
	const u64 *terms[3] = { t1, t2, t3 };
	u32 ns[3] = { n1, n2, n3 }, i;

	if (!t)
		return NULL;
	t->n = 3;
	for (i = 0; i < 3; i++) {
		t->node[i + 1].r = th_node(i + 1, 3, terms[i], ns[i], hs_term,
					   NULL);
		if (!t->node[i + 1].r) {
			tnet_free(t);
			return NULL;
		}
	}
	return t;
}

RL_TEST(fast_backoff_skips_a_term_per_round_trip)
{
	u64 *lead = rl_calloc(60, sizeof(u64));
	u64 *behind = rl_calloc(60, sizeof(u64));
	struct tnet *t;
	u32 i;

	RL_ASSERT(lead && behind);
	for (i = 0; i < 60; i++) {
		lead[i] = i ? 3 : 1;
		behind[i] = i ? 2 : 1;
	}
	t = boot_logs(lead, 60, behind, 60, lead, 60, 3);
	rl_free(lead);
	rl_free(behind);
	RL_ASSERT(t);
	tnet_campaign(t, 1);
	RL_ASSERT_EQ(tnet_leader(t), 1);
	tnet_tick_all(t, 2);
	/* node 2's 59 conflicting entries went away in a few probes */
	RL_EXPECT_EQ(raft_term_at(t->node[2].r, 60), 3);
	RL_EXPECT_EQ(tnet_status(t, 2)->commit, 61);
	RL_LOG("APPENDs delivered: %u", t->sent[RAFT_MSG_APPEND]);
	RL_EXPECT(t->sent[RAFT_MSG_APPEND] < 15);
	tnet_free(t);
}

/* Win an election on a lone node by feeding it the votes of node 2. */
static void win(struct raft *r)
{
	struct raft_msg m;

	while (r->role == RAFT_FOLLOWER)
		raft_tick(r);
	if (r->role == RAFT_PRE_CANDIDATE) {
		th_msg(&m, RAFT_MSG_PREVOTE_RESP, 2, r->id, r->term + 1);
		raft_step(r, &m);
	}
	th_msg(&m, RAFT_MSG_VOTE_RESP, 2, r->id, r->term);
	raft_step(r, &m);
}

/* Raft figure 8: an old-term entry on a majority is not yet committed. */
RL_TEST(commits_only_current_term_entries_by_counting)
{
	static const u64 terms[] = { 1, 2 };
	struct raft *r = th_node(1, 3, terms, 2, 2, NULL);
	struct raft_msg m;
	struct raft_ready rd;

	RL_ASSERT(r);
	r->log.committed = 1;
	win(r);
	RL_ASSERT_EQ(r->role, RAFT_LEADER);
	RL_EXPECT_EQ(r->term, 3);
	/* node 2 has index 2 (term 2): a majority with the leader */
	th_msg(&m, RAFT_MSG_APPEND_RESP, 2, 1, 3);
	m.index = 2;
	raft_step(r, &m);
	RL_EXPECT_EQ(r->log.committed, 1);
	/* node 2 has the no-op (3, term 3), the leader's copy is not durable */
	m.index = 3;
	raft_step(r, &m);
	RL_EXPECT_EQ(r->log.committed, 1);
	/* durable: now 3 and with it 2 commit */
	raft_ready(r, &rd);
	RL_ASSERT_EQ(rd.n_entries, 1);
	RL_EXPECT_EQ(rd.entries[0].index, 3);
	raft_advance(r, &rd);
	raft_persisted(r, 3, 3);
	RL_EXPECT_EQ(r->log.committed, 3);
	raft_destroy(r);
}

RL_TEST(leader_counts_itself_only_once_durable)
{
	struct tnet *t = tnet_new(3, NULL);
	int err;

	RL_ASSERT(t);
	tnet_campaign(t, 1);
	RL_ASSERT_EQ(tnet_leader(t), 1);
	tnet_manual(t, 1, 1);
	tnet_isolate(t, 3);
	err = tnet_propose(t, 1, "x", 7);
	RL_EXPECT_EQ(err, 0);
	tnet_settle(t);
	/* node 2 has it; the leader's write is outstanding: no commit */
	RL_EXPECT_EQ(raft_log_last(&t->node[2].r->log), 2);
	RL_EXPECT_EQ(tnet_status(t, 1)->commit, 1);
	tnet_persist(t, 1);
	tnet_settle(t);
	RL_EXPECT_EQ(tnet_status(t, 1)->commit, 2);
	RL_ASSERT_EQ(t->node[1].n_results, 1);
	RL_EXPECT_EQ(t->node[1].results[0].id, 7);
	RL_EXPECT_EQ(t->node[1].results[0].err, 0);
	RL_EXPECT_EQ(t->node[1].results[0].index, 2);
	tnet_free(t);
}

RL_TEST(follower_applies_only_durable_entries)
{
	struct tnet *t = tnet_new(3, NULL);

	RL_ASSERT(t);
	tnet_campaign(t, 1);
	RL_ASSERT_EQ(tnet_leader(t), 1);
	tnet_tick_all(t, 1);
	tnet_manual(t, 3, 1);
	tnet_propose(t, 1, "a", 1);
	tnet_tick_all(t, 2);
	RL_EXPECT_EQ(tnet_status(t, 1)->commit, 2);	/* 1 and 2 made it */
	RL_EXPECT_EQ(tnet_status(t, 3)->commit, 2);
	RL_EXPECT_EQ(t->node[3].last_applied, 1);	/* not durable yet */
	/* and its acknowledgement has not left either */
	RL_EXPECT_EQ(tnet_status(t, 3)->persisted, 1);
	tnet_persist(t, 3);
	tnet_settle(t);
	RL_EXPECT_EQ(t->node[3].last_applied, 2);
	tnet_free(t);
}

static void window2(struct raft_config *c)
{
	c->max_inflight_msgs = 2;
}

RL_TEST(pipeline_stops_at_inflight_window)
{
	struct tnet *t = tnet_new(3, window2);
	u8 state = 0;
	u64 match, next;
	u32 i;

	RL_ASSERT(t);
	tnet_campaign(t, 1);
	tnet_tick_all(t, 1);
	TH_ASSERT_EQ(raft_peer_progress(t->node[1].r, 2, &match, &next,
					&state), 0);
	RL_EXPECT_EQ(state, RAFT_PR_REPLICATE);
	t->cut[2][1] = 1;	/* acknowledgements get lost */
	for (i = 0; i < 6; i++) {
		tnet_propose(t, 1, "p", 10 + i);
		tnet_ready(t);	/* one APPEND per proposal, if allowed */
	}
	RL_EXPECT_EQ(tnet_count(t, RAFT_MSG_APPEND, 1, 2), 2);
	RL_EXPECT_EQ(tnet_count(t, RAFT_MSG_APPEND, 1, 3), 2);
	/* node 3's answers open its window: all entries flow and commit */
	tnet_settle(t);
	RL_EXPECT_EQ(tnet_status(t, 3)->commit, 7);
	RL_EXPECT_EQ(raft_log_last(&t->node[2].r->log), 3);
	tnet_free(t);
}

RL_TEST(probe_sends_one_append_until_answered)
{
	struct tnet *t = tnet_new(3, NULL);
	struct raft *r;
	u32 i;

	RL_ASSERT(t);
	tnet_campaign(t, 1);
	r = t->node[1].r;
	/* a new term: every peer is probed, answers get lost */
	tnet_isolate(t, 1);
	tnet_drop_queue(t);
	raft_become_follower(r, r->term, RAFT_NONE);
	r->election_elapsed = 0;
	for (i = 0; i < 40 && r->role != RAFT_LEADER; i++) {
		struct raft_msg m;

		raft_tick(r);
		if (r->role == RAFT_PRE_CANDIDATE || r->role == RAFT_CANDIDATE) {
			th_msg(&m, r->role == RAFT_PRE_CANDIDATE ?
			       RAFT_MSG_PREVOTE_RESP : RAFT_MSG_VOTE_RESP, 2, 1,
			       r->term + (r->role == RAFT_PRE_CANDIDATE));
			raft_step(r, &m);
		}
	}
	RL_ASSERT_EQ(r->role, RAFT_LEADER);
	tnet_heal(t);
	t->cut[2][1] = 1;
	for (i = 0; i < 5; i++) {
		tnet_propose(t, 1, "q", i);
		tnet_ready_node(t, 1);
	}
	RL_EXPECT_EQ(tnet_count(t, RAFT_MSG_APPEND, 1, 2), 1);
	tnet_free(t);
}

RL_TEST(lost_full_window_recovers_on_heartbeat)
{
	struct tnet *t = tnet_new(3, window2);
	u32 i;

	RL_ASSERT(t);
	tnet_campaign(t, 1);
	tnet_tick_all(t, 1);
	for (i = 0; i < 6; i++) {
		tnet_propose(t, 1, "p", i);
		tnet_ready(t);
	}
	tnet_drop_queue(t);	/* both windows' APPENDs are lost */
	tnet_tick_all(t, 6);
	RL_EXPECT_EQ(tnet_status(t, 2)->commit, 7);
	RL_EXPECT_EQ(tnet_status(t, 3)->commit, 7);
	tnet_free(t);
}

static void batch3(struct raft_config *c)
{
	c->max_entries_per_msg = 3;
	c->max_size_per_msg = 300;
}

RL_TEST(batching_respects_count_and_byte_limits)
{
	struct tnet *t = tnet_new(3, batch3);
	char big[101];
	u32 i, n;

	RL_ASSERT(t);
	tnet_campaign(t, 1);
	tnet_tick_all(t, 1);
	for (i = 0; i < 10; i++)	/* proposals batched into few APPENDs */
		tnet_propose(t, 1, "s", i);
	tnet_ready_node(t, 1);
	n = tnet_count(t, RAFT_MSG_APPEND, 1, 2);
	RL_EXPECT_EQ(n, 4);	/* 3 + 3 + 3 + 1 */
	for (i = 0; i < t->nq; i++)
		RL_EXPECT(t->q[i].n_entries <= 3);
	tnet_settle(t);
	memset(big, 'b', 100);
	big[100] = 0;
	for (i = 0; i < 6; i++)
		tnet_propose(t, 1, big, 100 + i);
	tnet_ready_node(t, 1);
	n = tnet_count(t, RAFT_MSG_APPEND, 1, 2);
	RL_EXPECT_EQ(n, 3);	/* two 100-byte entries per 300 bytes */
	tnet_settle(t);
	RL_EXPECT_EQ(tnet_status(t, 3)->commit, 17);
	tnet_free(t);
}

/*
 * A follower whose disk lost entries it had acknowledged refuses the
 * leader's probe at its old match index.  The leader held next at
 * match + 1 and sent the same refused APPEND forever (with a duplicating
 * network, a storm that stopped the simulator).  It now takes the
 * follower's word and catches it up.
 */
RL_TEST(follower_that_lost_acknowledged_entries_is_caught_up)
{
	static const u64 terms[] = { 1 };
	struct tnet *t = tnet_new(3, NULL);
	u64 match, next;
	u8 state;

	RL_ASSERT(t);
	tnet_campaign(t, 1);
	TH_EQ(tnet_propose(t, 1, "a", 1), 0);
	TH_EQ(tnet_propose(t, 1, "b", 2), 0);
	tnet_tick_all(t, 2);
	RL_ASSERT_EQ(raft_peer_progress(t->node[1].r, 2, &match, &next,
					&state), 0);
	RL_EXPECT_EQ(match, 3);
	/* node 2 comes back from a disk that kept only index 1 */
	raft_destroy(t->node[2].r);
	t->node[2].r = th_node(2, 3, terms, 1, 1, NULL);
	RL_ASSERT(t->node[2].r);
	TH_EQ(tnet_propose(t, 1, "c", 3), 0);
	tnet_tick_all(t, 10);
	RL_EXPECT_EQ(t->storm, 0);
	RL_EXPECT_EQ(tnet_status(t, 2)->last_index, 4);
	RL_EXPECT_EQ(tnet_status(t, 2)->commit, 4);
	RL_ASSERT_EQ(raft_peer_progress(t->node[1].r, 2, &match, &next,
					&state), 0);
	RL_EXPECT_EQ(match, 4);
	tnet_free(t);
}

RL_SUITE(raft_replication,
	 RL_CASE(append_checks_prev_index_and_term),
	 RL_CASE(conflicting_suffix_is_truncated),
	 RL_CASE(reject_carries_fast_backoff_hint),
	 RL_CASE(fast_backoff_skips_a_term_per_round_trip),
	 RL_CASE(commits_only_current_term_entries_by_counting),
	 RL_CASE(leader_counts_itself_only_once_durable),
	 RL_CASE(follower_applies_only_durable_entries),
	 RL_CASE(pipeline_stops_at_inflight_window),
	 RL_CASE(lost_full_window_recovers_on_heartbeat),
	 RL_CASE(probe_sends_one_append_until_answered),
	 RL_CASE(batching_respects_count_and_byte_limits),
	 RL_CASE(follower_that_lost_acknowledged_entries_is_caught_up));
