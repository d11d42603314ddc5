// SPDX-License-Identifier: GPL-2.0
/*
 * The Raft node: roles and terms, elections (with pre-vote and the leader
 * lease of CheckQuorum), log replication, commitment, leadership transfer,
 * proposal forwarding and snapshot streaming.  raft_step() is the entry
 * point for messages; it dispatches on the role like etcd's raft.Step.
 *
 * References are to the Raft paper (Ongaro and Ousterhout, 2014) and to
 * Ongaro's thesis (2014).
 */
#include "raft_int.h"

#define DEFAULT_MAX_INFLIGHT	256
#define DEFAULT_MAX_SIZE	0x100000U
#define DEFAULT_MAX_ENTRIES	64
#define MAX_MSG_ENTRIES		0x10000U

struct raft_progress *raft_pr_get(struct raft *r, u64 id)
{
	u32 i;

	for (i = 0; i < r->n_prs; i++)
		if (r->prs[i].id == id)
			return &r->prs[i];
	return NULL;
}

static int promotable(const struct raft *r)
{
	return raft_conf_has_voter(raft_cur_conf(r), r->id);
}

static u64 last_term(const struct raft *r)
{
	u64 t = 0;

	raft_log_term(&r->log, raft_log_last(&r->log), &t);
	return t;
}

static u64 term_at(const struct raft *r, u64 index)
{
	u64 t = 0;

	if (raft_log_term(&r->log, index, &t))
		return 0;
	return t;
}

u64 raft_term_at(const struct raft *r, u64 index)
{
	return term_at(r, index);
}

void raft_conf_at_index(const struct raft *r, u64 index,
			struct raft_conf *conf)
{
	*conf = *raft_conf_at(r, index);
}

static void reset_randomized_timeout(struct raft *r)
{
	r->randomized_timeout = r->cfg.election_tick +
		r->cfg.rand(r->cfg.rand_cookie) % r->cfg.election_tick;
}

static void reset(struct raft *r, u64 term)
{
	u32 i;

	if (r->term != term) {
		r->term = term;
		r->vote = RAFT_NONE;
	}
	r->lead = RAFT_NONE;
	r->election_elapsed = 0;
	r->heartbeat_elapsed = 0;
	reset_randomized_timeout(r);
	r->lead_transferee = RAFT_NONE;
	r->n_votes = 0;
	r->uncommitted_size = 0;
	for (i = 0; i < r->n_prs; i++)
		raft_pr_reset(&r->prs[i], raft_log_last(&r->log) + 1);
}

void raft_become_follower(struct raft *r, u64 term, u64 lead)
{
	int was_leader = r->role == RAFT_LEADER;

	reset(r, term);
	r->lead = lead;
	r->role = RAFT_FOLLOWER;
	r->bcast_pending = 0;
	if (was_leader)
		raft_ri_fail_all(r);
}

/* ---- log changes that move the configuration with them ---- */

static int append_one(struct raft *r, const struct raft_entry *e)
{
	int err = raft_log_append(&r->log, e, 1);

	if (err)
		return err;
	if (e->type == RAFT_ENTRY_CONF_CHANGE) {
		err = raft_hist_on_append(r, raft_log_entry(&r->log, e->index));
		if (err) {
			raft_log_truncate(&r->log, e->index);
			return err;
		}
		raft_sync_progress(r);
	}
	return 0;
}

static void truncate_from(struct raft *r, u64 from)
{
	u32 n = r->n_hist;

	raft_log_truncate(&r->log, from);
	raft_hist_truncate(r, from);
	if (n != r->n_hist)
		raft_sync_progress(r);
}

/* ---- commitment ---- */

static void commit_to(struct raft *r, u64 index)
{
	u64 old = r->log.committed, i;

	if (index <= old)
		return;
	if (index > raft_log_last(&r->log))
		index = raft_log_last(&r->log);
	if (index <= old)
		return;
	if (r->role == RAFT_LEADER) {
		for (i = old + 1; i <= index; i++) {
			struct raft_entry *e = raft_log_entry(&r->log, i);
			u64 len = e ? e->len : 0;

			r->uncommitted_size -= len < r->uncommitted_size ?
					       len : r->uncommitted_size;
		}
	}
	r->log.committed = index;
	if (r->role == RAFT_LEADER && old < r->noop_index &&
	    index >= r->noop_index)
		raft_ri_on_commit_in_term(r);
}

/*
 * Raft 5.3/5.4.2: the largest index a majority of voters hold durably
 * (the leader's own copy counts from raft_persisted() on), and only if
 * that entry is of the current term.
 */
static int maybe_commit(struct raft *r)
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
	if (term_at(r, mci) != r->term)
		return 0;
#endif
	commit_to(r, mci);
	return 1;
}

/* ---- sending ---- */

static int copy_entries(struct raft_msg *m, struct raft_entry *ents, u64 n)
{
	u64 i;

	if (!n)
		return 0;
	m->entries = rl_calloc(n, sizeof(*m->entries));
	if (!m->entries)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (raft_entry_copy(&m->entries[i], &ents[i]))
			return -ENOMEM;
		m->n_entries = i + 1;
	}
	return 0;
}

static void drop_last_msg(struct raft *r)
{
	raft_msg_free(&r->msgs[--r->n_msgs]);
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
		m->snap_data = rl_malloc(len);
		if (!m->snap_data) {
			drop_last_msg(r);
			return;
		}
		memcpy(m->snap_data, r->snap.data + off, len);
		m->snap_len = len;
	}
}

static void send_snapshot(struct raft *r, struct raft_progress *pr)
{
	if (r->snap.meta.index == 0 || (r->snap.len && !r->snap.data)) {
		rl_warn("peer %llu needs a snapshot but none is available",
			(unsigned long long)pr->id);
		return;
	}
	raft_pr_become_snapshot(pr, r->snap.meta.index);
	send_snapshot_chunk(r, pr);
}

/*
 * Send the peer the entries after pr->next - 1 (or, with if_empty, an
 * empty APPEND that carries the commit index).  Returns 1 if an APPEND
 * went out.  A peer behind the compacted prefix gets the snapshot.
 */
int raft_send_append(struct raft *r, struct raft_progress *pr, int if_empty)
{
	struct raft_entry *ents = NULL;
	struct raft_msg *m;
	u64 prev = pr->next - 1, t, n = 0;

	if (pr->id == r->id || raft_pr_paused(pr))
		return 0;
	if (raft_log_term(&r->log, prev, &t)) {
		send_snapshot(r, pr);
		return 0;
	}
	if (pr->next <= raft_log_last(&r->log))
		n = raft_log_slice(&r->log, pr->next, r->cfg.max_size_per_msg,
				   r->cfg.max_entries_per_msg, &ents);
	if (!n && !if_empty)
		return 0;
	m = raft_new_msg(r, RAFT_MSG_APPEND, pr->id);
	if (!m)
		return 0;
	m->index = prev;
	m->log_term = t;
	m->commit = r->log.committed;
	/*
	 * The configuration a log starts from is not itself in the log: a
	 * peer that receives the log from index 1 (a node that joined with
	 * an empty configuration) learns it from here.
	 */
	if (prev == 0 && r->log.snap_index == 0)
		m->snap.conf = r->hist[0].conf;
	if (copy_entries(m, ents, n)) {
		drop_last_msg(r);
		return 0;
	}
	raft_pr_sent(pr, prev + n, n);
	return 1;
}

static void broadcast_append(struct raft *r)
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

static void send_timeout_now(struct raft *r, u64 to)
{
	raft_new_msg(r, RAFT_MSG_TIMEOUT_NOW, to);
}

/* ---- roles ---- */

static void become_leader(struct raft *r)
{
	struct raft_entry noop = { .term = 0 };

	reset(r, r->term);
	r->lead = r->id;
	r->role = RAFT_LEADER;
	/* Raft 8: an entry of its own term makes earlier ones committable */
	noop.term = r->term;
	noop.index = raft_log_last(&r->log) + 1;
	noop.type = RAFT_ENTRY_NORMAL;
	if (append_one(r, &noop))
		rl_warn("leader no-op lost: no memory");
	r->noop_index = noop.index;
	broadcast_append(r);
}

static int tally(struct raft *r, u64 from, int granted)
{
	const struct raft_conf *c = raft_cur_conf(r);
	u32 i, j, yes = 0, no = 0;

	if (!raft_conf_has_voter(c, from))
		return RAFT_VOTE_PENDING;
	for (i = 0; i < r->n_votes; i++)
		if (r->vote_from[i] == from)
			break;
	if (i == r->n_votes && r->n_votes < RAFT_MAX_MEMBERS) {
		r->vote_from[r->n_votes] = from;
		r->vote_granted[r->n_votes] = !!granted;
		r->n_votes++;
	}
	for (i = 0; i < c->n_voters; i++)
		for (j = 0; j < r->n_votes; j++)
			if (r->vote_from[j] == c->voters[i]) {
				if (r->vote_granted[j])
					yes++;
				else
					no++;
			}
	return raft_quorum_vote(c->n_voters, yes, no);
}

static void campaign(struct raft *r, int pre, int transfer)
{
	const struct raft_conf *c;
	u8 type;
	u64 vterm;
	u32 i;
	int res;

	if (!promotable(r))
		return;
	if (pre) {
		r->role = RAFT_PRE_CANDIDATE;
		r->lead = RAFT_NONE;
		r->n_votes = 0;
		type = RAFT_MSG_PREVOTE;
		vterm = r->term + 1;
	} else {
		reset(r, r->term + 1);
		r->vote = r->id;
		r->role = RAFT_CANDIDATE;
		type = RAFT_MSG_VOTE;
		vterm = r->term;
	}
	res = tally(r, r->id, 1);
	if (res == RAFT_VOTE_WON) {
		if (pre)
			campaign(r, 0, transfer);
		else
			become_leader(r);
		return;
	}
	c = raft_cur_conf(r);
	for (i = 0; i < c->n_voters; i++) {
		struct raft_msg *m;

		if (c->voters[i] == r->id)
			continue;
		m = raft_new_msg(r, type, c->voters[i]);
		if (!m)
			continue;
		m->term = vterm;
		m->index = raft_log_last(&r->log);
		m->log_term = last_term(r);
		m->context = transfer ? RAFT_CONTEXT_TRANSFER : 0;
	}
}

/* ---- tick ---- */

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

static void tick_leader(struct raft *r)
{
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
static void check_self_removal(struct raft *r)
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
		send_timeout_now(r, best->id);
	raft_become_follower(r, r->term, RAFT_NONE);
}

void raft_tick(struct raft *r)
{
	raft_props_tick(r);
	if (r->role == RAFT_LEADER) {
		tick_leader(r);
		return;
	}
	r->election_elapsed++;
	if (promotable(r) && r->election_elapsed >= r->randomized_timeout) {
		r->election_elapsed = 0;
		campaign(r, r->cfg.pre_vote, 0);
	}
}

/* ---- message validation ---- */

static int termless(u8 type)
{
	return type == RAFT_MSG_PROPOSE || type == RAFT_MSG_PROPOSE_RESP ||
	       type == RAFT_MSG_READ_INDEX || type == RAFT_MSG_READ_INDEX_RESP;
}

static int valid_msg(const struct raft *r, const struct raft_msg *m)
{
	u32 i;

	if (m->type == 0 || m->type > RAFT_MSG_TYPE_MAX)
		return 0;
	if (m->from == RAFT_NONE || m->from == r->id || m->to != r->id)
		return 0;
	if (!termless(m->type) && m->term == 0)
		return 0;
	if (!raft_conf_valid(&m->snap.conf))
		return 0;
	if (m->n_entries > MAX_MSG_ENTRIES || (m->n_entries && !m->entries))
		return 0;
	for (i = 0; i < m->n_entries; i++) {
		const struct raft_entry *e = &m->entries[i];

		if (e->len > RAFT_MAX_ENTRY_SIZE || (e->len && !e->data) ||
		    e->type > RAFT_ENTRY_CONF_CHANGE)
			return 0;
	}
	if (m->type == RAFT_MSG_APPEND) {
		if (m->index > ~0ULL - MAX_MSG_ENTRIES - 1)
			return 0;
		for (i = 0; i < m->n_entries; i++) {
			const struct raft_entry *e = &m->entries[i];
			u64 prev = i ? m->entries[i - 1].term : m->log_term;

			if (e->index != m->index + 1 + i || e->term > m->term ||
			    e->term < prev || e->term == 0)
				return 0;
		}
	}
	if (m->type == RAFT_MSG_PROPOSE) {
		if (m->n_entries < 1 || m->n_entries > RAFT_MAX_FORWARD ||
		    m->context > ~0ULL - m->n_entries)
			return 0;
		for (i = 0; i < m->n_entries; i++)
			if (m->entries[i].type != RAFT_ENTRY_NORMAL)
				return 0;
	}
	if (m->type == RAFT_MSG_SNAPSHOT) {
		if (m->snap_len > RAFT_MAX_ENTRY_SIZE ||
		    (m->snap_len && !m->snap_data) ||
		    !raft_conf_valid(&m->snap.conf) || m->snap.index == 0 ||
		    m->snap.term == 0 || m->snap.term > m->term ||
		    m->snap_offset > ~0ULL - m->snap_len)
			return 0;
	}
	return 1;
}

/* ---- followers ---- */

static void reply_append(struct raft *r, u64 to, u64 index)
{
	struct raft_msg *m = raft_new_msg(r, RAFT_MSG_APPEND_RESP, to);

	if (m)
		m->index = index;
}

static int handle_append(struct raft *r, const struct raft_msg *m)
{
	u64 last_new, ci, i, hint, hint_term;
	struct raft_msg *resp;

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
	last_new = m->index + m->n_entries;
	ci = raft_log_find_conflict(&r->log, m->entries, m->n_entries);
	if (ci) {
		if (ci <= r->log.committed) {
			rl_warn("append conflicts with committed index %llu",
				(unsigned long long)ci);
			return -EINVAL;
		}
		truncate_from(r, ci);
		if (ci == 1 && r->log.snap_index == 0 && r->n_hist == 1 &&
		    m->snap.conf.n_voters) {
			/* we (re)start from index 1: adopt its base config */
			r->hist[0].conf = m->snap.conf;
			raft_sync_progress(r);
		}
		for (i = ci - m->index - 1; i < m->n_entries; i++) {
			int err = append_one(r, &m->entries[i]);

			if (err)
				return err;
		}
	}
	commit_to(r, m->commit < last_new ? m->commit : last_new);
	reply_append(r, m->from, last_new);
	return 0;
}

static void handle_heartbeat(struct raft *r, const struct raft_msg *m)
{
	struct raft_msg *resp;

	commit_to(r, m->commit);
	resp = raft_new_msg(r, RAFT_MSG_HEARTBEAT_RESP, m->from);
	if (resp)
		resp->context = m->context;
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
	rl_free(r->recv.data);
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
		commit_to(r, meta->index);
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
		rl_free(r->install->data);
		rl_free(r->install);
	}
	r->install = s;
	memset(&r->recv, 0, sizeof(r->recv));
	r->recv_cap = 0;
	r->recv_active = 0;
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
	if (m->snap_len) {
		if (rc->len + m->snap_len > r->recv_cap) {
			u64 cap = r->recv_cap ? r->recv_cap : 4096;
			u8 *p;

			while (cap < rc->len + m->snap_len)
				cap *= 2;
			p = rl_realloc(rc->data, cap);
			if (!p)
				return -ENOMEM;
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
static void reply_error(struct raft *r, const struct raft_msg *m, s32 err)
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

static int step_follower(struct raft *r, const struct raft_msg *m)
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
		if (promotable(r))
			campaign(r, 0, 1);
		return 0;
	case RAFT_MSG_PROPOSE:
	case RAFT_MSG_READ_INDEX:
		reply_error(r, m, -EAGAIN);
		return 0;
	}
	return 0;
}

static int step_candidate(struct raft *r, const struct raft_msg *m)
{
	u8 want = r->role == RAFT_PRE_CANDIDATE ? RAFT_MSG_PREVOTE_RESP :
		  RAFT_MSG_VOTE_RESP;

	switch (m->type) {
	case RAFT_MSG_APPEND:
	case RAFT_MSG_HEARTBEAT:
	case RAFT_MSG_SNAPSHOT:
		/* a leader of our term exists */
		raft_become_follower(r, m->term, m->from);
		return step_follower(r, m);
	case RAFT_MSG_PROPOSE:
	case RAFT_MSG_READ_INDEX:
		reply_error(r, m, -EAGAIN);
		return 0;
	}
	if (m->type != want)
		return 0;
	switch (tally(r, m->from, !m->reject)) {
	case RAFT_VOTE_WON:
		if (r->role == RAFT_PRE_CANDIDATE)
			campaign(r, 0, 0);
		else
			become_leader(r);
		break;
	case RAFT_VOTE_LOST:
		raft_become_follower(r, r->term, RAFT_NONE);
		break;
	}
	return 0;
}

/* ---- leader ---- */

static int propose_entry(struct raft *r, u8 type, const void *data, u32 len,
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
	if (len > RAFT_MAX_ENTRY_SIZE)
		return -EINVAL;
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
	err = append_one(r, &e);
	if (err)
		return err;
	r->uncommitted_size += len;
	*index = e.index;
	r->bcast_pending = 1;
	return 0;
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
	if (maybe_commit(r))
		broadcast_append(r);
	/* the window may have opened: keep the pipeline full */
	while (raft_send_append(r, pr, 0))
		;
	if (pr->id == r->lead_transferee &&
	    pr->match == raft_log_last(&r->log))
		send_timeout_now(r, pr->id);
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
		err = propose_entry(r, RAFT_ENTRY_NORMAL, e->data, e->len,
				    &index);
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

static int step_leader(struct raft *r, const struct raft_msg *m)
{
	struct raft_progress *pr;

	switch (m->type) {
	case RAFT_MSG_PROPOSE:
		handle_forward(r, m);
		return 0;
	case RAFT_MSG_READ_INDEX:
		return raft_ri_request(r, m->context, m->from);
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

/* ---- the entry point ---- */

static void handle_vote(struct raft *r, const struct raft_msg *m)
{
	int pre = m->type == RAFT_MSG_PREVOTE;
	int can_vote = r->vote == m->from ||
		       (r->vote == RAFT_NONE && r->lead == RAFT_NONE) ||
		       (pre && m->term > r->term);
	struct raft_msg *resp;
	int grant;

#ifdef RAFT_BUG_SKIP_UPTODATE_CHECK
	grant = can_vote;
#else
	grant = can_vote &&
		raft_log_up_to_date(&r->log, m->index, m->log_term);
#endif
	resp = raft_new_msg(r, pre ? RAFT_MSG_PREVOTE_RESP :
			    RAFT_MSG_VOTE_RESP, m->from);
	if (grant && !pre) {
		r->election_elapsed = 0;
		r->vote = m->from;
	}
	if (!resp)
		return;
	resp->reject = !grant;
	resp->term = grant ? m->term : r->term;
}

static int step(struct raft *r, const struct raft_msg *m)
{
	if (termless(m->type)) {
		/* no term: requests to the leader and their answers */
	} else if (m->term > r->term) {
		if (m->type == RAFT_MSG_VOTE || m->type == RAFT_MSG_PREVOTE) {
			int force = m->context == RAFT_CONTEXT_TRANSFER;
			int lease = r->lead != RAFT_NONE &&
				    r->election_elapsed < r->cfg.election_tick;

			/*
			 * Raft thesis 4.2.3: a live leader is not deposed.
			 * This holds with or without CheckQuorum: a member
			 * removed before it learned so is never sent the log
			 * again and campaigns forever; a vote request that
			 * raised our term would depose every leader it met.
			 */
			if (!force && lease)
				return 0;
		}
		if (m->type == RAFT_MSG_PREVOTE ||
		    (m->type == RAFT_MSG_PREVOTE_RESP && !m->reject)) {
			/* pre-votes change no term */
		} else if (m->type == RAFT_MSG_APPEND ||
			   m->type == RAFT_MSG_HEARTBEAT ||
			   m->type == RAFT_MSG_SNAPSHOT) {
			raft_become_follower(r, m->term, m->from);
		} else {
			/*
			 * A newer term but no leader: only granting a vote
			 * or hearing from a leader restarts the election
			 * timer (Raft figure 2), so a candidate with a stale
			 * log cannot keep a better one from campaigning.
			 */
			u32 elapsed = r->election_elapsed;
			u32 timeout = r->randomized_timeout;
			int was_follower = r->role == RAFT_FOLLOWER;

			raft_become_follower(r, m->term, RAFT_NONE);
			if (was_follower) {
				r->election_elapsed = elapsed;
				r->randomized_timeout = timeout;
			}
		}
	} else if (m->term < r->term) {
		if (m->type == RAFT_MSG_APPEND ||
		    m->type == RAFT_MSG_HEARTBEAT) {
			/*
			 * Tell a stale leader about the newer term: the
			 * lease above keeps a node that raised its term
			 * while cut off from rejoining through its votes,
			 * so it must depose the leader this way.
			 */
			raft_new_msg(r, RAFT_MSG_APPEND_RESP, m->from);
		} else if (m->type == RAFT_MSG_PREVOTE ||
			   m->type == RAFT_MSG_VOTE) {
			/*
			 * Reject with our term, so a candidate that fell
			 * behind (say, one we no longer send to under a
			 * stale configuration) catches up instead of
			 * campaigning in old terms forever.
			 */
			struct raft_msg *resp;

			resp = raft_new_msg(r, m->type == RAFT_MSG_VOTE ?
					    RAFT_MSG_VOTE_RESP :
					    RAFT_MSG_PREVOTE_RESP, m->from);
			if (resp)
				resp->reject = 1;
		}
		return 0;
	}

	switch (m->type) {
	case RAFT_MSG_VOTE:
	case RAFT_MSG_PREVOTE:
		handle_vote(r, m);
		return 0;
	case RAFT_MSG_PROPOSE_RESP:
		raft_props_ack(r, m);
		return 0;
	case RAFT_MSG_READ_INDEX_RESP:
		raft_add_read_state(r, m->context, m->index,
				    m->error ? -EAGAIN : 0);
		return 0;
	}
	switch (r->role) {
	case RAFT_LEADER:
		return step_leader(r, m);
	case RAFT_CANDIDATE:
	case RAFT_PRE_CANDIDATE:
		return step_candidate(r, m);
	default:
		return step_follower(r, m);
	}
}

int raft_step(struct raft *r, const struct raft_msg *m)
{
	int err;

	if (!valid_msg(r, m)) {
		rl_debug("%llu: dropping malformed %s from %llu",
			 (unsigned long long)r->id,
			 raft_msg_type_name(m->type),
			 (unsigned long long)m->from);
		return -EINVAL;
	}
	err = step(r, m);
	check_self_removal(r);
	return err;
}

/* ---- the caller's requests ---- */

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
	if (copy_entries(m, (struct raft_entry *)e, 1)) {
		drop_last_msg(r);
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

	if (len > RAFT_MAX_ENTRY_SIZE || (len && !data))
		return -EINVAL;
	if (r->role == RAFT_LEADER) {
		err = propose_entry(r, RAFT_ENTRY_NORMAL, data, len, &index);
		if (err)
			return err;
		if (raft_props_add(r, id, index, r->term, 1))
			rl_warn("proposal %llu untracked: no memory",
				(unsigned long long)id);
		return 0;
	}
	if (r->lead == RAFT_NONE)
		return -EAGAIN;
	if (raft_props_add(r, id, 0, 0, 0))
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

	if (ctx_len > RAFT_CONF_CHANGE_MAX_CONTEXT || (ctx_len && !ctx))
		return -EINVAL;
	if (r->role != RAFT_LEADER)
		return -EAGAIN;
	/*
	 * One change at a time, and only once the leader committed an entry
	 * of its term (else an older uncommitted change may still be lost).
	 */
	if (r->log.committed < r->noop_index ||
	    r->hist[r->n_hist - 1].index > r->log.committed)
		return -EBUSY;
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
	err = propose_entry(r, RAFT_ENTRY_CONF_CHANGE, buf, len, &index);
	rl_free(buf);
	if (err)
		return err;
	if (raft_props_add(r, id, index, r->term, 1))
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
	struct raft_msg *m;

	if (r->role == RAFT_LEADER)
		return raft_ri_request(r, ctx, RAFT_NONE);
	if (r->lead == RAFT_NONE)
		return -EAGAIN;
	m = raft_new_msg(r, RAFT_MSG_READ_INDEX, r->lead);
	if (!m)
		return -ENOMEM;
	m->context = ctx;
	return 0;
}

int raft_transfer_leader(struct raft *r, u64 to)
{
	struct raft_progress *pr;

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
		send_timeout_now(r, to);
	else
		raft_send_append(r, pr, 1);
	return 0;
}

int raft_compact(struct raft *r, u64 index, const void *data, u64 len)
{
	u8 *copy = NULL;

	if (index <= r->log.snap_index || index > r->log.applied ||
	    (len && !data))
		return -EINVAL;
	if (len) {
		copy = rl_malloc(len);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, data, len);
	}
	rl_free(r->snap.data);
	r->snap.meta.index = index;
	r->snap.meta.term = term_at(r, index);
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
	if (r->role == RAFT_LEADER && maybe_commit(r)) {
		broadcast_append(r);
		check_self_removal(r);
	}
}

void raft_snapshot_installed(struct raft *r, u64 index, u64 term)
{
	if (index == r->log.snap_index && term == r->log.snap_term &&
	    r->log.persisted < index)
		r->log.persisted = index;
}

/* ---- life cycle ---- */

static int valid_boot(const struct raft_config *cfg,
		      const struct raft_boot *b)
{
	u64 i, prev = b->snap.term;

	if (!cfg->id || !cfg->rand || !cfg->heartbeat_tick ||
	    cfg->election_tick <= cfg->heartbeat_tick)
		return 0;
	if (!raft_conf_valid(&b->snap.conf) || (b->snap_len && !b->snap_data))
		return 0;
	if (b->n_entries && !b->entries)
		return 0;
	for (i = 0; i < b->n_entries; i++) {
		const struct raft_entry *e = &b->entries[i];

		if (e->index != b->snap.index + 1 + i || e->term < prev ||
		    e->term > b->hs.term || e->len > RAFT_MAX_ENTRY_SIZE ||
		    (e->len && !e->data) || e->type > RAFT_ENTRY_CONF_CHANGE)
			return 0;
		prev = e->term;
	}
	return b->hs.term >= b->snap.term;
}

struct raft *raft_create(const struct raft_config *cfg,
			 const struct raft_boot *boot, int *err)
{
	struct raft *r;
	u64 i, last;

	*err = -EINVAL;
	if (!valid_boot(cfg, boot))
		return NULL;
	*err = -ENOMEM;
	r = rl_zalloc(sizeof(*r));
	if (!r)
		return NULL;
	r->cfg = *cfg;
	if (!r->cfg.max_inflight_msgs)
		r->cfg.max_inflight_msgs = DEFAULT_MAX_INFLIGHT;
	if (!r->cfg.max_size_per_msg)
		r->cfg.max_size_per_msg = DEFAULT_MAX_SIZE;
	if (!r->cfg.max_entries_per_msg)
		r->cfg.max_entries_per_msg = DEFAULT_MAX_ENTRIES;
	r->room = RAFT_ROOM_UNLIMITED;
	r->id = cfg->id;
	if (raft_hist_init(r, boot->snap.index, &boot->snap.conf))
		goto fail;
	if (raft_log_init(&r->log, boot->snap.index, boot->snap.term, NULL, 0))
		goto fail;
	for (i = 0; i < boot->n_entries; i++)
		if (append_one(r, &boot->entries[i]))
			goto fail;
	last = raft_log_last(&r->log);
	r->log.persisted = last;
	r->log.unstable = last + 1;
	r->log.committed = boot->hs.commit < last ? boot->hs.commit : last;
	if (r->log.committed < boot->snap.index)
		r->log.committed = boot->snap.index;
	r->snap.meta = boot->snap;
	if (boot->snap_len) {
		r->snap.data = rl_malloc(boot->snap_len);
		if (!r->snap.data)
			goto fail;
		memcpy(r->snap.data, boot->snap_data, boot->snap_len);
		r->snap.len = boot->snap_len;
	}
	raft_sync_progress(r);
	r->term = boot->hs.term;
	r->vote = boot->hs.vote;
	raft_become_follower(r, r->term, RAFT_NONE);
	r->prev_hs.term = r->term;
	r->prev_hs.vote = r->vote;
	r->prev_hs.commit = r->log.committed;
	r->prev_ss.term = r->term;
	r->prev_ss.role = r->role;
	*err = 0;
	return r;
fail:
	raft_destroy(r);
	return NULL;
}

static void free_msg_array(struct raft_msg *msgs, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		raft_msg_free(&msgs[i]);
	rl_free(msgs);
}

void raft_destroy(struct raft *r)
{
	u32 i;

	if (!r)
		return;
	raft_log_free(&r->log);
	raft_hist_free(r);
	for (i = 0; i < r->n_prs; i++)
		raft_pr_free(&r->prs[i]);
	rl_free(r->snap.data);
	if (r->install) {
		rl_free(r->install->data);
		rl_free(r->install);
	}
	rl_free(r->recv.data);
	rl_free(r->reads_q);
	raft_props_free(r);
	free_msg_array(r->msgs, r->n_msgs);
	rl_free(r->rstates);
	rl_free(r->results);
	rl_free(r);
}

void raft_status(const struct raft *r, struct raft_status *st)
{
	memset(st, 0, sizeof(*st));
	st->id = r->id;
	st->role = r->role;
	st->term = r->term;
	st->vote = r->vote;
	st->lead = r->lead;
	st->commit = r->log.committed;
	st->applied = r->log.applied;
	st->first_index = raft_log_first(&r->log);
	st->last_index = raft_log_last(&r->log);
	st->persisted = r->log.persisted;
	st->snap_index = r->log.snap_index;
	st->snap_term = r->log.snap_term;
	st->lead_transferee = r->lead_transferee;
	st->conf = *raft_cur_conf(r);
}

int raft_peer_progress(const struct raft *r, u64 peer, u64 *match,
		       u64 *next, u8 *state)
{
	u32 i;

	if (r->role != RAFT_LEADER)
		return -ENOENT;
	for (i = 0; i < r->n_prs; i++) {
		if (r->prs[i].id != peer)
			continue;
		*match = peer == r->id ? r->log.persisted : r->prs[i].match;
		*next = r->prs[i].next;
		*state = r->prs[i].state;
		return 0;
	}
	return -ENOENT;
}
