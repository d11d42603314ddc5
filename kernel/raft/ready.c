// SPDX-License-Identifier: GPL-2.0
/*
 * The ready batch: hands out the outbox (outbox.c) together with the state
 * to persist and the entries to apply.
 *
 * Messages are split in two lists: those that may be sent at once (a
 * leader's APPENDs go out in parallel with its own disk write), and those
 * that assert durable state and may only leave once this ready's hard
 * state and entries are durable: a candidate's VOTE (its own vote), a vote
 * granted, and acknowledgements of entries or snapshots.
 */
#include "raft_int.h"

static int waits_for_persist(const struct raft_msg *m)
{
#ifdef RAFT_BUG_VOTE_BEFORE_PERSIST
	if (m->type == RAFT_MSG_VOTE || m->type == RAFT_MSG_VOTE_RESP)
		return 0;
#endif
	switch (m->type) {
	case RAFT_MSG_VOTE:
	case RAFT_MSG_APPEND_RESP:
	case RAFT_MSG_SNAPSHOT_RESP:
		return 1;
	case RAFT_MSG_VOTE_RESP:
		return !m->reject;
	default:
		return 0;
	}
}

static void soft_state(const struct raft *r, struct raft_soft_state *ss)
{
	ss->lead = r->lead;
	ss->term = r->term;
	ss->role = r->role;
}

static void hard_state(const struct raft *r, struct raft_hard_state *hs)
{
	hs->term = r->term;
	hs->vote = r->vote;
	hs->commit = r->log.committed;
}

/* Last index that may be handed out for applying: committed and durable. */
static u64 apply_limit(const struct raft *r)
{
	u64 hi = r->log.committed;

	if (r->install)
		return r->log.applied;
	if (hi > r->log.persisted)
		hi = r->log.persisted;
	return hi;
}

static int ss_equal(const struct raft_soft_state *a,
		    const struct raft_soft_state *b)
{
	return a->lead == b->lead && a->term == b->term && a->role == b->role;
}

static int hs_equal(const struct raft_hard_state *a,
		    const struct raft_hard_state *b)
{
	return a->term == b->term && a->vote == b->vote &&
	       a->commit == b->commit;
}

int raft_has_ready(struct raft *r)
{
	struct raft_soft_state ss;
	struct raft_hard_state hs;

	raft_flush(r);
	soft_state(r, &ss);
	hard_state(r, &hs);
	if (!ss_equal(&ss, &r->prev_ss) || !hs_equal(&hs, &r->prev_hs))
		return 1;
	if (r->install || r->recv_chunk ||
	    r->log.unstable <= raft_log_last(&r->log))
		return 1;
	if (apply_limit(r) > r->log.applied)
		return 1;
	if (r->n_msgs || r->n_rstates || r->n_results || r->n_fetches)
		return 1;
	return raft_props_decidable(r, apply_limit(r));
}

/* Hand out the messages: persist-first ones keep their order. */
static int split_outbox(struct raft *r, struct raft_ready *rd)
{
	u32 i, now = 0, after = 0;

	for (i = 0; i < r->n_msgs; i++)
		if (waits_for_persist(&r->msgs[i]))
			after++;
	if (after) {
		rd->msgs_after_persist = rl_calloc(after, sizeof(struct raft_msg));
		if (!rd->msgs_after_persist)
			return -ENOMEM;
		for (i = 0; i < r->n_msgs; i++) {
			if (waits_for_persist(&r->msgs[i]))
				rd->msgs_after_persist[rd->n_msgs_after_persist++] =
					r->msgs[i];
			else
				r->msgs[now++] = r->msgs[i];
		}
	} else {
		now = r->n_msgs;
	}
	rd->msgs = r->msgs;
	rd->n_msgs = now;
	r->msgs = NULL;
	r->n_msgs = 0;
	r->cap_msgs = 0;
	return 0;
}

/* Hand out read states, proposal results and fetches. */
static void take_outbox(struct raft *r, struct raft_ready *rd)
{
	rd->reads = r->rstates;
	rd->n_reads = r->n_rstates;
	r->rstates = NULL;
	r->n_rstates = 0;
	r->cap_rstates = 0;
	rd->results = r->results;
	rd->n_results = r->n_results;
	r->results = NULL;
	r->n_results = 0;
	r->cap_results = 0;
	rd->fetches = r->fetches;
	rd->n_fetches = r->n_fetches;
	r->fetches = NULL;
	r->n_fetches = 0;
	r->cap_fetches = 0;
}

int raft_ready(struct raft *r, struct raft_ready *rd)
{
	u64 hi, last;

	raft_flush(r);
	hi = apply_limit(r);
	last = raft_log_last(&r->log);

	memset(rd, 0, sizeof(*rd));
	soft_state(r, &rd->ss);
	hard_state(r, &rd->hs);
	rd->ss_changed = !ss_equal(&rd->ss, &r->prev_ss);
	rd->hs_changed = !hs_equal(&rd->hs, &r->prev_hs);

	if (r->install)
		rd->snapshot = r->install;
	/* streaming: the chunk goes out once, before the snapshot it ends */
	if (r->recv_chunk) {
		rd->snap_chunk = r->recv_chunk;
		r->ready_chunk = r->recv_chunk;
		r->recv_chunk = NULL;
	}
	/* both stay in memory (only durable, applied entries leave it) */
	if (r->log.unstable <= last) {
		rd->entries = raft_log_entry(&r->log, r->log.unstable);
		rd->n_entries = raft_log_span(&r->log, r->log.unstable);
	}
	if (hi > r->log.applied) {
		rd->committed = raft_log_entry(&r->log, r->log.applied + 1);
		rd->n_committed = raft_log_span(&r->log, r->log.applied + 1);
		if (rd->n_committed > hi - r->log.applied)
			rd->n_committed = hi - r->log.applied;
		hi = r->log.applied + rd->n_committed;
	}
	raft_props_check(r, hi > r->log.applied ? hi : r->log.applied);

	if (split_outbox(r, rd)) {
		/* the chunk is handed out next time */
		if (rd->snap_chunk) {
			r->recv_chunk = r->ready_chunk;
			r->ready_chunk = NULL;
		}
		memset(rd, 0, sizeof(*rd));
		return -ENOMEM;
	}
	take_outbox(r, rd);

	r->prev_ss = rd->ss;
	r->prev_hs = rd->hs;
	r->ready_applied_to = hi;
	r->ready_stable_to = rd->n_entries ?
			     r->log.unstable + rd->n_entries - 1 : 0;
	r->in_ready = 1;
	return 0;
}

static void free_msgs(struct raft_msg *msgs, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		raft_msg_free(&msgs[i]);
	rl_free(msgs);
}

void raft_advance(struct raft *r, struct raft_ready *rd)
{
	if (!r->in_ready)
		return;
	r->in_ready = 0;
	raft_chunk_free(r->ready_chunk);
	r->ready_chunk = NULL;
	if (rd->snapshot && r->install == rd->snapshot) {
		if (r->log.applied < r->install->meta.index)
			r->log.applied = r->install->meta.index;
		/* it becomes the snapshot we serve to others */
		rl_big_free(r->snap.data);
		r->snap = *r->install;
		rl_free(r->install);
		r->install = NULL;
	}
	if (r->ready_applied_to > r->log.applied)
		r->log.applied = r->ready_applied_to;
#ifdef RAFT_BUG_APPLY_TWICE
	if (rd->n_committed > 1)
		r->log.applied--;	/* the last one is handed out again */
#endif
	if (r->ready_stable_to && r->ready_stable_to + 1 > r->log.unstable)
		r->log.unstable = r->ready_stable_to + 1;
	free_msgs(rd->msgs, rd->n_msgs);
	free_msgs(rd->msgs_after_persist, rd->n_msgs_after_persist);
	rl_free(rd->reads);
	rl_free(rd->results);
	rl_free(rd->fetches);
	memset(rd, 0, sizeof(*rd));
	raft_log_shrink(&r->log, r->cfg.max_log_mem);
}
