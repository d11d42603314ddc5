// SPDX-License-Identifier: GPL-2.0
/*
 * Group parameters: the spec strings the module parameter and the debugfs
 * control file accept (kernel/group_params.c, rl_group_params_parse) are
 * parsed into exactly the fields they name, defaults fill the rest, and every
 * malformed or inconsistent spec is refused.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/test.h>
#include "group.h"

static int parse(struct kunit *test, const char *spec,
		 struct rl_group_params *p)
{
	char *s = kunit_kstrdup(test, spec, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	return rl_group_params_parse(s, p);
}

static void full_spec(struct kunit *test)
{
	struct rl_group_params *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	char *spec = kasprintf(GFP_KERNEL, "%s,%s,%s",
			       "id=3,node=0x11,cluster=77,dev=/dev/vdb,listen=10.0.0.1:7000",
			       "peer=2@10.0.0.2:7000,peer=5@[fd00::5]:7001",
			       "tick_ms=30,election=12,heartbeat=3,max_entry=4096,max_pending=64,cache=100");
	int err;

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, spec);
	err = parse(test, spec, p);
	kfree(spec);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, p->group_id, 3U);
	KUNIT_EXPECT_EQ(test, p->node_id, 0x11ULL);
	KUNIT_EXPECT_EQ(test, p->cluster_id, 77ULL);
	KUNIT_EXPECT_STREQ(test, p->dev_path, "/dev/vdb");
	KUNIT_EXPECT_STREQ(test, p->listen, "10.0.0.1:7000");
	KUNIT_ASSERT_EQ(test, p->n_peers, 2U);
	KUNIT_EXPECT_EQ(test, p->peers[0].id, 2ULL);
	KUNIT_EXPECT_STREQ(test, p->peers[0].addr, "10.0.0.2:7000");
	KUNIT_EXPECT_EQ(test, p->peers[1].id, 5ULL);
	KUNIT_EXPECT_STREQ(test, p->peers[1].addr, "[fd00::5]:7001");
	KUNIT_EXPECT_EQ(test, p->tick_ms, 30U);
	KUNIT_EXPECT_EQ(test, p->election_ticks, 12U);
	KUNIT_EXPECT_EQ(test, p->heartbeat_ticks, 3U);
	KUNIT_EXPECT_EQ(test, p->max_entry, 4096U);
	KUNIT_EXPECT_EQ(test, p->max_pending, 64U);
	KUNIT_EXPECT_EQ(test, p->cache_entries, 100U);
	KUNIT_EXPECT_EQ(test, p->join, 0);
	KUNIT_ASSERT_EQ(test, parse(test,
				    "id=1,node=4,join=1,listen=10.0.0.4:1,peer=1@10.0.0.1:1",
				    p), 0);
	KUNIT_EXPECT_EQ(test, p->join, 1);
}

static void defaults(struct kunit *test)
{
	struct rl_group_params *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	/* whitespace around fields and empty fields are tolerated */
	KUNIT_ASSERT_EQ(test, parse(test, " id=1 ,, node=9 ", p), 0);
	KUNIT_EXPECT_EQ(test, p->group_id, 1U);
	KUNIT_EXPECT_EQ(test, p->node_id, 9ULL);
	KUNIT_EXPECT_STREQ(test, p->dev_path, "");
	KUNIT_EXPECT_EQ(test, p->n_peers, 0U);
	KUNIT_EXPECT_GT(test, p->tick_ms, 0U);
	KUNIT_EXPECT_GT(test, p->election_ticks, p->heartbeat_ticks);
	KUNIT_EXPECT_GT(test, p->heartbeat_ticks, 0U);
	KUNIT_EXPECT_GT(test, p->max_entry, 0U);
	KUNIT_EXPECT_GT(test, p->max_pending, 0U);
	KUNIT_EXPECT_GT(test, p->cache_entries, 0U);
}

static void refused(struct kunit *test)
{
	static const char * const bad[] = {
		"",				/* no id, no node */
		"node=1",			/* no id */
		"id=1",				/* no node */
		"id=0,node=1",
		"id=1,node=0",
		"id=1,node=1,colour=blue",	/* unknown key */
		"id=1,node=1,dev",		/* no value */
		"id=x,node=1",
		"id=4294967296,node=1",		/* > u32 */
		"id=1,node=1,listen=a:1,peer=2",	/* no address */
		"id=1,node=1,listen=a:1,peer=1@10.0.0.1:1",	/* itself */
		"id=1,node=1,listen=a:1,peer=0@10.0.0.1:1",
		"id=1,node=1,listen=a:1,peer=2@a:1,peer=2@b:1",	/* twice */
		"id=1,node=1,peer=2@10.0.0.2:1",	/* peers, no listen */
		"id=1,node=1,election=5,heartbeat=5",
		"id=1,node=1,max_entry=2000000",	/* > core limit */
		"id=1,node=1,tick_ms=100000",
		"id=1,node=1,cache=4000000",
		"id=1,node=1,join=2",
		"id=1,node=1,join=yes",
		"id=1,node=1,join=1",		/* joins through nobody */
	};
	struct rl_group_params *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, parse(test, bad[i], p), -EINVAL,
				    "spec \"%s\"", bad[i]);
}

static void too_many_peers_and_long_path(struct kunit *test)
{
	struct rl_group_params *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	char *spec = kunit_kzalloc(test, 2048, GFP_KERNEL);
	int i, n;

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, spec);
	/* the largest group: itself and RL_GROUP_MAX_PEERS - 1 peers */
	n = scnprintf(spec, 2048, "id=1,node=1,listen=10.0.0.1:7000");
	for (i = 2; i <= RL_GROUP_MAX_PEERS; i++)
		n += scnprintf(spec + n, 2048 - n, ",peer=%d@10.0.0.%d:7000",
			       i, i);
	KUNIT_EXPECT_EQ(test, parse(test, spec, p), 0);
	KUNIT_EXPECT_EQ(test, p->n_peers, RL_GROUP_MAX_PEERS - 1);
	/* one more is refused */
	scnprintf(spec + n, 2048 - n, ",peer=99@10.0.1.1:7000");
	KUNIT_EXPECT_EQ(test, parse(test, spec, p), -EINVAL);

	/* a device path that does not fit is refused, not truncated */
	n = scnprintf(spec, 2048, "id=1,node=1,dev=/");
	memset(spec + n, 'x', RL_DEV_PATH_MAX);
	spec[n + RL_DEV_PATH_MAX] = 0;
	KUNIT_EXPECT_EQ(test, parse(test, spec, p), -EINVAL);
}

static struct kunit_case group_cases[] = {
	KUNIT_CASE(full_spec),
	KUNIT_CASE(defaults),
	KUNIT_CASE(refused),
	KUNIT_CASE(too_many_peers_and_long_path),
	{}
};

static struct kunit_suite group_suite = {
	.name = "raftlog_group_params",
	.test_cases = group_cases,
};

kunit_test_suite(group_suite);
