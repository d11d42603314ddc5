// SPDX-License-Identifier: GPL-2.0
/*
 * Storage: the worker.  One work item on an ordered WQ_MEM_RECLAIM
 * workqueue carries out the queued operations in order: appends go out as
 * records through the pipeline (storage_pipe.c), metadata and snapshots
 * are written once no record is in flight; it updates the durable state
 * and reports to the callbacks.  A failed I/O puts the storage into its
 * failed state.  See storage_int.h.
 */
#include <linux/blkdev.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "storage_int.h"

void rl_st_free_op(struct rl_st_op *op)
{
	list_del(&op->node);
	kvfree(op->snap_buf);
	kfree(op->stg_buf);
	kfree(op);
}

/* lock held: enter the failed state (once), drop everything queued */
static void rl_st_fail(struct rl_storage *s, int err)
{
	struct rl_st_op *op, *tmp;

	if (!s->error) {
		s->error = err;
		pr_err("raftlog: group %u: storage failed (error %d); no further writes\n",
		       s->cfg.group_id, err);
	}
	list_for_each_entry_safe(op, tmp, &s->ops, node)
		rl_st_free_op(op);
}

static void rl_st_recompute_trunc_floor(struct rl_storage *s)
{
	struct rl_st_op *op;

	s->trunc_floor = U64_MAX;
	list_for_each_entry(op, &s->ops, node)
		if (op->kind == RL_ST_OP_TRUNC)
			s->trunc_floor = min(s->trunc_floor, op->index);
}

/*
 * Lock held: the entries of the next record, from @first up to @end, as
 * many as one record takes (a term going down starts a new one), into
 * s->ents.  How many, and their bytes in *@bytes; -EIO if one is missing.
 */
int rl_st_gather(struct rl_storage *s, u64 first, u64 end, u64 *bytes)
{
	u32 n = 0;
	u64 i;

	*bytes = 0;
	for (i = first; i <= end; i++) {
		struct rl_st_cent *c = rl_st_win_get(s, i);

		if (WARN_ON_ONCE(!c))
			return -EIO;
		if (n == RAFTLOG_REC_MAX_ENTRIES ||
		    rl_rec_blocks(n + 1, *bytes + c->len) > s->rec_max_blocks ||
		    (n && c->term < s->ents[n - 1].term))
			break;
		s->ents[n].term = c->term;
		s->ents[n].len = c->len;
		s->ents[n].type = c->type;
		*bytes += c->len;
		n++;
	}
	return n;
}

/* lock held: the appends at the head of the queue now durable are done */
void rl_st_done_appends(struct rl_storage *s)
{
	struct rl_st_op *op, *tmp;

	list_for_each_entry_safe(op, tmp, &s->ops, node) {
		if (op->kind != RL_ST_OP_APPEND || op->index > s->durable_last)
			break;
		s->ticket_done = op->ticket;
		s->pend_blocks -= op->est_blocks;
		s->pend_records -= op->est_records;
		rl_st_free_op(op);
	}
}

static void rl_st_apply_trunc(struct rl_storage *s, struct rl_meta *m, u64 last)
{
	if (last >= s->durable_last)
		return;		/* nothing beyond it was written */
	rl_st_rix_cut(s, last);
	rl_st_recompute_tail(s, m);
	m->epoch++;
	m->trunc_index = last;
	s->durable_last = last;
}

/* the log is empty from @last on: head moves to the tail, epoch fences */
static void rl_st_reset_log(struct rl_storage *s, struct rl_meta *m, u64 last)
{
	s->rix_n = 0;
	m->first_index = last + 1;
	m->head_off = rl_st_ring_norm(s, s->tail);
	m->head_seq = s->next_seq;
	m->epoch++;
	m->trunc_index = last;
	s->durable_last = last;
	s->used = 0;
}

static void rl_st_apply_compact(struct rl_storage *s, struct rl_meta *m, u64 upto_index)
{
	if (upto_index < m->first_index)
		return;
	if (upto_index >= s->durable_last) {
		rl_st_reset_log(s, m, upto_index);
		return;
	}
	m->first_index = upto_index + 1;
	while (s->rix_n && rl_st_rix_at(s, 0)->last <= upto_index)
		rl_st_rix_drop_first(s);
	if (WARN_ON_ONCE(!s->rix_n)) {	/* records always reach durable_last */
		rl_st_reset_log(s, m, upto_index);
		return;
	}
	m->head_off = rl_st_rix_at(s, 0)->off;
	m->head_seq = rl_st_rix_at(s, 0)->seq;
	rl_st_recompute_tail(s, m);
}

int rl_st_write_meta(struct rl_storage *s, struct rl_meta *m, blk_opf_t extra)
{
	int err;

	m->seq = s->meta.seq + 1;
	rl_meta_encode(m, s->sb.uuid, s->mbuf);
	mutex_unlock(&s->lock);
	err = rl_st_io(s, REQ_OP_WRITE | REQ_SYNC | REQ_FUA | extra,
		       RAFTLOG_META_BLOCK + rl_meta_slot(m->seq), s->mbuf,
		       RAFTLOG_BLOCK_SIZE, RL_INJECT_META);
	mutex_lock(&s->lock);
	if (!err)
		s->meta = *m;
	return err;
}

/* hard state, truncations and compactions at the head: one metadata write */
static int rl_st_do_meta_ops(struct rl_storage *s)
{
	struct rl_meta m = s->meta;
	struct rl_st_op *op, *tmp;
	u64 ticket = 0;
	int err;

	list_for_each_entry_safe(op, tmp, &s->ops, node) {
		if (op->kind == RL_ST_OP_HS) {
			m.term = op->hs.term;
			m.vote = op->hs.vote;
			m.commit = op->hs.commit;
		} else if (op->kind == RL_ST_OP_TRUNC) {
			rl_st_apply_trunc(s, &m, op->index);
		} else if (op->kind == RL_ST_OP_COMPACT) {
			rl_st_apply_compact(s, &m, op->index);
		} else {
			break;
		}
		ticket = op->ticket;
		rl_st_free_op(op);
	}
	err = rl_st_write_meta(s, &m, 0);
	if (err)
		return err;
	rl_st_recompute_trunc_floor(s);
	s->ticket_done = ticket;
	return 0;
}

static int rl_st_do_snapshot(struct rl_storage *s, struct rl_st_op *op)
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

	if (op->staged) {
		err = rl_st_stage_finish(s, op, &slot);
	} else {
		/* the area the staging goes to (if any): that one ends */
		kfree(s->stg_buf);
		s->stg_buf = NULL;
		s->snap_gen[slot]++;
		mutex_unlock(&s->lock);
		sn.body_crc = rl_crc32c(0, (u8 *)op->snap_buf +
					RAFTLOG_DISK_SNAP_SIZE, body);
		rl_snap_encode_hdr(&sn, s->sb.uuid, op->snap_buf);
		err = rl_st_io(s, REQ_OP_WRITE, s->sb.snap_off[slot],
			       op->snap_buf,
			       round_up(RAFTLOG_DISK_SNAP_SIZE + body,
					RAFTLOG_BLOCK_SIZE),
			       RL_INJECT_WRITE);
		mutex_lock(&s->lock);
	}
	if (err)
		return err;
	m = s->meta;
	m.snap_slot = slot;
	m.snap_index = op->index;
	m.snap_term = op->term;
	if (op->reset)
		rl_st_reset_log(s, &m, op->index);
	/* the data must be durable before the metadata points at it */
	err = rl_st_write_meta(s, &m, REQ_PREFLUSH);
	if (err)
		return err;
	s->cur_conf_len = op->conf_len;
	s->cur_data_len = op->data_len;
	s->ticket_done = op->ticket;
	rl_st_free_op(op);
	return 0;
}

/*
 * Lock held; returns with it held: retire what completed, then start what
 * the head of the queue allows: records while slots are free, or a
 * metadata or snapshot write once nothing is in flight.  True if anything
 * changed; then the caller runs it again.
 */
static bool rl_st_step(struct rl_storage *s)
{
	struct rl_st_op *op;
	bool progress;
	int err = 0;

	progress = rl_st_pipe_retire(s);
	if (s->error)
		return false;
	op = list_first_entry_or_null(&s->ops, struct rl_st_op, node);
	if (op && op->kind == RL_ST_OP_APPEND) {
		rl_st_done_appends(s);	/* clipped by a truncation */
		progress |= op != list_first_entry_or_null(&s->ops,
							   struct rl_st_op, node);
		progress |= rl_st_pipe_fill(s);
	} else if (op && !s->sl_n && !s->pipe_err) {
		/* a barrier: every record queued before it has retired */
		if (op->kind == RL_ST_OP_SNAP)
			err = rl_st_do_snapshot(s, op);
		else if (op->kind == RL_ST_OP_STAGE)
			err = rl_st_do_stage(s, op);
		else
			err = rl_st_do_meta_ops(s);
		s->sub_last = s->durable_last;
		if (err)
			s->pipe_err = err;
		progress = true;
	}
	if (s->pipe_err && !s->sl_n) {
		rl_st_fail(s, s->pipe_err);
		progress = true;
	}
	return progress;
}

void rl_st_work(struct work_struct *work)
{
	struct rl_storage *s = container_of(work, struct rl_storage, work);

	for (;;) {
		bool report_fail = false, progress;
		u64 ticket, durable;
		int err;

		mutex_lock(&s->lock);
		progress = rl_st_step(s);
		if (s->error && !s->error_reported) {
			report_fail = true;
			s->error_reported = true;
		}
		err = s->error;
		ticket = s->ticket_done;
		durable = rl_st_reported_durable(s);
		rl_st_win_evict(s, 0);
		mutex_unlock(&s->lock);

		if (!progress && !report_fail)
			return;
		wake_up_all(&s->waitq);
		if (report_fail) {
			if (s->cfg.cb.failed)
				s->cfg.cb.failed(s->cfg.cb.ctx, err);
			return;
		}
		/* a record going out changes nothing the callback reports */
		if (s->cfg.cb.durable && (ticket != s->cb_ticket ||
					  durable != s->cb_durable))
			s->cfg.cb.durable(s->cfg.cb.ctx, ticket, durable);
		s->cb_ticket = ticket;
		s->cb_durable = durable;
	}
}

/* lock held: queue @op and give it a ticket */
s64 rl_st_queue(struct rl_storage *s, struct rl_st_op *op)
{
	op->ticket = ++s->ticket_next;
	list_add_tail(&op->node, &s->ops);
	queue_work(s->wq, &s->work);
	return op->ticket;
}
