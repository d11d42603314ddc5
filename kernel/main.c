// SPDX-License-Identifier: GPL-2.0
/*
 * raftlog: Raft consensus in the kernel.  Module init and exit.
 *
 * This file owns the module-wide state (parameters, the version), brings
 * the subsystems up and down in order, and holds the control operations
 * that create and destroy a group together with its /dev/raftlog<N>:
 * rl_ctl_group_create() and rl_ctl_group_destroy() are what the netlink
 * commands (kernel/netlink.c) call.  Groups are also created by the
 * `groups` module parameter at load time (in the initial network
 * namespace) and by the debugfs file raftlog/control ("create SPEC" /
 * "destroy ID" / "compact ID INDEX", and the membership commands of
 * rl_group_ctl_cmd) at run time, in the namespace of the writer.  A
 * namespace's groups are
 * destroyed when it goes away.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/debugfs.h>
#include <linux/uaccess.h>
#include <linux/nsproxy.h>
#include <net/net_namespace.h>
#include <linux/raftlog.h>
#include "main.h"
#include "group.h"
#include "chardev.h"
#include "transport.h"
#include "netlink.h"

#define RL_VERSION "0.1.0"

const char rl_version[] = RL_VERSION;

/* Log each group's role changes at info level; off by default on busy hosts. */
bool rl_verbose;
module_param_named(verbose, rl_verbose, bool, 0644);
MODULE_PARM_DESC(verbose, "Log role and membership changes at info level");

/* Groups to create at load time: "SPEC;SPEC..." (see rl_group_params_parse). */
static char *groups;
module_param(groups, charp, 0444);
MODULE_PARM_DESC(groups,
		 "Groups to create at load: id=N,node=N,dev=PATH[,listen=IP:PORT,peer=ID@IP:PORT...];...");

static DEFINE_MUTEX(rl_ctl_lock);
static struct dentry *rl_debugfs;

/* Create a group from a parameter string and give it its device. */
int rl_ctl_group_create(struct net *net, const struct rl_group_params *p)
{
	struct rl_group *g;
	int err;

	mutex_lock(&rl_ctl_lock);
	err = rl_group_create(net, p, &g);
	if (!err) {
		err = rl_chardev_add(g);
		rl_group_put(g);
		if (err)
			rl_group_destroy(net, p->group_id);
	}
	mutex_unlock(&rl_ctl_lock);
	return err;
}

int rl_ctl_group_destroy(struct net *net, u32 id)
{
	struct rl_group *g;
	int err;

	mutex_lock(&rl_ctl_lock);
	g = rl_group_find(net, id);
	if (g) {
		rl_chardev_remove(g);
		rl_group_put(g);
		err = rl_group_destroy(net, id);
	} else {
		err = -ENOENT;
	}
	mutex_unlock(&rl_ctl_lock);
	return err;
}

static int rl_ctl_create_spec(struct net *net, const char *spec)
{
	struct rl_group_params *p;
	char *s;
	int err;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	s = kstrdup(spec, GFP_KERNEL);
	if (!p || !s) {
		err = -ENOMEM;
		goto out;
	}
	err = rl_group_params_parse(s, p);
	if (!err)
		err = rl_ctl_group_create(net, p);
out:
	if (err)
		pr_err("cannot create group \"%s\": %d\n", spec, err);
	kfree(s);
	kfree(p);
	return err;
}

/* Destroy the groups of @net, or every group when @net is NULL. */
static void rl_ctl_destroy_all(struct net *net)
{
	struct rl_group *g;
	struct net *gnet;
	u32 id;

	while ((g = rl_group_any(net))) {
		id = rl_group_id(g);
		gnet = rl_group_net(g);
		rl_group_put(g);
		rl_ctl_group_destroy(gnet, id);
	}
}

/*
 * Groups do not pin their namespace (as its sockets do not): when it goes
 * away, its groups go with it, before the namespace's devices disappear.
 */
static void rl_net_pre_exit(struct net *net)
{
	rl_ctl_destroy_all(net);
}

static struct pernet_operations rl_net_ops = {
	.pre_exit = rl_net_pre_exit,
};

/* "compact ID INDEX": snapshot group ID of @net at INDEX. */
static int rl_ctl_compact(struct net *net, char *arg)
{
	char *id_s = strsep(&arg, " ");
	struct rl_group *g;
	u64 index;
	u32 id;
	int err;

	if (!arg || kstrtou32(id_s, 0, &id) || kstrtou64(strim(arg), 0, &index))
		return -EINVAL;
	g = rl_group_find(net, id);
	if (!g)
		return -ENOENT;
	err = rl_group_compact(g, index);
	rl_group_put(g);
	return err;
}

/*
 * debugfs raftlog/control, one command per write: "create SPEC",
 * "destroy ID", "compact ID INDEX", "member add|promote|remove G ...",
 * "transfer G TO" (rl_group_ctl_cmd).
 */
static ssize_t rl_control_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	char *buf, *cmd, *arg;
	struct net *net;
	u32 id;
	int err;

	if (len > 1024)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	arg = strim(buf);
	cmd = strsep(&arg, " ");
	net = current->nsproxy->net_ns;
	if (!strcmp(cmd, "create") && arg)
		err = rl_ctl_create_spec(net, arg);
	else if (!strcmp(cmd, "destroy") && arg && !kstrtou32(arg, 0, &id))
		err = rl_ctl_group_destroy(net, id);
	else if (!strcmp(cmd, "compact") && arg)
		err = rl_ctl_compact(net, arg);
	else if (!strcmp(cmd, "member") || !strcmp(cmd, "transfer"))
		err = rl_group_ctl_cmd(net, cmd, arg);
	else
		err = -EINVAL;
	kfree(buf);
	return err ? err : len;
}

static const struct file_operations rl_control_fops = {
	.owner = THIS_MODULE,
	.write = rl_control_write,
};

static int __init rl_init(void)
{
	char *list, *s, *spec;
	int err;

	err = rl_tp_init();
	if (err)
		return err;
	err = rl_chardev_init();
	if (err)
		goto out_tp;
	err = register_pernet_subsys(&rl_net_ops);
	if (err)
		goto out_chardev;
	err = rl_nl_init();
	if (err)
		goto out_pernet;
	rl_debugfs = debugfs_create_dir("raftlog", NULL);
	debugfs_create_file("control", 0200, rl_debugfs, NULL,
			    &rl_control_fops);

	if (groups && *groups) {
		list = kstrdup(groups, GFP_KERNEL);
		if (!list) {
			err = -ENOMEM;
			goto out;
		}
		s = list;
		while (!err && (spec = strsep(&s, ";")) != NULL) {
			if (!*strim(spec))
				continue;
			err = rl_ctl_create_spec(&init_net, spec);
		}
		kfree(list);
		if (err)
			goto out;
	}
	pr_info("raftlog %s loaded (protocol %u, format %u)%s\n", rl_version,
		RAFTLOG_PROTOCOL_VERSION, RAFTLOG_FORMAT_VERSION,
		rl_verbose ? ", verbose" : "");
	return 0;

out:
	debugfs_remove_recursive(rl_debugfs);
	rl_nl_exit();
	rl_ctl_destroy_all(NULL);
out_pernet:
	unregister_pernet_subsys(&rl_net_ops);
out_chardev:
	rl_chardev_exit();
out_tp:
	rl_tp_exit();
	return err;
}

static void __exit rl_exit(void)
{
	debugfs_remove_recursive(rl_debugfs);
	/* no request or event may find a group being torn down */
	rl_nl_exit();
	rl_ctl_destroy_all(NULL);
	unregister_pernet_subsys(&rl_net_ops);
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
