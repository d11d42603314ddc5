// SPDX-License-Identifier: GPL-2.0
/*
 * Storage: reads.  Entries and terms come from the window when it still
 * holds them, else from their record on the ring (read and verified under
 * read_lock, without the main lock); the snapshot from its area.  See
 * storage_int.h.
 */
#include <linux/blkdev.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "storage_int.h"

/*
 * Read and verify the record described by @rx into s->rbuf (read_lock
 * held).  -ENOENT when the ring no longer holds it (compacted and reused
 * meanwhile), -EBADMSG when it fails a check.
 */
static int rl_st_read_rec(struct rl_storage *s, const struct rl_st_rix *rx, struct rl_rec *r)
{
	int err = rl_st_io(s, REQ_OP_READ, s->sb.ring_off + rx->off, s->rbuf,
			   (size_t)rx->blocks * RAFTLOG_BLOCK_SIZE, RL_INJECT_READ);

	if (err)
		return err;
	err = rl_rec_decode_hdr(s->rbuf, RL_ST_REC_BYTES, s->sb.uuid, r);
	if (!err && (r->seq != rx->seq || r->first_index != rx->first ||
		     r->first_index + r->count - 1 < rx->last))
		return -ENOENT;	/* overwritten since it was looked up */
	if (!err && r->blocks != rx->blocks)
		err = RL_DISK_EFIELD;
	if (!err)
		err = rl_rec_check_body(s->rbuf, (size_t)r->blocks * RAFTLOG_BLOCK_SIZE, r);
	if (err) {
		/* never handed on: the reader or follower gets an error */
		WRITE_ONCE(s->bad_reads, s->bad_reads + 1);
		pr_err_ratelimited("raftlog: group %u: record seq %llu at ring block %llu: %s\n",
				   s->cfg.group_id, rx->seq, rx->off,
				   rl_disk_strerror(err));
		return -EBADMSG;
	}
	return 0;
}

/*
 * Entries from @index on, at most @max, as far as one record (or the
 * in-memory window) holds them in a row: each is handed to @fn, its data
 * valid during the call only.  One device read serves a whole record
 * (rl_storage_entry() is this for one entry, copied out).  @fn runs
 * with a storage lock held: it may allocate, not call the storage.
 * Returns how many entries @fn took, or -errno (-ENOENT: @index is not in
 * the log; whatever @fn returned when it refused one).
 */
int rl_storage_entries(struct rl_storage *s, u64 index, u32 max,
		       int (*fn)(void *ctx, const struct rl_entry *e),
		       void *ctx)
{
	struct rl_entry e = {};
	struct rl_st_cent *c;
	struct rl_st_rix rx, *rp;
	struct rl_rec r;
	struct rl_entry ent;
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
	if (rl_st_win_get(s, index)) {
		for (; n < max && (c = rl_st_win_get(s, index + n)); n++) {
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
	rp = rl_st_rix_find(s, index);
	if (!rp)
		goto unlock;
	rx = *rp;
	mutex_unlock(&s->lock);

	mutex_lock(&s->read_lock);
	err = rl_st_read_rec(s, &rx, &r);
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

/* rl_storage_entry(): where the one entry goes. */
struct rl_st_copy {
	struct rl_entry *e;
	void *buf;
	u32 buflen;
};

static int rl_st_copy_one(void *ctx, const struct rl_entry *se)
{
	struct rl_st_copy *cp = ctx;

	*cp->e = *se;
	cp->e->data = cp->buf;
	if (cp->buflen)
		memcpy(cp->buf, se->data, min(se->len, cp->buflen));
	return se->len > cp->buflen ? -ENOBUFS : 0;
}

int rl_storage_entry(struct rl_storage *s, u64 index, struct rl_entry *e,
		     void *buf, u32 buflen)
{
	struct rl_st_copy cp = { .e = e, .buf = buf, .buflen = buflen };
	int n = rl_storage_entries(s, index, 1, rl_st_copy_one, &cp);

	if (n < 0)
		return n;
	return n ? 0 : -ENOENT;
}

struct rl_st_walk {
	int (*fn)(void *ctx, const struct rl_entry *e, u64 n);
	void *ctx;
};

static int rl_st_walk_one(void *ctx, const struct rl_entry *e)
{
	struct rl_st_walk *w = ctx;

	return w->fn(w->ctx, e, 1);
}

int rl_storage_walk(struct rl_storage *s, u64 from, u64 to,
		    int (*fn)(void *ctx, const struct rl_entry *e, u64 n),
		    void *ctx)
{
	struct rl_st_walk w = { .fn = fn, .ctx = ctx };
	struct rl_entry run = { .type = RAFTLOG_ENTRY_NORMAL };
	struct rl_st_rix *rp, rx = {};
	bool known;
	int got;

	while (from <= to) {
		/* a record at a time: thousands of them at a restart */
		cond_resched();
		mutex_lock(&s->lock);
		got = s->error;
		rp = got || rl_st_win_get(s, from) ? NULL :
		     rl_st_rix_find(s, from);
		if (rp)
			rx = *rp;
		mutex_unlock(&s->lock);
		if (got)
			return got;
		known = rp && !rx.conf && rx.term_first == rx.term_last;
		if (known) {
			run.index = from;
			run.term = rx.term_first;
			got = fn(ctx, &run, min(rx.last, to) - from + 1);
			if (got)
				return got;
			from = min(rx.last, to) + 1;
			continue;
		}
		got = rl_storage_entries(s, from, min_t(u64, to - from + 1,
							U32_MAX),
					 rl_st_walk_one, &w);
		if (got <= 0)
			return got ? got : -EIO;
		from += got;
	}
	return 0;
}

s64 rl_storage_term(struct rl_storage *s, u64 index)
{
	struct rl_st_cent *c;
	struct rl_st_rix *rp;
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
	c = rl_st_win_get(s, index);
	if (c) {
		ret = c->term;
		goto unlock;
	}
	rp = rl_st_rix_find(s, index);
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

/*
 * *bufp holds the first block of a snapshot of size bytes (whole blocks):
 * make it hold all of them.  0, a negative errno (the I/O's or -ENOMEM),
 * or RL_DISK_EFIELD for a snapshot larger than any the core takes (its
 * header is checked, but a size beyond the bound would ask kvmalloc for
 * more than it may give).
 */
static int rl_st_load_body(struct rl_storage *s, unsigned int slot,
			   size_t size, u8 **bufp)
{
	u8 *body;

	if (size <= RAFTLOG_BLOCK_SIZE)
		return 0;
	if (size > RAFTLOG_DISK_SNAP_SIZE + RAFTLOG_SNAP_BODY_MAX)
		return RL_DISK_EFIELD;
	body = kvmalloc(size, GFP_KERNEL | __GFP_NOWARN);
	if (!body)
		return -ENOMEM;
	memcpy(body, *bufp, RAFTLOG_BLOCK_SIZE);
	kfree(*bufp);
	*bufp = body;
	return rl_st_io(s, REQ_OP_READ, s->sb.snap_off[slot] + 1,
			body + RAFTLOG_BLOCK_SIZE, size - RAFTLOG_BLOCK_SIZE,
			RL_INJECT_READ);
}

int rl_storage_load_snapshot(struct rl_storage *s, u64 *index, u64 *term,
			     void **conf, u32 *conf_len,
			     void **data, u64 *data_len)
{
	struct rl_meta m;
	struct rl_snap sn;
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
	/*
	 * The header first, then as many blocks as the snapshot takes, not
	 * the whole area (gigabytes on a large device formatted with a large
	 * area, as every device was before the default was capped).
	 */
	buf = kmalloc(RAFTLOG_BLOCK_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	err = rl_st_io(s, REQ_OP_READ, s->sb.snap_off[m.snap_slot], buf,
		       RAFTLOG_BLOCK_SIZE, RL_INJECT_READ);
	if (err)
		goto out;
	err = rl_snap_decode_hdr(buf, RAFTLOG_BLOCK_SIZE, &s->sb, &sn);
	if (!err && (sn.index != m.snap_index || sn.term != m.snap_term))
		err = RL_DISK_EFIELD;
	if (!err) {
		size = round_up(RAFTLOG_DISK_SNAP_SIZE + sn.conf_len + sn.data_len,
				RAFTLOG_BLOCK_SIZE);
		err = rl_st_load_body(s, m.snap_slot, size, &buf);
		if (err < 0)
			goto out;
		if (!err && rl_crc32c(0, buf + RAFTLOG_DISK_SNAP_SIZE,
				      sn.conf_len + sn.data_len) != sn.body_crc)
			err = RL_DISK_EBODY;
	}
	if (err) {
		pr_err("raftlog: group %u: snapshot area %u: %s\n",
		       s->cfg.group_id, m.snap_slot, rl_disk_strerror(err));
		err = -EBADMSG;
		goto out;
	}
	*conf = kvmalloc(max_t(u32, sn.conf_len, 1), GFP_KERNEL);
	*data = kvmalloc(max_t(u64, sn.data_len, 1), GFP_KERNEL);
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
