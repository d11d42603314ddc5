// SPDX-License-Identifier: GPL-2.0
/*
 * A moment of memory pressure never fails a group (issue 15): every
 * allocation of the data path that fails is waited out and tried again,
 * or done without.  Real single-node groups in the initial namespace;
 * the test build makes the next allocations of each place fail
 * (inj_nomem, RL_TEST_HOOKS), then the group elects itself, commits its
 * no-op and two configuration changes, and must still run.
 *
 *   nomem_on_every_data_path_is_waited_out: a group on /dev/ram0, each
 *     place failing twice: the store's copies of new entries and its
 *     hard state (RL_NOMEM_APPEND), the bookkeeping of a write
 *     (RL_NOMEM_IO), the readers' copy (RL_NOMEM_PUBLISH: skipped, the
 *     entry is read from the device).  Six failures counted, nothing
 *     failed, every entry applied.
 *   nomem_in_a_volatile_group_is_waited_out: without a device the
 *     readers' copy is the only one: its failures are waited out.
 */
#include <linux/module.h>
#include <linux/atomic.h>
#include <linux/raftlog.h>
#include <net/net_namespace.h>
#include <kunit/test.h>
#include "storage.h"
#include "group.h"
#include "group_int.h"
#include "kt_group.h"

#define NOMEM_GROUP	3902
#define NOMEM_DEV	"/dev/ram0"
#define NOMEM_CLUSTER	77
#define NOMEM_SPEC	\
	"id=3902,node=1,cluster=77,dev=/dev/ram0,listen=127.0.0.1:7391,tick_ms=20"

/* Fail the next @n allocations of every place (before the election). */
static void nomem_inject(struct rl_group *g, int n)
{
	int i;

	for (i = 0; i < RL_NOMEM_SITES; i++)
		atomic_set(&g->inj_nomem[i], n);
}

static u64 nomem_retries(struct kunit *test, struct rl_group *g)
{
	struct rl_group_info *in = kunit_kzalloc(test, sizeof(*in), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, in);
	KUNIT_ASSERT_EQ(test, rl_group_info(g, in), 0);
	return in->c.nomem_retries;
}

static void nomem_on_every_data_path_is_waited_out(struct kunit *test)
{
	struct rl_group *g;
	u64 applied = 0;
	int i, err;

	KUNIT_ASSERT_EQ(test, rl_storage_format(NOMEM_DEV, NOMEM_CLUSTER,
						NOMEM_GROUP, 1, 0), 0);
	g = kt_group_create(test, NOMEM_SPEC);
	nomem_inject(g, 2);
	/* its no-op, then two entries more */
	KUNIT_EXPECT_EQ(test, rl_group_wait(g, 1, 10000, &applied), 0);
	KUNIT_EXPECT_EQ(test, rl_group_member_add(g, 2, "127.0.0.1:7392"), 0);
	KUNIT_EXPECT_EQ(test, rl_group_member_remove(g, 2), 0);
	err = READ_ONCE(g->fail_err);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_GE(test, rl_group_applied(g), 3ULL);
	for (i = 0; i < RL_NOMEM_SITES; i++)
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&g->inj_nomem[i]), 0,
				    "place %d was never reached", i);
	KUNIT_EXPECT_EQ(test, nomem_retries(test, g), 6ULL);
	/* the entries published without a copy are not in the cache */
	spin_lock(&g->stream_lock);
	KUNIT_EXPECT_GT(test, g->ring_first, 1ULL);
	spin_unlock(&g->stream_lock);
	KUNIT_EXPECT_EQ(test, rl_group_destroy(&init_net, NOMEM_GROUP), 0);
	rl_group_put(g);
}

static void nomem_in_a_volatile_group_is_waited_out(struct kunit *test)
{
	struct rl_group *g;
	u64 applied = 0;
	int err;

	g = kt_group_create(test, "id=3902,node=1,tick_ms=20");
	atomic_set(&g->inj_nomem[RL_NOMEM_PUBLISH], 3);
	KUNIT_EXPECT_EQ(test, rl_group_wait(g, 1, 10000, &applied), 0);
	err = READ_ONCE(g->fail_err);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&g->inj_nomem[RL_NOMEM_PUBLISH]), 0);
	KUNIT_EXPECT_EQ(test, nomem_retries(test, g), 3ULL);
	/* waited out, so the entry is cached: a volatile group has no other */
	spin_lock(&g->stream_lock);
	KUNIT_EXPECT_LE(test, g->ring_first, g->applied);
	spin_unlock(&g->stream_lock);
	KUNIT_EXPECT_EQ(test, rl_group_destroy(&init_net, NOMEM_GROUP), 0);
	rl_group_put(g);
}

static struct kunit_case nomem_cases[] = {
	KUNIT_CASE(nomem_on_every_data_path_is_waited_out),
	KUNIT_CASE(nomem_in_a_volatile_group_is_waited_out),
	{}
};

static struct kunit_suite nomem_suite = {
	.name = "raftlog_group_nomem",
	.test_cases = nomem_cases,
};

kunit_test_suite(nomem_suite);
