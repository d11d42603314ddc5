/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the block-device storage of one Raft group, shared by its
 * files (storage.h is the interface, docs/format.md the on-disk format and
 * the recovery rules, which live in disk.c and are shared with raftctl):
 *
 *  storage.c		the operations callers queue (append, hard state,
 *			truncate, compact, snapshot), wait, info
 *  storage_worker.c	the worker that carries them out, and failure
 *  storage_pipe.c	the record pipeline: records in flight, their
 *			completions, retired in order
 *  storage_read.c	reading entries, terms and the snapshot back
 *  storage_open.c	open and recovery, close, format
 *  storage_index.c	the in-memory indexes: records on the ring (rix)
 *			and recent entries (the window)
 *  storage_bdev.c	block-device open/close and synchronous I/O, with
 *			the tests' fault injection (RL_TEST_HOOKS builds)
 *  storage_vwc.c	tests only: a volatile write cache, for crash tests
 *
 * Structure:
 *  - the "accepted" state (acc_*) is what callers have asked for so far;
 *    it is updated at once by every call and used to check the next one;
 *  - the "durable" state (meta, rix, durable_last) is what is on stable
 *    storage; only the worker changes it, after its I/O completed; the
 *    ring's placement (tail, next_seq, used, sub_last) also counts the
 *    records in flight: the worker advances it when it submits one;
 *  - the window holds the entries [win_first, acc_last] in memory: all
 *    entries not yet written, and recent durable ones up to cache_bytes;
 *  - rix is the in-memory index of the live records on the ring.
 *
 * One worker on an ordered WQ_MEM_RECLAIM workqueue carries out queued
 * operations in order.  Appends go out as records through a pipeline of
 * RL_ST_INFLIGHT slots (storage_pipe.c): each record is placed on the
 * ring (offset, seq, tail, used) when it is submitted, written FUA with
 * submit_bio, and retired in submission order whatever order the writes
 * complete in: only a retired record is indexed (rix) and reported
 * durable, and only once every record before it completed.  Appends
 * queued while records are in flight go into the next free slot (group
 * commit).  Metadata and snapshot writes are barriers: they wait until
 * nothing is in flight, and the appends queued after them wait for them.
 * s->lock protects everything but the slots' completion flags (cmpl_lock)
 * and is never held across I/O.
 */
#ifndef RL_STORAGE_INT_H
#define RL_STORAGE_INT_H

#include <linux/blk_types.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "disk.h"
#include "storage.h"

#define RL_ST_WIN			8192	/* entries in memory (power of two) */
/* the least the record index holds: two appends of the most entries */
#define RL_ST_INDEX_MIN		(2 * RAFTLOG_REC_MAX_ENTRIES)
#define RL_ST_REC_BYTES		(RAFTLOG_REC_MAX_BLOCKS * RAFTLOG_BLOCK_SIZE)
#define RL_ST_SECT_PER_BLOCK	(RAFTLOG_BLOCK_SIZE >> SECTOR_SHIFT)
/*
 * Record writes in flight at once.  Each slot owns a write buffer of one
 * record (rec_max_blocks blocks, at most 1 MiB) allocated at open.
 */
#define RL_ST_INFLIGHT		4
/* a commit index that moved alone is written at most this often */
#define RL_ST_COMMIT_MS		200

/* one entry in memory */
struct rl_st_cent {
	u64 term;
	u32 len;
	u8 type;
	u8 data[];
};

/* one live record on the ring */
struct rl_st_rix {
	u64 seq;
	u64 first;
	u64 last;		/* last live index (after truncation cuts) */
	u64 term_first;
	u64 term_last;		/* of the record's last stored entry */
	u64 off;		/* ring block */
	u32 blocks;
	bool conf;		/* holds a configuration change */
};

struct rl_storage;
struct rl_vwc_w;

/* one record write of the pipeline */
struct rl_st_slot {
	struct rl_storage *s;
	void *buf;		/* the encoded record */
	size_t len;		/* bytes to write: whole blocks */
	struct rl_st_rix rx;	/* how it is indexed once retired */
	struct rl_vwc_w *vw;	/* tests: its volatile-cache journal entry */
	bool crashed;		/* tests: it went out at a simulated crash */
	/* under s->cmpl_lock: set by its completion */
	bool done;
	int err;
};

enum rl_st_op_kind {
	RL_ST_OP_APPEND,
	RL_ST_OP_HS,
	RL_ST_OP_TRUNC,
	RL_ST_OP_COMPACT,
	RL_ST_OP_SNAP,
	RL_ST_OP_STAGE,		/* storage_snap.c: bytes of a staged snapshot */
	RL_ST_OP_STAGE_COMMIT,	/* storage_snap.c: it becomes current */
};

struct rl_st_op {
	struct list_head node;
	enum rl_st_op_kind kind;
	u64 ticket;
	u64 index;		/* APPEND: last index; TRUNC, COMPACT, SNAP */
	u64 term;		/* SNAP */
	u64 est_blocks;		/* APPEND: worst-case ring blocks */
	u32 est_records;	/* APPEND: worst-case records (its entries) */
	struct rl_hard_state hs;
	/* SNAP: header room, configuration, data */
	void *snap_buf;
	u32 conf_len;
	u64 data_len;
	bool reset;		/* SNAP: the log restarts after the snapshot */
	bool staged;		/* SNAP: the staged one (data_len bytes) */
	/*
	 * STAGE: data_len bytes at snap_buf + fill, where fill is the byte
	 * of their area block they start at (the worker puts the partial
	 * block before them); the first carries the header room and the
	 * configuration and, in conf_len, the configuration's length; it
	 * also hands the worker its two blocks (stg_buf) in stg_buf.
	 */
	u32 fill;
	void *stg_buf;
};

struct rl_storage {
	struct rl_storage_cfg cfg;
#ifdef RL_HAVE_BDEV_FILE
	struct file *bdev_file;
#endif
	struct block_device *bdev;
	struct rl_sb sb;
	u64 rec_max_blocks;

	struct mutex lock;	/* all state below but the buffers */
	wait_queue_head_t waitq;
	struct workqueue_struct *wq;
	struct work_struct work;
	struct list_head ops;
	u64 ticket_next;
	u64 ticket_done;
	int error;
	bool error_reported;
	u64 cb_ticket;		/* worker: last reported to cb.durable */
	u64 cb_durable;

	/* accepted state */
	u64 acc_first;
	u64 acc_last;
	u64 acc_snap_index;
	u64 acc_snap_term;
	struct rl_hard_state acc_hs;
	u64 hs_commit;			/* the commit of the last hard state queued */
	unsigned long commit_at;	/* jiffies: a lone commit may be queued */
	/* accepted: the snapshot being staged (storage_snap.c; 0: none) */
	u64 acc_stg_index;
	u64 acc_stg_term;
	u64 acc_stg_pos;	/* bytes of its area queued: header + body */
	u32 acc_stg_conf_len;
	u64 pend_blocks;
	u64 pend_records;	/* worst case: a record per queued entry */
	u64 trunc_floor;	/* lowest truncation point still queued */
	u64 sub_last;		/* last index submitted (>= durable_last) */

	/* entries in memory: [win_first, acc_last] */
	struct rl_st_cent **win;
	u64 win_first;
	size_t win_bytes;

	/* durable state; tail, next_seq, used: with the records in flight */
	struct rl_meta meta;
	/* the current snapshot's lengths (meta.snap_slot's area) */
	u32 cur_conf_len;
	u64 cur_data_len;
	/* bumped when a write into an area starts (readers of the area) */
	u64 snap_gen[2];
	/*
	 * worker: the snapshot being staged in area stg_slot, stg_pos bytes
	 * of the area written or in stg_buf (block 0 as it will be written
	 * with its header, then the partial block at stg_pos), stg_crc the
	 * checksum of its body so far; stg_buf NULL: none.
	 */
	void *stg_buf;
	unsigned int stg_slot;
	u64 stg_pos;
	u32 stg_crc;
	u64 durable_last;
	u64 tail;
	u64 next_seq;
	u64 used;
	u64 laps;		/* records placed at ring start after a lap */
	struct rl_st_rix *rix;	/* ring of rix_cap slots */
	u64 rix_cap;		/* slots: at most ring_blocks (a record is a
				 * block), at least rix_max
				 */
	u64 rix_max;		/* the bound appends keep (cfg.index_bytes) */
	u64 rix_head;
	u64 rix_n;

	/* the pipeline (storage_pipe.c): slots [sl_head, sl_head + sl_n) */
	struct rl_st_slot slot[RL_ST_INFLIGHT];
	unsigned int sl_head;
	unsigned int sl_n;
	int pipe_err;		/* a record failed: fail once all have ended */
	spinlock_t cmpl_lock;	/* the slots' done and err */
	u64 max_inflight;	/* most records in flight at once */

	void *mbuf;		/* worker: one metadata block */
	struct rl_entry *ents;	/* worker: entry table being built */
	struct mutex read_lock;
	void *rbuf;		/* readers and recovery: one record */
	u64 bad_reads;		/* under read_lock: records failing a check */

#ifdef RL_TEST_HOOKS
	spinlock_t inj_lock;	/* inj_*, crash_*, crashed */
	unsigned int inj_kinds;
	unsigned int inj_nth;
	unsigned int crash_nth;
	size_t crash_torn;
	bool crashed;
	bool plug;		/* hold records back (the tests queue a batch) */
	bool reorder;		/* submit a batch of records newest first */
	struct rl_vwc *vwc;	/* volatile-cache journal (storage_vwc.c) */
#endif
};

/* ---- block device (storage_bdev.c) ---- */

int rl_st_bdev_open(struct rl_storage *s, const char *path);
void rl_st_bdev_close(struct rl_storage *s);
int rl_st_io(struct rl_storage *s, blk_opf_t opf, u64 block, void *buf,
	     size_t len, unsigned int kind);
void rl_st_submit_rec(struct rl_storage *s, struct rl_st_slot *sl,
		      blk_opf_t opf);
struct rl_storage *rl_st_open_bare(const char *path);
void rl_st_close_bare(struct rl_storage *s);
#ifdef RL_TEST_HOOKS
void rl_st_hooks_init(struct rl_storage *s);
struct rl_vwc_w *rl_st_vwc_begin(struct rl_storage *s, blk_opf_t opf,
				 sector_t sector, const void *buf, size_t len);
void rl_st_vwc_end(struct rl_storage *s, struct rl_vwc_w *w, blk_opf_t opf,
		   bool ok);
#else
static inline void rl_st_hooks_init(struct rl_storage *s) { }
static inline struct rl_vwc_w *rl_st_vwc_begin(struct rl_storage *s,
					       blk_opf_t opf, sector_t sector,
					       const void *buf, size_t len)
{
	return NULL;
}

static inline void rl_st_vwc_end(struct rl_storage *s, struct rl_vwc_w *w,
				 blk_opf_t opf, bool ok)
{
}
#endif

/* ---- staged snapshots and reading the current one (storage_snap.c) ---- */
int rl_st_do_stage(struct rl_storage *s, struct rl_st_op *op);
int rl_st_stage_finish(struct rl_storage *s, struct rl_st_op *op,
		       unsigned int *slot);
int rl_st_snap_verify(struct rl_storage *s);

/* ---- in-memory indexes (storage_index.c) ---- */

static inline struct rl_st_rix *rl_st_rix_at(struct rl_storage *s, u64 k)
{
	return &s->rix[(s->rix_head + k) % s->rix_cap];
}

static inline struct rl_st_rix *rl_st_rix_last(struct rl_storage *s)
{
	return s->rix_n ? rl_st_rix_at(s, s->rix_n - 1) : NULL;
}

static inline u64 rl_st_ring_norm(struct rl_storage *s, u64 off)
{
	return off >= s->sb.ring_blocks ? 0 : off;
}

static inline struct rl_st_cent *rl_st_win_get(struct rl_storage *s, u64 index)
{
	if (index < s->win_first || index > s->acc_last)
		return NULL;
	return s->win[index & (RL_ST_WIN - 1)];
}

/* the durable index as callers may rely on it */
static inline u64 rl_st_reported_durable(struct rl_storage *s)
{
	return min(s->durable_last, s->trunc_floor);
}

/* Whether one of @n entries is a configuration change (rix.conf). */
static inline bool rl_st_has_conf(const struct rl_entry *ents, u32 n)
{
	while (n--)
		if (ents[n].type == RAFTLOG_ENTRY_CONF)
			return true;
	return false;
}

void rl_st_rix_push(struct rl_storage *s, const struct rl_st_rix *r);
int rl_st_rix_grow(struct rl_storage *s);
struct rl_st_rix *rl_st_rix_find(struct rl_storage *s, u64 index);
void rl_st_rix_cut(struct rl_storage *s, u64 last);
void rl_st_rix_drop_first(struct rl_storage *s);
void rl_st_recompute_tail(struct rl_storage *s, const struct rl_meta *m);
void rl_st_win_free(struct rl_storage *s, u64 index);
void rl_st_win_clear(struct rl_storage *s);
void rl_st_win_evict(struct rl_storage *s, u64 room);

/* ---- worker (storage_worker.c) and pipeline (storage_pipe.c) ---- */

/*
 * A record is durable when its write completes (FUA): only then are its
 * entries reported durable.  RL_BUG_NO_FLUSH is a deliberately broken
 * build for the harness's self-test (scripts/tier-selftest.sh): records
 * without FUA stay in a volatile write cache, and a power cut loses
 * entries already reported durable, which the crash tests must catch.
 */
#ifdef RL_BUG_NO_FLUSH
#define RL_ST_REC_OPF	(REQ_OP_WRITE | REQ_SYNC)
#else
#define RL_ST_REC_OPF	(REQ_OP_WRITE | REQ_SYNC | REQ_FUA)
#endif

void rl_st_work(struct work_struct *work);
s64 rl_st_queue(struct rl_storage *s, struct rl_st_op *op);
s64 rl_st_queue_snap(struct rl_storage *s, struct rl_st_op *op);
void rl_st_free_op(struct rl_st_op *op);
int rl_st_write_meta(struct rl_storage *s, struct rl_meta *m, blk_opf_t extra);
int rl_st_gather(struct rl_storage *s, u64 first, u64 end, u64 *bytes);
void rl_st_done_appends(struct rl_storage *s);

int rl_st_pipe_alloc(struct rl_storage *s);
void rl_st_pipe_free(struct rl_storage *s);
void rl_st_pipe_mem(struct rl_storage *s, u64 *used, u64 *limit);
void rl_st_slot_end(struct rl_st_slot *sl, int err);
bool rl_st_pipe_retire(struct rl_storage *s);
bool rl_st_pipe_fill(struct rl_storage *s);
void rl_st_pipe_drain(struct rl_storage *s);

#endif /* RL_STORAGE_INT_H */
