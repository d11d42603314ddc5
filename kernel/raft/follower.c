// SPDX-License-Identifier: GPL-2.0
/*
 * A follower: APPENDs checked against its log (with the fast back-off hint
 * of a rejection), heartbeats, snapshots received in chunks and restored
 * (Raft 7), and requests refused when it cannot serve them.
 */
#include "raft_int.h"

static void reply_append(struct raft *r, u64 to, u64 index)
{
	struct raft_msg *m = raft_new_msg(r, RAFT_MSG_APPEND_RESP, to);

	if (m)
		m->index = index;
}

static int handle_append(struct raft *r, const struct raft_msg *m)
{
	u64 last_new, ci, i, hint, hint_term;
	struct raft_msg *resp, part;

	if (m->index < r->log.committed) {
		reply_append(r, m->from, r->log.committed);
		return 0;
	}
	if (!raft_log_match(&r->log, m->index, m->log_term)) {
		/* fast back-off: skip the whole conflicting term at once */
		hint = m->index < raft_log_last(&r->log) ? m->index :
		       raft_log_last(&r->log);
		hint = raft_log_find_conflict_by_term(&r->log, hint,
						      m->log_term, &hint_term);
		resp = raft_new_msg(r, RAFT_MSG_APPEND_RESP, m->from);
		if (resp) {
			resp->index = m->index;
			resp->reject = 1;
			resp->reject_hint = hint;
			resp->hint_term = hint_term;
		}
		return 0;
	}
	/*
	 * An entry larger than this node's store takes (its device is
	 * smaller than the leader's): keep the entries before it and stay
	 * behind there rather than hand the store what it cannot hold.
	 */
	for (i = 0; i < m->n_entries; i++) {
		if (m->entries[i].len > r->cfg.max_entry_size) {
			rl_debug("%llu: entry %llu of %u bytes is larger than the store takes",
				 (unsigned long long)r->id,
				 (unsigned long long)m->entries[i].index,
				 m->entries[i].len);
			part = *m;
			part.n_entries = i;
			m = &part;
			break;
		}
	}
	last_new = m->index + m->n_entries;
	ci = raft_log_find_conflict(&r->log, m->entries, m->n_entries);
	if (ci) {
		if (ci <= r->log.committed) {
			rl_warn("append conflicts with committed index %llu",
				(unsigned long long)ci);
			return -EINVAL;
		}
		raft_truncate_from(r, ci);
		if (ci == 1 && r->log.snap_index == 0 && r->n_hist == 1 &&
		    m->snap.conf.n_voters) {
			/* we (re)start from index 1: adopt its base config */
			r->hist[0].conf = m->snap.conf;
			raft_sync_progress(r);
		}
		for (i = ci - m->index - 1; i < m->n_entries; i++) {
			int err = raft_append_one(r, &m->entries[i]);

			if (err)
				return err;
		}
	}
	raft_commit_to(r, m->commit < last_new ? m->commit : last_new);
	reply_append(r, m->from, last_new);
	return 0;
}

/* The leader quiesces (quiesce.c): may we, with nothing to answer? */
static int can_quiesce(const struct raft *r, const struct raft_msg *m)
{
	return r->cfg.quiesce && !r->n_props && !r->n_fwd_reads &&
	       !r->recv_active && !r->install &&
	       raft_log_match(&r->log, m->index, m->log_term) &&
	       r->log.committed >= m->index;
}

static void handle_heartbeat(struct raft *r, const struct raft_msg *m)
{
	struct raft_msg *resp;

	raft_commit_to(r, m->commit);
	if (m->reject == RAFT_HB_QUIESCE) {
		if (can_quiesce(r, m)) {
			if (!r->quiesced)
				r->n_quiesce++;
			r->quiesced = 1;
			return;
		}
		if (r->quiesced)
			r->n_wake++;
		r->quiesced = 0;
	}
	resp = raft_new_msg(r, RAFT_MSG_HEARTBEAT_RESP, m->from);
	if (!resp)
		return;
	resp->context = m->context;
	/* we cannot quiesce: the leader must not either */
	if (m->reject == RAFT_HB_QUIESCE)
		resp->reject = RAFT_HB_QUIESCE;
}

static void reply_snapshot(struct raft *r, const struct raft_msg *m,
			   int reject, int done, u64 offset)
{
	struct raft_msg *resp = raft_new_msg(r, RAFT_MSG_SNAPSHOT_RESP,
					     m->from);

	if (!resp)
		return;
	resp->index = m->snap.index;
	resp->log_term = m->snap.term;
	resp->reject = reject;
	resp->snap_done = done;
	resp->snap_offset = offset;
}

static void recv_reset(struct raft *r)
{
	rl_big_free(r->recv.data);
	memset(&r->recv, 0, sizeof(r->recv));
	r->recv_cap = 0;
	r->recv_active = 0;
}

/* A complete snapshot arrived: replace the log with it (Raft 7). */
static int restore(struct raft *r)
{
	const struct raft_snapshot_meta *meta = &r->recv.meta;
	struct raft_snapshot *s;

	if (raft_log_match(&r->log, meta->index, meta->term)) {
		/* we have it all already: just learn the commit index */
		raft_commit_to(r, meta->index);
		recv_reset(r);
		return 0;
	}
	s = rl_zalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (raft_hist_init(r, meta->index, &meta->conf)) {
		rl_free(s);
		return -ENOMEM;
	}
	raft_log_restore(&r->log, meta->index, meta->term);
	raft_sync_progress(r);
	*s = r->recv;
	if (r->install) {
		rl_big_free(r->install->data);
		rl_free(r->install);
	}
	r->install = s;
	memset(&r->recv, 0, sizeof(r->recv));
	r->recv_cap = 0;
	r->recv_active = 0;
	return 0;
}

void raft_chunk_free(struct raft_snapshot_chunk *c)
{
	if (c) {
		rl_big_free(c->data);
		rl_free(c);
	}
}

/*
 * Streaming: an accepted chunk is handed to the caller in the next ready
 * (copied: at most one chunk in memory), r->recv counts its bytes.  A
 * chunk that comes while the previous one was not handed out yet is
 * dropped: the leader sends it again.
 */
static int take_chunk(struct raft *r, const struct raft_msg *m)
{
	struct raft_snapshot_chunk *c;

	c = rl_zalloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	if (m->snap_len) {
		c->data = rl_big_alloc(m->snap_len);
		if (!c->data) {
			rl_free(c);
			return -ENOMEM;
		}
		memcpy(c->data, m->snap_data, m->snap_len);
	}
	c->meta = r->recv.meta;
	c->offset = m->snap_offset;
	c->len = m->snap_len;
	c->done = m->snap_done;
	r->recv_chunk = c;
	r->recv.len += m->snap_len;
	return 0;
}

static int handle_snapshot(struct raft *r, const struct raft_msg *m)
{
	struct raft_snapshot *rc = &r->recv;
	int err;

	if (m->snap.index <= r->log.committed) {
		/* nothing to install: tell the leader we are past it */
		recv_reset(r);
		reply_snapshot(r, m, 0, 1, 0);
		return 0;
	}
	if (r->recv_chunk)
		return 0;
	if (m->snap_offset == 0) {
		recv_reset(r);
		rc->meta = m->snap;
		r->recv_active = 1;
	} else if (!r->recv_active || rc->meta.index != m->snap.index ||
		   rc->meta.term != m->snap.term ||
		   rc->len != m->snap_offset) {
		int same = r->recv_active && rc->meta.index == m->snap.index &&
			   rc->meta.term == m->snap.term;

		reply_snapshot(r, m, 1, 0, same ? rc->len : 0);
		return 0;
	}
	if (rc->len + m->snap_len > RAFT_MAX_SNAPSHOT_SIZE) {
		/* larger than any snapshot a leader sends: drop it */
		recv_reset(r);
		reply_snapshot(r, m, 1, 0, 0);
		return 0;
	}
	if (r->cfg.snap_stream) {
		err = take_chunk(r, m);
		if (err)
			return err;
	} else if (m->snap_len) {
		if (rc->len + m->snap_len > r->recv_cap) {
			u64 cap = r->recv_cap ? r->recv_cap : 4096;
			u8 *p;

			while (cap < rc->len + m->snap_len)
				cap *= 2;
			if (cap > RAFT_MAX_SNAPSHOT_SIZE)
				cap = RAFT_MAX_SNAPSHOT_SIZE;
			p = rl_big_alloc(cap);
			if (!p)
				return -ENOMEM;
			if (rc->len)
				memcpy(p, rc->data, rc->len);
			rl_big_free(rc->data);
			rc->data = p;
			r->recv_cap = cap;
		}
		memcpy(rc->data + rc->len, m->snap_data, m->snap_len);
		rc->len += m->snap_len;
	}
	if (!m->snap_done) {
		reply_snapshot(r, m, 0, 0, rc->len);
		return 0;
	}
	err = restore(r);
	if (err)
		return err;
	reply_snapshot(r, m, 0, 1, m->snap_offset + m->snap_len);
	return 0;
}

/* Refuse a READ_INDEX, or each proposal of a PROPOSE. */
void raft_reply_error(struct raft *r, const struct raft_msg *m, s32 err)
{
	u32 i, n = m->type == RAFT_MSG_PROPOSE ? m->n_entries : 1;
	struct raft_msg *resp;

	for (i = 0; i < n; i++) {
		if (m->type == RAFT_MSG_PROPOSE)
			resp = raft_new_msg(r, RAFT_MSG_PROPOSE_RESP, m->from);
		else
			resp = raft_new_msg(r, RAFT_MSG_READ_INDEX_RESP,
					    m->from);
		if (!resp)
			return;
		resp->context = m->context + i;
		resp->error = err;
	}
}

int raft_step_follower(struct raft *r, const struct raft_msg *m)
{
	switch (m->type) {
	case RAFT_MSG_APPEND:
		r->election_elapsed = 0;
		r->lead = m->from;
		return handle_append(r, m);
	case RAFT_MSG_HEARTBEAT:
		r->election_elapsed = 0;
		r->lead = m->from;
		handle_heartbeat(r, m);
		return 0;
	case RAFT_MSG_SNAPSHOT:
		r->election_elapsed = 0;
		r->lead = m->from;
		return handle_snapshot(r, m);
	case RAFT_MSG_TIMEOUT_NOW:
		/* leader transfer: campaign now, skipping the pre-vote */
		if (raft_promotable(r))
			raft_campaign(r, 0, 1);
		return 0;
	case RAFT_MSG_PROPOSE:
	case RAFT_MSG_READ_INDEX:
		raft_reply_error(r, m, -EAGAIN);
		return 0;
	}
	return 0;
}
