// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the module skeleton, and the one deliberately failing case that
 * proves the harness reports failures (tests/vm/harness-selftest.sh loads
 * this module with selftest_fail=1 and expects the run to fail).
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/test.h>
#include "main.h"

/*
 * Each switch makes one case misbehave in a way the harness must catch;
 * scripts/tier-selftest.sh turns them on one at a time.
 */
static bool selftest_fail;
module_param(selftest_fail, bool, 0444);
MODULE_PARM_DESC(selftest_fail, "Make raftlog_harness.deliberate_failure fail (harness self-test only)");

static bool selftest_leak;
module_param(selftest_leak, bool, 0444);
MODULE_PARM_DESC(selftest_leak, "Leak one allocation for kmemleak to find (harness self-test only)");

static bool selftest_warn;
module_param(selftest_warn, bool, 0444);
MODULE_PARM_DESC(selftest_warn, "WARN once for the console scanner to find (harness self-test only)");

static void *selftest_leaked;

static void version_is_semver(struct kunit *test)
{
	int dots = 0;
	const char *p;

	KUNIT_ASSERT_GT(test, strlen(rl_version), 4);
	for (p = rl_version; *p; p++) {
		if (*p == '.')
			dots++;
		else
			KUNIT_EXPECT_TRUE(test, *p >= '0' && *p <= '9');
	}
	KUNIT_EXPECT_EQ(test, dots, 2);
}

static void deliberate_failure(struct kunit *test)
{
	if (!selftest_fail)
		kunit_skip(test, "only fails in the harness self-test");
	KUNIT_FAIL(test, "deliberate failure requested by selftest_fail=1");
}

static void deliberate_leak(struct kunit *test)
{
	if (!selftest_leak)
		kunit_skip(test, "only leaks in the harness self-test");
	/* kept in a global until the pointer is dropped below: kmemleak
	 * must report the object once nothing references it
	 */
	selftest_leaked = kmalloc(96, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, selftest_leaked);
	selftest_leaked = NULL;
}

static void deliberate_warn(struct kunit *test)
{
	if (!selftest_warn)
		kunit_skip(test, "only warns in the harness self-test");
	WARN(1, "raftlog: deliberate warning requested by selftest_warn=1");
}

static struct kunit_case harness_cases[] = {
	KUNIT_CASE(version_is_semver),
	KUNIT_CASE(deliberate_failure),
	KUNIT_CASE(deliberate_leak),
	KUNIT_CASE(deliberate_warn),
	{}
};

static struct kunit_suite harness_suite = {
	.name = "raftlog_harness",
	.test_cases = harness_cases,
};

kunit_test_suite(harness_suite);
