// SPDX-License-Identifier: GPL-2.0
/*
 * The run loop.  Everything that calls into the core runs as a work item
 * on the group's ordered workqueue (the tick, the request queue, inbound
 * messages), so the core needs no locks.  Other contexts (file
 * operations, the registry) only touch the request queue (in_lock), the
 * committed stream (stream_lock) and the status snapshot the worker
 * refreshes.
 *
 * The ready loop follows kernel/raft/raft.h: messages that may go at once
 * are handed to the transport first, then hard state and entries are made
 * durable (so the leader's own append runs while its followers receive
 * theirs), then the messages that depend on persistence are sent, the
 * committed entries are published to readers, and proposal and barrier
 * results complete their waiters.  The files below report failures here
 * through return values; rl_group_fail() stops the group.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/list.h>
#include <linux/xarray.h>
#include <linux/workqueue.h>
#include <linux/sched.h>
#include <linux/atomic.h>
#include <linux/timekeeping.h>
#include <linux/raftlog.h>
#include "raft/raft.h"
#include "storage.h"
#include "group.h"
#include "group_int.h"
#include "rl_trace.h"

/* Log role and membership changes at info level (module parameter). */
bool rl_verbose;
/* Quiesce idle groups (module parameter, kernel/raft/quiesce.c). */
bool rl_quiesce = true;

/* Carry out the waits that the store has made durable (worker only). */
static void rl_io_complete(struct rl_group *g)
{
	u64 durable = atomic64_read(&g->durable_ticket);
	struct rl_io *io, *tmp;

	list_for_each_entry_safe(io, tmp, &g->io_list, node) {
		if (io->ticket > durable)
			break;
		list_del(&io->node);
		rl_msgs_send(g, io->msgs, io->n_msgs);
		rl_info_persisted(g, io->last_index, io->last_term, io->t0);
		if (io->snap_index)
			raft_snapshot_installed(g->raft, io->snap_index,
						io->snap_term);
		if (io->last_index)
			raft_persisted(g->raft, io->last_index, io->last_term);
		rl_store_io_free(io);
	}
}

/* Stop the group after an error it cannot recover from (worker only). */
static void rl_group_fail(struct rl_group *g, int err)
{
	struct rl_req *rq, *tmp;
	unsigned long id;
	LIST_HEAD(q);

	/* a removed node stops the same way, but nothing went wrong */
	if (err != -EIDRM)
		pr_err("group %u: node %llu failed (%d); stopped\n",
		       g->p.group_id, g->p.node_id, err);
	/*
	 * Nothing is queued after fail_err is set (rl_req_submit), and the
	 * worker never takes the queue again: what is queued now ends here.
	 */
	spin_lock(&g->in_lock);
	g->fail_err = err;
	list_splice_init(&g->inq, &q);
	spin_unlock(&g->in_lock);
	trace_raftlog_group_fail(g, err);
	rl_info_failed(g, err);
	list_for_each_entry_safe(rq, tmp, &q, node) {
		list_del_init(&rq->node);
		rl_req_finish(g, rq, -EIO, 0, 0);
	}
	xa_for_each(&g->inflight, id, rq) {
		xa_erase(&g->inflight, id);
		rl_req_finish(g, rq, -EIO, 0, 0);
	}
	rl_barriers_check(g, -EIO);
	wake_up_interruptible_all(&g->room_wq);
	wake_up_interruptible_all(&g->stream_wq);
}

#ifdef RL_BUG_ACK_EARLY
/*
 * A deliberately broken build, only for the fault campaign's self-test
 * (scripts/tier-selftest.sh): a leader acknowledges a proposal as soon
 * as it appended it, before a majority holds it.  The campaign's checker
 * must catch the acknowledged entries such a leader loses.
 */
static void rl_bug_ack_early(struct rl_group *g, struct rl_req *rq)
{
	struct raft_status st;

	raft_status(g->raft, &st);
	if (st.role != RAFT_LEADER || !xa_erase(&g->inflight, rq->id))
		return;
	rl_req_finish(g, rq, 0, st.last_index, st.term);
}

#else
static inline void rl_bug_ack_early(struct rl_group *g, struct rl_req *rq)
{
}

#endif

/* Hand the queued requests to the core; snapshots wait in *snaps. */
static void rl_handle_requests(struct rl_group *g, struct list_head *snaps)
{
	struct rl_req *rq, *tmp;
	LIST_HEAD(q);
	int err;

	spin_lock(&g->in_lock);
	list_splice_init(&g->inq, &q);
	spin_unlock(&g->in_lock);

	list_for_each_entry_safe(rq, tmp, &q, node) {
		list_del_init(&rq->node);
		if (g->fail_err) {
			rl_req_finish(g, rq, -EIO, 0, 0);
			continue;
		}
		if (rq->kind == RL_REQ_SNAPSHOT) {
			list_add_tail(&rq->node, snaps);
			continue;
		}
		err = xa_insert(&g->inflight, rq->id, rq, GFP_KERNEL);
		if (err) {
			rl_req_finish(g, rq, err == -EBUSY ? -EIO : err, 0, 0);
			continue;
		}
		if (rq->kind == RL_REQ_PROPOSE) {
			g->c.proposals++;
			err = raft_propose(g->raft, rq->data, rq->len, rq->id);
			trace_raftlog_propose(g, rq->id, rq->len, err);
		} else if (rq->kind == RL_REQ_BARRIER) {
			err = raft_read_index(g->raft, rq->id);
		} else {	/* membership, transfer: 1 is done */
			err = rl_group_ctl_request(g, rq);
		}
		if (err) {
			xa_erase(&g->inflight, rq->id);
			rl_req_finish(g, rq, err < 0 ? err : 0, 0, 0);
		} else if (rq->kind == RL_REQ_PROPOSE) {
			/* the core copied the payload */
			kfree(rq->data);
			rq->data = NULL;
			rl_bug_ack_early(g, rq);
		}
	}
}

static void rl_report(struct rl_group *g, const struct raft_ready *rd)
{
	struct rl_req *rq;
	u32 i;

	for (i = 0; i < rd->n_reads; i++) {
		rq = xa_erase(&g->inflight, rd->reads[i].ctx);
		if (!rq || rq->kind != RL_REQ_BARRIER)
			continue;
		/*
		 * A waiting caller waits for applied itself; an asynchronous
		 * one completes once its index is applied.
		 */
		if (!rd->reads[i].err && rq->async &&
		    rd->reads[i].index > READ_ONCE(g->applied)) {
			rq->index = rd->reads[i].index;
			list_add_tail(&rq->wait_node, &g->barriers);
			continue;
		}
		rl_req_finish(g, rq, rd->reads[i].err, rd->reads[i].index, 0);
	}
	for (i = 0; i < rd->n_results; i++) {
		const struct raft_proposal_result *res = &rd->results[i];

		rq = xa_erase(&g->inflight, res->id);
		if (!rq || (rq->kind != RL_REQ_PROPOSE &&
			    rq->kind != RL_REQ_CONF))
			continue;
		if (res->err == -ETIMEDOUT && rl_verbose)
			pr_info("group %u: node %llu: proposal %llu: outcome unknown (%llu messages not sent)\n",
				g->p.group_id, g->p.node_id, res->id,
				g->msgs_dropped);
		if (res->err)
			g->c.proposals_failed++;
		rl_info_proposal_done(g, res, rq->t0);
		rl_req_finish(g, rq, res->err, res->index, res->term);
	}
}

/*
 * Persist what rd asks (a leader's snapshot, entries, hard state).  *now:
 * with nothing outstanding at the store (or no store) the batch is
 * durable already and the messages that wait for it went; otherwise they
 * wait for the ticket (rl_io_complete).
 */
static int rl_ready_persist(struct rl_group *g, const struct raft_ready *rd,
			    bool *now)
{
	int err;

	if (rd->snapshot) {
		err = rl_snap_install(g, rd->snapshot);
		if (err)
			return err;
	}
	err = rl_store_persist(g, rd);
	if (err)
		return err;
	rl_info_persist_queued(g);
	*now = g->volatile_log ||
	       g->last_ticket <= atomic64_read(&g->durable_ticket);
	if (*now)
		rl_msgs_send(g, rd->msgs_after_persist,
			     rd->n_msgs_after_persist);
	else if (rd->n_entries || rd->n_msgs_after_persist || rd->snapshot)
		return rl_store_io_queue(g, rd);
	return 0;
}

/* One ready batch taken out of the core; on error it is not advanced. */
static int rl_ready_handle(struct rl_group *g, struct raft_ready *rd)
{
	u64 last_index = 0, last_term = 0, snap_index = 0, snap_term = 0;
	bool now;
	int err;

	/* a snapshot's chunk is staged before the snapshot is checked */
	if (rd->snap_chunk) {
		err = rl_snap_chunk(g, rd->snap_chunk);
		if (err)
			return err;
	}
	/* new members' addresses, before messages go to them */
	err = rl_members_ready(g, rd);
	if (err)
		return err;
	if (rd->ss_changed && rl_verbose)
		pr_info("group %u: node %llu is %s in term %llu (leader %llu)\n",
			g->p.group_id, g->p.node_id,
			raft_role_name(rd->ss.role), rd->ss.term, rd->ss.lead);
	/* these may go before persistence: replication runs in
	 * parallel with the leader's own write
	 */
	rl_msgs_send(g, rd->msgs, rd->n_msgs);
	err = rl_ready_persist(g, rd, &now);
	if (err)
		return err;
	if (rd->snapshot) {
		snap_index = rd->snapshot->meta.index;
		snap_term = rd->snapshot->meta.term;
	}
	if (rd->n_entries) {
		last_index = rd->entries[rd->n_entries - 1].index;
		last_term = rd->entries[rd->n_entries - 1].term;
	}
	/* committed entries are already durable here */
	trace_raftlog_commit(g, rd->committed, rd->n_committed);
	err = rl_stream_publish(g, rd->committed, rd->n_committed);
	if (err)
		return err;
	rl_report(g, rd);
	rl_barriers_check(g, 0);
	rl_fetch_queue(g, rd->fetches, rd->n_fetches);
	raft_advance(g->raft, rd);
	if (now && snap_index)
		raft_snapshot_installed(g->raft, snap_index, snap_term);
	if (now)
		rl_info_persisted(g, last_index, last_term, 0);
	if (now && last_index)
		raft_persisted(g->raft, last_index, last_term);
	return 0;
}

static void rl_process_ready(struct rl_group *g)
{
	struct raft_ready rd;
	int err;

	while (!g->fail_err && raft_has_ready(g->raft)) {
		/* nothing was taken out: try again at the next tick */
		if (raft_ready(g->raft, &rd))
			return;
		err = rl_ready_handle(g, &rd);
		if (err) {
			raft_advance(g->raft, &rd);
			rl_group_fail(g, err);
			return;
		}
		rl_io_complete(g);
		/* catching up, the core hands out batch after batch */
		cond_resched();
	}
}

/*
 * The store is stalled (rl_store_stalled): a leader's own log, and so
 * the answers to its clients, wait on it while its followers would
 * commit without it.  Hand the leadership to the voter that has the
 * most of the log (the core transfers once that one has all of it); a
 * follower only says so: the leader already counts without it.
 */
static void rl_stall_handoff(struct rl_group *g)
{
	struct raft_status *st = &g->mb.st;
	u64 best = 0, best_match = 0, match, next;
	u8 state;
	u32 i;

	g->c.disk_stalls++;
	raft_status(g->raft, st);
	if (st->role != RAFT_LEADER) {
		pr_warn_ratelimited("group %u: storage stalled: writes outstanding, none completed for %u election timeouts or more\n",
				    g->p.group_id, RL_STALL_ETOS);
		return;
	}
	for (i = 0; i < st->conf.n_voters; i++) {
		u64 id = st->conf.voters[i];

		if (id == g->p.node_id ||
		    raft_peer_progress(g->raft, id, &match, &next, &state))
			continue;
		if (!best || match > best_match) {
			best = id;
			best_match = match;
		}
	}
	pr_warn_ratelimited("group %u: storage stalled: writes outstanding, none completed for %u election timeouts or more; leadership to node %llu\n",
			    g->p.group_id, RL_STALL_ETOS, best);
	if (best)
		raft_transfer_leader(g->raft, best);
}

static void rl_group_step(struct rl_group *g, bool tick)
{
	LIST_HEAD(snaps);
	int err;

	if (g->fail_err)
		return;
	spin_lock(&g->in_lock);
	err = g->store_err;
	spin_unlock(&g->in_lock);
	if (err) {
		rl_group_fail(g, err);
		return;
	}
	rl_io_complete(g);
	rl_info_durable(g);
	if (tick)
		raft_tick(g->raft);
	if (tick && g->raft && rl_store_stalled(g))
		rl_stall_handoff(g);
	/* a full log refuses proposals (ENOSPC) rather than fail the group */
	if (g->store && g->raft)
		raft_set_room(g->raft, rl_storage_room(g->store),
			      RAFTLOG_BLOCK_SIZE);
	rl_msgs_handle(g);
	rl_fetch_deliver(g);
	rl_handle_requests(g, &snaps);
	rl_process_ready(g);
	rl_appsnap_take(g, &snaps);
	/* a node that saw its own removal commit stops */
	err = rl_members_after_step(g);
	if (err)
		rl_group_fail(g, err);
	if (g->raft)
		rl_info_refresh(g);
}

/*
 * A quiesced group runs no timer: nothing waits for the store, for a
 * read back, for a result or a barrier, and the core is quiet.
 */
static bool rl_group_idle(struct rl_group *g)
{
	bool idle;

	if (!g->raft || !raft_quiesced(g->raft) || raft_has_ready(g->raft) ||
	    !list_empty(&g->io_list) || !xa_empty(&g->inflight) ||
	    !list_empty(&g->barriers))
		return false;
	spin_lock(&g->in_lock);
	idle = list_empty(&g->inq) && !g->n_inmsgs && !g->n_fetch &&
	       !g->n_lost_q;
	spin_unlock(&g->in_lock);
	return idle;
}

static void rl_tick_arm(struct rl_group *g)
{
	spin_lock(&g->in_lock);
	if (!g->stopping && !g->fail_err)
		queue_delayed_work(g->wq, &g->tick_work,
				   msecs_to_jiffies(g->p.tick_ms));
	spin_unlock(&g->in_lock);
}

void rl_run_work(struct work_struct *w)
{
	struct rl_group *g = container_of(w, struct rl_group, run_work);

	rl_group_step(g, false);
	/*
	 * Woken: the timer runs again.  The stall clock restarts: the quiet
	 * time was no stall (else the first write after it would count as
	 * one, and a leader would hand its leadership away).
	 */
	if (g->tick_off && g->raft && !raft_quiesced(g->raft)) {
		g->tick_off = false;
		g->stall_seen = atomic64_read(&g->durable_ticket);
		g->stall_since = ktime_get_ns();
		rl_tick_arm(g);
	}
}

void rl_tick_work(struct work_struct *w)
{
	struct rl_group *g = container_of(to_delayed_work(w), struct rl_group,
					  tick_work);

	rl_group_step(g, true);
	rl_snap_retain(g);
	rl_info_tick(g);
	if (rl_group_idle(g)) {
		g->tick_off = true;
		/* an idle store keeps no write buffers */
		if (g->store)
			rl_storage_trim(g->store);
		return;
	}
	rl_tick_arm(g);
}
