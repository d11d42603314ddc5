// SPDX-License-Identifier: GPL-2.0
/*
 * raftlog: Raft consensus in the kernel.  Module init and exit.
 *
 * The module holds no groups yet; this file owns the module-wide state
 * (parameters, the version) and brings the subsystems up and down in
 * order as they are added.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/raftlog.h>
#include "main.h"

#define RL_VERSION "0.1.0"

const char rl_version[] = RL_VERSION;

/* Log each group's role changes at info level; off by default on busy hosts. */
static bool verbose;
module_param(verbose, bool, 0644);
MODULE_PARM_DESC(verbose, "Log role and membership changes at info level");

static int __init rl_init(void)
{
	pr_info("raftlog %s loaded (protocol %u, format %u)%s\n", rl_version,
		RAFTLOG_PROTOCOL_VERSION, RAFTLOG_FORMAT_VERSION,
		verbose ? ", verbose" : "");
	return 0;
}

static void __exit rl_exit(void)
{
	pr_info("raftlog %s unloaded\n", rl_version);
}

module_init(rl_init);
module_exit(rl_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The raftlog developers");
MODULE_DESCRIPTION("Raft consensus replicated log");
MODULE_VERSION(RL_VERSION);
