// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshots.  The group's state machine is the log itself, so its
 * snapshot blob (struct raftlog_disk_snapblob, docs/format.md) says what
 * it covers (readers below it get -ERANGE) and, from version 2 on,
 * carries the address book as of its index: the entries that taught the
 * addresses are gone with the compacted prefix.  The configuration as of
 * the snapshot is stored beside it.  The core treats the blob as opaque
 * and sends it to followers behind the compacted prefix; a blob from
 * another leader is checked (rl_members_snap_check), then stored as it
 * came.  Here: building the blob, installing a leader's snapshot, and
 * compaction (rl_group_compact, and rl_snap_retain's automatic one).  An
 * application snapshot (group_appsnap.c) is a compaction whose blob
 * (version 3) carries the application's state too.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <linux/completion.h>
#include <linux/sched.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/jiffies.h>
#include <linux/sizes.h>
#include "raft/raft.h"
#include "storage.h"
#include "group.h"
#include "group_int.h"
#include "rl_trace.h"

/*
 * Build the blob of a snapshot at index (worker only): the header, then
 * the book as of index for conf, the configuration in force there.  A
 * group without a transport has no one to dial: version 1, no section.
 * With an application snapshot: version 3, its section after the book;
 * a group with a device builds only what comes before the state (*havep
 * bytes of the *lenp): the state is written from the application's copy
 * (rl_snap_save_staged).
 */
static int rl_snap_blob_build(struct rl_group *g, u64 index,
			      const struct raft_conf *conf,
			      const struct rl_appsnap *app, u8 **blobp,
			      u64 *lenp, u64 *havep)
{
	struct rl_snapblob b = {
		.version = g->ep ? RAFTLOG_SNAPBLOB_VERSION :
			   RAFTLOG_SNAPBLOB_VERSION_NOADDR,
		.group_id = g->p.group_id,
		.index = index,
		.term = raft_term_at(g->raft, index),
	};
	ssize_t n = 0;
	u64 size;
	u8 *buf;

	if (g->ep) {
		n = rl_members_snap_encode(g, index, conf, NULL, 0);
		if (n < 0)
			return n;
		if (n > RAFTLOG_SNAPBLOB_ADDRS_MAX)
			return -E2BIG;
	}
	size = RAFTLOG_DISK_SNAPBLOB_SIZE + n;
	if (app) {
		b.version = RAFTLOG_SNAPBLOB_VERSION_APP;
		size += RAFTLOG_DISK_SNAPBLOB_APP_SIZE;
	}
	*havep = size;
	if (app && !g->store)
		size += app->len;
	buf = kvzalloc(size, GFP_KERNEL | __GFP_NOWARN);
	if (!buf)
		return -ENOMEM;
	b.addrs_len = n;
	rl_snapblob_encode_hdr(&b, buf);
	if (n && rl_members_snap_encode(g, index, conf,
					buf + RAFTLOG_DISK_SNAPBLOB_SIZE,
					n) != n) {
		kvfree(buf);
		return -EINVAL;
	}
	if (app && g->store) {
		rl_snapblob_encode_app_hdr(buf + *havep -
					   RAFTLOG_DISK_SNAPBLOB_APP_SIZE,
					   app->crc, app->len);
		*lenp = *havep + app->len;
	} else if (app) {
		u8 *sec = buf + RAFTLOG_DISK_SNAPBLOB_SIZE + n;

		rl_snapblob_encode_app(sec, app->data, app->len);
		memcpy(sec + RAFTLOG_DISK_SNAPBLOB_APP_SIZE, app->data,
		       app->len);
		*lenp = size;
		*havep = size;
	} else {
		*lenp = size;
	}
	*blobp = buf;
	return 0;
}

/* Pieces of an application's state queued to the device at once. */
#define RL_SAVE_AHEAD	4

/*
 * Save the snapshot at meta whose blob is the have bytes at pfx followed
 * by the application's state (never built whole): through the device's
 * staging, a piece at a time from the application's copy, at most
 * RL_SAVE_AHEAD pieces queued (waiting for the device in between).  The
 * commit's ticket, or -errno.
 */
static s64 rl_snap_save_staged(struct rl_group *g,
			       const struct raft_snapshot_meta *meta,
			       const u8 *pfx, u64 have,
			       const struct rl_appsnap *app)
{
	s64 tk[RL_SAVE_AHEAD] = {};
	u8 conf[RL_CONF_MAX];
	u64 off, n, k;
	s64 t;
	int err;

	t = rl_storage_stage_begin(g->store, meta->index, meta->term, conf,
				   rl_store_conf_encode(&meta->conf, conf));
	if (t >= 0)
		t = rl_storage_stage_data(g->store, meta->index, 0, pfx, have);
	for (off = 0, k = 0; t >= 0 && off < app->len; off += n, k++) {
		n = min_t(u64, app->len - off, SZ_1M);
		err = rl_storage_wait(g->store, tk[k % RL_SAVE_AHEAD]);
		if (err)
			return err;
		t = rl_storage_stage_data(g->store, meta->index, have + off,
					  app->data + off, n);
		tk[k % RL_SAVE_AHEAD] = t;
		cond_resched();
	}
	if (t < 0)
		return t;
	return rl_storage_stage_commit(g->store, meta->index, have + app->len);
}

/*
 * Streaming (a group with a device): a chunk of the leader's snapshot,
 * handed out by the core in order, goes to the device's staging area as
 * it comes (storage_snap.c); kept here are only the blob's first bytes
 * and the checksum of the application's state, to check the blob with
 * once it is whole (rl_snap_rx_check), as rl_members_snap_check does a
 * blob in memory.  Offset 0 starts over.
 */
int rl_snap_chunk(struct rl_group *g, const struct raft_snapshot_chunk *c)
{
	struct rl_snap_rx *rx = g->rx;
	u8 conf[RL_CONF_MAX];
	u64 end = c->offset + c->len, aoff, from;
	s64 t;

	if (!rx) {
		rx = kzalloc(sizeof(*rx), GFP_KERNEL);
		if (!rx)
			return -ENOMEM;
		g->rx = rx;
	}
	if (c->offset == 0) {
		rx->index = 0;
		t = rl_storage_stage_begin(g->store, c->meta.index,
					   c->meta.term, conf,
					   rl_store_conf_encode(&c->meta.conf,
								conf));
		if (t < 0)
			return t;
		g->last_ticket = t;
		rx->index = c->meta.index;
		rx->term = c->meta.term;
		rx->len = 0;
		rx->app_crc = 0;
	} else if (rx->index != c->meta.index || rx->term != c->meta.term ||
		   rx->len != c->offset) {
		/* the core hands them out in order */
		return -EPROTO;
	}
	rx->at = jiffies;
	if (c->offset < sizeof(rx->pfx))
		memcpy(rx->pfx + c->offset, c->data,
		       min_t(u64, c->len, sizeof(rx->pfx) - c->offset));
	aoff = rl_snapblob_app_off(rx->pfx, min_t(u64, end, sizeof(rx->pfx)));
	if (aoff && end > aoff) {
		from = max(aoff, c->offset);
		rx->app_crc = rl_crc32c(rx->app_crc,
					c->data + (from - c->offset),
					end - from);
	}
	t = rl_storage_stage_data(g->store, c->meta.index, c->offset,
				  c->data, c->len);
	if (t < 0)
		return t;
	g->last_ticket = t;
	rx->len = end;
	return 0;
}

/*
 * The blob of the snapshot received (streaming) at index/term, len bytes:
 * 0 with its address section (in rx) and where the application's state
 * is in it (app_off 0: none), or -EUCLEAN.
 */
int rl_snap_rx_check(struct rl_group *g, u64 index, u64 term, u64 len,
		     const u8 **addrs, u32 *addrs_len, u64 *app_off,
		     u64 *app_len)
{
	struct rl_snap_rx *rx = g->rx;
	u64 aoff, alen;

	if (!rx || rx->index != index || rx->term != term || rx->len != len)
		return -EUCLEAN;
	if (rl_snapblob_decode_part(rx->pfx, min_t(u64, len, sizeof(rx->pfx)),
				    len, g->p.group_id, index, term,
				    rx->app_crc, addrs, addrs_len, &aoff,
				    &alen))
		return -EUCLEAN;
	if (app_off) {
		*app_off = aoff;
		*app_len = alen;
	}
	return 0;
}

/*
 * A SNAPSHOT message of a snapshot the device keeps (the core has only
 * its length): its chunk read from the current snapshot area into *data
 * (kvfree it).  -ESTALE while that snapshot is not durable yet (the core
 * sends the chunk again), or the read's error.
 */
int rl_snap_fill(struct rl_group *g, const struct raft_msg *m, u8 **data)
{
	u8 *buf;
	int err;

	buf = kvmalloc(m->snap_len, GFP_KERNEL | __GFP_NOWARN);
	if (!buf)
		return -ENOMEM;
	down_read(&g->store_sem);
	err = g->store ? rl_storage_snap_read(g->store, m->snap.index,
					      m->snap_offset, buf,
					      m->snap_len) : -ENODEV;
	up_read(&g->store_sem);
	if (err) {
		kvfree(buf);
		return err;
	}
	*data = buf;
	return 0;
}

/* The blob's application state in memory: where it is, its checksum. */
static void rl_snap_blob_app(const u8 *blob, u64 len, u64 *off, u64 *alen,
			     u32 *crc)
{
	*off = rl_snapblob_app_off(blob, len);
	*alen = *off ? len - *off : 0;
	*crc = *off ? rl_get_le32(blob + *off -
				   RAFTLOG_DISK_SNAPBLOB_APP_SIZE + 4) : 0;
}

/* Install a streamed snapshot: its staging becomes current. */
static int rl_snap_install_staged(struct rl_group *g,
				  const struct raft_snapshot *s)
{
	const u8 *addrs;
	u64 app_off, app_len;
	u32 alen;
	s64 t;
	int err;

	/* checked already (rl_members_ready) */
	err = rl_snap_rx_check(g, s->meta.index, s->meta.term, s->len, &addrs,
			       &alen, &app_off, &app_len);
	if (err)
		return err;
	t = rl_storage_stage_commit(g->store, s->meta.index, s->len);
	if (t < 0)
		return t;
	g->last_ticket = t;
	g->log_last = s->meta.index;
	g->rx->index = 0;
	if (!app_off) {
		rl_appsnap_set(g, NULL);
		return 0;
	}
	return rl_appsnap_on_device(g, s->meta.index, s->meta.term, app_off,
				    app_len, g->rx->app_crc, t);
}

/*
 * A snapshot from the leader replaces the log: store it (dropping any
 * suffix the store still holds, the core has), then restart the stream
 * after it.  The core hears it is installed once the store made it
 * durable (rl_io_complete or right after the ready).  Streamed (no data):
 * its staging becomes current.
 */
int rl_snap_install(struct rl_group *g, const struct raft_snapshot *s)
{
	u8 conf[RL_CONF_MAX];
	u32 conf_len;
	int err;
	s64 t;

	if (!g->volatile_log) {
		if (g->log_last > s->meta.index) {
			t = rl_storage_truncate(g->store, s->meta.index);
			if (t < 0)
				return t;
			g->last_ticket = t;
		}
	}
	if (!g->volatile_log && !s->data) {
		err = rl_snap_install_staged(g, s);
		if (err)
			return err;
		goto installed;
	}
	if (!g->volatile_log) {
		conf_len = rl_store_conf_encode(&s->meta.conf, conf);
		t = rl_storage_save_snapshot(g->store, s->meta.index,
					     s->meta.term, conf, conf_len,
					     s->data, s->len);
		if (t < 0)
			return t;
		g->last_ticket = t;
		g->log_last = s->meta.index;
	}
	/* checked already (rl_members_ready): -ENOMEM at worst */
	err = rl_appsnap_from_blob(g, s->meta.index, s->meta.term, s->data,
				   s->len);
	if (err)
		return err;
installed:
	rl_stream_cut(g, s->meta.index, true);
	trace_raftlog_snapshot_install(g, s);
	pr_info("group %u: node %llu installed a snapshot at %llu (term %llu)\n",
		g->p.group_id, g->p.node_id, s->meta.index, s->meta.term);
	return 0;
}

struct rl_compact {
	struct work_struct work;
	struct rl_group *g;
	u64 index;
	int err;
	struct completion done;
};

/*
 * Snapshot the group at index (worker only): the core drops its log up
 * to there and keeps the blob for followers behind it; the store saves
 * the snapshot, then discards the entries it covers (in that order, so
 * a crash in between leaves the log whole).
 */
/* Compact the core at index with the blob of a snapshot there. */
static int rl_core_compact(struct rl_group *g, u64 index,
			   const struct rl_appsnap *app, u8 **blob, u64 *len,
			   u64 *have)
{
	struct raft_conf *cf;
	int err;

	cf = kmalloc(sizeof(*cf), GFP_KERNEL);
	if (!cf)
		return -ENOMEM;
	raft_conf_at_index(g->raft, index, cf);
	err = rl_snap_blob_build(g, index, cf, app, blob, len, have);
	kfree(cf);
	if (err)
		return err;
	/* with a device, the core keeps the length, the device the bytes */
	err = raft_compact(g->raft, index, g->store ? NULL : *blob, *len);
	if (err) {
		kvfree(*blob);
		*blob = NULL;
	}
	return err;
}

/*
 * The core frees what it drops in one loop, about 140 us an entry on the
 * debug kernel: go there RL_CORE_STEP entries at a time, yielding in
 * between.  Every step leaves a whole snapshot (its own blob).
 */
static int rl_core_compact_steps(struct rl_group *g, u64 from, u64 index,
				 const struct rl_appsnap *app, u8 **blob,
				 u64 *len, u64 *have)
{
	int err;

	for (from += RL_CORE_STEP; from < index; from += RL_CORE_STEP) {
		err = rl_core_compact(g, from, NULL, blob, len, have);
		if (err)
			return err;
		kvfree(*blob);
		*blob = NULL;
		cond_resched();
	}
	return rl_core_compact(g, index, app, blob, len, have);
}

/*
 * Whether a snapshot of app fits the device's snapshot area, with the
 * largest book and configuration there can be (so that the store never
 * refuses it after the core compacted).
 */
static bool rl_snap_fits(struct rl_group *g, const struct rl_appsnap *app)
{
	u64 need = RAFTLOG_DISK_SNAPBLOB_SIZE + RAFTLOG_SNAPBLOB_ADDRS_MAX +
		   RAFTLOG_DISK_SNAPBLOB_APP_SIZE + app->len + RL_CONF_MAX;

	return !g->store || need <= rl_storage_snap_capacity(g->store);
}

/*
 * Compact at index (worker only), with the application's snapshot app
 * there or without (an operator's or retention's compaction, which may
 * not go past the application's snapshot: its application rebuilds its
 * state from the snapshot and the entries after it).
 */
int rl_compact_now(struct rl_group *g, u64 index, struct rl_appsnap *app)
{
	struct raft_snapshot_meta meta;
	struct raft_status st;
	u8 conf[RL_CONF_MAX];
	u32 conf_len;
	u8 *blob = NULL;
	u64 len, have;
	s64 t;
	int err;

	if (g->fail_err)
		return -EIO;
	raft_status(g->raft, &st);
	if (!index || index > st.applied)
		return -EINVAL;
	if (index <= st.snap_index)
		return -EALREADY;
	if (!app && g->app && index > g->app->index)
		return -EBUSY;
	/* it would end the staging of a snapshot being received */
	if (g->rx && g->rx->index && time_before(jiffies, g->rx->at + 10 * HZ))
		return -EBUSY;
	if (app) {
		if (!rl_snap_fits(g, app))
			return -ENOSPC;
		app->term = raft_term_at(g->raft, index);
	}
	err = rl_core_compact_steps(g, st.snap_index, index, app, &blob, &len,
				    &have);
	if (err)
		goto out;
	/* before the cut: a reader below it gets the snapshot, never -ERANGE */
	if (app)
		rl_appsnap_set(g, app);
	rl_members_compact(g, index);
	rl_stream_cut(g, index, false);
	rl_info_refresh(g);
	if (g->volatile_log)
		goto out;
	raft_snapshot_meta(g->raft, &meta);
	conf_len = rl_store_conf_encode(&meta.conf, conf);
	if (have < len)
		t = rl_snap_save_staged(g, &meta, blob, have, app);
	else
		t = rl_storage_save_snapshot(g->store, meta.index, meta.term,
					     conf, conf_len, blob, len);
	/* readers read the application's state from there from now on */
	if (t >= 0 && app) {
		u64 aoff, alen;
		u32 crc;

		rl_snap_blob_app(blob, len, &aoff, &alen, &crc);
		err = rl_appsnap_on_device(g, index, app->term, aoff, alen,
					   crc, t);
		if (err)
			goto out;
	}
	if (t >= 0) {
		g->last_ticket = t;
		t = rl_storage_compact(g->store, meta.index);
	}
	/* the log on the device is still whole: only report it */
	if (t < 0) {
		err = t;
		goto out;
	}
	g->last_ticket = t;
out:
	kvfree(blob);
	return err;
}

/*
 * Retention (worker, at each tick): once compact_at percent of the ring
 * is used (of what the log may use: rl_storage_room keeps a reserve),
 * compact up to the newest retain applied entries, so that a
 * log under sustained load runs at the device's pace instead of filling
 * it.  Only applied entries go (they are committed: the snapshot of the
 * log-as-state-machine is exact); followers behind the cut are caught up
 * through InstallSnapshot.  At least RL_RETAIN_STEP entries at a time,
 * as each compaction writes a snapshot, unless the ring is past halfway
 * from the watermark to full.  A ring full of retained entries is
 * backpressure (ENOSPC), never a failure.
 */
#define RL_RETAIN_STEP	256

void rl_snap_retain(struct rl_group *g)
{
	u32 pct = READ_ONCE(g->p.compact_at);
	u64 retain = READ_ONCE(g->p.retain);
	struct rl_storage_info in;
	u64 applied, target, used;
	int err;

	if (!g->store || g->fail_err || pct >= RL_COMPACT_NEVER)
		return;
	rl_storage_get_info(g->store, &in);
	if (in.error || !in.usable_blocks)
		return;
	used = div64_u64(in.used_blocks * 100, in.usable_blocks);
	/* the record index fills as the ring does when records are small */
	if (in.max_records)
		used = max(used, div64_u64(in.records * 100, in.max_records));
	if (used < pct)
		return;
	applied = rl_group_applied(g);
	target = applied > retain ? applied - retain : 0;
	/* never past the application's snapshot (the worker sets it) */
	if (g->app)
		target = min(target, g->app->index);
	if (target <= in.snap_index ||
	    (target < in.snap_index + RL_RETAIN_STEP && used < (pct + 100) / 2))
		return;
	err = rl_compact_now(g, target, NULL);
	if (!err) {
		g->c.auto_compactions++;
		return;
	}
	pr_warn_ratelimited("group %u: retention could not compact to %llu: %d\n",
			    g->p.group_id, target, err);
}

static void rl_compact_work(struct work_struct *w)
{
	struct rl_compact *c = container_of(w, struct rl_compact, work);

	c->err = rl_compact_now(c->g, c->index, NULL);
	trace_raftlog_compact(c->g, c->index, c->err);
	complete(&c->done);
}

int rl_group_compact(struct rl_group *g, u64 index)
{
	struct rl_compact c = { .g = g, .index = index };
	bool queued;
	int err;

	INIT_WORK_ONSTACK(&c.work, rl_compact_work);
	init_completion(&c.done);
	/* once stopping is set the queue is only drained, never fed */
	spin_lock(&g->in_lock);
	err = g->stopping ? -ENODEV : g->fail_err ? -EIO : 0;
	queued = !err && queue_work(g->wq, &c.work);
	spin_unlock(&g->in_lock);
	if (queued) {
		wait_for_completion(&c.done);
		err = c.err;
	}
	destroy_work_on_stack(&c.work);
	return err;
}
