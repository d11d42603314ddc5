// SPDX-License-Identifier: GPL-2.0
/*
 * Reading entries back for the core.  The core keeps only a window of the
 * log in memory (max_log_mem); when a leader's peer needs older entries it
 * asks for them in its ready (struct raft_fetch).  The group's worker must
 * not wait for the device while it drives the core, so the reads run in a
 * work item of their own on an unbound workqueue: it reads the entries
 * from the store into freshly allocated buffers and hands them back
 * through a list the worker drains at its next step (raft_fetched()).
 *
 * Memory: at most RL_FETCH_MAX requests are queued (the core asks once per
 * peer at a time, so this is never reached by a correct core), and an
 * answer holds at most the core's max_size_per_msg of payload.
 */
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include "group_int.h"
#include "storage.h"

#define RL_FETCH_MAX	(2 * RAFT_MAX_MEMBERS)

struct rl_fetch {
	struct list_head node;
	struct raft_fetch f;
	struct raft_entry *ents;
	u32 n;
	u32 cap;
	u64 bytes;
	int err;
};

static void rl_fetch_free(struct rl_fetch *fe)
{
	u32 i;

	for (i = 0; i < fe->n; i++)
		kvfree(fe->ents[i].data);
	kfree(fe->ents);
	kfree(fe);
}

/* Queue the core's fetches; called by the worker after raft_ready(). */
void rl_fetch_queue(struct rl_group *g, const struct raft_fetch *f, u32 n)
{
	struct rl_fetch *fe;
	u32 i;

	for (i = 0; i < n; i++) {
		fe = kzalloc(sizeof(*fe), GFP_KERNEL | __GFP_NOWARN);
		/* a fetch not queued is asked again by the core later */
		if (!fe)
			break;
		fe->f = f[i];
		spin_lock(&g->in_lock);
		if (g->stopping || g->n_fetch >= RL_FETCH_MAX) {
			spin_unlock(&g->in_lock);
			kfree(fe);
			break;
		}
		list_add_tail(&fe->node, &g->fetch_todo);
		g->n_fetch++;
		queue_work(system_unbound_wq, &g->fetch_work);
		spin_unlock(&g->in_lock);
	}
}

/* rl_storage_entries() callback: keep a copy of one entry. */
static int rl_fetch_take(void *ctx, const struct rl_entry *e)
{
	struct rl_fetch *fe = ctx;
	struct raft_entry *d;

	if (fe->n >= fe->cap)
		return -ENOSPC;
	if (fe->n && fe->bytes + e->len > fe->f.max_bytes)
		return -ENOSPC;
	d = &fe->ents[fe->n];
	d->index = e->index;
	d->term = e->term;
	d->type = rl_store_type_from_disk(e->type);
	d->len = e->len;
	d->data = NULL;
	if (e->len) {
		/* the store holds its read lock: no reclaim through I/O */
		d->data = kvmalloc(e->len, GFP_KERNEL | __GFP_NOWARN);
		if (!d->data)
			return -ENOMEM;
		memcpy(d->data, e->data, e->len);
	}
	fe->bytes += e->len;
	fe->n++;
	return 0;
}

/* Read one fetch's entries: as many as one call of the store gives. */
static void rl_fetch_read(struct rl_group *g, struct rl_fetch *fe)
{
	u64 index = fe->f.lo;
	int ret;

	if (fe->f.hi < fe->f.lo || !fe->f.max_count) {
		fe->err = -EINVAL;
		return;
	}
	fe->cap = min_t(u64, fe->f.max_count, fe->f.hi - fe->f.lo + 1);
	fe->ents = kcalloc(fe->cap, sizeof(*fe->ents),
			   GFP_KERNEL | __GFP_NOWARN);
	if (!fe->ents) {
		fe->err = -ENOMEM;
		return;
	}
	down_read(&g->store_sem);
	while (fe->n < fe->cap && !fe->err) {
		if (!g->store) {
			fe->err = -ENODEV;
			break;
		}
		ret = rl_storage_entries(g->store, index, fe->cap - fe->n,
					 rl_fetch_take, fe);
		if (ret <= 0) {
			/* what was taken before the limit is an answer */
			if (!fe->n || (ret != -ENOSPC && ret != 0))
				fe->err = ret ? ret : -ENOENT;
			break;
		}
		index += ret;
		cond_resched();
	}
	up_read(&g->store_sem);
}

/* The fetch work: read each queued fetch, hand it to the worker. */
void rl_fetch_work(struct work_struct *w)
{
	struct rl_group *g = container_of(w, struct rl_group, fetch_work);
	struct rl_fetch *fe;

	for (;;) {
		spin_lock(&g->in_lock);
		fe = list_first_entry_or_null(&g->fetch_todo, struct rl_fetch,
					      node);
		if (fe)
			list_del(&fe->node);
		spin_unlock(&g->in_lock);
		if (!fe)
			return;
		rl_fetch_read(g, fe);
		spin_lock(&g->in_lock);
		list_add_tail(&fe->node, &g->fetch_done);
		if (!g->stopping)
			queue_work(g->wq, &g->run_work);
		spin_unlock(&g->in_lock);
	}
}

/* The worker: give the core what was read.  Returns how many. */
u32 rl_fetch_deliver(struct rl_group *g)
{
	struct rl_fetch *fe, *tmp;
	LIST_HEAD(done);
	u32 n = 0;

	spin_lock(&g->in_lock);
	list_splice_init(&g->fetch_done, &done);
	spin_unlock(&g->in_lock);
	list_for_each_entry_safe(fe, tmp, &done, node) {
		list_del(&fe->node);
		/* counted here only: this is the worker's counter */
		if (fe->err)
			g->c.fetch_errors++;
		if (g->raft &&
		    raft_fetched(g->raft, &fe->f, fe->ents, fe->n, fe->err))
			g->c.fetch_errors++;
		g->c.fetched += fe->n;
		spin_lock(&g->in_lock);
		g->n_fetch--;
		spin_unlock(&g->in_lock);
		rl_fetch_free(fe);
		n++;
	}
	return n;
}

/* Teardown: after g->stopping is set, nothing queues fetches any more. */
void rl_fetch_stop(struct rl_group *g)
{
	struct rl_fetch *fe, *tmp;

	cancel_work_sync(&g->fetch_work);
	list_for_each_entry_safe(fe, tmp, &g->fetch_todo, node) {
		list_del(&fe->node);
		rl_fetch_free(fe);
	}
	list_for_each_entry_safe(fe, tmp, &g->fetch_done, node) {
		list_del(&fe->node);
		rl_fetch_free(fe);
	}
	g->n_fetch = 0;
}
