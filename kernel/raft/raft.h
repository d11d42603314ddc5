/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Raft core: a deterministic consensus state machine with no I/O, no
 * clocks, no threads and no locks, modelled on etcd's raft library.  The
 * caller (kernel/group.c, the simulator, the unit tests) feeds it inputs
 * (raft_tick, raft_step, raft_propose, ...) and carries out its outputs,
 * which the core collects into one "ready" batch (raft_ready/raft_advance).
 *
 * The caller's loop:
 *
 *	while (raft_has_ready(r)) {
 *		raft_ready(r, &rd);
 *		if (rd.snapshot)		install it (state machine + storage)
 *		if (rd.hs_changed)		persist rd.hs
 *		persist rd.entries		(first truncating the log from
 *						 rd.entries[0].index on)
 *		send rd.msgs			(may go before persistence)
 *		apply rd.committed		(always already durable locally)
 *		report rd.reads, rd.results
 *		raft_advance(r, &rd);
 *		-- later, once rd.hs and rd.entries are durable:
 *		send rd.msgs_after_persist (copied, see raft_msg_clone)
 *		raft_persisted(r, last index, last term of rd.entries)
 *	}
 *
 * No other raft_* call may be made between raft_ready() and raft_advance().
 * Readies must become durable in the order they were handed out (a later
 * ready's msgs_after_persist may rely on an earlier ready's entries).
 * Single-threaded: the caller serialises all calls on one struct raft.
 *
 * Memory ownership (the one rule everywhere): whatever the caller passes
 * in is borrowed for the duration of the call and copied by the core if it
 * is kept; whatever the core hands out (ready batch, messages, entries,
 * snapshot data) is borrowed by the caller until raft_advance() and must
 * be copied if it is needed longer.
 */
#ifndef RL_RAFT_H
#define RL_RAFT_H

#include "port.h"

/* Node id 0 means "nobody" (no vote, no leader). */
#define RAFT_NONE		0ULL

/* Upper bound on voters and on learners in a configuration (each). */
#define RAFT_MAX_MEMBERS	16

/* Upper bound on an entry payload and a snapshot chunk the core accepts. */
#define RAFT_MAX_ENTRY_SIZE	0x100000U	/* 1 MiB */
/*
 * Upper bound on a whole snapshot blob the core accepts from a leader:
 * the application's state (RAFTLOG_SNAPSHOT_MAX, 64 MiB) and the
 * group's header and address book with room to spare.
 */
#define RAFT_MAX_SNAPSHOT_SIZE	((64ULL << 20) + 0x10000)
/*
 * The largest term the core accepts from a peer or a disk, and campaigns
 * up to: a term near 2^64 would wrap at the next campaign, and no cluster
 * holds 2^63 elections.
 */
#define RAFT_TERM_MAX		(~0ULL >> 1)
/* proposals a follower forwards in one PROPOSE */
#define RAFT_MAX_FORWARD	64

/*
 * Compile-time bug switches, used ONLY by the simulator's self-test to
 * prove that it catches broken safety rules.  Never define them elsewhere.
 *
 *   RAFT_BUG_SKIP_UPTODATE_CHECK  grant votes without the log up-to-date
 *                                 check of RequestVote (Raft 5.4.1).
 *   RAFT_BUG_COMMIT_OLD_TERM      let the leader advance its commit index by
 *                                 counting replicas of entries from earlier
 *                                 terms (Raft 5.4.2, figure 8).
 *   RAFT_BUG_READ_UNCONFIRMED     answer a read index at once, without the
 *                                 heartbeat round that confirms leadership
 *                                 (a deposed leader serves stale reads).
 *   RAFT_BUG_READ_OLD_COMMIT      answer a read index with the commit index
 *                                 of a leader that has not yet committed an
 *                                 entry of its term (thesis 6.4, step 1).
 *   RAFT_BUG_VOTE_BEFORE_PERSIST  send a vote (granted or requested) before
 *                                 the hard state holding it is durable: a
 *                                 crash forgets a vote already given.
 *   RAFT_BUG_COMMIT_REGRESS       let the commit index move backwards (a
 *                                 follower takes a lower commit index from
 *                                 a heartbeat).
 *   RAFT_BUG_APPLY_TWICE          hand the last entry of a batch out for
 *                                 applying a second time.
 *   RAFT_BUG_CONF_TWO_IN_FLIGHT   accept a membership change while an
 *                                 earlier one is still uncommitted.
 *   RAFT_BUG_CONF_AT_COMMIT       a membership change takes effect when it
 *                                 commits instead of when it is appended.
 */

/* ------------------------------------------------------------------ */
/* Entries                                                             */

enum raft_entry_type {
	/* Application data; an empty normal entry is the leader's no-op. */
	RAFT_ENTRY_NORMAL	= 0,
	/* A membership change, encoded by raft_conf_change_encode(). */
	RAFT_ENTRY_CONF_CHANGE	= 1,
};

/*
 * One log entry.  data/len is the payload (data may be NULL when len is 0).
 * Ownership of data follows the rule above: entries passed into the core
 * (raft_create, raft_step) are copied; entries handed out (ready, messages)
 * point into memory the core owns and are valid until raft_advance().
 */
struct raft_entry {
	u64 term;
	u64 index;
	u8 type;		/* enum raft_entry_type */
	u32 len;
	u8 *data;
};

/* What an entry in the core's memory costs besides its payload. */
#define RAFT_LOG_ENTRY_COST	((u64)sizeof(struct raft_entry))

/*
 * The terms of a stretch of the log, one run per leader change: entries
 * from index on have this term, up to the next run's index.
 */
struct raft_term_run {
	u64 index;
	u64 term;
};

/* ------------------------------------------------------------------ */
/* Configuration (membership)                                          */

/* Voters and learners; ids are distinct, non-zero, in no given order. */
struct raft_conf {
	u32 n_voters;
	u32 n_learners;
	u64 voters[RAFT_MAX_MEMBERS];
	u64 learners[RAFT_MAX_MEMBERS];
};

enum raft_conf_change_type {
	RAFT_CC_ADD_VOTER	= 1,	/* add, or promote a learner */
	RAFT_CC_ADD_LEARNER	= 2,	/* add as learner (or demote a voter) */
	RAFT_CC_REMOVE		= 3,	/* remove a voter or a learner */
};

/*
 * The payload of a RAFT_ENTRY_CONF_CHANGE entry.  Version 1 is the change
 * alone: version, type, node id (RAFT_CONF_CHANGE_SIZE bytes).  Version 2,
 * which leaders write, adds the whole resulting configuration (counts and
 * ids, at most RAFT_CONF_CHANGE_MAX_SIZE bytes), so a node that joined with
 * an empty configuration knows the exact membership from the first change
 * in its log on, across restarts.  Version 3 is version 2 followed by an
 * opaque context (le16 length, 1..RAFT_CONF_CHANGE_MAX_CONTEXT bytes) the
 * core carries but never interprets, like etcd's ConfChange.Context: the
 * caller puts there what every node must learn with the change (the group
 * driver: the new member's address).  Leaders write version 3 only when a
 * context was given.
 */
#define RAFT_CONF_CHANGE_SIZE		10
#define RAFT_CONF_CHANGE_MAX_SIZE	(12 + 16 * RAFT_MAX_MEMBERS)
#define RAFT_CONF_CHANGE_MAX_CONTEXT	256
#define RAFT_CONF_CHANGE_CTX_MAX_SIZE	(RAFT_CONF_CHANGE_MAX_SIZE + 2 + \
					 RAFT_CONF_CHANGE_MAX_CONTEXT)

void raft_conf_change_encode(u8 buf[RAFT_CONF_CHANGE_SIZE], u8 type,
			     u64 node);
/* Version 2: returns the payload length. */
u32 raft_conf_change_encode_full(u8 buf[RAFT_CONF_CHANGE_MAX_SIZE], u8 type,
				 u64 node, const struct raft_conf *result);
/*
 * Version 3 (version 2 when ctx_len is 0): returns the payload length.
 * ctx_len must be at most RAFT_CONF_CHANGE_MAX_CONTEXT.
 */
u32 raft_conf_change_encode_ctx(u8 buf[RAFT_CONF_CHANGE_CTX_MAX_SIZE],
				u8 type, u64 node,
				const struct raft_conf *result,
				const void *ctx, u32 ctx_len);
/*
 * Any version: returns 0 or -EINVAL when the payload is not a valid
 * conf change.  result may be NULL; it is filled from a version 2 or 3
 * payload (n_voters stays 0 for version 1).  ctx may be NULL; else *ctx
 * points into buf at the context and *ctx_len is its length (NULL and 0
 * when the payload has none).
 */
int raft_conf_change_decode(const u8 *buf, u32 len, u8 *type, u64 *node);
int raft_conf_change_decode_full(const u8 *buf, u32 len, u8 *type, u64 *node,
				 struct raft_conf *result);
int raft_conf_change_decode_ctx(const u8 *buf, u32 len, u8 *type, u64 *node,
				struct raft_conf *result, const u8 **ctx,
				u32 *ctx_len);

/* ------------------------------------------------------------------ */
/* Snapshots                                                           */

struct raft_snapshot_meta {
	u64 index;		/* last index covered by the snapshot */
	u64 term;		/* term of that entry */
	struct raft_conf conf;	/* configuration as of index */
};

/*
 * A whole snapshot: metadata and the caller's opaque state blob, or only
 * its length (data NULL) when the caller keeps the bytes (see
 * raft_config.snap_stream).
 */
struct raft_snapshot {
	struct raft_snapshot_meta meta;
	u64 len;
	u8 *data;
};

/*
 * Streaming (raft_config.snap_stream): one chunk of a snapshot being
 * received, accepted in order, for the caller to write where it keeps
 * the snapshot being received; offset 0 starts a new one (dropping any
 * other in progress).  `done`: the last one (the ready then carries the
 * snapshot to install unless the log already held it all).
 */
struct raft_snapshot_chunk {
	struct raft_snapshot_meta meta;
	u64 offset;
	u32 len;
	u8 done;
	u8 *data;
};

/* ------------------------------------------------------------------ */
/* Messages                                                            */

/*
 * Fields each type uses (all carry type, from, to; all but PROPOSE(_RESP)
 * and READ_INDEX(_RESP) carry term):
 *   VOTE, PREVOTE       index + log_term = candidate's last entry; PREVOTE's
 *                       term is the term it would campaign in
 *   *_RESP of votes     reject
 *   APPEND              index + log_term = previous entry, entries, commit;
 *                       from index 0, snap.conf = the log's base config
 *   APPEND_RESP         index = last matching index, or on reject the
 *                       rejected previous index + reject_hint + hint_term
 *   HEARTBEAT           commit, context = read-index round; reject = 1
 *                       (RAFT_HB_QUIESCE): the leader quiesces, index +
 *                       log_term = its last entry (see raft_quiesced)
 *   HEARTBEAT_RESP      context echoed; reject = 1 (RAFT_HB_QUIESCE): wake
 *                       up (the follower did not quiesce, or woke)
 *   SNAPSHOT            snap meta + one chunk (snap_offset, snap_len,
 *                       snap_data, snap_done)
 *   SNAPSHOT_RESP       index/log_term = snapshot's, snap_offset = next
 *                       expected offset, snap_done = installed, reject
 *   TIMEOUT_NOW         campaign now (leader transfer)
 *   PROPOSE             follower -> leader: one entry, context = id
 *   PROPOSE_RESP        context = id; index + log_term, or error
 *   READ_INDEX          context = the caller's read ctx
 *   READ_INDEX_RESP     context, index, or error
 */
enum raft_msg_type {
	RAFT_MSG_VOTE = 1,
	RAFT_MSG_VOTE_RESP,
	RAFT_MSG_PREVOTE,
	RAFT_MSG_PREVOTE_RESP,
	RAFT_MSG_APPEND,
	RAFT_MSG_APPEND_RESP,
	RAFT_MSG_HEARTBEAT,
	RAFT_MSG_HEARTBEAT_RESP,
	RAFT_MSG_SNAPSHOT,
	RAFT_MSG_SNAPSHOT_RESP,
	RAFT_MSG_TIMEOUT_NOW,
	RAFT_MSG_PROPOSE,
	RAFT_MSG_PROPOSE_RESP,
	RAFT_MSG_READ_INDEX,
	RAFT_MSG_READ_INDEX_RESP,
	RAFT_MSG_TYPE_MAX = RAFT_MSG_READ_INDEX_RESP,
};

/* HEARTBEAT(_RESP).reject: quiesce (a heartbeat), wake up (a response) */
#define RAFT_HB_QUIESCE	1

/* context of a VOTE sent because of TIMEOUT_NOW: bypasses leader lease. */
#define RAFT_CONTEXT_TRANSFER	1ULL

/*
 * One Raft message.  Fixed-width fields only, so the wire codec encodes it
 * field by field; unused fields are zero.  The codec must bound n_entries,
 * entry lengths, snap_len and the conf counts before handing a decoded
 * message to raft_step() (the core checks them again).
 */
struct raft_msg {
	u8 type;		/* enum raft_msg_type */
	u8 reject;		/* responses: 1 = rejected */
	u8 snap_done;		/* SNAPSHOT: this is the last chunk */
	s32 error;		/* PROPOSE_RESP/READ_INDEX_RESP: 0 or -errno */
	u64 from;
	u64 to;
	u64 term;
	u64 log_term;
	u64 index;
	u64 commit;
	u64 reject_hint;	/* APPEND_RESP reject: conflict index hint */
	u64 hint_term;		/* APPEND_RESP reject: term at reject_hint */
	u64 context;		/* read-index ctx / proposal id / flags */
	u32 n_entries;
	struct raft_entry *entries;
	struct raft_snapshot_meta snap;	/* SNAPSHOT(_RESP) */
	u64 snap_offset;	/* SNAPSHOT: offset of this chunk */
	u32 snap_len;		/* SNAPSHOT: bytes in this chunk */
	u8 *snap_data;
};

/* Deep copy of a message (entries and chunk); release with raft_msg_free. */
int raft_msg_clone(struct raft_msg *dst, const struct raft_msg *src);
void raft_msg_free(struct raft_msg *m);
const char *raft_msg_type_name(u8 type);

/* ------------------------------------------------------------------ */
/* Node                                                                */

struct raft_config {
	u64 id;				/* this node, non-zero */
	u32 election_tick;		/* base election timeout, in ticks */
	u32 heartbeat_tick;		/* < election_tick */
	u8 pre_vote;			/* run a pre-vote before campaigning */
	/* the leader steps down without a quorum (the lease is always on) */
	u8 check_quorum;
	u32 max_inflight_msgs;		/* per-peer APPEND window (0 = 256) */
	/*
	 * The caller keeps the snapshots' bytes, the core only their
	 * lengths: a received chunk is handed out in the ready (snap_chunk)
	 * and never gathered, the installed snapshot has no data.  Whatever
	 * this says, a snapshot the caller gave without data (raft_compact,
	 * raft_boot) goes out in SNAPSHOT messages with snap_len set and
	 * snap_data NULL: the caller fills in those snap_len bytes from
	 * snap_offset of the snapshot at snap.index before sending it (or
	 * drops the message: the core sends it again).
	 */
	u8 snap_stream;
	/* bytes of entries per APPEND, and snapshot chunk size (0 = 1 MiB) */
	u64 max_size_per_msg;
	u32 max_entries_per_msg;	/* entries per APPEND (0 = 64) */
	/* bytes proposed but not committed (0 = unlimited) */
	u64 max_uncommitted_size;
	/*
	 * Bytes of entries (payload plus RAFT_LOG_ENTRY_COST each) the core
	 * keeps in memory once they are durable and applied; 0 = unlimited.
	 * Entries not yet durable or applied always stay; older ones are
	 * read back from the caller's store through fetches (struct
	 * raft_fetch) when a peer needs them.
	 */
	u64 max_log_mem;
	/*
	 * The largest entry the caller's log store takes (0:
	 * RAFT_MAX_ENTRY_SIZE).  A leader refuses a larger proposal, its own
	 * or forwarded, with -EMSGSIZE; a follower whose store takes less
	 * than its leader's keeps the entries of an APPEND before such an
	 * entry and stays behind it (it cannot hold that log; a snapshot past
	 * the entry catches it up), so no node is ever handed an entry its
	 * store cannot hold.  Give every node's store the same limit.
	 */
	u32 max_entry_size;
	/*
	 * Quiesce an idle group (see raft_quiesced): give every node of a
	 * group the same setting.
	 */
	u8 quiesce;
	/*
	 * Seeded random source: the randomized election timeout is
	 * election_tick + rand(cookie) % election_tick.  Required.
	 */
	u32 (*rand)(void *cookie);
	void *rand_cookie;
};

struct raft_hard_state {
	u64 term;
	u64 vote;
	u64 commit;
};

/*
 * The durable state the node restarts from.  For a fresh cluster member,
 * everything is zero except snap.conf, the initial configuration (voters
 * and learners); a node joining an existing cluster starts with an empty
 * configuration and learns it from the leader.
 */
struct raft_boot {
	struct raft_hard_state hs;
	struct raft_snapshot_meta snap;	/* the latest snapshot (or index 0) */
	const u8 *snap_data;	/* its blob (copied), NULL: the caller's */
	u64 snap_len;
	const struct raft_entry *entries; /* durable log after snap.index, */
	u64 n_entries;			  /* consecutive; copied */
	/*
	 * A boot that does not hold the whole log in memory: entries[] then
	 * starts later than snap.index + 1, and for the entries in between
	 * (which stay in the caller's store, read back through fetches) the
	 * caller gives their terms, the configuration changes among them
	 * (whole entries, in log order) and that it applied them all:
	 * applied >= entries[0].index - 1.  Unused when n_terms is 0.
	 */
	const struct raft_term_run *terms;
	u32 n_terms;
	const struct raft_entry *confs;
	u32 n_confs;
	u64 applied;
};

enum raft_role {
	RAFT_FOLLOWER = 0,
	RAFT_PRE_CANDIDATE,
	RAFT_CANDIDATE,
	RAFT_LEADER,
};

struct raft_soft_state {
	u64 lead;
	u64 term;
	u8 role;		/* enum raft_role */
};

/* A ReadIndex answer: once applied >= index, reads may be served. */
struct raft_read_state {
	u64 ctx;
	u64 index;
	/*
	 * 0, -EAGAIN (lost leadership, no leader) or -ETIMEDOUT (forwarded,
	 * and the leader did not answer within two election timeouts)
	 */
	s32 err;
};

/*
 * The outcome of a proposal (raft_propose / raft_propose_conf_change):
 *   err 0          committed at index/term (and handed out for applying
 *                  in the same or an earlier ready)
 *   -EAGAIN        definitely not appended (no leader, leader refused)
 *   -ENOBUFS       definitely not appended (leader's uncommitted budget)
 *   -EBUSY         definitely not appended (leadership transfer running,
 *                  or a conf change already pending)
 *   -ENOSPC, -EMSGSIZE  definitely not appended (the leader's store is
 *                  full, or would not take an entry that large)
 *   -ECANCELED     appended at index/term but overwritten: it will never
 *                  commit (leadership lost)
 *   -ETIMEDOUT     outcome unknown: a forwarded proposal got no answer
 *                  from the leader within an election timeout, or its
 *                  slot was compacted away before this node could check
 */
struct raft_proposal_result {
	u64 id;
	u64 index;
	u64 term;
	s32 err;
};

/*
 * A leader needs durable entries it no longer keeps in memory, to send
 * them to peer: the caller reads entries lo.. (at most max_count, and
 * about max_bytes of payload but at least one) from its store and answers
 * with raft_fetched(), at any time after raft_advance(), from any later
 * ready.  Every fetch must be answered exactly once, with entries or an
 * error; a fetch that got no answer for two election timeouts is asked
 * again.
 */
struct raft_fetch {
	u64 peer;
	u64 lo;
	u64 hi;			/* the last index the core will take */
	u64 max_bytes;
	u32 max_count;
};

struct raft_ready {
	struct raft_soft_state ss;
	u8 ss_changed;
	struct raft_hard_state hs;
	u8 hs_changed;
	/*
	 * snap_chunk: write it (in order, before installing the snapshot);
	 * NULL when none.  snapshot: install it before persisting entries;
	 * NULL when none.
	 */
	const struct raft_snapshot_chunk *snap_chunk;
	const struct raft_snapshot *snapshot;
	/*
	 * Entries to append.  The durable log must first drop every entry
	 * at index >= entries[0].index (a conflict overwrites a suffix).
	 */
	struct raft_entry *entries;
	u64 n_entries;
	/* Messages that may be sent now. */
	struct raft_msg *msgs;
	u32 n_msgs;
	/* Messages to send only once hs, snapshot and entries are durable. */
	struct raft_msg *msgs_after_persist;
	u32 n_msgs_after_persist;
	/* Committed, locally durable entries to apply, in order. */
	struct raft_entry *committed;
	u64 n_committed;
	struct raft_read_state *reads;
	u32 n_reads;
	struct raft_proposal_result *results;
	u32 n_results;
	/* Entries to read back from the store (see struct raft_fetch). */
	struct raft_fetch *fetches;
	u32 n_fetches;
};

struct raft;

/*
 * Returns the node, or NULL with *err set (-EINVAL, -ENOMEM).  May sleep
 * (it yields while copying a long log): process context only.
 */
struct raft *raft_create(const struct raft_config *cfg,
			 const struct raft_boot *boot, int *err);
void raft_destroy(struct raft *r);

/* One logical clock tick. */
void raft_tick(struct raft *r);

/*
 * Feed one received message (borrowed).  Returns 0, or -EINVAL when the
 * message is malformed (it is then ignored), -ENOMEM.
 */
int raft_step(struct raft *r, const struct raft_msg *m);

/*
 * Propose an entry; the result arrives as a raft_proposal_result with this
 * id.  Returns 0 if the proposal was taken (appended here, or forwarded to
 * the leader), or a definite error: -EAGAIN (no leader known), -ENOBUFS,
 * -EBUSY (leader transfer in progress), -EINVAL (over
 * RAFT_MAX_ENTRY_SIZE), -EMSGSIZE (over max_entry_size: the store would
 * not take it; a forwarded one comes back with this error), -ENOSPC
 * (the leader's log store is full, see raft_set_room), -ENOMEM.
 */
int raft_propose(struct raft *r, const void *data, u32 len, u64 id);

/*
 * Propose a single-server membership change (leader only).  Returns 0, or
 * -EAGAIN (not leader), -EBUSY (another change not yet committed, or
 * transfer), -EINVAL (it would leave no voter, exceed RAFT_MAX_MEMBERS,
 * or change nothing), -ENOMEM.  The change takes effect on every node as
 * soon as the entry is appended to its log.
 */
int raft_propose_conf_change(struct raft *r, u8 type, u64 node, u64 id);
/*
 * The same, with an opaque context carried in the entry (see version 3
 * above) to every node's log; -EINVAL also when ctx_len exceeds
 * RAFT_CONF_CHANGE_MAX_CONTEXT.
 */
int raft_propose_conf_change_ctx(struct raft *r, u8 type, u64 node,
				 const void *ctx, u32 ctx_len, u64 id);

/*
 * Linearizable read barrier: a raft_read_state with this ctx arrives once
 * the leader confirmed its leadership with a heartbeat round; reads may be
 * served once applied >= its index.  Works on followers (asks the leader).
 * Returns 0, -EAGAIN (no leader known), -ENOMEM.
 */
int raft_read_index(struct raft *r, u64 ctx);

/*
 * The room the caller's log store has left for new entries: a leader
 * refuses a proposal (its own or forwarded) with -ENOSPC when its length
 * plus per_entry bytes exceeds what is left; each accepted one uses that
 * up until the next call.  Configuration changes and the leader's no-op
 * are not counted.  RAFT_ROOM_UNLIMITED (the default) turns it off.
 */
#define RAFT_ROOM_UNLIMITED	(~0ULL)
void raft_set_room(struct raft *r, u64 bytes, u32 per_entry);

/*
 * Hand leadership to voter `to` (leader only): it is brought up to date,
 * then told to campaign at once.  Returns 0, -EAGAIN (not leader),
 * -EINVAL (not a voter, or self).  Abandoned after an election timeout.
 */
int raft_transfer_leader(struct raft *r, u64 to);

/*
 * The caller took a snapshot of its state machine at `index` (<= applied):
 * the core keeps a copy of the blob to send to lagging followers (data
 * NULL with len: the caller keeps it, see raft_config.snap_stream) and
 * drops its log up to index.  Returns 0, -EINVAL (index beyond applied or older
 * than the current snapshot), -ENOMEM.
 */
int raft_compact(struct raft *r, u64 index, const void *data, u64 len);

/* The latest snapshot's metadata (index 0: none), e.g. to persist it. */
void raft_snapshot_meta(const struct raft *r, struct raft_snapshot_meta *meta);

/* Entries up to index (of term `term`) are durable in the local log. */
void raft_persisted(struct raft *r, u64 index, u64 term);

/* The ready's snapshot at index/term is durably installed. */
void raft_snapshot_installed(struct raft *r, u64 index, u64 term);

/*
 * The answer to a fetch: n consecutive entries from f->lo (borrowed, the
 * core copies what it sends), or err < 0 (-ENOENT: compacted away in the
 * store; anything else: could not read) with n = 0.  Returns 0, or -EINVAL
 * when the entries do not match the log (they are then ignored).
 */
int raft_fetched(struct raft *r, const struct raft_fetch *f,
		 const struct raft_entry *ents, u64 n, int err);

/*
 * Quiescing (cfg.quiesce), as CockroachDB quiesces ranges: a leader whose
 * group has had nothing to do for an election timeout (every voter and
 * learner has the whole log and knows the commit index, heard from within
 * two heartbeat intervals, no proposal, read, conf change, transfer or
 * fetch pending) sends each follower a quiescing HEARTBEAT and stops
 * heartbeating; a follower that has the leader's last entry and commit
 * quiesces too.  A quiesced node's raft_tick() does nothing: its caller
 * may stop ticking it until raft_quiesced() says 0 again.  A request of
 * the caller (propose, conf change, read index, transfer), any message
 * but the quiescing heartbeat (and, to a leader, a plain heartbeat
 * answer) and raft_peer_lost() wake the node; a follower that wakes tells
 * its leader.
 */
int raft_quiesced(const struct raft *r);
/*
 * The transport has not heard from @peer for a while (connection down,
 * or no traffic nor liveness probe): a quiesced node wakes; a follower
 * whose leader that is no longer honours its lease and campaigns after
 * its randomized timeout; a leader counts @peer inactive for CheckQuorum.
 * Call it once per loss, not every tick.
 */
void raft_peer_lost(struct raft *r, u64 peer);

int raft_has_ready(struct raft *r);
/* Fills rd; returns 0 or -ENOMEM (then nothing was taken out). */
int raft_ready(struct raft *r, struct raft_ready *rd);
/* rd's committed entries count as applied; rd's memory is released. */
void raft_advance(struct raft *r, struct raft_ready *rd);

/*
 * Introspection (status, tests, simulator).  These only read the node:
 * unlike the calls above they may also be made between raft_ready() and
 * raft_advance().
 */
struct raft_status {
	u64 id;
	u8 role;
	u64 term;
	u64 vote;
	u64 lead;
	u64 commit;
	u64 applied;
	u64 first_index;	/* first index still in the log */
	u64 last_index;
	u64 persisted;		/* durable up to here */
	u64 snap_index;
	u64 snap_term;
	u64 lead_transferee;
	struct raft_conf conf;	/* current (latest appended) configuration */
	u64 mem_first;		/* first index held in memory */
	u64 mem_bytes;		/* what the in-memory entries cost */
	u64 mem_peak;		/* the most they cost since raft_create */
	u64 snap_mem;		/* snapshot bytes held (latest, receiving) */
	u32 fetches;		/* fetches outstanding */
	u8 quiesced;		/* raft_quiesced() */
	u64 quiesces;		/* times this node quiesced */
	u64 wakes;		/* times it woke */
};

void raft_status(const struct raft *r, struct raft_status *st);
/* Term of the entry at index, or 0 if unknown (compacted or beyond). */
u64 raft_term_at(const struct raft *r, u64 index);
/* The configuration in force at index (snapshot index <= index), e.g. for
 * the caller's snapshot of it.
 */
void raft_conf_at_index(const struct raft *r, u64 index,
			struct raft_conf *conf);
/* Peer progress as seen by a leader: -ENOENT if not leader or no peer. */
int raft_peer_progress(const struct raft *r, u64 peer, u64 *match,
		       u64 *next, u8 *state);
const char *raft_role_name(u8 role);

enum raft_progress_state {
	RAFT_PR_PROBE = 0,
	RAFT_PR_REPLICATE,
	RAFT_PR_SNAPSHOT,
};

#endif /* RL_RAFT_H */
