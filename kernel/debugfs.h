/* SPDX-License-Identifier: GPL-2.0 */
/*
 * debugfs raftlog/control: group control by writing commands, in the
 * network namespace of the writer.  Create and remove it.
 */
#ifndef RL_DEBUGFS_H
#define RL_DEBUGFS_H

void rl_dbg_init(void);
void rl_dbg_exit(void);

#endif /* RL_DEBUGFS_H */
