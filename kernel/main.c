// SPDX-License-Identifier: GPL-2.0
/*
 * raftlog: Raft consensus in the kernel.  Module init and exit.
 *
 * This file owns the module-wide state (parameters, the version) and
 * brings the subsystems up and down in order: the transport, the
 * character devices, the control operations (ctl.c), then the control
 * interfaces above them, the netlink family (netlink.c) and debugfs
 * raftlog/control (debugfs.c).  The `groups` module parameter creates
 * groups at load time, in the initial network namespace.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/net_namespace.h>
#include <linux/raftlog.h>
#include "main.h"
#include "group.h"
#include "chardev.h"
#include "ctl.h"
#include "debugfs.h"
#include "transport.h"
#include "netlink.h"

#define RL_VERSION "0.1.0"

const char rl_version[] = RL_VERSION;

/*
 * Log each group's role changes at info level (rl_verbose, group_run.c);
 * off by default on busy hosts.
 */
module_param_named(verbose, rl_verbose, bool, 0644);
/* Quiesce idle groups (rl_quiesce, group_run.c), for groups created after. */
module_param_named(quiesce, rl_quiesce, bool, 0644);
MODULE_PARM_DESC(quiesce, "quiesce idle groups: no heartbeats nor timers (default on)");
MODULE_PARM_DESC(verbose, "Log role and membership changes at info level");

/* Groups to create at load time: "SPEC;SPEC..." (see rl_group_params_parse). */
static char *groups;
module_param(groups, charp, 0444);
MODULE_PARM_DESC(groups,
		 "Groups to create at load: id=N,node=N,dev=PATH[,listen=IP:PORT,peer=ID@IP:PORT...];...");

/* Create the groups of the `groups` parameter (in the initial namespace). */
static int rl_create_param_groups(void)
{
	char *list, *s, *spec;
	int err = 0;

	if (!groups || !*groups)
		return 0;
	list = kstrdup(groups, GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	s = list;
	while (!err && (spec = strsep(&s, ";")) != NULL) {
		if (!*strim(spec))
			continue;
		err = rl_ctl_create_spec(&init_net, spec);
	}
	kfree(list);
	return err;
}

static int __init rl_init(void)
{
	int err;

	err = rl_tp_init();
	if (err)
		return err;
	err = rl_chardev_init();
	if (err)
		goto out_tp;
	err = rl_ctl_init();
	if (err)
		goto out_chardev;
	err = rl_nl_init();
	if (err)
		goto out_ctl;
	rl_dbg_init();
	err = rl_create_param_groups();
	if (err)
		goto out;
	pr_info("raftlog %s loaded (protocol %u, format %u)%s\n", rl_version,
		RAFTLOG_PROTOCOL_VERSION, RAFTLOG_FORMAT_VERSION,
		rl_verbose ? ", verbose" : "");
	return 0;

out:
	rl_dbg_exit();
	rl_nl_exit();
out_ctl:
	rl_ctl_exit();
out_chardev:
	rl_chardev_exit();
out_tp:
	rl_tp_exit();
	return err;
}

static void __exit rl_exit(void)
{
	rl_dbg_exit();
	/* no request or event may find a group being torn down */
	rl_nl_exit();
	rl_ctl_exit();
	rl_chardev_exit();
	rl_tp_exit();
	pr_info("raftlog %s unloaded\n", rl_version);
}
module_init(rl_init);
module_exit(rl_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The raftlog developers");
MODULE_DESCRIPTION("Raft consensus replicated log");
MODULE_VERSION(RL_VERSION);
