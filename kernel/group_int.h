/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The inside of a group, shared by the files that make up the group
 * driver (group.c: lifecycle, the worker and the ready loop; the control
 * operations and the status report built on it).  Nothing outside the
 * group driver includes this: the rest of the module uses group.h.
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
#include "raft/raft.h"
#include "group.h"

struct rl_storage;
struct rl_entry;
struct rl_tp_ep;

#define RL_DEF_TICK_MS		50
#define RL_DEF_ELECTION		10
#define RL_DEF_HEARTBEAT	2
#define RL_DEF_MAX_ENTRY	(64 * 1024)
#define RL_DEF_MAX_PENDING	1024
#define RL_DEF_CACHE		8192
#define RL_MAX_CACHE		BIT(20)
#define RL_CACHE_BYTES		(32U << 20)

/* A committed entry published to readers; refcounted so copies to user
 * space run without the stream lock.
 */
struct rl_centry {
	refcount_t ref;
	u64 index;
	u64 term;
	u32 len;
	u32 flags;		/* RAFTLOG_RECORD_F_* */
	u8 data[];
};

enum rl_req_kind { RL_REQ_PROPOSE, RL_REQ_BARRIER };

/* A proposal or a read barrier waiting for its outcome. */
struct rl_req {
	struct list_head node;
	refcount_t ref;
	struct completion done;
	u8 kind;
	u64 id;
	u32 len;
	u8 *data;		/* proposal payload until handed to the core */
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
};

/* What the worker remembers of a peer for the status and the events. */
struct rl_peer_mon {
	u64 id;			/* 0: free slot */
	u64 contact_ns;		/* last message from it (0: none yet) */
	bool up;		/* the connection we dialed was up */
};

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
	struct rl_centry **ring;	/* ring[index & ring_mask] */
	u32 ring_mask;
	u64 ring_first;			/* lowest cached index */
	u64 applied;			/* highest published index */
	u64 first_index;		/* lowest index readers may ask for */
	size_t ring_bytes;
	bool dead;			/* stopped: readers get -ENODEV */
	struct raft_status st;
	wait_queue_head_t stream_wq;

	/* storage */
	bool volatile_log;		/* no device: nothing is durable */
	struct rl_storage *store;
	struct rw_semaphore store_sem;	/* readers of store vs. close */
	struct list_head io_list;	/* rl_io waiting for durability */
	u64 last_ticket;		/* of the last queued operation */
	u64 log_last;			/* last index handed to the store */
	atomic64_t durable_ticket;	/* from the store's callback */
	struct rl_entry *ents;		/* scratch for appends */

	/* transport: received messages wait in inmsgs for the worker */
	struct rl_tp_ep *ep;
	struct list_head inmsgs;	/* under in_lock */
	u32 n_inmsgs;
	u64 msgs_dropped;		/* not sent (worker) */
	u64 msgs_in_dropped;		/* inbound queue full (in_lock) */

	/* status and events (group_info.c): the worker's, unless noted */
	struct rl_group_counters c;
	atomic64_t fsyncs;		/* the store's durable callback */
	bool sync_timing;		/* a durability latency is measured */
	u64 sync_ticket;		/* ... until this ticket is durable */
	u64 sync_t0;			/* ns, when it was queued */
	u64 sync_seen;			/* durable ticket last looked at */
	struct rl_peer_mon mon[RL_INFO_MAX_MEMBERS];
};

/* A received message owned by the group until raft_step() took it. */
struct rl_inmsg {
	struct list_head node;
	struct raft_msg m;		/* allocated by the wire decoder */
};

#define RL_MAX_INMSGS		4096

/*
 * group_info.c, called by group.c.  All on the worker except
 * rl_info_lifecycle (creator, destroyer).
 */
void rl_info_observe(struct rl_group *g, const struct raft_status *old,
		     const struct raft_status *now);
void rl_info_contact(struct rl_group *g, u64 from);
void rl_info_tick(struct rl_group *g);
void rl_info_persist_queued(struct rl_group *g);
void rl_info_durable(struct rl_group *g);
void rl_info_failed(struct rl_group *g, int err);
void rl_info_lifecycle(struct rl_group *g, bool up);

#endif /* RL_GROUP_INT_H */
