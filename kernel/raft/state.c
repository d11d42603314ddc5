// SPDX-License-Identifier: GPL-2.0
/*
 * What every role shares: the term, the vote and the role itself, the
 * election timer, and the log changes that move the configuration with
 * them (append, truncate) and the commit index.  Everything above builds
 * on these; they call nothing above themselves.
 */
#include "raft_int.h"

int raft_promotable(const struct raft *r)
{
	return raft_conf_has_voter(raft_cur_conf(r), r->id);
}

u64 raft_last_term(const struct raft *r)
{
	u64 t = 0;

	raft_log_term(&r->log, raft_log_last(&r->log), &t);
	return t;
}

u64 raft_term_at(const struct raft *r, u64 index)
{
	u64 t = 0;

	if (raft_log_term(&r->log, index, &t))
		return 0;
	return t;
}

static void reset_randomized_timeout(struct raft *r)
{
	r->randomized_timeout = r->cfg.election_tick +
		r->cfg.rand(r->cfg.rand_cookie) % r->cfg.election_tick;
}

void raft_reset(struct raft *r, u64 term)
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

	raft_reset(r, term);
	r->lead = lead;
	r->role = RAFT_FOLLOWER;
	r->bcast_pending = 0;
	if (was_leader)
		raft_ri_fail_all(r);
}

int raft_append_one(struct raft *r, const struct raft_entry *e)
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

void raft_truncate_from(struct raft *r, u64 from)
{
	u32 n = r->n_hist;

	raft_log_truncate(&r->log, from);
	raft_hist_truncate(r, from);
	if (n != r->n_hist)
		raft_sync_progress(r);
}

/* Move the commit index forward to @index (never past the log). */
void raft_commit_to(struct raft *r, u64 index)
{
	if (index > raft_log_last(&r->log))
		index = raft_log_last(&r->log);
#ifdef RAFT_BUG_COMMIT_REGRESS
	r->log.committed = index;	/* backwards too */
#else
	if (index > r->log.committed)
		r->log.committed = index;
#endif
}
