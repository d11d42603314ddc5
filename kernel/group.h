/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One Raft group: a core instance (kernel/raft/), its storage and its
 * peers, driven by one ordered workqueue so the core is only ever called
 * from one context at a time.  The group publishes its committed entries
 * as a stream that the character device reads, and completes proposals
 * and read barriers with a definite result.
 *
 * Lifecycle (group.c; what the netlink commands and the module parameter
 * call): rl_group_create() builds and starts a group and registers it by id;
 * rl_group_destroy() stops it (every proposal and barrier still waiting
 * gets -ENODEV, readers are woken with -ENODEV), releases its storage and
 * drops the registry's reference.  Users that hold a reference
 * (rl_group_get/rl_group_put, e.g. an open file) keep the memory alive,
 * never the device or the workqueue.
 */
#ifndef RL_GROUP_H
#define RL_GROUP_H

#include <linux/types.h>
#include <linux/kref.h>
#include <linux/wait.h>
#include <linux/raftlog_wire.h>

struct net;

struct rl_group;

#define RL_GROUP_MAX_PEERS	16
#define RL_DEV_PATH_MAX		128

struct rl_group_peer {
	u64 id;
	char addr[64];		/* "ip:port", parsed by the transport */
};

struct rl_group_params {
	u32 group_id;		/* non-zero; names /dev/raftlog<group_id> */
	u64 node_id;		/* this node, non-zero */
	u64 cluster_id;
	char dev_path[RL_DEV_PATH_MAX];	/* the group's block device */
	u32 n_peers;		/* other voters of a new group */
	struct rl_group_peer peers[RL_GROUP_MAX_PEERS];
	/* "ip:port" to accept peers on; required when there are peers */
	char listen[64];
	u32 tick_ms;		/* logical clock period (0: 50) */
	u32 election_ticks;	/* (0: 10) */
	u32 heartbeat_ticks;	/* (0: 2) */
	u32 max_entry;		/* largest proposal (0: 64 KiB) */
	u32 max_pending;	/* proposals queued or in flight (0: 1024) */
	u32 cache_entries;	/* committed entries kept for readers (0: 8192) */
	/*
	 * Bytes of durable, applied entries the core keeps in memory for
	 * followers (0: 16 MiB); older ones are read back from the device.
	 */
	u64 log_mem;
	/*
	 * Retention: once compact_at percent of the device's ring is used
	 * (0: 75; 100: never), the log is compacted automatically, keeping
	 * the newest retain applied entries (0: 5000) on the device.
	 */
	u64 retain;
	u32 compact_at;
	/*
	 * 1: this node joins an existing group: it boots with an empty
	 * configuration (never campaigns) and learns the membership from
	 * the leader once added; peers are only where to reach the cluster.
	 */
	u8 join;
	/*
	 * The cluster secret peers authenticate with (0 bytes: none).  Handed
	 * to the transport at start and wiped from the group's copy; never
	 * reported back.  Whoever fills it wipes its own copy too.
	 */
	u32 secret_len;
	u8 secret[RAFTLOG_SECRET_MAX];
};

/*
 * Parameters (group_params.c).  Fill in the defaults for the zero
 * fields; -EINVAL for bad values.
 */
int rl_group_params_check(struct rl_group_params *p);

/*
 * Parse "id=1,node=1,dev=/dev/ram0[,cluster=7][,listen=10.0.0.1:7000]
 * [,peer=2@10.0.0.2:7000]...
 * [,tick_ms=50][,election=10][,heartbeat=2][,max_entry=65536]
 * [,max_pending=1024][,join=1]" into p (zeroed first).  Returns 0 or -EINVAL.
 */
int rl_group_params_parse(char *s, struct rl_group_params *p);

/*
 * Groups are registered by (network namespace, group id): one kernel can
 * host several nodes of one group in separate namespaces, which is how a
 * cluster is tested on one machine.  The group's sockets live in @net; the
 * group does not pin it (its owner destroys the namespace's groups from a
 * pernet pre_exit hook).  -EEXIST when @net already has group p->group_id.
 */
int rl_group_create(struct net *net, const struct rl_group_params *p,
		    struct rl_group **out);
/* Stop and unregister group @id of @net: 0, or -ENOENT. */
int rl_group_destroy(struct net *net, u32 id);
/* Some registered group of @net (any namespace if NULL), referenced. */
struct rl_group *rl_group_any(struct net *net);

/* A referenced group by id, or NULL; release with rl_group_put(). */
struct rl_group *rl_group_find(struct net *net, u32 id);
void rl_group_get(struct rl_group *g);
void rl_group_put(struct rl_group *g);
u32 rl_group_id(const struct rl_group *g);
u64 rl_group_node(const struct rl_group *g);
struct net *rl_group_net(const struct rl_group *g);

/* The registered group of @net with the lowest id above @after, referenced. */
struct rl_group *rl_group_next(struct net *net, u32 after);

/* Log role and membership changes at info level (module parameter). */
extern bool rl_verbose;
extern bool rl_quiesce;

/* ---- control (kernel/group_ctl.c) ---- */

/*
 * Membership and leadership (group_ctl.c), for netlink and debugfs.  Any
 * context that may sleep; each call is carried out on the group's worker
 * and waits for its outcome.  A change takes effect on every node when it
 * appends the entry; the membership calls return once it is committed.
 *
 * rl_group_member_add: add @node as a learner that dials and is dialed at
 * @addr ("ip:port"; every node learns it from the entry, see group_int.h).
 * rl_group_member_promote: make learner @node a voter (catch it up first:
 * a lagging new voter holds up commitment).  rl_group_member_remove:
 * remove a voter or learner; removing the leader makes it hand over and
 * step down, and a node that sees its own removal commit stops (its
 * requests fail with EIO, its status has RAFTLOG_STATUS_F_REMOVED).
 * rl_group_transfer: make voter @to the leader; returns once this node
 * sees @to lead.
 *
 * Errors, all calls:
 *   -EREMOTE    this node is not the leader; another is (the status's
 *               leader): ask it
 *   -EAGAIN     no leader known right now (election): retry
 *   -EBUSY      another membership change is not committed yet, a
 *               transfer is running, or the leader has not committed an
 *               entry of its term yet: retry
 *   -EINVAL     node id 0, malformed address, a learner as transferee
 *   -ETIMEDOUT  no outcome in time (membership: ~30 s, the change may
 *               still commit; transfer: the core gave up)
 *   -ECANCELED  the change was appended but overwritten (lost leadership)
 *   -EINTR      interrupted while waiting (the change may still happen)
 *   -ENODEV     the group is being destroyed; -EIO it failed or this node
 *               was removed; -ENOMEM
 * add:      -EEXIST @node is already a member (or is this node);
 *           -ENOSPC RAFT_MAX_MEMBERS learners; -EOPNOTSUPP the group has
 *           no transport (created without listen=)
 * promote:  -ENOENT @node is not a member; -EALREADY already a voter;
 *           -ENOSPC RAFT_MAX_MEMBERS voters
 * remove:   -ENOENT @node is not a member; -ERANGE it is the last voter
 * transfer: -ENOENT @to is not a member; -EINVAL it is a learner;
 *           -EALREADY @to is this node (the leader)
 */
int rl_group_member_add(struct rl_group *g, u64 node, const char *addr);
int rl_group_member_promote(struct rl_group *g, u64 node);
int rl_group_member_remove(struct rl_group *g, u64 node);
int rl_group_transfer(struct rl_group *g, u64 to);
/*
 * Snapshot group @g at @index (<= applied) and discard the log up to it,
 * on the device too (group_snap.c); runs on the group's worker and waits
 * for it.  Readers below index + 1 get -ERANGE from then on; followers
 * behind it are sent the snapshot.  0, -EINVAL (0 or beyond applied),
 * -EALREADY (at or below the current snapshot), -EIO (the group failed),
 * -ENODEV (stopped), -ENOMEM, or the store's error (the log then stays
 * whole on the device).
 */
int rl_group_compact(struct rl_group *g, u64 index);
/*
 * RAFTLOG_IOC_SNAPSHOT (group_appsnap.c): the application's state at
 * @index is the @len bytes at @data; compact up to @index with it.
 * 0, -EINVAL (index 0 or beyond applied), -EALREADY (not newer than the
 * current snapshot), -EFBIG (len above RAFTLOG_SNAPSHOT_MAX), -ENOSPC
 * (the device's snapshot area cannot hold it), -EFAULT, -EINTR, and the
 * errors of rl_group_compact.
 */
int rl_group_snapshot(struct rl_group *g, u64 index, const void __user *data,
		      u64 len);

/*
 * Change the tunables that are safe at run time (0: keep): max_entry
 * (1..RAFT_MAX_ENTRY_SIZE) and max_pending (1..65536), checked by the
 * caller.  0, or -ENODEV when the group is stopping.
 */
/* Change tunables of a running group (0: keep that one). */
int rl_group_tune(struct rl_group *g, u32 max_entry, u32 max_pending,
		  u64 retain, u32 compact_at);

/* ---- status and events (kernel/group_info.c) ---- */

/* Counters of a group since it started (see RAFTLOG_COUNTER_A_*). */
struct rl_group_counters {
	u64 elections_started;
	u64 elections_won;
	u64 proposals;
	u64 proposals_failed;
	u64 commits;
	u64 commit_bytes;
	u64 fsyncs;
	u64 fsync_usec_total;
	u64 fsync_usec_max;
	u64 fsync_samples;
	u64 decode_errors;	/* summed over peers and the listener */
	u64 handshake_failures;
	u64 msgs_dropped;
	u64 msgs_in_dropped;
	u64 fetched;		/* entries read back for followers */
	u64 fetch_errors;	/* reads back that failed */
	u64 log_mem_used;	/* the core's window now (a gauge) */
	u64 log_mem_peak;	/* the most it held since the group started */
	u64 auto_compactions;	/* compactions retention made */
	/* summed over peers and the listener, like decode_errors */
	u64 mac_errors;		/* frames with a wrong or missing MAC */
	u64 seq_errors;		/* frames out of sequence (replays) */
	u64 conns_refused;	/* closed at accept: too many handshaking */
	u64 disk_stalls;	/* the store made no progress for too long */
	u64 nomem_retries;	/* data-path allocations tried again */
	u64 quiesced;		/* 1 while quiesced (a gauge) */
	u64 quiesces;		/* times this node quiesced */
	u64 wakes;		/* ... and woke */
	u64 peers_lost;		/* the transport reported a peer lost */
};

/*
 * A latency histogram in log2 buckets of microseconds: bucket i counts
 * the samples above 2^(i-1) us and at most 2^i us (bucket 0: at most
 * 1 us); the last bucket also those above its bound.  sum_us and count
 * make the mean; the buckets the quantiles.
 */
#define RL_HIST_BUCKETS		32

struct rl_hist {
	u64 count;
	u64 sum_us;
	u64 bucket[RL_HIST_BUCKETS];
};

/* One voter or learner as this node sees it (RAFTLOG_MEMBER_A_*). */
struct rl_member_info {
	u64 id;
	char addr[64];		/* "" when this node does not dial it */
	bool learner;
	bool self;
	bool has_progress;	/* match/next/inflight/progress: leader only */
	bool has_contact;	/* contact_ms: a message arrived from it */
	bool has_link;		/* the transport knows it */
	bool connected;
	u8 progress;		/* RAFTLOG_PROGRESS_* */
	u64 match, next, inflight;
	u64 contact_ms;
	u64 connects, disconnects, connect_failures;
	u64 frames_out, bytes_out, frames_in, bytes_in, frames_dropped;
	u64 decode_errors, handshake_failures;
};

#define RL_INFO_MAX_MEMBERS	32	/* voters and learners */

/* Storage state (RAFTLOG_STORAGE_A_*). */
struct rl_storage_state {
	u8 state;		/* RAFTLOG_STORAGE_* */
	int error;
	u64 first_index, last_index, durable_index;
	u64 snap_index, snap_term;
	u64 ring_blocks, used_blocks, records, max_records, ring_laps;
	u64 bad_reads;
};

/* Bytes each memory user of a group holds, and its bound (uapi MEM_A). */
struct rl_mem_state {
	u64 log, log_limit;
	u64 cache, cache_limit;
	u64 recv, recv_limit;
	u64 send, send_limit;
	u64 window, window_limit;
	u64 pipeline, pipeline_limit;
	u64 index, index_limit;
	u64 snapshot, snapshot_limit;
};

/* A consistent status report of one group, taken on its worker. */
struct rl_group_info {
	struct rl_group_params p;	/* secret always zero */
	bool auth;			/* a secret was set */
	u8 role;			/* RAFTLOG_ROLE_* */
	u32 flags;			/* RAFTLOG_STATUS_F_* */
	u32 pending;
	u64 term, vote, leader;
	u64 commit, applied, first_index, last_index;
	struct rl_group_counters c;
	struct rl_hist persist_hist;	/* log2 us: see struct rl_hist */
	struct rl_hist commit_hist;
	struct rl_storage_state s;
	struct rl_mem_state mem;
	u32 n_members;
	struct rl_member_info members[RL_INFO_MAX_MEMBERS];
};

/* Fill @out: 0, or -ENODEV when the group is stopping. */
int rl_group_info(struct rl_group *g, struct rl_group_info *out);

/* An event of a group (RAFTLOG_EVENT_*); see uapi RAFTLOG_CMD_EVENT. */
struct rl_group_event {
	u32 type;		/* RAFTLOG_EVENT_* */
	u32 group_id;
	u64 node_id;
	u8 role;		/* ROLE, LEADER */
	u64 term, leader;	/* ROLE, LEADER */
	u64 peer;		/* PEER_UP, PEER_DOWN */
	int err;		/* FAILED */
	u32 n_voters, n_learners;	/* MEMBERS */
	const u64 *voters, *learners;
};

/*
 * The event hook: called for each event of every group, from the group's
 * worker or its creator/destroyer, under rcu_read_lock() (it must not
 * sleep).  The group never calls netlink: netlink registers here.
 */
struct rl_group_event_hook {
	void (*fn)(struct net *net, const struct rl_group_event *ev);
};

/* Install @h (NULL: remove); on removal waits until no call is running. */
void rl_group_set_event_hook(const struct rl_group_event_hook *h);

/* ---- for the character device (group_req.c, group_stream.c) ---- */

struct raftlog_status;
void rl_group_status(struct rl_group *g, struct raftlog_status *st);

/*
 * Propose one entry (copied); waits for the result.  nonblock: fail with
 * -EAGAIN instead of waiting for room in the proposal queue.  Returns 0
 * with *index and *term, or a negative errno (see uapi write()).
 */
int rl_group_propose(struct rl_group *g, const void __user *data, u32 len,
		     bool nonblock, u64 *index, u64 *term);

/*
 * Asynchronous proposal and barrier (io_uring).  The request is queued at
 * once; the returned reference belongs to the caller (drop it with
 * rl_group_req_put()).  Then rl_group_req_arm() attaches fn(ctx, err,
 * index, term), which runs exactly once with the outcome, in process
 * context (the group's worker, or whoever destroys the group), unless
 * rl_group_req_cancel() returned true first.  If arm returns false the
 * outcome is already there: read it with rl_group_req_result().  Errors
 * as for the waiting calls.  An asynchronous barrier completes only once
 * its read index is applied.
 */
struct rl_req;
typedef void (*rl_req_done_fn)(void *ctx, int err, u64 index, u64 term);
struct rl_req *rl_group_propose_async(struct rl_group *g,
				      const void __user *data, u32 len,
				      bool nonblock);
struct rl_req *rl_group_barrier_async(struct rl_group *g, bool nonblock);
/* An application snapshot (rl_group_snapshot): index is the snapshot's. */
struct rl_req *rl_group_snapshot_async(struct rl_group *g, u64 index,
				       const void __user *data, u64 len,
				       bool nonblock);
bool rl_group_req_arm(struct rl_req *rq, rl_req_done_fn fn, void *ctx);
/* The outcome of a finished request: err, and index/term when 0. */
int rl_group_req_result(struct rl_req *rq, u64 *index, u64 *term);
/* Detach fn: true if it had not run (it never will), false if it did. */
bool rl_group_req_cancel(struct rl_req *rq);
void rl_group_req_put(struct rl_req *rq);

/* ReadIndex barrier: 0 with *index applied, or a negative errno. */
int rl_group_barrier(struct rl_group *g, u64 *index);

/* Wait until applied >= index; timeout in ms, 0 = none. */
int rl_group_wait(struct rl_group *g, u64 index, u32 timeout_ms,
		  u64 *applied);

/*
 * Copy committed records from index *pos into ubuf (see uapi read()),
 * advancing *pos.  Waits for the first one unless nonblock.  Returns
 * bytes copied or a negative errno; after a bounded amount of work (or
 * on a signal) it returns what it has, even if more would fit
 * (group_read.c).
 */
ssize_t rl_group_read(struct rl_group *g, u64 *pos, char __user *ubuf,
		      size_t len, bool nonblock);

/* Validate a new read position (see uapi lseek()). */
int rl_group_check_pos(struct rl_group *g, u64 index);
u64 rl_group_first_index(struct rl_group *g);
u64 rl_group_applied(struct rl_group *g);

/* For poll(): the wait queue and the current readiness. */
wait_queue_head_t *rl_group_waitq(struct rl_group *g);
__poll_t rl_group_poll_mask(struct rl_group *g, u64 pos);

#endif /* RL_GROUP_H */
