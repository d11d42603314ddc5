// SPDX-License-Identifier: GPL-2.0
/*
 * Storage, tests only (RL_TEST_HOOKS builds): a model of a disk with a
 * volatile write cache, for the crash tests.
 *
 * A real disk may keep a completed write in its cache and lose it at a
 * power cut unless a completed flush covered it (REQ_PREFLUSH on a later
 * bio: everything completed before that bio was issued) or it was written
 * REQ_FUA.  The cache may also write back any part of what it holds, in
 * any order, before the power goes: after a crash the disk holds every
 * durable write and an arbitrary subset of the others, each of those
 * whole, missing, or torn (some of its sectors only).
 *
 * While a journal is attached to a storage (rl_storage_attach_vwc()),
 * rl_st_io() records every write it submits (where, the old and the new
 * contents, and whether it became durable); rl_vwc_crash() then rewrites
 * the closed device as such a crash could have left it.  Writes reach the
 * device at once, as they would a cache, so reads see them.  The journal
 * is only used by the one thread that writes (the worker, or open before
 * it runs), so it takes no lock.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/prandom.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "storage_int.h"

/*
 * The cache's capacity: when the journal holds more, its oldest write is
 * taken as written back (durable), as a full cache would, which bounds
 * the memory the model takes.
 */
#define RL_VWC_CAP	(32u << 20)

struct rl_vwc_w {
	struct list_head node;
	sector_t sector;
	size_t len;
	bool durable;		/* FUA, or covered by a completed flush */
	bool preflush;		/* its data can land only after a flush */
	void *old;		/* the device's contents before it */
	void *new;
};

struct rl_vwc {
	struct list_head ws;	/* oldest first */
	size_t bytes;
	int error;		/* the journal is incomplete (no memory) */
};

struct rl_vwc *rl_vwc_create(void)
{
	struct rl_vwc *v = kzalloc(sizeof(*v), GFP_KERNEL);

	if (v)
		INIT_LIST_HEAD(&v->ws);
	return v;
}

static void rl_vwc_drop(struct rl_vwc *v, struct rl_vwc_w *w)
{
	list_del(&w->node);
	v->bytes -= 2 * w->len;
	vfree(w->old);
	vfree(w->new);
	kfree(w);
}

static void rl_vwc_clear(struct rl_vwc *v)
{
	struct rl_vwc_w *w, *tmp;

	list_for_each_entry_safe(w, tmp, &v->ws, node)
		rl_vwc_drop(v, w);
	v->error = 0;
}

void rl_vwc_destroy(struct rl_vwc *v)
{
	if (!v)
		return;
	rl_vwc_clear(v);
	kfree(v);
}

void rl_storage_attach_vwc(struct rl_storage *s, struct rl_vwc *v)
{
	spin_lock(&s->inj_lock);
	s->vwc = v;
	spin_unlock(&s->inj_lock);
}

/* synchronous I/O of @len bytes (whole sectors) of a vmalloc'd buffer */
static int rl_vwc_rw(struct block_device *bdev, blk_opf_t opf, sector_t sector,
		     void *buf, size_t len)
{
	struct bio *bio;
	size_t off;
	int err;

	if (op_is_write(opf))
		flush_kernel_vmap_range(buf, len);
	/* vmalloc buffers are page aligned: a record is at most BIO_MAX_VECS */
	bio = bio_alloc(bdev, DIV_ROUND_UP(len, PAGE_SIZE), opf, GFP_NOIO);
	bio->bi_iter.bi_sector = sector;
	for (off = 0; off < len; ) {
		size_t n = min_t(size_t, PAGE_SIZE - offset_in_page(buf + off),
				 len - off);

		if (bio_add_page(bio, vmalloc_to_page(buf + off), n,
				 offset_in_page(buf + off)) != n) {
			bio_put(bio);
			return -EIO;
		}
		off += n;
	}
	err = submit_bio_wait(bio);
	bio_put(bio);
	if (!op_is_write(opf))
		invalidate_kernel_vmap_range(buf, len);
	return err;
}

static void *rl_vwc_alloc(size_t len)
{
	unsigned int noio = memalloc_noio_save();
	void *p = vmalloc(len);

	memalloc_noio_restore(noio);
	return p;
}

/*
 * Before the write of @len bytes at @sector from @buf is submitted:
 * journal it with the contents it replaces.  NULL when no journal is
 * attached (or on no memory, which fails the crash replay later).
 */
struct rl_vwc_w *rl_st_vwc_begin(struct rl_storage *s, blk_opf_t opf,
				 sector_t sector, const void *buf, size_t len)
{
	struct rl_vwc *v = READ_ONCE(s->vwc);
	struct rl_vwc_w *w;

	if (!v || !len)
		return NULL;
	w = kzalloc(sizeof(*w), GFP_NOIO);
	if (w) {
		w->old = rl_vwc_alloc(len);
		w->new = rl_vwc_alloc(len);
	}
	if (!w || !w->old || !w->new ||
	    rl_vwc_rw(s->bdev, REQ_OP_READ, sector, w->old, len)) {
		if (w) {
			vfree(w->old);
			vfree(w->new);
		}
		kfree(w);
		v->error = -ENOMEM;
		return NULL;
	}
	memcpy(w->new, buf, len);
	w->sector = sector;
	w->len = len;
	w->preflush = opf & REQ_PREFLUSH;
	list_add_tail(&w->node, &v->ws);
	v->bytes += 2 * len;
	return w;
}

/*
 * The write @w completed (@ok) or did not (failed, or in flight at the
 * crash: it stays volatile).  A completed flush makes every earlier write
 * durable; FUA the write itself.  Durable writes at the journal's head
 * need no undoing and leave it.
 */
void rl_st_vwc_end(struct rl_storage *s, struct rl_vwc_w *w, blk_opf_t opf,
		   bool ok)
{
	struct rl_vwc *v = READ_ONCE(s->vwc);
	struct rl_vwc_w *h;

	if (!v || !w)
		return;
	if (ok && (opf & REQ_PREFLUSH)) {
		while ((h = list_first_entry(&v->ws, struct rl_vwc_w, node)) != w)
			rl_vwc_drop(v, h);
	}
	if (ok && (opf & REQ_FUA))
		w->durable = true;
	while ((h = list_first_entry_or_null(&v->ws, struct rl_vwc_w, node)) &&
	       (h->durable || v->bytes > RL_VWC_CAP))
		rl_vwc_drop(v, h);
}

enum { RL_VWC_KEEP, RL_VWC_DROP, RL_VWC_TEAR };

/* write @w's sectors that @rnd picks over what the device holds there */
static int rl_vwc_tear(struct block_device *bdev, struct rl_vwc_w *w,
		       struct rnd_state *rnd)
{
	void *cur = rl_vwc_alloc(w->len);
	size_t off;
	int err;

	if (!cur)
		return -ENOMEM;
	err = rl_vwc_rw(bdev, REQ_OP_READ, w->sector, cur, w->len);
	for (off = 0; !err && off < w->len; off += SECTOR_SIZE)
		if (prandom_u32_state(rnd) & 1)
			memcpy(cur + off, w->new + off, SECTOR_SIZE);
	if (!err)
		err = rl_vwc_rw(bdev, REQ_OP_WRITE, w->sector, cur, w->len);
	vfree(cur);
	return err;
}

/* the fate of each journalled write: durable ones and what a flush orders */
static void rl_vwc_choose(struct rl_vwc *v, u8 *fate, struct rnd_state *rnd,
			  struct rl_vwc_stats *st)
{
	struct rl_vwc_w *w, *p;
	unsigned int i = 0, j;

	list_for_each_entry(w, &v->ws, node) {
		fate[i] = w->durable ? RL_VWC_KEEP : prandom_u32_state(rnd) % 3;
		/* a flushing write's data lands only after all before it */
		if (w->preflush && fate[i] != RL_VWC_DROP) {
			j = 0;
			list_for_each_entry(p, &v->ws, node) {
				if (p == w)
					break;
				fate[j++] = RL_VWC_KEEP;
			}
		}
		i++;
	}
	i = 0;
	list_for_each_entry(w, &v->ws, node) {
		if (w->durable)
			st->durable++;
		else if (fate[i] == RL_VWC_KEEP)
			st->kept++;
		else if (fate[i] == RL_VWC_DROP)
			st->dropped++;
		else
			st->torn++;
		i++;
	}
}

/*
 * After the storage on @path was closed: make the device what a power cut
 * could have left of it, as @seed picks, and empty the journal.  Undo
 * every journalled write, newest first, then redo the ones that survive,
 * oldest first, torn ones in part.
 */
int rl_vwc_crash(struct rl_vwc *v, const char *path, u32 seed,
		 struct rl_vwc_stats *st)
{
	struct rl_storage *s;
	struct rnd_state rnd;
	struct rl_vwc_w *w;
	unsigned int i = 0, n = 0;
	u8 *fate;
	int err = v->error;

	memset(st, 0, sizeof(*st));
	if (err)
		goto out;
	list_for_each_entry(w, &v->ws, node)
		n++;
	fate = kcalloc(max(n, 1u), 1, GFP_KERNEL);
	s = rl_st_open_bare(path);
	if (!fate || IS_ERR(s)) {
		err = fate ? PTR_ERR(s) : -ENOMEM;
		if (!IS_ERR(s))
			rl_st_close_bare(s);
		kfree(fate);
		goto out;
	}
	prandom_seed_state(&rnd, seed);
	rl_vwc_choose(v, fate, &rnd, st);
	list_for_each_entry_reverse(w, &v->ws, node)
		if (!err)
			err = rl_vwc_rw(s->bdev, REQ_OP_WRITE, w->sector, w->old, w->len);
	list_for_each_entry(w, &v->ws, node) {
		if (!err && fate[i] == RL_VWC_KEEP)
			err = rl_vwc_rw(s->bdev, REQ_OP_WRITE, w->sector, w->new, w->len);
		else if (!err && fate[i] == RL_VWC_TEAR)
			err = rl_vwc_tear(s->bdev, w, &rnd);
		i++;
	}
	if (!err)
		err = blkdev_issue_flush(s->bdev);
	rl_st_close_bare(s);
	kfree(fate);
out:
	rl_vwc_clear(v);
	return err;
}
