// SPDX-License-Identifier: GPL-2.0
/*
 * Storage: snapshots a piece at a time, never held whole in memory.
 *
 * Staging: a snapshot received in chunks is written into the area that
 * is not current as its bytes arrive (rl_storage_stage_begin, _data), in
 * queue order like every operation, its body checksum computed as they
 * go; rl_storage_stage_commit then writes the last partial block and the
 * header (block 0, kept in memory until then), and flips the metadata to
 * it with the flush the format requires (rl_st_do_snapshot).  Until that
 * flip the old snapshot stays current: a crash, or a new staging or a
 * snapshot saved whole meanwhile (which write the same area), leaves it
 * so.  The worker keeps two blocks: block 0 and the partial block.
 *
 * Reading: rl_storage_snap_read reads bytes of the current snapshot's
 * data through a small bounce buffer, and says -EAGAIN when its area was
 * rewritten meanwhile (snap_gen); rl_st_snap_verify checks the current
 * one at open (header, body checksum) the same way.
 */
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "storage_int.h"

#define RL_ST_BLK	RAFTLOG_BLOCK_SIZE
#define RL_ST_HDR	RAFTLOG_DISK_SNAP_SIZE
/* bytes read from an area at once */
#define RL_ST_SNAP_BOUNCE	(64U << 10)

/* An op carrying @len bytes at @fill of a block-aligned buffer. */
static struct rl_st_op *rl_st_stage_op(u32 fill, u64 len)
{
	struct rl_st_op *op;

	op = kzalloc(sizeof(*op), GFP_KERNEL | __GFP_NOWARN);
	if (!op)
		return NULL;
	op->snap_buf = kvmalloc(max_t(u64, round_up(fill + len, RL_ST_BLK),
				      RL_ST_BLK), GFP_KERNEL | __GFP_NOWARN);
	if (!op->snap_buf) {
		kfree(op);
		return NULL;
	}
	op->kind = RL_ST_OP_STAGE;
	op->fill = fill;
	op->data_len = len;
	return op;
}

static void rl_st_op_drop(struct rl_st_op *op)
{
	kvfree(op->snap_buf);
	kfree(op->stg_buf);
	kfree(op);
}

s64 rl_storage_stage_begin(struct rl_storage *s, u64 index, u64 term,
			   const void *conf, u32 conf_len)
{
	struct rl_st_op *op;
	s64 ret;

	if (!index || !term || (conf_len && !conf) ||
	    conf_len > RL_ST_BLK - RL_ST_HDR ||
	    conf_len > rl_snap_capacity(&s->sb))
		return -EINVAL;
	op = rl_st_stage_op(0, RL_ST_HDR + conf_len);
	if (!op)
		return -ENOMEM;
	/* block 0 and the partial block, for the worker */
	op->stg_buf = kzalloc(2 * RL_ST_BLK, GFP_KERNEL | __GFP_NOWARN);
	if (!op->stg_buf) {
		rl_st_op_drop(op);
		return -ENOMEM;
	}
	memset(op->snap_buf, 0, RL_ST_HDR);
	if (conf_len)
		memcpy((u8 *)op->snap_buf + RL_ST_HDR, conf, conf_len);
	op->index = index;
	op->term = term;
	op->conf_len = conf_len;

	mutex_lock(&s->lock);
	ret = s->error;
	if (!ret && index <= s->acc_snap_index)
		ret = -EINVAL;
	if (!ret) {
		s->acc_stg_index = index;
		s->acc_stg_term = term;
		s->acc_stg_pos = RL_ST_HDR + conf_len;
		s->acc_stg_conf_len = conf_len;
		ret = rl_st_queue(s, op);
	}
	mutex_unlock(&s->lock);
	if (ret < 0)
		rl_st_op_drop(op);
	return ret;
}

/* Lock held: whether the staging at @index has had @off bytes of data. */
static bool rl_st_stage_at(struct rl_storage *s, u64 index, u64 off)
{
	return s->acc_stg_index && s->acc_stg_index == index &&
	       s->acc_stg_pos == RL_ST_HDR + s->acc_stg_conf_len + off;
}

s64 rl_storage_stage_data(struct rl_storage *s, u64 index, u64 off,
			  const void *data, u32 len)
{
	struct rl_st_op *op;
	u64 pos;
	s64 ret;

	if (len && !data)
		return -EINVAL;
	mutex_lock(&s->lock);
	ret = s->error;
	if (!ret && !rl_st_stage_at(s, index, off))
		ret = -ESTALE;
	if (!ret && len > rl_snap_capacity(&s->sb) + RL_ST_HDR - s->acc_stg_pos)
		ret = -EFBIG;
	pos = s->acc_stg_pos;
	if (!ret && !len)
		ret = s->ticket_next;
	mutex_unlock(&s->lock);
	if (ret || !len)
		return ret;

	op = rl_st_stage_op(pos % RL_ST_BLK, len);
	if (!op)
		return -ENOMEM;
	memcpy((u8 *)op->snap_buf + op->fill, data, len);
	op->index = index;

	mutex_lock(&s->lock);
	ret = s->error;
	if (!ret && (!rl_st_stage_at(s, index, off) || s->acc_stg_pos != pos))
		ret = -ESTALE;
	if (!ret) {
		s->acc_stg_pos += len;
		ret = rl_st_queue(s, op);
	}
	mutex_unlock(&s->lock);
	if (ret < 0)
		rl_st_op_drop(op);
	return ret;
}

s64 rl_storage_stage_commit(struct rl_storage *s, u64 index, u64 data_len)
{
	struct rl_st_op *op;
	s64 ret;

	op = kzalloc(sizeof(*op), GFP_KERNEL | __GFP_NOWARN);
	if (!op)
		return -ENOMEM;
	op->kind = RL_ST_OP_SNAP;
	op->staged = true;
	op->index = index;
	op->data_len = data_len;

	mutex_lock(&s->lock);
	ret = s->error;
	if (!ret && !rl_st_stage_at(s, index, data_len))
		ret = -ESTALE;
	if (!ret) {
		op->term = s->acc_stg_term;
		op->conf_len = s->acc_stg_conf_len;
		ret = rl_st_queue_snap(s, op);
		if (ret >= 0)
			s->acc_stg_index = 0;
	}
	mutex_unlock(&s->lock);
	if (ret < 0)
		kfree(op);
	return ret;
}

/*
 * Worker, lock held (dropped for the write): write the bytes of a staging
 * op, the partial block before them, as whole blocks; keep block 0 (its
 * header is written last) and what is left of a block.
 */
int rl_st_do_stage(struct rl_storage *s, struct rl_st_op *op)
{
	u8 *buf = op->snap_buf, *part;
	u64 total, whole, blk;
	u32 skip = 0;
	int err = 0;

	if (op->stg_buf) {
		/* a new staging, in the area that is not current */
		kfree(s->stg_buf);
		s->stg_buf = op->stg_buf;
		op->stg_buf = NULL;
		s->stg_slot = s->meta.snap_slot == 0 ? 1 : 0;
		s->stg_pos = 0;
		s->stg_crc = 0;
		s->snap_gen[s->stg_slot]++;
		skip = RL_ST_HDR;
	}
	/* queued in order after its begin, and nothing ends it in between */
	if (WARN_ON_ONCE(!s->stg_buf || s->stg_pos % RL_ST_BLK != op->fill))
		return -EIO;
	part = (u8 *)s->stg_buf + RL_ST_BLK;
	memcpy(buf, part, op->fill);
	total = op->fill + op->data_len;
	whole = total / RL_ST_BLK;
	blk = s->stg_pos / RL_ST_BLK;
	s->stg_crc = rl_crc32c(s->stg_crc, buf + op->fill + skip,
			       op->data_len - skip);
	if (whole) {
		unsigned int slot = s->stg_slot;

		mutex_unlock(&s->lock);
		err = rl_st_io(s, REQ_OP_WRITE, s->sb.snap_off[slot] + blk,
			       buf, whole * RL_ST_BLK, RL_INJECT_WRITE);
		mutex_lock(&s->lock);
		if (err)
			return err;
		if (blk == 0)
			memcpy(s->stg_buf, buf, RL_ST_BLK);
	}
	memcpy(part, buf + whole * RL_ST_BLK, total % RL_ST_BLK);
	s->stg_pos += op->data_len;
	s->ticket_done = op->ticket;
	rl_st_free_op(op);
	return 0;
}

/*
 * Worker, lock held (dropped for the writes): the staged snapshot's last
 * partial block, then block 0 with its header; the caller flips the
 * metadata to *slot with a flush before it.
 */
int rl_st_stage_finish(struct rl_storage *s, struct rl_st_op *op,
		       unsigned int *slot)
{
	struct rl_snap sn = {
		.index = op->index,
		.term = op->term,
		.data_len = op->data_len,
		.conf_len = op->conf_len,
		.body_crc = s->stg_crc,
	};
	u64 pblk = s->stg_pos / RL_ST_BLK;
	u32 fill = s->stg_pos % RL_ST_BLK;
	u8 *blk0, *part;
	int err = 0;

	if (WARN_ON_ONCE(!s->stg_buf || s->stg_pos != RL_ST_HDR +
			 op->conf_len + op->data_len))
		return -EIO;
	blk0 = s->stg_buf;
	part = blk0 + RL_ST_BLK;
	*slot = s->stg_slot;
	if (fill)
		memset(part + fill, 0, RL_ST_BLK - fill);
	if (pblk == 0)
		blk0 = part;
	rl_snap_encode_hdr(&sn, s->sb.uuid, blk0);
	mutex_unlock(&s->lock);
	if (fill && pblk)
		err = rl_st_io(s, REQ_OP_WRITE, s->sb.snap_off[*slot] + pblk,
			       part, RL_ST_BLK, RL_INJECT_WRITE);
	if (!err)
		err = rl_st_io(s, REQ_OP_WRITE, s->sb.snap_off[*slot], blk0,
			       RL_ST_BLK, RL_INJECT_WRITE);
	mutex_lock(&s->lock);
	if (!err) {
		kfree(s->stg_buf);
		s->stg_buf = NULL;
	}
	return err;
}

/*
 * Read @len bytes at byte @pos of area @slot into @dst through @bounce;
 * with @crc, also fold them into *@crc.
 */
static int rl_st_area_read(struct rl_storage *s, unsigned int slot, u64 pos,
			   u8 *dst, u64 len, u8 *bounce, u32 *crc)
{
	int err;

	while (len) {
		u32 skip = pos % RL_ST_BLK;
		u64 n = min_t(u64, len, RL_ST_SNAP_BOUNCE - skip);

		err = rl_st_io(s, REQ_OP_READ,
			       s->sb.snap_off[slot] + pos / RL_ST_BLK, bounce,
			       round_up(skip + n, RL_ST_BLK), RL_INJECT_READ);
		if (err)
			return err;
		if (dst) {
			memcpy(dst, bounce + skip, n);
			dst += n;
		}
		if (crc)
			*crc = rl_crc32c(*crc, bounce + skip, n);
		pos += n;
		len -= n;
		cond_resched();
	}
	return 0;
}

int rl_storage_snap_read(struct rl_storage *s, u64 index, u64 off, void *buf,
			 u64 len)
{
	unsigned int slot;
	u8 *bounce;
	u64 pos, gen;
	int err;

	mutex_lock(&s->lock);
	err = s->error;
	slot = s->meta.snap_slot;
	if (!err && (slot == RAFTLOG_SNAP_NONE || s->meta.snap_index != index))
		err = -ESTALE;
	else if (!err && (off > s->cur_data_len ||
			  len > s->cur_data_len - off))
		err = -EINVAL;
	pos = RL_ST_HDR + s->cur_conf_len + off;
	gen = err ? 0 : s->snap_gen[slot];
	mutex_unlock(&s->lock);
	if (err || !len)
		return err;
	bounce = kvmalloc(RL_ST_SNAP_BOUNCE, GFP_KERNEL | __GFP_NOWARN);
	if (!bounce)
		return -ENOMEM;
	err = rl_st_area_read(s, slot, pos, buf, len, bounce, NULL);
	kvfree(bounce);
	mutex_lock(&s->lock);
	/* its area was rewritten while we read: what we have is not it */
	if (!err && s->snap_gen[slot] != gen)
		err = -EAGAIN;
	mutex_unlock(&s->lock);
	return err;
}

int rl_storage_snap_conf(struct rl_storage *s, void *conf, u32 cap)
{
	unsigned int slot;
	u8 *bounce;
	u32 len;
	int err;

	mutex_lock(&s->lock);
	err = s->error;
	slot = s->meta.snap_slot;
	len = s->cur_conf_len;
	mutex_unlock(&s->lock);
	if (err)
		return err;
	if (slot == RAFTLOG_SNAP_NONE)
		return -ENOENT;
	if (len > cap)
		return -EFBIG;
	bounce = kvmalloc(RL_ST_SNAP_BOUNCE, GFP_KERNEL | __GFP_NOWARN);
	if (!bounce)
		return -ENOMEM;
	err = rl_st_area_read(s, slot, RL_ST_HDR, conf, len, bounce, NULL);
	kvfree(bounce);
	return err ? err : len;
}

void rl_storage_snap_cur(struct rl_storage *s, u64 *index, u64 *term,
			 u64 *data_len)
{
	mutex_lock(&s->lock);
	*index = s->meta.snap_slot == RAFTLOG_SNAP_NONE ? 0 :
		 s->meta.snap_index;
	*term = *index ? s->meta.snap_term : 0;
	*data_len = *index ? s->cur_data_len : 0;
	mutex_unlock(&s->lock);
}

/*
 * Open: check the current snapshot (header, index and term against the
 * metadata, body checksum) reading it a piece at a time, and learn its
 * lengths.  0, -EBADMSG, -ENOMEM or the I/O's error.
 */
int rl_st_snap_verify(struct rl_storage *s)
{
	unsigned int slot = s->meta.snap_slot;
	struct rl_snap sn;
	u32 crc = 0;
	u8 *bounce;
	int err;

	bounce = kvmalloc(RL_ST_SNAP_BOUNCE, GFP_KERNEL | __GFP_NOWARN);
	if (!bounce)
		return -ENOMEM;
	err = rl_st_io(s, REQ_OP_READ, s->sb.snap_off[slot], bounce,
		       RL_ST_BLK, RL_INJECT_READ);
	if (err)
		goto out;
	err = rl_snap_decode_hdr(bounce, RL_ST_BLK, &s->sb, &sn);
	if (!err && (sn.index != s->meta.snap_index ||
		     sn.term != s->meta.snap_term))
		err = RL_DISK_EFIELD;
	if (!err) {
		err = rl_st_area_read(s, slot, RL_ST_HDR, NULL,
				      sn.conf_len + sn.data_len, bounce, &crc);
		if (err < 0)
			goto out;
		if (crc != sn.body_crc)
			err = RL_DISK_EBODY;
	}
	if (err) {
		pr_err("raftlog: group %u: snapshot area %u: %s\n",
		       s->cfg.group_id, slot, rl_disk_strerror(err));
		err = -EBADMSG;
		goto out;
	}
	s->cur_conf_len = sn.conf_len;
	s->cur_data_len = sn.data_len;
out:
	kvfree(bounce);
	return err;
}
