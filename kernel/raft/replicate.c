// SPDX-License-Identifier: GPL-2.0
/*
 * The leader: appending its own entries, replicating them to each peer
 * (APPENDs within its flow-control window, or a snapshot in chunks when
 * the peer is behind the compacted prefix), commitment (Raft 5.3, 5.4.2),
 * heartbeats and CheckQuorum, leadership transfer, and the messages a
 * leader receives.
 */
#include "raft_int.h"

/*
 * The leader's commit index moves to @index: the proposals up to it no
 * longer count against max_uncommitted_size, and the first entry of its
 * term lets the reads that waited for it start their heartbeat round.
 */
static void committed(struct raft *r, u64 index)
{
	u64 old = r->log.committed, i;

	raft_commit_to(r, index);
	for (i = old + 1; i <= r->log.committed; i++) {
		struct raft_entry *e = raft_log_entry(&r->log, i);
		u64 len = e ? e->len : 0;

		r->uncommitted_size -= len < r->uncommitted_size ?
				       len : r->uncommitted_size;
	}
	if (old < r->noop_index && r->log.committed >= r->noop_index &&
	    raft_ri_on_commit_in_term(r))
		raft_broadcast_heartbeat(r, r->read_seq);
}

/*
 * Raft 5.3/5.4.2: the largest index a majority of voters hold durably
 * (the leader's own copy counts from raft_persisted() on), and only if
 * that entry is of the current term.
 */
int raft_maybe_commit(struct raft *r)
{
	const struct raft_conf *c = raft_cur_conf(r);
	u64 match[RAFT_MAX_MEMBERS];
	u64 mci;
	u32 i;

	for (i = 0; i < c->n_voters; i++) {
		struct raft_progress *pr;

		if (c->voters[i] == r->id) {
			match[i] = r->log.persisted;
			continue;
		}
		pr = raft_pr_get(r, c->voters[i]);
		match[i] = pr ? pr->match : 0;
	}
	mci = raft_quorum_committed(match, c->n_voters);
	if (mci <= r->log.committed)
		return 0;
#ifndef RAFT_BUG_COMMIT_OLD_TERM
	if (raft_term_at(r, mci) != r->term)
		return 0;
#endif
	committed(r, mci);
	return 1;
}

static void send_snapshot_chunk(struct raft *r, struct raft_progress *pr)
{
	u64 chunk = r->cfg.max_size_per_msg, off, len;
	struct raft_msg *m;

	if (chunk > RAFT_MAX_ENTRY_SIZE)
		chunk = RAFT_MAX_ENTRY_SIZE;
	if (pr->pending_snapshot != r->snap.meta.index) {
		pr->pending_snapshot = r->snap.meta.index;
		pr->snap_offset = 0;
	}
	off = pr->snap_offset;
	if (off > r->snap.len)
		off = r->snap.len;
	len = r->snap.len - off;
	if (len > chunk)
		len = chunk;
	m = raft_new_msg(r, RAFT_MSG_SNAPSHOT, pr->id);
	if (!m)
		return;
	m->snap = r->snap.meta;
	m->index = r->snap.meta.index;
	m->log_term = r->snap.meta.term;
	m->commit = r->log.committed;
	m->snap_offset = off;
	m->snap_done = off + len == r->snap.len;
	if (len) {
		m->snap_len = len;
		/* the caller's snapshot: it fills the chunk in */
		if (!r->snap.data)
			return;
		m->snap_data = rl_big_alloc(len);
		if (!m->snap_data) {
			raft_drop_last_msg(r);
			return;
		}
		memcpy(m->snap_data, r->snap.data + off, len);
		m->snap_len = len;
	}
}

static void send_snapshot(struct raft *r, struct raft_progress *pr)
{
	if (r->snap.meta.index == 0) {
		rl_warn("peer %llu needs a snapshot but none is available",
			(unsigned long long)pr->id);
		return;
	}
	raft_pr_become_snapshot(pr, r->snap.meta.index);
	send_snapshot_chunk(r, pr);
}

/* One APPEND to pr: the n entries after prev (of term prev_term). */
static int send_entries(struct raft *r, struct raft_progress *pr, u64 prev,
			u64 prev_term, struct raft_entry *ents, u64 n)
{
	struct raft_msg *m = raft_new_msg(r, RAFT_MSG_APPEND, pr->id);

	if (!m)
		return 0;
	m->index = prev;
	m->log_term = prev_term;
	m->commit = r->log.committed;
	/*
	 * The configuration a log starts from is not itself in the log: a
	 * peer that receives the log from index 1 (a node that joined with
	 * an empty configuration) learns it from here.
	 */
	if (prev == 0 && r->log.snap_index == 0)
		m->snap.conf = r->hist[0].conf;
	if (raft_msg_copy_entries(m, ents, n)) {
		raft_drop_last_msg(r);
		return 0;
	}
	raft_pr_sent(pr, prev + n, n);
	return 1;
}

/*
 * The entries pr needs left the memory window: ask the caller to read
 * them back (one fetch per peer at a time; the answer sends them).
 */
static void fetch_for(struct raft *r, struct raft_progress *pr)
{
	if (pr->fetch_lo)
		return;
	if (raft_add_fetch(r, pr, pr->next, r->log.mem_first - 1))
		rl_debug("%llu: no memory to fetch for %llu",
			 (unsigned long long)r->id,
			 (unsigned long long)pr->id);
}

/*
 * Send the peer the entries after pr->next - 1 (or, with if_empty, an
 * empty APPEND that carries the commit index).  Returns 1 if an APPEND
 * went out.  A peer behind the compacted prefix gets the snapshot; one
 * behind the memory window gets its entries once they are fetched.
 */
int raft_send_append(struct raft *r, struct raft_progress *pr, int if_empty)
{
	struct raft_entry *ents = NULL;
	u64 prev = pr->next - 1, t, n = 0;

	if (pr->id == r->id || raft_pr_paused(pr))
		return 0;
	if (raft_log_term(&r->log, prev, &t)) {
		send_snapshot(r, pr);
		return 0;
	}
	if (pr->next <= raft_log_last(&r->log)) {
		n = raft_log_slice(&r->log, pr->next, r->cfg.max_size_per_msg,
				   r->cfg.max_entries_per_msg, &ents);
		if (!n) {
			fetch_for(r, pr);
			return 0;
		}
	}
	if (!n && !if_empty)
		return 0;
	return send_entries(r, pr, prev, t, ents, n);
}

/* How many of the n fetched entries to send (at least one). */
static u64 fetched_count(const struct raft_fetch *f,
			 const struct raft_entry *ents, u64 n)
{
	if (n > f->max_count)
		n = f->max_count;
	if (n > f->hi - f->lo + 1)
		n = f->hi - f->lo + 1;
	return raft_entries_fit(ents, n, f->max_bytes);
}

static int fetched_valid(const struct raft *r, const struct raft_fetch *f,
			 const struct raft_entry *ents, u64 n)
{
	u64 i;

	for (i = 0; i < n; i++) {
		const struct raft_entry *e = &ents[i];

		if (e->index != f->lo + i || e->len > RAFT_MAX_ENTRY_SIZE ||
		    (e->len && !e->data) || e->type > RAFT_ENTRY_CONF_CHANGE ||
		    !raft_log_match(&r->log, e->index, e->term))
			return 0;
	}
	return 1;
}

int raft_fetched(struct raft *r, const struct raft_fetch *f,
		 const struct raft_entry *ents, u64 n, int err)
{
	struct raft_progress *pr = raft_pr_get(r, f->peer);
	u64 prev = f->lo - 1, t;

	if (!pr || !f->lo || pr->fetch_lo != f->lo)
		return 0;	/* asked again since, or the peer is gone */
	pr->fetch_lo = 0;
	if (err || !n || r->role != RAFT_LEADER || f->hi < f->lo)
		return 0;	/* the next heartbeat response asks again */
	n = fetched_count(f, ents, n);
	if (!fetched_valid(r, f, ents, n))
		return -EINVAL;
	/* sent, or it moved on while the caller was reading: go on */
	if (pr->next != f->lo || raft_pr_paused(pr) ||
	    raft_log_term(&r->log, prev, &t) ||
	    send_entries(r, pr, prev, t, (struct raft_entry *)ents, n))
		while (raft_send_append(r, pr, 0))
			;
	return 0;
}

/* Fetches the caller did not answer are asked again. */
static void tick_fetches(struct raft *r)
{
	u32 i;

	for (i = 0; i < r->n_prs; i++) {
		struct raft_progress *pr = &r->prs[i];

		if (pr->fetch_lo && ++pr->fetch_ticks >= 2 * r->cfg.election_tick)
			pr->fetch_lo = 0;
	}
}

void raft_broadcast_append(struct raft *r)
{
	u32 i;

	for (i = 0; i < r->n_prs; i++)
		raft_send_append(r, &r->prs[i], 1);
	r->bcast_pending = 0;
}

/* Send pending new entries in as few APPENDs as the limits allow. */
void raft_flush(struct raft *r)
{
	u32 i;

	if (!r->bcast_pending || r->role != RAFT_LEADER)
		return;
	r->bcast_pending = 0;
	for (i = 0; i < r->n_prs; i++)
		while (raft_send_append(r, &r->prs[i], 0))
			;
}

void raft_broadcast_heartbeat(struct raft *r, u64 ctx)
{
	u32 i;

	for (i = 0; i < r->n_prs; i++) {
		struct raft_progress *pr = &r->prs[i];
		struct raft_msg *m;

		if (pr->id == r->id)
			continue;
		m = raft_new_msg(r, RAFT_MSG_HEARTBEAT, pr->id);
		if (!m)
			continue;
		m->commit = pr->match < r->log.committed ? pr->match :
			    r->log.committed;
		m->context = ctx;
	}
}

void raft_send_timeout_now(struct raft *r, u64 to)
{
	raft_new_msg(r, RAFT_MSG_TIMEOUT_NOW, to);
}

/*
 * The leader appends an entry of its term, unless a transfer is under way,
 * the uncommitted budget or the caller's log store has no room for it.
 */
int raft_leader_append(struct raft *r, u8 type, const void *data, u32 len,
		       u64 *index)
{
	struct raft_entry e = {
		.term = r->term,
		.index = raft_log_last(&r->log) + 1,
		.type = type,
		.len = len,
		.data = (u8 *)data,
	};
	u64 max = r->cfg.max_uncommitted_size;
	int err;

	if (r->lead_transferee != RAFT_NONE)
		return -EBUSY;
	if (len > r->cfg.max_entry_size)
		return -EMSGSIZE;
	if (max && len && r->uncommitted_size &&
	    r->uncommitted_size + len > max)
		return -ENOBUFS;
	/* configuration changes are small and must get through */
	if (type == RAFT_ENTRY_NORMAL && r->room != RAFT_ROOM_UNLIMITED) {
		u64 cost = (u64)len + r->room_per_entry;

		if (cost > r->room)
			return -ENOSPC;
		r->room -= cost;
	}
	err = raft_append_one(r, &e);
	if (err)
		return err;
	r->uncommitted_size += len;
	*index = e.index;
	r->bcast_pending = 1;
	return 0;
}

/* CheckQuorum: heard from a majority of voters since the last check? */
static int quorum_active(struct raft *r)
{
	const struct raft_conf *c = raft_cur_conf(r);
	u32 i, act = 0;

	for (i = 0; i < c->n_voters; i++) {
		struct raft_progress *pr;

		if (c->voters[i] == r->id) {
			act++;
			continue;
		}
		pr = raft_pr_get(r, c->voters[i]);
		if (pr && pr->recent_active)
			act++;
	}
	for (i = 0; i < r->n_prs; i++)
		if (r->prs[i].id != r->id)
			r->prs[i].recent_active = 0;
	return act >= raft_quorum(c->n_voters);
}

void raft_tick_leader(struct raft *r)
{
	tick_fetches(r);
	r->heartbeat_elapsed++;
	r->election_elapsed++;
	if (r->election_elapsed >= r->cfg.election_tick) {
		r->election_elapsed = 0;
		if (r->cfg.check_quorum && !quorum_active(r)) {
			raft_become_follower(r, r->term, RAFT_NONE);
			return;
		}
		/* a transfer that did not finish in an election timeout */
		r->lead_transferee = RAFT_NONE;
	}
	if (r->heartbeat_elapsed >= r->cfg.heartbeat_tick) {
		r->heartbeat_elapsed = 0;
		raft_broadcast_heartbeat(r, r->read_seq);
	}
}

/*
 * The leader committed the configuration that removed it (or made it a
 * learner): it hands over to the most up-to-date voter and steps down.
 */
void raft_check_self_removal(struct raft *r)
{
	const struct raft_conf *c = raft_cur_conf(r);
	struct raft_progress *best = NULL;
	u32 i;

	if (r->role != RAFT_LEADER || raft_conf_has_voter(c, r->id) ||
	    r->log.committed < r->hist[r->n_hist - 1].index)
		return;
	for (i = 0; i < r->n_prs; i++) {
		struct raft_progress *pr = &r->prs[i];

		if (pr->id == r->id || pr->learner)
			continue;
		if (!best || pr->match > best->match)
			best = pr;
	}
	if (best && best->match == raft_log_last(&r->log))
		raft_send_timeout_now(r, best->id);
	raft_become_follower(r, r->term, RAFT_NONE);
}

static void handle_append_resp(struct raft *r, struct raft_progress *pr,
			       const struct raft_msg *m)
{
	if (m->reject) {
		u64 next_probe = m->reject_hint, ht;

		if (m->hint_term)
			next_probe = raft_log_find_conflict_by_term(&r->log,
								    m->reject_hint,
								    m->hint_term,
								    &ht);
		if (raft_pr_maybe_decr(pr, m->index, next_probe)) {
			if (pr->state == RAFT_PR_REPLICATE)
				raft_pr_become_probe(pr);
			raft_send_append(r, pr, 1);
		}
		return;
	}
	if (m->index > raft_log_last(&r->log))
		return;	/* acknowledges what we never sent */
	if (!raft_pr_maybe_update(pr, m->index)) {
		if (pr->state == RAFT_PR_REPLICATE)
			raft_pr_free_to(pr, m->index);
		return;
	}
	switch (pr->state) {
	case RAFT_PR_PROBE:
		raft_pr_become_replicate(pr);
		break;
	case RAFT_PR_SNAPSHOT:
		if (pr->match >= pr->pending_snapshot ||
		    pr->match + 1 >= raft_log_first(&r->log)) {
			raft_pr_become_probe(pr);
			raft_pr_become_replicate(pr);
		}
		break;
	case RAFT_PR_REPLICATE:
		raft_pr_free_to(pr, m->index);
		break;
	}
	if (raft_maybe_commit(r))
		raft_broadcast_append(r);
	/* the window may have opened: keep the pipeline full */
	while (raft_send_append(r, pr, 0))
		;
	if (pr->id == r->lead_transferee &&
	    pr->match == raft_log_last(&r->log))
		raft_send_timeout_now(r, pr->id);
}

static void handle_snapshot_resp(struct raft *r, struct raft_progress *pr,
				 const struct raft_msg *m)
{
	if (pr->state != RAFT_PR_SNAPSHOT || m->index != pr->pending_snapshot)
		return;
	if (m->snap_done && !m->reject) {
		raft_pr_maybe_update(pr, pr->pending_snapshot);
		raft_pr_become_probe(pr);
		raft_send_append(r, pr, 1);
		return;
	}
	if (m->snap_offset > r->snap.len)
		return;
	if (!m->reject && m->snap_offset <= pr->snap_offset)
		return;	/* stale */
	pr->snap_offset = m->snap_offset;
	pr->snap_idle = 0;
	send_snapshot_chunk(r, pr);
}

/* Append each forwarded proposal and tell its follower where it went. */
static void handle_forward(struct raft *r, const struct raft_msg *m)
{
	struct raft_msg *resp;
	u64 index;
	u32 i;
	int err;

	for (i = 0; i < m->n_entries; i++) {
		const struct raft_entry *e = &m->entries[i];

		index = 0;
		err = raft_leader_append(r, RAFT_ENTRY_NORMAL, e->data,
					 e->len, &index);
		resp = raft_new_msg(r, RAFT_MSG_PROPOSE_RESP, m->from);
		if (!resp)
			return;
		resp->context = m->context + i;
		if (err) {
			resp->error = err;
			continue;
		}
		resp->index = index;
		resp->log_term = r->term;
	}
}

int raft_step_leader(struct raft *r, const struct raft_msg *m)
{
	struct raft_progress *pr;

	switch (m->type) {
	case RAFT_MSG_PROPOSE:
		handle_forward(r, m);
		return 0;
	case RAFT_MSG_READ_INDEX:
		return raft_read_request(r, m->context, m->from);
	}
	pr = raft_pr_get(r, m->from);
	if (!pr)
		return 0;
	switch (m->type) {
	case RAFT_MSG_APPEND_RESP:
		pr->recent_active = 1;
		handle_append_resp(r, pr, m);
		break;
	case RAFT_MSG_HEARTBEAT_RESP:
		pr->recent_active = 1;
		pr->probe_sent = 0;
		/* a full window of APPENDs may all be lost: free one slot */
		if (pr->state == RAFT_PR_REPLICATE && pr->in_count >= pr->in_cap)
			raft_pr_free_first(pr);
		if (m->context > pr->read_ack && m->context <= r->read_seq) {
			pr->read_ack = m->context;
			raft_ri_on_ack(r);
		}
		if (pr->state == RAFT_PR_SNAPSHOT) {
			/* the chunk in flight may be lost: resend it */
			if (++pr->snap_idle >= 2) {
				pr->snap_idle = 0;
				send_snapshot_chunk(r, pr);
			}
		} else if (pr->match < raft_log_last(&r->log)) {
			/*
			 * Lagging: APPENDs may have been lost.  An APPEND at
			 * next - 1, even empty, makes the peer say where it
			 * really is.
			 */
			raft_send_append(r, pr, 1);
		}
		break;
	case RAFT_MSG_SNAPSHOT_RESP:
		pr->recent_active = 1;
		handle_snapshot_resp(r, pr, m);
		break;
	}
	return 0;
}

/* A read request to the leader: start its heartbeat round if it needs one. */
int raft_read_request(struct raft *r, u64 ctx, u64 from)
{
	int ret = raft_ri_request(r, ctx, from);

	if (ret == RAFT_RI_HEARTBEAT) {
		raft_broadcast_heartbeat(r, r->read_seq);
		ret = 0;
	}
	return ret;
}
