// SPDX-License-Identifier: GPL-2.0
/*
 * The committed stream: the worker publishes committed entries as
 * records in a ring readers copy from (group_read.c), cuts it after a
 * snapshot, and wakes whoever waits for an index to be applied or polls.
 * Readers take stream_lock; only the worker (or the group stopping)
 * publishes and trims.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/refcount.h>
#include <linux/wait.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/raftlog.h>
#include "group.h"
#include "group_int.h"

static void rl_record_put(struct rl_record *e)
{
	if (refcount_dec_and_test(&e->ref))
		kfree(e);
}

/* Drop the oldest cached entry; stream_lock held. */
static void rl_ring_evict(struct rl_group *g)
{
	struct rl_record **slot = &g->ring[g->ring_first & g->ring_mask];

	if (*slot) {
		g->ring_bytes -= (*slot)->len;
		rl_record_put(*slot);
		*slot = NULL;
	}
	g->ring_first++;
	/* volatile: an evicted entry cannot be read back */
	if (g->volatile_log && g->first_index < g->ring_first)
		g->first_index = g->ring_first;
}

/*
 * Drop the cached entries up to last (U64_MAX: all), RL_TRIM_CHUNK per
 * hold of stream_lock: a ring can hold a million entries, too many to
 * free with a spinlock held (readers take their own references).  Worker
 * or stopping only, so nothing publishes meanwhile.
 */
void rl_stream_trim(struct rl_group *g, u64 last)
{
	bool more = true;
	u32 n;

	while (more) {
		spin_lock(&g->stream_lock);
		for (n = 0; n < RL_TRIM_CHUNK && g->ring_first <= g->applied &&
		     g->ring_first <= last; n++)
			rl_ring_evict(g);
		more = g->ring_first <= g->applied && g->ring_first <= last;
		spin_unlock(&g->stream_lock);
		if (more)
			cond_resched();
	}
}

/*
 * The readers' copy of a committed entry, or NULL when memory is short
 * (after waiting for it where nothing else can serve the readers).
 */
static struct rl_record *rl_record_new(struct rl_group *g,
				       const struct raft_entry *re)
{
	struct rl_record *e;

	/* with a store, readers read what is not cached from it */
	e = rl_nomem_alloc(g, RL_NOMEM_PUBLISH, struct_size(e, data, re->len),
			   0, !!g->store);
	if (!e)
		return NULL;
	refcount_set(&e->ref, 1);
	e->index = re->index;
	e->term = re->term;
	e->len = re->len;
	e->flags = 0;
	if (re->type == RAFT_ENTRY_CONF_CHANGE)
		e->flags |= RAFTLOG_RECORD_F_CONF;
	else if (!re->len)
		e->flags |= RAFTLOG_RECORD_F_NOOP;
	if (re->len)
		memcpy(e->data, re->data, re->len);
	return e;
}

/*
 * Publish the entry at @index, cached as @e, or uncached (@e NULL): the
 * cache then empties, so what it holds stays one run of indexes up to
 * applied, and readers read the rest from the store.  stream_lock held.
 */
static int rl_stream_put(struct rl_group *g, u64 index, struct rl_record *e)
{
	if (WARN_ON_ONCE(index != g->applied + 1))
		return -EIO;
	if (!e) {
		while (g->ring_first <= g->applied)
			rl_ring_evict(g);
		g->applied = index;
		g->ring_first = index + 1;
		return 0;
	}
	while (g->ring_first <= g->applied &&
	       (g->applied + 1 - g->ring_first > g->ring_mask ||
		g->ring_bytes + e->len > g->cache_mem))
		rl_ring_evict(g);
	if (g->ring_first > g->applied)
		g->ring_first = e->index;
	g->ring[e->index & g->ring_mask] = e;
	g->ring_bytes += e->len;
	g->applied = e->index;
	return 0;
}

int rl_stream_publish(struct rl_group *g, const struct raft_entry *ents,
		      u64 n)
{
	u64 i;
	int err;

	for (i = 0; i < n; i++) {
		const struct raft_entry *re = &ents[i];
		struct rl_record *e = rl_record_new(g, re);

		if (!e && !g->store)
			return -ENOMEM;
		spin_lock(&g->stream_lock);
		err = rl_stream_put(g, re->index, e);
		spin_unlock(&g->stream_lock);
		if (err) {
			kfree(e);
			return err;
		}
		g->c.commits++;
		g->c.commit_bytes += re->len;
		/* a restart publishes the whole recovered log at once */
		if (!(i & (RL_TRIM_CHUNK - 1)))
			cond_resched();
	}
	if (n)
		wake_up_interruptible_poll(&g->stream_wq, EPOLLIN | EPOLLRDNORM);
	return 0;
}

/* Readers restart after a snapshot: nothing at or below it is readable. */
void rl_stream_cut(struct rl_group *g, u64 index, bool reset)
{
	spin_lock(&g->stream_lock);
	if (g->first_index <= index)
		g->first_index = index + 1;
	spin_unlock(&g->stream_lock);
	rl_stream_trim(g, reset ? U64_MAX : index);
	spin_lock(&g->stream_lock);
	if (reset && g->applied < index) {
		g->applied = index;
		g->ring_first = index + 1;
	}
	spin_unlock(&g->stream_lock);
	wake_up_interruptible_poll(&g->stream_wq, EPOLLIN | EPOLLRDNORM);
}

static bool rl_waited(struct rl_group *g, u64 index)
{
	return READ_ONCE(g->applied) >= index || READ_ONCE(g->dead) ||
	       READ_ONCE(g->fail_err);
}

int rl_group_wait(struct rl_group *g, u64 index, u32 timeout_ms, u64 *applied)
{
	long ret;

	if (!index)
		return -EINVAL;
	if (timeout_ms) {
		ret = wait_event_interruptible_timeout(g->stream_wq,
						       rl_waited(g, index),
						       msecs_to_jiffies(timeout_ms));
		if (!ret)
			ret = -ETIMEDOUT;
	} else {
		ret = wait_event_interruptible(g->stream_wq,
					       rl_waited(g, index));
	}
	*applied = READ_ONCE(g->applied);
	if (*applied >= index)
		return 0;
	if (ret < 0)
		return ret == -ERESTARTSYS ? -EINTR : (int)ret;
	return READ_ONCE(g->dead) ? -ENODEV : -EIO;
}

u64 rl_group_first_index(struct rl_group *g)
{
	u64 v;

	spin_lock(&g->stream_lock);
	v = g->first_index;
	spin_unlock(&g->stream_lock);
	/* with an application snapshot, a new reader starts with it */
	return rl_appsnap_first(g, v);
}

u64 rl_group_applied(struct rl_group *g)
{
	return READ_ONCE(g->applied);
}

int rl_group_check_pos(struct rl_group *g, u64 index)
{
	int err = 0;

	spin_lock(&g->stream_lock);
	if (g->dead)
		err = -ENODEV;
	else if (!index)
		err = -EINVAL;
	else if (index < g->first_index &&
		 !(g->app && index >= g->app->index))
		err = -ERANGE;
	else if (index > g->applied + 1)
		err = -ENXIO;
	spin_unlock(&g->stream_lock);
	return err;
}

wait_queue_head_t *rl_group_waitq(struct rl_group *g)
{
	return &g->stream_wq;
}

__poll_t rl_group_poll_mask(struct rl_group *g, u64 pos)
{
	__poll_t mask = 0;

	if (READ_ONCE(g->dead))
		return EPOLLHUP | EPOLLERR;
	if (READ_ONCE(g->applied) >= pos)
		mask |= EPOLLIN | EPOLLRDNORM;
	spin_lock(&g->in_lock);
	if (g->fail_err)
		mask |= EPOLLERR;
	else if (g->n_pending < g->p.max_pending)
		mask |= EPOLLOUT | EPOLLWRNORM;
	spin_unlock(&g->in_lock);
	return mask;
}
