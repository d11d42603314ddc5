/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The inside of a group, shared by the files that make up the group
 * driver.  Nothing outside the group driver includes this: the rest of
 * the module uses group.h.  The files, each calling only those listed
 * before it (nothing calls back up: a lower file reports to its caller
 * through return values):
 *
 *   group_params.c   parameters: parse, check, run-time tunables
 *   group_stream.c   the committed stream: publish, cut, wait, poll
 *   group_req.c      requests: alloc, submit, finish; propose, barrier
 *   group_read.c     read() of the committed stream
 *   group_members.c  membership: the address book, the transport's peers
 *   group_info.c     status report and events
 *   group_store.c    the store glue: open, load, persist, close
 *   group_msgs.c     the transport glue: endpoint, send, receive
 *   group_snap.c     snapshots: the blob, install, compaction
 *   group_ctl.c      membership and transfer requests
 *   group_run.c      the run loop: step, tick, ready processing
 *   group.c          lifecycle: registry, create, destroy
 *
 * Locking: only the group's worker (its ordered workqueue) touches raft,
 * inflight, barriers, the storage queue and the transport's peer set;
 * in_lock guards the request and message queues; stream_lock the
 * committed stream and the status snapshot.
 */
#ifndef RL_GROUP_INT_H
#define RL_GROUP_INT_H

#include <linux/types.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/completion.h>
#include <linux/refcount.h>
#include <linux/xarray.h>
#include <linux/rwsem.h>
#include <linux/wait.h>
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/slab.h>
#include "raft/raft.h"
#include "disk.h"
#include "group.h"

struct rl_storage;
struct rl_tp_ep;

#define RL_DEF_TICK_MS		50
#define RL_DEF_ELECTION		10
#define RL_DEF_HEARTBEAT	2
#define RL_DEF_MAX_ENTRY	(64 * 1024)
#define RL_DEF_MAX_PENDING	1024
#define RL_DEF_CACHE		8192
#define RL_DEF_LOG_MEM		(16ULL << 20)
#define RL_MIN_LOG_MEM		(64ULL << 10)
#define RL_MAX_LOG_MEM		(16ULL << 30)
#define RL_DEF_RETAIN		5000
#define RL_MAX_RETAIN		BIT_ULL(40)
#define RL_DEF_COMPACT_AT	75
#define RL_MIN_COMPACT_AT	10
#define RL_COMPACT_NEVER	100
#define RL_MAX_CACHE		BIT(20)
#define RL_CACHE_BYTES		(32U << 20)	/* cache_mem's default */

/* A committed record published to readers (read() copies it out under
 * stream_lock, group_read.c).
 */
struct rl_record {
	refcount_t ref;
	u64 index;
	u64 term;
	u32 len;
	u32 flags;		/* RAFTLOG_RECORD_F_* */
	u8 data[];
};

/*
 * The application's latest snapshot (group_appsnap.c): g->app, set by the
 * worker under stream_lock; readers take a reference.
 */
struct rl_appsnap {
	refcount_t ref;
	u64 index;
	u64 term;
	u64 len;
	u8 *data;		/* len bytes, kvmalloc'd; NULL: on the device */
	/*
	 * On the device: the state is at blob_off of the data of the
	 * snapshot at index (the current one once ticket is durable), crc
	 * its checksum.
	 */
	u64 blob_off;
	s64 ticket;
	u32 crc;
};

/*
 * A snapshot being received in chunks (group_snap.c): each is staged on
 * the device as it comes; here only what checking the blob needs.
 */
struct rl_snap_rx {
	u64 index;		/* 0: none */
	u64 term;
	u64 len;		/* bytes staged so far */
	u32 app_crc;		/* of the application's state so far */
	unsigned long at;	/* jiffies of the last chunk */
	u8 pfx[RL_SNAPBLOB_PREFIX];	/* the blob's first bytes */
};

enum rl_req_kind {
	RL_REQ_PROPOSE,
	RL_REQ_BARRIER,
	RL_REQ_CONF,		/* membership change (group_ctl.c) */
	RL_REQ_TRANSFER,	/* leadership transfer (group_ctl.c) */
	RL_REQ_SNAPSHOT,	/* application snapshot (group_appsnap.c) */
};

/* A proposal, a read barrier or a control request waiting for its outcome. */
struct rl_req {
	struct list_head node;
	refcount_t ref;
	struct completion done;
	u8 kind;
	u64 id;
	u32 len;
	u8 *data;		/* proposal payload until handed to the core;
				 * RL_REQ_CONF: the change's context
				 */
	u8 cc_type;		/* RL_REQ_CONF: enum raft_conf_change_type */
	u64 member;		/* RL_REQ_CONF, RL_REQ_TRANSFER: the node */
	struct rl_appsnap *app;	/* RL_REQ_SNAPSHOT: the state at index */
	int err;
	u64 index;
	u64 term;
	/* asynchronous requests: called once with the outcome */
	bool async;
	bool finished;		/* under fn_lock */
	spinlock_t fn_lock;
	rl_req_done_fn fn;
	void *fn_ctx;
	struct list_head wait_node;	/* barrier waiting for applied */
	u64 t0;			/* ns, allocated: commit latency */
};

/*
 * Membership (group_members.c).  Every node must be able to dial every member,
 * so a member's address travels in the conf-change entry that adds it, as
 * the entry's opaque context (raft.h, payload version 3), encoded by
 * rl_addr_ctx_encode(): one byte RL_CTX_ADDR, one byte length, the
 * "ip:port" text (no NUL).  Each node learns it when it appends the entry
 * (rl_members_ready), not when it commits, since the configuration takes
 * effect on append: the address book is kept in log order with the index
 * that taught each address, and a truncated suffix takes its addresses
 * with it, as the core's configuration history does.  The create spec's
 * peers are the book's entries at index 0.  On restart the book is rebuilt
 * from the spec and the log (rl_members_boot).  After every ready the
 * transport's peer set is made to match the members (voters and
 * learners but this node) of the current configuration and of the latest
 * committed one: a member being removed keeps its peer until the removal
 * commits, so its acknowledgements (a removed leader's) still arrive.  A
 * node that joined with an empty configuration keeps its spec's peers
 * until it learns one.
 *
 * SNAPSHOTS: compaction drops the entries that taught the addresses, so
 * the snapshot blob (version 2, struct raftlog_disk_snapblob) carries the address
 * book as of the snapshot index: for every member of the snapshot's
 * configuration (voters and learners, this node included), its id and
 * its address, i.e. rl_members_addr() of each at that index
 * (rl_members_snap_encode).  Installing a snapshot from the leader
 * (rl_members_ready) and booting from one (rl_members_boot) replace the
 * book by those entries at the snapshot index (rl_members_snap_load)
 * before the transport is synchronised; compacting folds the older
 * entries (rl_members_compact).  A version 1 blob has no section: the
 * book keeps what it knows, folded at the snapshot index.
 */
#define RL_CTX_ADDR		1
#define RL_ADDR_MAX		64	/* "ip:port" with its NUL */

struct rl_addr {
	u64 index;		/* the entry that taught it; 0: create spec */
	u64 node;
	char addr[RL_ADDR_MAX];
};

/* A transport peer the group added, and the address it dials. */
struct rl_member_peer {
	u64 node;
	char addr[RL_ADDR_MAX];
};

#define RL_MAX_PEERS		(2 * RAFT_MAX_MEMBERS)

/* The snapshot blob's format (uapi raftlog_disk.h) fits the book. */
static_assert(RAFTLOG_SNAPBLOB_MEMBERS_MAX == RL_MAX_PEERS);
static_assert(RAFTLOG_SNAPBLOB_ADDR_MAX + 1 == RL_ADDR_MAX);

struct rl_members {
	struct rl_addr *book;		/* in log order */
	u32 n_book;
	u32 cap_book;
	struct rl_member_peer peers[RL_MAX_PEERS];
	u32 n_peers;
	bool was_member;	/* a committed configuration had this node */
	bool removed;		/* ... and a later committed one has not */
	bool need_sync;		/* transport not yet matched to the log */
	struct raft_status st;	/* scratch for the worker */
	struct raft_conf committed;	/* the latest committed one */
	struct raft_conf cc;	/* scratch: decoding a configuration */
};

/* What the worker remembers of a peer for the status and the events. */
struct rl_peer_mon {
	u64 id;			/* 0: free slot */
	u64 contact_ns;		/* last message from it (0: none yet) */
	bool up;		/* the connection we dialed was up */
};

/*
 * An allocation of the data path (the places below) that fails waits for
 * reclaim and is tried again, RL_NOMEM_TRIES times with waits doubling
 * from 1 ms up to RL_NOMEM_WAIT_MS (about 10 s in all): a group failed for
 * a moment of memory pressure would never come back.  Test builds can
 * make each place fail (inj_nomem).
 */
enum {
	RL_NOMEM_APPEND,	/* the store's operations (entry copies) */
	RL_NOMEM_IO,		/* what waits for the store (struct rl_io) */
	RL_NOMEM_PUBLISH,	/* the readers' copy of a committed entry */
	RL_NOMEM_SITES
};

#define RL_NOMEM_TRIES		108
#define RL_NOMEM_WAIT_MS	100

struct rl_group {
	struct kref ref;
	struct list_head reg_node;	/* rl_groups, under rl_groups_lock */
	struct net *net;		/* not pinned: see rl_group_create() */
	struct rl_group_params p;

	/* the driver: only the worker touches raft and inflight */
	struct raft *raft;
	struct workqueue_struct *wq;
	struct work_struct run_work;
	struct delayed_work tick_work;
	struct xarray inflight;		/* id -> rl_req handed to the core */
	struct list_head barriers;	/* async barriers waiting to apply */

	/* requests from other contexts */
	spinlock_t in_lock;
	struct list_head inq;
	u32 n_pending;			/* queued + in flight */
	u64 next_id;
	bool stopping;			/* no more work is queued */
	int fail_err;			/* non-zero: the group failed */
	int store_err;			/* the store reported failure */
	wait_queue_head_t room_wq;

	/* the committed stream and the status snapshot */
	spinlock_t stream_lock;
	struct rl_record **ring;	/* ring[index & ring_mask] */
	u32 ring_mask;
	u64 ring_first;			/* lowest cached index */
	u64 applied;			/* highest published index */
	u64 first_index;		/* lowest index readers may ask for */
	struct rl_appsnap *app;		/* the application's snapshot */
	struct rl_snap_rx *rx;		/* worker: a snapshot being received */
	size_t ring_bytes;
	size_t cache_mem;		/* the bound on ring_bytes (cache_mem) */
	bool dead;			/* stopped: readers get -ENODEV */
	struct raft_status st;
	wait_queue_head_t stream_wq;

	/* storage */
	bool volatile_log;		/* no device: nothing is durable */
	struct rl_storage *store;
	struct rw_semaphore store_sem;	/* readers of store vs. close */
	struct list_head io_list;	/* rl_io waiting for durability */
	u64 last_ticket;		/* of the last queued operation */
	u64 hs_term, hs_vote;		/* of the last hard state queued */
	u64 log_last;			/* last index handed to the store */
	atomic64_t durable_ticket;	/* from the store's callback */
	u64 stall_seen;			/* durable ticket last looked at */
	u64 stall_since;		/* ns: since when it has not moved */
	struct rl_entry *ents;		/* scratch for appends */

	/* transport: received messages wait in inmsgs for the worker */
	struct rl_tp_ep *ep;
	struct list_head inmsgs;	/* under in_lock */
	u32 n_inmsgs;
	u64 in_bytes;			/* what they cost on the wire (in_lock) */
	u64 msgs_dropped;		/* not sent (worker) */
	u64 msgs_in_dropped;		/* inbound queue full (in_lock) */
	/* peers the transport reported lost, for the worker (in_lock) */
	u64 lost_q[RL_MAX_PEERS];
	u32 n_lost_q;
	bool tick_off;			/* quiesced: no tick queued (worker) */

	/* membership and addresses: worker only (group_members.c) */
	struct rl_members mb;
	/* status and events (group_info.c): the worker's, unless noted */
	struct rl_group_counters c;
	atomic64_t fsyncs;		/* the store's durable callback */
	bool sync_timing;		/* a durability latency is measured */
	u64 sync_ticket;		/* ... until this ticket is durable */
	u64 sync_t0;			/* ns, when it was queued */
	u64 sync_seen;			/* durable ticket last looked at */
	struct rl_peer_mon mon[RL_INFO_MAX_MEMBERS];
	u64 bad_reads_seen;		/* the store's count at the last tick */
	struct rl_hist persist_hist;	/* rl_io queued to durable seen */
	struct rl_hist commit_hist;	/* proposal submitted to outcome */

	/* entries the core asked back from the device (group_fetch.c) */
	struct work_struct fetch_work;
	struct list_head fetch_todo;	/* under in_lock */
	struct list_head fetch_done;	/* under in_lock */
	u32 n_fetch;			/* under in_lock */
#ifdef RL_TEST_HOOKS
	/* the tests: how many allocations of each RL_NOMEM_* site fail */
	atomic_t inj_nomem[RL_NOMEM_SITES];
#endif
};

/* A received message owned by the group until raft_step() took it. */
struct rl_inmsg {
	struct list_head node;
	struct raft_msg m;		/* allocated by the wire decoder */
	u32 bytes;			/* its size on the wire */
};

/*
 * The inbound queue holds at most this many messages, and at most this
 * many bytes of them (four of the largest, so one always fits): what a
 * peer sends faster than the worker steps is dropped, counted, and
 * retransmitted by Raft, never queued without bound.
 */
#define RL_MAX_INMSGS		4096
#define RL_INMSG_BYTES		(4 * RAFTLOG_MSG_MAX_SIZE)

/*
 * A store with work outstanding that completes none of it for
 * RL_STALL_ETOS election timeouts, and at least RL_STALL_MIN_MS, is
 * stalled (a hung disk: a slow one still completes something).
 */
#define RL_STALL_ETOS		10
#define RL_STALL_MIN_MS		2000

/*
 * Persistence of one ready batch waiting for the store: the messages
 * that may only go once it is durable (copies) and the last entry to
 * report with raft_persisted().
 */
struct rl_io {
	struct list_head node;
	u64 ticket;
	u64 last_index;		/* 0: no entries */
	u64 last_term;
	u64 snap_index;		/* 0: no snapshot installed */
	u64 snap_term;
	u64 t0;			/* ns, queued: persist latency */
	u32 n_msgs;
	struct raft_msg *msgs;
};

#define RL_APPEND_CHUNK		256

/* entries handled between two chances to reschedule */
#define RL_TRIM_CHUNK		256

/* entries the core drops at a time when compacting or freeing its log */
#define RL_CORE_STEP		1024

/* The configuration as stored: le32 counts, then le64 voters, learners. */
#define RL_CONF_MAX		(8 + 16 * RAFT_MAX_MEMBERS)

/* group_stream.c */
int rl_stream_publish(struct rl_group *g, const struct raft_entry *ents,
		      u64 n);
void rl_stream_trim(struct rl_group *g, u64 last);
void rl_stream_cut(struct rl_group *g, u64 index, bool reset);

/* group_req.c */
struct rl_req *rl_req_alloc(u8 kind);
int rl_req_submit(struct rl_group *g, struct rl_req *rq, bool nonblock);
struct rl_req *rl_req_submit_async(struct rl_group *g, struct rl_req *rq,
				   bool nonblock);
void rl_req_put(struct rl_req *rq);
void rl_req_finish(struct rl_group *g, struct rl_req *rq, int err, u64 index,
		   u64 term);
void rl_barriers_check(struct rl_group *g, int err);

/* group_members.c: membership, addresses */
bool rl_ids_has(const u64 *ids, u32 n, u64 id);
bool rl_conf_has(const struct raft_conf *c, u64 id);
u32 rl_members_ctx_encode(u8 *ctx, const char *addr);
int rl_members_snap_check(struct rl_group *g, const u8 *data, u64 len,
			  u64 index, u64 term, const u8 **addrs,
			  u32 *addrs_len);
int rl_members_boot(struct rl_group *g, const struct raft_boot *boot);
int rl_members_ready(struct rl_group *g, const struct raft_ready *rd);
int rl_members_after_step(struct rl_group *g);
void rl_members_free(struct rl_group *g);
const char *rl_members_addr(struct rl_group *g, u64 node);
void rl_members_compact(struct rl_group *g, u64 index);
ssize_t rl_members_snap_encode(struct rl_group *g, u64 index,
			       const struct raft_conf *conf, u8 *buf,
			       size_t len);
int rl_members_snap_load(struct rl_group *g, u64 index, const u8 *buf,
			 size_t len);

/*
 * group_info.c, called by the run loop.  All on the worker except
 * rl_info_lifecycle (creator, destroyer).
 */
void rl_info_observe(struct rl_group *g, const struct raft_status *old,
		     const struct raft_status *now);
void rl_info_refresh(struct rl_group *g);
void rl_info_contact(struct rl_group *g, u64 from);
void rl_info_tick(struct rl_group *g);
void rl_info_persist_queued(struct rl_group *g);
void rl_info_durable(struct rl_group *g);
void rl_info_failed(struct rl_group *g, int err);
void rl_info_lifecycle(struct rl_group *g, bool up);
void rl_info_persisted(struct rl_group *g, u64 index, u64 term, u64 t0);
void rl_info_proposal_done(struct rl_group *g,
			   const struct raft_proposal_result *res, u64 t0);

/* group_store.c */
int rl_store_open(struct rl_group *g, struct raft_boot *boot);
void rl_store_boot_free(struct raft_boot *boot);
int rl_store_persist(struct rl_group *g, const struct raft_ready *rd);
int rl_store_io_queue(struct rl_group *g, const struct raft_ready *rd);
void rl_store_io_free(struct rl_io *io);
u8 rl_store_type_from_disk(u8 t);
void rl_store_close(struct rl_group *g);
bool rl_store_stalled(struct rl_group *g);
u32 rl_store_conf_encode(const struct raft_conf *c, u8 *buf);

/* group_msgs.c */
int rl_msgs_start(struct rl_group *g);
void rl_msgs_stop(struct rl_group *g);
void rl_msgs_send(struct rl_group *g, const struct raft_msg *m, u32 n);
void rl_msgs_handle(struct rl_group *g);
void rl_msgs_recv(void *ctx, struct raft_msg *m);

/* group_snap.c */
int rl_snap_install(struct rl_group *g, const struct raft_snapshot *s);
int rl_snap_chunk(struct rl_group *g, const struct raft_snapshot_chunk *c);
int rl_snap_rx_check(struct rl_group *g, u64 index, u64 term, u64 len,
		     const u8 **addrs, u32 *addrs_len, u64 *app_off,
		     u64 *app_len);
int rl_snap_fill(struct rl_group *g, const struct raft_msg *m, u8 **data);
void rl_snap_retain(struct rl_group *g);
/*
 * Compact at index (worker only), with the application's snapshot app
 * there (which becomes the group's) or without.  Errors as
 * rl_group_compact, and -EBUSY (without app: past the application's
 * snapshot), -ENOSPC (app does not fit the snapshot area).
 */
int rl_compact_now(struct rl_group *g, u64 index, struct rl_appsnap *app);

/* group_appsnap.c */
void rl_appsnap_put(struct rl_appsnap *a);
void rl_appsnap_set(struct rl_group *g, struct rl_appsnap *a);
int rl_appsnap_from_blob(struct rl_group *g, u64 index, u64 term,
			 const u8 *blob, u64 len);
int rl_appsnap_on_device(struct rl_group *g, u64 index, u64 term,
			 u64 blob_off, u64 len, u32 crc, s64 ticket);
int rl_appsnap_read(struct rl_group *g, u64 *pos, char __user *ubuf,
		    size_t len, size_t *done);
u64 rl_appsnap_first(struct rl_group *g, u64 first_index);
void rl_appsnap_take(struct rl_group *g, struct list_head *reqs);
struct raftlog_status;
void rl_appsnap_status(struct rl_group *g, struct raftlog_status *st);

/* group_ctl.c */
int rl_group_ctl_request(struct rl_group *g, struct rl_req *rq);

/* group_run.c */
/* group_fetch.c: entries read back from the device for the core */
void rl_fetch_queue(struct rl_group *g, const struct raft_fetch *f, u32 n);
void rl_fetch_work(struct work_struct *w);
u32 rl_fetch_deliver(struct rl_group *g);
void rl_fetch_stop(struct rl_group *g);

void rl_run_work(struct work_struct *w);
void rl_tick_work(struct work_struct *w);

/*
 * An allocation of the data path failed (group_store.c, group_stream.c):
 * count it, wait for reclaim (1 ms, doubling up to RL_NOMEM_WAIT_MS) and
 * say whether to try again; not once the group stops or RL_NOMEM_TRIES
 * are spent (the caller's -ENOMEM then fails the group).
 */
static inline bool rl_nomem_wait(struct rl_group *g, unsigned int *tries)
{
	if (*tries >= RL_NOMEM_TRIES || READ_ONCE(g->stopping))
		return false;
	g->c.nomem_retries++;
	msleep(min_t(unsigned int, 1U << min(*tries, 7U), RL_NOMEM_WAIT_MS));
	(*tries)++;
	return true;
}

/* Test builds: whether the next allocation at @site is to fail. */
static inline bool rl_nomem_injected(struct rl_group *g, unsigned int site)
{
#ifdef RL_TEST_HOOKS
	return atomic_add_unless(&g->inj_nomem[site], -1, 0);
#else
	return false;
#endif
}

/*
 * An allocation of the data path at @site (gfp: GFP_KERNEL | __GFP_NOWARN
 * and @extra), waited out while memory is short (rl_nomem_wait); with
 * @once, given up at the first failure (counted): the caller has a way
 * around it.  NULL when it gave up.
 */
static inline void *rl_nomem_alloc(struct rl_group *g, unsigned int site,
				   size_t size, gfp_t extra, bool once)
{
	unsigned int tries = 0;
	void *p;

	do {
		p = NULL;
		if (!rl_nomem_injected(g, site))
			p = kmalloc(size, GFP_KERNEL | __GFP_NOWARN | extra);
		if (!p && once) {
			g->c.nomem_retries++;
			return NULL;
		}
	} while (!p && rl_nomem_wait(g, &tries));
	return p;
}

#endif /* RL_GROUP_INT_H */
