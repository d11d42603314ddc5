// SPDX-License-Identifier: GPL-2.0
/*
 * The leader's view of one peer: how far its log matches (match), what to
 * send next (next), and the flow-control state:
 *
 *   probe      one APPEND at a time until the peer's log position is known
 *   replicate  pipelined APPENDs, at most max_inflight_msgs unacknowledged
 *   snapshot   the peer is behind the compacted prefix; a snapshot is
 *              streamed to it in chunks, then it goes back to probe
 */
#include "raft_int.h"

int raft_pr_init(struct raft_progress *pr, u64 id, u32 window)
{
	memset(pr, 0, sizeof(*pr));
	pr->id = id;
	pr->in_cap = window ? window : 1;
	pr->inflight = rl_calloc(pr->in_cap, sizeof(u64));
	if (!pr->inflight)
		return -ENOMEM;
	pr->next = 1;
	return 0;
}

void raft_pr_free(struct raft_progress *pr)
{
	rl_free(pr->inflight);
	pr->inflight = NULL;
}

static void pr_clear_inflight(struct raft_progress *pr)
{
	pr->in_start = 0;
	pr->in_count = 0;
}

void raft_pr_reset(struct raft_progress *pr, u64 next)
{
	pr->match = 0;
	pr->next = next;
	pr->state = RAFT_PR_PROBE;
	pr->probe_sent = 0;
	pr->recent_active = 1;
	pr->heard_ticks = 0;
	pr->read_ack = 0;
	pr->pending_snapshot = 0;
	pr->snap_offset = 0;
	pr->snap_idle = 0;
	pr->fetch_lo = 0;
	pr->fetch_ticks = 0;
	pr_clear_inflight(pr);
}

void raft_pr_become_probe(struct raft_progress *pr)
{
	/* after a snapshot, resume right after it */
	if (pr->state == RAFT_PR_SNAPSHOT) {
		u64 s = pr->pending_snapshot;

		pr->next = (pr->match > s ? pr->match : s) + 1;
	} else {
		pr->next = pr->match + 1;
	}
	pr->state = RAFT_PR_PROBE;
	pr->probe_sent = 0;
	pr->pending_snapshot = 0;
	pr_clear_inflight(pr);
}

void raft_pr_become_replicate(struct raft_progress *pr)
{
	pr->state = RAFT_PR_REPLICATE;
	pr->next = pr->match + 1;
	pr->probe_sent = 0;
	pr_clear_inflight(pr);
}

void raft_pr_become_snapshot(struct raft_progress *pr, u64 snap_index)
{
	pr->state = RAFT_PR_SNAPSHOT;
	pr->pending_snapshot = snap_index;
	pr->snap_offset = 0;
	pr->snap_idle = 0;
	pr->probe_sent = 0;
	pr_clear_inflight(pr);
}

/* An acknowledgment up to n: returns 1 if it moved match forward. */
int raft_pr_maybe_update(struct raft_progress *pr, u64 n)
{
	int updated = 0;

	if (pr->match < n) {
		pr->match = n;
		updated = 1;
		pr->probe_sent = 0;
	}
	if (pr->next < n + 1)
		pr->next = n + 1;
	return updated;
}

/*
 * A rejection of the APPEND whose prev index was `rejected`; `hint` is the
 * last index the peer may match.  Returns 0 if the rejection is stale.
 */
int raft_pr_maybe_decr(struct raft_progress *pr, u64 rejected, u64 hint)
{
	if (pr->state == RAFT_PR_REPLICATE) {
		if (rejected <= pr->match)
			return 0;
		/* a real rejection in pipelining: back to probing */
		pr->next = pr->match + 1;
		return 1;
	}
	if (pr->next == 0 || pr->next - 1 != rejected)
		return 0;
	pr->next = (rejected < hint + 1 ? rejected : hint + 1);
	if (pr->next < 1)
		pr->next = 1;
	/*
	 * A probe at or below match refused: the peer no longer holds what
	 * it acknowledged (its disk lost it).  Take its word and send from
	 * where it is; holding next at match + 1 would repeat the same
	 * refused APPEND forever.  Commitment already made stands.
	 */
	if (pr->next <= pr->match)
		pr->match = pr->next - 1;
	pr->probe_sent = 0;
	return 1;
}

/* An APPEND with n_entries up to `last` was sent. */
void raft_pr_sent(struct raft_progress *pr, u64 last, u64 n_entries)
{
	if (pr->state == RAFT_PR_REPLICATE) {
		if (n_entries) {
			pr->next = last + 1;
			rl_assert(pr->in_count < pr->in_cap);
			pr->inflight[(pr->in_start + pr->in_count) % pr->in_cap] =
				last;
			pr->in_count++;
		}
	} else if (pr->state == RAFT_PR_PROBE) {
		pr->probe_sent = 1;
	}
}

/* Acknowledged up to index: free the window slots of APPENDs up to it. */
void raft_pr_free_to(struct raft_progress *pr, u64 index)
{
	while (pr->in_count && pr->inflight[pr->in_start] <= index) {
		pr->in_start = (pr->in_start + 1) % pr->in_cap;
		pr->in_count--;
	}
}

void raft_pr_free_first(struct raft_progress *pr)
{
	if (!pr->in_count)
		return;
	pr->in_start = (pr->in_start + 1) % pr->in_cap;
	pr->in_count--;
}

int raft_pr_paused(const struct raft_progress *pr)
{
	switch (pr->state) {
	case RAFT_PR_PROBE:
		return pr->probe_sent;
	case RAFT_PR_REPLICATE:
		return pr->in_count >= pr->in_cap;
	default:
		return 1;
	}
}

struct raft_progress *raft_pr_get(struct raft *r, u64 id)
{
	u32 i;

	for (i = 0; i < r->n_prs; i++)
		if (r->prs[i].id == id)
			return &r->prs[i];
	return NULL;
}
