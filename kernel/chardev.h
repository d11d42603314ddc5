/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /dev/raftlog<group id>: the application interface of a group.  See the
 * character device section of uapi/linux/raftlog.h for the ABI.
 */
#ifndef RL_CHARDEV_H
#define RL_CHARDEV_H

#include <linux/types.h>

struct rl_group;
struct net;

int rl_chardev_init(void);
void rl_chardev_exit(void);

/* Create /dev/raftlog<id> for a running group (takes a reference). */
int rl_chardev_add(struct rl_group *g);
/*
 * The name of its node under /dev: "raftlog<id>", "raftlog<id>.<node>" or
 * "raftlog<id>.<node>.ns<inode>" (see chardev.c); -EEXIST from
 * rl_chardev_add when another namespace's node has it.
 */
#define RL_CDEV_NAME_MAX	64
void rl_chardev_name(struct rl_group *g, char *buf, size_t len);
/* How many groups have a device: on the host, and of @net (*in_net). */
u32 rl_chardev_count(struct net *net, u32 *in_net);
/* Remove it: no new opens; open files keep working until the group stops. */
void rl_chardev_remove(struct rl_group *g);

#endif /* RL_CHARDEV_H */
