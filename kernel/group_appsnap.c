// SPDX-License-Identifier: GPL-2.0
/*
 * Application snapshots (RAFTLOG_IOC_SNAPSHOT and RAFTLOG_URING_SNAPSHOT,
 * uapi/linux/raftlog.h): an application says "my state at index i is
 * these bytes"; the group compacts its log up to i with a snapshot blob
 * of version 3, whose
 * application section carries the bytes (docs/format.md), so that they
 * are stored in the snapshot area and sent to followers behind the
 * compacted prefix like any snapshot.  A follower that installs such a
 * snapshot, or a node that boots from one, keeps the bytes here too.
 *
 * The group holds its latest application snapshot as a reference-counted
 * struct rl_appsnap (g->app, set by the worker under stream_lock).  A
 * reader at or below its index gets it first, as one record flagged
 * RAFTLOG_RECORD_F_SNAPSHOT, then the entries after it.  Retention never
 * compacts past it (rl_snap_retain), and an operator's compaction past it
 * is refused (-EBUSY, rl_compact_now): the entries after it are what the
 * application needs to rebuild its state from the snapshot.
 *
 * A group with a device keeps the state there only (a->data NULL): the
 * reader reads it from the current snapshot area a chunk at a time
 * (rl_storage_snap_read), checking its checksum.  Without a device the
 * whole snapshot is held in memory (at most RAFTLOG_SNAPSHOT_MAX bytes).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/raftlog.h>
#include "raft/raft.h"
#include "storage.h"
#include "group.h"
#include "group_int.h"

static_assert(RAFTLOG_SNAPSHOT_MAX == RAFTLOG_SNAPBLOB_APP_MAX);
static_assert(RAFT_MAX_SNAPSHOT_SIZE + RL_CONF_MAX <= RAFTLOG_SNAP_BODY_MAX);
static_assert(RAFTLOG_DISK_SNAPBLOB_SIZE + RAFTLOG_SNAPBLOB_ADDRS_MAX +
	      RAFTLOG_DISK_SNAPBLOB_APP_SIZE + (u64)RAFTLOG_SNAPSHOT_MAX <=
	      RAFT_MAX_SNAPSHOT_SIZE);

/* Bytes copied from or to user space between two reschedules. */
#define RL_APPSNAP_CHUNK	SZ_1M

/*
 * A snapshot of len bytes of state (not filled in): NULL on -ENOMEM.
 * gfp: GFP_KERNEL_ACCOUNT for the bytes an application saves (charged to
 * its memory cgroup for as long as the group keeps them: until the next
 * snapshot replaces them or the group goes), GFP_KERNEL for a snapshot
 * the group itself takes in (installed from a leader, read at boot).
 */
static struct rl_appsnap *rl_appsnap_alloc(u64 len, gfp_t gfp)
{
	struct rl_appsnap *a;

	a = kzalloc(sizeof(*a), gfp);
	if (a)
		a->data = kvmalloc(max_t(u64, len, 1), gfp | __GFP_NOWARN);
	if (a && !a->data) {
		kfree(a);
		return NULL;
	}
	if (a) {
		refcount_set(&a->ref, 1);
		a->len = len;
	}
	return a;
}

void rl_appsnap_put(struct rl_appsnap *a)
{
	if (a && refcount_dec_and_test(&a->ref)) {
		kvfree(a->data);
		kfree(a);
	}
}

/* Make a (NULL: none) the group's application snapshot; takes a ref. */
void rl_appsnap_set(struct rl_group *g, struct rl_appsnap *a)
{
	struct rl_appsnap *old;

	if (a)
		refcount_inc(&a->ref);
	spin_lock(&g->stream_lock);
	old = g->app;
	g->app = a;
	spin_unlock(&g->stream_lock);
	rl_appsnap_put(old);
}

/*
 * The application's state at index is on the device: at blob_off of the
 * data of the snapshot there, which is current once ticket is durable.
 */
int rl_appsnap_on_device(struct rl_group *g, u64 index, u64 term,
			 u64 blob_off, u64 len, u32 crc, s64 ticket)
{
	struct rl_appsnap *a;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	refcount_set(&a->ref, 1);
	a->index = index;
	a->term = term;
	a->len = len;
	a->blob_off = blob_off;
	a->crc = crc;
	a->ticket = ticket;
	rl_appsnap_set(g, a);
	rl_appsnap_put(a);
	return 0;
}

/*
 * The application snapshot in a checked blob (a leader's being installed,
 * or the device's at boot) becomes the group's; a blob without one
 * leaves the group without (the state it had is older than the log now
 * starts).  With a device, where it is there (the blob is the current
 * snapshot's).  0, -EUCLEAN (a blob that does not decode) or -ENOMEM.
 */
int rl_appsnap_from_blob(struct rl_group *g, u64 index, u64 term,
			 const u8 *blob, u64 len)
{
	const u8 *addrs, *app;
	struct rl_appsnap *a;
	u64 app_len;
	u32 alen;

	if (rl_snapblob_decode_app(blob, len, g->p.group_id, index, term,
				   &addrs, &alen, &app, &app_len))
		return -EUCLEAN;
	if (!app) {
		rl_appsnap_set(g, NULL);
		return 0;
	}
	if (g->store)
		return rl_appsnap_on_device(g, index, term, app - blob, app_len,
					    rl_crc32c(0, app, app_len), 0);
	a = rl_appsnap_alloc(app_len, GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	a->index = index;
	a->term = term;
	memcpy(a->data, app, app_len);
	rl_appsnap_set(g, a);
	rl_appsnap_put(a);
	return 0;
}

/* A reference on the snapshot a reader at pos gets first, or NULL. */
static struct rl_appsnap *rl_appsnap_for(struct rl_group *g, u64 pos)
{
	struct rl_appsnap *a;

	spin_lock(&g->stream_lock);
	a = g->app;
	if (a && pos <= a->index)
		refcount_inc(&a->ref);
	else
		a = NULL;
	spin_unlock(&g->stream_lock);
	return a;
}

/*
 * Copy the state of a from the device to ubuf, a chunk at a time, once
 * the snapshot holding it is durable.  0, -EAGAIN (the snapshot was
 * replaced meanwhile: look again), -EIO (it does not match its checksum),
 * -EFAULT, -EINTR, -ENOMEM, -ENODEV.
 */
static int rl_appsnap_copy_dev(struct rl_group *g, struct rl_appsnap *a,
			       char __user *ubuf)
{
	u64 off, n;
	u32 crc = 0;
	u8 *buf;
	int err;

	buf = kvmalloc(max_t(u64, min_t(u64, a->len, RL_APPSNAP_CHUNK), 1),
		       GFP_KERNEL | __GFP_NOWARN);
	if (!buf)
		return -ENOMEM;
	down_read(&g->store_sem);
	err = g->store ? rl_storage_wait(g->store, a->ticket) : -ENODEV;
	for (off = 0; !err && off < a->len; off += n) {
		n = min_t(u64, a->len - off, RL_APPSNAP_CHUNK);
		err = rl_storage_snap_read(g->store, a->index,
					   a->blob_off + off, buf, n);
		if (err == -ESTALE)
			err = -EAGAIN;
		if (err)
			break;
		crc = rl_crc32c(crc, buf, n);
		if (copy_to_user(ubuf + off, buf, n))
			err = -EFAULT;
		else if (fatal_signal_pending(current))
			err = -EINTR;
		cond_resched();
	}
	up_read(&g->store_sem);
	kvfree(buf);
	if (!err && crc != a->crc) {
		pr_err_ratelimited("group %u: the application snapshot at %llu does not match its checksum\n",
				   g->p.group_id, a->index);
		err = -EIO;
	}
	return err;
}

static int rl_appsnap_read_one(struct rl_group *g, u64 *pos,
			       char __user *ubuf, size_t len, size_t *done)
{
	static const u8 zero[8];
	struct raftlog_record h = {};
	struct rl_appsnap *a;
	u64 off, n;
	int err = 1;

	a = rl_appsnap_for(g, *pos);
	if (!a)
		return 0;
	if (RAFTLOG_RECORD_SIZE(a->len) > len) {
		err = -ENOBUFS;
		goto out;
	}
	h.index = a->index;
	h.term = a->term;
	h.len = a->len;
	h.flags = RAFTLOG_RECORD_F_SNAPSHOT;
	if (copy_to_user(ubuf, &h, sizeof(h))) {
		err = -EFAULT;
		goto out;
	}
	ubuf += sizeof(h);
	if (!a->data) {
		err = rl_appsnap_copy_dev(g, a, ubuf);
		if (err)
			goto out;
		err = 1;
	}
	for (off = 0; a->data && off < a->len; off += n) {
		n = min_t(u64, a->len - off, RL_APPSNAP_CHUNK);
		if (copy_to_user(ubuf + off, a->data + off, n)) {
			err = -EFAULT;
			goto out;
		}
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			goto out;
		}
		cond_resched();
	}
	n = RAFTLOG_RECORD_SIZE(a->len) - sizeof(h) - a->len;
	if (copy_to_user(ubuf + a->len, zero, n)) {
		err = -EFAULT;
		goto out;
	}
	*done = RAFTLOG_RECORD_SIZE(a->len);
	*pos = a->index + 1;
out:
	rl_appsnap_put(a);
	return err;
}

/*
 * read(): the snapshot record for a reader at *pos at or below the
 * application snapshot's index (1 with *done bytes written to ubuf and
 * *pos past the snapshot), 0 when there is none for it, -ENOBUFS when
 * len cannot hold it, -EFAULT, -EINTR, -EIO.
 */
int rl_appsnap_read(struct rl_group *g, u64 *pos, char __user *ubuf,
		    size_t len, size_t *done)
{
	int err, tries = 0;

	do {
		err = rl_appsnap_read_one(g, pos, ubuf, len, done);
	} while (err == -EAGAIN && ++tries < 8);
	return err == -EAGAIN ? -EIO : err;
}

/* The lowest position a reader may take: the snapshot's, if any. */
u64 rl_appsnap_first(struct rl_group *g, u64 first_index)
{
	u64 v = first_index;

	spin_lock(&g->stream_lock);
	if (g->app && g->app->index < v)
		v = g->app->index;
	spin_unlock(&g->stream_lock);
	return v;
}

/* The status: index and size of the application snapshot (0: none). */
void rl_appsnap_status(struct rl_group *g, struct raftlog_status *st)
{
	spin_lock(&g->stream_lock);
	if (g->app) {
		st->app_snap_index = g->app->index;
		st->app_snap_len = g->app->len;
	}
	spin_unlock(&g->stream_lock);
}

/*
 * A snapshot request for the application's state at index: the cheap
 * refusals first, then the bytes copied from user space a chunk at a
 * time (so a 64 MiB copy neither hogs the CPU nor outlives a fatal
 * signal).  The request, or an ERR_PTR.
 */
static struct rl_req *rl_appsnap_req(struct rl_group *g, u64 index,
				     const void __user *data, u64 len)
{
	struct rl_appsnap *a;
	struct rl_req *rq;
	u64 off, n;
	int err = 0;

	if (!index)
		return ERR_PTR(-EINVAL);
	if (len > RAFTLOG_SNAPSHOT_MAX)
		return ERR_PTR(-EFBIG);
	spin_lock(&g->stream_lock);
	if (g->dead)
		err = -ENODEV;
	else if (index > g->applied)
		err = -EINVAL;
	else if (index < g->first_index || (g->app && index <= g->app->index))
		err = -EALREADY;
	spin_unlock(&g->stream_lock);
	if (err)
		return ERR_PTR(err);
	rq = rl_req_alloc(RL_REQ_SNAPSHOT);
	if (!rq)
		return ERR_PTR(-ENOMEM);
	rq->index = index;
	a = rl_appsnap_alloc(len, GFP_KERNEL_ACCOUNT);
	if (!a) {
		err = -ENOMEM;
		goto out;
	}
	rq->app = a;		/* the request's reference */
	a->index = index;
	/* its checksum as it is copied: the blob is built around it */
	for (off = 0; off < len; off += n) {
		n = min_t(u64, len - off, RL_APPSNAP_CHUNK);
		if (copy_from_user(a->data + off, data + off, n)) {
			err = -EFAULT;
			goto out;
		}
		a->crc = rl_crc32c(a->crc, a->data + off, n);
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			goto out;
		}
		cond_resched();
	}
	return rq;
out:
	rl_req_put(rq);
	return ERR_PTR(err);
}

/*
 * RAFTLOG_IOC_SNAPSHOT: the worker takes the snapshot (rl_appsnap_take)
 * once it reaches the request; the caller waits for that, whatever
 * signal comes, so that its outcome is never unknown.
 */
int rl_group_snapshot(struct rl_group *g, u64 index, const void __user *data,
		      u64 len)
{
	struct rl_req *rq;
	int err;

	rq = rl_appsnap_req(g, index, data, len);
	if (IS_ERR(rq))
		return PTR_ERR(rq);
	err = rl_req_submit(g, rq, false);
	if (!err) {
		wait_for_completion(&rq->done);
		err = rq->err;
	}
	rl_req_put(rq);
	return err == -ERESTARTSYS ? -EINTR : err;
}

/* RAFTLOG_URING_SNAPSHOT: the same, completed through the request. */
struct rl_req *rl_group_snapshot_async(struct rl_group *g, u64 index,
				       const void __user *data, u64 len,
				       bool nonblock)
{
	struct rl_req *rq;

	rq = rl_appsnap_req(g, index, data, len);
	if (IS_ERR(rq))
		return rq;
	return rl_req_submit_async(g, rq, nonblock);
}

/*
 * Worker: take the snapshots requested in this step, after its ready was
 * processed (as retention compacts after a step), each completing with
 * its index or an error.
 */
void rl_appsnap_take(struct rl_group *g, struct list_head *reqs)
{
	struct rl_req *rq, *tmp;
	int err;

	list_for_each_entry_safe(rq, tmp, reqs, node) {
		list_del_init(&rq->node);
		err = rl_compact_now(g, rq->index, rq->app);
		rl_req_finish(g, rq, err, err ? 0 : rq->index, 0);
	}
}
