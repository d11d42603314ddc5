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
#include "raft/raft.h"
#include "storage.h"
#include "group.h"
#include "group_int.h"
#include "rl_trace.h"

/*
 * Build the blob of a snapshot at index (worker only): the header, then
 * the book as of index for conf, the configuration in force there.  A
 * group without a transport has no one to dial: version 1, no section.
 * With an application snapshot: version 3, its section after the book.
 */
static int rl_snap_blob_build(struct rl_group *g, u64 index,
			      const struct raft_conf *conf,
			      const struct rl_appsnap *app, u8 **blobp,
			      u64 *lenp)
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
		size += RAFTLOG_DISK_SNAPBLOB_APP_SIZE + app->len;
	}
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
	if (app) {
		u8 *sec = buf + RAFTLOG_DISK_SNAPBLOB_SIZE + n;

		rl_snapblob_encode_app(sec, app->data, app->len);
		memcpy(sec + RAFTLOG_DISK_SNAPBLOB_APP_SIZE, app->data,
		       app->len);
	}
	*blobp = buf;
	*lenp = size;
	return 0;
}

/*
 * A snapshot from the leader replaces the log: store it (dropping any
 * suffix the store still holds, the core has), then restart the stream
 * after it.  The core hears it is installed once the store made it
 * durable (rl_io_complete or right after the ready).
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
			   const struct rl_appsnap *app, u8 **blob, u64 *len)
{
	struct raft_conf *cf;
	int err;

	cf = kmalloc(sizeof(*cf), GFP_KERNEL);
	if (!cf)
		return -ENOMEM;
	raft_conf_at_index(g->raft, index, cf);
	err = rl_snap_blob_build(g, index, cf, app, blob, len);
	kfree(cf);
	if (err)
		return err;
	err = raft_compact(g->raft, index, *blob, *len);
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
				 u64 *len)
{
	int err;

	for (from += RL_CORE_STEP; from < index; from += RL_CORE_STEP) {
		err = rl_core_compact(g, from, NULL, blob, len);
		if (err)
			return err;
		kvfree(*blob);
		*blob = NULL;
		cond_resched();
	}
	return rl_core_compact(g, index, app, blob, len);
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
	u64 len;
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
	if (app) {
		if (!rl_snap_fits(g, app))
			return -ENOSPC;
		app->term = raft_term_at(g->raft, index);
	}
	err = rl_core_compact_steps(g, st.snap_index, index, app, &blob, &len);
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
	t = rl_storage_save_snapshot(g->store, meta.index, meta.term, conf,
				     conf_len, blob, len);
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
