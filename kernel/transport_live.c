// SPDX-License-Identifier: GPL-2.0
/*
 * Peer liveness, shared by every endpoint (docs/wire.md, "Liveness
 * probes").  Quiesced groups (kernel/raft/quiesce.c) send nothing, so a
 * follower cannot tell a dead leader from a quiet one by itself; the
 * transport tells it (rl_tp_config.lost).  One rl_tp_live per remote
 * address (network namespace and the address peers dial), whatever the
 * number of groups that have a peer there: every frame received from
 * that address, for any group, counts as hearing from it, and when
 * nothing was sent to it for rl_tp_probe_ms one probe goes out on one
 * ready connection there (of an endpoint whose owner asked to hear of
 * losses).  An address not heard from for rl_tp_lost_ms,
 * or a peer whose dialed connection stayed down that long, is reported
 * lost to each endpoint's owner, once, until it is heard from again.
 *
 * The probe is a RAFTLOG_FRAME_RAFT frame holding a HEARTBEAT_RESP of
 * term 0 with context RL_TP_PROBE_CTX: the receiving transport takes it
 * (rl_tp_live_probe); an older node hands it to the core, which refuses
 * a message of term 0, so mixed versions keep talking.
 *
 * Everything here runs under rl_tp_mutex (the pass on rl_tp_wq, attach
 * and detach from peer add and destroy) except the two timestamps, which
 * the send and receive paths store with WRITE_ONCE.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include "raft/raft.h"
#include "transport_int.h"

static unsigned int rl_tp_probe_ms = 250;
module_param_named(probe_ms, rl_tp_probe_ms, uint, 0644);
MODULE_PARM_DESC(probe_ms, "liveness probe interval per remote node (ms)");
static unsigned int rl_tp_lost_ms = 1000;
module_param_named(lost_ms, rl_tp_lost_ms, uint, 0644);
MODULE_PARM_DESC(lost_ms, "a remote node unheard this long is lost (ms)");

static LIST_HEAD(rl_tp_lives);
static void rl_tp_live_pass(struct work_struct *w);
static DECLARE_DELAYED_WORK(rl_tp_live_dwork, rl_tp_live_pass);

static unsigned long rl_tp_live_period(void)
{
	return msecs_to_jiffies(max(rl_tp_probe_ms, 10U));
}

/* Attach @p to the liveness of its address (rl_tp_mutex held). */
int rl_tp_live_attach(struct rl_tp_peer *p, struct net *net)
{
	struct rl_tp_live *l;

	list_for_each_entry(l, &rl_tp_lives, node)
		if (l->net == net && rl_tp_addr_eq(&l->addr, &p->addr))
			goto found;
	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	l->net = net;
	l->addr = p->addr;
	l->last_rx = jiffies;
	l->last_tx = jiffies;
	if (list_empty(&rl_tp_lives))
		queue_delayed_work(rl_tp_wq, &rl_tp_live_dwork,
				   rl_tp_live_period());
	list_add_tail(&l->node, &rl_tp_lives);
found:
	l->users++;
	p->live = l;
	return 0;
}

/* rl_tp_mutex held; the pass is not running (it holds the mutex). */
void rl_tp_live_detach(struct rl_tp_peer *p)
{
	struct rl_tp_live *l = p->live;

	if (!l)
		return;
	p->live = NULL;
	if (--l->users)
		return;
	list_del(&l->node);
	kfree(l);
}

/* A frame from @p's address arrived (receive path). */
void rl_tp_live_heard(struct rl_tp_peer *p)
{
	if (p->live)
		WRITE_ONCE(p->live->last_rx, jiffies);
}

void rl_tp_live_sent(struct rl_tp_peer *p)
{
	if (p->live)
		WRITE_ONCE(p->live->last_tx, jiffies);
}

bool rl_tp_live_probe(const struct raft_msg *m)
{
	return m->type == RAFT_MSG_HEARTBEAT_RESP && !m->term &&
	       m->context == RL_TP_PROBE_CTX;
}

/* What the pass does to one endpoint's peers, outside ep->lock. */
struct rl_tp_live_todo {
	u64 node;
	bool probe;
	bool lost;
};

static void rl_tp_live_ep(struct rl_tp_ep *ep, unsigned long now,
			  unsigned long lost_j)
{
	struct rl_tp_live_todo todo[RL_TP_LIVE_PEERS];
	struct rl_tp_peer *p;
	struct raft_msg m;
	u32 n = 0, i;
	bool down;

	spin_lock_bh(&ep->lock);
	list_for_each_entry(p, &ep->peers, node) {
		struct rl_tp_live *l = p->live;

		if (!l || n == ARRAY_SIZE(todo))
			continue;
		down = p->state != RL_PEER_UP;
		if (!down)
			p->down_since = 0;
		else if (!p->down_since)
			p->down_since = now;
		todo[n].node = p->id;
		todo[n].probe = l->probe_due && !down;
		if (todo[n].probe)
			l->probe_due = false;
		if (l->lost || (down && time_after(now, p->down_since + lost_j))) {
			todo[n].lost = !p->lost_told;
			p->lost_told = true;
		} else {
			todo[n].lost = false;
			p->lost_told = false;
		}
		if (todo[n].probe || todo[n].lost)
			n++;
	}
	spin_unlock_bh(&ep->lock);
	for (i = 0; i < n; i++) {
		if (todo[i].lost)
			ep->cfg.lost(ep->cfg.ctx, todo[i].node);
		if (!todo[i].probe)
			continue;
		memset(&m, 0, sizeof(m));
		m.type = RAFT_MSG_HEARTBEAT_RESP;
		m.from = ep->cfg.node_id;
		m.to = todo[i].node;
		m.context = RL_TP_PROBE_CTX;
		rl_tp_send(ep, &m);
	}
}

static void rl_tp_live_pass(struct work_struct *w)
{
	unsigned long now = jiffies, period = rl_tp_live_period();
	unsigned long lost_j = msecs_to_jiffies(rl_tp_lost_ms);
	struct rl_tp_live *l;
	struct rl_tp_ep *ep;

	mutex_lock(&rl_tp_mutex);
	list_for_each_entry(l, &rl_tp_lives, node) {
		l->probe_due = time_after_eq(now, READ_ONCE(l->last_tx) +
					     period - 1);
		l->lost = time_after(now, READ_ONCE(l->last_rx) + lost_j);
	}
	/* an owner that does not ask to hear of losses sends no probe */
	list_for_each_entry(ep, &rl_tp_eps, node)
		if (!ep->dead && ep->cfg.lost)
			rl_tp_live_ep(ep, now, lost_j);
	if (!list_empty(&rl_tp_lives))
		queue_delayed_work(rl_tp_wq, &rl_tp_live_dwork, period);
	mutex_unlock(&rl_tp_mutex);
}

/* Module exit: every endpoint is closed, so no address is left. */
void rl_tp_live_stop(void)
{
	cancel_delayed_work_sync(&rl_tp_live_dwork);
	WARN_ON(!list_empty(&rl_tp_lives));
}
