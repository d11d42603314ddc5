// SPDX-License-Identifier: GPL-2.0
/*
 * Leadership transfer: the target is brought up to date, then told to
 * campaign at once (TIMEOUT_NOW); proposals pause meanwhile; a transfer
 * that does not finish within an election timeout is abandoned.
 */
#include "thelp.h"

static struct tnet *elected(void)
{
	struct tnet *t = tnet_new(3, NULL);

	if (!t)
		return NULL;
	tnet_campaign(t, 1);
	tnet_tick_all(t, 1);
	return t;
}

RL_TEST(transfer_to_up_to_date_follower)
{
	struct tnet *t = elected();

	RL_ASSERT(t);
	RL_ASSERT_EQ(tnet_leader(t), 1);
	TH_EQ(raft_transfer_leader(t->node[1].r, 2), 0);
	tnet_ready_node(t, 1);
	RL_EXPECT_EQ(tnet_count(t, RAFT_MSG_TIMEOUT_NOW, 1, 2), 1);
	tnet_settle(t);
	RL_EXPECT_EQ(tnet_leader(t), 2);
	RL_EXPECT_EQ(tnet_status(t, 2)->term, 2);
	tnet_free(t);
}

RL_TEST(transfer_catches_the_target_up_first)
{
	struct tnet *t = elected();
	u32 i;

	RL_ASSERT(t);
	tnet_isolate(t, 3);
	for (i = 0; i < 5; i++)
		tnet_propose(t, 1, "e", i);
	tnet_settle(t);
	RL_EXPECT_EQ(tnet_status(t, 1)->commit, 6);
	tnet_heal(t);
	TH_EQ(raft_transfer_leader(t->node[1].r, 3), 0);
	tnet_ready_node(t, 1);
	RL_EXPECT_EQ(tnet_count(t, RAFT_MSG_TIMEOUT_NOW, 1, 3), 0);
	RL_EXPECT(tnet_count(t, RAFT_MSG_APPEND, 1, 3) >= 1);
	tnet_settle(t);
	RL_EXPECT_EQ(tnet_leader(t), 3);
	/* nothing committed was lost on the way */
	RL_EXPECT_EQ(raft_log_last(&t->node[3].r->log), 7);
	tnet_tick_all(t, 1);
	RL_EXPECT_EQ(tnet_status(t, 1)->commit, 7);
	tnet_free(t);
}

RL_TEST(transfer_pauses_proposals_and_is_abandoned_after_timeout)
{
	struct tnet *t = elected();
	u32 k;

	RL_ASSERT(t);
	tnet_isolate(t, 3);
	TH_EQ(raft_transfer_leader(t->node[1].r, 3), 0);
	TH_EQ(tnet_propose(t, 1, "p", 1), -EBUSY);
	for (k = 0; k < 10; k++)
		tnet_tick_all(t, 1);
	RL_EXPECT_EQ(tnet_leader(t), 1);
	RL_EXPECT_EQ(tnet_status(t, 1)->lead_transferee, 0);
	TH_EQ(tnet_propose(t, 1, "p", 2), 0);
	tnet_free(t);
}

RL_TEST(transfer_argument_errors)
{
	struct tnet *t = elected();

	RL_ASSERT(t);
	TH_EQ(raft_transfer_leader(t->node[2].r, 3), -EAGAIN);
	TH_EQ(raft_transfer_leader(t->node[1].r, 1), -EALREADY);
	TH_EQ(raft_transfer_leader(t->node[1].r, 9), -EINVAL);
	tnet_free(t);
}

RL_SUITE(raft_transfer,
	 RL_CASE(transfer_to_up_to_date_follower),
	 RL_CASE(transfer_catches_the_target_up_first),
	 RL_CASE(transfer_pauses_proposals_and_is_abandoned_after_timeout),
	 RL_CASE(transfer_argument_errors));
