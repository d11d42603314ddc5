/* SPDX-License-Identifier: GPL-2.0 */
#ifndef RL_MAIN_H
#define RL_MAIN_H

#include <linux/types.h>

/* The module's version string, also shown by modinfo. */
extern const char rl_version[];
/* Log role and membership changes at info level (module parameter). */
extern bool rl_verbose;

struct rl_group_params;
struct net;

/*
 * Create a group of network namespace @net and its character device;
 * destroy both.  The entry points of the control plane (module parameter,
 * debugfs, netlink).
 */
int rl_ctl_group_create(struct net *net, const struct rl_group_params *p);
int rl_ctl_group_destroy(struct net *net, u32 id);

#endif
