/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-group durable storage on a raw block device: the Raft log, the hard
 * state and the latest snapshot, in the format of docs/format.md.
 *
 * Mutations are queued and carried out in order by one worker (an ordered
 * WQ_MEM_RECLAIM workqueue); each returns a ticket or a negative errno
 * (a call with nothing to do returns the latest ticket issued, 0 if
 * none).  Appends queued while a write is in flight are written together
 * as one record (group commit).  When operations complete, the durable()
 * callback says: every operation with a ticket up to T is on stable
 * storage, and the log is durable up to index I.  Callbacks run in
 * process context (the worker), never in bio completion context.  They
 * may queue more operations and read, but must not call rl_storage_wait()
 * or rl_storage_close() (the worker would wait for itself).
 *
 * A device error (EIO on a write or flush, a checksum failure on a record
 * being read back is reported per read) puts the storage into a failed
 * state: the failed() callback runs once, a line is logged, queued
 * operations are dropped and every later call returns the error.
 */
#ifndef RL_STORAGE_H
#define RL_STORAGE_H

#include <linux/types.h>
#include "disk.h"		/* struct rl_entry */

struct rl_storage;

struct rl_storage_cb {
	void (*durable)(void *ctx, u64 ticket, u64 last_index);
	void (*failed)(void *ctx, int err);
	void *ctx;
};

#define RL_STORAGE_INDEX_DEF	(16UL << 20)
/* Default bytes of recent entries kept to read back (cache_bytes). */
#define RL_STORAGE_WINDOW_DEF	(4UL << 20)

struct rl_storage_cfg {
	u64 cluster_id;
	u64 node_id;
	u32 group_id;
	size_t cache_bytes;	/* recent entries kept in memory; 0: 4 MiB */
	/*
	 * The record index's bound (bytes of memory: each live record on the
	 * ring takes one slot; 0: RL_STORAGE_INDEX_DEF).  A full index
	 * refuses appends with -ENOSPC, as a full ring does.
	 */
	size_t index_bytes;
	struct rl_storage_cb cb;
};

struct rl_hard_state {
	u64 term;
	u64 vote;
	u64 commit;
};

struct rl_storage_info {
	u64 first_index;	/* first entry still in the log */
	u64 last_index;		/* last entry accepted (durable or queued) */
	u64 durable_index;	/* last entry on stable storage */
	u64 snap_index;		/* latest snapshot stored (0: none) */
	u64 snap_term;
	struct rl_hard_state hs;	/* latest accepted */
	u64 ring_blocks;
	u64 used_blocks;
	u64 usable_blocks;	/* what the log may use (rl_storage_room) */
	u64 records;
	u64 max_records;	/* the index's bound on records */
	u64 ring_laps;		/* times writing went round the ring */
	u64 ticket_done;
	u64 max_inflight;	/* most record writes in flight at once */
	u64 bad_reads;		/* records read back that failed a check */
	/* memory: held now and its bound, in bytes */
	u64 win_bytes, win_limit;	/* the window (limit: its cache) */
	u64 pipe_bytes, pipe_limit;	/* the pipeline's record buffers */
	u64 index_bytes, index_limit;	/* the record index */
	int error;		/* 0, or why the storage failed */
};

/*
 * Open @path exclusively, check that it was formatted for this cluster,
 * group and node, recover the durable state.  0 or -errno:
 * -EUCLEAN no valid superblock or metadata, or the log recovers to below
 * the durable commit index (committed entries lost), -ESTALE formatted
 * for other ids, -ENOSPC device smaller than formatted, -EIO device error.
 */
int rl_storage_open(const char *path, const struct rl_storage_cfg *cfg,
		    struct rl_storage **out);
/* Finish queued operations (or drop them if failed) and close. */
void rl_storage_close(struct rl_storage *s);
void rl_storage_get_info(struct rl_storage *s, struct rl_storage_info *info);
/* Records read back that failed a check (rl_storage_info.bad_reads). */
u64 rl_storage_bad_reads(struct rl_storage *s);
/* Bytes of new entries to accept before the log needs compacting. */
u64 rl_storage_room(struct rl_storage *s);
/*
 * The owner has nothing to write for a while (a quiesced group): release
 * the write pipeline's record buffers, allocated again by the next write.
 */
void rl_storage_trim(struct rl_storage *s);
/* Bytes of configuration and data a snapshot area holds. */
u64 rl_storage_snap_capacity(struct rl_storage *s);
/* The largest entry a record holds (a larger one is refused, EMSGSIZE). */
u32 rl_storage_max_entry(struct rl_storage *s);

/*
 * Append @n entries; ents[0].index must be last_index + 1, indexes
 * consecutive, terms non-decreasing.  The data is copied.  -ENOSPC when
 * the ring cannot take them before compaction, -EMSGSIZE for an entry
 * larger than a record, -ENOBUFS when too many entries are queued.
 */
s64 rl_storage_append(struct rl_storage *s, const struct rl_entry *ents,
		      unsigned int n);
s64 rl_storage_set_hard_state(struct rl_storage *s, const struct rl_hard_state *hs);
/*
 * The commit index moved, term and vote did not: written with the next
 * hard state, at most every RL_ST_COMMIT_MS on its own, and at close.  A
 * ticket covering what was queued so far (nothing new to wait for, unless
 * it queued the write), or -errno.
 */
s64 rl_storage_set_commit(struct rl_storage *s, u64 commit);
/* Remove every entry after @last_index (first_index - 1 <= last_index). */
s64 rl_storage_truncate(struct rl_storage *s, u64 last_index);
/* Discard entries up to @index (at most the snapshot index). */
s64 rl_storage_compact(struct rl_storage *s, u64 index);
/*
 * Store a snapshot covering the log up to @index (@term).  When it is
 * ahead of the log, the log is reset to start after it.
 */
s64 rl_storage_save_snapshot(struct rl_storage *s, u64 index, u64 term,
			     const void *conf, u32 conf_len,
			     const void *data, u64 data_len);
/*
 * A snapshot received in order, a piece at a time, written as it comes
 * into the area that is not current (storage_snap.c): begin it at @index
 * (@term) with its configuration, queue its data @len bytes at a time
 * (@off: the bytes queued before), and commit it once all @data_len bytes
 * are queued: it then becomes current as rl_storage_save_snapshot's
 * would.  Until the commit is durable the old snapshot stays current; a
 * new begin or a snapshot saved whole ends a staging.  -ESTALE: data or
 * a commit not for the staging in progress at that offset (or none),
 * -EINVAL, -EFBIG (larger than an area), -ENOMEM, the storage's error.
 */
s64 rl_storage_stage_begin(struct rl_storage *s, u64 index, u64 term,
			   const void *conf, u32 conf_len);
s64 rl_storage_stage_data(struct rl_storage *s, u64 index, u64 off,
			  const void *data, u32 len);
s64 rl_storage_stage_commit(struct rl_storage *s, u64 index, u64 data_len);
/*
 * Read @len bytes from @off of the data of the durable current snapshot,
 * if it is the one at @index: 0, -ESTALE (it is not, or there is none),
 * -EAGAIN (replaced while being read: ask again), -EINVAL (beyond its
 * data), -ENOMEM, -EIO.  No checksum is checked: the snapshot's reader
 * checks what it needs.
 */
int rl_storage_snap_read(struct rl_storage *s, u64 index, u64 off, void *buf,
			 u64 len);
/*
 * The current snapshot's configuration (at most @cap bytes, else
 * -EFBIG): its length, or -ENOENT (none), -ENOMEM, -EIO.
 */
int rl_storage_snap_conf(struct rl_storage *s, void *conf, u32 cap);
/* The durable current snapshot's index (0: none), term and data bytes. */
void rl_storage_snap_cur(struct rl_storage *s, u64 *index, u64 *term,
			 u64 *data_len);
/*
 * Wait until @ticket is durable: 0, or the storage's error.  A negative
 * @ticket (a failed call's result) is returned as is.
 */
int rl_storage_wait(struct rl_storage *s, s64 ticket);

/*
 * Read entry @index: fills @e (data = @buf) and copies min(len, @buflen)
 * bytes.  0, -ENOENT (not in the log), -ENOBUFS (@buflen < e->len, e
 * filled), -EBADMSG (failed its checksum on the device), -EIO.
 */
int rl_storage_entry(struct rl_storage *s, u64 index, struct rl_entry *e,
		     void *buf, u32 buflen);
/*
 * Entries from @index on (at most @max, as far as one record or the
 * in-memory window holds them), each handed to @fn with its data valid
 * during the call only: how many @fn took, or -errno.
 */
int rl_storage_entries(struct rl_storage *s, u64 index, u32 max,
		       int (*fn)(void *ctx, const struct rl_entry *e),
		       void *ctx);
/*
 * The terms and configuration changes of entries @from..@to, reading
 * back only the records that need it: a record of one term without a
 * configuration change is known from memory.  @fn gets, in order, either
 * a run (@n entries from e->index, all of term e->term, none a
 * configuration change; e->data NULL) or one entry (@n 1, its data valid
 * during the call).  0, the first error @fn returned, or -errno.
 */
int rl_storage_walk(struct rl_storage *s, u64 from, u64 to,
		    int (*fn)(void *ctx, const struct rl_entry *e, u64 n),
		    void *ctx);
/* Term of entry @index (or of the snapshot at @index), or -ENOENT etc. */
s64 rl_storage_term(struct rl_storage *s, u64 index);
/*
 * Load the latest durable snapshot; *conf and *data are kvmalloc'd
 * (kvfree them).  -ENOENT when there is none, -EBADMSG when it fails
 * its checksum.
 */
int rl_storage_load_snapshot(struct rl_storage *s, u64 *index, u64 *term,
			     void **conf, u32 *conf_len,
			     void **data, u64 *data_len);

/*
 * Write a fresh raftlog format to @path (new UUID, empty log; snapshot
 * areas of @snap_bytes each, 0: an eighth of the device each, at most
 * RAFTLOG_SNAP_BODY_MAX and a header).
 */
int rl_storage_format(const char *path, u64 cluster_id, u32 group_id,
		      u64 node_id, u64 snap_bytes);

/*
 * Fault injection for tests: fail the @nth next bio (1 = the next one)
 * of the given kinds with -EIO, as if the device had.  The hooks exist
 * only in test builds (Kbuild RL_TEST_HOOKS=1, set by the harness); in
 * others these do nothing and RL_STORAGE_HOOKS is 0.
 */
#define RL_INJECT_WRITE		0x1	/* record and snapshot writes */
#define RL_INJECT_META		0x2	/* metadata writes (FUA/flush) */
#define RL_INJECT_READ		0x4
/* with RL_INJECT_READ: that read succeeds, one bit of its data flipped */
#define RL_INJECT_FLIP		0x8
/*
 * Crash simulation for tests: the @nth next bio (any kind) only writes
 * its first @torn_bytes (rounded down to sectors) and fails, and every
 * later bio fails without reaching the device, as if the machine had
 * stopped; reopening the device then shows what recovery makes of it.
 */
/*
 * A disk with a volatile write cache (kernel/storage_vwc.c): while a
 * journal is attached, every write is recorded; after the storage was
 * closed (typically after a simulated crash), rl_vwc_crash() leaves the
 * device as a power cut could have: every write a completed flush or FUA
 * made durable, and of the others a random subset (picked by @seed), each
 * whole, missing or torn.  @st says how many writes went which way.
 */
struct rl_vwc;
struct rl_vwc_stats {
	unsigned int durable, kept, dropped, torn;
};

#ifdef RL_TEST_HOOKS
#define RL_STORAGE_HOOKS	1
void rl_storage_inject_fault(struct rl_storage *s, unsigned int kinds,
			     unsigned int nth);
void rl_storage_inject_crash(struct rl_storage *s, unsigned int nth,
			     size_t torn_bytes);
/*
 * Tests: while @plug, queued appends are held back (no record goes out);
 * with @reorder, the records that go out together are submitted with
 * each pair swapped (2, 1, 4, 3, ...): their writes complete out of order.
 */
void rl_storage_plug(struct rl_storage *s, bool plug, bool reorder);
struct rl_vwc *rl_vwc_create(void);
void rl_vwc_destroy(struct rl_vwc *v);
void rl_storage_attach_vwc(struct rl_storage *s, struct rl_vwc *v);
int rl_vwc_crash(struct rl_vwc *v, const char *path, u32 seed,
		 struct rl_vwc_stats *st);
#else
#define RL_STORAGE_HOOKS	0
static inline void rl_storage_inject_fault(struct rl_storage *s,
					   unsigned int kinds, unsigned int nth)
{
}

static inline void rl_storage_inject_crash(struct rl_storage *s,
					   unsigned int nth, size_t torn_bytes)
{
}

static inline void rl_storage_plug(struct rl_storage *s, bool plug,
				   bool reorder)
{
}

static inline struct rl_vwc *rl_vwc_create(void)
{
	return NULL;
}

static inline void rl_vwc_destroy(struct rl_vwc *v)
{
}

static inline void rl_storage_attach_vwc(struct rl_storage *s,
					 struct rl_vwc *v)
{
}

static inline int rl_vwc_crash(struct rl_vwc *v, const char *path, u32 seed,
			       struct rl_vwc_stats *st)
{
	return -EOPNOTSUPP;
}
#endif

/* Tests only (CONFIG_KUNIT): raw access to one block of a closed device. */
int rl_storage_raw_block(const char *path, u64 block, void *buf, bool write);

#endif /* RL_STORAGE_H */
