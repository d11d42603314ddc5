// SPDX-License-Identifier: GPL-2.0
/*
 * Quiescing (kernel/raft/quiesce.c): an idle group stops heartbeating and
 * its timers; a proposal wakes it; a quiesced follower learns that its
 * leader is gone from raft_peer_lost() and a new leader is elected; a
 * leader cut off while quiesced steps down once told its peers are lost,
 * and one that was quiet for long is not deposed by CheckQuorum.
 */
#include "thelp.h"

static void quiesce_on(struct raft_config *c)
{
	c->quiesce = 1;
	c->heartbeat_tick = 2;
}

static int all_quiesced(struct tnet *t)
{
	u32 i;

	for (i = 1; i <= t->n; i++)
		if (!raft_quiesced(t->node[i].r))
			return 0;
	return 1;
}

/* Three voters, node 1 leads, one entry committed, then idle until quiet. */
static struct tnet *quiet_cluster(RL_T *rl_t)
{
	struct tnet *t = tnet_new(3, quiesce_on);

	if (!t)
		return NULL;
	tnet_campaign(t, 1);
	tnet_propose(t, 1, "a", 1);
	tnet_settle(t);
	/* an election timeout of idle ticks, and a little more */
	tnet_tick_all(t, 12);
	return t;
}

RL_TEST(idle_group_quiesces_and_stops_heartbeats)
{
	struct tnet *t = quiet_cluster(rl_t);
	u32 hb, pv;

	RL_ASSERT(t);
	RL_ASSERT_EQ(tnet_leader(t), 1);
	RL_ASSERT(all_quiesced(t));
	RL_EXPECT_EQ(tnet_status(t, 1)->quiesces, 1);
	RL_EXPECT_EQ(tnet_status(t, 2)->quiesced, 1);
	hb = t->sent[RAFT_MSG_HEARTBEAT] + t->sent[RAFT_MSG_HEARTBEAT_RESP];
	pv = t->sent[RAFT_MSG_PREVOTE];
	/* ten election timeouts: not one message, no election */
	tnet_tick_all(t, 100);
	RL_EXPECT_EQ(t->sent[RAFT_MSG_HEARTBEAT] +
		     t->sent[RAFT_MSG_HEARTBEAT_RESP], hb);
	RL_EXPECT_EQ(t->sent[RAFT_MSG_PREVOTE], pv);
	RL_EXPECT(all_quiesced(t));
	RL_EXPECT_EQ(tnet_leader(t), 1);
	RL_EXPECT_EQ(tnet_status(t, 3)->term, tnet_status(t, 1)->term);
	tnet_free(t);
}

RL_TEST(quiescing_is_off_by_default)
{
	struct tnet *t = tnet_new(3, NULL);

	RL_ASSERT(t);
	tnet_campaign(t, 1);
	tnet_tick_all(t, 30);
	RL_EXPECT(!raft_quiesced(t->node[1].r));
	RL_EXPECT(!raft_quiesced(t->node[2].r));
	tnet_free(t);
}

RL_TEST(proposal_wakes_and_commits_at_once)
{
	struct tnet *t = quiet_cluster(rl_t);

	RL_ASSERT(t);
	RL_ASSERT(all_quiesced(t));
	tnet_tick_all(t, 100);
	/* no tick in between: the proposal itself wakes the group */
	TH_EQ(tnet_propose(t, 1, "b", 2), 0);
	RL_EXPECT(!raft_quiesced(t->node[1].r));
	tnet_settle(t);
	RL_EXPECT_EQ(tnet_status(t, 1)->commit, 3);
	RL_EXPECT_EQ(tnet_status(t, 2)->commit, 3);
	RL_EXPECT_EQ(tnet_status(t, 1)->wakes, 1);
	RL_EXPECT(!raft_quiesced(t->node[2].r));
	/* a follower's proposal too, through the leader */
	tnet_tick_all(t, 12);
	RL_ASSERT(all_quiesced(t));
	TH_EQ(tnet_propose(t, 3, "c", 3), 0);
	tnet_settle(t);
	RL_EXPECT_EQ(tnet_status(t, 1)->commit, 4);
	RL_EXPECT_EQ(tnet_status(t, 3)->commit, 4);
	/* the leader woke and was not deposed by CheckQuorum */
	tnet_tick_all(t, 25);
	RL_EXPECT_EQ(tnet_leader(t), 1);
	tnet_free(t);
}

RL_TEST(lost_leader_is_replaced)
{
	struct tnet *t = quiet_cluster(rl_t);
	u64 term;
	u32 k;

	RL_ASSERT(t);
	RL_ASSERT(all_quiesced(t));
	term = tnet_status(t, 2)->term;
	/* the leader's node dies: quiesced followers cannot tell */
	tnet_isolate(t, 1);
	for (k = 0; k < 60; k++) {
		tnet_tick(t, 2);
		tnet_tick(t, 3);
		tnet_settle(t);
	}
	RL_EXPECT_EQ(tnet_status(t, 2)->term, term);
	RL_EXPECT_EQ(tnet_status(t, 2)->lead, 1);
	/* the transport can */
	raft_peer_lost(t->node[2].r, 1);
	raft_peer_lost(t->node[3].r, 1);
	RL_EXPECT(!raft_quiesced(t->node[2].r));
	for (k = 0; k < 3 * 10; k++) {
		tnet_tick(t, 2);
		tnet_tick(t, 3);
		tnet_settle(t);
	}
	RL_EXPECT(tnet_status(t, 2)->role == RAFT_LEADER ||
		  tnet_status(t, 3)->role == RAFT_LEADER);
	RL_EXPECT_EQ(tnet_status(t, 2)->term, term + 1);
	tnet_free(t);
}

RL_TEST(one_lost_notice_does_not_elect_against_a_live_leader)
{
	struct tnet *t = quiet_cluster(rl_t);
	u32 k;

	RL_ASSERT(t);
	RL_ASSERT(all_quiesced(t));
	/* node 3 is cut off from the leader alone and told so */
	tnet_cut(t, 1, 3);
	raft_peer_lost(t->node[3].r, 1);
	raft_peer_lost(t->node[1].r, 3);
	for (k = 0; k < 60; k++)
		tnet_tick_all(t, 1);
	/* node 2 still hears the leader: the lease holds, no new term */
	RL_EXPECT_EQ(tnet_leader(t), 1);
	RL_EXPECT_EQ(tnet_status(t, 2)->lead, 1);
	/* and the leader keeps heartbeating while a peer is lost */
	RL_EXPECT(!raft_quiesced(t->node[1].r));
	tnet_free(t);
}

RL_TEST(cut_off_quiesced_leader_steps_down_when_told)
{
	struct tnet *t = quiet_cluster(rl_t);
	u32 k;

	RL_ASSERT(t);
	RL_ASSERT(all_quiesced(t));
	tnet_isolate(t, 1);
	for (k = 0; k < 60; k++)
		tnet_tick(t, 1);
	/* told nothing, a quiesced leader stays (nothing can depose it) */
	RL_EXPECT_EQ(tnet_status(t, 1)->role, RAFT_LEADER);
	raft_peer_lost(t->node[1].r, 2);
	raft_peer_lost(t->node[1].r, 3);
	for (k = 0; k < 2 * 10; k++) {
		tnet_tick(t, 1);
		tnet_settle(t);
	}
	RL_EXPECT_EQ(tnet_status(t, 1)->role, RAFT_FOLLOWER);
	tnet_free(t);
}

RL_TEST(follower_that_lacks_the_log_keeps_the_group_awake)
{
	struct tnet *t = tnet_new(3, quiesce_on);
	struct raft_msg m;
	u32 k;

	RL_ASSERT(t);
	tnet_campaign(t, 1);
	tnet_settle(t);
	tnet_tick_all(t, 12);
	RL_ASSERT(all_quiesced(t));
	/* a quiescing heartbeat for an entry node 2 does not have */
	th_msg(&m, RAFT_MSG_HEARTBEAT, 1, 2, tnet_status(t, 1)->term);
	m.reject = RAFT_HB_QUIESCE;
	m.index = 5;
	m.log_term = m.term;
	m.commit = 1;
	TH_EQ(raft_step(t->node[2].r, &m), 0);
	RL_EXPECT(!raft_quiesced(t->node[2].r));
	/* its answer wakes the leader */
	tnet_settle(t);
	RL_EXPECT(!raft_quiesced(t->node[1].r));
	for (k = 0; k < 3; k++)
		tnet_tick_all(t, 1);
	RL_EXPECT(!raft_quiesced(t->node[1].r));
	tnet_free(t);
}

RL_SUITE(raft_quiesce,
	 RL_CASE(idle_group_quiesces_and_stops_heartbeats),
	 RL_CASE(quiescing_is_off_by_default),
	 RL_CASE(proposal_wakes_and_commits_at_once),
	 RL_CASE(lost_leader_is_replaced),
	 RL_CASE(one_lost_notice_does_not_elect_against_a_live_leader),
	 RL_CASE(cut_off_quiesced_leader_steps_down_when_told),
	 RL_CASE(follower_that_lacks_the_log_keeps_the_group_awake));
