// SPDX-License-Identifier: GPL-2.0
/*
 * Quiescing idle groups (raft.h, raft_quiesced), as CockroachDB quiesces
 * ranges and TiKV hibernates regions: a host with hundreds of groups must
 * not spend its CPU on heartbeats and timers of groups with nothing to do.
 *
 * The leader counts the ticks during which its group is idle; after an
 * election timeout of them it sends each peer a HEARTBEAT with reject =
 * RAFT_HB_QUIESCE carrying its last index and term and the commit index,
 * and stops ticking.  A follower that holds that entry and knows that
 * commit quiesces without answering; else it answers with a
 * HEARTBEAT_RESP with reject = RAFT_HB_QUIESCE, which wakes the leader.
 * A node older than quiescing takes the heartbeat for a plain one and
 * answers it; its election timer later wakes the group, which costs
 * heartbeats but nothing else.
 *
 * Liveness: a quiesced follower does not notice its leader's death by
 * itself; the caller's transport does (raft_peer_lost), and the follower
 * then treats the leader's lease as expired, so it and the others that
 * learned it grant each other's pre-votes.  A quiesced leader does not
 * run CheckQuorum (its peers were all heard from when it quiesced, and
 * the transport says so until it reports one lost); when it wakes it
 * counts every peer active but those reported lost, so a leader cut off
 * while quiesced steps down an election timeout after it learned it.
 */
#include "raft_int.h"

int raft_quiesced(const struct raft *r)
{
	return r->quiesced;
}

/* The leader has nothing to do, and every peer has the whole log. */
static int leader_idle(const struct raft *r)
{
	u64 last = raft_log_last(&r->log);
	u32 i;

	if (r->lead_transferee != RAFT_NONE || r->bcast_pending ||
	    r->log.committed != last || r->log.persisted != last ||
	    r->n_reads_q || r->n_props || r->n_fetches)
		return 0;
	for (i = 0; i < r->n_prs; i++) {
		const struct raft_progress *pr = &r->prs[i];

		if (pr->id == r->id)
			continue;
		if (pr->match != last || pr->state != RAFT_PR_REPLICATE ||
		    pr->in_count || pr->fetch_lo ||
		    pr->heard_ticks > 2 * r->cfg.heartbeat_tick)
			return 0;
	}
	return 1;
}

static void send_quiesce(struct raft *r)
{
	u32 i;

	for (i = 0; i < r->n_prs; i++) {
		struct raft_msg *m;

		if (r->prs[i].id == r->id)
			continue;
		m = raft_new_msg(r, RAFT_MSG_HEARTBEAT, r->prs[i].id);
		if (!m)
			continue;
		m->reject = RAFT_HB_QUIESCE;
		m->commit = r->log.committed;
		m->context = r->read_seq;
		m->index = raft_log_last(&r->log);
		m->log_term = raft_last_term(r);
	}
}

/* A leader's tick, after raft_tick_leader(): quiesce once idle long enough. */
void raft_quiesce_tick(struct raft *r)
{
	u32 i;

	for (i = 0; i < r->n_prs; i++)
		if (r->prs[i].heard_ticks < ~0U)
			r->prs[i].heard_ticks++;
	if (!r->cfg.quiesce || r->role != RAFT_LEADER || !leader_idle(r)) {
		r->idle_ticks = 0;
		return;
	}
	if (++r->idle_ticks < r->cfg.election_tick)
		return;
	send_quiesce(r);
	r->quiesced = 1;
	r->idle_ticks = 0;
	r->n_quiesce++;
}

/*
 * Resume.  @from: the peer whose message (or loss) woke us; a follower
 * woken by anything but its leader tells the leader, so it resumes its
 * heartbeats before our election timer runs out.
 */
void raft_wake(struct raft *r, u64 from)
{
	u32 i;
	struct raft_msg *m;

	if (!r->quiesced)
		return;
	r->quiesced = 0;
	r->n_wake++;
	r->idle_ticks = 0;
	r->election_elapsed = 0;
	if (r->role == RAFT_LEADER) {
		for (i = 0; i < r->n_prs; i++) {
			r->prs[i].recent_active = 1;
			r->prs[i].heard_ticks = 0;
		}
		r->heartbeat_elapsed = 0;
		raft_broadcast_heartbeat(r, r->read_seq);
		return;
	}
	if (r->lead == RAFT_NONE || r->lead == from)
		return;
	m = raft_new_msg(r, RAFT_MSG_HEARTBEAT_RESP, r->lead);
	if (m)
		m->reject = RAFT_HB_QUIESCE;
}

/* Does @m wake a quiesced node? */
int raft_wakes_on(const struct raft *r, const struct raft_msg *m)
{
	if (m->type == RAFT_MSG_HEARTBEAT && m->reject == RAFT_HB_QUIESCE)
		return 0;
	/* answers to the heartbeats sent before quiescing */
	if (r->role == RAFT_LEADER && m->type == RAFT_MSG_HEARTBEAT_RESP &&
	    m->reject != RAFT_HB_QUIESCE && m->term == r->term)
		return 0;
	return 1;
}

void raft_peer_lost(struct raft *r, u64 peer)
{
	struct raft_progress *pr;

	raft_wake(r, peer);
	if (r->role == RAFT_LEADER) {
		pr = raft_pr_get(r, peer);
		if (pr && pr->id != r->id) {
			pr->recent_active = 0;
			pr->heard_ticks = ~0U;
		}
		return;
	}
	/* the leader is gone: its lease with it */
	if (r->lead == peer && r->election_elapsed < r->cfg.election_tick)
		r->election_elapsed = r->cfg.election_tick;
}
