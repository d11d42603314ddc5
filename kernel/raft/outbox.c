// SPDX-License-Identifier: GPL-2.0
/*
 * The outbox: messages to send, read states and proposal results, filled
 * by every part of the core and handed out by raft_ready().
 */
#include "raft_int.h"

/*
 * A new zeroed message to `to`, stamped with our id and term; the caller
 * fills the rest.  NULL when out of memory (the message is then lost,
 * which Raft tolerates).  Which list it lands on is decided in
 * raft_ready(), once its fields are final.
 */
struct raft_msg *raft_new_msg(struct raft *r, u8 type, u64 to)
{
	struct raft_msg *m;

	if (raft_vec_reserve((void **)&r->msgs, &r->cap_msgs, r->n_msgs + 1,
			     sizeof(*m)))
		return NULL;
	m = &r->msgs[r->n_msgs++];
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->from = r->id;
	m->to = to;
	/* forwarding and read messages are term-less, like local requests */
	if (type != RAFT_MSG_PROPOSE && type != RAFT_MSG_PROPOSE_RESP &&
	    type != RAFT_MSG_READ_INDEX && type != RAFT_MSG_READ_INDEX_RESP)
		m->term = r->term;
	return m;
}

void raft_add_read_state(struct raft *r, u64 ctx, u64 index, s32 err)
{
	struct raft_read_state *rs;

	if (raft_vec_reserve((void **)&r->rstates, &r->cap_rstates,
			     r->n_rstates + 1, sizeof(*rs))) {
		rl_warn("read state %llu lost: no memory",
			(unsigned long long)ctx);
		return;
	}
	rs = &r->rstates[r->n_rstates++];
	rs->ctx = ctx;
	rs->index = index;
	rs->err = err;
}

void raft_add_result(struct raft *r, u64 id, u64 index, u64 term, s32 err)
{
	struct raft_proposal_result *pr;

	if (raft_vec_reserve((void **)&r->results, &r->cap_results,
			     r->n_results + 1, sizeof(*pr))) {
		rl_warn("proposal result %llu lost: no memory",
			(unsigned long long)id);
		return;
	}
	pr = &r->results[r->n_results++];
	pr->id = id;
	pr->index = index;
	pr->term = term;
	pr->err = err;
}

/* Ask the caller to read entries lo..hi of the log back for peer pr. */
int raft_add_fetch(struct raft *r, struct raft_progress *pr, u64 lo, u64 hi)
{
	struct raft_fetch *f;

	if (raft_vec_reserve((void **)&r->fetches, &r->cap_fetches,
			     r->n_fetches + 1, sizeof(*f)))
		return -ENOMEM;
	f = &r->fetches[r->n_fetches++];
	f->peer = pr->id;
	f->lo = lo;
	f->hi = hi;
	f->max_bytes = r->cfg.max_size_per_msg;
	f->max_count = r->cfg.max_entries_per_msg;
	pr->fetch_lo = lo;
	pr->fetch_ticks = 0;
	return 0;
}

int raft_msg_copy_entries(struct raft_msg *m, struct raft_entry *ents, u64 n)
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

void raft_drop_last_msg(struct raft *r)
{
	raft_msg_free(&r->msgs[--r->n_msgs]);
}
