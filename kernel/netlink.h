/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink family "raftlog" (uapi/linux/raftlog.h): register
 * it and its event hook; unregister both.
 */
#ifndef RL_NETLINK_H
#define RL_NETLINK_H

int rl_nl_init(void);
void rl_nl_exit(void);

#endif
