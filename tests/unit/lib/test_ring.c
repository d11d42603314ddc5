// SPDX-License-Identifier: GPL-2.0
/*
 * libraftlog's io_uring bookkeeping, on the host: commands sent to a
 * regular file (which has no uring_cmd) all complete with EOPNOTSUPP,
 * which is enough to check that every completion comes back once, with
 * its user_data and kind, to the array or to its callback as it was
 * queued; that depth bounds what is in flight; that a reap stops when
 * its array is full and leaves the rest for the next one; and that a
 * callback may queue the next command.  Needs io_uring with CQE32
 * (5.19+): where the host has none, the cases say so and check nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "libraftlog.h"
#include "rltest.h"

static struct raftlog *rl;
static char path[] = "/tmp/rl-test-ring-XXXXXX";

/* RL_EXPECT_EQ evaluates its arguments twice: calls go through this. */
#define EXPECT_CALL(call, want)						\
	do {								\
		long long v_ = (call);					\
									\
		RL_EXPECT_EQ(v_, want);					\
	} while (0)

/* A handle on a regular file, and a ring; false if io_uring is missing. */
static int setup(RL_T *rl_t, unsigned int depth, struct raftlog_ring **ring)
{
	int fd = mkstemp(path), err;

	if (fd < 0) {
		RL_FAIL("mkstemp: %d", errno);
		return 0;
	}
	close(fd);
	err = raftlog_open(path, O_RDWR, &rl);
	unlink(path);
	memcpy(path + sizeof(path) - 7, "XXXXXX", 6);
	if (err) {
		RL_FAIL("raftlog_open: %d", err);
		return 0;
	}
	err = raftlog_ring_create(depth, ring);
	if (err == -ENOSYS || err == -EPERM || err == -EINVAL) {
		RL_LOG("io_uring with CQE32 unavailable here (%d): not checked", err);
		raftlog_close(rl);
		return 0;
	}
	RL_EXPECT_EQ(err, 0);
	return !err;
}

RL_TEST(bad_depth_is_einval)
{
	struct raftlog_ring *ring = NULL;

	EXPECT_CALL(raftlog_ring_create(0, &ring), -EINVAL);
	EXPECT_CALL(raftlog_ring_create(32769, &ring), -EINVAL);
	RL_EXPECT(ring == NULL);
}

RL_TEST(each_completion_once_with_its_user_data)
{
	struct raftlog_completion c[2];
	struct raftlog_ring *ring;
	int seen[4] = { 0 }, got = 0, n, loops = 0;
	static const char data[] = "payload";

	if (!setup(rl_t, 4, &ring))
		return;
	for (int i = 0; i < 4; i++)
		EXPECT_CALL(raftlog_ring_propose(ring, rl, data, 7, 100 + i), 0);
	EXPECT_CALL(raftlog_ring_inflight(ring), 4);
	/* depth 4: a fifth has no room until something is reaped */
	EXPECT_CALL(raftlog_ring_propose(ring, rl, data, 7, 999), -EBUSY);
	EXPECT_CALL(raftlog_ring_barrier(ring, rl, 999), -EBUSY);
	while (got < 4 && loops++ < 100) {
		/* at most 2 per call: the rest wait for the next reap */
		n = raftlog_ring_reap(ring, c, 2, RAFTLOG_REAP_WAIT);
		RL_ASSERT(n >= 1 && n <= 2);
		for (int i = 0; i < n; i++) {
			RL_ASSERT(c[i].user_data >= 100 && c[i].user_data < 104);
			seen[c[i].user_data - 100]++;
			RL_EXPECT_EQ(c[i].err, -EOPNOTSUPP);
			RL_EXPECT_EQ(c[i].kind, RAFTLOG_URING_PROPOSE);
			RL_EXPECT_EQ(c[i].index, 0);
			RL_EXPECT_EQ(c[i].term, 0);
		}
		got += n;
	}
	RL_EXPECT_EQ(got, 4);
	for (int i = 0; i < 4; i++)
		RL_EXPECT_EQ(seen[i], 1);
	EXPECT_CALL(raftlog_ring_inflight(ring), 0);
	/* nothing in flight: a waiting reap returns at once */
	EXPECT_CALL(raftlog_ring_reap(ring, c, 2, RAFTLOG_REAP_WAIT), 0);
	/* the slots are free again */
	EXPECT_CALL(raftlog_ring_propose(ring, rl, data, 7, 5), 0);
	EXPECT_CALL(raftlog_ring_reap(ring, c, 2, RAFTLOG_REAP_WAIT), 1);
	RL_EXPECT_EQ(c[0].user_data, 5);
	raftlog_ring_destroy(ring);
	raftlog_close(rl);
}

struct cb_log {
	int calls;
	int kinds[8];
	void *args[8];
	struct raftlog_ring *ring;
	int requeue;		/* queue one more proposal from the callback */
};

static struct cb_log cbl;

static void cb(const struct raftlog_completion *c, void *arg)
{
	if (cbl.calls < 8) {
		cbl.kinds[cbl.calls] = c->kind;
		cbl.args[cbl.calls] = arg;
	}
	cbl.calls++;
	if (cbl.requeue) {
		cbl.requeue = 0;
		/* the slot of this completion is already free */
		if (raftlog_ring_propose_cb(cbl.ring, rl, "again", 5, cb,
					    &cbl.requeue))
			cbl.calls += 100;
	}
}

RL_TEST(callbacks_and_array_each_get_theirs)
{
	struct raftlog_completion c[4];
	struct raftlog_ring *ring;
	int a, b, d, n = 0, loops = 0, props = 0, bars = 0;

	memset(&cbl, 0, sizeof(cbl));
	if (!setup(rl_t, 4, &ring))
		return;
	cbl.ring = ring;
	EXPECT_CALL(raftlog_ring_propose_cb(ring, rl, "x", 1, cb, &a), 0);
	EXPECT_CALL(raftlog_ring_barrier_cb(ring, rl, cb, &b), 0);
	EXPECT_CALL(raftlog_ring_barrier(ring, rl, 77), 0);
	EXPECT_CALL(raftlog_ring_propose_cb(ring, rl, "y", 1, cb, &d), 0);
	cbl.requeue = 1;
	while (raftlog_ring_inflight(ring) && loops++ < 100) {
		int r = raftlog_ring_reap(ring, c + n, 4 - n, RAFTLOG_REAP_WAIT);

		RL_ASSERT(r >= 0);
		n += r;
	}
	EXPECT_CALL(raftlog_ring_inflight(ring), 0);
	/* only the plain barrier reached the array */
	RL_ASSERT_EQ(n, 1);
	RL_EXPECT_EQ(c[0].user_data, 77);
	RL_EXPECT_EQ(c[0].kind, RAFTLOG_URING_BARRIER);
	RL_EXPECT_EQ(c[0].err, -EOPNOTSUPP);
	/* three callbacks, plus the one queued from inside a callback */
	RL_ASSERT_EQ(cbl.calls, 4);
	for (int i = 0; i < 4; i++) {
		if (cbl.kinds[i] == RAFTLOG_URING_BARRIER) {
			bars++;
			RL_EXPECT(cbl.args[i] == &b);
		} else {
			props++;
			RL_EXPECT(cbl.args[i] == &a || cbl.args[i] == &d ||
				  cbl.args[i] == &cbl.requeue);
		}
	}
	RL_EXPECT_EQ(bars, 1);
	RL_EXPECT_EQ(props, 3);
	raftlog_ring_destroy(ring);
	raftlog_close(rl);
}

RL_TEST(bad_arguments)
{
	struct raftlog_ring *ring;

	if (!setup(rl_t, 2, &ring))
		return;
	EXPECT_CALL(raftlog_ring_propose(ring, rl, "x", 0, 1), -EMSGSIZE);
	EXPECT_CALL(raftlog_ring_propose_cb(ring, rl, "x", 1, NULL, NULL),
		     -EINVAL);
	EXPECT_CALL(raftlog_ring_barrier_cb(ring, rl, NULL, NULL), -EINVAL);
	EXPECT_CALL(raftlog_ring_inflight(ring), 0);
	raftlog_ring_destroy(ring);
	raftlog_close(rl);
}

RL_SUITE(lib_ring,
	 RL_CASE(bad_depth_is_einval),
	 RL_CASE(each_completion_once_with_its_user_data),
	 RL_CASE(callbacks_and_array_each_get_theirs),
	 RL_CASE(bad_arguments));
