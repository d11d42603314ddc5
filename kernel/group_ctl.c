// SPDX-License-Identifier: GPL-2.0
/*
 * Group control: membership changes (add a learner, promote it, remove a
 * member) and leadership transfer.
 *
 * The caller's side (rl_group_member_*, rl_group_transfer) runs in the
 * caller's context: it checks what it can alone, queues a request on the
 * group's request queue and waits.  The worker's side
 * (rl_group_ctl_request, called by the run loop) hands it to the core,
 * like every other core call; the address book it relies on is
 * group_members.c's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/delay.h>
#include <linux/sched/signal.h>
#include <linux/jiffies.h>
#include <linux/completion.h>
#include <linux/socket.h>
#include "raft/raft.h"
#include "transport.h"
#include "group.h"
#include "group_int.h"

/* Not the leader: -EREMOTE when another node is (ask it), else -EAGAIN. */
static int rl_not_leader(struct rl_group *g)
{
	u64 lead = g->mb.st.lead;

	return lead && lead != g->p.node_id ? -EREMOTE : -EAGAIN;
}

static int rl_conf_check(struct rl_group *g, struct rl_req *rq)
{
	const struct raft_conf *c = &g->mb.st.conf;
	bool voter = rl_ids_has(c->voters, c->n_voters, rq->member);
	bool learner = rl_ids_has(c->learners, c->n_learners, rq->member);

	switch (rq->cc_type) {
	case RAFT_CC_ADD_LEARNER:
		if (voter || learner)
			return -EEXIST;
		/*
		 * A node joining under the id of one removed earlier would
		 * replay that removal from the log and stop itself: ids are
		 * not reused (those the book knows were members).
		 */
		if (rl_members_addr(g, rq->member))
			return -ESTALE;
		if (c->n_learners >= RAFT_MAX_MEMBERS)
			return -ENOSPC;
		return 0;
	case RAFT_CC_ADD_VOTER:
		if (voter)
			return -EALREADY;
		if (!learner)
			return -ENOENT;
		if (c->n_voters >= RAFT_MAX_MEMBERS)
			return -ENOSPC;
		return 0;
	case RAFT_CC_REMOVE:
		if (!voter && !learner)
			return -ENOENT;
		if (voter && c->n_voters == 1)
			return -ERANGE;
		return 0;
	}
	return -EINVAL;
}

static int rl_transfer_check(struct rl_group *g, u64 to)
{
	const struct raft_conf *c = &g->mb.st.conf;

	if (to == g->p.node_id)
		return -EALREADY;
	if (rl_ids_has(c->learners, c->n_learners, to))
		return -EINVAL;
	if (!rl_ids_has(c->voters, c->n_voters, to))
		return -ENOENT;
	if (g->mb.st.lead_transferee)
		return -EBUSY;
	return 0;
}

/*
 * Hand a control request to the core (the worker's rl_handle_requests,
 * with rq in the inflight table).  Returns 0 when the core took it (its
 * result arrives like a proposal's), 1 when it is done with success, or
 * a negative errno.
 */
int rl_group_ctl_request(struct rl_group *g, struct rl_req *rq)
{
	int err;

	raft_status(g->raft, &g->mb.st);
	if (g->mb.st.role != RAFT_LEADER)
		return rl_not_leader(g);
	if (rq->kind == RL_REQ_TRANSFER) {
		err = rl_transfer_check(g, rq->member);
		if (!err)
			err = raft_transfer_leader(g->raft, rq->member);
		if (err)
			return err;
		/*
		 * The caller watches the status snapshot, which is refreshed
		 * only at the end of this step: show the transfer now, or it
		 * would look abandoned already.
		 */
		spin_lock(&g->stream_lock);
		g->st.lead_transferee = rq->member;
		spin_unlock(&g->stream_lock);
		pr_info("group %u: node %llu hands leadership to %llu\n",
			g->p.group_id, g->p.node_id, rq->member);
		return 1;
	}
	if (rq->kind != RL_REQ_CONF)
		return -EINVAL;
	err = rl_conf_check(g, rq);
	if (err)
		return err;
	err = raft_propose_conf_change_ctx(g->raft, rq->cc_type, rq->member,
					   rq->data, rq->len, rq->id);
	if (err == -EAGAIN)
		return rl_not_leader(g);
	return err;
}

/*
 * How long a caller waits for a change to commit: generous (a promoted
 * learner that is still behind holds the commit up) but bounded, so a
 * leader cut off from its quorum does not hang the operator.
 */
static unsigned long rl_group_ctl_timeout(struct rl_group *g)
{
	u32 ms = 40 * g->p.election_ticks * g->p.tick_ms;

	return msecs_to_jiffies(max(ms, 30000U));
}

/* Queue rq and wait for its outcome. */
static int rl_group_ctl_run(struct rl_group *g, struct rl_req *rq)
{
	long left;
	int err;

	err = rl_req_submit(g, rq, false);
	if (err)
		return err == -ERESTARTSYS ? -EINTR : err;
	left = wait_for_completion_interruptible_timeout(&rq->done,
							 rl_group_ctl_timeout(g));
	if (left < 0)
		return -EINTR;		/* it may still happen */
	if (!left)
		return -ETIMEDOUT;	/* outcome unknown */
	return rq->err;
}

static int rl_member_change(struct rl_group *g, u8 type, u64 node,
			    const char *addr)
{
	struct rl_req *rq;
	int err;

	if (!node)
		return -EINVAL;
	rq = rl_req_alloc(RL_REQ_CONF);
	if (!rq)
		return -ENOMEM;
	rq->cc_type = type;
	rq->member = node;
	if (addr) {
		rq->data = kmalloc(RL_ADDR_MAX + 2, GFP_KERNEL_ACCOUNT);
		if (!rq->data) {
			rl_req_put(rq);
			return -ENOMEM;
		}
		rq->len = rl_members_ctx_encode(rq->data, addr);
	}
	err = rl_group_ctl_run(g, rq);
	if (!err)
		pr_info("group %u: %s node %llu%s%s committed at %llu\n",
			g->p.group_id,
			type == RAFT_CC_ADD_LEARNER ? "added learner" :
			type == RAFT_CC_ADD_VOTER ? "promoted" : "removed",
			node, addr ? " at " : "", addr ? addr : "", rq->index);
	rl_req_put(rq);
	return err;
}

int rl_group_member_add(struct rl_group *g, u64 node, const char *addr)
{
	struct sockaddr_storage ss;

	if (!node || !addr || strnlen(addr, RL_ADDR_MAX) >= RL_ADDR_MAX ||
	    rl_tp_parse_addr(addr, &ss))
		return -EINVAL;
	if (node == g->p.node_id)
		return -EEXIST;
	if (!g->p.listen[0])
		return -EOPNOTSUPP;	/* no transport: nobody to reach */
	return rl_member_change(g, RAFT_CC_ADD_LEARNER, node, addr);
}

int rl_group_member_promote(struct rl_group *g, u64 node)
{
	return rl_member_change(g, RAFT_CC_ADD_VOTER, node, NULL);
}

int rl_group_member_remove(struct rl_group *g, u64 node)
{
	return rl_member_change(g, RAFT_CC_REMOVE, node, NULL);
}

/*
 * The transfer's outcome, from the status the worker refreshes after
 * every step: 0 once `to` leads, -ETIMEDOUT once this node gave up (it
 * still leads, no transfer running), 1 while undecided.
 */
static int rl_transfer_outcome(struct rl_group *g, u64 to)
{
	int ret = 1;

	spin_lock(&g->stream_lock);
	if (g->dead)
		ret = -ENODEV;
	else if (g->st.lead == to)
		ret = 0;
	else if (g->st.role == RAFT_LEADER && !g->st.lead_transferee)
		ret = -ETIMEDOUT;
	spin_unlock(&g->stream_lock);
	if (ret == 1 && READ_ONCE(g->fail_err))
		ret = -EIO;
	return ret;
}

int rl_group_transfer(struct rl_group *g, u64 to)
{
	unsigned long deadline;
	struct rl_req *rq;
	int err;

	if (!to)
		return -EINVAL;
	rq = rl_req_alloc(RL_REQ_TRANSFER);
	if (!rq)
		return -ENOMEM;
	rq->member = to;
	err = rl_group_ctl_run(g, rq);
	rl_req_put(rq);
	if (err)
		return err;
	/*
	 * The core abandons a transfer after an election timeout; the
	 * status is refreshed every tick, so poll it at that pace.
	 */
	deadline = jiffies +
		   msecs_to_jiffies(3 * g->p.election_ticks * g->p.tick_ms);
	for (;;) {
		err = rl_transfer_outcome(g, to);
		if (err <= 0)
			return err;
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		if (msleep_interruptible(g->p.tick_ms))
			return -EINTR;
	}
}
