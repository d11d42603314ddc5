// SPDX-License-Identifier: GPL-2.0
/*
 * Storage of one Raft group: the operations callers queue (append, hard
 * state, truncate, compact, snapshot), each checked against and applied
 * at once to the accepted state, then carried out by the worker
 * (storage_worker.c); waiting for them, and the state callers see.  See
 * storage.h for the interface and storage_int.h for how the files share
 * the work.
 */
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "storage_int.h"

static u64 rl_st_est_blocks(struct rl_storage *s, u32 n, u64 bytes)
{
	u64 rec_bytes = s->rec_max_blocks * RAFTLOG_BLOCK_SIZE;

	/*
	 * one record per RAFTLOG_REC_MAX_ENTRIES or per full record, each
	 * wasting less than a block, and one more for a term change
	 */
	return DIV_ROUND_UP(rl_rec_data_off(n) + bytes, RAFTLOG_BLOCK_SIZE) +
		n / RAFTLOG_REC_MAX_ENTRIES + div64_u64(bytes, rec_bytes) + 2;
}

u32 rl_storage_max_entry(struct rl_storage *s)
{
	return s->rec_max_blocks * RAFTLOG_BLOCK_SIZE - rl_rec_data_off(1);
}

/* @n entries fit a record each, follow on and are well formed */
static int rl_st_check_ents(struct rl_storage *s, const struct rl_entry *ents,
			    unsigned int n, u64 *bytes)
{
	u64 max_len = rl_storage_max_entry(s);
	unsigned int i;

	*bytes = 0;
	if (!n || n > RL_ST_WIN / 2)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (ents[i].len > max_len)
			return -EMSGSIZE;
		if (ents[i].type > RAFTLOG_ENTRY_TYPE_MAX || !ents[i].term ||
		    (ents[i].len && !ents[i].data) ||
		    (i && (ents[i].index != ents[i - 1].index + 1 ||
			   ents[i].term < ents[i - 1].term)))
			return -EINVAL;
		*bytes += ents[i].len;
	}
	return 0;
}

static void rl_st_free_cents(struct rl_st_cent **c, unsigned int n)
{
	unsigned int i;

	for (i = 0; c && i < n; i++)
		kvfree(c[i]);
	kfree(c);
}

/* copies of @n entries for the window, or NULL */
static struct rl_st_cent **rl_st_copy_ents(const struct rl_entry *ents,
					   unsigned int n)
{
	struct rl_st_cent **c = kcalloc(n, sizeof(*c),
					GFP_KERNEL | __GFP_NOWARN);
	unsigned int i;

	if (!c)
		return NULL;
	for (i = 0; i < n; i++) {
		/* an entry may be 1 MiB: no high-order page is needed */
		c[i] = kvmalloc(struct_size(c[i], data, ents[i].len),
				GFP_KERNEL | __GFP_NOWARN);
		if (!c[i]) {
			rl_st_free_cents(c, n);
			return NULL;
		}
		c[i]->term = ents[i].term;
		c[i]->len = ents[i].len;
		c[i]->type = ents[i].type;
		if (ents[i].len)
			memcpy(c[i]->data, ents[i].data, ents[i].len);
	}
	return c;
}

/*
 * Lock held: accept the @n entries @c (copies of @ents) into the window
 * and queue @op for them: its ticket, or -errno (nothing taken).
 */
static s64 rl_st_accept(struct rl_storage *s, const struct rl_entry *ents,
			struct rl_st_cent **c, unsigned int n, struct rl_st_op *op)
{
	struct rl_st_cent *prev = rl_st_win_get(s, s->acc_last);
	unsigned int i;

	if (s->error)
		return s->error;
	if (ents[0].index != s->acc_last + 1 || (prev && prev->term > ents[0].term))
		return -EINVAL;
	if (s->used + s->pend_blocks + op->est_blocks + s->rec_max_blocks >
	    s->sb.ring_blocks) {
		pr_warn_ratelimited("raftlog: group %u: log ring full (%llu of %llu blocks used, %llu pending, %u entries need %llu): compact the log\n",
				    s->cfg.group_id, s->used, s->sb.ring_blocks,
				    s->pend_blocks, n, op->est_blocks);
		return -ENOSPC;
	}
	if (s->rix_n + s->pend_records + n > s->rix_max) {
		pr_warn_ratelimited("raftlog: group %u: record index full (%llu of %llu records, %llu pending, %u entries): compact the log\n",
				    s->cfg.group_id, s->rix_n, s->rix_max,
				    s->pend_records, n);
		return -ENOSPC;
	}
	rl_st_win_evict(s, n);
	if (s->acc_last + n - s->win_first + 1 > RL_ST_WIN)
		return -ENOBUFS;
	if (s->win_first > s->acc_last)
		s->win_first = s->acc_last + 1;
	for (i = 0; i < n; i++) {
		s->win[(s->acc_last + 1 + i) & (RL_ST_WIN - 1)] = c[i];
		s->win_bytes += c[i]->len;
	}
	s->acc_last += n;
	s->pend_blocks += op->est_blocks;
	s->pend_records += n;
	op->est_records = n;
	op->index = s->acc_last;
	return rl_st_queue(s, op);
}

s64 rl_storage_append(struct rl_storage *s, const struct rl_entry *ents,
		      unsigned int n)
{
	struct rl_st_cent **c;
	struct rl_st_op *op;
	u64 bytes;
	s64 ret;

	ret = rl_st_check_ents(s, ents, n, &bytes);
	if (ret)
		return ret;
	c = rl_st_copy_ents(ents, n);
	op = kzalloc(sizeof(*op), GFP_KERNEL | __GFP_NOWARN);
	if (!c || !op) {
		rl_st_free_cents(c, n);
		kfree(op);
		return -ENOMEM;
	}
	op->kind = RL_ST_OP_APPEND;
	op->est_blocks = rl_st_est_blocks(s, n, bytes);

	mutex_lock(&s->lock);
	ret = rl_st_accept(s, ents, c, n, op);
	mutex_unlock(&s->lock);
	if (ret < 0) {
		rl_st_free_cents(c, n);
		kfree(op);
	} else {
		kfree(c);	/* the window owns the entries now */
	}
	return ret;
}

/* lock held: allocate an op or fail */
static struct rl_st_op *rl_st_new_op(struct rl_storage *s, enum rl_st_op_kind kind, s64 *err)
{
	struct rl_st_op *op;

	if (s->error) {
		*err = s->error;
		return NULL;
	}
	op = kzalloc(sizeof(*op), GFP_KERNEL | __GFP_NOWARN);
	if (!op) {
		*err = -ENOMEM;
		return NULL;
	}
	op->kind = kind;
	return op;
}

s64 rl_storage_set_hard_state(struct rl_storage *s, const struct rl_hard_state *hs)
{
	struct rl_st_op *op;
	s64 ret;

	mutex_lock(&s->lock);
	op = rl_st_new_op(s, RL_ST_OP_HS, &ret);
	if (op) {
		op->hs = *hs;
		s->acc_hs = *hs;
		s->hs_commit = hs->commit;
		s->commit_at = jiffies + msecs_to_jiffies(RL_ST_COMMIT_MS);
		ret = rl_st_queue(s, op);
	}
	mutex_unlock(&s->lock);
	return ret;
}

/*
 * Raft needs no durable commit index, and a metadata write is a barrier
 * that empties the record pipeline: a commit that moved alone waits for
 * the next hard state, or RL_ST_COMMIT_MS, or the close.  What is on the
 * device only lags: it is never above the durable log (the hard state is
 * queued after the appends it covers), so recovery's check against it
 * stays sound, and a crash forgets at most that much of it.
 */
s64 rl_storage_set_commit(struct rl_storage *s, u64 commit)
{
	struct rl_hard_state hs;
	s64 ret;

	mutex_lock(&s->lock);
	ret = s->error ? s->error : s->ticket_next;
	if (!s->error && commit > s->acc_hs.commit) {
		s->acc_hs.commit = commit;
		if (time_after_eq(jiffies, s->commit_at)) {
			hs = s->acc_hs;
			mutex_unlock(&s->lock);
			return rl_storage_set_hard_state(s, &hs);
		}
	}
	mutex_unlock(&s->lock);
	return ret;
}

/*
 * lock held: queued appends stop at @last (the worker never writes what
 * was dropped; a record already in flight is fenced by the epoch later)
 */
static void rl_st_clip_appends(struct rl_storage *s, u64 last)
{
	struct rl_st_op *op;
	u64 i;

	list_for_each_entry(op, &s->ops, node)
		if (op->kind == RL_ST_OP_APPEND && op->index > last)
			op->index = last;
	if (last >= s->acc_last)
		return;
	for (i = max(last + 1, s->win_first); i <= s->acc_last; i++)
		rl_st_win_free(s, i);
	if (s->win_first > last + 1)
		s->win_first = last + 1;
	s->acc_last = last;
}

s64 rl_storage_truncate(struct rl_storage *s, u64 last)
{
	struct rl_st_op *op;
	s64 ret;

	mutex_lock(&s->lock);
	op = rl_st_new_op(s, RL_ST_OP_TRUNC, &ret);
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
	rl_st_clip_appends(s, last);
	op->index = last;
	s->trunc_floor = min(s->trunc_floor, last);
	ret = rl_st_queue(s, op);
out:
	mutex_unlock(&s->lock);
	return ret;
}

s64 rl_storage_compact(struct rl_storage *s, u64 index)
{
	struct rl_st_op *op;
	s64 ret;

	mutex_lock(&s->lock);
	op = rl_st_new_op(s, RL_ST_OP_COMPACT, &ret);
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
	ret = rl_st_queue(s, op);
out:
	mutex_unlock(&s->lock);
	return ret;
}

s64 rl_storage_save_snapshot(struct rl_storage *s, u64 index, u64 term,
			     const void *conf, u32 conf_len,
			     const void *data, u64 data_len)
{
	struct rl_st_op *op;
	size_t size;
	s64 ret;

	if (!index || !term || (conf_len && !conf) || (data_len && !data))
		return -EINVAL;
	if (data_len > rl_snap_capacity(&s->sb) ||
	    conf_len > rl_snap_capacity(&s->sb) - data_len)
		return -EFBIG;
	op = kzalloc(sizeof(*op), GFP_KERNEL | __GFP_NOWARN);
	if (!op)
		return -ENOMEM;
	size = round_up(RAFTLOG_DISK_SNAP_SIZE + conf_len + data_len, RAFTLOG_BLOCK_SIZE);
	op->snap_buf = kvzalloc(size, GFP_KERNEL);
	if (!op->snap_buf) {
		kfree(op);
		return -ENOMEM;
	}
	if (conf_len)
		memcpy((u8 *)op->snap_buf + RAFTLOG_DISK_SNAP_SIZE, conf, conf_len);
	if (data_len)
		memcpy((u8 *)op->snap_buf + RAFTLOG_DISK_SNAP_SIZE + conf_len, data, data_len);
	op->kind = RL_ST_OP_SNAP;
	op->index = index;
	op->term = term;
	op->conf_len = conf_len;
	op->data_len = data_len;

	mutex_lock(&s->lock);
	/* it goes to the area a staged snapshot is written to: that one ends */
	ret = rl_st_queue_snap(s, op);
	if (ret >= 0)
		s->acc_stg_index = 0;
	mutex_unlock(&s->lock);
	if (ret < 0) {
		kvfree(op->snap_buf);
		kfree(op);
	}
	return ret;
}

/*
 * Lock held: queue @op, a snapshot at op->index (op->term) that becomes
 * current (saved whole or staged), or refuse it (the caller frees it).
 */
s64 rl_st_queue_snap(struct rl_storage *s, struct rl_st_op *op)
{
	u64 index = op->index;

	if (s->error)
		return s->error;
	if (index <= s->acc_snap_index || index + 1 < s->acc_first)
		return -EINVAL;
	if (index >= s->acc_last) {
		/* ahead of the log: the log restarts after it */
		op->reset = true;
		rl_st_clip_appends(s, s->sub_last);
		rl_st_win_clear(s);
		s->acc_first = index + 1;
		s->acc_last = index;
		s->win_first = index + 1;
	}
	s->acc_snap_index = index;
	s->acc_snap_term = op->term;
	return rl_st_queue(s, op);
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

/* The blocks the log may fill: all but the reserve rl_storage_room keeps. */
static u64 rl_st_usable(struct rl_storage *s)
{
	u64 ring = s->sb.ring_blocks, reserve = s->rec_max_blocks + ring / 8;

	return reserve < ring ? ring - reserve : 0;
}

void rl_storage_get_info(struct rl_storage *s, struct rl_storage_info *info)
{
	mutex_lock(&s->lock);
	info->first_index = s->acc_first;
	info->last_index = s->acc_last;
	info->durable_index = rl_st_reported_durable(s);
	info->snap_index = s->acc_snap_index;
	info->snap_term = s->acc_snap_term;
	info->hs = s->acc_hs;
	info->ring_blocks = s->sb.ring_blocks;
	info->used_blocks = s->used;
	info->usable_blocks = rl_st_usable(s);
	info->records = s->rix_n;
	info->max_records = s->rix_max;
	info->ring_laps = s->laps;
	info->ticket_done = s->ticket_done;
	info->max_inflight = s->max_inflight;
	info->bad_reads = READ_ONCE(s->bad_reads);
	info->win_bytes = s->win_bytes;
	info->win_limit = s->cfg.cache_bytes;
	rl_st_pipe_mem(s, &info->pipe_bytes, &info->pipe_limit);
	info->index_bytes = s->rix_cap * sizeof(*s->rix);
	info->index_limit = s->rix_max * sizeof(*s->rix);
	info->error = s->error;
	mutex_unlock(&s->lock);
}

u64 rl_storage_bad_reads(struct rl_storage *s)
{
	return READ_ONCE(s->bad_reads);
}

u64 rl_storage_snap_capacity(struct rl_storage *s)
{
	return rl_snap_capacity(&s->sb);
}

/*
 * Bytes of entries the ring can still take while keeping an eighth of it
 * (and one full record) in reserve, and none once the record index is
 * that full: a leader stops accepting proposals
 * there, so that followers, whose records pack entries differently, and
 * configuration changes still find room.  Compaction makes room again.
 */
u64 rl_storage_room(struct rl_storage *s)
{
	u64 usable = rl_st_usable(s), taken, records;

	mutex_lock(&s->lock);
	taken = s->used + s->pend_blocks;
	records = s->rix_n + s->pend_records;
	/* the record index keeps the same reserve */
	if (records + s->rix_max / 8 >= s->rix_max)
		taken = usable;
	mutex_unlock(&s->lock);
	return taken < usable ? (usable - taken) * RAFTLOG_BLOCK_SIZE : 0;
}
