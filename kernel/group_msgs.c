// SPDX-License-Identifier: GPL-2.0
/*
 * The transport glue: the group's endpoint (opened with the create
 * spec's peers; group_members.c keeps the peer set in line with the
 * configuration afterwards), messages handed to it, and messages
 * received, queued for the worker and stepped into the core.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/list.h>
#include <linux/workqueue.h>
#include <linux/minmax.h>
#include "raft/raft.h"
#include "transport.h"
#include "wire.h"
#include "group.h"
#include "group_int.h"
#include "rl_trace.h"

/*
 * One message to the transport.  A snapshot chunk the core left empty
 * (the device keeps the snapshot) is read from the device first, one
 * chunk at a time; one that cannot be read is dropped like a lost one.
 */
static int rl_msg_send(struct rl_group *g, const struct raft_msg *m)
{
	struct raft_msg tmp;
	u8 *data = NULL;
	int err;

	if (!g->ep)
		return -ENOTCONN;
	if (m->type == RAFT_MSG_SNAPSHOT && m->snap_len && !m->snap_data) {
		err = rl_snap_fill(g, m, &data);
		if (err)
			return err;
		tmp = *m;
		tmp.snap_data = data;
		m = &tmp;
	}
	err = rl_tp_send(g->ep, m);
	kvfree(data);
	return err;
}

void rl_msgs_send(struct rl_group *g, const struct raft_msg *m, u32 n)
{
	u32 i;
	int err;

	/* never blocks; a message dropped is retransmitted by Raft */
	for (i = 0; i < n; i++) {
		err = rl_msg_send(g, &m[i]);
		if (err)
			g->msgs_dropped++;
		trace_raftlog_msg_send(g, &m[i], err);
		trace_raftlog_snapshot_send(g, &m[i], err);
	}
}

/*
 * Transport receive callback (its workqueue): take the message, queue it,
 * unless the queue is full by count or by bytes; a message not taken
 * stays the caller's to free.
 */
void rl_msgs_recv(void *ctx, struct raft_msg *m)
{
	struct rl_group *g = ctx;
	size_t bytes = rl_wire_msg_size(m);
	struct rl_inmsg *im;

	im = kmalloc(sizeof(*im), GFP_KERNEL);
	if (!im)
		return;
	spin_lock(&g->in_lock);
	if (g->stopping || g->n_inmsgs >= RL_MAX_INMSGS ||
	    (g->n_inmsgs && g->in_bytes + bytes > RL_INMSG_BYTES)) {
		g->msgs_in_dropped++;
		spin_unlock(&g->in_lock);
		kfree(im);
		return;
	}
	im->m = *m;
	im->bytes = bytes;
	memset(m, 0, sizeof(*m));
	list_add_tail(&im->node, &g->inmsgs);
	g->n_inmsgs++;
	g->in_bytes += bytes;
	queue_work(g->wq, &g->run_work);
	spin_unlock(&g->in_lock);
}

/*
 * Transport callback (its workqueue, under its configuration mutex): the
 * peer @node is lost.  The worker tells the core (rl_msgs_handle).
 */
static void rl_msgs_lost(void *ctx, u64 node)
{
	struct rl_group *g = ctx;
	u32 i;

	spin_lock(&g->in_lock);
	for (i = 0; i < g->n_lost_q && g->lost_q[i] != node; i++)
		;
	if (i == g->n_lost_q && i < ARRAY_SIZE(g->lost_q))
		g->lost_q[g->n_lost_q++] = node;
	if (!g->stopping)
		queue_work(g->wq, &g->run_work);
	spin_unlock(&g->in_lock);
}

static void rl_inmsg_free(struct rl_inmsg *im)
{
	rl_wire_msg_free(&im->m);
	kfree(im);
}

void rl_msgs_handle(struct rl_group *g)
{
	struct rl_inmsg *im, *tmp;
	u64 lost[RL_MAX_PEERS];
	u32 n_lost, i;
	LIST_HEAD(q);

	spin_lock(&g->in_lock);
	list_splice_init(&g->inmsgs, &q);
	g->n_inmsgs = 0;
	g->in_bytes = 0;
	n_lost = g->n_lost_q;
	memcpy(lost, g->lost_q, n_lost * sizeof(lost[0]));
	g->n_lost_q = 0;
	spin_unlock(&g->in_lock);
	for (i = 0; i < n_lost; i++) {
		g->c.peers_lost++;
		if (rl_verbose)
			pr_info("group %u: node %llu: peer %llu lost\n",
				g->p.group_id, g->p.node_id, lost[i]);
		raft_peer_lost(g->raft, lost[i]);
	}
	list_for_each_entry_safe(im, tmp, &q, node) {
		list_del(&im->node);
		rl_info_contact(g, im->m.from);
		trace_raftlog_msg_recv(g, &im->m, 0);
		/* a malformed message is refused by the core and ignored */
		raft_step(g->raft, &im->m);
		rl_inmsg_free(im);
	}
}

/*
 * What may wait to be sent to one peer, read at group start: at least two
 * of the largest message, so that one always gets through.
 */
static uint queue_mem = 16 << 20;
module_param(queue_mem, uint, 0644);
MODULE_PARM_DESC(queue_mem,
		 "Bytes of messages each group queues per peer, read at group start (default 16 MiB, at least 2 of the largest message)");

/* Open the group's endpoint and start dialing its peers. */
int rl_msgs_start(struct rl_group *g)
{
	struct rl_tp_config *cfg;
	struct sockaddr_storage addr;
	u32 i, eto;
	int err = 0;

	if (!g->p.listen[0])
		return 0;
	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return -ENOMEM;
	cfg->net = g->net;
	err = rl_tp_parse_addr(g->p.listen, &cfg->listen);
	if (err)
		goto out;
	cfg->cluster_id = g->p.cluster_id;
	cfg->group_id = g->p.group_id;
	cfg->node_id = g->p.node_id;
	cfg->recv = rl_msgs_recv;
	cfg->lost = rl_msgs_lost;
	cfg->ctx = g;
	cfg->queue_bytes = max_t(u32, READ_ONCE(queue_mem),
				 2 * RAFTLOG_FRAME_MAX_PAYLOAD);
	/*
	 * A peer back from a partition should hear from us within a few
	 * election timeouts: redial at least that often, and give up on a
	 * connection whose data goes unacknowledged for longer.
	 */
	eto = g->p.tick_ms * g->p.election_ticks;
	cfg->backoff_max_ms = clamp(2 * eto, 1000U, 5000U);
	cfg->user_timeout_ms = clamp(8 * eto, 5000U, 30000U);
	memcpy(cfg->secret, g->p.secret, sizeof(cfg->secret));
	cfg->secret_len = g->p.secret_len;
	g->ep = rl_tp_open(cfg, &err);
	if (!g->ep)
		goto out;
	for (i = 0; i < g->p.n_peers && !err; i++) {
		err = rl_tp_parse_addr(g->p.peers[i].addr, &addr);
		if (!err)
			err = rl_tp_peer_add(g->ep, g->p.peers[i].id, &addr);
	}
	if (err) {
		rl_tp_close(g->ep);
		g->ep = NULL;
	}
out:
	if (err)
		pr_err("group %u: transport on %s: %d\n", g->p.group_id,
		       g->p.listen, err);
	/* the transport keeps its own copy of the secret */
	kfree_sensitive(cfg);
	return err;
}

/* After the worker stopped: no callback runs once this returns. */
void rl_msgs_stop(struct rl_group *g)
{
	struct rl_inmsg *im, *tmp;

	if (g->ep)
		rl_tp_close(g->ep);
	g->ep = NULL;
	list_for_each_entry_safe(im, tmp, &g->inmsgs, node) {
		list_del(&im->node);
		rl_inmsg_free(im);
	}
	g->n_inmsgs = 0;
	g->in_bytes = 0;
}
