// SPDX-License-Identifier: GPL-2.0
/*
 * The caller's requests: proposals (appended by a leader, forwarded by a
 * follower), configuration changes, read index, leadership transfer,
 * compaction, and what the caller reports back (persisted entries, an
 * installed snapshot, the room left in its log store).
 */
#include "raft_int.h"

/* Add @e to the PROPOSE @m already carries (one more entry at its end). */
static int add_forwarded(struct raft_msg *m, const struct raft_entry *e)
{
	struct raft_entry *ents = rl_calloc(m->n_entries + 1, sizeof(*ents));

	if (!ents)
		return -ENOMEM;
	if (raft_entry_copy(&ents[m->n_entries], e)) {
		rl_free(ents);
		return -ENOMEM;
	}
	/* the entries move (their data stays where it is) */
	memcpy(ents, m->entries, m->n_entries * sizeof(*ents));
	rl_free(m->entries);
	m->entries = ents;
	m->n_entries++;
	return 0;
}

/*
 * Forward a proposal to the leader.  The proposals of one step go in one
 * PROPOSE when their ids follow each other: entry i stands for proposal
 * context + i, and the leader answers each on its own.  One message per
 * proposal would cost the leader a frame, a decode and a step each.
 */
static int forward_proposal(struct raft *r, const struct raft_entry *e,
			    u64 id)
{
	struct raft_msg *m = r->n_msgs ? &r->msgs[r->n_msgs - 1] : NULL;
	u64 bytes = e->len;
	u32 i;

	if (m && m->type == RAFT_MSG_PROPOSE && m->to == r->lead &&
	    m->n_entries < RAFT_MAX_FORWARD && m->context + m->n_entries == id) {
		for (i = 0; i < m->n_entries; i++)
			bytes += m->entries[i].len;
		if (bytes <= r->cfg.max_size_per_msg)
			return add_forwarded(m, e);
	}
	m = raft_new_msg(r, RAFT_MSG_PROPOSE, r->lead);
	if (!m)
		return -ENOMEM;
	if (raft_msg_copy_entries(m, (struct raft_entry *)e, 1)) {
		raft_drop_last_msg(r);
		return -ENOMEM;
	}
	m->context = id;
	return 0;
}

void raft_set_room(struct raft *r, u64 bytes, u32 per_entry)
{
	r->room = bytes;
	r->room_per_entry = per_entry;
}

int raft_propose(struct raft *r, const void *data, u32 len, u64 id)
{
	struct raft_entry e = { .type = RAFT_ENTRY_NORMAL, .len = len,
				.data = (u8 *)data };
	u64 index;
	int err;

	raft_wake(r, RAFT_NONE);
	if (len > RAFT_MAX_ENTRY_SIZE || (len && !data))
		return -EINVAL;
	if (len > r->cfg.max_entry_size)
		return -EMSGSIZE;
	if (r->role == RAFT_LEADER) {
		err = raft_leader_append(r, RAFT_ENTRY_NORMAL, data, len, &index);
		if (err)
			return err;
		if (raft_props_add(r, id, index, r->term, r->id, 1))
			rl_warn("proposal %llu untracked: no memory",
				(unsigned long long)id);
		return 0;
	}
	if (r->lead == RAFT_NONE)
		return -EAGAIN;
	if (raft_props_add(r, id, 0, 0, r->lead, 0))
		return -ENOMEM;
	if (forward_proposal(r, &e, id)) {
		r->n_props--;
		return -ENOMEM;
	}
	return 0;
}

int raft_propose_conf_change_ctx(struct raft *r, u8 type, u64 node,
				 const void *ctx, u32 ctx_len, u64 id)
{
	struct raft_conf *c;
	u8 *buf;
	u32 len;
	u64 index;
	int err;

	raft_wake(r, RAFT_NONE);
	if (ctx_len > RAFT_CONF_CHANGE_MAX_CONTEXT || (ctx_len && !ctx))
		return -EINVAL;
	if (r->role != RAFT_LEADER)
		return -EAGAIN;
	/*
	 * One change at a time, and only once the leader committed an entry
	 * of its term (else an older uncommitted change may still be lost).
	 */
	if (r->log.committed < r->noop_index)
		return -EBUSY;
#ifndef RAFT_BUG_CONF_TWO_IN_FLIGHT
	if (r->hist[r->n_hist - 1].index > r->log.committed)
		return -EBUSY;
#endif
	c = rl_malloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	*c = *raft_cur_conf(r);
	err = raft_conf_apply(c, type, node);
	if (err) {
		rl_free(c);
		return err;
	}
	buf = rl_malloc(RAFT_CONF_CHANGE_CTX_MAX_SIZE);
	if (!buf) {
		rl_free(c);
		return -ENOMEM;
	}
	len = raft_conf_change_encode_ctx(buf, type, node, c, ctx, ctx_len);
	rl_free(c);
	err = raft_leader_append(r, RAFT_ENTRY_CONF_CHANGE, buf, len, &index);
	rl_free(buf);
	if (err)
		return err;
	if (raft_props_add(r, id, index, r->term, r->id, 1))
		rl_warn("proposal %llu untracked: no memory",
			(unsigned long long)id);
	return 0;
}

int raft_propose_conf_change(struct raft *r, u8 type, u64 node, u64 id)
{
	return raft_propose_conf_change_ctx(r, type, node, NULL, 0, id);
}

int raft_read_index(struct raft *r, u64 ctx)
{
	raft_wake(r, RAFT_NONE);
	if (r->role == RAFT_LEADER)
		return raft_read_request(r, ctx, RAFT_NONE);
	if (r->lead == RAFT_NONE)
		return -EAGAIN;
	return raft_ri_forward(r, ctx);
}

int raft_transfer_leader(struct raft *r, u64 to)
{
	struct raft_progress *pr;

	raft_wake(r, RAFT_NONE);
	if (r->role != RAFT_LEADER)
		return -EAGAIN;
	if (to == r->id)
		return -EALREADY;
	pr = raft_pr_get(r, to);
	if (!pr || !raft_conf_has_voter(raft_cur_conf(r), to))
		return -EINVAL;
	r->lead_transferee = to;
	r->election_elapsed = 0;
	if (pr->match == raft_log_last(&r->log))
		raft_send_timeout_now(r, to);
	else
		raft_send_append(r, pr, 1);
	return 0;
}

int raft_compact(struct raft *r, u64 index, const void *data, u64 len)
{
	u8 *copy = NULL;

	if (index <= r->log.snap_index || index > r->log.applied)
		return -EINVAL;
	if (len && data) {
		copy = rl_big_alloc(len);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, data, len);
	}
	rl_big_free(r->snap.data);
	r->snap.meta.index = index;
	r->snap.meta.term = raft_term_at(r, index);
	r->snap.meta.conf = *raft_conf_at(r, index);
	r->snap.data = copy;
	r->snap.len = len;
	raft_log_compact(&r->log, index);
	raft_hist_compact(r, index);
	return 0;
}

void raft_snapshot_meta(const struct raft *r, struct raft_snapshot_meta *meta)
{
	*meta = r->snap.meta;
}

void raft_persisted(struct raft *r, u64 index, u64 term)
{
	/* only what was handed out, and not overwritten since */
	if (index >= r->log.unstable)
		return;
	if (index <= r->log.persisted || !raft_log_match(&r->log, index, term))
		return;
	r->log.persisted = index;
	if (r->role == RAFT_LEADER && raft_maybe_commit(r)) {
		raft_broadcast_append(r);
		raft_check_self_removal(r);
	}
}

void raft_snapshot_installed(struct raft *r, u64 index, u64 term)
{
	if (index == r->log.snap_index && term == r->log.snap_term &&
	    r->log.persisted < index)
		r->log.persisted = index;
}
