/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny in-memory network for the Raft core's unit tests: up to
 * TNET_MAX nodes (ids 1..n), a FIFO of in-flight messages, per-link drop
 * switches, and a ready loop that persists at once (or on demand, for the
 * tests of the persistence rules) and records what each node applied,
 * read and learned about its proposals.  Compiles in the kernel too.
 */
#ifndef RL_TNET_H
#define RL_TNET_H

#include "raft/raft_int.h"

#define TNET_MAX	6
#define TNET_LOG	256
#define TNET_RES	64

struct tnet_node {
	struct raft *r;
	u64 rand_state;
	/* what was applied: (index, term, type, first payload byte, len) */
	u64 applied_index[TNET_LOG];
	u64 applied_term[TNET_LOG];
	u32 n_applied;
	u64 last_applied;
	struct raft_proposal_result results[TNET_RES];
	u32 n_results;
	struct raft_read_state reads[TNET_RES];
	u32 n_reads;
	/* manual persistence: held messages and the mark to report */
	u8 manual;
	struct raft_msg *held;
	u32 n_held;
	u32 cap_held;
	u64 hold_index;
	u64 hold_term;
	u64 hold_snap_index;
	u64 hold_snap_term;
	/*
	 * The durable log, entries store_base + 1.. (what fetches read
	 * back), and fetches held for the test to answer (fetch_hold).
	 */
	struct raft_entry *store;
	u64 n_store;
	u64 cap_store;
	u64 store_base;
	u8 fetch_hold;
	struct raft_fetch held_fetch[TNET_RES];
	u32 n_held_fetch;
	u32 fetches;		/* fetches the node asked for */
	/* counters */
	u32 snapshots_installed;
	u64 snap_len;
	u8 snap_first;
	/*
	 * Streaming (cfg.snap_stream): the node's own store of snapshots,
	 * the current one (cur) and the one being received in chunks (stg);
	 * the largest chunk the core handed out.
	 */
	u8 *cur;
	u64 cur_len;
	u8 *stg;
	u64 stg_len;
	u32 max_chunk;
	u32 chunks;
};

struct tnet {
	u32 n;
	struct tnet_node node[TNET_MAX + 1];
	struct raft_msg *q;
	u32 nq;
	u32 capq;
	u8 cut[TNET_MAX + 1][TNET_MAX + 1];	/* drop from -> to */
	/* statistics of delivered messages, per type */
	u32 sent[RAFT_MSG_TYPE_MAX + 1];
	struct raft_status st;
	int storm;		/* tnet_settle() cut off a message storm */
};

/* Default config: election 10, heartbeat 1, pre-vote and check-quorum on. */
void tnet_default_config(struct raft_config *c, u64 id);
/* A cluster of n voters (ids 1..n) with the given config tweak. */
struct tnet *tnet_new(u32 n, void (*tweak)(struct raft_config *c));
/* As above, with learners ids n+1..n+learners. */
struct tnet *tnet_new_learners(u32 n, u32 learners,
			       void (*tweak)(struct raft_config *c));
/* Add node `id` booted with an empty configuration (joining). */
int tnet_add_empty(struct tnet *t, u64 id, void (*tweak)(struct raft_config *c));
void tnet_free(struct tnet *t);

/* Run every node's ready batch once; returns how many had one. */
int tnet_ready(struct tnet *t);
void tnet_ready_node(struct tnet *t, u64 id);
/* Deliver one queued message; 0 when the queue is empty. */
int tnet_deliver_one(struct tnet *t);
/* Ready + deliver until nothing moves (bounded). */
void tnet_settle(struct tnet *t);
void tnet_tick(struct tnet *t, u64 id);
void tnet_tick_all(struct tnet *t, u32 ticks);
/* Tick node id alone until it campaigns, then settle. */
void tnet_campaign(struct tnet *t, u64 id);
/* The leader seen by a majority, 0 if none. */
u64 tnet_leader(struct tnet *t);

void tnet_isolate(struct tnet *t, u64 id);
void tnet_cut(struct tnet *t, u64 a, u64 b);	/* both directions */
void tnet_heal(struct tnet *t);
/* Drop every queued message (a lossy moment). */
void tnet_drop_queue(struct tnet *t);
/* Queued messages of a type (optionally from/to, 0 = any). */
u32 tnet_count(struct tnet *t, u8 type, u64 from, u64 to);

/* Manual persistence for node id: held messages go out on tnet_persist. */
void tnet_manual(struct tnet *t, u64 id, int on);
void tnet_persist(struct tnet *t, u64 id);

/*
 * Answer one fetch from node id's store (entries from f->lo, at most
 * f->max_count; -ENOENT when they are not there).  Returns raft_fetched's.
 */
int tnet_answer_fetch(struct tnet *t, u64 id, const struct raft_fetch *f);

struct raft_status *tnet_status(struct tnet *t, u64 id);
int tnet_propose(struct tnet *t, u64 id, const char *s, u64 pid);

#endif /* RL_TNET_H */
