// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs raftlog/control, one command per write, run in the network
 * namespace of the writer: "create SPEC" (rl_group_params_parse),
 * "destroy ID", "compact ID INDEX", and the membership commands
 * ("member add|promote|remove G ...", "transfer G TO", rl_dbg_member_cmd).
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <net/net_namespace.h>
#include "group.h"
#include "ctl.h"
#include "debugfs.h"

static struct dentry *rl_dbg_dir;

/* "compact ID INDEX": snapshot group ID of @net at INDEX. */
static int rl_dbg_compact(struct net *net, char *arg)
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
 * "member add G ID@ADDR", "member promote G ID", "member remove G ID"
 * (cmd "member", arg the rest) and "transfer G TO", for group G of net.
 */
static int rl_dbg_member_cmd(struct net *net, const char *cmd, char *arg)
{
	char *op = NULL, *gs, *ns, *addr = NULL;
	struct rl_group *g;
	u64 node;
	u32 id;
	int err;

	if (!arg)
		return -EINVAL;
	if (!strcmp(cmd, "member")) {
		op = strsep(&arg, " ");
		if (!arg)
			return -EINVAL;
	} else if (strcmp(cmd, "transfer")) {
		return -EINVAL;
	}
	gs = strsep(&arg, " ");
	ns = arg ? strim(arg) : NULL;
	if (!ns || kstrtou32(gs, 0, &id))
		return -EINVAL;
	if (op && !strcmp(op, "add")) {
		addr = strchr(ns, '@');
		if (!addr)
			return -EINVAL;
		*addr++ = 0;
	}
	if (kstrtou64(ns, 0, &node))
		return -EINVAL;
	g = rl_group_find(net, id);
	if (!g)
		return -ENOENT;
	if (!op)
		err = rl_group_transfer(g, node);
	else if (!strcmp(op, "add"))
		err = rl_group_member_add(g, node, addr);
	else if (!strcmp(op, "promote"))
		err = rl_group_member_promote(g, node);
	else if (!strcmp(op, "remove"))
		err = rl_group_member_remove(g, node);
	else
		err = -EINVAL;
	rl_group_put(g);
	return err;
}

static ssize_t rl_dbg_control_write(struct file *file, const char __user *ubuf,
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
		err = rl_dbg_compact(net, arg);
	else if (!strcmp(cmd, "member") || !strcmp(cmd, "transfer"))
		err = rl_dbg_member_cmd(net, cmd, arg);
	else
		err = -EINVAL;
	kfree(buf);
	return err ? err : len;
}

static const struct file_operations rl_dbg_control_fops = {
	.owner = THIS_MODULE,
	.write = rl_dbg_control_write,
};

void rl_dbg_init(void)
{
	rl_dbg_dir = debugfs_create_dir("raftlog", NULL);
	debugfs_create_file("control", 0200, rl_dbg_dir, NULL,
			    &rl_dbg_control_fops);
}

void rl_dbg_exit(void)
{
	debugfs_remove_recursive(rl_dbg_dir);
}
