// SPDX-License-Identifier: GPL-2.0
/*
 * Storage: open (superblock and metadata checks, then the recovery scan
 * of docs/format.md that rebuilds the record index, then a fencing
 * metadata write), close, and format.  See storage_int.h.
 */
#include <linux/blkdev.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uuid.h>
#include <linux/vmalloc.h>

#include "storage_int.h"

/*
 * Read the record at ring block @off into s->rbuf and check it fully.
 * Returns a disk.c code, or a negative errno for an I/O error.
 */
static int rl_st_probe_rec(struct rl_storage *s, u64 off, struct rl_rec *r)
{
	int err = rl_st_io(s, REQ_OP_READ, s->sb.ring_off + off, s->rbuf,
			   RAFTLOG_BLOCK_SIZE, RL_INJECT_READ);

	if (err)
		return err;
	err = rl_rec_decode_hdr(s->rbuf, RAFTLOG_BLOCK_SIZE, s->sb.uuid, r);
	if (err)
		return err;
	if (off + r->blocks > s->sb.ring_blocks || r->blocks > s->rec_max_blocks)
		return RL_DISK_EFIELD;
	if (r->blocks > 1) {
		err = rl_st_io(s, REQ_OP_READ, s->sb.ring_off + off + 1,
			       (u8 *)s->rbuf + RAFTLOG_BLOCK_SIZE,
			       (size_t)(r->blocks - 1) * RAFTLOG_BLOCK_SIZE, RL_INJECT_READ);
		if (err)
			return err;
	}
	return rl_rec_check_body(s->rbuf, (size_t)r->blocks * RAFTLOG_BLOCK_SIZE, r);
}

/* the scan of docs/format.md "Recovery", building rix */
static int rl_st_recover_log(struct rl_storage *s)
{
	u64 off = s->meta.head_off, used = 0, ring = s->sb.ring_blocks;
	struct rl_scan sc;

	rl_scan_init(&sc, &s->meta);
	s->rix_head = 0;
	s->rix_n = 0;
	while (sc.nrec < ring) {
		struct rl_rec r;
		struct rl_entry e;
		struct rl_st_rix rx;
		u64 at = off, skip = 0;
		u32 k;
		int err;

		/* a RAM disk completes reads inline: never sleeps otherwise */
		cond_resched();
		err = rl_st_probe_rec(s, off, &r);
		if (err < 0)
			return err;
		if ((err || r.seq != sc.next_seq) && sc.nrec && off) {
			struct rl_rec r0;
			int e0 = rl_st_probe_rec(s, 0, &r0);

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
		rl_st_rix_cut(s, sc.cut);
		rx.seq = r.seq;
		rx.first = r.first_index;
		rx.last = r.first_index + r.count - 1;
		rl_rec_get_ent(s->rbuf, 0, &e);
		rx.term_first = e.term;
		rl_rec_get_ent(s->rbuf, r.count - 1, &e);
		rx.term_last = e.term;
		rx.conf = false;
		for (k = 0; k < r.count && !rx.conf; k++) {
			rl_rec_get_ent(s->rbuf, k, &e);
			rx.conf = e.type == RAFTLOG_ENTRY_CONF;
		}
		rx.off = at;
		rx.blocks = r.blocks;
		if (s->rix_n == s->rix_cap) {
			err = rl_st_rix_grow(s);
			if (err)
				return err;
		}
		rl_st_rix_push(s, &rx);
		used += skip + r.blocks;
		off = rl_st_ring_norm(s, at + r.blocks);
	}
	s->durable_last = rl_scan_finish(&sc);
	rl_st_rix_cut(s, s->durable_last);
	/* records wholly before first_index (all compacted) are not live */
	while (s->rix_n && rl_st_rix_at(s, 0)->last < s->meta.first_index)
		rl_st_rix_drop_first(s);
	WARN_ON_ONCE(s->rix_n && rl_st_rix_at(s, 0)->off != s->meta.head_off);
	rl_st_recompute_tail(s, &s->meta);
	return 0;
}

/*
 * The hard state is written after the records it commits, so a log that
 * recovers to below the durable commit index lost committed entries (a
 * damaged record inside the log, or a write the disk lost).  Starting
 * with it would let this node vote for, or lead with, a log missing
 * them, and the fence written after recovery would make the cut
 * permanent: refuse, and leave the device as it is for inspection.
 */
static int rl_st_check_commit(struct rl_storage *s)
{
	u64 have = max(s->durable_last, s->meta.snap_index);

	if (s->meta.commit <= have)
		return 0;
	pr_err("raftlog: group %u: the log recovers to index %llu (%llu records from ring block %llu), below the durable commit index %llu: committed entries are damaged or lost (see raftctl inspect); not starting\n",
	       s->cfg.group_id, s->durable_last, s->rix_n, s->meta.head_off,
	       s->meta.commit);
	return -EUCLEAN;
}

static int rl_st_check_snapshot(struct rl_storage *s)
{
	int err;

	if (s->meta.snap_slot == RAFTLOG_SNAP_NONE)
		return 0;
	err = rl_st_snap_verify(s);
	return err == -EBADMSG ? -EUCLEAN : err;
}

static int rl_st_read_meta(struct rl_storage *s)
{
	struct rl_meta m[RAFTLOG_META_SLOTS];
	int err[RAFTLOG_META_SLOTS], pick;
	unsigned int slot;

	for (slot = 0; slot < RAFTLOG_META_SLOTS; slot++) {
		int ioerr = rl_st_io(s, REQ_OP_READ, RAFTLOG_META_BLOCK + slot, s->mbuf,
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

static int rl_st_read_sb(struct rl_storage *s)
{
	int err = rl_st_io(s, REQ_OP_READ, RAFTLOG_SB_BLOCK, s->mbuf,
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
	/* dev_blocks <= RL_DISK_MAX_BLOCKS (checked): no overflow here */
	if (bdev_nr_sectors(s->bdev) < s->sb.dev_blocks * RL_ST_SECT_PER_BLOCK)
		return -ENOSPC;
	return 0;
}

static void rl_st_free(struct rl_storage *s)
{
	struct rl_st_op *op, *tmp;
	u64 i;

	if (s->wq)
		destroy_workqueue(s->wq);
	rl_st_pipe_free(s);
	list_for_each_entry_safe(op, tmp, &s->ops, node)
		rl_st_free_op(op);
	if (s->win) {
		for (i = 0; i < RL_ST_WIN; i++)
			kvfree(s->win[i]);
		kvfree(s->win);
	}
	rl_st_bdev_close(s);
	vfree(s->rix);
	vfree(s->rbuf);
	kfree(s->stg_buf);
	kfree(s->mbuf);
	kfree(s->ents);
	kfree(s);
}

/* a storage with its buffers and worker, not yet attached to a device */
static struct rl_storage *rl_st_alloc(const struct rl_storage_cfg *cfg)
{
	struct rl_storage *s;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return NULL;
	s->cfg = *cfg;
	if (!s->cfg.cache_bytes)
		s->cfg.cache_bytes = RL_STORAGE_WINDOW_DEF;
	if (!s->cfg.index_bytes)
		s->cfg.index_bytes = RL_STORAGE_INDEX_DEF;
	mutex_init(&s->lock);
	mutex_init(&s->read_lock);
	spin_lock_init(&s->cmpl_lock);
	rl_st_hooks_init(s);
	init_waitqueue_head(&s->waitq);
	INIT_LIST_HEAD(&s->ops);
	INIT_WORK(&s->work, rl_st_work);
	s->trunc_floor = U64_MAX;

	s->mbuf = kmalloc(RAFTLOG_BLOCK_SIZE, GFP_KERNEL);	/* page aligned */
	s->ents = kcalloc(RAFTLOG_REC_MAX_ENTRIES, sizeof(*s->ents), GFP_KERNEL);
	s->rbuf = vmalloc(RL_ST_REC_BYTES);
	s->win = kvcalloc(RL_ST_WIN, sizeof(*s->win), GFP_KERNEL);
	if (!s->mbuf || !s->ents || !s->rbuf || !s->win)
		goto fail;
	s->wq = alloc_ordered_workqueue("raftlog_st%u", WQ_MEM_RECLAIM, cfg->group_id);
	if (!s->wq)
		goto fail;
	return s;
fail:
	rl_st_free(s);
	return NULL;
}

/* superblock, metadata, log and snapshot of the open device */
static int rl_st_recover(struct rl_storage *s)
{
	int err;

	if (bdev_logical_block_size(s->bdev) > RAFTLOG_BLOCK_SIZE)
		return -EINVAL;
	err = rl_st_read_sb(s);
	if (err)
		return err;
	s->rec_max_blocks = min_t(u64, RAFTLOG_REC_MAX_BLOCKS, s->sb.ring_blocks / 4);
	/* the index is bounded by configuration, not by the device's size */
	s->rix_max = max_t(u64, s->cfg.index_bytes / sizeof(*s->rix),
			   RL_ST_INDEX_MIN);
	s->rix_max = min(s->rix_max, s->sb.ring_blocks);
	s->rix_cap = s->rix_max;
	s->rix = vmalloc(array_size(s->rix_cap, sizeof(*s->rix)));
	if (!s->rix)
		return -ENOMEM;
	err = rl_st_read_meta(s);
	if (err)
		return err;
	err = rl_st_recover_log(s);
	if (err)
		return err;
	s->sub_last = s->durable_last;
	err = rl_st_pipe_alloc(s);
	if (err)
		return err;
	err = rl_st_check_commit(s);
	if (err)
		return err;
	return rl_st_check_snapshot(s);
}

int rl_storage_open(const char *path, const struct rl_storage_cfg *cfg,
		    struct rl_storage **out)
{
	struct rl_storage *s;
	struct rl_meta m;
	int err;

	s = rl_st_alloc(cfg);
	if (!s)
		return -ENOMEM;
	err = rl_st_bdev_open(s, path);
	if (err)
		goto fail;
	err = rl_st_recover(s);
	if (err)
		goto fail;

	s->acc_first = s->meta.first_index;
	s->acc_last = s->durable_last;
	s->acc_snap_index = s->meta.snap_index;
	s->acc_snap_term = s->meta.snap_term;
	s->acc_hs.term = s->meta.term;
	s->acc_hs.vote = s->meta.vote;
	s->acc_hs.commit = s->meta.commit;
	s->hs_commit = s->meta.commit;
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
	err = rl_st_write_meta(s, &m, 0);
	mutex_unlock(&s->lock);
	if (err)
		goto fail;
	pr_info("raftlog: group %u: storage recovered: log %llu..%llu, %llu records, term %llu\n",
		cfg->group_id, s->acc_first, s->acc_last, s->rix_n, s->meta.term);
	*out = s;
	return 0;
fail:
	rl_st_free(s);
	return err;
}

void rl_storage_close(struct rl_storage *s)
{
	struct rl_hard_state hs;
	bool lone;
	u64 last;

	mutex_lock(&s->lock);
	hs = s->acc_hs;
	lone = !s->error && hs.commit > s->hs_commit;
	mutex_unlock(&s->lock);
	/* a commit that moved alone is written now (rl_storage_set_commit) */
	if (lone)
		rl_storage_set_hard_state(s, &hs);
	mutex_lock(&s->lock);
	last = s->ticket_next;
	mutex_unlock(&s->lock);
	rl_storage_wait(s, last);
	/* a failed or truncated log may leave records in flight: their end */
	rl_st_pipe_drain(s);
	flush_workqueue(s->wq);
	rl_st_free(s);
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

	s = rl_st_open_bare(path);
	if (IS_ERR(s))
		return PTR_ERR(s);
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
		err = rl_st_io(s, REQ_OP_WRITE, zero_blocks[i], s->mbuf,
			       RAFTLOG_BLOCK_SIZE, RL_INJECT_WRITE);
		if (err)
			goto out;
	}
	rl_meta_init(&m);
	rl_meta_encode(&m, s->sb.uuid, s->mbuf);
	err = rl_st_io(s, REQ_OP_WRITE, RAFTLOG_META_BLOCK + rl_meta_slot(m.seq),
		       s->mbuf, RAFTLOG_BLOCK_SIZE, RL_INJECT_META);
	if (err)
		goto out;
	rl_sb_encode(&s->sb, s->mbuf);
	err = rl_st_io(s, REQ_OP_WRITE | REQ_SYNC | REQ_PREFLUSH | REQ_FUA,
		       RAFTLOG_SB_BLOCK, s->mbuf, RAFTLOG_BLOCK_SIZE, RL_INJECT_META);
out:
	rl_st_close_bare(s);
	return err;
}
