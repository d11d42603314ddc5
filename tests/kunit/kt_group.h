/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The group suites' shared step: a real group in the initial namespace
 * from a parameter string (rl_group_params_parse syntax).
 */
#ifndef RL_KT_GROUP_H
#define RL_KT_GROUP_H

#include <net/net_namespace.h>
#include <kunit/test.h>
#include "group.h"

static inline struct rl_group *kt_group_create(struct kunit *test,
					       const char *spec_c)
{
	struct rl_group_params *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	char *spec = kunit_kstrdup(test, spec_c, GFP_KERNEL);
	struct rl_group *g;

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, spec);
	KUNIT_ASSERT_EQ(test, rl_group_params_parse(spec, p), 0);
	KUNIT_ASSERT_EQ(test, rl_group_create(&init_net, p, &g), 0);
	return g;
}

#endif /* RL_KT_GROUP_H */
