// SPDX-License-Identifier: GPL-2.0
/*
 * Requests: a proposal, a read barrier or a control request travels from
 * its caller to the group's worker in a struct rl_req (queued on inq,
 * then held in the inflight table while the core has it) and back with
 * its outcome.  The calls for the character device (propose, barrier,
 * their asynchronous forms for io_uring, the status) are here too.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/ktime.h>
#include <linux/spinlock.h>
#include <linux/list.h>
#include <linux/xarray.h>
#include <linux/workqueue.h>
#include <linux/completion.h>
#include <linux/refcount.h>
#include <linux/uaccess.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <linux/raftlog.h>
#include "group.h"
#include "group_int.h"

void rl_req_put(struct rl_req *rq)
{
	if (refcount_dec_and_test(&rq->ref)) {
		kfree(rq->data);
		rl_appsnap_put(rq->app);
		kfree(rq);
	}
}

void rl_group_req_put(struct rl_req *rq)
{
	rl_req_put(rq);
}

bool rl_group_req_arm(struct rl_req *rq, rl_req_done_fn fn, void *ctx)
{
	bool armed;

	spin_lock(&rq->fn_lock);
	armed = !rq->finished;
	if (armed) {
		rq->fn = fn;
		rq->fn_ctx = ctx;
	}
	spin_unlock(&rq->fn_lock);
	return armed;
}

int rl_group_req_result(struct rl_req *rq, u64 *index, u64 *term)
{
	*index = rq->index;
	*term = rq->term;
	return rq->err;
}

bool rl_group_req_cancel(struct rl_req *rq)
{
	bool had;

	spin_lock(&rq->fn_lock);
	had = rq->fn;
	rq->fn = NULL;
	spin_unlock(&rq->fn_lock);
	return had;
}

/* Complete a request taken out of inq/inflight; drops the group's ref. */
void rl_req_finish(struct rl_group *g, struct rl_req *rq, int err,
		   u64 index, u64 term)
{
	rl_req_done_fn fn;

	rq->err = err;
	rq->index = index;
	rq->term = term;
	kfree(rq->data);
	rq->data = NULL;
	rl_appsnap_put(rq->app);
	rq->app = NULL;
	spin_lock(&rq->fn_lock);
	rq->finished = true;
	fn = rq->fn;
	rq->fn = NULL;
	spin_unlock(&rq->fn_lock);
	if (fn)
		fn(rq->fn_ctx, err, index, term);
	complete(&rq->done);
	spin_lock(&g->in_lock);
	g->n_pending--;
	spin_unlock(&g->in_lock);
	wake_up_interruptible(&g->room_wq);
	wake_up_interruptible_poll(&g->stream_wq, EPOLLOUT);
	rl_req_put(rq);
}

/*
 * Queue a request for the worker.  Returns 0, -EAGAIN (queue full and
 * nonblock), -ERESTARTSYS, -EIO (failed), -ENODEV (stopped).
 */
int rl_req_submit(struct rl_group *g, struct rl_req *rq, bool nonblock)
{
	int err;

	for (;;) {
		spin_lock(&g->in_lock);
		if (g->stopping) {
			err = -ENODEV;
		} else if (g->fail_err) {
			err = -EIO;
		} else if (g->n_pending < g->p.max_pending) {
			rq->id = g->next_id++;
			g->n_pending++;
			refcount_inc(&rq->ref);	/* the group's */
			list_add_tail(&rq->node, &g->inq);
			queue_work(g->wq, &g->run_work);
			err = 0;
		} else {
			err = -EAGAIN;
		}
		spin_unlock(&g->in_lock);
		if (err != -EAGAIN || nonblock)
			return err;
		err = wait_event_interruptible(g->room_wq,
					       READ_ONCE(g->n_pending) <
					       g->p.max_pending ||
					       READ_ONCE(g->stopping) ||
					       READ_ONCE(g->fail_err));
		if (err)
			return err;
	}
}

/*
 * A request is made by a caller (a file of the character device, a
 * netlink command) and held until it ends, pending up to max_pending at
 * a time: it is charged to the caller's memory cgroup, as is a
 * proposal's copy of its payload until the core has it.  What the core
 * keeps (its log, bounded by the group's log_mem and uncommitted budget)
 * is the group's and not charged to anyone.
 */
struct rl_req *rl_req_alloc(u8 kind)
{
	struct rl_req *rq = kzalloc(sizeof(*rq), GFP_KERNEL_ACCOUNT);

	if (!rq)
		return NULL;
	refcount_set(&rq->ref, 1);
	init_completion(&rq->done);
	INIT_LIST_HEAD(&rq->node);
	INIT_LIST_HEAD(&rq->wait_node);
	spin_lock_init(&rq->fn_lock);
	rq->kind = kind;
	rq->t0 = ktime_get_ns();
	return rq;
}

void rl_group_status(struct rl_group *g, struct raftlog_status *out)
{
	memset(out, 0, sizeof(*out));
	out->group_id = g->p.group_id;
	out->node_id = g->p.node_id;
	out->max_entry = g->p.max_entry;
	out->max_pending = g->p.max_pending;
	spin_lock(&g->in_lock);
	out->pending = g->n_pending;
	if (g->fail_err)
		out->flags |= RAFTLOG_STATUS_F_FAILED;
	if (g->fail_err == -EIDRM)
		out->flags |= RAFTLOG_STATUS_F_REMOVED;
	spin_unlock(&g->in_lock);
	spin_lock(&g->stream_lock);
	out->term = g->st.term;
	out->vote = g->st.vote;
	out->leader = g->st.lead;
	/* the snapshot is refreshed after each step; applied may be newer */
	out->commit = max(g->st.commit, g->applied);
	out->applied = g->applied;
	out->first_index = g->first_index;
	out->last_index = max(g->st.last_index, out->commit);
	out->role = g->st.role;
	out->n_voters = g->st.conf.n_voters;
	out->n_learners = g->st.conf.n_learners;
	spin_unlock(&g->stream_lock);
	rl_appsnap_status(g, out);
}

/* Wait for a submitted request; returns its error or -EINTR. */
static int rl_req_wait(struct rl_req *rq)
{
	if (wait_for_completion_interruptible(&rq->done))
		return -EINTR;
	return rq->err;
}

/* A proposal of the len bytes at data (copied), or an ERR_PTR. */
static struct rl_req *rl_req_propose_alloc(struct rl_group *g,
					   const void __user *data, u32 len)
{
	struct rl_req *rq;

	if (!len || len > g->p.max_entry)
		return ERR_PTR(-EMSGSIZE);
	rq = rl_req_alloc(RL_REQ_PROPOSE);
	if (!rq)
		return ERR_PTR(-ENOMEM);
	/*
	 * Charged to the caller (memdup_user is not); freed with kfree()
	 * once the core copied it or the request ended (rl_req_finish).
	 */
	rq->data = kmalloc(len, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!rq->data) {
		rl_req_put(rq);
		return ERR_PTR(-ENOMEM);
	}
	if (copy_from_user(rq->data, data, len)) {
		rl_req_put(rq);
		return ERR_PTR(-EFAULT);
	}
	rq->len = len;
	return rq;
}

int rl_group_propose(struct rl_group *g, const void __user *data, u32 len,
		     bool nonblock, u64 *index, u64 *term)
{
	struct rl_req *rq;
	int err;

	rq = rl_req_propose_alloc(g, data, len);
	if (IS_ERR(rq))
		return PTR_ERR(rq);
	err = rl_req_submit(g, rq, nonblock);
	if (!err)
		err = rl_req_wait(rq);
	if (!err) {
		*index = rq->index;
		*term = rq->term;
	}
	rl_req_put(rq);
	return err;
}

/* Queue rq as an asynchronous request: rq, or an ERR_PTR (rq dropped). */
struct rl_req *rl_req_submit_async(struct rl_group *g, struct rl_req *rq,
				   bool nonblock)
{
	int err;

	rq->async = true;
	err = rl_req_submit(g, rq, nonblock);
	if (!err)
		return rq;
	rl_req_put(rq);
	return ERR_PTR(err == -ERESTARTSYS ? -EINTR : err);
}

struct rl_req *rl_group_propose_async(struct rl_group *g,
				      const void __user *data, u32 len,
				      bool nonblock)
{
	struct rl_req *rq;

	rq = rl_req_propose_alloc(g, data, len);
	if (IS_ERR(rq))
		return rq;
	return rl_req_submit_async(g, rq, nonblock);
}

struct rl_req *rl_group_barrier_async(struct rl_group *g, bool nonblock)
{
	struct rl_req *rq;

	rq = rl_req_alloc(RL_REQ_BARRIER);
	if (!rq)
		return ERR_PTR(-ENOMEM);
	return rl_req_submit_async(g, rq, nonblock);
}

int rl_group_barrier(struct rl_group *g, u64 *index)
{
	struct rl_req *rq;
	u64 applied;
	int err;

	rq = rl_req_alloc(RL_REQ_BARRIER);
	if (!rq)
		return -ENOMEM;
	err = rl_req_submit(g, rq, false);
	if (!err)
		err = rl_req_wait(rq);
	if (!err) {
		*index = rq->index;
		if (rq->index)
			err = rl_group_wait(g, rq->index, 0, &applied);
	}
	rl_req_put(rq);
	return err == -ERESTARTSYS ? -EINTR : err;
}

/* Complete the asynchronous barriers whose index is applied (worker). */
void rl_barriers_check(struct rl_group *g, int err)
{
	struct rl_req *rq, *tmp;

	list_for_each_entry_safe(rq, tmp, &g->barriers, wait_node) {
		if (!err && rq->index > READ_ONCE(g->applied))
			continue;
		list_del_init(&rq->wait_node);
		rl_req_finish(g, rq, err, rq->index, 0);
	}
}
