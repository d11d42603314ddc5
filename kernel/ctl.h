/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Control operations on the groups of a network namespace: create a group
 * together with its /dev/raftlog<N>, destroy both, and destroy all of a
 * namespace's groups when it goes away.  The control interfaces above the
 * groups (netlink.c, debugfs.c, the module parameter in main.c) call
 * these; one mutex serialises them.
 */
#ifndef RL_CTL_H
#define RL_CTL_H

#include <linux/types.h>

struct rl_group_params;
struct net;

/* Register the namespace hook; rl_ctl_exit() destroys every group. */
int rl_ctl_init(void);
void rl_ctl_exit(void);

/* Create a group of @net and its character device; destroy both. */
int rl_ctl_group_create(struct net *net, const struct rl_group_params *p);
int rl_ctl_group_destroy(struct net *net, u32 id);
/* Create a group from a parameter string (rl_group_params_parse). */
int rl_ctl_create_spec(struct net *net, const char *spec);

#endif /* RL_CTL_H */
