// SPDX-License-Identifier: GPL-2.0
/*
 * Storage: the block device.  Exclusive open and close by path, I/O of
 * whole blocks (synchronous, and the records' asynchronous writes), where
 * the tests' fault injection and crash simulation act (RL_TEST_HOOKS
 * builds only).  See storage_int.h.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>

#include "storage_int.h"

/*
 * Exclusive open by path: 6.9 replaced blkdev_get_by_path() (gone in 6.8)
 * with bdev_file_open_by_path(); Kbuild probes <linux/blkdev.h> for it
 * and defines RL_HAVE_BDEV_FILE.  6.5-6.8 (blk_mode_t with
 * blkdev_get_by_path, then bdev_handle) are not supported.
 */
int rl_st_bdev_open(struct rl_storage *s, const char *path)
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

void rl_st_bdev_close(struct rl_storage *s)
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

#ifdef RL_TEST_HOOKS
/*
 * Fault injection and crash simulation for the tests (storage.h): only in
 * builds with RL_TEST_HOOKS=1, which the test harness sets.
 */
void rl_st_hooks_init(struct rl_storage *s)
{
	spin_lock_init(&s->inj_lock);
}

/* The fault to inject into this bio: 0, -EIO, or 1 (flip a bit read). */
static int rl_st_inject(struct rl_storage *s, unsigned int kind)
{
	int fault = 0;

	spin_lock(&s->inj_lock);
	if ((s->inj_kinds & kind) && s->inj_nth && --s->inj_nth == 0) {
		fault = kind == RL_INJECT_READ &&
			(s->inj_kinds & RL_INJECT_FLIP) ? 1 : -EIO;
		s->inj_kinds = 0;
	}
	spin_unlock(&s->inj_lock);
	return fault;
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
static bool rl_st_crash_point(struct rl_storage *s, size_t *len)
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
#else
static int rl_st_inject(struct rl_storage *s, unsigned int kind)
{
	return 0;
}

static bool rl_st_crash_point(struct rl_storage *s, size_t *len)
{
	return false;
}
#endif /* RL_TEST_HOOKS */

static struct page *rl_st_buf_page(const void *p)
{
	return is_vmalloc_addr(p) ? vmalloc_to_page(p) : virt_to_page(p);
}

/*
 * Synchronous I/O of @len bytes (whole blocks) at device block @block.
 * Buffers are page aligned (vmalloc, kvmalloc or a page-sized kmalloc), so
 * each bio of up to RL_ST_REC_BYTES takes at most BIO_MAX_VECS pages: a
 * record is always exactly one bio.  Only the first bio carries
 * REQ_PREFLUSH; every bio carries the caller's REQ_FUA.
 */
int rl_st_io(struct rl_storage *s, blk_opf_t opf, u64 block, void *buf,
	     size_t len, unsigned int kind)
{
	bool write = op_is_write(opf);
	sector_t sector = block * RL_ST_SECT_PER_BLOCK;
	u8 *p = buf;
	int err = 0;

	if (WARN_ON_ONCE(offset_in_page(buf) || len % RAFTLOG_BLOCK_SIZE))
		return -EINVAL;
	if (write && is_vmalloc_addr(buf))
		flush_kernel_vmap_range(buf, len);
	while (len && !err) {
		size_t chunk = min_t(size_t, len, RL_ST_REC_BYTES);
		size_t sub = write ? chunk : 0;
		bool crashed = rl_st_crash_point(s, &sub);
		int inject;
		unsigned int nvec = DIV_ROUND_UP(chunk, PAGE_SIZE);
		struct rl_vwc_w *vw = NULL;
		struct bio *bio;
		size_t off;

		if (!crashed)
			sub = chunk;
		if (crashed && !sub) {
			err = -EIO;
			break;
		}
		inject = crashed ? 0 : rl_st_inject(s, kind);
		if (write && !inject)
			vw = rl_st_vwc_begin(s, opf, sector, p, sub);
		bio = bio_alloc(s->bdev, nvec, opf, GFP_NOIO);
		bio->bi_iter.bi_sector = sector;
		for (off = 0; off < sub; ) {
			size_t n = min_t(size_t, PAGE_SIZE, sub - off);

			if (bio_add_page(bio, rl_st_buf_page(p + off), n, 0) != n) {
				bio_put(bio);
				return -EIO;
			}
			off += n;
		}
		if (inject < 0) {
			err = -EIO;
		} else {
			err = submit_bio_wait(bio);
			/* past a record's header: its body checksum fails */
			if (!err && inject > 0)
				p[RAFTLOG_DISK_REC_SIZE] ^= 0x10;
		}
		if (crashed)
			err = -EIO;	/* the torn part went out; then the crash */
		rl_st_vwc_end(s, vw, opf, !err);
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

static void rl_st_rec_end_io(struct bio *bio)
{
	struct rl_st_slot *sl = bio->bi_private;
	int err = blk_status_to_errno(bio->bi_status);

	bio_put(bio);
	/* a simulated crash: the write went out, its completion did not */
	rl_st_slot_end(sl, sl->crashed ? -EIO : err);
}

/*
 * Submit the record of slot @sl (sl->len bytes from its vmalloc'd buffer
 * at ring block sl->rx.off) without waiting: rl_st_slot_end() reports its
 * end, from the bio's completion, or at once when the tests' fault
 * injection fails it or a simulated crash stopped the machine before it.
 */
void rl_st_submit_rec(struct rl_storage *s, struct rl_st_slot *sl,
		      blk_opf_t opf)
{
	sector_t sector = (s->sb.ring_off + sl->rx.off) * RL_ST_SECT_PER_BLOCK;
	size_t sub = sl->len, off;
	struct bio *bio;

	sl->crashed = rl_st_crash_point(s, &sub);
	if (!sl->crashed)
		sub = sl->len;
	if ((sl->crashed && !sub) ||
	    (!sl->crashed && rl_st_inject(s, RL_INJECT_WRITE))) {
		rl_st_slot_end(sl, -EIO);
		return;
	}
	sl->vw = rl_st_vwc_begin(s, opf, sector, sl->buf, sub);
	flush_kernel_vmap_range(sl->buf, sub);
	bio = bio_alloc(s->bdev, DIV_ROUND_UP(sub, PAGE_SIZE), opf, GFP_NOIO);
	bio->bi_iter.bi_sector = sector;
	bio->bi_private = sl;
	bio->bi_end_io = rl_st_rec_end_io;
	for (off = 0; off < sub; off += PAGE_SIZE) {
		size_t n = min_t(size_t, PAGE_SIZE, sub - off);

		/* a record is at most BIO_MAX_VECS pages: this cannot fail */
		if (WARN_ON_ONCE(bio_add_page(bio, vmalloc_to_page((u8 *)sl->buf + off),
					      n, 0) != n)) {
			bio_put(bio);
			rl_st_slot_end(sl, -EIO);
			return;
		}
	}
	submit_bio(bio);
}

/*
 * A storage that is only an open device and one zeroed block buffer
 * (s->mbuf), for formatting and raw block access: ERR_PTR on failure.
 */
struct rl_storage *rl_st_open_bare(const char *path)
{
	struct rl_storage *s;
	int err;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	rl_st_hooks_init(s);
	s->mbuf = kzalloc(RAFTLOG_BLOCK_SIZE, GFP_KERNEL);	/* page aligned */
	err = -ENOMEM;
	if (!s->mbuf)
		goto fail;
	err = rl_st_bdev_open(s, path);
	if (err)
		goto fail;
	return s;
fail:
	rl_st_close_bare(s);
	return ERR_PTR(err);
}

void rl_st_close_bare(struct rl_storage *s)
{
	rl_st_bdev_close(s);
	kfree(s->mbuf);
	kfree(s);
}

#if IS_ENABLED(CONFIG_KUNIT)
/*
 * Tests only: read or write one raw block of @path (not open elsewhere),
 * to damage what the storage wrote and check that recovery notices.
 */
int rl_storage_raw_block(const char *path, u64 block, void *buf, bool write)
{
	struct rl_storage *s = rl_st_open_bare(path);
	int err;

	if (IS_ERR(s))
		return PTR_ERR(s);
	if (write)
		memcpy(s->mbuf, buf, RAFTLOG_BLOCK_SIZE);
	err = rl_st_io(s, write ? REQ_OP_WRITE | REQ_FUA : REQ_OP_READ, block,
		       s->mbuf, RAFTLOG_BLOCK_SIZE, 0);
	if (!err && !write)
		memcpy(buf, s->mbuf, RAFTLOG_BLOCK_SIZE);
	rl_st_close_bare(s);
	return err;
}
#endif
