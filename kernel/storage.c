// SPDX-License-Identifier: GPL-2.0
/*
 * Block-device storage of one Raft group: see storage.h for the interface
 * and docs/format.md for the on-disk format and the recovery rules, which
 * live in disk.c and are shared with raftctl.
 *
 * Structure:
 *  - the "accepted" state (acc_*) is what callers have asked for so far;
 *    it is updated at once by every call and used to check the next one;
 *  - the "durable" state (meta, rix, tail, durable_last) is what is on
 *    stable storage; only the worker changes it, after its I/O completed;
 *  - the window holds the entries [win_first, acc_last] in memory: all
 *    entries not yet written, and recent durable ones up to cache_bytes;
 *  - rix is the in-memory index of the live records on the ring.
 *
 * One worker on an ordered WQ_MEM_RECLAIM workqueue carries out queued
 * operations in order, one I/O at a time: that gives the format its
 * ordering rule (record n+1 is issued only after record n completed) and
 * group commit (appends queued while a write is in flight go into the
 * next record).  s->lock protects everything but is never held across I/O.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/list.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/uuid.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "disk.h"
#include "storage.h"

#define RL_WIN			8192	/* entries in memory (power of two) */
#define RL_DEFAULT_CACHE	(4u << 20)
#define RL_REC_BYTES		(RAFTLOG_REC_MAX_BLOCKS * RAFTLOG_BLOCK_SIZE)
#define RL_SECT_PER_BLOCK	(RAFTLOG_BLOCK_SIZE >> SECTOR_SHIFT)

/* one entry in memory */
struct rl_cent {
	u64 term;
	u32 len;
	u8 type;
	u8 data[];
};

/* one live record on the ring */
struct rl_rix {
	u64 seq;
	u64 first;
	u64 last;		/* last live index (after truncation cuts) */
	u64 term_first;
	u64 term_last;		/* of the record's last stored entry */
	u64 off;		/* ring block */
	u32 blocks;
};

enum rl_op_kind {
	RL_OP_APPEND,
	RL_OP_HS,
	RL_OP_TRUNC,
	RL_OP_COMPACT,
	RL_OP_SNAP,
};

struct rl_op {
	struct list_head node;
	enum rl_op_kind kind;
	u64 ticket;
	u64 index;		/* APPEND: last index; TRUNC, COMPACT, SNAP */
	u64 term;		/* SNAP */
	u64 est_blocks;		/* APPEND: worst-case ring blocks */
	struct rl_hard_state hs;
	/* SNAP: header room, configuration, data */
	void *snap_buf;
	u32 conf_len;
	u64 data_len;
	bool reset;		/* SNAP: the log restarts after the snapshot */
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

	/* accepted state */
	u64 acc_first;
	u64 acc_last;
	u64 acc_snap_index;
	u64 acc_snap_term;
	struct rl_hard_state acc_hs;
	u64 pend_blocks;
	u64 trunc_floor;	/* lowest truncation point still queued */
	u64 inflight_last;	/* last index of the record being written */

	/* entries in memory: [win_first, acc_last] */
	struct rl_cent **win;
	u64 win_first;
	size_t win_bytes;

	/* durable state */
	struct rl_meta meta;
	u64 durable_last;
	u64 tail;
	u64 next_seq;
	u64 used;
	u64 laps;		/* records placed at ring start after a lap */
	struct rl_rix *rix;	/* ring of ring_blocks slots */
	u64 rix_head;
	u64 rix_n;

	void *wbuf;		/* worker: one record */
	void *mbuf;		/* worker: one metadata block */
	struct rl_ent *ents;	/* worker: entry table being built */
	struct mutex read_lock;
	void *rbuf;		/* readers and recovery: one record */

	spinlock_t inj_lock;	/* inj_*, crash_*, crashed */
	unsigned int inj_kinds;
	unsigned int inj_nth;
	unsigned int crash_nth;
	size_t crash_torn;
	bool crashed;
};

/* ---- block device access ---- */

/*
 * Exclusive open by path: 6.9 replaced blkdev_get_by_path() (gone in 6.8)
 * with bdev_file_open_by_path(); Kbuild probes <linux/blkdev.h> for it
 * and defines RL_HAVE_BDEV_FILE.  6.5-6.8 (blk_mode_t with
 * blkdev_get_by_path, then bdev_handle) are not supported.
 */
static int rl_bdev_open(struct rl_storage *s, const char *path)
{
#ifdef RL_HAVE_BDEV_FILE
	struct file *f = bdev_file_open_by_path(path, BLK_OPEN_READ | BLK_OPEN_WRITE,
						s, NULL);

	if (IS_ERR(f))
		return PTR_ERR(f);
	s->bdev_file = f;
	s->bdev = file_bdev(f);
#else
	struct block_device *b = blkdev_get_by_path(path, FMODE_READ | FMODE_WRITE |
						    FMODE_EXCL, s);

	if (IS_ERR(b))
		return PTR_ERR(b);
	s->bdev = b;
#endif
	return 0;
}

static void rl_bdev_close(struct rl_storage *s)
{
	if (!s->bdev)
		return;
#ifdef RL_HAVE_BDEV_FILE
	/*
	 * A plain fput() from a kernel thread is deferred, and the exclusive
	 * claim with it: a reopen right after close would get EBUSY.
	 * bdev_fput() (6.10) gives the claim up at once.
	 */
#ifdef RL_HAVE_BDEV_FPUT
	bdev_fput(s->bdev_file);
#else
	fput(s->bdev_file);
#endif
	s->bdev_file = NULL;
#else
	blkdev_put(s->bdev, FMODE_READ | FMODE_WRITE | FMODE_EXCL);
#endif
	s->bdev = NULL;
}

static bool rl_inject(struct rl_storage *s, unsigned int kind)
{
	bool fail = false;

	spin_lock(&s->inj_lock);
	if ((s->inj_kinds & kind) && s->inj_nth && --s->inj_nth == 0) {
		fail = true;
		s->inj_kinds = 0;
	}
	spin_unlock(&s->inj_lock);
	return fail;
}

void rl_storage_inject_fault(struct rl_storage *s, unsigned int kinds,
			     unsigned int nth)
{
	spin_lock(&s->inj_lock);
	s->inj_kinds = kinds;
	s->inj_nth = nth;
	spin_unlock(&s->inj_lock);
}

void rl_storage_inject_crash(struct rl_storage *s, unsigned int nth,
			     size_t torn_bytes)
{
	spin_lock(&s->inj_lock);
	s->crash_nth = nth;
	s->crash_torn = round_down(torn_bytes, SECTOR_SIZE);
	spin_unlock(&s->inj_lock);
}

/*
 * Simulated crash: the crash_nth-th bio from now only gets its first
 * crash_torn bytes to the device (a torn write), and no bio after it
 * reaches the device at all.  Returns how many bytes of a bio of @len to
 * submit, and whether the machine has "crashed".
 */
static bool rl_crash_point(struct rl_storage *s, size_t *len)
{
	bool crashed;

	spin_lock(&s->inj_lock);
	if (!s->crashed && s->crash_nth && --s->crash_nth == 0) {
		s->crashed = true;
		*len = min(*len, s->crash_torn);
	} else if (s->crashed) {
		*len = 0;
	}
	crashed = s->crashed;
	spin_unlock(&s->inj_lock);
	return crashed;
}

static struct page *rl_buf_page(const void *p)
{
	return is_vmalloc_addr(p) ? vmalloc_to_page(p) : virt_to_page(p);
}

/*
 * Synchronous I/O of @len bytes (whole blocks) at device block @block.
 * Buffers are page aligned (vmalloc, kvmalloc or a page-sized kmalloc), so
 * each bio of up to RL_REC_BYTES takes at most BIO_MAX_VECS pages: a
 * record is always exactly one bio.  Only the first bio carries
 * REQ_PREFLUSH; every bio carries the caller's REQ_FUA.
 */
static int rl_io(struct rl_storage *s, blk_opf_t opf, u64 block, void *buf,
		 size_t len, unsigned int kind)
{
	bool write = op_is_write(opf);
	sector_t sector = block * RL_SECT_PER_BLOCK;
	u8 *p = buf;
	int err = 0;

	if (WARN_ON_ONCE(offset_in_page(buf) || len % RAFTLOG_BLOCK_SIZE))
		return -EINVAL;
	if (write && is_vmalloc_addr(buf))
		flush_kernel_vmap_range(buf, len);
	while (len && !err) {
		size_t chunk = min_t(size_t, len, RL_REC_BYTES);
		size_t sub = write ? chunk : 0;
		bool crashed = rl_crash_point(s, &sub);
		unsigned int nvec = DIV_ROUND_UP(chunk, PAGE_SIZE);
		struct bio *bio;
		size_t off;

		if (!crashed)
			sub = chunk;
		if (crashed && !sub) {
			err = -EIO;
			break;
		}
		bio = bio_alloc(s->bdev, nvec, opf, GFP_NOIO);
		bio->bi_iter.bi_sector = sector;
		for (off = 0; off < sub; ) {
			size_t n = min_t(size_t, PAGE_SIZE, sub - off);

			if (bio_add_page(bio, rl_buf_page(p + off), n, 0) != n) {
				bio_put(bio);
				return -EIO;
			}
			off += n;
		}
		if (!crashed && rl_inject(s, kind))
			err = -EIO;
		else
			err = submit_bio_wait(bio);
		if (crashed)
			err = -EIO;	/* the torn part went out; then the crash */
		bio_put(bio);
		opf &= ~REQ_PREFLUSH;
		p += chunk;
		sector += chunk >> SECTOR_SHIFT;
		len -= chunk;
	}
	if (!write && is_vmalloc_addr(buf))
		invalidate_kernel_vmap_range(buf, p - (u8 *)buf);
	return err;
}

/* ---- in-memory indexes ---- */

static struct rl_rix *rix_at(struct rl_storage *s, u64 k)
{
	return &s->rix[(s->rix_head + k) % s->sb.ring_blocks];
}

static struct rl_rix *rix_last(struct rl_storage *s)
{
	return s->rix_n ? rix_at(s, s->rix_n - 1) : NULL;
}

static void rix_push(struct rl_storage *s, const struct rl_rix *r)
{
	if (WARN_ON_ONCE(s->rix_n >= s->sb.ring_blocks))
		return;
	*rix_at(s, s->rix_n) = *r;
	s->rix_n++;
}

/* the record holding @index, or NULL */
static struct rl_rix *rix_find(struct rl_storage *s, u64 index)
{
	u64 lo = 0, hi = s->rix_n;

	while (lo < hi) {		/* first record with first > index */
		u64 mid = lo + (hi - lo) / 2;

		if (rix_at(s, mid)->first > index)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (!lo || rix_at(s, lo - 1)->last < index)
		return NULL;
	return rix_at(s, lo - 1);
}

/* entries above @last are dead: drop whole records, shorten the last one */
static void rix_cut(struct rl_storage *s, u64 last)
{
	struct rl_rix *r;

	while ((r = rix_last(s)) && r->first > last)
		s->rix_n--;
	if (r && r->last > last)
		r->last = last;
}

static u64 ring_norm(struct rl_storage *s, u64 off)
{
	return off >= s->sb.ring_blocks ? 0 : off;
}

/* tail, next_seq and used from the index and metadata @m */
static void rl_recompute_tail(struct rl_storage *s, const struct rl_meta *m)
{
	struct rl_rix *r = rix_last(s);
	u64 ring = s->sb.ring_blocks;

	if (r) {
		u64 head = rix_at(s, 0)->off;

		s->tail = ring_norm(s, r->off + r->blocks);
		s->next_seq = r->seq + 1;
		s->used = (s->tail + ring - head) % ring;
		if (!s->used)
			s->used = ring;
	} else {
		s->tail = m->head_off;
		s->next_seq = m->head_seq;
		s->used = 0;
	}
}

static struct rl_cent *win_get(struct rl_storage *s, u64 index)
{
	if (index < s->win_first || index > s->acc_last)
		return NULL;
	return s->win[index & (RL_WIN - 1)];
}

static void win_free(struct rl_storage *s, u64 index)
{
	struct rl_cent **slot = &s->win[index & (RL_WIN - 1)];

	if (*slot) {
		s->win_bytes -= (*slot)->len;
		kfree(*slot);
		*slot = NULL;
	}
}

/* free every entry in memory (nothing queued needs them any more) */
static void win_clear(struct rl_storage *s)
{
	u64 i;

	for (i = s->win_first; i <= s->acc_last; i++)
		win_free(s, i);
	s->win_first = s->acc_last + 1;
}

/* the durable index as callers may rely on it */
static u64 rl_reported_durable(struct rl_storage *s)
{
	return min(s->durable_last, s->trunc_floor);
}

/* drop durable entries from the front while over budget */
static void win_evict(struct rl_storage *s, u64 room)
{
	u64 durable = rl_reported_durable(s);

	while (s->win_first <= s->acc_last && s->win_first <= durable &&
	       (s->win_bytes > s->cfg.cache_bytes ||
		s->acc_last - s->win_first + 1 + room > RL_WIN)) {
		win_free(s, s->win_first);
		s->win_first++;
	}
}

/* ---- failure ---- */

static void rl_free_op(struct rl_op *op)
{
	list_del(&op->node);
	kvfree(op->snap_buf);
	kfree(op);
}

/* lock held: enter the failed state (once), drop everything queued */
static void rl_fail(struct rl_storage *s, int err)
{
	struct rl_op *op, *tmp;

	if (!s->error) {
		s->error = err;
		pr_err("raftlog: group %u: storage failed (error %d); no further writes\n",
		       s->cfg.group_id, err);
	}
	list_for_each_entry_safe(op, tmp, &s->ops, node)
		rl_free_op(op);
}

/* ---- worker ---- */

static void rl_recompute_trunc_floor(struct rl_storage *s)
{
	struct rl_op *op;

	s->trunc_floor = U64_MAX;
	list_for_each_entry(op, &s->ops, node)
		if (op->kind == RL_OP_TRUNC)
			s->trunc_floor = min(s->trunc_floor, op->index);
}

/* lock held; returns with it held.  Writes at most one record. */
static int rl_do_append(struct rl_storage *s)
{
	u64 first = s->durable_last + 1, end = 0, bytes = 0, i, blocks, need;
	u32 n = 0, k;
	struct rl_op *op, *tmp;
	struct rl_rec rec = { 0 };
	struct rl_rix rx;
	bool wrapped;
	u8 *p;
	int err;

	list_for_each_entry(op, &s->ops, node) {
		if (op->kind != RL_OP_APPEND)
			break;
		end = max(end, op->index);
	}
	/* as many entries as one record takes; a term going down starts a new one */
	for (i = first; i <= end; i++) {
		struct rl_cent *c = win_get(s, i);

		if (WARN_ON_ONCE(!c))
			return -EIO;
		if (n == RAFTLOG_REC_MAX_ENTRIES ||
		    rl_rec_blocks(n + 1, bytes + c->len) > s->rec_max_blocks ||
		    (n && c->term < s->ents[n - 1].term))
			break;
		s->ents[n].term = c->term;
		s->ents[n].len = c->len;
		s->ents[n].type = c->type;
		bytes += c->len;
		n++;
	}
	if (n) {
		p = (u8 *)s->wbuf + rl_rec_data_off(n);
		for (k = 0; k < n; k++) {
			struct rl_cent *c = win_get(s, first + k);

			memcpy(p, c->data, c->len);
			p += c->len;
		}
		blocks = rl_rec_blocks(n, bytes);
		rec.seq = s->next_seq;
		rec.epoch = s->meta.epoch;
		rec.first_index = first;
		rec.count = n;
		rx.off = rl_ring_place(&s->sb, s->tail, blocks, &wrapped);
		rec.flags = wrapped ? RAFTLOG_REC_F_WRAPPED : 0;
		need = blocks + (wrapped ? s->sb.ring_blocks - ring_norm(s, s->tail) : 0);
		if (s->used + need > s->sb.ring_blocks)
			return -ENOSPC;	/* reservation in append() prevents this */
		err = rl_rec_encode(&rec, s->ents, s->sb.uuid, s->wbuf, RL_REC_BYTES);
		if (WARN_ON_ONCE(err))
			return -EINVAL;
		s->inflight_last = first + n - 1;
		mutex_unlock(&s->lock);
		err = rl_io(s, REQ_OP_WRITE | REQ_SYNC | REQ_FUA,
			    s->sb.ring_off + rx.off, s->wbuf,
			    (size_t)blocks * RAFTLOG_BLOCK_SIZE, RL_INJECT_WRITE);
		mutex_lock(&s->lock);
		s->inflight_last = 0;
		if (err)
			return err;
		rx.seq = rec.seq;
		rx.first = first;
		rx.last = first + n - 1;
		rx.term_first = s->ents[0].term;
		rx.term_last = s->ents[n - 1].term;
		rx.blocks = blocks;
		rix_push(s, &rx);
		if (rx.off == 0 && (s->tail || s->used))
			s->laps++;
		s->used += need;
		s->tail = ring_norm(s, rx.off + blocks);
		s->next_seq++;
		s->durable_last = rx.last;
	}
	list_for_each_entry_safe(op, tmp, &s->ops, node) {
		if (op->kind != RL_OP_APPEND || op->index > s->durable_last)
			break;
		s->ticket_done = op->ticket;
		s->pend_blocks -= op->est_blocks;
		rl_free_op(op);
	}
	return 0;
}

static void rl_apply_trunc(struct rl_storage *s, struct rl_meta *m, u64 last)
{
	if (last >= s->durable_last)
		return;		/* nothing beyond it was written */
	rix_cut(s, last);
	rl_recompute_tail(s, m);
	m->epoch++;
	m->trunc_index = last;
	s->durable_last = last;
}

/* the log is empty from @last on: head moves to the tail, epoch fences */
static void rl_reset_log(struct rl_storage *s, struct rl_meta *m, u64 last)
{
	s->rix_n = 0;
	m->first_index = last + 1;
	m->head_off = ring_norm(s, s->tail);
	m->head_seq = s->next_seq;
	m->epoch++;
	m->trunc_index = last;
	s->durable_last = last;
	s->used = 0;
}

static void rl_apply_compact(struct rl_storage *s, struct rl_meta *m, u64 upto_index)
{
	if (upto_index < m->first_index)
		return;
	if (upto_index >= s->durable_last) {
		rl_reset_log(s, m, upto_index);
		return;
	}
	m->first_index = upto_index + 1;
	while (s->rix_n && rix_at(s, 0)->last <= upto_index) {
		s->rix_head = (s->rix_head + 1) % s->sb.ring_blocks;
		s->rix_n--;
	}
	if (WARN_ON_ONCE(!s->rix_n)) {	/* records always reach durable_last */
		rl_reset_log(s, m, upto_index);
		return;
	}
	m->head_off = rix_at(s, 0)->off;
	m->head_seq = rix_at(s, 0)->seq;
	rl_recompute_tail(s, m);
}

static int rl_write_meta(struct rl_storage *s, struct rl_meta *m, blk_opf_t extra)
{
	int err;

	m->seq = s->meta.seq + 1;
	rl_meta_encode(m, s->sb.uuid, s->mbuf);
	mutex_unlock(&s->lock);
	err = rl_io(s, REQ_OP_WRITE | REQ_SYNC | REQ_FUA | extra,
		    RAFTLOG_META_BLOCK + rl_meta_slot(m->seq), s->mbuf,
		    RAFTLOG_BLOCK_SIZE, RL_INJECT_META);
	mutex_lock(&s->lock);
	if (!err)
		s->meta = *m;
	return err;
}

/* hard state, truncations and compactions at the head: one metadata write */
static int rl_do_meta_ops(struct rl_storage *s)
{
	struct rl_meta m = s->meta;
	struct rl_op *op, *tmp;
	u64 ticket = 0;
	int err;

	list_for_each_entry_safe(op, tmp, &s->ops, node) {
		if (op->kind == RL_OP_HS) {
			m.term = op->hs.term;
			m.vote = op->hs.vote;
			m.commit = op->hs.commit;
		} else if (op->kind == RL_OP_TRUNC) {
			rl_apply_trunc(s, &m, op->index);
		} else if (op->kind == RL_OP_COMPACT) {
			rl_apply_compact(s, &m, op->index);
		} else {
			break;
		}
		ticket = op->ticket;
		rl_free_op(op);
	}
	err = rl_write_meta(s, &m, 0);
	if (err)
		return err;
	rl_recompute_trunc_floor(s);
	s->ticket_done = ticket;
	return 0;
}

static int rl_do_snapshot(struct rl_storage *s, struct rl_op *op)
{
	unsigned int slot = s->meta.snap_slot == 0 ? 1 : 0;
	u64 body = op->conf_len + op->data_len;
	struct rl_snap sn = {
		.index = op->index,
		.term = op->term,
		.data_len = op->data_len,
		.conf_len = op->conf_len,
	};
	struct rl_meta m;
	int err;

	mutex_unlock(&s->lock);
	sn.body_crc = rl_crc32c(0, (u8 *)op->snap_buf + RAFTLOG_DISK_SNAP_SIZE, body);
	rl_snap_encode_hdr(&sn, s->sb.uuid, op->snap_buf);
	err = rl_io(s, REQ_OP_WRITE, s->sb.snap_off[slot], op->snap_buf,
		    round_up(RAFTLOG_DISK_SNAP_SIZE + body, RAFTLOG_BLOCK_SIZE),
		    RL_INJECT_WRITE);
	mutex_lock(&s->lock);
	if (err)
		return err;
	m = s->meta;
	m.snap_slot = slot;
	m.snap_index = op->index;
	m.snap_term = op->term;
	if (op->reset)
		rl_reset_log(s, &m, op->index);
	/* the data must be durable before the metadata points at it */
	err = rl_write_meta(s, &m, REQ_PREFLUSH);
	if (err)
		return err;
	s->ticket_done = op->ticket;
	rl_free_op(op);
	return 0;
}

static void rl_work(struct work_struct *work)
{
	struct rl_storage *s = container_of(work, struct rl_storage, work);

	for (;;) {
		struct rl_op *op;
		bool report_fail = false;
		u64 ticket, durable;
		int err;

		mutex_lock(&s->lock);
		op = list_first_entry_or_null(&s->ops, struct rl_op, node);
		if (!op || s->error) {
			mutex_unlock(&s->lock);
			return;
		}
		if (op->kind == RL_OP_APPEND)
			err = rl_do_append(s);
		else if (op->kind == RL_OP_SNAP)
			err = rl_do_snapshot(s, op);
		else
			err = rl_do_meta_ops(s);
		if (err) {
			rl_fail(s, err);
			report_fail = !s->error_reported;
			s->error_reported = true;
		}
		err = s->error;
		ticket = s->ticket_done;
		durable = rl_reported_durable(s);
		win_evict(s, 0);
		mutex_unlock(&s->lock);

		wake_up_all(&s->waitq);
		if (report_fail) {
			if (s->cfg.cb.failed)
				s->cfg.cb.failed(s->cfg.cb.ctx, err);
			return;
		}
		if (s->cfg.cb.durable)
			s->cfg.cb.durable(s->cfg.cb.ctx, ticket, durable);
	}
}

/* lock held: queue @op and give it a ticket */
static s64 rl_queue(struct rl_storage *s, struct rl_op *op)
{
	op->ticket = ++s->ticket_next;
	list_add_tail(&op->node, &s->ops);
	queue_work(s->wq, &s->work);
	return op->ticket;
}

/* ---- operations ---- */

static u64 rl_est_blocks(struct rl_storage *s, u32 n, u64 bytes)
{
	u64 rec_bytes = s->rec_max_blocks * RAFTLOG_BLOCK_SIZE;

	/*
	 * one record per RAFTLOG_REC_MAX_ENTRIES or per full record, each
	 * wasting less than a block, and one more for a term change
	 */
	return DIV_ROUND_UP(rl_rec_data_off(n) + bytes, RAFTLOG_BLOCK_SIZE) +
		n / RAFTLOG_REC_MAX_ENTRIES + div64_u64(bytes, rec_bytes) + 2;
}

s64 rl_storage_append(struct rl_storage *s, const struct rl_entry *ents,
		      unsigned int n)
{
	u64 max_len = s->rec_max_blocks * RAFTLOG_BLOCK_SIZE - rl_rec_data_off(1);
	struct rl_cent **c;
	struct rl_op *op;
	u64 bytes = 0;
	unsigned int i;
	s64 ret;

	if (!n || n > RL_WIN / 2)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (ents[i].len > max_len)
			return -EMSGSIZE;
		if (ents[i].type > RAFTLOG_ENTRY_TYPE_MAX || !ents[i].term ||
		    (ents[i].len && !ents[i].data) ||
		    (i && (ents[i].index != ents[i - 1].index + 1 ||
			   ents[i].term < ents[i - 1].term)))
			return -EINVAL;
		bytes += ents[i].len;
	}
	c = kcalloc(n, sizeof(*c), GFP_NOIO);
	op = kzalloc(sizeof(*op), GFP_NOIO);
	if (!c || !op)
		goto nomem;
	for (i = 0; i < n; i++) {
		c[i] = kmalloc(struct_size(c[i], data, ents[i].len), GFP_NOIO);
		if (!c[i])
			goto nomem;
		c[i]->term = ents[i].term;
		c[i]->len = ents[i].len;
		c[i]->type = ents[i].type;
		if (ents[i].len)
			memcpy(c[i]->data, ents[i].data, ents[i].len);
	}
	op->kind = RL_OP_APPEND;
	op->est_blocks = rl_est_blocks(s, n, bytes);

	mutex_lock(&s->lock);
	if (s->error) {
		ret = s->error;
		goto unlock;
	}
	ret = -EINVAL;
	if (ents[0].index != s->acc_last + 1)
		goto unlock;
	if (win_get(s, s->acc_last) && win_get(s, s->acc_last)->term > ents[0].term)
		goto unlock;
	ret = -ENOSPC;
	if (s->used + s->pend_blocks + op->est_blocks + s->rec_max_blocks >
	    s->sb.ring_blocks) {
		pr_warn_ratelimited("raftlog: group %u: log ring full (%llu of %llu blocks used, %llu pending, %u entries need %llu): compact the log\n",
				    s->cfg.group_id, s->used, s->sb.ring_blocks,
				    s->pend_blocks, n, op->est_blocks);
		goto unlock;
	}
	win_evict(s, n);
	ret = -ENOBUFS;
	if (s->acc_last + n - s->win_first + 1 > RL_WIN)
		goto unlock;
	if (s->win_first > s->acc_last)
		s->win_first = s->acc_last + 1;
	for (i = 0; i < n; i++) {
		s->win[(s->acc_last + 1 + i) & (RL_WIN - 1)] = c[i];
		s->win_bytes += c[i]->len;
	}
	s->acc_last += n;
	s->pend_blocks += op->est_blocks;
	op->index = s->acc_last;
	ret = rl_queue(s, op);
	mutex_unlock(&s->lock);
	kfree(c);
	return ret;

unlock:
	mutex_unlock(&s->lock);
	for (i = 0; i < n; i++)
		kfree(c[i]);
	kfree(c);
	kfree(op);
	return ret;
nomem:
	for (i = 0; c && i < n; i++)
		kfree(c[i]);
	kfree(c);
	kfree(op);
	return -ENOMEM;
}

/* lock held: allocate an op or fail */
static struct rl_op *rl_new_op(struct rl_storage *s, enum rl_op_kind kind, s64 *err)
{
	struct rl_op *op;

	if (s->error) {
		*err = s->error;
		return NULL;
	}
	op = kzalloc(sizeof(*op), GFP_NOIO);
	if (!op) {
		*err = -ENOMEM;
		return NULL;
	}
	op->kind = kind;
	return op;
}

s64 rl_storage_set_hard_state(struct rl_storage *s, const struct rl_hard_state *hs)
{
	struct rl_op *op;
	s64 ret;

	mutex_lock(&s->lock);
	op = rl_new_op(s, RL_OP_HS, &ret);
	if (op) {
		op->hs = *hs;
		s->acc_hs = *hs;
		ret = rl_queue(s, op);
	}
	mutex_unlock(&s->lock);
	return ret;
}

/*
 * lock held: queued appends stop at @last (the worker never writes what
 * was dropped; a record already in flight is fenced by the epoch later)
 */
static void rl_clip_appends(struct rl_storage *s, u64 last)
{
	struct rl_op *op;
	u64 i;

	list_for_each_entry(op, &s->ops, node)
		if (op->kind == RL_OP_APPEND && op->index > last)
			op->index = last;
	if (last >= s->acc_last)
		return;
	for (i = max(last + 1, s->win_first); i <= s->acc_last; i++)
		win_free(s, i);
	if (s->win_first > last + 1)
		s->win_first = last + 1;
	s->acc_last = last;
}

s64 rl_storage_truncate(struct rl_storage *s, u64 last)
{
	struct rl_op *op;
	s64 ret;

	mutex_lock(&s->lock);
	op = rl_new_op(s, RL_OP_TRUNC, &ret);
	if (!op)
		goto out;
	if (last + 1 < s->acc_first) {
		kfree(op);
		ret = -EINVAL;
		goto out;
	}
	if (last >= s->acc_last) {
		kfree(op);
		ret = s->ticket_next;	/* nothing to do */
		goto out;
	}
	rl_clip_appends(s, last);
	op->index = last;
	s->trunc_floor = min(s->trunc_floor, last);
	ret = rl_queue(s, op);
out:
	mutex_unlock(&s->lock);
	return ret;
}

s64 rl_storage_compact(struct rl_storage *s, u64 index)
{
	struct rl_op *op;
	s64 ret;

	mutex_lock(&s->lock);
	op = rl_new_op(s, RL_OP_COMPACT, &ret);
	if (!op)
		goto out;
	if (index > s->acc_snap_index || index > s->acc_last) {
		kfree(op);
		ret = -EINVAL;
		goto out;
	}
	if (index < s->acc_first) {
		kfree(op);
		ret = s->ticket_next;
		goto out;
	}
	s->acc_first = index + 1;
	op->index = index;
	ret = rl_queue(s, op);
out:
	mutex_unlock(&s->lock);
	return ret;
}

s64 rl_storage_save_snapshot(struct rl_storage *s, u64 index, u64 term,
			     const void *conf, u32 conf_len,
			     const void *data, u64 data_len)
{
	unsigned int noio;
	struct rl_op *op;
	size_t size;
	s64 ret;

	if (!index || !term || (conf_len && !conf) || (data_len && !data))
		return -EINVAL;
	if (data_len > rl_snap_capacity(&s->sb) ||
	    conf_len > rl_snap_capacity(&s->sb) - data_len)
		return -EFBIG;
	op = kzalloc(sizeof(*op), GFP_NOIO);
	if (!op)
		return -ENOMEM;
	size = round_up(RAFTLOG_DISK_SNAP_SIZE + conf_len + data_len, RAFTLOG_BLOCK_SIZE);
	noio = memalloc_noio_save();
	op->snap_buf = kvzalloc(size, GFP_KERNEL);
	memalloc_noio_restore(noio);
	if (!op->snap_buf) {
		kfree(op);
		return -ENOMEM;
	}
	if (conf_len)
		memcpy((u8 *)op->snap_buf + RAFTLOG_DISK_SNAP_SIZE, conf, conf_len);
	if (data_len)
		memcpy((u8 *)op->snap_buf + RAFTLOG_DISK_SNAP_SIZE + conf_len, data, data_len);
	op->kind = RL_OP_SNAP;
	op->index = index;
	op->term = term;
	op->conf_len = conf_len;
	op->data_len = data_len;

	mutex_lock(&s->lock);
	ret = s->error;
	if (ret)
		goto fail;
	ret = -EINVAL;
	if (index <= s->acc_snap_index || index + 1 < s->acc_first)
		goto fail;
	if (index >= s->acc_last) {
		/* ahead of the log: the log restarts after it */
		op->reset = true;
		rl_clip_appends(s, max(s->durable_last, s->inflight_last));
		win_clear(s);
		s->acc_first = index + 1;
		s->acc_last = index;
		s->win_first = index + 1;
	}
	s->acc_snap_index = index;
	s->acc_snap_term = term;
	ret = rl_queue(s, op);
	mutex_unlock(&s->lock);
	return ret;
fail:
	mutex_unlock(&s->lock);
	kvfree(op->snap_buf);
	kfree(op);
	return ret;
}

int rl_storage_wait(struct rl_storage *s, s64 ticket)
{
	int err;

	if (ticket < 0)
		return ticket;
	wait_event(s->waitq, READ_ONCE(s->ticket_done) >= (u64)ticket ||
		   READ_ONCE(s->error));
	mutex_lock(&s->lock);
	err = s->ticket_done >= (u64)ticket ? 0 : s->error;
	mutex_unlock(&s->lock);
	return err;
}

/* ---- reads ---- */

/*
 * Read and verify the record described by @rx into s->rbuf (read_lock
 * held).  -ENOENT when the ring no longer holds it (compacted and reused
 * meanwhile), -EBADMSG when it fails a check.
 */
static int rl_read_rec(struct rl_storage *s, const struct rl_rix *rx, struct rl_rec *r)
{
	int err = rl_io(s, REQ_OP_READ, s->sb.ring_off + rx->off, s->rbuf,
			(size_t)rx->blocks * RAFTLOG_BLOCK_SIZE, RL_INJECT_READ);

	if (err)
		return err;
	err = rl_rec_decode_hdr(s->rbuf, RL_REC_BYTES, s->sb.uuid, r);
	if (!err && (r->seq != rx->seq || r->first_index != rx->first ||
		     r->first_index + r->count - 1 < rx->last))
		return -ENOENT;	/* overwritten since it was looked up */
	if (!err && r->blocks != rx->blocks)
		err = RL_DISK_EFIELD;
	if (!err)
		err = rl_rec_check_body(s->rbuf, (size_t)r->blocks * RAFTLOG_BLOCK_SIZE, r);
	if (err) {
		pr_err("raftlog: group %u: record seq %llu at ring block %llu: %s\n",
		       s->cfg.group_id, rx->seq, rx->off, rl_disk_strerror(err));
		return -EBADMSG;
	}
	return 0;
}

int rl_storage_entry(struct rl_storage *s, u64 index, struct rl_entry *e,
		     void *buf, u32 buflen)
{
	struct rl_cent *c;
	struct rl_rix rx, *rp;
	struct rl_rec r;
	struct rl_ent ent;
	size_t off;
	u32 k;
	int err;

	mutex_lock(&s->lock);
	if (s->error) {
		err = s->error;
		goto unlock;
	}
	err = -ENOENT;
	if (index < s->acc_first || index > s->acc_last)
		goto unlock;
	c = win_get(s, index);
	if (c) {
		e->index = index;
		e->term = c->term;
		e->type = c->type;
		e->len = c->len;
		e->data = buf;
		if (buflen)
			memcpy(buf, c->data, min(c->len, buflen));
		err = c->len > buflen ? -ENOBUFS : 0;
		goto unlock;
	}
	rp = rix_find(s, index);
	if (!rp)
		goto unlock;
	rx = *rp;
	mutex_unlock(&s->lock);

	mutex_lock(&s->read_lock);
	err = rl_read_rec(s, &rx, &r);
	if (err)
		goto unlock_read;
	off = rl_rec_data_off(r.count);
	if (index > rx.last) {
		err = -ENOENT;
		goto unlock_read;
	}
	for (k = 0; k < index - r.first_index; k++) {
		rl_rec_get_ent(s->rbuf, k, &ent);
		off += ent.len;
	}
	rl_rec_get_ent(s->rbuf, k, &ent);
	e->index = index;
	e->term = ent.term;
	e->type = ent.type;
	e->len = ent.len;
	e->data = buf;
	if (buflen)
		memcpy(buf, (u8 *)s->rbuf + off, min(ent.len, buflen));
	err = ent.len > buflen ? -ENOBUFS : 0;
unlock_read:
	mutex_unlock(&s->read_lock);
	return err;
unlock:
	mutex_unlock(&s->lock);
	return err;
}

/*
 * Entries from @index on, at most @max, as far as one record (or the
 * in-memory window) holds them in a row: each is handed to @fn, its data
 * valid during the call only.  One device read serves a whole record,
 * where rl_storage_entry() reads it again for every entry.  @fn runs
 * with a storage lock held: it may allocate, not call the storage.
 * Returns how many entries @fn took, or -errno (-ENOENT: @index is not in
 * the log; whatever @fn returned when it refused one).
 */
int rl_storage_entries(struct rl_storage *s, u64 index, u32 max,
		       int (*fn)(void *ctx, const struct rl_entry *e),
		       void *ctx)
{
	struct rl_entry e = {};
	struct rl_cent *c;
	struct rl_rix rx, *rp;
	struct rl_rec r;
	struct rl_ent ent;
	size_t off;
	u64 k;
	int n = 0, err;

	mutex_lock(&s->lock);
	err = s->error;
	if (err)
		goto unlock;
	err = -ENOENT;
	if (!max || index < s->acc_first || index > s->acc_last)
		goto unlock;
	if (win_get(s, index)) {
		for (; n < max && (c = win_get(s, index + n)); n++) {
			e.index = index + n;
			e.term = c->term;
			e.type = c->type;
			e.len = c->len;
			e.data = c->data;
			err = fn(ctx, &e);
			if (err)
				goto unlock;
		}
		err = n;
		goto unlock;
	}
	rp = rix_find(s, index);
	if (!rp)
		goto unlock;
	rx = *rp;
	mutex_unlock(&s->lock);

	mutex_lock(&s->read_lock);
	err = rl_read_rec(s, &rx, &r);
	if (err)
		goto unlock_read;
	err = -ENOENT;
	if (index > rx.last)
		goto unlock_read;
	off = rl_rec_data_off(r.count);
	for (k = r.first_index; k <= rx.last && n < max; k++) {
		rl_rec_get_ent(s->rbuf, k - r.first_index, &ent);
		if (k >= index) {
			e.index = k;
			e.term = ent.term;
			e.type = ent.type;
			e.len = ent.len;
			e.data = (u8 *)s->rbuf + off;
			err = fn(ctx, &e);
			if (err)
				goto unlock_read;
			n++;
		}
		off += ent.len;
	}
	err = n;
unlock_read:
	mutex_unlock(&s->read_lock);
	return err;
unlock:
	mutex_unlock(&s->lock);
	return err;
}

s64 rl_storage_term(struct rl_storage *s, u64 index)
{
	struct rl_cent *c;
	struct rl_rix *rp;
	struct rl_entry e;
	s64 ret;
	int err;

	mutex_lock(&s->lock);
	ret = s->error;
	if (ret)
		goto unlock;
	ret = 0;
	if (!index)
		goto unlock;
	ret = s->acc_snap_term;
	if (index == s->acc_snap_index)
		goto unlock;
	ret = -ENOENT;
	if (index < s->acc_first || index > s->acc_last)
		goto unlock;
	c = win_get(s, index);
	if (c) {
		ret = c->term;
		goto unlock;
	}
	rp = rix_find(s, index);
	if (!rp)
		goto unlock;
	if (rp->term_first == rp->term_last) {
		ret = rp->term_first;
		goto unlock;
	}
	mutex_unlock(&s->lock);
	err = rl_storage_entry(s, index, &e, NULL, 0);
	if (err && err != -ENOBUFS)
		return err;
	return e.term;
unlock:
	mutex_unlock(&s->lock);
	return ret;
}

int rl_storage_load_snapshot(struct rl_storage *s, u64 *index, u64 *term,
			     void **conf, u32 *conf_len,
			     void **data, u64 *data_len)
{
	struct rl_meta m;
	struct rl_snap sn;
	unsigned int noio;
	size_t size;
	u8 *buf;
	int err;

	mutex_lock(&s->lock);
	m = s->meta;
	err = s->error;
	mutex_unlock(&s->lock);
	if (err)
		return err;
	if (m.snap_slot == RAFTLOG_SNAP_NONE)
		return -ENOENT;
	/* the whole area: header, configuration and data */
	size = (size_t)s->sb.snap_blocks * RAFTLOG_BLOCK_SIZE;
	noio = memalloc_noio_save();
	buf = kvmalloc(size, GFP_KERNEL);
	memalloc_noio_restore(noio);
	if (!buf)
		return -ENOMEM;
	err = rl_io(s, REQ_OP_READ, s->sb.snap_off[m.snap_slot], buf,
		    RAFTLOG_BLOCK_SIZE, RL_INJECT_READ);
	if (err)
		goto out;
	err = rl_snap_decode_hdr(buf, RAFTLOG_BLOCK_SIZE, &s->sb, &sn);
	if (!err && (sn.index != m.snap_index || sn.term != m.snap_term))
		err = RL_DISK_EFIELD;
	if (!err) {
		size = round_up(RAFTLOG_DISK_SNAP_SIZE + sn.conf_len + sn.data_len,
				RAFTLOG_BLOCK_SIZE);
		if (size > RAFTLOG_BLOCK_SIZE) {
			err = rl_io(s, REQ_OP_READ, s->sb.snap_off[m.snap_slot] + 1,
				    buf + RAFTLOG_BLOCK_SIZE, size - RAFTLOG_BLOCK_SIZE,
				    RL_INJECT_READ);
			if (err)
				goto out;
		}
		if (rl_crc32c(0, buf + RAFTLOG_DISK_SNAP_SIZE,
			      sn.conf_len + sn.data_len) != sn.body_crc)
			err = RL_DISK_EBODY;
	}
	if (err) {
		pr_err("raftlog: group %u: snapshot area %u: %s\n",
		       s->cfg.group_id, m.snap_slot, rl_disk_strerror(err));
		err = -EBADMSG;
		goto out;
	}
	noio = memalloc_noio_save();
	*conf = kvmalloc(max_t(u32, sn.conf_len, 1), GFP_KERNEL);
	*data = kvmalloc(max_t(u64, sn.data_len, 1), GFP_KERNEL);
	memalloc_noio_restore(noio);
	if (!*conf || !*data) {
		kvfree(*conf);
		kvfree(*data);
		*conf = NULL;
		*data = NULL;
		err = -ENOMEM;
		goto out;
	}
	memcpy(*conf, buf + RAFTLOG_DISK_SNAP_SIZE, sn.conf_len);
	memcpy(*data, buf + RAFTLOG_DISK_SNAP_SIZE + sn.conf_len, sn.data_len);
	*index = sn.index;
	*term = sn.term;
	*conf_len = sn.conf_len;
	*data_len = sn.data_len;
out:
	kvfree(buf);
	return err;
}

void rl_storage_get_info(struct rl_storage *s, struct rl_storage_info *info)
{
	mutex_lock(&s->lock);
	info->first_index = s->acc_first;
	info->last_index = s->acc_last;
	info->durable_index = rl_reported_durable(s);
	info->snap_index = s->acc_snap_index;
	info->snap_term = s->acc_snap_term;
	info->hs = s->acc_hs;
	info->ring_blocks = s->sb.ring_blocks;
	info->used_blocks = s->used;
	info->records = s->rix_n;
	info->ring_laps = s->laps;
	info->ticket_done = s->ticket_done;
	info->error = s->error;
	mutex_unlock(&s->lock);
}

/*
 * Bytes of entries the ring can still take while keeping an eighth of it
 * (and one full record) in reserve: a leader stops accepting proposals
 * there, so that followers, whose records pack entries differently, and
 * configuration changes still find room.  Compaction makes room again.
 */
u64 rl_storage_room(struct rl_storage *s)
{
	u64 ring = s->sb.ring_blocks, taken;

	mutex_lock(&s->lock);
	taken = s->used + s->pend_blocks + s->rec_max_blocks + ring / 8;
	mutex_unlock(&s->lock);
	return taken < ring ? (ring - taken) * RAFTLOG_BLOCK_SIZE : 0;
}

/* ---- open and recovery ---- */

/*
 * Read the record at ring block @off into s->rbuf and check it fully.
 * Returns a disk.c code, or a negative errno for an I/O error.
 */
static int rl_probe_rec(struct rl_storage *s, u64 off, struct rl_rec *r)
{
	int err = rl_io(s, REQ_OP_READ, s->sb.ring_off + off, s->rbuf,
			RAFTLOG_BLOCK_SIZE, RL_INJECT_READ);

	if (err)
		return err;
	err = rl_rec_decode_hdr(s->rbuf, RAFTLOG_BLOCK_SIZE, s->sb.uuid, r);
	if (err)
		return err;
	if (off + r->blocks > s->sb.ring_blocks || r->blocks > s->rec_max_blocks)
		return RL_DISK_EFIELD;
	if (r->blocks > 1) {
		err = rl_io(s, REQ_OP_READ, s->sb.ring_off + off + 1,
			    (u8 *)s->rbuf + RAFTLOG_BLOCK_SIZE,
			    (size_t)(r->blocks - 1) * RAFTLOG_BLOCK_SIZE, RL_INJECT_READ);
		if (err)
			return err;
	}
	return rl_rec_check_body(s->rbuf, (size_t)r->blocks * RAFTLOG_BLOCK_SIZE, r);
}

/* the scan of docs/format.md "Recovery", building rix */
static int rl_recover_log(struct rl_storage *s)
{
	u64 off = s->meta.head_off, used = 0, ring = s->sb.ring_blocks;
	struct rl_scan sc;

	rl_scan_init(&sc, &s->meta);
	s->rix_head = 0;
	s->rix_n = 0;
	while (sc.nrec < ring) {
		struct rl_rec r;
		struct rl_ent e;
		struct rl_rix rx;
		u64 at = off, skip = 0;
		int err;

		/* a RAM disk completes reads inline: never sleeps otherwise */
		cond_resched();
		err = rl_probe_rec(s, off, &r);
		if (err < 0)
			return err;
		if ((err || r.seq != sc.next_seq) && sc.nrec && off) {
			struct rl_rec r0;
			int e0 = rl_probe_rec(s, 0, &r0);

			if (e0 < 0)
				return e0;
			if (!e0 && r0.seq == sc.next_seq &&
			    (r0.flags & RAFTLOG_REC_F_WRAPPED) &&
			    r0.blocks > ring - off) {
				r = r0;
				err = 0;
				at = 0;
				skip = ring - off;
			}
		}
		if (err || (at == 0 && !skip && sc.nrec &&
			    (r.flags & RAFTLOG_REC_F_WRAPPED)))
			break;
		if (used + skip + r.blocks > ring)
			break;
		if (rl_scan_add(&sc, &r))
			break;
		rix_cut(s, sc.cut);
		rx.seq = r.seq;
		rx.first = r.first_index;
		rx.last = r.first_index + r.count - 1;
		rl_rec_get_ent(s->rbuf, 0, &e);
		rx.term_first = e.term;
		rl_rec_get_ent(s->rbuf, r.count - 1, &e);
		rx.term_last = e.term;
		rx.off = at;
		rx.blocks = r.blocks;
		rix_push(s, &rx);
		used += skip + r.blocks;
		off = ring_norm(s, at + r.blocks);
	}
	s->durable_last = rl_scan_finish(&sc);
	rix_cut(s, s->durable_last);
	/* records wholly before first_index (all compacted) are not live */
	while (s->rix_n && rix_at(s, 0)->last < s->meta.first_index) {
		s->rix_head = (s->rix_head + 1) % ring;
		s->rix_n--;
	}
	WARN_ON_ONCE(s->rix_n && rix_at(s, 0)->off != s->meta.head_off);
	rl_recompute_tail(s, &s->meta);
	return 0;
}

static int rl_check_snapshot(struct rl_storage *s)
{
	u64 index, term, data_len;
	void *conf, *data;
	u32 conf_len;
	int err;

	if (s->meta.snap_slot == RAFTLOG_SNAP_NONE)
		return 0;
	err = rl_storage_load_snapshot(s, &index, &term, &conf, &conf_len,
				       &data, &data_len);
	if (err)
		return err == -EBADMSG ? -EUCLEAN : err;
	kvfree(conf);
	kvfree(data);
	return 0;
}

static int rl_read_meta(struct rl_storage *s)
{
	struct rl_meta m[RAFTLOG_META_SLOTS];
	int err[RAFTLOG_META_SLOTS], pick;
	unsigned int slot;

	for (slot = 0; slot < RAFTLOG_META_SLOTS; slot++) {
		int ioerr = rl_io(s, REQ_OP_READ, RAFTLOG_META_BLOCK + slot, s->mbuf,
				  RAFTLOG_BLOCK_SIZE, RL_INJECT_READ);

		if (ioerr)
			return ioerr;
		err[slot] = rl_meta_decode(s->mbuf, RAFTLOG_BLOCK_SIZE, &s->sb, slot,
					   &m[slot]);
	}
	pick = rl_meta_pick(err[0], &m[0], err[1], &m[1]);
	if (pick < 0) {
		pr_err("raftlog: group %u: no valid metadata slot (%s, %s)\n",
		       s->cfg.group_id, rl_disk_strerror(err[0]),
		       rl_disk_strerror(err[1]));
		return -EUCLEAN;
	}
	s->meta = m[pick];
	return 0;
}

static int rl_read_sb(struct rl_storage *s)
{
	int err = rl_io(s, REQ_OP_READ, RAFTLOG_SB_BLOCK, s->mbuf,
			RAFTLOG_BLOCK_SIZE, RL_INJECT_READ);

	if (err)
		return err;
	err = rl_sb_decode(s->mbuf, RAFTLOG_BLOCK_SIZE, &s->sb);
	if (err) {
		pr_err("raftlog: group %u: no valid superblock: %s\n",
		       s->cfg.group_id, rl_disk_strerror(err));
		return -EUCLEAN;
	}
	if (s->sb.cluster_id != s->cfg.cluster_id ||
	    s->sb.group_id != s->cfg.group_id || s->sb.node_id != s->cfg.node_id) {
		pr_err("raftlog: group %u: device formatted for cluster %llu group %u node %llu\n",
		       s->cfg.group_id, s->sb.cluster_id, s->sb.group_id, s->sb.node_id);
		return -ESTALE;
	}
	if (bdev_nr_sectors(s->bdev) < s->sb.dev_blocks * RL_SECT_PER_BLOCK)
		return -ENOSPC;
	return 0;
}

static void rl_storage_free(struct rl_storage *s)
{
	struct rl_op *op, *tmp;
	u64 i;

	if (s->wq)
		destroy_workqueue(s->wq);
	list_for_each_entry_safe(op, tmp, &s->ops, node)
		rl_free_op(op);
	if (s->win) {
		for (i = 0; i < RL_WIN; i++)
			kfree(s->win[i]);
		kvfree(s->win);
	}
	rl_bdev_close(s);
	vfree(s->rix);
	vfree(s->wbuf);
	vfree(s->rbuf);
	kfree(s->mbuf);
	kfree(s->ents);
	kfree(s);
}

int rl_storage_open(const char *path, const struct rl_storage_cfg *cfg,
		    struct rl_storage **out)
{
	struct rl_storage *s;
	struct rl_meta m;
	int err;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->cfg = *cfg;
	if (!s->cfg.cache_bytes)
		s->cfg.cache_bytes = RL_DEFAULT_CACHE;
	mutex_init(&s->lock);
	mutex_init(&s->read_lock);
	spin_lock_init(&s->inj_lock);
	init_waitqueue_head(&s->waitq);
	INIT_LIST_HEAD(&s->ops);
	INIT_WORK(&s->work, rl_work);
	s->trunc_floor = U64_MAX;

	err = -ENOMEM;
	s->mbuf = kmalloc(RAFTLOG_BLOCK_SIZE, GFP_KERNEL);	/* page aligned */
	s->ents = kcalloc(RAFTLOG_REC_MAX_ENTRIES, sizeof(*s->ents), GFP_KERNEL);
	s->wbuf = vmalloc(RL_REC_BYTES);
	s->rbuf = vmalloc(RL_REC_BYTES);
	s->win = kvcalloc(RL_WIN, sizeof(*s->win), GFP_KERNEL);
	if (!s->mbuf || !s->ents || !s->wbuf || !s->rbuf || !s->win)
		goto fail;
	s->wq = alloc_ordered_workqueue("raftlog_st%u", WQ_MEM_RECLAIM, cfg->group_id);
	if (!s->wq)
		goto fail;

	err = rl_bdev_open(s, path);
	if (err)
		goto fail;
	if (bdev_logical_block_size(s->bdev) > RAFTLOG_BLOCK_SIZE) {
		err = -EINVAL;
		goto fail;
	}
	err = rl_read_sb(s);
	if (err)
		goto fail;
	s->rec_max_blocks = min_t(u64, RAFTLOG_REC_MAX_BLOCKS, s->sb.ring_blocks / 4);
	err = -ENOMEM;
	s->rix = vmalloc(array_size(s->sb.ring_blocks, sizeof(*s->rix)));
	if (!s->rix)
		goto fail;
	err = rl_read_meta(s);
	if (err)
		goto fail;
	err = rl_recover_log(s);
	if (err)
		goto fail;
	err = rl_check_snapshot(s);
	if (err)
		goto fail;

	s->acc_first = s->meta.first_index;
	s->acc_last = s->durable_last;
	s->acc_snap_index = s->meta.snap_index;
	s->acc_snap_term = s->meta.snap_term;
	s->acc_hs.term = s->meta.term;
	s->acc_hs.vote = s->meta.vote;
	s->acc_hs.commit = s->meta.commit;
	s->win_first = s->acc_last + 1;

	/*
	 * Fence whatever lies beyond the recovered log (a torn record, stale
	 * records after it): the next record gets a higher epoch, so nothing
	 * written before this point can chain after it on a later recovery.
	 */
	m = s->meta;
	m.epoch++;
	m.trunc_index = s->durable_last;
	mutex_lock(&s->lock);
	err = rl_write_meta(s, &m, 0);
	mutex_unlock(&s->lock);
	if (err)
		goto fail;
	pr_info("raftlog: group %u: storage recovered: log %llu..%llu, %llu records, term %llu\n",
		cfg->group_id, s->acc_first, s->acc_last, s->rix_n, s->meta.term);
	*out = s;
	return 0;
fail:
	rl_storage_free(s);
	return err;
}

void rl_storage_close(struct rl_storage *s)
{
	u64 last;

	mutex_lock(&s->lock);
	last = s->ticket_next;
	mutex_unlock(&s->lock);
	rl_storage_wait(s, last);
	flush_workqueue(s->wq);
	rl_storage_free(s);
}

/*
 * Format @path as raftctl format does (fresh UUID, empty log), for the
 * tests and for a group layer that is told to initialise its device.
 * Unlike raftctl it does not check what the device held before.
 */
int rl_storage_format(const char *path, u64 cluster_id, u32 group_id,
		      u64 node_id, u64 snap_bytes)
{
	struct rl_storage *s;
	struct rl_meta m;
	u64 zero_blocks[4];
	unsigned int i;
	int err;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	spin_lock_init(&s->inj_lock);
	s->mbuf = kzalloc(RAFTLOG_BLOCK_SIZE, GFP_KERNEL);
	err = -ENOMEM;
	if (!s->mbuf)
		goto out;
	err = rl_bdev_open(s, path);
	if (err)
		goto out;
	err = -ENOSPC;
	if (rl_sb_layout(&s->sb, (u64)bdev_nr_sectors(s->bdev) << SECTOR_SHIFT,
			 snap_bytes))
		goto out;
	generate_random_uuid(s->sb.uuid);
	s->sb.cluster_id = cluster_id;
	s->sb.group_id = group_id;
	s->sb.node_id = node_id;
	s->sb.format_time = ktime_get_real_seconds();

	zero_blocks[0] = RAFTLOG_META_BLOCK + rl_meta_slot(2);
	zero_blocks[1] = s->sb.snap_off[0];
	zero_blocks[2] = s->sb.snap_off[1];
	zero_blocks[3] = s->sb.ring_off;
	for (i = 0; i < ARRAY_SIZE(zero_blocks); i++) {
		err = rl_io(s, REQ_OP_WRITE, zero_blocks[i], s->mbuf,
			    RAFTLOG_BLOCK_SIZE, RL_INJECT_WRITE);
		if (err)
			goto out;
	}
	rl_meta_init(&m);
	rl_meta_encode(&m, s->sb.uuid, s->mbuf);
	err = rl_io(s, REQ_OP_WRITE, RAFTLOG_META_BLOCK + rl_meta_slot(m.seq),
		    s->mbuf, RAFTLOG_BLOCK_SIZE, RL_INJECT_META);
	if (err)
		goto out;
	rl_sb_encode(&s->sb, s->mbuf);
	err = rl_io(s, REQ_OP_WRITE | REQ_SYNC | REQ_PREFLUSH | REQ_FUA,
		    RAFTLOG_SB_BLOCK, s->mbuf, RAFTLOG_BLOCK_SIZE, RL_INJECT_META);
out:
	rl_bdev_close(s);
	kfree(s->mbuf);
	kfree(s);
	return err;
}

#if IS_ENABLED(CONFIG_KUNIT)
/*
 * Tests only: read or write one raw block of @path (not open elsewhere),
 * to damage what the storage wrote and check that recovery notices.
 */
int rl_storage_raw_block(const char *path, u64 block, void *buf, bool write)
{
	struct rl_storage *s;
	int err;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	spin_lock_init(&s->inj_lock);
	s->mbuf = kmalloc(RAFTLOG_BLOCK_SIZE, GFP_KERNEL);
	err = -ENOMEM;
	if (!s->mbuf)
		goto out;
	err = rl_bdev_open(s, path);
	if (err)
		goto out;
	if (write)
		memcpy(s->mbuf, buf, RAFTLOG_BLOCK_SIZE);
	err = rl_io(s, write ? REQ_OP_WRITE | REQ_FUA : REQ_OP_READ, block,
		    s->mbuf, RAFTLOG_BLOCK_SIZE, 0);
	if (!err && !write)
		memcpy(buf, s->mbuf, RAFTLOG_BLOCK_SIZE);
out:
	rl_bdev_close(s);
	kfree(s->mbuf);
	kfree(s);
	return err;
}
#endif
