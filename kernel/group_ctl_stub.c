// SPDX-License-Identifier: GPL-2.0
/*
 * PLACEHOLDER, replaced at merge: kernel/group_ctl.c (membership changes,
 * leadership transfer) and rl_group_compact() in kernel/group.c are being
 * written on other branches.  These definitions only let the netlink
 * branch build and link on its own; each refuses with -EOPNOTSUPP, which
 * netlink reports as "not supported by this build".  The lead deletes
 * this file (and its Kbuild line) when merging the real implementations.
 */
#include <linux/errno.h>
#include "group.h"

int rl_group_member_add(struct rl_group *g, u64 node, const char *addr)
{
	return -EOPNOTSUPP;
}

int rl_group_member_promote(struct rl_group *g, u64 node)
{
	return -EOPNOTSUPP;
}

int rl_group_member_remove(struct rl_group *g, u64 node)
{
	return -EOPNOTSUPP;
}

int rl_group_transfer(struct rl_group *g, u64 to)
{
	return -EOPNOTSUPP;
}

int rl_group_compact(struct rl_group *g, u64 index)
{
	return -EOPNOTSUPP;
}
