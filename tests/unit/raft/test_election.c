// SPDX-License-Identifier: GPL-2.0
/*
 * Elections: terms and roles, randomized timeouts, RequestVote and its
 * log up-to-date rule, votes persisted before they are sent, pre-vote and
 * CheckQuorum with its leader lease.
 */
#include "thelp.h"

RL_TEST(three_nodes_elect_one_leader)
{
	struct tnet *t = tnet_new(3, NULL);
	u32 i;

	RL_ASSERT(t);
	tnet_campaign(t, 1);
	RL_EXPECT_EQ(tnet_leader(t), 1);
	for (i = 1; i <= 3; i++) {
		RL_EXPECT_EQ(tnet_status(t, i)->term, 1);
		RL_EXPECT_EQ(tnet_status(t, i)->lead, 1);
	}
	/* the new leader's no-op commits everywhere */
	RL_EXPECT_EQ(tnet_status(t, 1)->commit, 1);
	tnet_tick_all(t, 1);
	RL_EXPECT_EQ(tnet_status(t, 3)->commit, 1);
	RL_EXPECT_EQ(t->node[3].last_applied, 1);
	tnet_free(t);
}

RL_TEST(election_timeout_is_randomized_in_range)
{
	struct tnet *t = tnet_new(1, NULL);
	struct raft *r;
	u32 i, lo = ~0U, hi = 0;

	RL_ASSERT(t);
	r = t->node[1].r;
	for (i = 0; i < 200; i++) {
		raft_become_follower(r, r->term, RAFT_NONE);
		if (r->randomized_timeout < lo)
			lo = r->randomized_timeout;
		if (r->randomized_timeout > hi)
			hi = r->randomized_timeout;
	}
	RL_EXPECT(lo >= 10);
	RL_EXPECT(hi <= 19);
	RL_EXPECT(hi > lo);	/* not a constant */
	/* no campaign before the timeout, one after it */
	raft_become_follower(r, r->term, RAFT_NONE);
	for (i = 0; i + 1 < r->randomized_timeout; i++)
		raft_tick(r);
	RL_EXPECT_EQ(r->role, RAFT_FOLLOWER);
	raft_tick(r);
	RL_EXPECT_EQ(r->role, RAFT_LEADER);	/* a single voter wins at once */
	tnet_free(t);
}

/* Raft 5.4.1: a vote goes only to a candidate whose log is as up to date. */
static const struct {
	u64 cand_index, cand_term;	/* candidate's last entry */
	int granted;
} uptodate_rows[] = {
	{ 3, 2, 1 },	/* same last entry */
	{ 4, 2, 1 },	/* same term, longer */
	{ 2, 2, 0 },	/* same term, shorter */
	{ 1, 3, 1 },	/* higher last term wins even if shorter */
	{ 9, 1, 0 },	/* lower last term loses even if longer */
	{ 0, 0, 0 },	/* empty log */
};

RL_TEST(vote_requires_up_to_date_log)
{
	static const u64 terms[] = { 1, 2, 2 };	/* voter: last (3, 2) */
	u32 i;

	for (i = 0; i < ARRAY_SIZE(uptodate_rows); i++) {
		struct raft *r = th_node(1, 3, terms, 3, 2, th_no_prevote);
		struct raft_msg m;
		struct raft_ready rd;
		const struct raft_msg *resp;

		RL_ASSERT(r);
		th_msg(&m, RAFT_MSG_VOTE, 2, 1, 5);
		m.index = uptodate_rows[i].cand_index;
		m.log_term = uptodate_rows[i].cand_term;
		TH_EQ(raft_step(r, &m), 0);
		raft_ready(r, &rd);
		resp = th_find(&rd, RAFT_MSG_VOTE_RESP, 2, NULL);
		RL_EXPECT(resp != NULL);
		if (resp) {
			RL_LOG("row %u: granted %d", i, !resp->reject);
			RL_EXPECT_EQ(!resp->reject, uptodate_rows[i].granted);
		}
		RL_EXPECT_EQ(rd.hs.vote, uptodate_rows[i].granted ? 2 : 0);
		raft_advance(r, &rd);
		raft_destroy(r);
	}
}

RL_TEST(vote_sent_only_after_it_is_durable)
{
	struct raft *r = th_node(1, 3, NULL, 0, 0, th_no_prevote);
	struct raft_msg m;
	struct raft_ready rd;
	const struct raft_msg *resp;
	int after = 0;

	RL_ASSERT(r);
	th_msg(&m, RAFT_MSG_VOTE, 2, 1, 1);
	raft_step(r, &m);
	raft_ready(r, &rd);
	resp = th_find(&rd, RAFT_MSG_VOTE_RESP, 2, &after);
	RL_ASSERT(resp != NULL);
	RL_EXPECT_EQ(resp->reject, 0);
	RL_EXPECT_EQ(after, 1);		/* waits for the hard state */
	RL_EXPECT_EQ(rd.hs_changed, 1);
	RL_EXPECT_EQ(rd.hs.term, 1);
	RL_EXPECT_EQ(rd.hs.vote, 2);
	raft_advance(r, &rd);
	raft_destroy(r);

	/* a candidate's own VOTE requests too: they assert its self-vote */
	r = th_node(1, 3, NULL, 0, 0, th_no_prevote);
	RL_ASSERT(r);
	while (r->role == RAFT_FOLLOWER)
		raft_tick(r);
	raft_ready(r, &rd);
	RL_EXPECT(th_find(&rd, RAFT_MSG_VOTE, 2, &after) != NULL);
	RL_EXPECT_EQ(after, 1);
	RL_EXPECT_EQ(rd.hs.vote, 1);
	raft_advance(r, &rd);
	raft_destroy(r);
}

RL_TEST(one_vote_per_term)
{
	struct raft *r = th_node(1, 3, NULL, 0, 0, th_no_prevote);
	struct raft_msg m;
	struct raft_ready rd;
	const struct raft_msg *resp;

	RL_ASSERT(r);
	th_msg(&m, RAFT_MSG_VOTE, 2, 1, 1);
	raft_step(r, &m);
	th_msg(&m, RAFT_MSG_VOTE, 3, 1, 1);
	raft_step(r, &m);
	th_msg(&m, RAFT_MSG_VOTE, 2, 1, 1);	/* a retry is granted again */
	raft_step(r, &m);
	raft_ready(r, &rd);
	resp = th_find(&rd, RAFT_MSG_VOTE_RESP, 3, NULL);
	RL_ASSERT(resp != NULL);
	RL_EXPECT_EQ(resp->reject, 1);
	RL_EXPECT_EQ(rd.n_msgs + rd.n_msgs_after_persist, 3);
	RL_EXPECT_EQ(rd.hs.vote, 2);
	raft_advance(r, &rd);
	raft_destroy(r);
}

/* Raft figure 2: a stale RequestVote is answered with the current term. */
RL_TEST(stale_vote_is_rejected_with_current_term)
{
	struct raft *r = th_node(1, 3, NULL, 0, 5, th_no_prevote);
	struct raft_msg m;
	struct raft_ready rd;
	const struct raft_msg *resp;

	RL_ASSERT(r);
	th_msg(&m, RAFT_MSG_VOTE, 2, 1, 3);
	raft_step(r, &m);
	raft_ready(r, &rd);
	resp = th_find(&rd, RAFT_MSG_VOTE_RESP, 2, NULL);
	RL_ASSERT(resp != NULL);
	RL_EXPECT_EQ(resp->reject, 1);
	RL_EXPECT_EQ(resp->term, 5);
	RL_EXPECT_EQ(rd.hs.vote, 0);
	raft_advance(r, &rd);
	raft_destroy(r);
}

RL_TEST(higher_term_turns_leader_into_follower)
{
	struct tnet *t = tnet_new(3, th_no_prevote);
	struct raft_msg m;

	RL_ASSERT(t);
	tnet_campaign(t, 1);
	RL_ASSERT_EQ(tnet_leader(t), 1);
	th_msg(&m, RAFT_MSG_APPEND_RESP, 2, 1, 7);
	raft_step(t->node[1].r, &m);
	RL_EXPECT_EQ(tnet_status(t, 1)->role, RAFT_FOLLOWER);
	RL_EXPECT_EQ(tnet_status(t, 1)->term, 7);
	/* and a message from an older term is answered, not obeyed */
	th_msg(&m, RAFT_MSG_APPEND, 2, 1, 3);
	raft_step(t->node[1].r, &m);
	RL_EXPECT_EQ(tnet_status(t, 1)->lead, 0);
	RL_EXPECT_EQ(tnet_status(t, 1)->term, 7);
	tnet_free(t);
}

/* Pre-vote: a node cut off and rejoining does not depose the leader. */
static void prevote_run(RL_T *rl_t, int pre_vote, u64 *term_after,
			u64 *leader_after)
{
	struct tnet *t = tnet_new(3, pre_vote ? NULL : th_no_prevote);

	RL_ASSERT(t);
	tnet_campaign(t, 1);
	RL_ASSERT_EQ(tnet_leader(t), 1);
	tnet_isolate(t, 3);
	tnet_tick_all(t, 50);
	RL_EXPECT_EQ(tnet_leader(t), 1);
	tnet_heal(t);
	tnet_tick_all(t, 30);
	*term_after = tnet_status(t, 1)->term;
	*leader_after = tnet_leader(t);
	tnet_free(t);
}

RL_TEST(prevote_keeps_partitioned_node_from_disrupting)
{
	u64 term, leader;

	prevote_run(rl_t, 1, &term, &leader);
	RL_EXPECT_EQ(term, 1);
	RL_EXPECT_EQ(leader, 1);
	/* the control: without pre-vote the rejoining node bumps the term */
	prevote_run(rl_t, 0, &term, &leader);
	RL_EXPECT(term > 1);
}

RL_TEST(check_quorum_leader_steps_down_when_cut_off)
{
	struct tnet *t = tnet_new(3, NULL);
	u32 k;

	RL_ASSERT(t);
	tnet_campaign(t, 1);
	RL_ASSERT_EQ(tnet_leader(t), 1);
	tnet_isolate(t, 1);
	for (k = 0; k < 2 * 10 && tnet_status(t, 1)->role == RAFT_LEADER; k++)
		tnet_tick(t, 1);
	RL_EXPECT_EQ(tnet_status(t, 1)->role, RAFT_FOLLOWER);
	RL_EXPECT(k <= 20);
	tnet_free(t);
}

RL_TEST(check_quorum_lease_ignores_votes_while_leader_alive)
{
	struct tnet *t = tnet_new(3, NULL);
	struct raft_msg m;

	RL_ASSERT(t);
	tnet_campaign(t, 1);
	RL_ASSERT_EQ(tnet_leader(t), 1);
	/* node 3 asks node 2 for a vote in a higher term */
	th_msg(&m, RAFT_MSG_VOTE, 3, 2, 5);
	m.index = 100;
	m.log_term = 5;
	raft_step(t->node[2].r, &m);
	RL_EXPECT_EQ(tnet_status(t, 2)->term, 1);
	RL_EXPECT_EQ(tnet_status(t, 2)->vote, 1);
	/* unless it comes from a leadership transfer */
	m.context = RAFT_CONTEXT_TRANSFER;
	raft_step(t->node[2].r, &m);
	RL_EXPECT_EQ(tnet_status(t, 2)->term, 5);
	RL_EXPECT_EQ(tnet_status(t, 2)->vote, 3);
	tnet_free(t);
}

RL_TEST(split_votes_resolve_and_leader_is_unique_per_term)
{
	struct tnet *t = tnet_new(5, NULL);
	u32 k, i, leaders;

	RL_ASSERT(t);
	for (k = 0; k < 100 && !tnet_leader(t); k++)
		tnet_tick_all(t, 1);
	RL_EXPECT(tnet_leader(t) != 0);
	leaders = 0;
	for (i = 1; i <= 5; i++)
		if (tnet_status(t, i)->role == RAFT_LEADER)
			leaders++;
	RL_EXPECT_EQ(leaders, 1);
	tnet_free(t);
}

/*
 * A peer's term near 2^64 used to be adopted; the next campaign wrapped
 * the term to 0 and wedged the node.  Absurd terms are malformed, and no
 * node campaigns past the largest term.
 */
/*
 * Simulator seed 61212: node 2, with a stale configuration, could not win,
 * but its timer ran ahead of node 6's by more than the randomization, so it
 * campaigned first in every term and took the vote node 6 needed.  A node
 * that refuses a better candidate only because its vote is taken restarts
 * its election timer, so that candidate campaigns first next time.
 */
RL_TEST(vote_refused_to_a_better_candidate_gives_it_the_next_turn)
{
	static const u64 terms[] = { 1, 1 };
	struct raft *r = th_node(1, 3, terms, 2, 1, th_no_prevote);
	struct raft_msg m;
	u32 k;

	RL_ASSERT(r);
	while (r->role != RAFT_CANDIDATE)
		raft_tick(r);
	RL_EXPECT_EQ(r->term, 2);
	RL_EXPECT_EQ(r->vote, 1);
	for (k = 0; k < 5; k++)
		raft_tick(r);
	/* a worse candidate changes nothing */
	th_msg(&m, RAFT_MSG_VOTE, 3, 1, 2);
	m.index = 1;
	m.log_term = 1;
	TH_EQ(raft_step(r, &m), 0);
	RL_EXPECT_EQ(r->election_elapsed, 5);
	/* an equal one neither */
	m.index = 2;
	TH_EQ(raft_step(r, &m), 0);
	RL_EXPECT_EQ(r->election_elapsed, 5);
	/* a better one is refused (one vote per term) but gets the next turn */
	th_msg(&m, RAFT_MSG_VOTE, 2, 1, 2);
	m.index = 5;
	m.log_term = 1;
	TH_EQ(raft_step(r, &m), 0);
	RL_EXPECT_EQ(r->vote, 1);
	RL_EXPECT_EQ(r->election_elapsed, 0);
	raft_destroy(r);
}

RL_TEST(absurd_term_is_refused_and_never_wraps)
{
	struct raft *r = th_node(1, 3, NULL, 0, 5, th_no_prevote);
	struct raft_msg m;
	u32 k;

	RL_ASSERT(r);
	th_msg(&m, RAFT_MSG_HEARTBEAT, 2, 1, ~0ULL);
	TH_EQ(raft_step(r, &m), -EINVAL);
	RL_EXPECT_EQ(r->term, 5);
	th_msg(&m, RAFT_MSG_VOTE, 2, 1, RAFT_TERM_MAX + 1);
	TH_EQ(raft_step(r, &m), -EINVAL);
	RL_EXPECT_EQ(r->term, 5);
	/* the largest term itself is taken, and campaigns stop there */
	th_msg(&m, RAFT_MSG_HEARTBEAT, 2, 1, RAFT_TERM_MAX);
	TH_EQ(raft_step(r, &m), 0);
	RL_EXPECT_EQ(r->term, RAFT_TERM_MAX);
	for (k = 0; k < 100; k++)
		raft_tick(r);
	RL_EXPECT_EQ(r->term, RAFT_TERM_MAX);
	RL_EXPECT(r->role != RAFT_LEADER);
	raft_destroy(r);
}

/*
 * A crash between a follower's record write and its hard-state write
 * leaves entries of a term the durable hard state has not seen.  Such a
 * disk used to be refused at every boot; the node now boots in the term
 * of its newest entry, with no vote in it, and persists that term.
 */
RL_TEST(boot_with_entries_newer_than_hard_state_takes_their_term)
{
	static const u64 terms[] = { 1, 2, 4 };
	struct raft *r = th_node(1, 3, terms, 3, 2, th_no_prevote);
	struct raft_ready rd;
	struct raft_msg m;

	RL_ASSERT(r);
	RL_EXPECT_EQ(r->term, 4);
	RL_EXPECT_EQ(r->vote, 0);
	RL_EXPECT_EQ(raft_log_last(&r->log), 3);
	RL_ASSERT_EQ(raft_ready(r, &rd), 0);
	RL_EXPECT_EQ(rd.hs_changed, 1);
	RL_EXPECT_EQ(rd.hs.term, 4);
	raft_advance(r, &rd);
	/* and it votes in term 4 for an up-to-date candidate */
	th_msg(&m, RAFT_MSG_VOTE, 2, 1, 4);
	m.index = 3;
	m.log_term = 4;
	TH_EQ(raft_step(r, &m), 0);
	RL_EXPECT_EQ(r->vote, 2);
	raft_destroy(r);
}

RL_TEST(malformed_messages_are_rejected)
{
	struct raft *r = th_node(1, 3, NULL, 0, 0, NULL);
	struct raft_entry e = { .term = 9, .index = 1 };
	struct raft_msg m;

	RL_ASSERT(r);
	th_msg(&m, 0, 2, 1, 1);
	TH_EQ(raft_step(r, &m), -EINVAL);	/* no type */
	th_msg(&m, RAFT_MSG_APPEND, 2, 1, 1);
	m.n_entries = 1;
	m.entries = &e;				/* entry term > msg term */
	TH_EQ(raft_step(r, &m), -EINVAL);
	e.term = 1;
	e.index = 5;				/* not consecutive */
	TH_EQ(raft_step(r, &m), -EINVAL);
	e.index = 1;
	e.len = 4;				/* length without data */
	TH_EQ(raft_step(r, &m), -EINVAL);
	th_msg(&m, RAFT_MSG_HEARTBEAT, 2, 3, 1);	/* not for us */
	TH_EQ(raft_step(r, &m), -EINVAL);
	th_msg(&m, RAFT_MSG_SNAPSHOT, 2, 1, 1);
	m.snap.index = 5;
	m.snap.term = 1;
	m.snap.conf.n_voters = RAFT_MAX_MEMBERS + 1;
	TH_EQ(raft_step(r, &m), -EINVAL);
	RL_EXPECT_EQ(r->term, 0);
	raft_destroy(r);
}

RL_SUITE(raft_election,
	 RL_CASE(three_nodes_elect_one_leader),
	 RL_CASE(election_timeout_is_randomized_in_range),
	 RL_CASE(vote_requires_up_to_date_log),
	 RL_CASE(vote_sent_only_after_it_is_durable),
	 RL_CASE(one_vote_per_term),
	 RL_CASE(stale_vote_is_rejected_with_current_term),
	 RL_CASE(higher_term_turns_leader_into_follower),
	 RL_CASE(prevote_keeps_partitioned_node_from_disrupting),
	 RL_CASE(check_quorum_leader_steps_down_when_cut_off),
	 RL_CASE(check_quorum_lease_ignores_votes_while_leader_alive),
	 RL_CASE(split_votes_resolve_and_leader_is_unique_per_term),
	 RL_CASE(vote_refused_to_a_better_candidate_gives_it_the_next_turn),
	 RL_CASE(absurd_term_is_refused_and_never_wraps),
	 RL_CASE(boot_with_entries_newer_than_hard_state_takes_their_term),
	 RL_CASE(malformed_messages_are_rejected));
