// SPDX-License-Identifier: GPL-2.0
/*
 * Control operations: a group is created together with its
 * /dev/raftlog<N> and destroyed together with it, under one mutex, so
 * that the control interfaces (netlink, debugfs, the `groups` module
 * parameter) never see one without the other.  A namespace's groups are
 * destroyed when it goes away.  See ctl.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/net_namespace.h>
#include "group.h"
#include "chardev.h"
#include "ctl.h"

static DEFINE_MUTEX(rl_ctl_lock);

/*
 * Every group costs a worker (a workqueue with its rescuer thread), its
 * caches and a device minor, and a user in their own namespaces may
 * create volatile groups: so there are caps, for the host and for each
 * network namespace.  Creation is serialized by rl_ctl_lock, so the
 * count cannot move between the check and the creation.
 */
static unsigned int max_groups = 256;
module_param(max_groups, uint, 0644);
MODULE_PARM_DESC(max_groups, "Groups on the host at most (default 256; ENFILE beyond)");
static unsigned int max_groups_per_net = 64;
module_param(max_groups_per_net, uint, 0644);
MODULE_PARM_DESC(max_groups_per_net,
		 "Groups in one network namespace at most (default 64; EMFILE beyond)");

static int rl_ctl_room(struct net *net)
{
	u32 in_net, all = rl_chardev_count(net, &in_net);

	if (all >= READ_ONCE(max_groups))
		return -ENFILE;
	if (in_net >= READ_ONCE(max_groups_per_net))
		return -EMFILE;
	return 0;
}

int rl_ctl_group_create(struct net *net, const struct rl_group_params *p)
{
	struct rl_group *g;
	int err;

	mutex_lock(&rl_ctl_lock);
	err = rl_ctl_room(net);
	if (!err)
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

int rl_ctl_create_spec(struct net *net, const char *spec)
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
static void rl_ctl_net_pre_exit(struct net *net)
{
	rl_ctl_destroy_all(net);
}

static struct pernet_operations rl_ctl_net_ops = {
	.pre_exit = rl_ctl_net_pre_exit,
};

int rl_ctl_init(void)
{
	return register_pernet_subsys(&rl_ctl_net_ops);
}

void rl_ctl_exit(void)
{
	rl_ctl_destroy_all(NULL);
	unregister_pernet_subsys(&rl_ctl_net_ops);
}
