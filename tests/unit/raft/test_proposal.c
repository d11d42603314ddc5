// SPDX-License-Identifier: GPL-2.0
/*
 * Proposals: followers forward them to the leader; the proposer learns the
 * index and term once the entry commits, or a definite error.
 */
#include "thelp.h"

static struct tnet *elected(u32 n, void (*tweak)(struct raft_config *c))
{
	struct tnet *t = tnet_new(n, tweak);

	if (!t)
		return NULL;
	tnet_campaign(t, 1);
	tnet_tick_all(t, 1);
	return t;
}

RL_TEST(forwarded_proposal_learns_index_and_term)
{
	struct tnet *t = elected(3, NULL);
	u32 i;

	RL_ASSERT(t);
	TH_EQ(tnet_propose(t, 3, "hello", 77), 0);
	tnet_settle(t);
	RL_ASSERT_EQ(t->node[3].n_results, 1);
	RL_EXPECT_EQ(t->node[3].results[0].id, 77);
	RL_EXPECT_EQ(t->node[3].results[0].err, 0);
	RL_EXPECT_EQ(t->node[3].results[0].index, 2);
	RL_EXPECT_EQ(t->node[3].results[0].term, 1);
	tnet_tick_all(t, 1);
	for (i = 1; i <= 3; i++)
		RL_EXPECT_EQ(t->node[i].last_applied, 2);
	/* the leader reports nothing: it was not its proposal */
	RL_EXPECT_EQ(t->node[1].n_results, 0);
	tnet_free(t);
}

RL_TEST(forwarded_proposals_of_one_step_share_a_message)
{
	struct tnet *t = elected(3, NULL);
	u32 i;

	RL_ASSERT(t);
	/* five proposals on follower 3 before its next ready batch */
	for (i = 0; i < 5; i++)
		TH_EQ(tnet_propose(t, 3, "abcde" + i, 100 + i), 0);
	/* ids 100..104 follow each other: one PROPOSE carries them all */
	tnet_ready_node(t, 3);
	RL_EXPECT_EQ(tnet_count(t, RAFT_MSG_PROPOSE, 3, 1), 1);
	/* a gap in the ids starts another message */
	TH_EQ(tnet_propose(t, 3, "x", 200), 0);
	TH_EQ(tnet_propose(t, 3, "y", 201), 0);
	tnet_ready_node(t, 3);
	RL_EXPECT_EQ(tnet_count(t, RAFT_MSG_PROPOSE, 3, 1), 2);
	tnet_settle(t);
	/* each proposal learns its own index, in the order proposed */
	RL_ASSERT_EQ(t->node[3].n_results, 7);
	for (i = 0; i < 7; i++) {
		const struct raft_proposal_result *res = &t->node[3].results[i];
		u64 want = i < 5 ? 100 + i : 200 + i - 5;

		RL_EXPECT_EQ(res->id, want);
		RL_EXPECT_EQ(res->err, 0);
		RL_EXPECT_EQ(res->index, 2 + i);
		RL_EXPECT_EQ(res->term, 1);
	}
	tnet_tick_all(t, 1);
	for (i = 1; i <= 3; i++)
		RL_EXPECT_EQ(t->node[i].last_applied, 8);
	tnet_free(t);
}

RL_TEST(refused_batch_refuses_each_proposal)
{
	struct tnet *t = elected(3, NULL);
	u32 i;

	RL_ASSERT(t);
	tnet_isolate(t, 3);
	/* a transfer in progress: the leader refuses every proposal */
	TH_EQ(raft_transfer_leader(t->node[1].r, 3), 0);
	for (i = 0; i < 3; i++)
		TH_EQ(tnet_propose(t, 2, "z", 10 + i), 0);
	tnet_settle(t);
	RL_ASSERT_EQ(t->node[2].n_results, 3);
	for (i = 0; i < 3; i++) {
		RL_EXPECT_EQ(t->node[2].results[i].id, 10 + i);
		RL_EXPECT_EQ(t->node[2].results[i].err, -EBUSY);
	}
	tnet_free(t);
}

RL_TEST(full_log_store_refuses_proposals_with_enospc)
{
	struct tnet *t = elected(3, NULL);

	RL_ASSERT(t);
	/* the leader's store takes two more 3-byte entries at 10 bytes each */
	raft_set_room(t->node[1].r, 20, 7);
	TH_EQ(tnet_propose(t, 1, "abc", 1), 0);
	TH_EQ(tnet_propose(t, 1, "def", 2), 0);
	TH_EQ(tnet_propose(t, 1, "ghi", 3), -ENOSPC);
	/* forwarded ones learn it too */
	TH_EQ(tnet_propose(t, 2, "jkl", 4), 0);
	tnet_settle(t);
	RL_ASSERT_EQ(t->node[2].n_results, 1);
	RL_EXPECT_EQ(t->node[2].results[0].err, -ENOSPC);
	/* compaction (or more room) lets them in again */
	raft_set_room(t->node[1].r, RAFT_ROOM_UNLIMITED, 0);
	TH_EQ(tnet_propose(t, 2, "mno", 5), 0);
	tnet_settle(t);
	RL_ASSERT_EQ(t->node[2].n_results, 2);
	RL_EXPECT_EQ(t->node[2].results[1].err, 0);
	RL_EXPECT_EQ(t->node[2].results[1].index, 4);
	tnet_free(t);
}

RL_TEST(proposal_without_leader_is_refused)
{
	struct tnet *t = tnet_new(3, NULL);

	RL_ASSERT(t);
	TH_EQ(tnet_propose(t, 2, "x", 1), -EAGAIN);
	tnet_free(t);
}

RL_TEST(overwritten_proposal_is_canceled)
{
	struct tnet *t = elected(3, NULL);
	u32 k;

	RL_ASSERT(t);
	tnet_isolate(t, 1);
	TH_EQ(tnet_propose(t, 1, "lost", 5), 0);	/* index 2, term 1 */
	tnet_settle(t);
	for (k = 0; k < 60 && tnet_leader(t) != 2 && tnet_leader(t) != 3; k++)
		tnet_tick_all(t, 1);
	RL_ASSERT(tnet_leader(t) == 2 || tnet_leader(t) == 3);
	tnet_propose(t, tnet_leader(t), "won", 6);
	tnet_settle(t);
	RL_EXPECT_EQ(t->node[1].n_results, 0);
	tnet_heal(t);
	tnet_tick_all(t, 25);
	RL_ASSERT_EQ(t->node[1].n_results, 1);
	RL_EXPECT_EQ(t->node[1].results[0].id, 5);
	RL_EXPECT_EQ(t->node[1].results[0].err, -ECANCELED);
	RL_EXPECT(raft_term_at(t->node[1].r, 2) > 1);
	tnet_free(t);
}

/*
 * Found by the simulator's check that every waiting proposal ends after
 * the heal: a proposal past the end of the new leader's log was never
 * overwritten and never committed, so its writer waited until somebody
 * else's proposals grew the log past its index.  A committed entry of a
 * later term below its index decides it: terms never decrease along a
 * log, so that index can only ever hold a later term.
 */
RL_TEST(proposal_beyond_new_leaders_log_is_canceled)
{
	struct tnet *t = elected(3, NULL);
	u32 k;

	RL_ASSERT(t);
	tnet_isolate(t, 1);
	TH_EQ(tnet_propose(t, 1, "a", 5), 0);	/* index 2, term 1 */
	TH_EQ(tnet_propose(t, 1, "b", 6), 0);	/* index 3, term 1 */
	TH_EQ(tnet_propose(t, 1, "c", 7), 0);	/* index 4, term 1 */
	tnet_settle(t);
	for (k = 0; k < 60 && tnet_leader(t) != 2 && tnet_leader(t) != 3; k++)
		tnet_tick_all(t, 1);
	RL_ASSERT(tnet_leader(t) == 2 || tnet_leader(t) == 3);
	/* the new leader's log ends at its no-op: index 2; nobody proposes */
	RL_EXPECT_EQ(tnet_status(t, tnet_leader(t))->last_index, 2);
	tnet_heal(t);
	tnet_tick_all(t, 25);
	RL_EXPECT_EQ(tnet_status(t, 1)->last_index, 2);
	/* all three writers learn their proposal lost, none waits on */
	RL_ASSERT_EQ(t->node[1].n_results, 3);
	for (k = 0; k < 3; k++)
		RL_EXPECT_EQ(t->node[1].results[k].err, -ECANCELED);
	tnet_free(t);
}

RL_TEST(unanswered_forward_times_out)
{
	struct tnet *t = elected(3, NULL);
	u32 k;

	RL_ASSERT(t);
	t->cut[2][1] = 1;
	TH_EQ(tnet_propose(t, 2, "x", 9), 0);
	for (k = 0; k < 25; k++) {
		tnet_tick(t, 2);
		tnet_ready(t);
		tnet_drop_queue(t);
	}
	RL_ASSERT_EQ(t->node[2].n_results, 1);
	RL_EXPECT_EQ(t->node[2].results[0].err, -ETIMEDOUT);
	tnet_free(t);
}

RL_TEST(leader_refusal_reaches_the_proposer)
{
	struct tnet *t = elected(3, NULL);

	RL_ASSERT(t);
	tnet_isolate(t, 3);
	/* a transfer to a cut-off node: the leader refuses proposals */
	TH_EQ(raft_transfer_leader(t->node[1].r, 3), 0);
	TH_EQ(tnet_propose(t, 1, "y", 1), -EBUSY);
	TH_EQ(tnet_propose(t, 2, "z", 2), 0);
	tnet_settle(t);
	RL_ASSERT_EQ(t->node[2].n_results, 1);
	RL_EXPECT_EQ(t->node[2].results[0].err, -EBUSY);
	tnet_free(t);
}

static void budget(struct raft_config *c)
{
	c->max_uncommitted_size = 10;
}

RL_TEST(uncommitted_budget_drops_proposals)
{
	struct tnet *t = elected(3, budget);

	RL_ASSERT(t);
	tnet_isolate(t, 1);
	TH_EQ(tnet_propose(t, 1, "12345678", 1), 0);
	TH_EQ(tnet_propose(t, 1, "12345678", 2), -ENOBUFS);
	TH_EQ(tnet_propose(t, 1, "", 3), 0);	/* empty always fits */
	tnet_heal(t);
	tnet_tick_all(t, 2);
	TH_EQ(tnet_propose(t, 1, "12345678", 4), 0);
	tnet_free(t);
}

/*
 * A PROPOSE_RESP from any node for any id was taken: another member or a
 * forged frame could fail a proposal, or tell it a place it never went.
 * Only the leader the proposal was forwarded to answers it.
 */
RL_TEST(proposal_answer_from_another_node_is_ignored)
{
	struct tnet *t = elected(3, NULL);
	struct raft_msg m;

	RL_ASSERT(t);
	t->cut[2][1] = 1;	/* hold the forwarded proposal */
	TH_EQ(tnet_propose(t, 2, "x", 7), 0);
	tnet_settle(t);
	/* node 3 answers it: refused, or placed at index 5 */
	th_msg(&m, RAFT_MSG_PROPOSE_RESP, 3, 2, 0);
	m.context = 7;
	m.error = -EINVAL;
	TH_EQ(raft_step(t->node[2].r, &m), 0);
	th_msg(&m, RAFT_MSG_PROPOSE_RESP, 3, 2, 0);
	m.context = 7;
	m.index = 5;
	m.log_term = 1;
	TH_EQ(raft_step(t->node[2].r, &m), 0);
	tnet_settle(t);
	RL_EXPECT_EQ(t->node[2].n_results, 0);
	/* the leader's own answer still counts */
	t->cut[2][1] = 0;
	TH_EQ(tnet_propose(t, 2, "y", 8), 0);
	tnet_settle(t);
	tnet_tick_all(t, 2);
	RL_ASSERT(t->node[2].n_results >= 1);
	RL_EXPECT_EQ(t->node[2].results[0].id, 8);
	RL_EXPECT_EQ(t->node[2].results[0].err, 0);
	tnet_free(t);
}

RL_SUITE(raft_proposal,
	 RL_CASE(forwarded_proposal_learns_index_and_term),
	 RL_CASE(proposal_answer_from_another_node_is_ignored),
	 RL_CASE(forwarded_proposals_of_one_step_share_a_message),
	 RL_CASE(refused_batch_refuses_each_proposal),
	 RL_CASE(full_log_store_refuses_proposals_with_enospc),
	 RL_CASE(proposal_without_leader_is_refused),
	 RL_CASE(overwritten_proposal_is_canceled),
	 RL_CASE(proposal_beyond_new_leaders_log_is_canceled),
	 RL_CASE(unanswered_forward_times_out),
	 RL_CASE(leader_refusal_reaches_the_proposer),
	 RL_CASE(uncommitted_budget_drops_proposals));
