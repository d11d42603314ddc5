// SPDX-License-Identifier: GPL-2.0
/*
 * Storage: the record pipeline.  Up to RL_ST_INFLIGHT records are written
 * at once, each FUA from its own slot buffer with submit_bio.  A record
 * takes its place on the ring (offset, seq, tail, used) when it is
 * submitted, in order; its completion (any order, any context) only marks
 * its slot done and queues the worker, which retires the slots in
 * submission order: a record is indexed (rix) and its entries reported
 * durable only when it and every record before it completed.  After a
 * failed write nothing more is retired or submitted, and the storage
 * enters its failed state once every record in flight has ended.
 *
 * Memory: RL_ST_INFLIGHT buffers of one record (rec_max_blocks blocks,
 * at most 1 MiB each), each allocated when a record first needs it and
 * all released when the owner says the storage is idle (rl_storage_trim:
 * a quiesced group), so that hundreds of idle groups on one host do not
 * hold 4 MiB each.  See storage_int.h.
 */
#include <linux/blkdev.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "storage_int.h"

static size_t rl_st_slot_bytes(struct rl_storage *s)
{
	return (size_t)s->rec_max_blocks * RAFTLOG_BLOCK_SIZE;
}

int rl_st_pipe_alloc(struct rl_storage *s)
{
	unsigned int i;

	/* the buffers come with the first records (rl_st_pipe_fill) */
	for (i = 0; i < RL_ST_INFLIGHT; i++)
		s->slot[i].s = s;
	return 0;
}

/* Bytes of record buffers the pipeline holds (s->lock), and its bound. */
void rl_st_pipe_mem(struct rl_storage *s, u64 *used, u64 *limit)
{
	unsigned int i;

	*used = 0;
	for (i = 0; i < RL_ST_INFLIGHT; i++)
		if (s->slot[i].buf)
			*used += rl_st_slot_bytes(s);
	*limit = (u64)RL_ST_INFLIGHT * rl_st_slot_bytes(s);
}

void rl_storage_trim(struct rl_storage *s)
{
	mutex_lock(&s->lock);
	if (!s->sl_n)
		rl_st_pipe_free(s);
	mutex_unlock(&s->lock);
}

void rl_st_pipe_free(struct rl_storage *s)
{
	unsigned int i;

	for (i = 0; i < RL_ST_INFLIGHT; i++) {
		vfree(s->slot[i].buf);
		s->slot[i].buf = NULL;
	}
}

/*
 * The write of @sl ended with @err: any context (bio completion, or the
 * worker itself when the write never went out).  The worker does the
 * rest; past the unlock, nothing here touches the storage, so that a
 * close waiting for the slot to be retired may free it.
 */
void rl_st_slot_end(struct rl_st_slot *sl, int err)
{
	struct rl_storage *s = sl->s;
	unsigned long flags;

	spin_lock_irqsave(&s->cmpl_lock, flags);
	sl->err = err;
	sl->done = true;
	queue_work(s->wq, &s->work);
	spin_unlock_irqrestore(&s->cmpl_lock, flags);
}

static struct rl_st_slot *rl_st_slot_at(struct rl_storage *s, unsigned int k)
{
	return &s->slot[(s->sl_head + k) % RL_ST_INFLIGHT];
}

/*
 * Lock held: retire the completed records at the head of the pipeline, in
 * order, and finish the appends they make durable.  True if any retired.
 */
bool rl_st_pipe_retire(struct rl_storage *s)
{
	bool any = false;

	while (s->sl_n) {
		struct rl_st_slot *sl = rl_st_slot_at(s, 0);
		unsigned long flags;
		bool done;
		int err;

		spin_lock_irqsave(&s->cmpl_lock, flags);
		done = sl->done;
		err = sl->err;
		sl->done = false;
		spin_unlock_irqrestore(&s->cmpl_lock, flags);
		if (!done)
			break;
		rl_st_vwc_end(s, sl->vw, RL_ST_REC_OPF, !err);
		sl->vw = NULL;
		if (err && !s->pipe_err)
			s->pipe_err = err;
#ifdef RL_BUG_RETIRE_EARLY
		/* planted bug: each record counts on its own, gaps or not */
		if (!err) {
#else
		if (!s->pipe_err) {
#endif
			rl_st_rix_push(s, &sl->rx);
			s->durable_last = sl->rx.last;
		}
		s->sl_head = (s->sl_head + 1) % RL_ST_INFLIGHT;
		WRITE_ONCE(s->sl_n, s->sl_n - 1);
		any = true;
	}
#ifdef RL_BUG_RETIRE_EARLY
	if (any)
#else
	if (any && !s->pipe_err)
#endif
		rl_st_done_appends(s);
	if (any)
		wake_up_all(&s->waitq);
	return any;
}

/*
 * Lock held: encode the @n entries gathered from @first (@bytes of data)
 * as the next record into @sl and place it on the ring.
 */
static int rl_st_prep_record(struct rl_storage *s, struct rl_st_slot *sl,
			     u64 first, u32 n, u64 bytes)
{
	struct rl_st_rix *rx = &sl->rx;
	struct rl_rec rec = { 0 };
	u64 blocks, need;
	bool wrapped;
	u32 k;
	u8 *p;
	int err;

	blocks = rl_rec_blocks(n, bytes);
	rx->off = rl_ring_place(&s->sb, s->tail, blocks, &wrapped);
	need = blocks + (wrapped ? s->sb.ring_blocks - rl_st_ring_norm(s, s->tail) : 0);
	if (s->used + need > s->sb.ring_blocks)
		return -ENOSPC;	/* reservation in append() prevents this */
	p = (u8 *)sl->buf + rl_rec_data_off(n);
	for (k = 0; k < n; k++) {
		struct rl_st_cent *c = rl_st_win_get(s, first + k);

		memcpy(p, c->data, c->len);
		p += c->len;
	}
	rec.seq = s->next_seq;
	rec.epoch = s->meta.epoch;
	rec.first_index = first;
	rec.count = n;
	rec.flags = wrapped ? RAFTLOG_REC_F_WRAPPED : 0;
	err = rl_rec_encode(&rec, s->ents, s->sb.uuid, sl->buf, rl_st_slot_bytes(s));
	if (WARN_ON_ONCE(err))
		return -EINVAL;
	rx->seq = rec.seq;
	rx->first = first;
	rx->last = first + n - 1;
	rx->term_first = s->ents[0].term;
	rx->term_last = s->ents[n - 1].term;
	rx->conf = rl_st_has_conf(s->ents, n);
	rx->blocks = blocks;
	sl->len = (size_t)blocks * RAFTLOG_BLOCK_SIZE;
	sl->vw = NULL;
	sl->crashed = false;
	/* the ring as it will be once this record is written */
	if (rx->off == 0 && (s->tail || s->used))
		s->laps++;
	s->used += need;
	s->tail = rl_st_ring_norm(s, rx->off + blocks);
	s->next_seq++;
	s->sub_last = rx->last;
	return 0;
}

#ifdef RL_TEST_HOOKS
static void rl_st_hook_flags(struct rl_storage *s, bool *plug, bool *reorder)
{
	spin_lock(&s->inj_lock);
	*plug = s->plug;
	*reorder = s->reorder;
	spin_unlock(&s->inj_lock);
}

void rl_storage_plug(struct rl_storage *s, bool plug, bool reorder)
{
	spin_lock(&s->inj_lock);
	s->plug = plug;
	s->reorder = reorder;
	spin_unlock(&s->inj_lock);
	if (!plug)
		queue_work(s->wq, &s->work);
}
#else
static void rl_st_hook_flags(struct rl_storage *s, bool *plug, bool *reorder)
{
	*plug = false;
	*reorder = false;
}
#endif

/*
 * Lock held; returns with it held: the queued appends at the head of the
 * queue go out as records into the free slots.  True if any went out.
 * The tests may hold records back (plug) and have a batch go out with
 * each pair swapped (reorder: 2, 1, 4, 3, ...), so that completions arrive
 * out of order even on a RAM disk, which completes every write before
 * submit_bio returns.
 */
/* lock held: the last index the appends at the head of the queue reach */
static u64 rl_st_append_end(struct rl_storage *s)
{
	struct rl_st_op *op;
	u64 end = 0;

	list_for_each_entry(op, &s->ops, node) {
		if (op->kind != RL_ST_OP_APPEND)
			break;
		end = max(end, op->index);
	}
	return end;
}

bool rl_st_pipe_fill(struct rl_storage *s)
{
	unsigned int batch = 0, i, k;
	bool plug, reorder, sent = false;
	u64 bytes;
	int n;

	rl_st_hook_flags(s, &plug, &reorder);
	if (plug)
		return false;
	while (s->sl_n + batch < RL_ST_INFLIGHT && !s->pipe_err) {
		struct rl_st_slot *sl = rl_st_slot_at(s, s->sl_n + batch);
		u64 first = s->sub_last + 1;

		/* the queue may have changed while the lock was dropped */
		n = rl_st_gather(s, first, rl_st_append_end(s), &bytes);
		if (n > 0 && !sl->buf) {
			sl->buf = vmalloc(rl_st_slot_bytes(s));
			if (!sl->buf)
				n = -ENOMEM;
		}
		if (n > 0) {
			int err = rl_st_prep_record(s, sl, first, n, bytes);

			if (err)
				n = err;
		}
		if (n < 0)
			s->pipe_err = n;
		if (n <= 0)
			break;
		sent = true;
		if (reorder) {
			batch++;
			continue;
		}
		s->sl_n++;
		s->max_inflight = max_t(u64, s->max_inflight, s->sl_n);
		mutex_unlock(&s->lock);
		rl_st_submit_rec(s, sl, RL_ST_REC_OPF);
		mutex_lock(&s->lock);
	}
	if (!batch)
		return sent;
	/* reorder: the whole batch in flight, each pair submitted swapped */
	k = s->sl_n;
	s->sl_n += batch;
	s->max_inflight = max_t(u64, s->max_inflight, s->sl_n);
	mutex_unlock(&s->lock);
	for (i = 0; i < batch; i++) {
		unsigned int j = (i ^ 1) < batch ? i ^ 1 : i;

		rl_st_submit_rec(s, rl_st_slot_at(s, k + j), RL_ST_REC_OPF);
	}
	mutex_lock(&s->lock);
	return true;
}

/*
 * Wait until no record is in flight (the worker retires them all and
 * wakes the queue).  For close: nothing more is queued by then.
 */
void rl_st_pipe_drain(struct rl_storage *s)
{
	wait_event(s->waitq, !READ_ONCE(s->sl_n));
	mutex_lock(&s->lock);	/* the worker is done with the slots */
	mutex_unlock(&s->lock);
}
