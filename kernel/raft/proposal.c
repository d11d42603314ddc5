// SPDX-License-Identifier: GPL-2.0
/*
 * Proposals this node made, until their outcome is known.
 *
 * A proposal is identified by the caller's id.  Once its index and term
 * are known (at once on the leader; from PROPOSE_RESP when forwarded) the
 * outcome is read off the local log once that index is committed (and
 * handed out for applying): our term there means success, another term
 * means it was overwritten and will never commit.  A forwarded proposal the
 * leader never answered times out with an "unknown outcome" error; only the
 * node it was forwarded to may answer it.
 */
#include "raft_int.h"

int raft_props_add(struct raft *r, u64 id, u64 index, u64 term, u64 to,
		   u8 acked)
{
	struct raft_pending_prop *p;

	if (raft_vec_reserve((void **)&r->props, &r->cap_props,
			     r->n_props + 1, sizeof(*p)))
		return -ENOMEM;
	p = &r->props[r->n_props++];
	p->id = id;
	p->index = index;
	p->term = term;
	p->to = to;
	p->ticks = 0;
	p->acked = acked;
	return 0;
}

void raft_props_free(struct raft *r)
{
	rl_free(r->props);
	r->props = NULL;
	r->n_props = 0;
	r->cap_props = 0;
}

static void drop(struct raft *r, u32 i)
{
	memmove(&r->props[i], &r->props[i + 1],
		(r->n_props - i - 1) * sizeof(*r->props));
	r->n_props--;
}

/*
 * 1 with *err set when the outcome of p is known, given that entries up to
 * limit have been handed out for applying.
 */
static int decide(const struct raft *r, const struct raft_pending_prop *p,
		  u64 limit, s32 *err)
{
	u64 t;

	/*
	 * Only a committed entry is final: another term at our index in an
	 * uncommitted suffix may itself be overwritten again by a leader
	 * that still has our entry.
	 */
	if (!p->acked)
		return 0;
	if (p->index > limit) {
		/*
		 * Terms never decrease along a log: once an entry of a
		 * later term is committed below our index, the entry that
		 * ends up at our index is of that term or later, never
		 * ours.  Without this a proposal whose index the new
		 * leader's log never reaches again waits forever.
		 */
		if (limit && raft_log_term(&r->log, limit, &t) == 0 &&
		    t > p->term) {
			*err = -ECANCELED;
			return 1;
		}
		return 0;
	}
	if (raft_log_term(&r->log, p->index, &t) == 0) {
		*err = t == p->term ? 0 : -ECANCELED;
		return 1;
	}
	/* compacted before we could look: outcome unknown */
	*err = -ETIMEDOUT;
	return 1;
}

int raft_props_decidable(const struct raft *r, u64 limit)
{
	u32 i;
	s32 err;

	for (i = 0; i < r->n_props; i++)
		if (decide(r, &r->props[i], limit, &err))
			return 1;
	return 0;
}

void raft_props_check(struct raft *r, u64 limit)
{
	u32 i = 0;
	s32 err;

	while (i < r->n_props) {
		struct raft_pending_prop *p = &r->props[i];

		if (decide(r, p, limit, &err)) {
			raft_add_result(r, p->id, p->index, p->term, err);
			drop(r, i);
		} else {
			i++;
		}
	}
}

/* Forwarded proposals without an answer give up after two timeouts. */
void raft_props_tick(struct raft *r)
{
	u32 i = 0;

	while (i < r->n_props) {
		struct raft_pending_prop *p = &r->props[i];

		if (!p->acked && ++p->ticks >= 2 * r->cfg.election_tick) {
			raft_add_result(r, p->id, 0, 0, -ETIMEDOUT);
			drop(r, i);
		} else {
			i++;
		}
	}
}

/* PROPOSE_RESP from the leader: where our entry went, or why not. */
void raft_props_ack(struct raft *r, const struct raft_msg *m)
{
	u32 i;

	for (i = 0; i < r->n_props; i++) {
		struct raft_pending_prop *p = &r->props[i];

		/*
		 * Only the leader we asked answers, once: an answer from
		 * anyone else (a stale or forged frame) would orphan the
		 * proposal or report a place it never went.
		 */
		if (p->acked || p->id != m->context || p->to != m->from)
			continue;
		if (m->error || !m->index || !m->log_term) {
			s32 err = m->error;

			/* the leader's word, but only from the documented set */
			if (err != -ENOBUFS && err != -EBUSY && err != -EINVAL &&
			    err != -ENOSPC && err != -EMSGSIZE)
				err = -EAGAIN;
			raft_add_result(r, p->id, 0, 0, err);
			drop(r, i);
			return;
		}
		p->index = m->index;
		p->term = m->log_term;
		p->acked = 1;
		return;
	}
}
