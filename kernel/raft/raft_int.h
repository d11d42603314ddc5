/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the Raft core, shared by its files and nobody else.
 */
#ifndef RL_RAFT_INT_H
#define RL_RAFT_INT_H

#include "raft.h"

/*
 * The files of the core, each calling only those listed before it (no
 * file calls back up):
 *
 *   util.c       growable arrays, message free/clone, names
 *   log.c        the log after the latest snapshot: terms, memory window
 *   progress.c   the leader's view of one peer
 *   quorum.c     majority arithmetic
 *   outbox.c     messages, read states and results to hand out
 *   membership.c configurations and their history along the log
 *   proposal.c   proposals this node waits for
 *   readindex.c  ReadIndex requests (says when a heartbeat round is due)
 *   state.c      term, vote, role, timer; append/truncate/commit
 *   replicate.c  the leader
 *   election.c   campaigns and votes
 *   follower.c   a follower's handling of the leader's messages
 *   quiesce.c    quiescing idle groups, waking them, lost peers
 *   request.c    the caller's requests
 *   ready.c      the ready batch
 *   raft.c       life cycle, raft_step() and raft_tick()
 */

/* ---- util.c ---- */
int raft_vec_reserve(void **p, u32 *cap, u32 need, u32 elem);

/* entries (log.c) */
int raft_entry_copy(struct raft_entry *dst, const struct raft_entry *src);
void raft_entry_free(struct raft_entry *e);

/* ---- log.c: the log after the latest snapshot ---- */
/* Entries per chunk of the in-memory window (a 4 KiB allocation). */
#define RAFT_LOG_CHUNK	128

struct raft_log {
	u64 snap_index;		/* entries start at snap_index + 1 */
	u64 snap_term;
	u64 last;		/* the last index (snap_index: none) */
	/* the term of each index in (snap_index, last], as runs */
	struct raft_term_run *runs;
	u32 n_runs;
	u32 cap_runs;
	/*
	 * The in-memory window, entries mem_first..last (empty when
	 * mem_first > last): chunk[k] holds the slots of indexes
	 * (chunk0 + k) * RAFT_LOG_CHUNK and up.
	 */
	struct raft_entry **chunk;
	u32 n_chunk;
	u32 cap_chunk;
	u64 chunk0;
	u64 mem_first;
	u64 mem_bytes;		/* payloads plus per-entry cost in the window */
	u64 mem_peak;		/* the most mem_bytes ever was */
	u64 committed;
	u64 applied;		/* handed out for applying (and advanced) */
	u64 persisted;		/* durable locally up to here */
	u64 unstable;		/* first index not yet handed out to persist */
};

void raft_log_init(struct raft_log *l, u64 snap_index, u64 snap_term);
void raft_log_free(struct raft_log *l);
static inline u64 raft_log_first(const struct raft_log *l)
{
	return l->snap_index + 1;
}

static inline u64 raft_log_last(const struct raft_log *l)
{
	return l->last;
}

/* The entry at index if it is in the window, else NULL. */
struct raft_entry *raft_log_entry(const struct raft_log *l, u64 index);
/* How many entries from index on are contiguous in memory (0: none). */
u64 raft_log_span(const struct raft_log *l, u64 index);
/* 0 and *term set if index in [snap_index, last], else -ENOENT. */
int raft_log_term(const struct raft_log *l, u64 index, u64 *term);
int raft_log_match(const struct raft_log *l, u64 index, u64 term);
int raft_log_up_to_date(const struct raft_log *l, u64 index, u64 term);
/* Drop every entry at index >= from (from > committed). */
void raft_log_truncate(struct raft_log *l, u64 from);
/* Append copies; ents[0].index must be last + 1. */
int raft_log_append(struct raft_log *l, const struct raft_entry *ents, u64 n);
/*
 * An empty log (just after raft_log_init) learns the terms of the entries
 * up to last without holding them: they are in the caller's store.
 */
int raft_log_append_gap(struct raft_log *l, const struct raft_term_run *runs,
			u32 n, u64 last);
/* How many of n entries (at least one) fit about max_bytes in a message. */
u64 raft_entries_fit(const struct raft_entry *ents, u64 n, u64 max_bytes);
/*
 * In-memory entries from lo on, at most max_count and about max_bytes (at
 * least one entry when any exists): returns how many, *out points into the
 * window.  0 when lo is outside the window.
 */
u64 raft_log_slice(const struct raft_log *l, u64 lo, u64 max_bytes,
		   u64 max_count, struct raft_entry **out);
/* First index i > (from - 1) whose entry differs: 0 if none. */
u64 raft_log_find_conflict(const struct raft_log *l,
			   const struct raft_entry *ents, u64 n);
/* Largest index <= index whose term <= term (fast back-off hint). */
u64 raft_log_find_conflict_by_term(const struct raft_log *l, u64 index,
				   u64 term, u64 *hint_term);
/* Entries up to index leave the window. */
void raft_log_evict(struct raft_log *l, u64 index);
/* Evict durable, applied entries while the window is over max_bytes. */
void raft_log_shrink(struct raft_log *l, u64 max_bytes);
void raft_log_compact(struct raft_log *l, u64 index);
void raft_log_restore(struct raft_log *l, u64 index, u64 term);

/* ---- progress.c: the leader's view of one peer ---- */
struct raft_progress {
	u64 id;
	u64 match;
	u64 next;
	u8 state;		/* enum raft_progress_state */
	u8 probe_sent;		/* probe: paused until a reply */
	u8 recent_active;
	u8 learner;
	u32 heard_ticks;	/* leader ticks since its last message */
	u64 read_ack;		/* highest read-index round acknowledged */
	u64 pending_snapshot;	/* snapshot: its index */
	u64 snap_offset;	/* snapshot: next byte to send */
	u32 snap_idle;		/* snapshot: heartbeats without progress */
	u64 fetch_lo;		/* entries asked from the store (0: none) */
	u32 fetch_ticks;	/* ticks since */
	/* in-flight APPENDs: the last index of each, a ring */
	u64 *inflight;
	u32 in_cap;
	u32 in_start;
	u32 in_count;
};

int raft_pr_init(struct raft_progress *pr, u64 id, u32 window);
void raft_pr_free(struct raft_progress *pr);
void raft_pr_reset(struct raft_progress *pr, u64 next);
void raft_pr_become_probe(struct raft_progress *pr);
void raft_pr_become_replicate(struct raft_progress *pr);
void raft_pr_become_snapshot(struct raft_progress *pr, u64 snap_index);
void raft_chunk_free(struct raft_snapshot_chunk *c);
int raft_pr_maybe_update(struct raft_progress *pr, u64 n);
int raft_pr_maybe_decr(struct raft_progress *pr, u64 rejected, u64 hint);
void raft_pr_sent(struct raft_progress *pr, u64 last, u64 n_entries);
void raft_pr_free_to(struct raft_progress *pr, u64 index);
void raft_pr_free_first(struct raft_progress *pr);
int raft_pr_paused(const struct raft_progress *pr);

/* ---- quorum.c ---- */
enum { RAFT_VOTE_PENDING, RAFT_VOTE_WON, RAFT_VOTE_LOST };
u64 raft_quorum_committed(const u64 *match, u32 n);
int raft_quorum_vote(u32 voters, u32 granted, u32 rejected);
static inline u32 raft_quorum(u32 voters)
{
	return voters / 2 + 1;
}

/* ---- membership.c ---- */
struct raft_conf_hist {
	u64 index;
	struct raft_conf conf;
};

int raft_conf_has_voter(const struct raft_conf *c, u64 id);
int raft_conf_has_learner(const struct raft_conf *c, u64 id);
int raft_conf_valid(const struct raft_conf *c);
int raft_conf_apply(struct raft_conf *c, u8 type, u64 node);

/* ---- readindex.c ---- */
struct raft_read_req {
	u64 seq;		/* 0: waits for the first commit of the term */
	u64 ctx;
	u64 from;		/* RAFT_NONE: local */
	u64 index;
};

/* ---- the node ---- */
struct raft_pending_prop {
	u64 id;
	u64 index;
	u64 term;
	u64 to;			/* forwarded: the leader asked, who alone answers */
	u32 ticks;
	u8 acked;		/* index/term known */
};

/* A follower's read request forwarded to the leader, until answered. */
struct raft_fwd_read {
	u64 ctx;
	u64 to;			/* the leader asked, who alone answers */
	u32 ticks;
};

#define RAFT_MAX_PRS	(2 * RAFT_MAX_MEMBERS)

struct raft {
	struct raft_config cfg;
	u64 id;
	u64 term;
	u64 vote;
	u64 lead;
	u8 role;
	struct raft_log log;

	/* configuration history: [0] as of snap index, last is current */
	struct raft_conf_hist *hist;
	u32 n_hist;
	u32 cap_hist;

	struct raft_progress prs[RAFT_MAX_PRS];
	u32 n_prs;

	u32 election_elapsed;
	u32 heartbeat_elapsed;
	u32 randomized_timeout;

	u64 lead_transferee;
	u64 noop_index;		/* leader: first index of its term */
	u64 uncommitted_size;
	/* what the caller's log store can still take (raft_set_room) */
	u64 room;
	u32 room_per_entry;

	/* votes received in this campaign */
	u64 vote_from[RAFT_MAX_MEMBERS];
	u8 vote_granted[RAFT_MAX_MEMBERS];
	u32 n_votes;

	/* the latest snapshot (data may be NULL if the caller gave none) */
	struct raft_snapshot snap;
	/* follower: a received snapshot waiting to be handed out */
	struct raft_snapshot *install;
	/* follower: snapshot being received in chunks */
	struct raft_snapshot recv;
	/* follower, streaming: the chunk to hand out, the one handed out */
	struct raft_snapshot_chunk *recv_chunk;
	struct raft_snapshot_chunk *ready_chunk;
	u64 recv_cap;
	u8 recv_active;

	/* read index */
	struct raft_read_req *reads_q;
	u32 n_reads_q;
	u32 cap_reads_q;
	u64 read_seq;
	struct raft_fwd_read *fwd_reads;
	u32 n_fwd_reads;
	u32 cap_fwd_reads;

	/* proposals this node made and waits for */
	struct raft_pending_prop *props;
	u32 n_props;
	u32 cap_props;

	/* outbox */
	struct raft_msg *msgs;
	u32 n_msgs;
	u32 cap_msgs;
	struct raft_read_state *rstates;
	u32 n_rstates;
	u32 cap_rstates;
	struct raft_proposal_result *results;
	u32 n_results;
	u32 cap_results;
	struct raft_fetch *fetches;
	u32 n_fetches;
	u32 cap_fetches;

	struct raft_hard_state prev_hs;
	struct raft_soft_state prev_ss;
	/* set between raft_ready and raft_advance */
	u64 ready_applied_to;
	u64 ready_stable_to;
	u8 in_ready;
	u8 bcast_pending;	/* new entries not yet sent to peers */

	/* quiescing (quiesce.c) */
	u8 quiesced;
	u32 idle_ticks;		/* leader: ticks with nothing to do */
	u64 n_quiesce;
	u64 n_wake;
};

/* progress.c, node level */
struct raft_progress *raft_pr_get(struct raft *r, u64 id);

/* outbox.c */
struct raft_msg *raft_new_msg(struct raft *r, u8 type, u64 to);
void raft_drop_last_msg(struct raft *r);
int raft_msg_copy_entries(struct raft_msg *m, struct raft_entry *ents, u64 n);
void raft_add_read_state(struct raft *r, u64 ctx, u64 index, s32 err);
void raft_add_result(struct raft *r, u64 id, u64 index, u64 term, s32 err);
int raft_add_fetch(struct raft *r, struct raft_progress *pr, u64 lo, u64 hi);

/* membership.c, node level */
int raft_hist_init(struct raft *r, u64 index, const struct raft_conf *c);
void raft_hist_free(struct raft *r);
int raft_hist_on_append(struct raft *r, const struct raft_entry *e);
void raft_hist_truncate(struct raft *r, u64 from);
void raft_hist_compact(struct raft *r, u64 index);
const struct raft_conf *raft_cur_conf(const struct raft *r);
const struct raft_conf *raft_conf_at(const struct raft *r, u64 index);
void raft_sync_progress(struct raft *r);

/* proposal.c */
int raft_props_add(struct raft *r, u64 id, u64 index, u64 term, u64 to,
		   u8 acked);
void raft_props_check(struct raft *r, u64 limit);
void raft_props_tick(struct raft *r);
void raft_props_ack(struct raft *r, const struct raft_msg *m);
void raft_props_free(struct raft *r);
int raft_props_decidable(const struct raft *r, u64 limit);

/* readindex.c: RAFT_RI_HEARTBEAT asks for heartbeat round r->read_seq */
#define RAFT_RI_HEARTBEAT	1
int raft_ri_request(struct raft *r, u64 ctx, u64 from);
void raft_ri_on_ack(struct raft *r);
int raft_ri_on_commit_in_term(struct raft *r);
void raft_ri_fail_all(struct raft *r);
int raft_ri_forward(struct raft *r, u64 ctx);
void raft_ri_on_resp(struct raft *r, const struct raft_msg *m);
void raft_ri_tick(struct raft *r);
void raft_ri_free(struct raft *r);

/* state.c */
int raft_promotable(const struct raft *r);
u64 raft_last_term(const struct raft *r);
void raft_reset(struct raft *r, u64 term);
void raft_become_follower(struct raft *r, u64 term, u64 lead);
int raft_append_one(struct raft *r, const struct raft_entry *e);
void raft_truncate_from(struct raft *r, u64 from);
void raft_commit_to(struct raft *r, u64 index);

/* replicate.c */
int raft_maybe_commit(struct raft *r);
int raft_send_append(struct raft *r, struct raft_progress *pr, int if_empty);
void raft_broadcast_append(struct raft *r);
void raft_flush(struct raft *r);
void raft_broadcast_heartbeat(struct raft *r, u64 ctx);
void raft_send_timeout_now(struct raft *r, u64 to);
int raft_leader_append(struct raft *r, u8 type, const void *data, u32 len,
		       u64 *index);
void raft_tick_leader(struct raft *r);
void raft_check_self_removal(struct raft *r);
int raft_read_request(struct raft *r, u64 ctx, u64 from);
int raft_step_leader(struct raft *r, const struct raft_msg *m);

/* election.c */
void raft_campaign(struct raft *r, int pre, int transfer);
void raft_handle_vote(struct raft *r, const struct raft_msg *m);
void raft_count_vote(struct raft *r, const struct raft_msg *m);

/* follower.c */
void raft_reply_error(struct raft *r, const struct raft_msg *m, s32 err);
int raft_step_follower(struct raft *r, const struct raft_msg *m);

/* quiesce.c */
void raft_quiesce_tick(struct raft *r);
void raft_wake(struct raft *r, u64 from);
int raft_wakes_on(const struct raft *r, const struct raft_msg *m);

#endif /* RL_RAFT_INT_H */
