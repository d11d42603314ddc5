// SPDX-License-Identifier: GPL-2.0
/*
 * Requests that always end (issue 15): when a group fails, a request
 * still in its queue (not yet taken by the worker) ends with EIO, and a
 * read() blocked past the end of the log returns EIO.  A real volatile
 * group in the initial namespace; its worker is held by a work item of
 * the test's, so requests queue up behind it, and the failure is the one
 * the store reports (store_err), seen by the worker's next step.
 * Also here, because it needs the same held worker: what peers send
 * waits for the worker in a queue bounded in bytes, not only in count.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/workqueue.h>
#include <linux/raftlog.h>
#include <net/net_namespace.h>
#include <kunit/test.h>
#include "group_int.h"
#include "kt_group.h"

#define END_GROUP	3901
#define END_REQS	4

struct end_hold {
	struct work_struct work;
	struct completion running;
	struct completion release;
};

static void end_hold_fn(struct work_struct *w)
{
	struct end_hold *h = container_of(w, struct end_hold, work);

	complete(&h->running);
	wait_for_completion(&h->release);
}

static struct rl_group *end_group(struct kunit *test)
{
	return kt_group_create(test, "id=3901,node=1,tick_ms=20");
}

/* The store's failure, as group_store.c reports it; the worker acts. */
static void end_fail(struct rl_group *g)
{
	spin_lock(&g->in_lock);
	g->store_err = -EIO;
	spin_unlock(&g->in_lock);
	queue_work(g->wq, &g->run_work);
}

static void queued_requests_get_eio(struct kunit *test)
{
	struct rl_group *g = end_group(test);
	struct rl_req *rq[END_REQS];
	struct end_hold h;
	int i, n = 0;

	INIT_WORK_ONSTACK(&h.work, end_hold_fn);
	init_completion(&h.running);
	init_completion(&h.release);
	queue_work(g->wq, &h.work);
	wait_for_completion(&h.running);
	/* the worker is held: these stay in the queue */
	for (i = 0; i < END_REQS; i++) {
		rq[i] = rl_group_barrier_async(g, true);
		if (IS_ERR(rq[i]))
			break;
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, END_REQS);
	end_fail(g);
	complete(&h.release);
	flush_work(&h.work);
	destroy_work_on_stack(&h.work);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_TRUE_MSG(test,
				      wait_for_completion_timeout(&rq[i]->done,
								  5 * HZ),
				      "queued request %d never ended", i);
		KUNIT_EXPECT_EQ(test, READ_ONCE(rq[i]->err), -EIO);
	}
	/* and nothing new is taken */
	KUNIT_EXPECT_PTR_EQ(test, rl_group_barrier_async(g, true),
			    ERR_PTR(-EIO));
	KUNIT_EXPECT_EQ(test, rl_group_destroy(&init_net, END_GROUP), 0);
	for (i = 0; i < n; i++)
		rl_group_req_put(rq[i]);
	rl_group_put(g);
}

struct end_reader {
	struct rl_group *g;
	u64 pos;
	ssize_t ret;
	struct completion done;
};

static int end_reader_fn(void *arg)
{
	struct end_reader *r = arg;

	/* nothing is copied on this path: no user buffer is needed */
	r->ret = rl_group_read(r->g, &r->pos, NULL,
			       sizeof(struct raftlog_record), false);
	complete(&r->done);
	return 0;
}

static void blocked_read_gets_eio(struct kunit *test)
{
	struct end_reader *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct rl_group *g = end_group(test);
	struct task_struct *t;
	u64 pos = 1000;
	bool ended;

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->g = g;
	r->pos = pos;
	init_completion(&r->done);
	t = kthread_run(end_reader_fn, r, "rl-end-reader");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	/*
	 * It waits for index 1000, which never comes.  (A wait that
	 * returns took the completion: the last one is only for a reader
	 * not seen to end.)
	 */
	ended = wait_for_completion_timeout(&r->done, HZ / 5);
	KUNIT_EXPECT_FALSE(test, ended);
	end_fail(g);
	if (!ended)
		ended = wait_for_completion_timeout(&r->done, 5 * HZ);
	KUNIT_EXPECT_TRUE_MSG(test, ended, "blocked read() never ended");
	/* a read that would not block says so too */
	KUNIT_EXPECT_EQ(test, rl_group_read(g, &pos, NULL,
					    sizeof(struct raftlog_record),
					    true), -EIO);
	/* without the fix: only the destroy below ends it (ENODEV) */
	KUNIT_EXPECT_EQ(test, rl_group_destroy(&init_net, END_GROUP), 0);
	if (!ended)
		wait_for_completion(&r->done);
	KUNIT_EXPECT_EQ(test, r->ret, -EIO);
	KUNIT_EXPECT_EQ(test, r->pos, pos);
	rl_group_put(g);
}

/*
 * A peer sends snapshot chunks of 1 MiB faster than the worker steps
 * (held here): the inbound queue stops at RL_INMSG_BYTES, far below its
 * 4096-message count limit; the rest is dropped, counted, and stays the
 * sender's to free.
 */
static void inbound_queue_bounded_in_bytes(struct kunit *test)
{
	struct rl_group *g = end_group(test);
	u32 i, taken = 0, sent = 40;
	struct end_hold h;
	struct raft_msg m;

	INIT_WORK_ONSTACK(&h.work, end_hold_fn);
	init_completion(&h.running);
	init_completion(&h.release);
	queue_work(g->wq, &h.work);
	wait_for_completion(&h.running);
	for (i = 0; i < sent; i++) {
		memset(&m, 0, sizeof(m));
		m.type = RAFT_MSG_SNAPSHOT;
		m.from = 2;
		m.to = 1;
		m.term = 1;
		m.snap_offset = (u64)i * RAFTLOG_MSG_MAX_DATA;
		/* only its length is looked at before the worker steps it */
		m.snap_len = RAFTLOG_MSG_MAX_DATA;
		m.snap_data = kzalloc(8, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, m.snap_data);
		rl_msgs_recv(g, &m);
		taken += !m.snap_data;
		kfree(m.snap_data);	/* refused: still ours */
	}
	spin_lock(&g->in_lock);
	KUNIT_EXPECT_EQ(test, g->n_inmsgs, taken);
	KUNIT_EXPECT_LE(test, g->in_bytes, (u64)RL_INMSG_BYTES);
	KUNIT_EXPECT_EQ(test, g->msgs_in_dropped, (u64)(sent - taken));
	spin_unlock(&g->in_lock);
	KUNIT_EXPECT_GE(test, taken, 4U);
	KUNIT_EXPECT_LT(test, taken, sent);
	/* the worker never sees them: the group's teardown frees them */
	rl_msgs_stop(g);
	complete(&h.release);
	flush_work(&h.work);
	destroy_work_on_stack(&h.work);
	KUNIT_EXPECT_EQ(test, rl_group_destroy(&init_net, END_GROUP), 0);
	rl_group_put(g);
}

static struct kunit_case end_cases[] = {
	KUNIT_CASE(queued_requests_get_eio),
	KUNIT_CASE(blocked_read_gets_eio),
	KUNIT_CASE(inbound_queue_bounded_in_bytes),
	{}
};

static struct kunit_suite end_suite = {
	.name = "raftlog_group_end",
	.test_cases = end_cases,
};

kunit_test_suite(end_suite);
