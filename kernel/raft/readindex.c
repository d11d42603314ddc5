// SPDX-License-Identifier: GPL-2.0
/*
 * ReadIndex (Raft thesis 6.4): a linearizable read needs no log entry.  The
 * leader records its commit index as the read index, confirms it is still
 * the leader with a heartbeat round (each round carries a rising sequence
 * number that followers echo), and answers once a majority of voters have
 * echoed a round at least as new as the request's.  A leader that has not
 * yet committed an entry of its own term does not know the latest commit
 * index: requests then wait for that first commit.
 *
 * A follower forwards its requests (READ_INDEX) and keeps each until the
 * leader it asked answers (READ_INDEX_RESP from anyone else is ignored) or
 * two election timeouts pass (-ETIMEDOUT: the request or its answer was
 * lost, or that leader is gone), so every read request ends.
 *
 * Requests from followers (READ_INDEX) are answered with READ_INDEX_RESP;
 * local ones become read states in the ready batch.  This file sends no
 * heartbeat itself: it tells the leader when a round must start
 * (RAFT_RI_HEARTBEAT, the round being r->read_seq).
 */
#include "raft_int.h"

static void answer(struct raft *r, const struct raft_read_req *q, s32 err)
{
	struct raft_msg *m;

	if (q->from == RAFT_NONE || q->from == r->id) {
		raft_add_read_state(r, q->ctx, q->index, err);
		return;
	}
	m = raft_new_msg(r, RAFT_MSG_READ_INDEX_RESP, q->from);
	if (!m)
		return;
	m->context = q->ctx;
	m->index = q->index;
	m->error = err;
}

static int single_voter(struct raft *r)
{
	const struct raft_conf *c = raft_cur_conf(r);

	return c->n_voters == 1 && c->voters[0] == r->id;
}

static int committed_in_term(struct raft *r)
{
	u64 t = 0;

	return raft_log_term(&r->log, r->log.committed, &t) == 0 &&
	       t == r->term;
}

/*
 * Leader: a read request from `from` (RAFT_NONE for local).  0, -ENOMEM,
 * or RAFT_RI_HEARTBEAT when round r->read_seq must be broadcast.
 */
int raft_ri_request(struct raft *r, u64 ctx, u64 from)
{
	struct raft_read_req q = { .ctx = ctx, .from = from };

#ifdef RAFT_BUG_READ_OLD_COMMIT
	if (0 && !committed_in_term(r)) {
#else
	if (!committed_in_term(r)) {
#endif
		/* seq 0: waits for the first commit of the term */
		if (raft_vec_reserve((void **)&r->reads_q, &r->cap_reads_q,
				     r->n_reads_q + 1, sizeof(q)))
			return -ENOMEM;
		r->reads_q[r->n_reads_q++] = q;
		return 0;
	}
	q.index = r->log.committed;
#ifdef RAFT_BUG_READ_UNCONFIRMED
	if (1) {
#else
	if (single_voter(r)) {
#endif
		answer(r, &q, 0);
		return 0;
	}
	if (raft_vec_reserve((void **)&r->reads_q, &r->cap_reads_q,
			     r->n_reads_q + 1, sizeof(q)))
		return -ENOMEM;
	q.seq = ++r->read_seq;
	r->reads_q[r->n_reads_q++] = q;
	return RAFT_RI_HEARTBEAT;
}

/* Voters that acknowledged round seq (the leader itself always has). */
static int confirmed(struct raft *r, u64 seq)
{
	const struct raft_conf *c = raft_cur_conf(r);
	u32 i, acks = 0;

	for (i = 0; i < c->n_voters; i++) {
		struct raft_progress *pr;

		if (c->voters[i] == r->id) {
			acks++;
			continue;
		}
		pr = raft_pr_get(r, c->voters[i]);
		if (pr && pr->read_ack >= seq)
			acks++;
	}
	return acks >= raft_quorum(c->n_voters);
}

/* A heartbeat response moved some read_ack: release confirmed requests. */
void raft_ri_on_ack(struct raft *r)
{
	u32 done = 0, i;

	/* seqs rise along the queue: a later round confirmed implies every
	 * earlier one
	 */
	for (i = r->n_reads_q; i > done; i--) {
		u64 seq = r->reads_q[i - 1].seq;

		if (seq && confirmed(r, seq)) {
			done = i;
			break;
		}
	}
	for (i = 0; i < done; i++)
		answer(r, &r->reads_q[i], 0);
	memmove(r->reads_q, r->reads_q + done,
		(r->n_reads_q - done) * sizeof(*r->reads_q));
	r->n_reads_q -= done;
}

/*
 * The leader committed its first entry of the term: the reads that waited
 * for it get the commit index; RAFT_RI_HEARTBEAT when they need round
 * r->read_seq broadcast.
 */
int raft_ri_on_commit_in_term(struct raft *r)
{
	u32 i, waiting = 0;

	for (i = 0; i < r->n_reads_q; i++) {
		struct raft_read_req *q = &r->reads_q[i];

		if (q->seq)
			continue;
		q->index = r->log.committed;
		if (single_voter(r)) {
			answer(r, q, 0);
			q->seq = ~0ULL;	/* answered: dropped below */
		} else {
			q->seq = r->read_seq + 1;
			waiting = 1;
		}
	}
	/* drop the ones answered at once */
	for (i = 0; i < r->n_reads_q;) {
		if (r->reads_q[i].seq == ~0ULL) {
			memmove(&r->reads_q[i], &r->reads_q[i + 1],
				(r->n_reads_q - i - 1) * sizeof(*r->reads_q));
			r->n_reads_q--;
		} else {
			i++;
		}
	}
	if (!waiting)
		return 0;
	++r->read_seq;
	return RAFT_RI_HEARTBEAT;
}

/* Leadership lost: every waiting read fails (the caller may retry). */
void raft_ri_fail_all(struct raft *r)
{
	u32 i;

	for (i = 0; i < r->n_reads_q; i++)
		answer(r, &r->reads_q[i], -EAGAIN);
	r->n_reads_q = 0;
}

/* Follower: forward read request @ctx to the leader and wait for it. */
int raft_ri_forward(struct raft *r, u64 ctx)
{
	struct raft_fwd_read *f;
	struct raft_msg *m;

	if (raft_vec_reserve((void **)&r->fwd_reads, &r->cap_fwd_reads,
			     r->n_fwd_reads + 1, sizeof(*f)))
		return -ENOMEM;
	m = raft_new_msg(r, RAFT_MSG_READ_INDEX, r->lead);
	if (!m)
		return -ENOMEM;
	m->context = ctx;
	f = &r->fwd_reads[r->n_fwd_reads++];
	f->ctx = ctx;
	f->to = r->lead;
	f->ticks = 0;
	return 0;
}

static void fwd_drop(struct raft *r, u32 i)
{
	memmove(&r->fwd_reads[i], &r->fwd_reads[i + 1],
		(r->n_fwd_reads - i - 1) * sizeof(*r->fwd_reads));
	r->n_fwd_reads--;
}

/* The leader's answer to a forwarded request: only the one asked, once. */
void raft_ri_on_resp(struct raft *r, const struct raft_msg *m)
{
	u32 i;

	for (i = 0; i < r->n_fwd_reads; i++) {
		struct raft_fwd_read *f = &r->fwd_reads[i];

		if (f->ctx != m->context || f->to != m->from)
			continue;
		raft_add_read_state(r, f->ctx, m->index,
				    m->error ? -EAGAIN : 0);
		fwd_drop(r, i);
		return;
	}
}

/* Forwarded requests without an answer give up after two timeouts. */
void raft_ri_tick(struct raft *r)
{
	u32 i = 0;

	while (i < r->n_fwd_reads) {
		struct raft_fwd_read *f = &r->fwd_reads[i];

		if (++f->ticks >= 2 * r->cfg.election_tick) {
			raft_add_read_state(r, f->ctx, 0, -ETIMEDOUT);
			fwd_drop(r, i);
		} else {
			i++;
		}
	}
}

void raft_ri_free(struct raft *r)
{
	rl_free(r->reads_q);
	rl_free(r->fwd_reads);
	r->reads_q = NULL;
	r->fwd_reads = NULL;
	r->n_reads_q = 0;
	r->n_fwd_reads = 0;
}
