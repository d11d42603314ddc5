// SPDX-License-Identifier: GPL-2.0
/*
 * Elections (Raft 5.2, 5.4.1): campaigns with or without a pre-vote
 * (thesis 9.6), the votes a node grants, and counting the answers.
 */
#include "raft_int.h"

static void become_leader(struct raft *r)
{
	struct raft_entry noop = { .term = 0 };

	raft_reset(r, r->term);
	r->lead = r->id;
	r->role = RAFT_LEADER;
	/* Raft 8: an entry of its own term makes earlier ones committable */
	noop.term = r->term;
	noop.index = raft_log_last(&r->log) + 1;
	noop.type = RAFT_ENTRY_NORMAL;
	if (raft_append_one(r, &noop))
		rl_warn("leader no-op lost: no memory");
	r->noop_index = noop.index;
	raft_broadcast_append(r);
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

void raft_campaign(struct raft *r, int pre, int transfer)
{
	const struct raft_conf *c;
	u8 type;
	u64 vterm;
	u32 i;
	int res;

	if (!raft_promotable(r))
		return;
	if (r->term >= RAFT_TERM_MAX) {
		rl_warn("term %llu: no campaign beyond the largest term",
			(unsigned long long)r->term);
		return;
	}
	if (pre) {
		r->role = RAFT_PRE_CANDIDATE;
		r->lead = RAFT_NONE;
		r->n_votes = 0;
		type = RAFT_MSG_PREVOTE;
		vterm = r->term + 1;
	} else {
		raft_reset(r, r->term + 1);
		r->vote = r->id;
		r->role = RAFT_CANDIDATE;
		type = RAFT_MSG_VOTE;
		vterm = r->term;
	}
	res = tally(r, r->id, 1);
	if (res == RAFT_VOTE_WON) {
		if (pre)
			raft_campaign(r, 0, transfer);
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
		m->log_term = raft_last_term(r);
		m->context = transfer ? RAFT_CONTEXT_TRANSFER : 0;
	}
}

/* The candidate's log is strictly more up to date than ours. */
static int better_log(const struct raft *r, const struct raft_msg *m)
{
	u64 last = raft_log_last(&r->log);

	if (!raft_log_up_to_date(&r->log, m->index, m->log_term))
		return 0;
	return m->log_term != raft_last_term(r) || m->index != last;
}

void raft_handle_vote(struct raft *r, const struct raft_msg *m)
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
	} else if (!pre && r->role != RAFT_LEADER && better_log(r, m)) {
		/*
		 * Refused only because our vote in this term is taken: step
		 * back so that candidate campaigns again before we do.  Else
		 * a node that cannot win (a stale configuration, a shorter
		 * log) but whose timer runs a little ahead campaigns first
		 * in every term and takes the one vote the better candidate
		 * needs, term after term (simulator seed 61212).  Back off
		 * by at least a whole election timeout: restarted alone, our
		 * timer ends in the same window as the better candidate's,
		 * and two candidates that each vote for themselves split the
		 * vote again (seed 72534).
		 */
		r->election_elapsed = 0;
		r->randomized_timeout = 2 * r->cfg.election_tick +
			r->cfg.rand(r->cfg.rand_cookie) % r->cfg.election_tick;
	}
	if (!resp)
		return;
	resp->reject = !grant;
	resp->term = grant ? m->term : r->term;
}

/* A candidate's answer from @m->from: win, lose or keep waiting. */
void raft_count_vote(struct raft *r, const struct raft_msg *m)
{
	switch (tally(r, m->from, !m->reject)) {
	case RAFT_VOTE_WON:
		if (r->role == RAFT_PRE_CANDIDATE)
			raft_campaign(r, 0, 0);
		else
			become_leader(r);
		break;
	case RAFT_VOTE_LOST:
		raft_become_follower(r, r->term, RAFT_NONE);
		break;
	}
}
