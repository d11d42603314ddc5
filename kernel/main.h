/* SPDX-License-Identifier: GPL-2.0 */
#ifndef RL_MAIN_H
#define RL_MAIN_H

#include <linux/types.h>

/* The module's version string, also shown by modinfo. */
extern const char rl_version[];

struct rl_group_params;

/*
 * Create a group and its /dev/raftlog<id>; destroy both.  The entry
 * points of the control plane (module parameter, debugfs, netlink).
 */
int rl_ctl_group_create(const struct rl_group_params *p);
int rl_ctl_group_destroy(u32 id);

#endif
