// SPDX-License-Identifier: GPL-2.0
/*
 * The Raft node: its life cycle and the two entry points that drive it.
 * raft_step() checks a message, settles terms (Raft figure 2, with the
 * leader lease of thesis 4.2.3) and dispatches on the role like etcd's
 * raft.Step: the leader's part is in replicate.c, the follower's in
 * follower.c, the candidate's votes in election.c.  raft_tick() drives the
 * timers.  The caller's other requests are in request.c and its outputs in
 * ready.c.
 *
 * References are to the Raft paper (Ongaro and Ousterhout, 2014) and to
 * Ongaro's thesis (2014).
 */
#include "raft_int.h"

#define DEFAULT_MAX_INFLIGHT	256
#define DEFAULT_MAX_SIZE	0x100000U
#define DEFAULT_MAX_ENTRIES	64
#define MAX_MSG_ENTRIES		0x10000U

/* ---- tick ---- */

void raft_tick(struct raft *r)
{
	/* quiesced: no timer runs until something wakes the node */
	if (r->quiesced)
		return;
	raft_props_tick(r);
	raft_ri_tick(r);
	if (r->role == RAFT_LEADER) {
		raft_tick_leader(r);
		raft_quiesce_tick(r);
		return;
	}
	r->election_elapsed++;
	if (raft_promotable(r) && r->election_elapsed >= r->randomized_timeout) {
		r->election_elapsed = 0;
		raft_campaign(r, r->cfg.pre_vote, 0);
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
	if (m->term > RAFT_TERM_MAX || m->log_term > RAFT_TERM_MAX ||
	    m->hint_term > RAFT_TERM_MAX || m->snap.term > RAFT_TERM_MAX)
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
		return raft_step_follower(r, m);
	case RAFT_MSG_PROPOSE:
	case RAFT_MSG_READ_INDEX:
		raft_reply_error(r, m, -EAGAIN);
		return 0;
	}
	if (m->type == want)
		raft_count_vote(r, m);
	return 0;
}

/* ---- the entry point ---- */

/*
 * A message of a later term: adopt it (a leader's message makes its sender
 * our leader), unless it is a vote request within the leader's lease.
 * Returns 0 when the message is to be dropped.
 */
static int newer_term(struct raft *r, const struct raft_msg *m)
{
	if (m->type == RAFT_MSG_VOTE || m->type == RAFT_MSG_PREVOTE) {
		int force = m->context == RAFT_CONTEXT_TRANSFER;
		int lease = r->lead != RAFT_NONE &&
			    r->election_elapsed < r->cfg.election_tick;

		/*
		 * Raft thesis 4.2.3: a live leader is not deposed.  This
		 * holds with or without CheckQuorum: a member removed before
		 * it learned so is never sent the log again and campaigns
		 * forever; a vote request that raised our term would depose
		 * every leader it met.
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
		 * A newer term but no leader: only granting a vote or
		 * hearing from a leader restarts the election timer (Raft
		 * figure 2), so a candidate with a stale log cannot keep a
		 * better one from campaigning.
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
	return 1;
}

/* A message of an earlier term is dropped, some answered first. */
static void older_term(struct raft *r, const struct raft_msg *m)
{
	struct raft_msg *resp;

	if (m->type == RAFT_MSG_APPEND || m->type == RAFT_MSG_HEARTBEAT) {
		/*
		 * Tell a stale leader about the newer term: the lease keeps
		 * a node that raised its term while cut off from rejoining
		 * through its votes, so it must depose the leader this way.
		 */
		raft_new_msg(r, RAFT_MSG_APPEND_RESP, m->from);
	} else if (m->type == RAFT_MSG_PREVOTE || m->type == RAFT_MSG_VOTE) {
		/*
		 * Reject with our term, so a candidate that fell behind (say,
		 * one we no longer send to under a stale configuration)
		 * catches up instead of campaigning in old terms forever.
		 */
		resp = raft_new_msg(r, m->type == RAFT_MSG_VOTE ?
				    RAFT_MSG_VOTE_RESP :
				    RAFT_MSG_PREVOTE_RESP, m->from);
		if (resp)
			resp->reject = 1;
	}
}

static int step(struct raft *r, const struct raft_msg *m)
{
	struct raft_progress *pr;

	if (r->quiesced && raft_wakes_on(r, m))
		raft_wake(r, m->from);
	if (termless(m->type)) {
		/* no term: requests to the leader and their answers */
	} else if (m->term > r->term) {
		if (!newer_term(r, m))
			return 0;
	} else if (m->term < r->term) {
		older_term(r, m);
		return 0;
	}
	if (r->role == RAFT_LEADER && !termless(m->type)) {
		pr = raft_pr_get(r, m->from);
		if (pr)
			pr->heard_ticks = 0;
	}

	switch (m->type) {
	case RAFT_MSG_VOTE:
	case RAFT_MSG_PREVOTE:
		raft_handle_vote(r, m);
		return 0;
	case RAFT_MSG_PROPOSE_RESP:
		raft_props_ack(r, m);
		return 0;
	case RAFT_MSG_READ_INDEX_RESP:
		raft_ri_on_resp(r, m);
		return 0;
	}
	switch (r->role) {
	case RAFT_LEADER:
		return raft_step_leader(r, m);
	case RAFT_CANDIDATE:
	case RAFT_PRE_CANDIDATE:
		return step_candidate(r, m);
	default:
		return raft_step_follower(r, m);
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
	raft_check_self_removal(r);
	return err;
}

/* ---- life cycle ---- */

/* The first index boot->entries holds. */
static u64 boot_first(const struct raft_boot *b)
{
	return b->n_terms ? b->entries[0].index : b->snap.index + 1;
}

/*
 * The terms and configuration changes of a boot that leaves entries in
 * the caller's store: runs from snap.index + 1 on, in order, terms never
 * going back, changes inside the gap, and all of it applied already.
 */
static int valid_gap(const struct raft_boot *b, u64 *prev)
{
	u64 end;
	u32 i;

	if (!b->n_entries || !b->entries || !b->terms ||
	    (b->n_confs && !b->confs))
		return 0;
	end = b->entries[0].index - 1;
	if (end <= b->snap.index ||
	    b->applied < end || b->applied > b->hs.commit ||
	    b->applied > b->entries[b->n_entries - 1].index ||
	    b->terms[0].index != b->snap.index + 1)
		return 0;
	for (i = 0; i < b->n_terms; i++) {
		const struct raft_term_run *t = &b->terms[i];

		if (t->term < *prev || t->term > RAFT_TERM_MAX ||
		    t->index > end ||
		    (i && t->index <= b->terms[i - 1].index))
			return 0;
		*prev = t->term;
	}
	for (i = 0; i < b->n_confs; i++) {
		const struct raft_entry *e = &b->confs[i];

		if (e->index <= b->snap.index || e->index > end ||
		    e->type != RAFT_ENTRY_CONF_CHANGE ||
		    (i && e->index <= b->confs[i - 1].index) ||
		    e->len > RAFT_CONF_CHANGE_CTX_MAX_SIZE || !e->data)
			return 0;
	}
	return 1;
}

static int valid_boot(const struct raft_config *cfg,
		      const struct raft_boot *b)
{
	u64 i, prev = b->snap.term;

	if (!cfg->id || !cfg->rand || !cfg->heartbeat_tick ||
	    cfg->election_tick <= cfg->heartbeat_tick)
		return 0;
	if (!raft_conf_valid(&b->snap.conf))
		return 0;
	if (b->n_entries && !b->entries)
		return 0;
	if (b->hs.term > RAFT_TERM_MAX || b->snap.term > RAFT_TERM_MAX)
		return 0;
	if (b->n_terms && !valid_gap(b, &prev))
		return 0;
	for (i = 0; i < b->n_entries; i++) {
		const struct raft_entry *e = &b->entries[i];

		if (e->index != boot_first(b) + i || e->term < prev ||
		    e->term > RAFT_TERM_MAX || e->len > RAFT_MAX_ENTRY_SIZE ||
		    (e->len && !e->data) || e->type > RAFT_ENTRY_CONF_CHANGE)
			return 0;
		prev = e->term;
	}
	return 1;
}

/*
 * The term to boot in.  Entries and the snapshot reach the disk before the
 * hard state that a new leader's first APPEND or snapshot raised: a crash
 * between the two writes leaves entries of a term the hard state has not
 * seen yet.  Holding them means this node heard from that term's leader,
 * so it takes that term; it cast no vote in it, as a vote is only sent
 * once its hard state is durable.
 */
static void boot_term(struct raft *r, const struct raft_boot *b)
{
	u64 top = b->hs.term;

	if (b->snap.term > top)
		top = b->snap.term;
	if (b->n_entries && b->entries[b->n_entries - 1].term > top)
		top = b->entries[b->n_entries - 1].term;
	r->term = top;
	r->vote = top == b->hs.term ? b->hs.vote : RAFT_NONE;
}

/* The stretch of a bounded boot that stays in the caller's store. */
static int boot_gap(struct raft *r, const struct raft_boot *b)
{
	u32 i;

	if (raft_log_append_gap(&r->log, b->terms, b->n_terms,
				b->entries[0].index - 1))
		return -ENOMEM;
	for (i = 0; i < b->n_confs; i++)
		if (raft_hist_on_append(r, &b->confs[i]))
			return -ENOMEM;
	return 0;
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
	if (!r->cfg.max_entry_size ||
	    r->cfg.max_entry_size > RAFT_MAX_ENTRY_SIZE)
		r->cfg.max_entry_size = RAFT_MAX_ENTRY_SIZE;
	r->room = RAFT_ROOM_UNLIMITED;
	r->id = cfg->id;
	/* first: raft_destroy() frees the log, also when what follows fails */
	raft_log_init(&r->log, boot->snap.index, boot->snap.term);
	if (raft_hist_init(r, boot->snap.index, &boot->snap.conf))
		goto fail;
	if (boot->n_terms && boot_gap(r, boot))
		goto fail;
	for (i = 0; i < boot->n_entries; i++) {
		if (raft_append_one(r, &boot->entries[i]))
			goto fail;
		/* a restart copies the whole log: a debug kernel takes seconds */
		if (!((i + 1) & 1023))
			rl_yield();
	}
	last = raft_log_last(&r->log);
	r->log.persisted = last;
	r->log.unstable = last + 1;
	r->log.committed = boot->hs.commit < last ? boot->hs.commit : last;
	if (r->log.committed < boot->snap.index)
		r->log.committed = boot->snap.index;
	if (boot->n_terms && boot->applied > r->log.applied)
		r->log.applied = boot->applied;
	r->snap.meta = boot->snap;
	r->snap.len = boot->snap_len;
	if (boot->snap_len && boot->snap_data) {
		r->snap.data = rl_big_alloc(boot->snap_len);
		if (!r->snap.data)
			goto fail;
		memcpy(r->snap.data, boot->snap_data, boot->snap_len);
		r->snap.len = boot->snap_len;
	}
	raft_sync_progress(r);
	boot_term(r, boot);
	raft_become_follower(r, r->term, RAFT_NONE);
	/* a raised term goes out in the first ready, to be made durable */
	r->prev_hs.term = boot->hs.term;
	r->prev_hs.vote = boot->hs.vote;
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
	rl_big_free(r->snap.data);
	raft_chunk_free(r->recv_chunk);
	raft_chunk_free(r->ready_chunk);
	if (r->install) {
		rl_big_free(r->install->data);
		rl_free(r->install);
	}
	rl_big_free(r->recv.data);
	raft_ri_free(r);
	raft_props_free(r);
	free_msg_array(r->msgs, r->n_msgs);
	rl_free(r->rstates);
	rl_free(r->results);
	rl_free(r->fetches);
	rl_free(r);
}

void raft_status(const struct raft *r, struct raft_status *st)
{
	u32 i;

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
	st->mem_first = r->log.mem_first;
	st->mem_bytes = r->log.mem_bytes;
	st->mem_peak = r->log.mem_peak;
	st->snap_mem = (r->snap.data ? r->snap.len : 0) + r->recv_cap;
	if (r->recv_chunk)
		st->snap_mem += r->recv_chunk->len;
	if (r->ready_chunk)
		st->snap_mem += r->ready_chunk->len;
	for (i = 0; i < r->n_prs; i++)
		st->fetches += !!r->prs[i].fetch_lo;
	st->quiesced = r->quiesced;
	st->quiesces = r->n_quiesce;
	st->wakes = r->n_wake;
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
