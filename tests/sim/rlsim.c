// SPDX-License-Identifier: GPL-2.0
/*
 * rlsim: a deterministic cluster simulator for the Raft core.
 *
 * One process runs a whole cluster of 3, 5 or 7 core instances (plus the
 * nodes added later by membership changes) in simulated time, everything
 * derived from one seed: the network (drops, duplicates, delays, reorders,
 * symmetric and one-way partitions), each node's disk, crashes and restarts
 * from durable state, membership changes and leadership transfers, and
 * clients proposing on leaders and followers.
 *
 * The disk is one of two kinds, by seed (--disk fua|cache), or a third:
 *  - FUA: a write is durable when the device completes it, in order; a
 *    crash keeps a prefix of the queued writes and may tear the next.
 *  - a volatile cache: writes complete into the cache in any order, the
 *    caller flushes what completed, and only a completed flush makes them
 *    durable.  A crash keeps what flushes covered plus any subset of the
 *    rest, some torn or corrupt; recovery keeps the longest prefix of
 *    intact records, and the newest hard-state copy that survived.
 *  - FIFO (--disk fifo, never by seed): the first disk, FUA with local
 *    snapshots durable at once and no device errors; the seeds found
 *    with it replay on it unchanged (regress.sh).
 * On the FUA and cache disks a local snapshot (compaction) is a write of
 * its own, durable like the others (after a flush on the cache): a crash
 * before keeps the previous snapshot and the whole log.  Writes, flushes
 * and boot-time reads may fail with EIO (--eio N per 1000, by seed 0 or
 * 1), which fails the node like a crash.
 *
 * Each node is driven exactly as a correct caller must drive the core:
 * hard state and entries of a ready batch are queued to the disk in order,
 * msgs go out at once, msgs_after_persist only when the batch (and every
 * batch before it) is durable, then raft_persisted() is reported.  Broken
 * callers prove the checker sees what a caller gets wrong (make selftest):
 * --ack-before-persist, and on the cache --no-flush (reports a write once
 * it is in the cache, before a flush covered it), --report-unordered
 * (once a write is flushed, reports it and every earlier one, durable or
 * not),
 * --flush-inflight (counts a flush as covering writes still in flight
 * when it was issued) and --eio-ignore (a failed write counts as
 * written); on both --compact-early (drops the records a snapshot covers
 * before the snapshot is durable); also --hs-unordered (see
 * crash_cached).
 *
 * The bounds of a node (issue 13), each from a stream of its own so the
 * other streams replay unchanged: the core's in-memory log is bounded by
 * max_log_mem (older entries read back from the disk through fetches,
 * which may fail); the log's ring on the disk has a capacity (16..80
 * client entries by seed; off in a quarter of the seeds and on the FIFO
 * disk), and like the kernel's retention each node compacts at a
 * watermark, keeping the newest `retain` applied entries, never past the
 * application's snapshot, while the room left is the core's
 * raft_set_room, so a leader with a full ring refuses proposals (ENOSPC,
 * a definite error: such a proposal must never commit).  The simulated
 * application's state is a chain over the client proposals it applied;
 * in two seeds of three it takes application snapshots (now and then,
 * and under ring pressure; its first before retention may compact), else
 * it is a log consumer whose state a compaction saves with the log's.  A
 * snapshot blob carries that state; a node that installs one or boots
 * from one restores its application from those bytes.  The broken
 * --compact-past-appsnap retention compacts past the application's
 * snapshot; the broken --room-full caller gives the core the ring's size
 * as its room instead of what is free (a leader's client entries must fit
 * what was free: room_use).
 *
 * After every event the checker verifies:
 *  - at most one leader per term;
 *  - log matching: one (index, term) anywhere, ever, means one entry and
 *    one prefix (chain hashes);
 *  - leader completeness: a leader holds every entry committed in an
 *    earlier term;
 *  - every node's committed prefix, and every applied entry and installed
 *    snapshot, is a prefix of the one committed sequence, which never
 *    changes (so nothing committed is lost, also across crashes);
 *  - committed entries are safe: no node that could still win an election
 *    lacks one (catches a figure-8 commit the moment it happens);
 *  - hard state never goes back (term) nor changes its vote in a term,
 *    in memory and on disk; a node never votes for two candidates in one
 *    term, and a crash never forgets a vote it already sent;
 *  - one membership change at a time: a configuration change is appended
 *    only once every earlier one in that log is committed; and it takes
 *    effect on a node as soon as the node appends it (not at commit);
 *  - each client proposal commits at most once, exactly where and when it
 *    was acknowledged, never after a definite error;
 *  - ReadIndex answers are linearizable (cover everything committed before
 *    the read was issued, nothing beyond what is committed);
 *  - each node's application state is that of the committed prefix up to
 *    the index the node applied, after every compaction, InstallSnapshot,
 *    crash and restart (so no acknowledged entry is lost or doubled when
 *    retention compacts: an acknowledged proposal is in the committed
 *    sequence at its index, so in the state of every node past it);
 *  - backpressure: a leader appends client entries only while its ring
 *    has room for them (else the proposal is refused, ENOSPC);
 *  - the in-memory log holds no more than max_log_mem bytes while any of
 *    it could be evicted (durable and applied), and never evicts an entry
 *    not yet durable or applied (check_window);
 * and every round the faults heal and a voter must lead and commit a
 * fresh proposal within a bound (liveness).  A violation prints the last
 * events, the cluster state and the command that replays the seed.
 *
 * Known defects of the core found by this simulator (replay with the
 * command shown; seeds shift whenever the core changes):
 *  - A duplicated forwarded PROPOSE is appended twice by the leader, so one
 *    client proposal commits twice.  The network therefore does not
 *    duplicate PROPOSE messages unless --dup-propose is given:
 *      tests/sim/rlsim --seed 2 --nodes 7 --dup-propose
 *  - A duplicated READ_INDEX gives the client a second answer for one
 *    read when it was asked of the leader itself (each still
 *    linearizable; tolerated, counted).  A follower's forwarded read takes
 *    one answer, from the leader it asked, since the core tracks them.
 *  - In the first core commits, since fixed: a peer whose APPEND window
 *    filled with lost messages stalled replication for good (liveness);
 *    a proposal was reported -ECANCELED when an uncommitted entry of
 *    another term sat at its index, and then committed; a joiner booted
 *    with an empty configuration never learned the bootstrap voters, then
 *    forgot them after a restart and elected itself alone.
 *  - Since fixed too: without pre-vote and CheckQuorum, a member removed
 *    while cut off campaigned forever and each vote request deposed the
 *    leader (seeds 21817, 63805, 80801: "make regress"); a proposal past
 *    the end of a new leader's log waited until the log grew past it
 *    (found by the check that every waiting proposal ends after a heal).
 */
#include <getopt.h>
#include <stdarg.h>
#include <time.h>

#include "raft/raft.h"

#ifndef RLSIM_NAME
#define RLSIM_NAME "tests/sim/rlsim"
#endif

#define MAXID		40	/* node ids 1..MAXID-1, never reused */
#define TICK		10	/* time units per tick */
#define ELECTION	10	/* election timeout in ticks */
#define ROUND		1500	/* time units of faults between heals */
#define LIVE_TICKS	(25 * ELECTION)	/* liveness bound after a heal */
/* then every waiting proposal ends (forwarded ones time out in 2) */
#define END_TICKS	(4 * ELECTION)
#ifndef TRACE_N
#define TRACE_N		400
#endif
#define TRACE_W		200
/*
 * Snapshot blob: applied index, chain hash, then filler derived from both
 * (so a small max_size_per_msg sends it in several chunks, and a chunk
 * lost, repeated or misplaced shows).
 */
#define BLOB_LEN	300
#define PAYLOAD_LEN	16	/* client entry: 'P' + id + filler */

/* ------------------------------------------------------------------ */
/* Seeded PRNG (splitmix64)                                            */

static u64 rng_next(u64 *s)
{
	u64 z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static u64 mix(u64 a, u64 b)
{
	u64 s = a ^ (b * 0xff51afd7ed558ccdULL);

	return rng_next(&s);
}

static u64 hash_bytes(const u8 *p, u32 n)
{
	u64 h = 0xcbf29ce484222325ULL;
	u32 i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

/* The hash of an entry chained with the hash of everything before it. */
static u64 chain(u64 prev, u64 index, u64 term, u8 type, const u8 *d, u32 n)
{
	u64 h = mix(prev, index);

	h = mix(h, term);
	h = mix(h, type);
	return mix(h, hash_bytes(d, n) ^ n);
}

/* ------------------------------------------------------------------ */
/* Logs as the simulator sees them                                     */

struct ment {
	u64 term;
	u64 h;			/* chain hash up to and including this */
	u64 app;		/* the application's state after this entry */
	u8 type;
	u32 len;
	u8 *data;
};

/* Entries base+1 .. base+n; base/base_term/base_h describe the snapshot. */
struct elog {
	u64 base;
	u64 base_term;
	u64 base_h;
	u64 base_app;		/* the application's state at base */
	struct ment *e;
	u64 n;
	u64 cap;
};

static u64 elog_last(const struct elog *l)
{
	return l->base + l->n;
}

static struct ment *elog_at(const struct elog *l, u64 i)
{
	if (i <= l->base || i > elog_last(l))
		return NULL;
	return &l->e[i - l->base - 1];
}

/*
 * The simulated application's state machine: a chain over the client
 * proposals applied, in order (entries without one leave it as it is), so
 * an entry lost or applied twice changes every later state.
 */
static u64 app_next(u64 prev, u64 pid)
{
	return pid ? mix(prev ^ 0xa99a99ULL, pid) : prev;
}

/* The application's state after entry i (i in base..last). */
static u64 elog_app(const struct elog *l, u64 i)
{
	if (i == l->base || i < l->base || i > l->base + l->n)
		return l->base_app;
	return l->e[i - l->base - 1].app;
}

/* Chain hash at i, with 1 if known (i in base..last). */
static int elog_hash(const struct elog *l, u64 i, u64 *h)
{
	if (i == l->base) {
		*h = l->base_h;
		return 1;
	}
	if (i < l->base || i > elog_last(l))
		return 0;
	*h = l->e[i - l->base - 1].h;
	return 1;
}

static void elog_truncate(struct elog *l, u64 from)
{
	while (l->n && elog_last(l) >= from) {
		free(l->e[l->n - 1].data);
		l->n--;
	}
}

static void elog_reset(struct elog *l, u64 base, u64 term, u64 h, u64 app)
{
	elog_truncate(l, 0);
	l->base = base;
	l->base_term = term;
	l->base_h = h;
	l->base_app = app;
}

static void elog_free(struct elog *l)
{
	elog_truncate(l, 0);
	free(l->e);
	memset(l, 0, sizeof(*l));
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "rlsim: out of memory\n");
		exit(2);
	}
	return p;
}

static u8 *dupbytes(const u8 *d, u32 n)
{
	u8 *p;

	if (!n)
		return NULL;
	p = xrealloc(NULL, n);
	memcpy(p, d, n);
	return p;
}

static void elog_push(struct elog *l, u64 term, u64 h, u64 app, u8 type,
		      const u8 *d, u32 len)
{
	struct ment *m;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->e = xrealloc(l->e, l->cap * sizeof(*l->e));
	}
	m = &l->e[l->n++];
	m->term = term;
	m->h = h;
	m->app = app;
	m->type = type;
	m->len = len;
	m->data = dupbytes(d, len);
}

/* Drop entries up to index (index in base..last), keeping its hash. */
static void elog_compact(struct elog *l, u64 index)
{
	u64 drop, i;
	struct ment *m = elog_at(l, index);

	if (!m)
		return;
	l->base_term = m->term;
	l->base_h = m->h;
	l->base_app = m->app;
	drop = index - l->base;
	for (i = 0; i < drop; i++)
		free(l->e[i].data);
	memmove(l->e, l->e + drop, (l->n - drop) * sizeof(*l->e));
	l->n -= drop;
	l->base = index;
}

/* ------------------------------------------------------------------ */
/* Simulation state                                                    */

struct witem {			/* one ready batch on its way to the disk */
	struct witem *next;
	u64 done;		/* time the device completes it */
	u8 has_hs;
	struct raft_hard_state hs;
	u8 has_snap;
	struct raft_snapshot_meta snap;
	u64 snap_h;
	u64 snap_a, snap_av;	/* its blob's application section */
	u64 trunc_from;		/* 0: no entries */
	struct ment *ents;
	u64 n_ents;
	struct raft_msg *after;
	u32 n_after;
	/*
	 * A local snapshot (raft_compact): its own area, all or nothing
	 * (checksummed); once durable the log up to snap.index goes.  Not
	 * on the FIFO disk, where compaction is durable at once.
	 */
	u8 compact;
	/* volatile-cache disks (see disk_cache_step) */
	u8 cached;		/* the device took it into its cache */
	u8 flushing;		/* a flush in flight covers it (2: claims to) */
	u8 acked;		/* the caller counts it flushed */
	u8 durable;		/* on the media: a completed flush covered it */
	u8 failed;		/* the device failed it (--eio-ignore) */
	u8 reported;		/* told the core and sent its messages */
};

struct disk {
	struct raft_hard_state hs;
	struct raft_snapshot_meta snap;
	/* the snapshot blob's application section (see blob_make) */
	u64 app_at, app_v;
	struct elog log;	/* base = snap.index, base_h = snapshot's */
};

enum { N_UNUSED = 0, N_UP, N_DOWN, N_GONE };

/* A fetch the core asked for, answered from the disk later. */
struct sfetch {
	struct raft_fetch f;
	u64 due;
	u64 term;		/* the leader's term when it asked */
	struct sfetch *next;
};

struct node {
	u64 id;
	u8 state;
	u32 phase;
	u64 rng;
	u64 incarnation;
	struct raft *r;
	struct disk disk;
	struct elog mem;	/* mirror of the core's log */
	u64 applied;
	u64 applied_h;
	/*
	 * The simulated application: its state (app_next over what it
	 * applied) is that of index app_at, which must always be `applied`;
	 * it is restored from a snapshot blob's application section.  Its
	 * latest application snapshot (0: none), which retention never
	 * compacts past.
	 */
	u64 app_at, app_v;
	u64 app_snap, app_snap_v;
	/*
	 * What its ring had free when the core last learned its room (~0:
	 * not yet), less each client entry it appended since as leader.
	 */
	u64 room_left;
	u64 commit_seen;	/* monotonic while up */
	u64 hs_term, hs_vote;	/* last hard state handed out */
	u64 told_term, told_vote;	/* newest vote it sent (votes_told) */
	struct witem *wq, *wq_tail;
	u64 flush_done;		/* volatile cache: flush in flight ends (0 none) */
	u64 cc_deferred;	/* conf change to check at the drain's end */
	u64 stop_at;		/* removed: stop at this time (0 none) */
	u64 doom_at;		/* crash at this time (0 none) */
	struct sfetch *fq;	/* fetches not answered yet */
	/*
	 * Streaming (odd seeds, cfg.snap_stream, as a group with a device
	 * runs): the core holds no snapshot bytes.  cur is the blob of the
	 * snapshot the core has (what it would have held), which this node's
	 * SNAPSHOT messages are filled in from as they go; stg the one being
	 * received, from the chunks the core hands out once each.
	 */
	u8 cur[BLOB_LEN];
	u8 stg[BLOB_LEN];
	u32 stg_len;
	/*
	 * The transport's liveness detector (quiescing): since when peer p
	 * has not been heard (0: it is), and whether the loss was told.
	 */
	u64 lost_since[MAXID];
	u8 lost_told[MAXID];
	u8 quiesced;		/* as the core said after the last drain */
};

struct tent {			/* one committed entry, the truth */
	u64 term;
	u64 h;
	u64 app;		/* the application's state after it */
	u64 pid;
	u64 commit_term;	/* lowest term of a node seeing it committed */
	u8 type;
	u8 cc_type;
	u64 cc_node;
};

enum { P_PENDING = 1, P_OK, P_FAILED, P_UNKNOWN };
enum { K_CLIENT = 1, K_CONF, K_PROBE };

struct prop {
	u8 kind;
	u8 state;
	u8 cc_type;
	s32 err;
	u64 node;
	u64 index, term;	/* acknowledged */
	u32 ncommit;
	u64 cidx;		/* where it committed */
	u64 cc_node;
};

struct rread {			/* a ReadIndex request */
	u64 node;
	u64 node_inc;		/* incarnation of the node */
	u64 floor;		/* committed entries when it was issued */
	u64 index;		/* answer */
	s32 err;
	u8 pending;
	u8 answered;
};

struct inflight {
	u64 time;
	u64 seq;
	struct raft_msg m;
};

struct kv {
	u64 index, term, h;
};

struct params {
	u32 heartbeat;
	u8 pre_vote, check_quorum;
	u32 inflight;
	u32 max_ents;
	u64 max_size;
	u64 max_uncommitted;
	u32 disk_lat;
	u32 net_min, net_jit;
	u32 propose_pm;		/* client proposals per 1000 units */
	u32 leader_crash_pm;	/* per 1000 units */
	u32 doom_pm;		/* new leaders crashed soon, per 1000 */
	u32 restart_pm;
	u64 log_mem;		/* the core's max_log_mem (0: unlimited) */
	u32 fetch_lat;		/* fetches: read-back latency */
	u32 fetch_eio_pm;	/* fetches failing, per 1000 */
	u8 gap_boot;		/* boot with the applied log left on disk */
	/*
	 * Retention (0: off): each node's simulated ring holds ring_cap
	 * bytes of entries (payload plus RAFT_LOG_ENTRY_COST each); at
	 * compact_at percent it compacts, keeping the newest `retain`
	 * applied entries (never past the application's snapshot), and the
	 * room left is the core's raft_set_room (backpressure).
	 */
	u64 ring_cap;
	u32 compact_at;
	u32 retain;
	/* the application takes snapshots (else it is a log consumer) */
	u8 app_snaps;
	u8 stream;		/* cfg.snap_stream (odd seeds) */
	u32 app_pm;		/* its snapshots per tick under pressure */
	u8 cache;		/* 0: writes durable on completion (FUA) */
	u8 fifo;		/* the first disk: FUA, compaction durable at
				 * once, no device errors */
	u32 flush_lat;		/* volatile cache: flush latency */
	u32 eio_pm;		/* writes and flushes failing, per 1000 */
	/*
	 * Quiescing (raft_quiesced): on in three seeds of four; a node
	 * learns that a peer it cannot hear (crashed, cut off) is lost
	 * after `detect` units (raft_peer_lost), as the kernel's transport
	 * does after its liveness probes go unanswered.
	 */
	u8 quiesce;
	u32 detect;
};

struct sim {
	u64 seed;
	u32 n_init;
	u32 steps;
	int verbose;
	int dup_propose;
	int joiner_empty;
	int ack_early;
	int no_flush;		/* broken caller: reports writes before a flush */
	int hs_unordered;	/* broken caller: hard state without a preflush */
	/* broken callers of a volatile cache (see disk_cache_step) */
	int report_unordered;	/* reports a write before earlier ones */
	int flush_inflight;	/* a flush covers writes still in flight */
	int eio_ignore;		/* a failed write counts as written */
	int compact_early;	/* drops records before their snapshot is saved */
	int past_appsnap;	/* retention compacts past the app's snapshot */
	int room_full;		/* tells the core the ring's size as its room */
	int no_electable;
	int faults;		/* in a fault period */
	u64 drng;		/* the disk model's own stream */
	u64 mrng;		/* the memory bound model's own stream */
	u64 fetches, fetch_errs, gap_boots;
	u64 rrng;		/* the retention model's own stream */
	u64 retentions, app_snaps, restores, nospc, ring_peak;
	u64 eios, lost_writes, snaps_lost;
	u64 rng;
	u64 now;
	struct params p;

	struct node nodes[MAXID];
	u64 next_id;

	/* network */
	struct inflight **heap;
	u32 n_heap, cap_heap;
	u64 seq;
	u8 cut[MAXID][MAXID];
	u32 drop_pm, dup_pm;

	/* truth */
	struct tent *truth;	/* truth[1..truth_n] */
	u64 truth_n, truth_cap;
	struct raft_conf conf0;	/* the initial configuration */

	u64 *leader_of;		/* leader_of[term] */
	u64 leader_cap;

	struct kv *tab;		/* (index, term) -> chain hash */
	u64 tab_n, tab_cap;

	struct prop *props;	/* props[pid] */
	u64 n_props, cap_props;
	struct rread *reads;	/* reads[ctx] */
	u64 n_reads, cap_reads;
	u64 reads_ok, reads_dup;
	u64 probe;		/* pid of the liveness probe, 0 none */
	u64 probe_floor;	/* first probe of this liveness window */
	u64 probe_time;
	int live_ok;		/* a probe of this window committed */

	/* trace and failure */
	char trace[TRACE_N][TRACE_W];
	u64 n_trace;
	int failed;
	char why[512];

	/* stats */
	u64 events, msgs_sent, crashes, max_term, elections;
	u64 quiesces, wakes, lost_told;
	u64 quiet_until;	/* no clients until then: groups go idle */
};

static void trace(struct sim *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void trace(struct sim *s, const char *fmt, ...)
{
	char *line = s->trace[s->n_trace++ % TRACE_N];
	int k;
	va_list ap;

	k = snprintf(line, TRACE_W, "%7llu ", (unsigned long long)s->now);
	va_start(ap, fmt);
	vsnprintf(line + k, TRACE_W - k, fmt, ap);
	va_end(ap);
	if (s->verbose > 1)
		printf("#   %s\n", line);
}

static void fail(struct sim *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail(struct sim *s, const char *fmt, ...)
{
	va_list ap;

	if (s->failed)
		return;
	s->failed = 1;
	va_start(ap, fmt);
	vsnprintf(s->why, sizeof(s->why), fmt, ap);
	va_end(ap);
	trace(s, "VIOLATION: %s", s->why);
}

static u32 rnd(struct sim *s, u32 n)
{
	return n ? (u32)(rng_next(&s->rng) % n) : 0;
}

static int chance(struct sim *s, u32 permille)
{
	return rnd(s, 1000) < permille;
}

/*
 * The disk model's decisions come from a stream of their own, so seeds run
 * with the FUA disk (--disk fua) replay exactly as before it existed.
 */
static u32 drnd(struct sim *s, u32 n)
{
	return n ? (u32)(rng_next(&s->drng) % n) : 0;
}

static u32 mrnd(struct sim *s, u32 n)
{
	return n ? (u32)(rng_next(&s->mrng) % n) : 0;
}

static int dchance(struct sim *s, u32 permille)
{
	return drnd(s, 1000) < permille;
}

#define ULL(x) ((unsigned long long)(x))

/* ------------------------------------------------------------------ */
/* (index, term) -> chain hash: log matching across all nodes, all time */

static struct kv *tab_find(struct sim *s, u64 index, u64 term)
{
	u64 i = mix(index, term) & (s->tab_cap - 1);

	for (;;) {
		struct kv *k = &s->tab[i];

		if (!k->index || (k->index == index && k->term == term))
			return k;
		i = (i + 1) & (s->tab_cap - 1);
	}
}

static void tab_check(struct sim *s, u64 node, u64 index, u64 term, u64 h)
{
	struct kv *k;

	if (!index)
		return;
	if (2 * (s->tab_n + 1) > s->tab_cap) {
		struct kv *old = s->tab;
		u64 oc = s->tab_cap, i;

		s->tab_cap = oc ? 2 * oc : 1024;
		s->tab = calloc(s->tab_cap, sizeof(*s->tab));
		if (!s->tab)
			exit(2);
		for (i = 0; i < oc; i++)
			if (old[i].index)
				*tab_find(s, old[i].index, old[i].term) = old[i];
		free(old);
	}
	k = tab_find(s, index, term);
	if (!k->index) {
		k->index = index;
		k->term = term;
		k->h = h;
		s->tab_n++;
	} else if (k->h != h) {
		fail(s, "log matching: node %llu has an entry at index %llu term %llu whose content or prefix differs from another node's",
		     ULL(node), ULL(index), ULL(term));
	}
}

/* ------------------------------------------------------------------ */
/* Proposals                                                           */

static u64 prop_new(struct sim *s, u8 kind, u64 node)
{
	struct prop *p;

	if (s->n_props + 1 >= s->cap_props) {
		s->cap_props = s->cap_props ? 2 * s->cap_props : 256;
		s->props = xrealloc(s->props, s->cap_props * sizeof(*p));
	}
	p = &s->props[++s->n_props];
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->state = P_PENDING;
	p->node = node;
	return s->n_props;
}

static struct prop *prop_get(struct sim *s, u64 pid)
{
	if (!pid || pid > s->n_props)
		return NULL;
	return &s->props[pid];
}

static u64 payload_pid(u8 type, const u8 *d, u32 len)
{
	if (type != RAFT_ENTRY_NORMAL || len != PAYLOAD_LEN || d[0] != 'P')
		return 0;
	return rl_get_le64(d + 1);
}

/* ------------------------------------------------------------------ */
/* Configurations (independent of the core's implementation)          */

static int ids_find(const u64 *ids, u32 n, u64 id)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return (int)i;
	return -1;
}

static void ids_del(u64 *ids, u32 *n, u64 id)
{
	int i = ids_find(ids, *n, id);

	if (i >= 0)
		ids[i] = ids[--(*n)];
}

static void conf_apply(struct raft_conf *c, u8 type, u64 node)
{
	int v = ids_find(c->voters, c->n_voters, node) >= 0;
	int l = ids_find(c->learners, c->n_learners, node) >= 0;

	switch (type) {
	case RAFT_CC_ADD_VOTER:
		if (v || c->n_voters >= RAFT_MAX_MEMBERS)
			return;
		ids_del(c->learners, &c->n_learners, node);
		c->voters[c->n_voters++] = node;
		break;
	case RAFT_CC_ADD_LEARNER:
		if (l || c->n_learners >= RAFT_MAX_MEMBERS ||
		    (v && c->n_voters == 1))
			return;
		ids_del(c->voters, &c->n_voters, node);
		c->learners[c->n_learners++] = node;
		break;
	case RAFT_CC_REMOVE:
		if (v && c->n_voters == 1)
			return;
		ids_del(c->voters, &c->n_voters, node);
		ids_del(c->learners, &c->n_learners, node);
		break;
	}
}

/* The committed configuration as of truth index `upto`. */
static void conf_at(struct sim *s, u64 upto, struct raft_conf *c)
{
	u64 i;

	*c = s->conf0;
	for (i = 1; i <= upto && i <= s->truth_n; i++)
		if (s->truth[i].type == RAFT_ENTRY_CONF_CHANGE)
			conf_apply(c, s->truth[i].cc_type, s->truth[i].cc_node);
}

/* ------------------------------------------------------------------ */
/* The truth: the one committed sequence                               */

/*
 * Entry `index` is committed as seen by node `node` at term `term`.  The
 * first sighting defines it; later ones must agree.  Tracks proposals that
 * commit: each at most once, never one reported as failed.
 */
static void truth_extend(struct sim *s, u64 node, u64 term, u64 index,
			 const struct ment *m)
{
	struct tent *t;
	struct prop *p;
	u64 pid;

	if (index <= s->truth_n) {
		t = &s->truth[index];
		if (t->h != m->h)
			fail(s, "committed entry changed: node %llu has index %llu term %llu committed, but the committed entry there is term %llu (or its prefix differs)",
			     ULL(node), ULL(index), ULL(m->term), ULL(t->term));
		if (term < t->commit_term)
			t->commit_term = term;
		return;
	}
	if (index != s->truth_n + 1) {
		fail(s, "internal: truth gap at %llu (have %llu)", ULL(index),
		     ULL(s->truth_n));
		return;
	}
	if (index >= s->truth_cap) {
		s->truth_cap = s->truth_cap ? 2 * s->truth_cap : 1024;
		s->truth = xrealloc(s->truth, s->truth_cap * sizeof(*t));
	}
	t = &s->truth[++s->truth_n];
	memset(t, 0, sizeof(*t));
	t->term = m->term;
	t->h = m->h;
	t->type = m->type;
	t->commit_term = term;
	t->app = app_next(index > 1 ? s->truth[index - 1].app : 0,
			  payload_pid(m->type, m->data, m->len));
	if (m->type == RAFT_ENTRY_CONF_CHANGE) {
		const u8 *ctx;
		char want[32];
		u32 clen;

		if (raft_conf_change_decode_ctx(m->data, m->len, &t->cc_type,
						&t->cc_node, NULL, &ctx, &clen))
			fail(s, "committed conf change at %llu does not decode",
			     ULL(index));
		snprintf(want, sizeof(want), "addr-of-%llu", ULL(t->cc_node));
		if (clen && (t->cc_type != RAFT_CC_ADD_LEARNER ||
			     clen != strlen(want) || memcmp(ctx, want, clen)))
			fail(s, "conf change at %llu carries a wrong context",
			     ULL(index));
		trace(s, "commit %llu: conf change %u node %llu", ULL(index),
		      t->cc_type, ULL(t->cc_node));
		if (t->cc_type == RAFT_CC_REMOVE && t->cc_node < MAXID &&
		    s->nodes[t->cc_node].state != N_UNUSED &&
		    s->nodes[t->cc_node].state != N_GONE &&
		    !s->nodes[t->cc_node].stop_at)
			/* let the removed node run a while, then stop it */
			s->nodes[t->cc_node].stop_at = s->now + 1 + rnd(s, 400);
		return;
	}
	pid = payload_pid(m->type, m->data, m->len);
	t->pid = pid;
	if (!pid)
		return;
	p = prop_get(s, pid);
	if (!p) {
		fail(s, "committed entry %llu carries unknown proposal %llu",
		     ULL(index), ULL(pid));
		return;
	}
	p->ncommit++;
	if (p->ncommit > 1)
		fail(s, "proposal %llu committed twice (at %llu and %llu)",
		     ULL(pid), ULL(p->cidx), ULL(index));
	p->cidx = index;
	if (p->kind == K_PROBE && pid >= s->probe_floor)
		s->live_ok = 1;
	if (p->state == P_FAILED)
		fail(s, "proposal %llu was answered with definite error %d but committed at %llu",
		     ULL(pid), p->err, ULL(index));
	if (p->state == P_OK && (p->index != index || p->term != m->term))
		fail(s, "proposal %llu acknowledged at %llu/%llu but committed at %llu/%llu",
		     ULL(pid), ULL(p->index), ULL(p->term), ULL(index),
		     ULL(m->term));
}

/* ------------------------------------------------------------------ */
/* Network                                                             */

static int heap_less(const struct inflight *a, const struct inflight *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static void heap_push(struct sim *s, struct inflight *f)
{
	u32 i;

	if (s->n_heap == s->cap_heap) {
		s->cap_heap = s->cap_heap ? 2 * s->cap_heap : 256;
		s->heap = xrealloc(s->heap, s->cap_heap * sizeof(*s->heap));
	}
	i = s->n_heap++;
	while (i && heap_less(f, s->heap[(i - 1) / 2])) {
		s->heap[i] = s->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	s->heap[i] = f;
}

static struct inflight *heap_pop(struct sim *s)
{
	struct inflight *top = s->heap[0], *last;
	u32 i = 0;

	last = s->heap[--s->n_heap];
	for (;;) {
		u32 c = 2 * i + 1;

		if (c >= s->n_heap)
			break;
		if (c + 1 < s->n_heap && heap_less(s->heap[c + 1], s->heap[c]))
			c++;
		if (!heap_less(s->heap[c], last))
			break;
		s->heap[i] = s->heap[c];
		i = c;
	}
	if (s->n_heap)
		s->heap[i] = last;
	return top;
}

/*
 * Votes told to others: a candidate's VOTE is its vote for itself, a
 * granted VOTE_RESP one for the candidate.  Raft 5.2: at most one vote per
 * term, ever; so the vote must be durable before it leaves the node (see
 * votes_kept).  Called as a message leaves its node.
 */
static void votes_told(struct sim *s, const struct raft_msg *m)
{
	struct node *n = m->from < MAXID ? &s->nodes[m->from] : NULL;
	u64 cand;

	if (m->type == RAFT_MSG_VOTE)
		cand = m->from;
	else if (m->type == RAFT_MSG_VOTE_RESP && !m->reject)
		cand = m->to;
	else
		return;
	if (!n)
		return;
	if (m->term < n->told_term ||
	    (m->term == n->told_term && cand != n->told_vote))
		fail(s, "node %llu votes for %llu in term %llu after it voted for %llu in term %llu",
		     ULL(n->id), ULL(cand), ULL(m->term), ULL(n->told_vote),
		     ULL(n->told_term));
	n->told_term = m->term;
	n->told_vote = cand;
}

/*
 * After a crash: the durable hard state still holds every vote sent (not
 * with --no-electable-check, which judges by consequences only: a vote
 * forgotten shows when the node votes again in that term, votes_told).
 */
static void votes_kept(struct sim *s, struct node *n)
{
	const struct raft_hard_state *hs = &n->disk.hs;

	if (!n->told_term || hs->term > n->told_term ||
	    (hs->term == n->told_term && hs->vote == n->told_vote))
		return;
	fail(s, "node %llu crashed and its durable hard state (term %llu vote %llu) forgot its vote for %llu in term %llu, already sent",
	     ULL(n->id), ULL(hs->term), ULL(hs->vote), ULL(n->told_vote),
	     ULL(n->told_term));
}

/* A chunk the core left empty: from the sender's stored snapshot. */
static void stream_fill(struct sim *s, struct raft_msg *m)
{
	const struct node *n = &s->nodes[m->from];

	if (!s->p.stream || m->snap_offset > BLOB_LEN ||
	    m->snap_len > BLOB_LEN - m->snap_offset) {
		fail(s, "node %llu sends a chunk %llu+%u with no data",
		     ULL(m->from), ULL(m->snap_offset), m->snap_len);
		return;
	}
	m->snap_data = xrealloc(NULL, m->snap_len);
	memcpy(m->snap_data, n->cur + m->snap_offset, m->snap_len);
}

static void net_send(struct sim *s, const struct raft_msg *m)
{
	int copies = 1, i;

	s->msgs_sent++;
	votes_told(s, m);
	if (chance(s, s->drop_pm))
		return;
	/*
	 * The core does not recognise a duplicated forwarded proposal (the
	 * leader appends it twice): known defect, see the report; only
	 * --dup-propose lets the network duplicate PROPOSE messages.
	 */
	if (chance(s, s->dup_pm) &&
	    (m->type != RAFT_MSG_PROPOSE || s->dup_propose))
		copies = 2;
	for (i = 0; i < copies; i++) {
		struct inflight *f = xrealloc(NULL, sizeof(*f));

		if (raft_msg_clone(&f->m, m)) {
			fprintf(stderr, "rlsim: out of memory\n");
			exit(2);
		}
		if (f->m.type == RAFT_MSG_SNAPSHOT && f->m.snap_len &&
		    !f->m.snap_data)
			stream_fill(s, &f->m);
		f->time = s->now + s->p.net_min + rnd(s, s->p.net_jit + 1);
		f->seq = s->seq++;
		heap_push(s, f);
	}
}

/* ------------------------------------------------------------------ */
/* Nodes: boot, drain the ready loop, disk, crash                      */

/*
 * The blob: what the log up to index is (index, chain hash, as the
 * group's own header says what a snapshot covers), then the application's
 * section: its state app_v as of index app_at (as it saved it in its
 * latest application snapshot; a log consumer's is the log's own state at
 * index), then filler derived from all four.
 */
static void blob_make(u8 *b, u64 index, u64 h, u64 app_at, u64 app_v)
{
	u64 st = mix(mix(index, h), mix(app_at, app_v));
	u32 i;

	rl_put_le64(b, index);
	rl_put_le64(b + 8, h);
	rl_put_le64(b + 16, app_at);
	rl_put_le64(b + 24, app_v);
	for (i = 32; i < BLOB_LEN; i++)
		b[i] = (u8)rng_next(&st);
}

static int blob_ok(const u8 *b, u64 len, u64 index)
{
	u8 want[BLOB_LEN];

	if (len != BLOB_LEN || rl_get_le64(b) != index ||
	    rl_get_le64(b + 16) > index)
		return 0;
	blob_make(want, index, rl_get_le64(b + 8), rl_get_le64(b + 16),
		  rl_get_le64(b + 24));
	return !memcmp(want, b, BLOB_LEN);
}

static u32 node_rand(void *cookie)
{
	struct node *n = cookie;

	return (u32)(rng_next(&n->rng) >> 32);
}

static void handle_result(struct sim *s, struct node *n,
			  const struct raft_proposal_result *res)
{
	struct prop *p = prop_get(s, res->id);
	struct tent *t;

	if (!p) {
		fail(s, "node %llu reported a result for unknown proposal %llu",
		     ULL(n->id), ULL(res->id));
		return;
	}
	if (p->node != n->id || p->state != P_PENDING) {
		fail(s, "node %llu reported a second or foreign result for proposal %llu (err %d)",
		     ULL(n->id), ULL(res->id), res->err);
		return;
	}
	trace(s, "n%llu result p%llu err %d at %llu/%llu", ULL(n->id),
	      ULL(res->id), res->err, ULL(res->index), ULL(res->term));
	p->err = res->err;
	if (res->err == 0) {
		p->state = P_OK;
		p->index = res->index;
		p->term = res->term;
		if (res->index > s->truth_n) {
			fail(s, "proposal %llu acknowledged at %llu/%llu before that index committed",
			     ULL(res->id), ULL(res->index), ULL(res->term));
			return;
		}
		t = &s->truth[res->index];
		if (t->term != res->term)
			fail(s, "proposal %llu acknowledged at %llu/%llu but the committed entry there has term %llu",
			     ULL(res->id), ULL(res->index), ULL(res->term),
			     ULL(t->term));
		else if (p->kind == K_CONF &&
			 (t->type != RAFT_ENTRY_CONF_CHANGE ||
			  t->cc_type != p->cc_type || t->cc_node != p->cc_node))
			fail(s, "conf change %llu acknowledged at %llu but another entry committed there",
			     ULL(res->id), ULL(res->index));
		else if (p->kind != K_CONF &&
			 (t->pid != res->id || p->ncommit != 1))
			fail(s, "proposal %llu acknowledged at %llu/%llu but that entry is proposal %llu (committed %u times)",
			     ULL(res->id), ULL(res->index), ULL(res->term),
			     ULL(t->pid), p->ncommit);
		return;
	}
	if (res->err == -ENOSPC && s->p.ring_cap)
		s->nospc++;	/* a forwarded one, refused by the leader */
	switch (res->err) {
	case -ENOSPC:
		if (!s->p.ring_cap) {
			fail(s, "proposal %llu: -ENOSPC without a ring bound",
			     ULL(res->id));
			break;
		}
		/* fall through */
	case -EAGAIN:
	case -ENOBUFS:
	case -EBUSY:
	case -ECANCELED:
	case -EINVAL:
		p->state = P_FAILED;
		if (p->ncommit && p->kind != K_CONF)
			fail(s, "proposal %llu answered with definite error %d but it committed at %llu",
			     ULL(res->id), res->err, ULL(p->cidx));
		break;
	case -ETIMEDOUT:
		p->state = P_UNKNOWN;
		break;
	default:
		fail(s, "proposal %llu: unexpected error %d", ULL(res->id),
		     res->err);
	}
}

/*
 * A ReadIndex answer is linearizable: its index covers every entry
 * committed before the read was issued (and nothing not yet committed).
 */
static void handle_read(struct sim *s, struct node *n,
			const struct raft_read_state *rs)
{
	struct rread *q = rs->ctx && rs->ctx <= s->n_reads ?
			  &s->reads[rs->ctx] : NULL;

	if (!q || q->node != n->id) {
		fail(s, "node %llu answered read %llu that was not issued there",
		     ULL(n->id), ULL(rs->ctx));
		return;
	}
	if (!q->pending) {
		/*
		 * A READ_INDEX(_RESP) the network duplicated reaches the
		 * client twice (minor defect of the core, see the report):
		 * each answer must still be linearizable.
		 */
		if (!q->answered && q->node_inc == n->incarnation) {
			fail(s, "node %llu answered read %llu that it had refused",
			     ULL(n->id), ULL(rs->ctx));
			return;
		}
		s->reads_dup++;
	}
	q->pending = 0;
	q->answered = 1;
	q->err = rs->err;
	q->index = rs->index;
	trace(s, "n%llu read r%llu: err %d index %llu", ULL(n->id),
	      ULL(rs->ctx), rs->err, ULL(rs->index));
	if (rs->err == -EAGAIN || rs->err == -ETIMEDOUT)
		return;
	if (rs->err) {
		fail(s, "read %llu: unexpected error %d", ULL(rs->ctx), rs->err);
		return;
	}
	s->reads_ok++;
	if (rs->index < q->floor)
		fail(s, "stale read: read %llu on node %llu got index %llu, but %llu was committed before it was issued",
		     ULL(rs->ctx), ULL(n->id), ULL(rs->index), ULL(q->floor));
	else if (rs->index > s->truth_n)
		fail(s, "read %llu on node %llu got index %llu, beyond anything committed (%llu)",
		     ULL(rs->ctx), ULL(n->id), ULL(rs->index), ULL(s->truth_n));
}

/* Apply committed entries to the node's state machine (a chain hash). */
static void apply_entries(struct sim *s, struct node *n,
			  const struct raft_entry *e, u64 cnt)
{
	u64 i;

	for (i = 0; i < cnt; i++) {
		struct ment m;

		if (e[i].index != n->applied + 1) {
			fail(s, "node %llu applies index %llu after %llu",
			     ULL(n->id), ULL(e[i].index), ULL(n->applied));
			return;
		}
		m.term = e[i].term;
		m.type = e[i].type;
		m.len = e[i].len;
		m.data = e[i].data;
		m.h = chain(n->applied_h, e[i].index, e[i].term, e[i].type,
			    e[i].data, e[i].len);
		/* commit term unknown here: check_node narrows it */
		truth_extend(s, n->id, ~0ULL, e[i].index, &m);
		n->applied = e[i].index;
		n->applied_h = m.h;
		/* the application applies it (check_node compares) */
		if (n->app_at + 1 == e[i].index) {
			n->app_v = app_next(n->app_v,
					    payload_pid(e[i].type, e[i].data,
							e[i].len));
			n->app_at = e[i].index;
		}
	}
}

static void witem_free(struct witem *w)
{
	u64 i;

	for (i = 0; i < w->n_ents; i++)
		free(w->ents[i].data);
	free(w->ents);
	for (i = 0; i < w->n_after; i++)
		raft_msg_free(&w->after[i]);
	free(w->after);
	free(w);
}

/* ------------------------------------------------------------------ */
/* The memory bound: a window of entries, older ones fetched from disk  */

static void node_drain(struct sim *s, struct node *n);

static void queue_fetches(struct sim *s, struct node *n,
			  const struct raft_ready *rd)
{
	u32 i;

	for (i = 0; i < rd->n_fetches; i++) {
		struct sfetch *q = xrealloc(NULL, sizeof(*q));

		q->f = rd->fetches[i];
		q->due = s->now + 1 + mrnd(s, s->p.fetch_lat);
		q->term = rd->ss.term;
		q->next = n->fq;
		n->fq = q;
		trace(s, "n%llu fetches %llu..%llu for n%llu", ULL(n->id),
		      ULL(q->f.lo), ULL(q->f.hi), ULL(q->f.peer));
	}
}

static void fetches_free(struct node *n)
{
	while (n->fq) {
		struct sfetch *q = n->fq;

		n->fq = q->next;
		free(q);
	}
}

/*
 * The window holds at most max_log_mem bytes of durable, applied entries:
 * once over it, nothing in it may be both (the core evicts those first).
 */
static void check_window(struct sim *s, struct node *n)
{
	struct raft_status st;
	u64 low;

	if (!s->p.log_mem || !n->r)
		return;
	raft_status(n->r, &st);
	low = st.applied < st.persisted ? st.applied : st.persisted;
	if (st.mem_bytes > s->p.log_mem && st.mem_first <= low)
		fail(s, "node %llu keeps %llu bytes in memory (bound %llu) with entries %llu..%llu durable and applied",
		     ULL(n->id), ULL(st.mem_bytes), ULL(s->p.log_mem),
		     ULL(st.mem_first), ULL(low));
	/* entries between the snapshot and the window: applied, durable */
	if (st.mem_first > st.snap_index + 1 &&
	    (st.mem_first > st.applied + 1 || st.mem_first > st.persisted + 1))
		fail(s, "node %llu evicted entries not applied or not durable (window from %llu, applied %llu, persisted %llu)",
		     ULL(n->id), ULL(st.mem_first), ULL(st.applied),
		     ULL(st.persisted));
}

/* Read a fetch's entries back from the disk and hand them to the core. */
static void fetch_answer(struct sim *s, struct node *n, struct sfetch *q)
{
	const struct elog *l = &n->disk.log;
	struct raft_entry ents[64];
	u64 lo = q->f.lo, cnt = 0, bytes = 0, base = l->base;
	struct raft_status st;
	const struct witem *w;
	int err = 0, ret;

	/*
	 * The store's log starts after its newest snapshot, saved or not; an
	 * installed one not yet durable replaces the whole log (what is on
	 * the disk is another history, what follows it is not there yet).
	 */
	for (w = n->wq; w; w = w->next) {
		if (w->compact && w->snap.index > base)
			base = w->snap.index;
		if (w->has_snap)
			base = ~0ULL;
	}
	if (mrnd(s, 1000) < s->p.fetch_eio_pm) {
		err = -EIO;
	} else if (lo <= base || lo > elog_last(l)) {
		err = -ENOENT;
	} else {
		while (cnt < q->f.max_count && cnt < ARRAY_SIZE(ents) &&
		       lo + cnt <= elog_last(l)) {
			const struct ment *m = elog_at(l, lo + cnt);

			if (cnt && bytes + m->len > q->f.max_bytes)
				break;
			ents[cnt].index = lo + cnt;
			ents[cnt].term = m->term;
			ents[cnt].type = m->type;
			ents[cnt].len = m->len;
			ents[cnt].data = m->data;
			bytes += m->len;
			cnt++;
		}
	}
	s->fetches++;
	s->fetch_errs += err != 0;
	ret = raft_fetched(n->r, &q->f, ents, cnt, err);
	trace(s, "n%llu fetched %llu entries from %llu for n%llu: %d -> %d",
	      ULL(n->id), ULL(cnt), ULL(lo), ULL(q->f.peer), err, ret);
	raft_status(n->r, &st);
	/* the disk holds the log the leader had when it asked */
	if (ret && st.role == RAFT_LEADER && st.term == q->term)
		fail(s, "node %llu refused the entries it fetched from its own disk (%llu from %llu): %d",
		     ULL(n->id), ULL(cnt), ULL(lo), ret);
}

static void fetches_complete(struct sim *s, struct node *n)
{
	struct sfetch **pp = &n->fq;

	while (*pp && !s->failed && n->state == N_UP) {
		struct sfetch *q = *pp;

		if (q->due > s->now) {
			pp = &q->next;
			continue;
		}
		*pp = q->next;
		fetch_answer(s, n, q);
		free(q);
		node_drain(s, n);
	}
}

/*
 * One membership change at a time (Raft thesis 4.1): node n's log got a
 * configuration change at `index`; every earlier one in its log must be
 * committed already (the leader appended this one only after that).
 */
static void conf_one_at_a_time(struct sim *s, struct node *n, u64 index)
{
	u64 i;

	for (i = index - 1; i > n->mem.base && i > s->truth_n; i--)
		if (elog_at(&n->mem, i)->type == RAFT_ENTRY_CONF_CHANGE) {
			fail(s, "node %llu has conf changes at %llu and %llu, the first not committed (committed %llu): two membership changes at once",
			     ULL(n->id), ULL(i), ULL(index), ULL(s->truth_n));
			return;
		}
}

/*
 * A configuration change takes effect when appended (Raft thesis 4.1):
 * node n just appended conf change e (index, data, len), the last one in
 * the ready batch that ends at `last`, so its configuration must show it.
 * A batch is at most one chunk of the core's log: when the log goes on
 * past it, a later change there may already be in effect (a learner added
 * at 110 and removed at 134, one append, two batches: seed 15 with
 * --ack-before-persist, regress.sh), so the check waits for the drain's
 * end (conf_at_drain) and takes the last change in the whole log.
 */
static void conf_at_append(struct sim *s, struct node *n, u64 index,
			   const u8 *data, u32 len, u64 last)
{
	struct raft_status st;
	u8 type;
	u64 node;
	int v, l;

	raft_status(n->r, &st);
	if (st.last_index != last) {
		if (!n->cc_deferred)
			n->cc_deferred = index;
		return;
	}
	if (raft_conf_change_decode_ctx(data, len, &type, &node, NULL,
					NULL, NULL))
		return;		/* truth_extend fails it if it commits */
	v = ids_find(st.conf.voters, st.conf.n_voters, node) >= 0;
	l = ids_find(st.conf.learners, st.conf.n_learners, node) >= 0;
	if ((type == RAFT_CC_ADD_VOTER && !v) ||
	    (type == RAFT_CC_ADD_LEARNER && !l) ||
	    (type == RAFT_CC_REMOVE && (v || l)))
		fail(s, "node %llu appended conf change %u of node %llu at %llu, but its configuration does not show it (voter %d, learner %d)",
		     ULL(n->id), type, ULL(node), ULL(index), v, l);
}

/*
 * The deferred conf_at_append: the drain handed out the whole log, whose
 * last configuration change (at or after the deferred one) must show.
 */
static void conf_at_drain(struct sim *s, struct node *n)
{
	u64 from = n->cc_deferred, i;
	const struct ment *m;

	n->cc_deferred = 0;
	if (s->failed || !from)
		return;
	for (i = elog_last(&n->mem); i >= from && i > n->mem.base; i--) {
		m = elog_at(&n->mem, i);
		if (m->type == RAFT_ENTRY_CONF_CHANGE) {
			conf_at_append(s, n, i, m->data, m->len,
				       elog_last(&n->mem));
			n->cc_deferred = 0;
			return;
		}
	}
}

/*
 * Queue a write the device completes at `done`: a FUA disk completes
 * writes in order; a volatile cache takes them in any order (flushes make
 * them durable).
 */
static void wq_push(struct sim *s, struct node *n, struct witem *w, u64 done)
{
	u64 last_done = n->wq_tail ? n->wq_tail->done : 0;

	w->done = done;
	if (w->done < last_done && !s->p.cache)
		w->done = last_done;
	if (n->wq_tail)
		n->wq_tail->next = w;
	else
		n->wq = w;
	n->wq_tail = w;
}

/*
 * Backpressure: the client entries a leader appends must fit what its
 * ring had free when the core last learned its room (raft_set_room);
 * past that the store would have refused them.  (Its no-op and
 * configuration changes are not counted, as raft.h says.)
 */
static void room_use(struct sim *s, struct node *n, const struct raft_ready *rd)
{
	struct raft_status st;
	u64 i, cost;

	raft_status(n->r, &st);
	if (st.role != RAFT_LEADER || n->room_left == ~0ULL)
		return;
	for (i = 0; i < rd->n_entries; i++) {
		const struct raft_entry *e = &rd->entries[i];

		if (e->type != RAFT_ENTRY_NORMAL || !e->len ||
		    e->term != st.term)
			continue;
		cost = e->len + RAFT_LOG_ENTRY_COST;
		if (cost > n->room_left) {
			fail(s, "leader %llu appended client entry %llu (%llu bytes) with %llu bytes left in its ring: its store would refuse it",
			     ULL(n->id), ULL(e->index), ULL(cost),
			     ULL(n->room_left));
			return;
		}
		n->room_left -= cost;
	}
}

/*
 * Streaming: a chunk the core hands out, once, in order (offset 0 starts
 * over), never more than its max_size, never beyond the blob.
 */
static void stream_chunk(struct sim *s, struct node *n,
			 const struct raft_snapshot_chunk *c)
{
	if (!s->p.stream) {
		fail(s, "node %llu's core handed out a chunk unasked", ULL(n->id));
		return;
	}
	if (c->offset == 0)
		n->stg_len = 0;
	if (c->offset != n->stg_len ||
	    (s->p.max_size && c->len > s->p.max_size) ||
	    c->len > BLOB_LEN - n->stg_len) {
		fail(s, "node %llu got chunk %llu+%u with %u bytes staged",
		     ULL(n->id), ULL(c->offset), c->len, n->stg_len);
		return;
	}
	memcpy(n->stg + n->stg_len, c->data, c->len);
	n->stg_len += c->len;
}

static void node_drain(struct sim *s, struct node *n)
{
	struct raft_ready rd;
	u64 i;

	while (!s->failed && raft_has_ready(n->r)) {
		struct witem *w;

		if (raft_ready(n->r, &rd)) {
			fail(s, "raft_ready failed on node %llu", ULL(n->id));
			return;
		}
		w = xrealloc(NULL, sizeof(*w));
		memset(w, 0, sizeof(*w));
		if (rd.ss_changed && rd.ss.role == RAFT_LEADER) {
			s->elections++;
			trace(s, "n%llu becomes leader of term %llu",
			      ULL(n->id), ULL(rd.ss.term));
			/*
			 * Some new leaders die during their first round of
			 * replication, when old-term entries are half copied
			 * (Raft figure 8).
			 */
			if (s->faults && chance(s, s->p.doom_pm))
				n->doom_at = s->now + 1 + rnd(s, 80);
		}
		if (rd.snap_chunk)
			stream_chunk(s, n, rd.snap_chunk);
		if (rd.snapshot) {
			const struct raft_snapshot *sn = rd.snapshot;
			u64 idx = sn->meta.index, h;
			const u8 *data = sn->data;

			/* streamed: what was staged */
			if (s->p.stream && !data && n->stg_len == sn->len)
				data = n->stg;
			if (s->p.stream && sn->data)
				fail(s, "node %llu's core held a streamed snapshot",
				     ULL(n->id));
			if (!data || !blob_ok(data, sn->len, idx)) {
				fail(s, "node %llu got a snapshot at %llu with a foreign blob",
				     ULL(n->id), ULL(idx));
				raft_advance(n->r, &rd);
				free(w);
				return;
			}
			h = rl_get_le64(data + 8);
			memcpy(n->cur, data, BLOB_LEN);
			trace(s, "n%llu installs snapshot %llu/%llu (application at %llu)",
			      ULL(n->id), ULL(idx), ULL(sn->meta.term),
			      ULL(rl_get_le64(data + 16)));
			if (idx > s->truth_n || s->truth[idx].h != h ||
			    s->truth[idx].term != sn->meta.term)
				fail(s, "node %llu installs a snapshot at %llu/%llu that is not the committed state",
				     ULL(n->id), ULL(idx), ULL(sn->meta.term));
			tab_check(s, n->id, idx, sn->meta.term, h);
			w->snap_a = rl_get_le64(data + 16);
			w->snap_av = rl_get_le64(data + 24);
			elog_reset(&n->mem, idx, sn->meta.term, h, w->snap_av);
			n->applied = idx;
			n->applied_h = h;
			/* the application restores its state from the bytes */
			n->app_at = w->snap_a;
			n->app_v = w->snap_av;
			if (s->p.app_snaps) {
				n->app_snap = w->snap_a;
				n->app_snap_v = w->snap_av;
			}
			s->restores++;
			w->has_snap = 1;
			w->snap = sn->meta;
			w->snap_h = h;
		}
		if (rd.hs_changed) {
			if (rd.hs.term < n->hs_term ||
			    (rd.hs.term == n->hs_term && n->hs_vote &&
			     rd.hs.vote != n->hs_vote))
				fail(s, "node %llu hard state goes from term %llu vote %llu to term %llu vote %llu",
				     ULL(n->id), ULL(n->hs_term),
				     ULL(n->hs_vote), ULL(rd.hs.term),
				     ULL(rd.hs.vote));
			n->hs_term = rd.hs.term;
			n->hs_vote = rd.hs.vote;
			w->has_hs = 1;
			w->hs = rd.hs;
		}
		if (rd.n_entries && s->p.ring_cap)
			room_use(s, n, &rd);
		if (rd.n_entries) {
			u64 from = rd.entries[0].index, h = 0, cc = 0;

			if (from <= n->mem.base || from > elog_last(&n->mem) + 1) {
				fail(s, "node %llu: ready entries start at %llu, log is %llu..%llu",
				     ULL(n->id), ULL(from), ULL(n->mem.base),
				     ULL(elog_last(&n->mem)));
			} else {
				u64 av;

				elog_truncate(&n->mem, from);
				elog_hash(&n->mem, from - 1, &h);
				av = elog_app(&n->mem, from - 1);
				w->trunc_from = from;
				w->ents = xrealloc(NULL, rd.n_entries *
						   sizeof(*w->ents));
				w->n_ents = rd.n_entries;
				for (i = 0; i < rd.n_entries; i++) {
					const struct raft_entry *e =
						&rd.entries[i];

					if (e->index != from + i) {
						fail(s, "node %llu: ready entries not consecutive",
						     ULL(n->id));
						break;
					}
					h = chain(h, e->index, e->term, e->type,
						  e->data, e->len);
					tab_check(s, n->id, e->index, e->term, h);
					av = app_next(av, payload_pid(e->type,
								     e->data,
								     e->len));
					elog_push(&n->mem, e->term, h, av,
						  e->type, e->data, e->len);
					if (e->type == RAFT_ENTRY_CONF_CHANGE) {
						conf_one_at_a_time(s, n,
								   e->index);
						cc = i + 1;
					}
					w->ents[i] = n->mem.e[n->mem.n - 1];
					w->ents[i].data = dupbytes(e->data,
								   e->len);
				}
				if (cc && !s->failed)
					conf_at_append(s, n,
						       rd.entries[cc - 1].index,
						       rd.entries[cc - 1].data,
						       rd.entries[cc - 1].len,
						       from + rd.n_entries - 1);
			}
		}
		for (i = 0; i < rd.n_msgs; i++)
			net_send(s, &rd.msgs[i]);
		if (rd.n_committed)
			apply_entries(s, n, rd.committed, rd.n_committed);
		for (i = 0; i < rd.n_results; i++)
			handle_result(s, n, &rd.results[i]);
		for (i = 0; i < rd.n_reads; i++)
			handle_read(s, n, &rd.reads[i]);
		if (s->ack_early) {
			/* a broken caller: acknowledges before persisting */
			for (i = 0; i < rd.n_msgs_after_persist; i++)
				net_send(s, &rd.msgs_after_persist[i]);
		} else if (rd.n_msgs_after_persist) {
			w->after = xrealloc(NULL, rd.n_msgs_after_persist *
					    sizeof(*w->after));
			for (i = 0; i < rd.n_msgs_after_persist; i++)
				if (raft_msg_clone(&w->after[i],
						   &rd.msgs_after_persist[i]))
					exit(2);
			w->n_after = rd.n_msgs_after_persist;
		}
		queue_fetches(s, n, &rd);
		raft_advance(n->r, &rd);
		check_window(s, n);
		if (!w->has_hs && !w->has_snap && !w->n_ents && !w->n_after) {
			free(w);
			continue;
		}
		wq_push(s, n, w, s->now + 1 + rnd(s, s->p.disk_lat));
	}
	conf_at_drain(s, n);
}

/*
 * Make (part of) a write durable: entries up to `keep` of them, and the
 * hard state if all of them and with_hs.
 */
static void disk_apply_hs(struct sim *s, struct node *n, const struct witem *w,
			  u64 keep, int with_hs)
{
	struct disk *d = &n->disk;
	u64 i;

	if (w->compact) {
		const struct ment *m = elog_at(&d->log, w->snap.index);

		/* older than the disk's snapshot: superseded */
		if (w->snap.index <= d->snap.index)
			return;
		d->snap = w->snap;
		d->app_at = w->snap_a;
		d->app_v = w->snap_av;
		/* the kernel drops the covered records only after the save */
		if (m && m->h == w->snap_h && m->term == w->snap.term)
			elog_compact(&d->log, w->snap.index);
		else if (d->log.base < w->snap.index)
			elog_reset(&d->log, w->snap.index, w->snap.term,
				   w->snap_h, w->snap_av);
		/* else --compact-early dropped them already */
		return;
	}
	if (w->has_snap) {
		d->snap = w->snap;
		d->app_at = w->snap_a;
		d->app_v = w->snap_av;
		elog_reset(&d->log, w->snap.index, w->snap.term, w->snap_h,
			   w->snap_av);
	}
	if (w->n_ents) {
		elog_truncate(&d->log, w->trunc_from);
		if (w->trunc_from > elog_last(&d->log) + 1 ||
		    w->trunc_from <= d->log.base) {
			fail(s, "internal: node %llu disk write at %llu leaves a gap (disk %llu..%llu)",
			     ULL(n->id), ULL(w->trunc_from), ULL(d->log.base),
			     ULL(elog_last(&d->log)));
			return;
		}
		for (i = 0; i < w->n_ents && i < keep; i++)
			elog_push(&d->log, w->ents[i].term, w->ents[i].h,
				  w->ents[i].app, w->ents[i].type, w->ents[i].data,
				  w->ents[i].len);
	}
	if (w->has_hs && keep >= w->n_ents && with_hs) {
		if (w->hs.term < d->hs.term ||
		    (w->hs.term == d->hs.term && d->hs.vote &&
		     w->hs.vote != d->hs.vote))
			fail(s, "node %llu durable hard state goes from term %llu vote %llu to term %llu vote %llu",
			     ULL(n->id), ULL(d->hs.term), ULL(d->hs.vote),
			     ULL(w->hs.term), ULL(w->hs.vote));
		d->hs = w->hs;
	}
}

static void disk_apply(struct sim *s, struct node *n, const struct witem *w,
		       u64 keep)
{
	disk_apply_hs(s, n, w, keep, 1);
}

/* A write reached the disk: its messages go out, the core hears of it. */
static void report_write(struct sim *s, struct node *n, struct witem *w)
{
	u32 i;

	for (i = 0; i < w->n_after; i++)
		net_send(s, &w->after[i]);
	if (w->has_snap)
		raft_snapshot_installed(n->r, w->snap.index, w->snap.term);
	if (w->n_ents)
		raft_persisted(n->r, w->trunc_from + w->n_ents - 1,
			       w->ents[w->n_ents - 1].term);
	w->reported = 1;
}

static void node_crash(struct sim *s, struct node *n, int wipe);

/*
 * A volatile-cache disk: writes enter the cache in any order; the caller
 * flushes whatever completed, and a flush covers only the writes that
 * completed before it was issued (everything then in the cache, also
 * writes the caller counts flushed already).  -EIO when the device failed
 * a write or a flush.  Broken callers: --flush-inflight counts a flush as
 * covering the writes still in flight when it was issued; --eio-ignore
 * counts a failed write as written (it never reaches the media).  Such a
 * write stays queued, not durable, until a later flush covers it (never,
 * when it failed); a crash then keeps it or not.
 */
static int disk_cache_step(struct sim *s, struct node *n)
{
	struct witem *w;
	int need_flush = 0;

	for (w = n->wq; w; w = w->next) {
		if (!w->cached && w->done <= s->now) {
			if (s->faults && dchance(s, s->p.eio_pm)) {
				if (!s->eio_ignore)
					return -EIO;
				s->eios++;
				w->failed = 1;
				trace(s, "n%llu write error ignored (entries from %llu)",
				      ULL(n->id), ULL(w->trunc_from));
			}
			w->cached = 1;
		}
		if (w->cached && !w->acked && !w->flushing)
			need_flush = 1;
	}
	if (n->flush_done && n->flush_done <= s->now) {
		if (s->faults && dchance(s, s->p.eio_pm))
			return -EIO;
		for (w = n->wq; w; w = w->next) {
			if (w->flushing == 1 && !w->failed)
				w->durable = 1;
			if (w->flushing)
				w->acked = 1;
			w->flushing = 0;
		}
		n->flush_done = 0;
	}
	if (need_flush && !n->flush_done) {
		for (w = n->wq; w; w = w->next) {
			if (w->cached && !w->durable)
				w->flushing = 1;
			else if (s->flush_inflight && !w->cached && !w->acked)
				w->flushing = 2;
		}
		n->flush_done = s->now + 1 + drnd(s, s->p.flush_lat);
	}
	return 0;
}

/*
 * A correct caller reports writes in queue order, each once a flush has
 * covered it (the broken --no-flush caller: once it is in the cache; the
 * broken --report-unordered one takes completions to come in submission
 * order: once a later write is flushed, it reports it and every write
 * before it, durable or not).  A write leaves the queue when it is
 * durable and reported.  A device error fails the node, like a crash.
 */
static void disk_complete_cached(struct sim *s, struct node *n)
{
	struct witem *w, *upto = NULL;
	int before = 0;

	if (disk_cache_step(s, n)) {
		s->eios++;
		trace(s, "n%llu disk error: the node fails", ULL(n->id));
		node_crash(s, n, 0);
		return;
	}
	if (s->report_unordered)
		for (w = n->wq; w; w = w->next)
			if (w->acked)
				upto = w;
	before = upto != NULL;
	for (w = n->wq; w && !s->failed; w = w->next) {
		if (!w->reported) {
			if (!w->acked && !(s->no_flush && w->cached) && !before)
				break;
			report_write(s, n, w);
		}
		if (w == upto)
			before = 0;
	}
	while (n->wq && n->wq->durable && n->wq->reported) {
		w = n->wq;
		n->wq = w->next;
		if (!n->wq)
			n->wq_tail = NULL;
		disk_apply(s, n, w, w->n_ents);
		witem_free(w);
	}
	node_drain(s, n);
}

static void disk_complete(struct sim *s, struct node *n)
{
	if (s->p.cache) {
		if (n->state == N_UP && n->wq)
			disk_complete_cached(s, n);
		return;
	}
	while (!s->failed && n->state == N_UP && n->wq &&
	       n->wq->done <= s->now) {
		struct witem *w = n->wq;

		if (s->faults && s->p.eio_pm && dchance(s, s->p.eio_pm)) {
			s->eios++;
			trace(s, "n%llu disk error: the node fails",
			      ULL(n->id));
			node_crash(s, n, 0);
			return;
		}
		n->wq = w->next;
		if (!n->wq)
			n->wq_tail = NULL;
		disk_apply(s, n, w, w->n_ents);
		report_write(s, n, w);
		witem_free(w);
		node_drain(s, n);
	}
}

/*
 * A bounded boot: the entries up to k (applied before the crash: they are
 * committed and on the disk) stay there; the core gets their terms, the
 * configuration changes among them, and the entries after k.  Returns k,
 * or 0 for a boot with the whole log.
 */
static u64 gap_boot(struct sim *s, struct node *n, struct raft_boot *boot,
		    struct raft_entry *ents, struct raft_term_run **runs,
		    struct raft_entry **confs)
{
	const struct elog *l = &n->disk.log;
	u64 last = elog_last(l), cap = n->disk.hs.commit, k, i;
	u32 nr = 0, nc = 0;

	if (cap > last - 1)
		cap = last - 1;
	if (!s->p.gap_boot || last < 2 || cap <= l->base || mrnd(s, 2))
		return 0;
	k = l->base + 1 + mrnd(s, cap - l->base);
	*runs = calloc(k - l->base, sizeof(**runs));
	*confs = calloc(k - l->base, sizeof(**confs));
	if (!*runs || !*confs)
		exit(2);
	for (i = l->base + 1; i <= k; i++) {
		const struct raft_entry *e = &ents[i - l->base - 1];

		if (!nr || (*runs)[nr - 1].term != e->term) {
			(*runs)[nr].index = i;
			(*runs)[nr++].term = e->term;
		}
		if (e->type == RAFT_ENTRY_CONF_CHANGE)
			(*confs)[nc++] = *e;
	}
	boot->terms = *runs;
	boot->n_terms = nr;
	boot->confs = *confs;
	boot->n_confs = nc;
	boot->applied = k;
	boot->entries = ents + (k - l->base);
	boot->n_entries = last - k;
	s->gap_boots++;
	return k;
}

static void node_boot(struct sim *s, struct node *n)
{
	struct raft_config cfg;
	struct raft_boot boot;
	struct raft_entry *ents, *confs = NULL;
	struct raft_term_run *runs = NULL;
	struct disk *d = &n->disk;
	u8 blob[BLOB_LEN];
	u64 i, k;
	int err = 0;

	memset(&cfg, 0, sizeof(cfg));
	memset(n->lost_since, 0, sizeof(n->lost_since));
	memset(n->lost_told, 0, sizeof(n->lost_told));
	n->quiesced = 0;
	cfg.id = n->id;
	cfg.election_tick = ELECTION;
	cfg.heartbeat_tick = s->p.heartbeat;
	cfg.pre_vote = s->p.pre_vote;
	cfg.check_quorum = s->p.check_quorum;
	cfg.quiesce = s->p.quiesce;
	cfg.max_inflight_msgs = s->p.inflight;
	cfg.max_size_per_msg = s->p.max_size;
	cfg.max_entries_per_msg = s->p.max_ents;
	cfg.max_uncommitted_size = s->p.max_uncommitted;
	cfg.max_log_mem = s->p.log_mem;
	cfg.snap_stream = s->p.stream;
	cfg.rand = node_rand;
	cfg.rand_cookie = n;
	n->incarnation++;
	n->rng = mix(s->seed, n->id * 1000003 + n->incarnation);
	n->phase = rnd(s, TICK);

	ents = calloc(d->log.n + 1, sizeof(*ents));
	if (!ents)
		exit(2);
	for (i = 0; i < d->log.n; i++) {
		ents[i].index = d->log.base + 1 + i;
		ents[i].term = d->log.e[i].term;
		ents[i].type = d->log.e[i].type;
		ents[i].len = d->log.e[i].len;
		ents[i].data = d->log.e[i].data;
	}
	blob_make(blob, d->snap.index, d->log.base_h, d->app_at, d->app_v);
	memset(&boot, 0, sizeof(boot));
	boot.hs = d->hs;
	boot.snap = d->snap;
	if (d->snap.index) {
		boot.snap_data = s->p.stream ? NULL : blob;
		boot.snap_len = BLOB_LEN;
		memcpy(n->cur, blob, BLOB_LEN);
	}
	n->stg_len = 0;
	boot.entries = ents;
	boot.n_entries = d->log.n;
	k = gap_boot(s, n, &boot, ents, &runs, &confs);
	/*
	 * A FUA caller writes the hard state after the entries it commits;
	 * behind a volatile cache the hard state's slot may survive a crash
	 * that its entries did not (the core boots with the commit index
	 * lowered to its log: those entries were never acknowledged).
	 */
	if (d->hs.commit > elog_last(&d->log) && !s->p.cache)
		fail(s, "node %llu: durable commit %llu beyond durable log %llu",
		     ULL(n->id), ULL(d->hs.commit), ULL(elog_last(&d->log)));
	if (s->faults && dchance(s, s->p.eio_pm)) {
		s->eios++;
		trace(s, "n%llu read error at boot: stays down", ULL(n->id));
		free(ents);
		free(runs);
		free(confs);
		n->state = N_DOWN;
		return;
	}
	n->r = raft_create(&cfg, &boot, &err);
	free(ents);
	free(runs);
	free(confs);
	if (!n->r) {
		fail(s, "raft_create failed on node %llu: %d", ULL(n->id), err);
		n->state = N_DOWN;
		return;
	}
	/* the mirror starts as the durable log */
	elog_free(&n->mem);
	n->mem.base = d->log.base;
	n->mem.base_term = d->log.base_term;
	n->mem.base_h = d->log.base_h;
	n->mem.base_app = d->log.base_app;
	for (i = 0; i < d->log.n; i++) {
		struct ment *m = &d->log.e[i];

		elog_push(&n->mem, m->term, m->h, m->app, m->type, m->data,
			  m->len);
	}
	n->applied = d->snap.index;
	n->applied_h = d->log.base_h;
	/* the application restores its state from the snapshot's bytes */
	n->app_at = d->app_at;
	n->app_v = d->app_v;
	n->app_snap = s->p.app_snaps ? d->app_at : 0;
	n->app_snap_v = s->p.app_snaps ? d->app_v : 0;
	if (d->snap.index)
		s->restores++;
	if (k) {
		/* applied before the crash: the state machine kept it */
		n->applied = k;
		n->applied_h = elog_at(&d->log, k)->h;
		if (n->app_at == d->snap.index) {
			n->app_at = k;
			n->app_v = elog_at(&d->log, k)->app;
		}
		trace(s, "n%llu boots with %llu..%llu left on disk", ULL(n->id),
		      ULL(d->log.base + 1), ULL(k));
	}
	n->commit_seen = 0;
	n->room_left = ~0ULL;
	n->hs_term = d->hs.term;
	n->hs_vote = d->hs.vote;
	n->state = N_UP;
	trace(s, "n%llu boots: term %llu vote %llu commit %llu log %llu..%llu",
	      ULL(n->id), ULL(d->hs.term), ULL(d->hs.vote), ULL(d->hs.commit),
	      ULL(d->log.base), ULL(elog_last(&d->log)));
	node_drain(s, n);
}

static void node_start_fresh(struct sim *s, u64 id, const struct raft_conf *c)
{
	struct node *n = &s->nodes[id];

	memset(n, 0, sizeof(*n));
	n->id = id;
	if (c)
		n->disk.snap.conf = *c;
	node_boot(s, n);
}

/*
 * A crash on a volatile-cache disk: what a completed flush covered is on
 * the media; of the rest, in the cache or still in flight, any subset made
 * it, some torn or corrupt.  Recovery reads the records in order and stops
 * at the first one missing or failing its checksum, so the log is the
 * longest surviving prefix (durable writes behind a gap are lost too: none
 * was reported).  The hard state has slots of its own, written with a
 * preflush (the kernel's storage writes it after its records, each FUA):
 * a copy survives only with every write before it and its own entries,
 * so its commit index never covers entries the disk lost.  The broken
 * --hs-unordered caller writes it without: the newest surviving copy wins
 * wherever it stood, and a node may boot with stale entries under its
 * commit index (seeds 27559, 56684, 61570, 99867 show it).  A local
 * snapshot has an area of its own, all or nothing: lost, the node boots
 * from the previous snapshot and the whole log; it breaks no prefix.  A
 * write the device failed (--eio-ignore) is lost.  Returns how many writes
 * were lost.
 */
static u64 crash_cached(struct sim *s, struct node *n)
{
	const struct raft_hard_state *hs = NULL;
	struct witem *w;
	u64 lost = 0;
	int broken = 0;

	for (w = n->wq; w; w = w->next) {
		int survives = w->durable ||
			       (!w->failed && dchance(s, w->cached ? 500 : 250));

		if (w->compact) {
			if (survives) {
				disk_apply(s, n, w, 0);
				continue;
			}
			trace(s, "n%llu snapshot at %llu lost: boots from %llu and the log",
			      ULL(n->id), ULL(w->snap.index),
			      ULL(n->disk.snap.index));
			s->snaps_lost++;
			lost++;
			continue;
		}
		if (w->has_hs && survives && (!broken || s->hs_unordered))
			hs = &w->hs;
		if (!broken && survives) {
			disk_apply_hs(s, n, w, w->n_ents, 0);
			continue;
		}
		lost++;
		if (!broken && w->n_ents && !w->has_snap && dchance(s, 300)) {
			u64 keep = drnd(s, w->n_ents);

			trace(s, "n%llu torn write: %llu of %llu entries from %llu",
			      ULL(n->id), ULL(keep), ULL(w->n_ents),
			      ULL(w->trunc_from));
			disk_apply_hs(s, n, w, keep, 0);
		}
		broken = 1;
	}
	if (hs && hs->term >= n->disk.hs.term)
		n->disk.hs = *hs;
	return lost;
}

/*
 * Crash: the core and everything not durable are lost.  A FUA device may
 * have completed some queued writes in order before the crash and torn
 * the next one (a prefix of its entries survives, its hard state not);
 * for a volatile cache see crash_cached().
 */
static void node_crash(struct sim *s, struct node *n, int wipe)
{
	struct witem *w;
	u64 k = 0, i, cnt = 0;

	for (w = n->wq; w; w = w->next)
		cnt++;
	if (s->p.cache && !wipe) {
		u64 lost = crash_cached(s, n);

		s->lost_writes += lost;
		k = cnt - lost;
		w = NULL;
	} else if (cnt && !wipe) {
		k = rnd(s, cnt + 1);
	}
	for (w = s->p.cache ? NULL : n->wq, i = 0; w && i < k; w = w->next, i++)
		disk_apply(s, n, w, w->n_ents);
	if (!s->p.cache && !wipe) {
		struct witem *x;

		for (x = w; x; x = x->next)
			if (x->compact) {
				trace(s, "n%llu snapshot at %llu lost: boots from %llu and the log",
				      ULL(n->id), ULL(x->snap.index),
				      ULL(n->disk.snap.index));
				s->snaps_lost++;
			}
	}
	if (w && !wipe && !w->compact && chance(s, 500)) {
		u64 keep = w->n_ents ? rnd(s, w->n_ents) : 0;

		if (!w->has_snap || chance(s, 500)) {
			trace(s, "n%llu torn write: %llu of %llu entries from %llu",
			      ULL(n->id), ULL(keep), ULL(w->n_ents),
			      ULL(w->trunc_from));
			disk_apply(s, n, w, keep);
		}
	}
	while (n->wq) {
		w = n->wq;
		n->wq = w->next;
		witem_free(w);
	}
	n->wq_tail = NULL;
	n->flush_done = 0;
	n->cc_deferred = 0;
	fetches_free(n);
	if (!wipe && !s->no_electable)
		votes_kept(s, n);
	raft_destroy(n->r);
	n->r = NULL;
	elog_free(&n->mem);
	trace(s, "n%llu %s (%llu of %llu writes completed)", ULL(n->id),
	      wipe ? "stopped and wiped" : "crashes", ULL(k), ULL(cnt));
	for (i = 1; i <= s->n_reads; i++)
		if (s->reads[i].node == n->id)
			s->reads[i].pending = 0;
	/* the clients lose their connection: outcome unknown */
	for (i = 1; i <= s->n_props; i++)
		if (s->props[i].node == n->id &&
		    s->props[i].state == P_PENDING) {
			s->props[i].state = P_UNKNOWN;
		}
	n->state = wipe ? N_GONE : N_DOWN;
	if (wipe) {
		elog_free(&n->disk.log);
		memset(&n->disk, 0, sizeof(n->disk));
	}
	s->crashes++;
}

/* ------------------------------------------------------------------ */
/* The checker                                                         */

static void check_node(struct sim *s, struct node *n)
{
	struct raft_status st;
	u64 h = 0, c, i;

	raft_status(n->r, &st);
	if (st.term > s->max_term)
		s->max_term = st.term;
	/*
	 * The application's state is that of the committed prefix up to
	 * what the node applied: after a compaction, an InstallSnapshot, a
	 * crash and a restart too (restored from the snapshot's bytes), so
	 * no acknowledged entry is lost or doubled when retention compacts
	 * (an acknowledged proposal is in the committed sequence at its
	 * index, handle_result).
	 */
	if (n->app_at != n->applied)
		fail(s, "node %llu applied up to %llu but its application's state is that of %llu: entries %llu..%llu lost to compaction (snapshot at %llu, application snapshot at %llu)",
		     ULL(n->id), ULL(n->applied), ULL(n->app_at),
		     ULL(n->app_at + 1), ULL(n->applied), ULL(n->mem.base),
		     ULL(n->app_snap));
	else if (n->applied > s->truth_n ||
		 n->app_v != (n->applied ? s->truth[n->applied].app : 0))
		fail(s, "node %llu: its application's state at %llu is not that of the committed entries up to there",
		     ULL(n->id), ULL(n->applied));
	if (st.last_index != elog_last(&n->mem) || st.snap_index != n->mem.base)
		fail(s, "node %llu: core log ends at %llu (snap %llu) but its ready batches gave %llu..%llu",
		     ULL(n->id), ULL(st.last_index), ULL(st.snap_index),
		     ULL(n->mem.base), ULL(elog_last(&n->mem)));
	if (st.role == RAFT_LEADER) {
		u64 k;

		/* at most one leader per term */
		if (st.term >= s->leader_cap) {
			u64 nc = 2 * st.term + 64;

			s->leader_of = xrealloc(s->leader_of,
						nc * sizeof(u64));
			memset(s->leader_of + s->leader_cap, 0,
			       (nc - s->leader_cap) * sizeof(u64));
			s->leader_cap = nc;
		}
		if (s->leader_of[st.term] && s->leader_of[st.term] != n->id)
			fail(s, "two leaders in term %llu: nodes %llu and %llu",
			     ULL(st.term), ULL(s->leader_of[st.term]),
			     ULL(n->id));
		s->leader_of[st.term] = n->id;
		/*
		 * Leader completeness: every entry committed in an earlier
		 * term is in this leader's log.  The chain hash at the last
		 * such index covers the whole prefix.
		 */
		for (k = s->truth_n; k > 0 && s->truth[k].commit_term >= st.term;
		     k--)
			;
		if (k > n->mem.base) {
			if (!elog_hash(&n->mem, k, &h))
				fail(s, "leader completeness: leader %llu of term %llu lacks committed index %llu (its log ends at %llu)",
				     ULL(n->id), ULL(st.term), ULL(k),
				     ULL(elog_last(&n->mem)));
			else if (h != s->truth[k].h)
				fail(s, "leader completeness: leader %llu of term %llu has a different entry or prefix at committed index %llu",
				     ULL(n->id), ULL(st.term), ULL(k));
		}
	}
	/* the committed prefix is a prefix of the one committed sequence */
	c = st.commit;
	if (c < n->commit_seen)
		fail(s, "node %llu commit index went back from %llu to %llu",
		     ULL(n->id), ULL(n->commit_seen), ULL(c));
	n->commit_seen = c;
	if (c <= n->mem.base)
		return;
	if (c > elog_last(&n->mem)) {
		fail(s, "node %llu commit %llu beyond its log %llu", ULL(n->id),
		     ULL(c), ULL(elog_last(&n->mem)));
		return;
	}
	if (c <= s->truth_n) {
		elog_hash(&n->mem, c, &h);
		if (h != s->truth[c].h)
			fail(s, "node %llu committed prefix up to %llu differs from the committed sequence (its term there %llu, committed %llu)",
			     ULL(n->id), ULL(c), ULL(elog_at(&n->mem, c)->term),
			     ULL(s->truth[c].term));
		else if (st.term < s->truth[c].commit_term)
			s->truth[c].commit_term = st.term;
		return;
	}
	/* extends the truth: its prefix must match what is known */
	if (s->truth_n < n->mem.base) {
		fail(s, "internal: node %llu commit %llu, truth %llu below its snapshot %llu",
		     ULL(n->id), ULL(c), ULL(s->truth_n), ULL(n->mem.base));
		return;
	}
	for (i = s->truth_n + 1; i <= c && !s->failed; i++) {
		if (i == s->truth_n + 1 && i - 1 > 0) {
			elog_hash(&n->mem, i - 1, &h);
			if (h != s->truth[i - 1].h) {
				fail(s, "node %llu committed up to %llu on a prefix that differs from the committed sequence at %llu",
				     ULL(n->id), ULL(c), ULL(i - 1));
				return;
			}
		}
		truth_extend(s, n->id, st.term, i, elog_at(&n->mem, i));
	}
}

static u64 elog_last_term(const struct elog *l)
{
	return l->n ? l->e[l->n - 1].term : l->base_term;
}

/* 1 if log a is at least as up to date as log b (Raft 5.4.1). */
static int up_to_date(const struct elog *a, const struct elog *b)
{
	u64 ta = elog_last_term(a), tb = elog_last_term(b);

	return ta > tb || (ta == tb && elog_last(a) >= elog_last(b));
}

static int has_committed(struct sim *s, const struct elog *l)
{
	u64 h;

	if (s->truth_n <= l->base)
		return 1;	/* compacted: applied, checked then */
	return elog_hash(l, s->truth_n, &h) && h == s->truth[s->truth_n].h;
}

/*
 * Committed entries are safe: no node that could win an election lacks
 * one.  Node x (its log `l`, its own configuration) could win if a
 * majority of its voters, x included, have durable logs no more up to
 * date than l (terms aside: any node can raise its term).  In correct
 * Raft every committed entry sits durably on a majority whose logs then
 * beat any log without it, so this holds at every step; a commit that is
 * not safe (Raft figure 8) breaks it at once, before an unlucky election
 * actually overwrites the entry.
 */
static void check_electable(struct sim *s, struct node *x, const struct elog *l,
			    const char *which)
{
	struct raft_status st;
	u32 i, votes = 0;

	if (has_committed(s, l))
		return;
	raft_status(x->r, &st);
	if (ids_find(st.conf.voters, st.conf.n_voters, x->id) < 0)
		return;
	for (i = 0; i < st.conf.n_voters; i++) {
		u64 v = st.conf.voters[i];
		struct node *y = v < MAXID ? &s->nodes[v] : NULL;

		if (v == x->id) {
			votes++;
			continue;
		}
		if (!y || (y->state != N_UP && y->state != N_DOWN))
			continue;
		if (up_to_date(l, &y->disk.log))
			votes++;
	}
	if (votes >= st.conf.n_voters / 2 + 1)
		fail(s, "unsafe commit: index %llu (term %llu) is committed, but node %llu, whose %s log ends at %llu/%llu without it, could win an election (%u of %u voters' durable logs are no more up to date)",
		     ULL(s->truth_n), ULL(s->truth[s->truth_n].term),
		     ULL(x->id), which, ULL(elog_last(l)),
		     ULL(elog_last_term(l)), votes, st.conf.n_voters);
}

static void check_all(struct sim *s)
{
	u64 id;

	s->events++;
	for (id = 1; id < s->next_id && !s->failed; id++)
		if (s->nodes[id].state == N_UP)
			check_node(s, &s->nodes[id]);
	for (id = 1; id < s->next_id && !s->failed; id++) {
		struct node *x = &s->nodes[id];

		if (x->state != N_UP || x->stop_at || s->no_electable)
			continue;
		check_electable(s, x, &x->mem, "in-memory");
		if (!s->failed)
			check_electable(s, x, &x->disk.log, "durable");
	}
}

/* ------------------------------------------------------------------ */
/* Events                                                              */

static void msg_trace(struct sim *s, const struct raft_msg *m)
{
	if (m->type == RAFT_MSG_SNAPSHOT || m->type == RAFT_MSG_SNAPSHOT_RESP) {
		trace(s, "n%llu <- n%llu %s t%llu snap %llu/%llu off %llu len %u%s%s",
		      ULL(m->to), ULL(m->from), raft_msg_type_name(m->type),
		      ULL(m->term), ULL(m->snap.index), ULL(m->snap.term),
		      ULL(m->snap_offset), m->snap_len,
		      m->snap_done ? " done" : "", m->reject ? " reject" : "");
		return;
	}
	trace(s, "n%llu <- n%llu %s t%llu i%llu lt%llu c%llu n%u%s ctx%llu err%d",
	      ULL(m->to), ULL(m->from), raft_msg_type_name(m->type),
	      ULL(m->term), ULL(m->index), ULL(m->log_term), ULL(m->commit),
	      m->n_entries, m->reject ? " reject" : "", ULL(m->context),
	      m->error);
}

static void deliver(struct sim *s)
{
	u32 n = 0;

	while (!s->failed && s->n_heap && s->heap[0]->time <= s->now) {
		/* nodes answering each other forever must fail, not hang */
		if (++n > 200000) {
			fail(s, "message storm: over 200000 deliveries in one time unit");
			return;
		}
		struct inflight *f = heap_pop(s);
		struct raft_msg *m = &f->m;
		struct node *n = m->to < MAXID ? &s->nodes[m->to] : NULL;
		int err;

		if (n && n->state == N_UP && m->from < MAXID &&
		    !s->cut[m->from][m->to]) {
			msg_trace(s, m);
			err = raft_step(n->r, m);
			if (err)
				fail(s, "node %llu rejected a message from the core of node %llu: %d",
				     ULL(n->id), ULL(m->from), err);
			node_drain(s, n);
			check_all(s);
		}
		raft_msg_free(m);
		free(f);
	}
}

static void propose(struct sim *s, struct node *n, u8 kind)
{
	u8 d[PAYLOAD_LEN];
	u64 pid = prop_new(s, kind, n->id);
	struct prop *p = prop_get(s, pid);
	int err;

	memset(d, 0, sizeof(d));
	d[0] = 'P';
	rl_put_le64(d + 1, pid);
	rl_put_le32(d + 9, (u32)rng_next(&s->rng));
	err = raft_propose(n->r, d, sizeof(d), pid);
	trace(s, "client p%llu%s -> n%llu: %d", ULL(pid),
	      kind == K_PROBE ? " (probe)" : "", ULL(n->id), err);
	if (err) {
		p->state = P_FAILED;
		p->err = err;
		if (err == -ENOSPC && s->p.ring_cap)
			s->nospc++;	/* backpressure: the ring is full */
		else if (err != -EAGAIN && err != -ENOBUFS && err != -EBUSY)
			fail(s, "raft_propose on node %llu: unexpected %d",
			     ULL(n->id), err);
	} else if (kind == K_PROBE) {
		s->probe = pid;
		s->probe_time = s->now;
	}
	node_drain(s, n);
	check_all(s);
}

static void read_index(struct sim *s, struct node *n)
{
	struct rread *q;
	int err;

	if (s->n_reads + 1 >= s->cap_reads) {
		s->cap_reads = s->cap_reads ? 2 * s->cap_reads : 256;
		s->reads = xrealloc(s->reads, s->cap_reads * sizeof(*q));
	}
	q = &s->reads[++s->n_reads];
	memset(q, 0, sizeof(*q));
	q->node = n->id;
	q->node_inc = n->incarnation;
	q->floor = s->truth_n;
	q->pending = 1;
	err = raft_read_index(n->r, s->n_reads);
	trace(s, "client r%llu -> n%llu read index: %d", ULL(s->n_reads),
	      ULL(n->id), err);
	if (err) {
		q->pending = 0;
		if (err != -EAGAIN)
			fail(s, "raft_read_index: unexpected %d", err);
	}
	node_drain(s, n);
	check_all(s);
}

static struct node *pick(struct sim *s, u8 state)
{
	u64 ids[MAXID], id;
	u32 cnt = 0;

	for (id = 1; id < s->next_id; id++)
		if (s->nodes[id].state == state)
			ids[cnt++] = id;
	if (!cnt)
		return NULL;
	return &s->nodes[ids[rnd(s, cnt)]];
}

static struct node *pick_leader(struct sim *s)
{
	u64 ids[MAXID], id;
	u32 cnt = 0;
	struct raft_status st;

	for (id = 1; id < s->next_id; id++) {
		if (s->nodes[id].state != N_UP)
			continue;
		raft_status(s->nodes[id].r, &st);
		if (st.role == RAFT_LEADER)
			ids[cnt++] = id;
	}
	if (!cnt)
		return NULL;
	return &s->nodes[ids[rnd(s, cnt)]];
}

static void conf_change(struct sim *s)
{
	struct node *l = pick_leader(s);
	struct raft_status st;
	u8 type = 0;
	u64 target = 0, pid;
	u32 min_voters = s->n_init == 3 ? 2 : s->n_init - 2;
	int err, fresh = 0;

	if (!l)
		return;
	raft_status(l->r, &st);
	switch (rnd(s, 5)) {
	case 0:		/* add a learner (a brand-new node) */
	case 1:
		if (st.conf.n_voters + st.conf.n_learners >= s->n_init + 2 ||
		    s->next_id >= MAXID)
			return;
		type = RAFT_CC_ADD_LEARNER;
		target = s->next_id++;
		fresh = 1;
		break;
	case 2:		/* promote a learner */
		if (!st.conf.n_learners)
			return;
		type = RAFT_CC_ADD_VOTER;
		target = st.conf.learners[rnd(s, st.conf.n_learners)];
		break;
	case 3:		/* remove a voter (maybe the leader) or a learner */
		if (st.conf.n_learners && chance(s, 300)) {
			target = st.conf.learners[rnd(s, st.conf.n_learners)];
		} else {
			if (st.conf.n_voters <= min_voters)
				return;
			target = st.conf.voters[rnd(s, st.conf.n_voters)];
		}
		type = RAFT_CC_REMOVE;
		break;
	case 4:		/* demote a voter */
		if (st.conf.n_voters <= min_voters)
			return;
		type = RAFT_CC_ADD_LEARNER;
		target = st.conf.voters[rnd(s, st.conf.n_voters)];
		break;
	}
	/*
	 * A joiner boots with an empty configuration (raft.h: it learns the
	 * membership from the leader) or, like an initial member, with the
	 * bootstrap one; half and half, all empty with --joiner-empty-conf.
	 */
	if (fresh)
		node_start_fresh(s, target,
				 s->joiner_empty || chance(s, 500) ? NULL :
				 &s->conf0);
	pid = prop_new(s, K_CONF, l->id);
	s->props[pid].cc_type = type;
	s->props[pid].cc_node = target;
	/*
	 * Like the group driver, a new member's add carries its "address"
	 * as the opaque context; every commit checks it arrived intact.
	 */
	if (fresh) {
		char ctx[32];

		snprintf(ctx, sizeof(ctx), "addr-of-%llu", ULL(target));
		err = raft_propose_conf_change_ctx(l->r, type, target, ctx,
						   strlen(ctx), pid);
	} else {
		err = raft_propose_conf_change(l->r, type, target, pid);
	}
	trace(s, "conf change p%llu on n%llu: type %u node %llu: %d", ULL(pid),
	      ULL(l->id), type, ULL(target), err);
	if (err) {
		s->props[pid].state = P_FAILED;
		s->props[pid].err = err;
		if (err != -EBUSY && err != -EAGAIN && err != -EINVAL &&
		    err != -ENOBUFS)
			fail(s, "conf change: unexpected %d", err);
		if (fresh)
			node_crash(s, &s->nodes[target], 1);
	}
	node_drain(s, l);
	check_all(s);
}

static void transfer(struct sim *s)
{
	struct node *l = pick_leader(s);
	struct raft_status st;
	u64 to;
	int err;

	if (!l)
		return;
	raft_status(l->r, &st);
	if (st.conf.n_voters < 2)
		return;
	to = st.conf.voters[rnd(s, st.conf.n_voters)];
	if (to == l->id)
		return;
	err = raft_transfer_leader(l->r, to);
	trace(s, "transfer leadership n%llu -> n%llu: %d", ULL(l->id), ULL(to),
	      err);
	if (err && err != -EAGAIN && err != -EINVAL)
		fail(s, "raft_transfer_leader: unexpected %d", err);
	node_drain(s, l);
	check_all(s);
}

/*
 * Compact node n's log to idx (applied, and durable on its disk), with
 * the application's state as of app_at in the blob.  Returns 0 when done.
 */
static int do_compact(struct sim *s, struct node *n, u64 idx, u64 app_at,
		      u64 app_v, const char *why)
{
	u8 blob[BLOB_LEN];
	int err;

	if (!elog_at(&n->mem, idx) || !elog_at(&n->disk.log, idx) ||
	    elog_at(&n->disk.log, idx)->h != elog_at(&n->mem, idx)->h)
		return -EAGAIN;
	blob_make(blob, idx, elog_at(&n->mem, idx)->h, app_at, app_v);
	err = raft_compact(n->r, idx, s->p.stream ? NULL : blob, sizeof(blob));
	if (!err)
		memcpy(n->cur, blob, BLOB_LEN);
	trace(s, "n%llu compacts to %llu (%s, application at %llu): %d",
	      ULL(n->id), ULL(idx), why, ULL(app_at), err);
	if (err) {
		fail(s, "raft_compact(%llu) on node %llu (applied %llu): %d",
		     ULL(idx), ULL(n->id), ULL(n->applied), err);
		return err;
	}
	if (s->p.fifo) {
		/* the first disk: the snapshot is durable at once */
		n->disk.snap.index = idx;
		n->disk.snap.term = elog_at(&n->mem, idx)->term;
		conf_at(s, idx, &n->disk.snap.conf);
		n->disk.app_at = app_at;
		n->disk.app_v = app_v;
		elog_compact(&n->disk.log, idx);
	} else {
		/*
		 * Like the kernel: the core first, then the store saves the
		 * snapshot and drops the records it covers.  It is durable
		 * when the device completes it (FUA) or a flush covers it
		 * (volatile cache); a crash before keeps the previous
		 * snapshot and the whole log.
		 */
		struct witem *w = xrealloc(NULL, sizeof(*w));

		memset(w, 0, sizeof(*w));
		w->compact = 1;
		w->snap.index = idx;
		w->snap.term = elog_at(&n->mem, idx)->term;
		conf_at(s, idx, &w->snap.conf);
		w->snap_h = elog_at(&n->mem, idx)->h;
		w->snap_a = app_at;
		w->snap_av = app_v;
		wq_push(s, n, w, s->now + 1 + drnd(s, s->p.disk_lat));
		/* a broken caller: the records go before the snapshot is saved */
		if (s->compact_early)
			elog_compact(&n->disk.log, idx);
	}
	elog_compact(&n->mem, idx);
	return 0;
}

/*
 * A compaction at a random time: the application's snapshot when it takes
 * them, else an operator's (a log consumer's state is the log's).
 */
static void compact(struct sim *s)
{
	struct node *n = pick(s, N_UP);
	u64 idx, v;

	if (!n || n->applied <= n->mem.base + 4)
		return;
	idx = n->applied - rnd(s, 4);
	if (!elog_at(&n->mem, idx))
		return;
	v = elog_app(&n->mem, idx);
	if (do_compact(s, n, idx, idx, v,
		       s->p.app_snaps ? "application snapshot" : "operator"))
		return;
	if (s->p.app_snaps) {
		n->app_snap = idx;
		n->app_snap_v = v;
		s->app_snaps++;
	}
	node_drain(s, n);
	check_all(s);
}

/* ------------------------------------------------------------------ */
/* Retention and backpressure (the retention model's own stream)       */

static u32 rrnd(struct sim *s, u32 n)
{
	return n ? (u32)(rng_next(&s->rrng) % n) : 0;
}

/* What node n's log uses of its ring: every entry after its snapshot. */
static u64 ring_used(const struct node *n)
{
	u64 i, used = 0;

	for (i = 0; i < n->mem.n; i++)
		used += n->mem.e[i].len + RAFT_LOG_ENTRY_COST;
	return used;
}

/*
 * Each tick, like the kernel's rl_snap_retain: once the ring is
 * compact_at percent full, compact up to the newest `retain` applied
 * entries, never past the application's latest snapshot (an application
 * that takes snapshots answers the pressure with one now and then; it
 * takes its first before retention may compact at all, so its state is
 * always in a snapshot or the log).  --compact-past-appsnap plays a
 * retention that ignores the application's snapshot.  Then the core
 * learns the room left (raft_set_room): a leader with a full ring
 * refuses proposals with -ENOSPC.
 */
static void retention(struct sim *s, struct node *n)
{
	u64 used, target, idx, keep;

	if (!s->p.ring_cap)
		return;
	used = ring_used(n);
	if (used * 100 >= s->p.ring_cap * s->p.compact_at &&
	    n->applied > n->mem.base) {
		if (s->p.app_snaps &&
		    (!n->app_snap || rrnd(s, 1000) < s->p.app_pm)) {
			keep = n->applied - n->mem.base - 1;
			if (keep > s->p.retain)
				keep = s->p.retain;
			idx = n->applied - rrnd(s, (u32)keep + 1);
			if (!do_compact(s, n, idx, idx,
					elog_app(&n->mem, idx),
					"application snapshot")) {
				n->app_snap = idx;
				n->app_snap_v = elog_app(&n->mem, idx);
				s->app_snaps++;
			}
		}
		target = n->applied > s->p.retain ?
			 n->applied - s->p.retain : 0;
		if (s->p.app_snaps && !s->past_appsnap &&
		    target > n->app_snap)
			target = n->app_snap;
		if (!s->failed && target > n->mem.base &&
		    !do_compact(s, n, target,
				s->p.app_snaps ? n->app_snap : target,
				s->p.app_snaps ? n->app_snap_v :
				elog_app(&n->mem, target), "retention"))
			s->retentions++;
		used = ring_used(n);
	}
	if (used > s->ring_peak)
		s->ring_peak = used;
	n->room_left = used < s->p.ring_cap ? s->p.ring_cap - used : 0;
	/* --room-full: a broken caller that gives the ring's size */
	raft_set_room(n->r, s->room_full ? s->p.ring_cap : n->room_left,
		      RAFT_LOG_ENTRY_COST);
}

static void partition(struct sim *s)
{
	u64 a, b;
	u8 side[MAXID];
	struct node *x, *y;

	switch (rnd(s, 4)) {
	case 3:		/* isolate the leader */
		x = pick_leader(s);
		if (!x)
			return;
		for (b = 1; b < MAXID; b++)
			s->cut[x->id][b] = s->cut[b][x->id] = 1;
		trace(s, "partition: isolate leader n%llu", ULL(x->id));
		break;
	case 0:		/* symmetric split into two random sides */
		for (a = 1; a < MAXID; a++)
			side[a] = (u8)rnd(s, 2);
		for (a = 1; a < MAXID; a++)
			for (b = 1; b < MAXID; b++)
				s->cut[a][b] = side[a] != side[b];
		trace(s, "partition: symmetric split");
		break;
	case 1:		/* isolate one node */
		x = pick(s, N_UP);
		if (!x)
			return;
		for (b = 1; b < MAXID; b++)
			s->cut[x->id][b] = s->cut[b][x->id] = 1;
		trace(s, "partition: isolate n%llu", ULL(x->id));
		break;
	case 2:		/* one-way link cut */
		x = pick(s, N_UP);
		y = pick(s, N_UP);
		if (!x || !y || x == y)
			return;
		s->cut[x->id][y->id] = 1;
		trace(s, "partition: one-way n%llu -/-> n%llu", ULL(x->id),
		      ULL(y->id));
		break;
	}
}

static void heal_net(struct sim *s)
{
	memset(s->cut, 0, sizeof(s->cut));
	trace(s, "network heals");
}

static void chaos(struct sim *s)
{
	struct node *n;

	if (chance(s, 2)) {
		n = pick(s, N_UP);
		if (n)
			node_crash(s, n, 0);
		check_all(s);
	}
	if (chance(s, s->p.leader_crash_pm)) {
		/* leaders die more often: elections with diverged logs */
		n = pick_leader(s);
		if (n)
			node_crash(s, n, 0);
		check_all(s);
	}
	if (chance(s, s->p.restart_pm)) {
		n = pick(s, N_DOWN);
		if (n) {
			node_boot(s, n);
			check_all(s);
		}
	}
	if (chance(s, 2))
		partition(s);
	if (chance(s, 4))
		heal_net(s);
	if (chance(s, 2)) {
		static const u32 drops[] = { 0, 0, 10, 50, 200, 500 };
		static const u32 dups[] = { 0, 0, 20, 100 };

		s->drop_pm = drops[rnd(s, ARRAY_SIZE(drops))];
		s->dup_pm = dups[rnd(s, ARRAY_SIZE(dups))];
		trace(s, "network: drop %u/1000 dup %u/1000", s->drop_pm,
		      s->dup_pm);
	}
	/* a pause of the clients is one of the operators too */
	if (s->now < s->quiet_until)
		return;
	if (chance(s, 3))
		conf_change(s);
	if (chance(s, 2))
		transfer(s);
	if (chance(s, 3))
		compact(s);
}

/* Trace a node's quiescing and waking (after a drain). */
static void quiesce_seen(struct sim *s, struct node *n)
{
	u8 q = (u8)raft_quiesced(n->r);

	if (q == n->quiesced)
		return;
	n->quiesced = q;
	if (q)
		s->quiesces++;
	else
		s->wakes++;
	trace(s, "n%llu %s", ULL(n->id), q ? "quiesces" : "wakes");
}

/*
 * The transport's liveness detector: a peer n cannot hear (down, or the
 * link to n cut) for p.detect units is reported lost, once per loss.
 */
static void detect_lost(struct sim *s, struct node *n)
{
	u64 p;

	if (!s->p.quiesce)
		return;
	for (p = 1; p < s->next_id && n->state == N_UP; p++) {
		if (p == n->id)
			continue;
		if (s->nodes[p].state == N_UP && !s->cut[p][n->id]) {
			n->lost_since[p] = 0;
			n->lost_told[p] = 0;
			continue;
		}
		if (!n->lost_since[p])
			n->lost_since[p] = s->now;
		if (n->lost_told[p] || s->now - n->lost_since[p] < s->p.detect)
			continue;
		n->lost_told[p] = 1;
		s->lost_told++;
		trace(s, "n%llu: peer n%llu lost", ULL(n->id), ULL(p));
		raft_peer_lost(n->r, p);
		node_drain(s, n);
		check_all(s);
		if (s->failed)
			return;
		quiesce_seen(s, n);
	}
}

/* One unit of simulated time. */
static void step_time(struct sim *s, int faults)
{
	u64 id;

	s->faults = faults;
	deliver(s);
	for (id = 1; id < s->next_id && !s->failed; id++) {
		struct node *n = &s->nodes[id];

		if (n->state != N_UP)
			continue;
		if (n->stop_at && n->stop_at <= s->now) {
			node_crash(s, n, 1);
			check_all(s);
			continue;
		}
		if (n->doom_at && n->doom_at <= s->now) {
			n->doom_at = 0;
			if (faults) {
				node_crash(s, n, 0);
				check_all(s);
				continue;
			}
		}
		disk_complete(s, n);
		check_all(s);
		if (n->state != N_UP)
			continue;	/* its disk failed */
		fetches_complete(s, n);
		check_all(s);
		if ((s->now + n->phase) % TICK == 0) {
			raft_tick(n->r);
			node_drain(s, n);
			check_all(s);
			if (s->failed || n->state != N_UP)
				continue;
			retention(s, n);
			node_drain(s, n);
			check_all(s);
			if (s->failed || n->state != N_UP)
				continue;
			quiesce_seen(s, n);
			detect_lost(s, n);
		}
	}
	if (s->failed)
		return;
	if (faults)
		chaos(s);
	/* now and then the clients pause: idle groups quiesce */
	if (!s->failed && faults && s->p.quiesce && s->now >= s->quiet_until &&
	    chance(s, 1)) {
		s->quiet_until = s->now + 200 + rnd(s, 500);
		trace(s, "clients pause until %llu", ULL(s->quiet_until));
	}
	if (s->now < s->quiet_until) {
		s->now++;
		return;
	}
	if (!s->failed && faults && chance(s, s->p.propose_pm)) {
		struct node *n = pick(s, N_UP);

		if (n)
			propose(s, n, K_CLIENT);
	}
	if (!s->failed && chance(s, 15)) {
		struct node *n = pick(s, N_UP);

		if (n)
			read_index(s, n);
	}
	s->now++;
}

/*
 * Ticks allowed after a heal: elections, plus the time for a new leader to
 * bring a majority up to date with the backlog left by the faults, at the
 * worst rate the core guarantees: one entry per round trip plus heartbeat
 * (a peer knocked back to probing by a stale rejection advances that
 * slowly).  Generous, but a cluster that is stuck fails it.
 */
static u64 live_bound(struct sim *s)
{
	u64 id, last = 0, backlog, rtt;

	for (id = 1; id < s->next_id; id++) {
		struct node *n = &s->nodes[id];

		if (n->state == N_UP && elog_last(&n->mem) > last)
			last = elog_last(&n->mem);
		if (n->state == N_DOWN && elog_last(&n->disk.log) > last)
			last = elog_last(&n->disk.log);
	}
	backlog = last > s->truth_n ? last - s->truth_n : 0;
	rtt = (2 * (s->p.net_min + s->p.net_jit) + s->p.disk_lat) / TICK + 2;
	return LIVE_TICKS + backlog * (rtt + s->p.heartbeat);
}

/* Ticks for the furthest-behind running node to catch up, at live_bound's rate. */
static u64 lag_ticks(struct sim *s)
{
	u64 id, last = 0, low = ~0ULL, rtt;

	for (id = 1; id < s->next_id; id++) {
		struct node *n = &s->nodes[id];

		if (n->state != N_UP)
			continue;
		if (elog_last(&n->mem) > last)
			last = elog_last(&n->mem);
		if (elog_last(&n->mem) < low)
			low = elog_last(&n->mem);
	}
	if (low > last)
		return 0;
	rtt = (2 * (s->p.net_min + s->p.net_jit) + s->p.disk_lat) / TICK + 2;
	return (last - low) * (rtt + s->p.heartbeat);
}

/*
 * A voter or learner of the leader's configuration (0 without a leader).
 * A node outside it (removed, or a joiner whose add was lost) is sent
 * nothing and cannot learn the outcome of its requests.
 */
static int leader_member(const struct raft_conf *c, u64 id)
{
	return c && (ids_find(c->voters, c->n_voters, id) >= 0 ||
		     ids_find(c->learners, c->n_learners, id) >= 0);
}

/* The first proposal still waiting for its outcome on a member, 0 if none. */
static u64 first_pending(struct sim *s, const struct raft_conf *c)
{
	u64 i;

	for (i = 1; i <= s->n_props; i++)
		if (s->props[i].state == P_PENDING &&
		    leader_member(c, s->props[i].node))
			return i;
	return 0;
}

/*
 * The first read up to `upto` still waiting for its answer on a member, 0
 * if none.
 */
static u64 first_pending_read(struct sim *s, const struct raft_conf *c,
			      u64 upto)
{
	u64 i;

	for (i = 1; i <= s->n_reads && i <= upto; i++)
		if (s->reads[i].pending && leader_member(c, s->reads[i].node))
			return i;
	return 0;
}

/*
 * Once the healed cluster commits again, every proposal and read a client
 * still waits on must end (committed or answered, or a definite or
 * unknown-outcome error) within END_TICKS: a writer or reader blocked
 * forever is an outage too.  Reads issued meanwhile are not held to it.
 */
static void requests_end(struct sim *s)
{
	u64 start = s->now, pid, rid, bound, reads = s->n_reads;

	/* a member that lags learns its outcomes as it catches up */
	bound = END_TICKS + lag_ticks(s);
	for (;;) {
		struct node *l = pick_leader(s);
		struct raft_status st;

		if (l)
			raft_status(l->r, &st);
		pid = first_pending(s, l ? &st.conf : NULL);
		rid = first_pending_read(s, l ? &st.conf : NULL, reads);
		if (s->failed || (!pid && !rid))
			return;
		if (s->now - start > bound * TICK)
			break;
		step_time(s, 0);
	}
	if (pid)
		fail(s, "liveness: proposal p%llu on n%llu still waits %llu ticks after the cluster committed again",
		     ULL(pid), ULL(s->props[pid].node), ULL(bound));
	else
		fail(s, "liveness: read r%llu on n%llu still waits %llu ticks after the cluster committed again",
		     ULL(rid), ULL(s->reads[rid].node), ULL(bound));
}

/*
 * Heal everything, then a voter must become leader and commit a fresh
 * proposal within LIVE_TICKS ticks.
 */
static void liveness(struct sim *s)
{
	u64 id, start, bound;
	struct node *n;

	trace(s, "heal: restart all, network heals, no drops");
	/* the faults are over: the restarts below read their disks */
	s->faults = 0;
	heal_net(s);
	s->drop_pm = 0;
	s->dup_pm = 0;
	for (id = 1; id < s->next_id && !s->failed; id++) {
		n = &s->nodes[id];
		if (n->state == N_UP && n->stop_at)
			node_crash(s, n, 1);
		else if (n->state == N_DOWN && n->stop_at)
			n->state = N_GONE;
		else if (n->state == N_DOWN)
			node_boot(s, n);
	}
	check_all(s);
	start = s->now;
	s->probe = 0;
	s->probe_floor = s->n_props + 1;
	s->live_ok = 0;
	bound = live_bound(s);
	while (!s->failed && !s->live_ok) {
		struct raft_status st;

		if (s->now - start > bound * TICK) {
			fail(s, "liveness: no leader committed a proposal within %llu ticks after the faults healed",
			     ULL(bound));
			return;
		}
		step_time(s, 0);
		if (s->live_ok || (s->now % TICK) != 0)
			continue;
		/*
		 * A probe is retried on the current leader when it failed or
		 * has not committed for two election timeouts (its outcome
		 * may stay unknown for long: a leader that lost it only
		 * learns when its log grows past that index again).
		 */
		if (s->probe && s->props[s->probe].state == P_PENDING &&
		    s->now - s->probe_time < 2 * ELECTION * TICK)
			continue;
		n = pick_leader(s);
		if (!n)
			continue;
		raft_status(n->r, &st);
		if (ids_find(st.conf.voters, st.conf.n_voters, n->id) < 0)
			continue;
		propose(s, n, K_PROBE);
	}
	if (s->failed)
		return;
	trace(s, "liveness: probe committed %llu ticks after the heal",
	      ULL((s->now - start) / TICK));
	requests_end(s);
}

/* The cluster as it stands, printed after a violation. */
static void dump_state(struct sim *s)
{
	static const char * const states[] = { "unused", "up", "down", "gone" };
	u64 id, p;

	printf("# committed sequence: %llu entries; nodes:\n", ULL(s->truth_n));
	for (id = 1; id < s->next_id; id++) {
		struct node *n = &s->nodes[id];
		struct raft_status st;
		u32 i;

		if (n->state != N_UP) {
			printf("#   n%llu %s, durable term %llu vote %llu commit %llu log %llu..%llu\n",
			       ULL(id), states[n->state], ULL(n->disk.hs.term),
			       ULL(n->disk.hs.vote), ULL(n->disk.hs.commit),
			       ULL(n->disk.log.base), ULL(elog_last(&n->disk.log)));
			continue;
		}
		raft_status(n->r, &st);
		printf("#   n%llu %s term %llu vote %llu lead %llu commit %llu applied %llu log %llu..%llu persisted %llu voters",
		       ULL(id), raft_role_name(st.role), ULL(st.term),
		       ULL(st.vote), ULL(st.lead), ULL(st.commit),
		       ULL(st.applied), ULL(st.snap_index), ULL(st.last_index),
		       ULL(st.persisted));
		for (i = 0; i < st.conf.n_voters; i++)
			printf(" %llu", ULL(st.conf.voters[i]));
		printf(" learners");
		for (i = 0; i < st.conf.n_learners; i++)
			printf(" %llu", ULL(st.conf.learners[i]));
		printf("\n");
		if (st.role != RAFT_LEADER)
			continue;
		for (p = 1; p < s->next_id; p++) {
			u64 match, next;
			u8 state;

			if (p != id &&
			    !raft_peer_progress(n->r, p, &match, &next, &state))
				printf("#     peer %llu: match %llu next %llu state %u\n",
				       ULL(p), ULL(match), ULL(next), state);
		}
	}
}

/* ------------------------------------------------------------------ */

static void sim_free(struct sim *s)
{
	u64 id;

	for (id = 1; id < MAXID; id++) {
		struct node *n = &s->nodes[id];

		if (n->state == N_UP)
			node_crash(s, n, 1);
		elog_free(&n->disk.log);
		elog_free(&n->mem);
		fetches_free(n);
	}
	while (s->n_heap) {
		struct inflight *f = heap_pop(s);

		raft_msg_free(&f->m);
		free(f);
	}
	free(s->heap);
	free(s->truth);
	free(s->leader_of);
	free(s->tab);
	free(s->props);
	free(s->reads);
}

struct opts {
	u64 seed;
	u64 seeds;
	u32 nodes;
	u32 steps;
	int verbose;
	int dup_propose;
	int joiner_empty;
	int ack_early;
	int no_flush;
	int hs_unordered;
	int report_unordered;
	int flush_inflight;
	int eio_ignore;
	int compact_early;
	int past_appsnap;
	int room_full;
	int eio;		/* device errors per 1000 (-1: by seed) */
	int disk;		/* -1: by seed, 0: FUA, 1: volatile cache,
				 * 2: FIFO */
	int no_electable;
	u32 trace_n;
};

/* From the memory model's own stream: other seeds replay unchanged. */
static void set_mem_params(struct sim *s)
{
	static const u64 mem[] = { 0, 0, 200, 1000, 4000 };

	s->p.log_mem = mem[mrnd(s, ARRAY_SIZE(mem))];
	s->p.fetch_lat = 1 + mrnd(s, 20);
	s->p.fetch_eio_pm = mrnd(s, 3) ? 0 : 50;
	s->p.gap_boot = s->p.log_mem && mrnd(s, 2);
}

static void set_params(struct sim *s)
{
	static const u32 inflight[] = { 1, 2, 4, 256 };
	static const u32 ents[] = { 1, 1, 2, 8, 64 };
	static const u64 sizes[] = { 40, 200, 0 };
	static const u64 uncommitted[] = { 256, 1024, 4096 };

	s->p.heartbeat = 1 + rnd(s, 3);
	s->p.pre_vote = !chance(s, 250);
	s->p.check_quorum = !chance(s, 250);
	/* from the seed, not the stream: the other draws stay as they were */
	s->p.quiesce = s->seed % 4 != 0;
	s->p.detect = (3 + (u32)(s->seed / 4 % 6)) * TICK;
	s->p.inflight = inflight[rnd(s, ARRAY_SIZE(inflight))];
	s->p.max_ents = ents[rnd(s, ARRAY_SIZE(ents))];
	s->p.max_size = sizes[rnd(s, ARRAY_SIZE(sizes))];
	/* keep the pipeline able to catch up with the clients */
	while (s->p.inflight * s->p.max_ents < 4)
		s->p.inflight *= 2;
	s->p.max_uncommitted = uncommitted[rnd(s, ARRAY_SIZE(uncommitted))];
	s->p.disk_lat = 1 + rnd(s, 30);
	s->p.net_min = 1 + rnd(s, 5);
	s->p.net_jit = rnd(s, 40);
	s->p.propose_pm = 20 + rnd(s, 100);
	/* a third of the seeds are storms of leader crashes */
	s->p.leader_crash_pm = chance(s, 333) ? 8 : 2;
	s->p.restart_pm = 8 + rnd(s, 20);
	s->p.doom_pm = rnd(s, 500);
	/* from the disk model's own stream: the rest replays unchanged */
	s->p.cache = drnd(s, 2);
	s->p.flush_lat = 1 + drnd(s, 20);
	s->p.eio_pm = drnd(s, 2);
	set_mem_params(s);
}

/*
 * From the retention model's own stream, once the disk is known: a ring
 * of 16..80 client entries, watermark 50..90%, retain 0..a quarter of it; the
 * application takes snapshots in two seeds of three.  Off in a quarter
 * of the seeds, and on the FIFO disk (its seeds replay unchanged).
 */
static void set_ret_params(struct sim *s)
{
	static const u32 pct[] = { 50, 70, 90 };
	u32 cap;

	s->p.ring_cap = 0;
	if (rrnd(s, 4) == 0 && !s->past_appsnap && !s->room_full)
		return;
	cap = 16 + rrnd(s, 65);
	s->p.ring_cap = cap * (PAYLOAD_LEN + RAFT_LOG_ENTRY_COST);
	s->p.compact_at = pct[rrnd(s, ARRAY_SIZE(pct))];
	s->p.retain = rrnd(s, 4) ? rrnd(s, cap / 4) : 0;
	s->p.app_snaps = rrnd(s, 3) != 0 || s->past_appsnap;
	s->p.app_pm = 50 + rrnd(s, 450);
	if (s->p.fifo)
		s->p.ring_cap = 0;
}

static const char *disk_name(const struct sim *s)
{
	return s->p.cache ? "cache" : s->p.fifo ? "fifo" : "fua";
}

/* Returns 0 when the seed passes. */
static int run_seed(u64 seed, u32 nodes, const struct opts *o)
{
	struct sim *s = calloc(1, sizeof(*s));
	u64 id, round_end;
	u32 i;
	int failed;

	if (!s)
		exit(2);
	s->seed = seed;
	s->rng = mix(seed, 0x5eed);
	s->n_init = nodes;
	s->steps = o->steps;
	s->verbose = o->verbose;
	s->dup_propose = o->dup_propose;
	s->joiner_empty = o->joiner_empty;
	s->ack_early = o->ack_early;
	s->no_flush = o->no_flush;
	s->hs_unordered = o->hs_unordered;
	s->report_unordered = o->report_unordered;
	s->flush_inflight = o->flush_inflight;
	s->eio_ignore = o->eio_ignore;
	s->compact_early = o->compact_early;
	s->past_appsnap = o->past_appsnap;
	s->room_full = o->room_full;
	s->rrng = mix(seed, 0x4e7a1);
	s->drng = mix(seed, 0xd15c);
	s->mrng = mix(seed, 0x3e3);
	s->no_electable = o->no_electable;
	set_params(s);
	/* odd seeds run the core as a group with a device does */
	s->p.stream = seed & 1;
	if (o->disk >= 0) {
		s->p.cache = o->disk == 1;
		s->p.fifo = o->disk == 2;
	}
	/* the broken cache callers need the cache */
	if (o->no_flush || o->report_unordered || o->flush_inflight ||
	    o->eio_ignore) {
		s->p.cache = 1;
		s->p.fifo = 0;
	}
	if (o->eio >= 0)
		s->p.eio_pm = (u32)o->eio;
	if (s->p.fifo)
		s->p.eio_pm = 0;
	set_ret_params(s);
	s->conf0.n_voters = nodes;
	for (i = 0; i < nodes; i++)
		s->conf0.voters[i] = i + 1;
	s->next_id = nodes + 1;
	trace(s, "seed %llu: %u nodes, heartbeat %u, pre_vote %u, check_quorum %u, inflight %u, max_ents %u, max_size %llu, disk latency %u, net %u+%u, disk %s (flush %u, eio %u/1000)",
	      ULL(seed), nodes, s->p.heartbeat, s->p.pre_vote,
	      s->p.check_quorum, s->p.inflight, s->p.max_ents,
	      ULL(s->p.max_size), s->p.disk_lat, s->p.net_min, s->p.net_jit,
	      disk_name(s), s->p.flush_lat, s->p.eio_pm);
	trace(s, "retention: ring %llu bytes, compact at %u%%, retain %u, application snapshots %u (%u/1000), log window %llu",
	      ULL(s->p.ring_cap), s->p.compact_at, s->p.retain,
	      s->p.app_snaps, s->p.app_pm, ULL(s->p.log_mem));
	for (id = 1; id <= nodes; id++)
		node_start_fresh(s, id, &s->conf0);
	while (!s->failed && s->now < o->steps) {
		round_end = s->now + ROUND;
		if (round_end > o->steps)
			round_end = o->steps;
		while (!s->failed && s->now < round_end)
			step_time(s, 1);
		if (!s->failed)
			liveness(s);
	}
	failed = s->failed;
	if (failed) {
		u64 k, first = s->n_trace > o->trace_n ? s->n_trace - o->trace_n : 0;

		printf("# seed %llu FAILED: %s\n", ULL(seed), s->why);
		printf("# trace (last %llu events):\n", ULL(s->n_trace - first));
		for (k = first; k < s->n_trace; k++)
			printf("#   %s\n", s->trace[k % TRACE_N]);
		dump_state(s);
		char eio[32] = "";

		if (o->eio >= 0)
			snprintf(eio, sizeof(eio), " --eio %d", o->eio);
		printf("# reproduce: %s --seed %llu --nodes %u --steps %u%s%s%s%s%s%s%s%s%s%s%s%s%s%s --verbose\n",
		       RLSIM_NAME, ULL(seed), nodes, o->steps,
		       o->dup_propose ? " --dup-propose" : "",
		       o->joiner_empty ? " --joiner-empty-conf" : "",
		       o->ack_early ? " --ack-before-persist" : "",
		       o->no_flush ? " --no-flush" : "",
		       o->hs_unordered ? " --hs-unordered" : "",
		       o->report_unordered ? " --report-unordered" : "",
		       o->flush_inflight ? " --flush-inflight" : "",
		       o->eio_ignore ? " --eio-ignore" : "",
		       o->compact_early ? " --compact-early" : "",
		       o->past_appsnap ? " --compact-past-appsnap" : "",
		       o->room_full ? " --room-full" : "",
		       o->disk < 0 ? "" : o->disk == 1 ? " --disk cache" :
		       o->disk == 2 ? " --disk fifo" : " --disk fua",
		       eio,
		       o->no_electable ? " --no-electable-check" : "");
	} else if (o->verbose) {
		printf("# seed %llu ok: %u nodes, time %llu, events %llu, msgs %llu, committed %llu, elections %llu, max term %llu, crashes %llu, proposals %llu, reads %llu/%llu, disk %s: %llu device errors, %llu unflushed writes lost (%llu snapshots)\n",
		       ULL(seed), nodes, ULL(s->now), ULL(s->events),
		       ULL(s->msgs_sent), ULL(s->truth_n), ULL(s->elections),
		       ULL(s->max_term), ULL(s->crashes), ULL(s->n_props),
		       ULL(s->reads_ok), ULL(s->n_reads),
		       disk_name(s), ULL(s->eios), ULL(s->lost_writes),
		       ULL(s->snaps_lost));
		printf("# memory: window %llu bytes, %llu fetches (%llu failed), %llu bounded boots\n",
		       ULL(s->p.log_mem), ULL(s->fetches), ULL(s->fetch_errs),
		       ULL(s->gap_boots));
		printf("# quiescing %u: %llu quiesces, %llu wakes, %llu lost peers told (detection %u)\n",
		       s->p.quiesce, ULL(s->quiesces), ULL(s->wakes),
		       ULL(s->lost_told), s->p.detect);
		printf("# retention: ring %llu bytes (peak use %llu), compact at %u%%, retain %u, %llu compactions, %llu application snapshots, %llu restores from a snapshot, %llu proposals refused (ENOSPC)\n",
		       ULL(s->p.ring_cap), ULL(s->ring_peak), s->p.compact_at,
		       s->p.retain, ULL(s->retentions), ULL(s->app_snaps),
		       ULL(s->restores), ULL(s->nospc));
	}
	sim_free(s);
	free(s);
	return failed;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: rlsim [--seeds N] [--seed S] [--nodes 3|5|7] [--steps N] [--verbose] [--trace N] [--keep-going]\n"
		"  --seeds N   run seeds S..S+N-1 (default 100); nodes 3/5/7 by seed\n"
		"  --seed S    first seed (alone: run just that seed)\n"
		"  --nodes N   cluster size for every seed (default: mixed)\n"
		"  --steps N   simulated time units per seed (%u per tick, default 4500)\n"
		"  --verbose   one line per seed; twice: every event\n"
		"  --keep-going  do not stop at the first failing seed\n"
		"  --dup-propose let the network duplicate forwarded proposals too\n"
		"  --joiner-empty-conf  every node added later boots with an empty\n"
		"              configuration (default: half of them)\n"
		"  --ack-before-persist  play a broken caller that sends msgs_after_persist\n"
		"              at once (self-test of the disk and crash model)\n"
		"  --disk fua|cache|fifo  every write (and snapshot) durable on\n"
		"              completion, in order; or a volatile cache that\n"
		"              flushes make durable; or the first disk: FUA with\n"
		"              snapshots durable at once, no device errors\n"
		"              (default: fua or cache by seed)\n"
		"  --eio N     device errors per 1000 writes, flushes, boot reads\n"
		"              (during faults; default 0 or 1 by seed; not fifo)\n"
		"  --no-flush  play a broken caller that reports writes once in the\n"
		"              cache, before a flush (implies --disk cache)\n"
		"  --hs-unordered  play a broken caller that writes the hard state\n"
		"              without a preflush (with --disk cache)\n"
		"  --report-unordered  play a broken caller that, once a write is\n"
		"              flushed, reports it and every earlier one, durable\n"
		"              or not (implies --disk cache)\n"
		"  --flush-inflight  play a broken caller that counts a flush as\n"
		"              covering writes still in flight when it was issued\n"
		"              (implies --disk cache)\n"
		"  --eio-ignore  play a broken caller that ignores a failed write\n"
		"              instead of failing the node (implies --disk cache)\n"
		"  --compact-early  play a broken caller that drops the records a\n"
		"              snapshot covers before the snapshot is durable\n"
		"              (not with --disk fifo)\n"
		"  --compact-past-appsnap  play a broken retention that compacts\n"
		"              past the application's snapshot (forces retention\n"
		"              and application snapshots on; not with --disk fifo)\n"
		"  --room-full  play a broken caller that gives the core its ring's\n"
		"              size as its room, not what is free (forces the\n"
		"              ring on; not with --disk fifo)\n"
		"  --no-electable-check  only check consequences (lost or changed commits,\n"
		"              a node voting twice in a term)\n", TICK);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "seeds", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "nodes", required_argument, NULL, 'N' },
		{ "steps", required_argument, NULL, 't' },
		{ "trace", required_argument, NULL, 'T' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "dup-propose", no_argument, NULL, 'D' },
		{ "joiner-empty-conf", no_argument, NULL, 'J' },
		{ "ack-before-persist", no_argument, NULL, 'A' },
		{ "no-electable-check", no_argument, NULL, 'E' },
		{ "disk", required_argument, NULL, 'd' },
		{ "no-flush", no_argument, NULL, 'F' },
		{ "hs-unordered", no_argument, NULL, 'H' },
		{ "report-unordered", no_argument, NULL, 'U' },
		{ "flush-inflight", no_argument, NULL, 'I' },
		{ "eio-ignore", no_argument, NULL, 'G' },
		{ "eio", required_argument, NULL, 'e' },
		{ "compact-early", no_argument, NULL, 'C' },
		{ "compact-past-appsnap", no_argument, NULL, 'P' },
		{ "room-full", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .seed = 1, .seeds = 0, .nodes = 0, .steps = 4500,
			  .trace_n = 150, .disk = -1, .eio = -1 };
	int c, have_seed = 0, keep_going = 0;
	u64 passed = 0, failed = 0, i, batch = 100, tap = 0;
	u64 batch_fail = 0, batch_first = 0, first_fail = 0;
	struct timespec t0, t1;

	while ((c = getopt_long(argc, argv, "n:s:N:t:T:vkDJAEd:FHUIGCPRe:", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
			o.seeds = strtoull(optarg, NULL, 0);
			break;
		case 's':
			o.seed = strtoull(optarg, NULL, 0);
			have_seed = 1;
			break;
		case 'N':
			o.nodes = (u32)atoi(optarg);
			if (o.nodes < 1 || o.nodes > 9)
				usage();
			break;
		case 't':
			o.steps = (u32)atoi(optarg);
			break;
		case 'T':
			o.trace_n = (u32)atoi(optarg);
			if (o.trace_n > TRACE_N)
				o.trace_n = TRACE_N;
			break;
		case 'v':
			o.verbose++;
			break;
		case 'k':
			keep_going = 1;
			break;
		case 'D':
			o.dup_propose = 1;
			break;
		case 'J':
			o.joiner_empty = 1;
			break;
		case 'A':
			o.ack_early = 1;
			break;
		case 'E':
			o.no_electable = 1;
			break;
		case 'd':
			if (!strcmp(optarg, "fua"))
				o.disk = 0;
			else if (!strcmp(optarg, "cache"))
				o.disk = 1;
			else if (!strcmp(optarg, "fifo"))
				o.disk = 2;
			else
				usage();
			break;
		case 'e':
			o.eio = atoi(optarg);
			if (o.eio < 0 || o.eio > 1000)
				usage();
			break;
		case 'U':
			o.report_unordered = 1;
			break;
		case 'I':
			o.flush_inflight = 1;
			break;
		case 'G':
			o.eio_ignore = 1;
			break;
		case 'C':
			o.compact_early = 1;
			break;
		case 'P':
			o.past_appsnap = 1;
			break;
		case 'R':
			o.room_full = 1;
			break;
		case 'F':
			o.no_flush = 1;
			break;
		case 'H':
			o.hs_unordered = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	/* the first disk has no device errors; the broken callers need one */
	if (o.disk == 2 && (o.eio >= 0 || o.no_flush || o.report_unordered ||
			    o.flush_inflight || o.eio_ignore || o.compact_early ||
			    o.past_appsnap || o.room_full))
		usage();
	if (!o.seeds)
		o.seeds = have_seed ? 1 : 100;
	if (o.seeds < batch)
		batch = o.seeds;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	batch_first = o.seed;
	for (i = 0; i < o.seeds; i++) {
		u64 seed = o.seed + i;
		u32 nodes = o.nodes ? o.nodes : 3 + 2 * (u32)(seed % 3);

		if (run_seed(seed, nodes, &o)) {
			failed++;
			batch_fail++;
			if (!first_fail)
				first_fail = seed;
		} else {
			passed++;
		}
		if ((i + 1) % batch == 0 || i + 1 == o.seeds ||
		    (failed && !keep_going)) {
			printf("%s %llu - seeds %llu..%llu (%s nodes, %u steps)%s\n",
			       batch_fail ? "not ok" : "ok", ULL(++tap),
			       ULL(batch_first), ULL(seed),
			       o.nodes ? (o.nodes == 3 ? "3" : o.nodes == 5 ? "5" : o.nodes == 7 ? "7" : "n") : "3/5/7",
			       o.steps,
			       batch_fail ? " # a seed failed, see above" : "");
			fflush(stdout);
			batch_fail = 0;
			batch_first = seed + 1;
		}
		if (failed && !keep_going)
			break;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# %llu seeds in %.1f s%s\n", ULL(passed + failed),
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	       failed ? "" : "");
	if (first_fail)
		printf("# first failing seed: %llu\n", ULL(first_fail));
	printf("1..%llu\n", ULL(tap));
	printf("%llu passed, %llu failed\n", ULL(passed), ULL(failed));
	return failed ? 1 : 0;
}
