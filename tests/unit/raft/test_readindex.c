// SPDX-License-Identifier: GPL-2.0
/*
 * ReadIndex: the leader answers a linearizable read only after a heartbeat
 * round confirmed its leadership, and only once it committed an entry of
 * its term; followers ask the leader.
 */
#include "thelp.h"

static struct tnet *elected(RL_T *rl_t, u32 n)
{
	struct tnet *t = tnet_new(n, NULL);

	if (!t)
		return NULL;
	tnet_campaign(t, 1);
	tnet_tick_all(t, 1);
	return t;
}

RL_TEST(leader_read_needs_a_heartbeat_quorum)
{
	struct tnet *t = elected(rl_t, 3);

	RL_ASSERT(t);
	RL_ASSERT_EQ(tnet_leader(t), 1);
	TH_EQ(raft_read_index(t->node[1].r, 42), 0);
	tnet_ready_node(t, 1);
	RL_EXPECT_EQ(t->node[1].n_reads, 0);	/* not before the round */
	RL_EXPECT_EQ(tnet_count(t, RAFT_MSG_HEARTBEAT, 1, 0), 2);
	tnet_settle(t);
	RL_ASSERT_EQ(t->node[1].n_reads, 1);
	RL_EXPECT_EQ(t->node[1].reads[0].ctx, 42);
	RL_EXPECT_EQ(t->node[1].reads[0].index, 1);
	RL_EXPECT_EQ(t->node[1].reads[0].err, 0);
	tnet_free(t);
}

RL_TEST(partitioned_leader_serves_no_read)
{
	struct tnet *t = elected(rl_t, 3);
	u32 k;

	RL_ASSERT(t);
	tnet_isolate(t, 1);
	raft_read_index(t->node[1].r, 7);
	for (k = 0; k < 5; k++) {
		tnet_tick(t, 1);
		tnet_settle(t);
	}
	RL_EXPECT_EQ(t->node[1].n_reads, 0);
	/* once it steps down, the read fails definitely */
	for (k = 0; k < 30; k++) {
		tnet_tick(t, 1);
		tnet_settle(t);
	}
	RL_ASSERT_EQ(t->node[1].n_reads, 1);
	RL_EXPECT_EQ(t->node[1].reads[0].err, -EAGAIN);
	tnet_free(t);
}

RL_TEST(follower_reads_through_the_leader)
{
	struct tnet *t = elected(rl_t, 3);

	RL_ASSERT(t);
	tnet_propose(t, 1, "w", 1);
	tnet_settle(t);
	TH_EQ(raft_read_index(t->node[3].r, 99), 0);
	tnet_settle(t);
	RL_ASSERT_EQ(t->node[3].n_reads, 1);
	RL_EXPECT_EQ(t->node[3].reads[0].ctx, 99);
	RL_EXPECT_EQ(t->node[3].reads[0].index, 2);
	RL_EXPECT_EQ(t->node[1].n_reads, 0);
	tnet_free(t);
}

RL_TEST(read_waits_for_the_first_commit_of_the_term)
{
	struct tnet *t = tnet_new(3, NULL);

	RL_ASSERT(t);
	tnet_isolate(t, 3);	/* leader + node 2: both copies are needed */
	tnet_manual(t, 1, 1);	/* the leader's no-op stays non-durable */
	tnet_campaign(t, 1);
	tnet_persist(t, 1);	/* its vote for itself: VOTEs go out */
	tnet_settle(t);
	RL_ASSERT_EQ(tnet_status(t, 1)->role, RAFT_LEADER);
	RL_EXPECT_EQ(tnet_status(t, 1)->commit, 0);
	raft_read_index(t->node[1].r, 5);
	tnet_tick_all(t, 3);
	RL_EXPECT_EQ(t->node[1].n_reads, 0);
	tnet_persist(t, 1);
	tnet_settle(t);
	RL_ASSERT_EQ(t->node[1].n_reads, 1);
	RL_EXPECT_EQ(t->node[1].reads[0].index, 1);
	tnet_free(t);
}

RL_TEST(read_without_leader_is_refused)
{
	struct tnet *t = tnet_new(3, NULL);

	RL_ASSERT(t);
	TH_EQ(raft_read_index(t->node[2].r, 1), -EAGAIN);
	tnet_free(t);
}

RL_TEST(single_voter_reads_at_once)
{
	struct tnet *t = tnet_new(1, NULL);

	RL_ASSERT(t);
	tnet_campaign(t, 1);
	RL_ASSERT_EQ(tnet_status(t, 1)->commit, 1);
	raft_read_index(t->node[1].r, 3);
	tnet_settle(t);
	RL_ASSERT_EQ(t->node[1].n_reads, 1);
	RL_EXPECT_EQ(t->node[1].reads[0].index, 1);
	tnet_free(t);
}

/*
 * A follower took any READ_INDEX_RESP for any id: another member (or a
 * forged frame) could answer a read with any index, and a read whose
 * request or answer was lost waited forever.  Only the leader asked
 * answers, once; without an answer the read ends after two election
 * timeouts with -ETIMEDOUT.
 */
RL_TEST(forwarded_read_is_answered_by_the_leader_asked_or_times_out)
{
	struct tnet *t = elected(rl_t, 3);
	struct raft_msg m;
	u32 k;

	RL_ASSERT(t);
	t->cut[1][3] = 1;	/* the leader's answers to node 3 are lost */
	TH_EQ(raft_read_index(t->node[3].r, 42), 0);
	tnet_settle(t);
	RL_EXPECT_EQ(t->node[3].n_reads, 0);
	/* node 2 answers for the leader: ignored */
	th_msg(&m, RAFT_MSG_READ_INDEX_RESP, 2, 3, 0);
	m.context = 42;
	m.index = 999;
	TH_EQ(raft_step(t->node[3].r, &m), 0);
	tnet_settle(t);
	RL_EXPECT_EQ(t->node[3].n_reads, 0);
	/* no answer: the read ends all the same */
	for (k = 0; k < 2 * 10 && !t->node[3].n_reads; k++)
		tnet_tick_all(t, 1);
	RL_ASSERT_EQ(t->node[3].n_reads, 1);
	RL_EXPECT_EQ(t->node[3].reads[0].ctx, 42);
	RL_EXPECT_EQ(t->node[3].reads[0].err, -ETIMEDOUT);
	/* a late answer from the leader finds nothing to answer */
	th_msg(&m, RAFT_MSG_READ_INDEX_RESP, 1, 3, 0);
	m.context = 42;
	m.index = 1;
	TH_EQ(raft_step(t->node[3].r, &m), 0);
	tnet_settle(t);
	RL_EXPECT_EQ(t->node[3].n_reads, 1);
	tnet_free(t);
}

RL_SUITE(raft_readindex,
	 RL_CASE(leader_read_needs_a_heartbeat_quorum),
	 RL_CASE(partitioned_leader_serves_no_read),
	 RL_CASE(follower_reads_through_the_leader),
	 RL_CASE(forwarded_read_is_answered_by_the_leader_asked_or_times_out),
	 RL_CASE(read_waits_for_the_first_commit_of_the_term),
	 RL_CASE(read_without_leader_is_refused),
	 RL_CASE(single_voter_reads_at_once));
