// SPDX-License-Identifier: GPL-2.0
/*
 * read() of /dev/raftlog<N>: committed entries behind their record
 * headers (uapi/linux/raftlog.h), from the group's cache of recent
 * entries while they are in it, from the device after that.
 *
 * Records are formatted into a bounce buffer, a batch at a time: cached
 * entries under stream_lock, entries no longer cached a device record at
 * a time (rl_storage_entries: one device read serves every entry the
 * record holds, formatted by its callback under the storage's lock).
 * The batch goes to user space with no lock held.  A RAM disk completes
 * reads inline, so nothing here sleeps on its own: the loop yields
 * between batches, one call reads at most RL_READ_RECORDS records from
 * the device and stops early for a signal, returning what it has (the
 * reader calls again for the rest).  A reader at or below the
 * application's snapshot gets it first (rl_appsnap_read), straight from
 * the group's copy.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/raftlog.h>
#include "storage.h"
#include "group_int.h"
#include "rl_trace.h"

#define RL_READ_RECORDS		32	/* device records per read() call */
#define RL_READ_CACHED		256	/* cached entries between yields */
#define RL_READ_BUF		(128U << 10)	/* bounce buffer, bytes */

struct rl_reader {
	struct rl_group *g;
	char __user *ubuf;
	size_t len;		/* of ubuf */
	size_t done;		/* bytes copied to ubuf */
	u64 index;		/* next entry to return */
	/* bounce buffer for entries read back from the device */
	u8 *buf;
	size_t size;		/* allocated */
	size_t limit;		/* usable this batch */
	size_t used;
	size_t want;		/* record size of an entry that did not fit */
	u64 next;		/* index of the next entry it takes */
};

static u32 rl_read_flags(u8 type)
{
	if (type == RAFTLOG_ENTRY_CONF)
		return RAFTLOG_RECORD_F_CONF;
	return type == RAFTLOG_ENTRY_NOOP ? RAFTLOG_RECORD_F_NOOP : 0;
}

/*
 * Whether the entry at index is readable from the cache (stream_lock
 * held): 0, -EAGAIN when not committed yet, -ERANGE compacted, -ENODEV
 * stopped, -ESTALE when it is no longer cached (read it from the store;
 * *avail entries from index on are committed but not cached).
 */
static int rl_stream_check(struct rl_group *g, u64 index, u64 *avail)
{
	if (g->dead)
		return -ENODEV;
	if (index < g->first_index)
		return -ERANGE;
	if (index > g->applied)
		return -EAGAIN;
	if (index >= g->ring_first)
		return 0;
	*avail = min(g->ring_first - 1, g->applied) - index + 1;
	return -ESTALE;
}

/* Format the next record into the bounce buffer; false when it is full. */
static bool rl_read_fmt(struct rl_reader *r, u64 term, u32 len, u32 flags,
			const void *data)
{
	size_t need = RAFTLOG_RECORD_SIZE(len);
	struct raftlog_record *h;

	if (need > r->limit - r->used) {
		r->want = need;
		return false;
	}
	h = (struct raftlog_record *)(r->buf + r->used);
	memset(h, 0, sizeof(*h));
	h->index = r->next;
	h->term = term;
	h->len = len;
	h->flags = flags;
	memcpy(h + 1, data, len);
	memset((u8 *)(h + 1) + len, 0, need - sizeof(*h) - len);
	r->used += need;
	r->next++;
	return true;
}

/*
 * Cached entries from r->next on into the bounce buffer, at most
 * RL_READ_CACHED: 0 when the buffer or the batch is full, else why it
 * stopped (-ESTALE with *avail: the next one is only on the device).
 */
static int rl_read_cached(struct rl_reader *r, u64 *avail)
{
	struct rl_group *g = r->g;
	struct rl_record *e;
	int err = 0, n;

	spin_lock(&g->stream_lock);
	for (n = 0; n < RL_READ_CACHED; n++) {
		err = rl_stream_check(g, r->next, avail);
		if (err)
			break;
		e = g->ring[r->next & g->ring_mask];
		if (WARN_ON_ONCE(!e || e->index != r->next)) {
			err = -EIO;
			break;
		}
		if (!rl_read_fmt(r, e->term, e->len, e->flags, e->data))
			break;
	}
	spin_unlock(&g->stream_lock);
	return err;
}

/* rl_storage_entries' callback (storage lock held): format one record. */
static int rl_read_put(void *ctx, const struct rl_entry *se)
{
	struct rl_reader *r = ctx;

	if (se->index != r->next)
		return -EIO;
	if (!rl_read_fmt(r, se->term, se->len, rl_read_flags(se->type),
			 se->data))
		return -ENOSPC;
	return 0;
}

/* Up to avail entries of the record holding r->next, from the device. */
static int rl_read_record(struct rl_reader *r, u64 avail)
{
	struct rl_group *g = r->g;
	int got;

	down_read(&g->store_sem);
	if (!g->store)
		got = g->volatile_log ? -ERANGE : -ENODEV;
	else
		got = rl_storage_entries(g->store, r->next,
					 min_t(u64, avail, U32_MAX),
					 rl_read_put, r);
	up_read(&g->store_sem);
	if (got > 0 || r->used || (got == -ENOSPC && r->want))
		return 0;
	/* compacted meanwhile: say so; anything else is an I/O error */
	if (got == -ENOENT)
		return -ERANGE;
	return got == -ENODEV || got == -ENOMEM ? got : -EIO;
}

/*
 * Fill the bounce buffer from r->index on, from the cache or else from
 * one device record: 0 with r->used bytes, -ENOSPC when the next record
 * is larger than the buffer (r->want), or an errno.
 */
static int rl_read_batch(struct rl_reader *r, u32 *records)
{
	u64 avail;
	int err;

	r->used = 0;
	r->want = 0;
	r->next = r->index;
	r->limit = min(r->size, r->len - r->done);
	err = rl_read_cached(r, &avail);
	if (err == -ESTALE && !r->used) {
		(*records)++;
		err = rl_read_record(r, avail);
	}
	if (r->used)
		return 0;
	if (!err && r->want)
		return r->want > r->len - r->done ? -ENOBUFS : -ENOSPC;
	return err ? err : -EIO;
}

/*
 * A bounce buffer of at least size bytes (and at most len): 0 or -ENOMEM.
 * The reader's, for the call: charged to its memory cgroup.
 */
static int rl_read_buf(struct rl_reader *r, size_t size)
{
	size = min(max_t(size_t, size, RL_READ_BUF), r->len);
	if (r->buf && r->size >= size)
		return 0;
	kvfree(r->buf);
	r->size = 0;
	r->buf = kvmalloc(size, GFP_KERNEL_ACCOUNT);
	if (!r->buf)
		return -ENOMEM;
	r->size = size;
	return 0;
}

/* One batch of records to user space: 0, or why nothing was copied. */
static int rl_read_step(struct rl_reader *r, u32 *records)
{
	int err = rl_read_batch(r, records);

	if (err == -ENOSPC) {
		/* a record larger than the buffer that fits in ubuf */
		err = rl_read_buf(r, r->want);
		if (!err)
			err = rl_read_batch(r, records);
		if (err == -ENOSPC)
			err = -ENOBUFS;
	}
	if (err)
		return err;
	if (copy_to_user(r->ubuf + r->done, r->buf, r->used))
		return -EFAULT;
	r->done += r->used;
	r->index = r->next;
	return 0;
}

/*
 * Wait until the entry at index is committed.  A failed group commits
 * nothing more, so the wait ends on failure too and the reader is told
 * (rl_read_end); what was committed before stays readable.
 */
static int rl_read_wait(struct rl_group *g, u64 index, bool nonblock)
{
	if (nonblock)
		return 0;
	return wait_event_interruptible(g->stream_wq,
					READ_ONCE(g->applied) >= index ||
					READ_ONCE(g->dead) ||
					READ_ONCE(g->fail_err));
}

/* Why a read found nothing: waiting past the end of a failed group is EIO. */
static int rl_read_end(struct rl_group *g, int err)
{
	if (err == -EAGAIN && READ_ONCE(g->fail_err))
		return -EIO;
	return err;
}

ssize_t rl_group_read(struct rl_group *g, u64 *pos, char __user *ubuf,
		      size_t len, bool nonblock)
{
	struct rl_reader r = {
		.g = g, .ubuf = ubuf, .len = len, .index = *pos,
	};
	u32 records = 0;
	int err;

	if (len < sizeof(struct raftlog_record))
		return -EINVAL;
	err = rl_read_wait(g, *pos, nonblock);
	/* at or below the application's snapshot: it comes first */
	if (!err) {
		err = rl_appsnap_read(g, &r.index, ubuf, len, &r.done);
		if (err > 0)
			err = r.len - r.done < sizeof(struct raftlog_record);
	}
	if (!err)
		err = rl_read_buf(&r, 0);
	while (!err) {
		err = rl_read_step(&r, &records);
		if (records >= RL_READ_RECORDS ||
		    r.len - r.done < sizeof(struct raftlog_record) ||
		    (r.done && signal_pending(current)))
			break;
		cond_resched();
	}
	kvfree(r.buf);
	trace_raftlog_read(g, *pos, r.index, records, r.done, r.done ? 0 : err);
	*pos = r.index;
	return r.done ? r.done : rl_read_end(g, err);
}
