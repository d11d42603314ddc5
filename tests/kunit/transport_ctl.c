// SPDX-License-Identifier: GPL-2.0
/*
 * raftlog_tpctl.ko: a test-only control surface for the transport, so
 * guest scripts (tests/vm/transport*.sh) can build endpoints in network
 * namespaces joined by veth and drive the real kernel/transport*.c paths.
 * Built only with KUnit (it uses the KUnit-only exports of raftlog.ko).
 *
 * /sys/kernel/debug/raftlog_tpctl/ctl, one command per write, run in the
 * network namespace of the writing task:
 *	open NAME NODE ADDR:PORT [CLUSTER [SECRET]]
 *	peer NAME NODE ADDR:PORT
 *	send NAME TO COUNT SIZE		COUNT APPENDs, indexes continuing
 *	close NAME
 * Reading it prints one line per endpoint, peer and listener, key=value.
 * Unloading the module closes whatever is still open (live connections
 * included): that is the teardown the scripts check.
 */
#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/delay.h>
#include <net/net_namespace.h>
#include "port.h"
#include "wire.h"
#include "transport.h"

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("raftlog transport test control (test only)");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define CTL_MAX_EPS	8
#define CTL_MAX_PEERS	8

struct ctl_ep {
	char name[16];
	struct rl_tp_ep *ep;
	u64 node;
	u64 peers[CTL_MAX_PEERS];
	u64 next_send[CTL_MAX_PEERS];
	int n_peers;
	spinlock_t lock;	/* the receive counters */
	u64 received, out_of_order, bad_payload, bytes;
	u64 next_index[CTL_MAX_PEERS];
};

static DEFINE_MUTEX(ctl_mutex);
static struct ctl_ep *ctl_eps[CTL_MAX_EPS];
static struct dentry *ctl_dir;

static int ctl_peer_slot(struct ctl_ep *c, u64 node)
{
	int i;

	for (i = 0; i < c->n_peers; i++)
		if (c->peers[i] == node)
			return i;
	return -1;
}

static void ctl_recv(void *ctx, struct raft_msg *m)
{
	struct ctl_ep *c = ctx;
	bool ok = true;
	int slot;
	u32 i;

	if (m->n_entries == 1) {
		const struct raft_entry *e = &m->entries[0];

		for (i = 0; i < e->len; i++)
			if (e->data[i] != (u8)(m->index + i))
				ok = false;
	}
	spin_lock_bh(&c->lock);
	slot = ctl_peer_slot(c, m->from);
	if (slot >= 0) {
		/* per sender, indexes continue where they left off */
		if (c->next_index[slot] && m->index != c->next_index[slot])
			c->out_of_order++;
		c->next_index[slot] = m->index + 1;
	}
	if (!ok)
		c->bad_payload++;
	c->received++;
	if (m->n_entries)
		c->bytes += m->entries[0].len;
	spin_unlock_bh(&c->lock);
}

static struct ctl_ep *ctl_find(const char *name)
{
	int i;

	for (i = 0; i < CTL_MAX_EPS; i++)
		if (ctl_eps[i] && !strcmp(ctl_eps[i]->name, name))
			return ctl_eps[i];
	return NULL;
}

static void ctl_close(struct ctl_ep *c)
{
	int i;

	for (i = 0; i < CTL_MAX_EPS; i++)
		if (ctl_eps[i] == c)
			ctl_eps[i] = NULL;
	rl_tp_close(c->ep);
	kfree(c);
}

static int ctl_open(char *name, u64 node, const char *addr, u64 cluster,
		    const char *secret)
{
	struct rl_tp_config *cfg;
	struct ctl_ep *c;
	int i, err;

	if (strlen(name) >= sizeof(c->name) || ctl_find(name))
		return -EEXIST;
	for (i = 0; i < CTL_MAX_EPS && ctl_eps[i]; i++)
		;
	if (i == CTL_MAX_EPS)
		return -ENOSPC;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!c || !cfg) {
		kfree(c);
		kfree(cfg);
		return -ENOMEM;
	}
	strscpy(c->name, name, sizeof(c->name));
	spin_lock_init(&c->lock);
	c->node = node;
	err = rl_tp_parse_addr(addr, &cfg->listen);
	if (err)
		goto out;
	cfg->net = current->nsproxy->net_ns;
	cfg->cluster_id = cluster;
	cfg->group_id = 1;
	cfg->node_id = node;
	if (secret) {
		cfg->secret_len = min_t(size_t, strlen(secret), RAFTLOG_SECRET_MAX);
		memcpy(cfg->secret, secret, cfg->secret_len);
	}
	cfg->backoff_min_ms = 100;
	cfg->backoff_max_ms = 1000;
	cfg->recv = ctl_recv;
	cfg->ctx = c;
	c->ep = rl_tp_open(cfg, &err);
	if (c->ep) {
		ctl_eps[i] = c;
		c = NULL;
	}
out:
	kfree_sensitive(cfg);
	kfree(c);
	return err;
}

static int ctl_send(struct ctl_ep *c, u64 to, u32 count, u32 size)
{
	struct raft_entry e = { .term = 1, .len = size };
	struct raft_msg m = {
		.type = RAFT_MSG_APPEND, .from = c->node, .to = to, .term = 1,
		.n_entries = 1, .entries = &e,
	};
	int slot = ctl_peer_slot(c, to);
	u32 i, k;
	int err = 0;

	if (slot < 0)
		return -ENOENT;
	e.data = kvmalloc(size ? size : 1, GFP_KERNEL);
	if (!e.data)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		m.index = ++c->next_send[slot];
		e.index = m.index;
		for (k = 0; k < size; k++)
			e.data[k] = (u8)(m.index + k);
		/* a full queue: wait for it to drain, as a Raft leader would */
		while ((err = rl_tp_send(c->ep, &m)) == -ENOBUFS) {
			if (fatal_signal_pending(current))
				goto out;
			usleep_range(2000, 3000);
		}
		if (err)
			goto out;
		cond_resched();
	}
out:
	kvfree(e.data);
	return err;
}

static ssize_t ctl_write(struct file *file, const char __user *ubuf,
			 size_t len, loff_t *ppos)
{
	char *buf, *p, *argv[8];
	int argc = 0, err = -EINVAL;
	struct ctl_ep *c;
	u64 a, b;
	u32 x, y;

	if (len > 255)
		return -E2BIG;
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	p = strim(buf);
	while (p && *p && argc < ARRAY_SIZE(argv)) {
		argv[argc++] = strsep(&p, " ");
		while (p && *p == ' ')
			p++;
	}
	mutex_lock(&ctl_mutex);
	if (argc >= 4 && !strcmp(argv[0], "open")) {
		a = 1;
		if (kstrtou64(argv[2], 0, &b) ||
		    (argc >= 5 && kstrtou64(argv[4], 0, &a)))
			goto out;
		err = ctl_open(argv[1], b, argv[3], a, argc >= 6 ? argv[5] : NULL);
	} else if (argc == 4 && !strcmp(argv[0], "peer")) {
		struct sockaddr_storage ss;

		c = ctl_find(argv[1]);
		err = -ENOENT;
		if (!c)
			goto out;
		err = -EINVAL;
		if (kstrtou64(argv[2], 0, &b) || rl_tp_parse_addr(argv[3], &ss) ||
		    c->n_peers == CTL_MAX_PEERS)
			goto out;
		err = rl_tp_peer_add(c->ep, b, &ss);
		if (!err)
			c->peers[c->n_peers++] = b;
	} else if (argc == 5 && !strcmp(argv[0], "send")) {
		c = ctl_find(argv[1]);
		err = -ENOENT;
		if (!c)
			goto out;
		err = -EINVAL;
		if (kstrtou64(argv[2], 0, &b) || kstrtou32(argv[3], 0, &x) ||
		    kstrtou32(argv[4], 0, &y) || y > RAFTLOG_MSG_MAX_DATA)
			goto out;
		err = ctl_send(c, b, x, y);
	} else if (argc == 2 && !strcmp(argv[0], "close")) {
		c = ctl_find(argv[1]);
		err = -ENOENT;
		if (c) {
			ctl_close(c);
			err = 0;
		}
	}
out:
	mutex_unlock(&ctl_mutex);
	kfree(buf);
	return err ? err : len;
}

static void ctl_show_stats(struct seq_file *s, const char *name,
			   const char *what, u64 id, const struct rl_tp_stats *st)
{
	int r;

	seq_printf(s, "%s %s=%llu up=%u connects=%llu disconnects=%llu connect_failures=%llu accepts=%llu in_disconnects=%llu frames_out=%llu bytes_out=%llu frames_in=%llu bytes_in=%llu dropped=%llu decode_errors=%llu mac_errors=%llu seq_errors=%llu conns_refused=%llu",
		   name, what, id, st->up, st->connects, st->disconnects,
		   st->connect_failures, st->accepts, st->in_disconnects,
		   st->frames_out, st->bytes_out, st->frames_in, st->bytes_in,
		   st->frames_dropped, st->decode_errors, st->mac_errors,
		   st->seq_errors, st->conns_refused);
	for (r = 1; r <= RAFTLOG_REJECT_MAX; r++)
		seq_printf(s, " hs_%s=%llu", rl_wire_reject_name(r), st->hs_fail[r]);
	seq_putc(s, '\n');
}

static int ctl_show(struct seq_file *s, void *unused)
{
	struct rl_tp_stats *st;
	int i, j;

	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	mutex_lock(&ctl_mutex);
	for (i = 0; i < CTL_MAX_EPS; i++) {
		struct ctl_ep *c = ctl_eps[i];

		if (!c)
			continue;
		spin_lock_bh(&c->lock);
		seq_printf(s, "%s node=%llu received=%llu out_of_order=%llu bad_payload=%llu bytes=%llu\n",
			   c->name, c->node, c->received, c->out_of_order,
			   c->bad_payload, c->bytes);
		spin_unlock_bh(&c->lock);
		for (j = 0; j < c->n_peers; j++) {
			if (!rl_tp_peer_stats(c->ep, c->peers[j], st))
				ctl_show_stats(s, c->name, "peer", c->peers[j], st);
		}
		rl_tp_listener_stats(c->ep, st);
		ctl_show_stats(s, c->name, "listener", 0, st);
	}
	mutex_unlock(&ctl_mutex);
	kfree(st);
	return 0;
}

static int ctl_open_file(struct inode *inode, struct file *file)
{
	return single_open(file, ctl_show, NULL);
}

static const struct file_operations ctl_fops = {
	.owner = THIS_MODULE,
	.open = ctl_open_file,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = ctl_write,
};

static int __init ctl_init(void)
{
	int err = rl_tp_init();

	if (err)
		return err;
	ctl_dir = debugfs_create_dir("raftlog_tpctl", NULL);
	debugfs_create_file("ctl", 0600, ctl_dir, NULL, &ctl_fops);
	return 0;
}

static void __exit ctl_exit(void)
{
	int i;

	debugfs_remove_recursive(ctl_dir);
	mutex_lock(&ctl_mutex);
	for (i = 0; i < CTL_MAX_EPS; i++)
		if (ctl_eps[i])
			ctl_close(ctl_eps[i]);
	mutex_unlock(&ctl_mutex);
	rl_tp_exit();
}

module_init(ctl_init);
module_exit(ctl_exit);
