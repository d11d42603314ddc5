// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink family's commands that change groups.  What a policy
 * cannot say (attributes required together, peers distinct, an address
 * that parses, the group existing) is checked here before anything
 * changes, and every refusal names the attribute in the extended ack:
 * the messages for the errors of a refused creation or change are in
 * tables.  Groups are created and destroyed through ctl.c, with their
 * character devices.  See netlink_int.h.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/blkdev.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <linux/raftlog.h>
#include "group.h"
#include "transport.h"
#include "ctl.h"
#include "netlink_int.h"

/* ---- GROUP_NEW ---- */

static int rl_nl_parse_peer(struct genl_info *info, struct nlattr *nla,
			    struct rl_group_params *p)
{
	struct nlattr *tb[RAFTLOG_PEER_A_MAX + 1];
	struct netlink_ext_ack *extack = info->extack;
	struct sockaddr_storage ss;
	struct rl_group_peer *pe;
	u32 i;
	int err;

	err = nla_parse_nested(tb, RAFTLOG_PEER_A_MAX, nla, rl_nl_peer_policy,
			       extack);
	if (err)
		return err;
	if (!tb[RAFTLOG_PEER_A_ID] || !tb[RAFTLOG_PEER_A_ADDR]) {
		NL_SET_ERR_MSG_ATTR(extack, nla, "a peer needs an id and an address");
		NL_SET_ERR_ATTR_MISS(extack, nla, tb[RAFTLOG_PEER_A_ID] ?
				     RAFTLOG_PEER_A_ADDR : RAFTLOG_PEER_A_ID);
		return -EINVAL;
	}
	if (p->n_peers >= RL_GROUP_MAX_PEERS - 1) {
		NL_SET_ERR_MSG_ATTR(extack, nla, "too many peers (at most 15)");
		return -E2BIG;
	}
	pe = &p->peers[p->n_peers];
	pe->id = nla_get_u64(tb[RAFTLOG_PEER_A_ID]);
	nla_strscpy(pe->addr, tb[RAFTLOG_PEER_A_ADDR], sizeof(pe->addr));
	if (pe->id == p->node_id) {
		NL_SET_ERR_MSG_ATTR(extack, tb[RAFTLOG_PEER_A_ID],
				    "peer id is this node's id");
		return -EINVAL;
	}
	for (i = 0; i < p->n_peers; i++) {
		if (p->peers[i].id == pe->id) {
			NL_SET_ERR_MSG_ATTR(extack, tb[RAFTLOG_PEER_A_ID],
					    "duplicate peer id");
			return -EINVAL;
		}
	}
	if (rl_tp_parse_addr(pe->addr, &ss)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[RAFTLOG_PEER_A_ADDR],
				    "peer address is not IP:PORT or [IPv6]:PORT");
		return -EINVAL;
	}
	p->n_peers++;
	return 0;
}

static u32 rl_nl_get_u32(struct nlattr **a, int type, u32 def)
{
	return a[type] ? nla_get_u32(a[type]) : def;
}

/*
 * The block device of a group is opened read-write and exclusively by the
 * module, whoever asked: so asking needs what opening a block device for
 * writing needs in the initial namespace, CAP_SYS_ADMIN there, of both
 * the caller and the opener of the netlink socket (not only CAP_NET_ADMIN
 * over its own network namespace, which any user can get with
 * unshare -U -r -n).  Checked before the path is even looked up, so an
 * unprivileged caller learns nothing about the device either.
 */
static int rl_nl_check_device(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **a = info->attrs;

	if (a[RAFTLOG_A_DEVICE] && !netlink_capable(skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG_ATTR(extack, a[RAFTLOG_A_DEVICE],
				    "opening a block device needs CAP_SYS_ADMIN in the initial user namespace");
		return -EPERM;
	}
	return 0;
}

/*
 * A group without a device acknowledges what is durable nowhere: only
 * when asked for explicitly.
 */
static int rl_nl_check_volatile(struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **a = info->attrs;

	if (a[RAFTLOG_A_DEVICE] && a[RAFTLOG_A_VOLATILE]) {
		NL_SET_ERR_MSG_ATTR(extack, a[RAFTLOG_A_VOLATILE],
				    "a group with a device is not volatile");
		return -EINVAL;
	}
	if (!a[RAFTLOG_A_DEVICE] && !a[RAFTLOG_A_VOLATILE]) {
		NL_SET_ERR_MSG(extack,
			       "no device: give one, or ask for a volatile group (nothing it acknowledges is durable)");
		NL_SET_ERR_ATTR_MISS(extack, NULL, RAFTLOG_A_DEVICE);
		return -EINVAL;
	}
	return 0;
}

/* A listen address only this host can reach (127/8, ::1). */
static bool rl_nl_loopback(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

	if (ss->ss_family == AF_INET)
		return ipv4_is_loopback(sin->sin_addr.s_addr);
	if (ss->ss_family == AF_INET6)
		return ipv6_addr_loopback(&sin6->sin6_addr);
	return false;
}

/*
 * Without a secret, whoever reaches the port can rewrite the log: a
 * listen address other hosts can reach needs the explicit insecure flag,
 * and then still gets a warning (rl_nl_group_new, once created).
 * Returns 1 for such a group, 0 for a safe one, or an error.
 */
static int rl_nl_check_insecure(struct genl_info *info,
				const struct rl_group_params *p,
				const struct sockaddr_storage *ss)
{
	struct nlattr **a = info->attrs;

	if (p->secret_len) {
		if (a[RAFTLOG_A_INSECURE]) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[RAFTLOG_A_INSECURE],
					    "insecure contradicts a secret");
			return -EINVAL;
		}
		return 0;
	}
	if (!p->listen[0] || rl_nl_loopback(ss))
		return 0;
	if (!a[RAFTLOG_A_INSECURE]) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[RAFTLOG_A_LISTEN],
				    "listening beyond loopback without a secret: give a secret, or choose insecure (anyone reaching the port can rewrite the log)");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, RAFTLOG_A_SECRET);
		return -EPERM;
	}
	return 1;
}

/* The numbers the policy checked already. */
static void rl_nl_get_numbers(struct nlattr **a, struct rl_group_params *p)
{
	p->group_id = nla_get_u32(a[RAFTLOG_A_GROUP_ID]);
	p->node_id = nla_get_u64(a[RAFTLOG_A_NODE_ID]);
	if (a[RAFTLOG_A_CLUSTER_ID])
		p->cluster_id = nla_get_u64(a[RAFTLOG_A_CLUSTER_ID]);
	p->tick_ms = rl_nl_get_u32(a, RAFTLOG_A_TICK_MS, 0);
	p->election_ticks = rl_nl_get_u32(a, RAFTLOG_A_ELECTION_TICKS, 0);
	p->heartbeat_ticks = rl_nl_get_u32(a, RAFTLOG_A_HEARTBEAT_TICKS, 0);
	p->max_entry = rl_nl_get_u32(a, RAFTLOG_A_MAX_ENTRY, 0);
	p->max_pending = rl_nl_get_u32(a, RAFTLOG_A_MAX_PENDING, 0);
	p->cache_entries = rl_nl_get_u32(a, RAFTLOG_A_CACHE_ENTRIES, 0);
	if (a[RAFTLOG_A_LOG_MEM])
		p->log_mem = nla_get_u64(a[RAFTLOG_A_LOG_MEM]);
	if (a[RAFTLOG_A_RETAIN])
		p->retain = nla_get_u64(a[RAFTLOG_A_RETAIN]);
	p->compact_at = rl_nl_get_u32(a, RAFTLOG_A_COMPACT_AT, 0);
}

/* Everything the policy cannot check; fills @p. */
static int rl_nl_parse_new(struct sk_buff *skb, struct genl_info *info,
			   struct rl_group_params *p, bool *insecure)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **a = info->attrs;
	struct sockaddr_storage ss;
	struct nlattr *nla;
	dev_t devt;
	int rem, err;

	if (rl_nl_missing(info, RAFTLOG_A_GROUP_ID, "missing group id") ||
	    rl_nl_missing(info, RAFTLOG_A_NODE_ID, "missing node id"))
		return -EINVAL;
	rl_nl_get_numbers(a, p);

	err = rl_nl_check_device(skb, info);
	if (err)
		return err;
	if (a[RAFTLOG_A_DEVICE]) {
		nla_strscpy(p->dev_path, a[RAFTLOG_A_DEVICE],
			    sizeof(p->dev_path));
		err = lookup_bdev(p->dev_path, &devt);
		if (err == -ENOTBLK)
			NL_SET_ERR_MSG_ATTR(extack, a[RAFTLOG_A_DEVICE],
					    "not a block device");
		else if (err)
			NL_SET_ERR_MSG_ATTR(extack, a[RAFTLOG_A_DEVICE],
					    "no such block device");
		if (err)
			return err;
	}
	if (a[RAFTLOG_A_LISTEN]) {
		nla_strscpy(p->listen, a[RAFTLOG_A_LISTEN], sizeof(p->listen));
		if (rl_tp_parse_addr(p->listen, &ss)) {
			NL_SET_ERR_MSG_ATTR(extack, a[RAFTLOG_A_LISTEN],
					    "listen address is not IP:PORT or [IPv6]:PORT");
			return -EINVAL;
		}
	}
	p->join = nla_get_flag(a[RAFTLOG_A_JOIN]);
	if (a[RAFTLOG_A_SECRET]) {
		p->secret_len = nla_len(a[RAFTLOG_A_SECRET]);
		nla_memcpy(p->secret, a[RAFTLOG_A_SECRET], sizeof(p->secret));
	}
	nla_for_each_attr(nla, genlmsg_data(info->genlhdr),
			  genlmsg_len(info->genlhdr), rem) {
		if (nla_type(nla) != RAFTLOG_A_PEER)
			continue;
		err = rl_nl_parse_peer(info, nla, p);
		if (err)
			return err;
	}
	if (p->n_peers && !p->listen[0]) {
		NL_SET_ERR_MSG(extack, "a group with peers needs a listen address");
		NL_SET_ERR_ATTR_MISS(extack, NULL, RAFTLOG_A_LISTEN);
		return -EINVAL;
	}
	if (p->join && !p->n_peers) {
		NL_SET_ERR_MSG_ATTR(extack, a[RAFTLOG_A_JOIN],
				    "a joining node needs a peer to reach the cluster through");
		NL_SET_ERR_ATTR_MISS(extack, NULL, RAFTLOG_A_PEER);
		return -EINVAL;
	}
	/* the core's rule, against the defaults of what was not given */
	if ((p->heartbeat_ticks ? p->heartbeat_ticks : 2) >=
	    (p->election_ticks ? p->election_ticks : 10)) {
		NL_SET_ERR_MSG_ATTR(extack, a[RAFTLOG_A_HEARTBEAT_TICKS] ?:
				    a[RAFTLOG_A_ELECTION_TICKS],
				    "heartbeat ticks must be fewer than election ticks");
		return -EINVAL;
	}
	err = rl_nl_check_volatile(info);
	if (err)
		return err;
	err = rl_nl_check_insecure(info, p, &ss);
	if (err < 0)
		return err;
	*insecure = err;
	return 0;
}

/*
 * What a refusal says: for error @err (0: any other) of command @cmd (0:
 * any), the message, and which attribute it names.  The first match in
 * a table wins, so command-specific rows go before the general one.
 */
enum rl_nl_on {
	RL_NL_ON_NONE,		/* no attribute */
	RL_NL_ON_GROUP,		/* RAFTLOG_A_GROUP_ID */
	RL_NL_ON_DEVICE,	/* RAFTLOG_A_DEVICE */
	RL_NL_ON_LISTEN,	/* RAFTLOG_A_LISTEN */
	RL_NL_ON_MEMBER,	/* RAFTLOG_A_MEMBER_ID (not COMPACT's) */
	RL_NL_ON_INDEX,		/* RAFTLOG_A_INDEX (COMPACT's only) */
};

struct rl_nl_why {
	int err;
	u8 cmd;
	u8 on;
	const char *msg;
};

/* NL_SET_ERR_MSG(_ATTR) for a message that is not a literal */
static void rl_nl_explain(struct genl_info *info, const struct rl_nl_why *why)
{
	struct netlink_ext_ack *extack = info->extack;
	u8 cmd = info->genlhdr->cmd;
	struct nlattr *attr = NULL;

	/* attrs[] is as long as the command's policy: COMPACT's has INDEX */
	switch (why->on) {
	case RL_NL_ON_GROUP:
		attr = info->attrs[RAFTLOG_A_GROUP_ID];
		break;
	case RL_NL_ON_DEVICE:
		attr = info->attrs[RAFTLOG_A_DEVICE];
		break;
	case RL_NL_ON_LISTEN:
		attr = info->attrs[RAFTLOG_A_LISTEN];
		break;
	case RL_NL_ON_MEMBER:
		if (cmd != RAFTLOG_CMD_COMPACT)
			attr = info->attrs[RAFTLOG_A_MEMBER_ID];
		break;
	case RL_NL_ON_INDEX:
		if (cmd == RAFTLOG_CMD_COMPACT)
			attr = info->attrs[RAFTLOG_A_INDEX];
		break;
	}
	do_trace_netlink_extack(why->msg);
	if (!extack)
		return;
	extack->_msg = why->msg;
	if (why->on != RL_NL_ON_NONE) {
		extack->bad_attr = attr;
		extack->policy = NULL;
	}
}

/* The row of @table for @err of this command; the last row is the default. */
static void rl_nl_explain_err(struct genl_info *info,
			      const struct rl_nl_why *table, int err)
{
	u8 cmd = info->genlhdr->cmd;

	for (; table->err; table++)
		if (table->err == err && (!table->cmd || table->cmd == cmd))
			break;
	rl_nl_explain(info, table);
}

/* Why a creation failed. */
static const struct rl_nl_why rl_nl_new_why[] = {
	{ -EEXIST, 0, RL_NL_ON_GROUP,
	  "group id exists in this network namespace" },
	{ -EADDRINUSE, 0, RL_NL_ON_LISTEN, "listen address in use" },
	{ -EADDRNOTAVAIL, 0, RL_NL_ON_LISTEN,
	  "listen address is not on this host (namespace)" },
	{ -EBUSY, 0, RL_NL_ON_DEVICE, "block device is in use" },
	{ -EUCLEAN, 0, RL_NL_ON_DEVICE,
	  "block device lost committed entries, or holds no raftlog format (raftctl format)" },
	{ -ESTALE, 0, RL_NL_ON_DEVICE,
	  "block device was formatted for other cluster, group or node ids" },
	{ -ENOSPC, 0, RL_NL_ON_DEVICE,
	  "block device is smaller than its format" },
	{ -EIO, 0, RL_NL_ON_DEVICE, "I/O error on the block device" },
	{ -EBADMSG, 0, RL_NL_ON_DEVICE, "I/O error on the block device" },
	{ -EOPNOTSUPP, 0, RL_NL_ON_DEVICE,
	  "block device holds a snapshot (not supported yet)" },
	{ -ENOMEM, 0, RL_NL_ON_NONE, "out of memory" },
	{ -ENFILE, 0, RL_NL_ON_NONE,
	  "too many groups on this host (module parameter max_groups)" },
	{ -EMFILE, 0, RL_NL_ON_NONE,
	  "too many groups in this network namespace (max_groups_per_net)" },
	{ 0, 0, RL_NL_ON_GROUP, "cannot create the group" },
};

/* EEXIST for a group id this namespace does not have: its device name. */
static const struct rl_nl_why rl_nl_devname_why = {
	-EEXIST, 0, RL_NL_ON_GROUP,
	"another namespace runs this node of this group (/dev name taken)"
};

/*
 * EEXIST: the group id is taken in this namespace, or else (the group is
 * not there) its device name is, by another namespace (chardev.c).
 */
static void rl_nl_explain_exists(struct genl_info *info, struct net *net,
				 u32 id)
{
	struct rl_group *g = rl_group_find(net, id);

	if (g) {
		rl_group_put(g);
		rl_nl_explain_err(info, rl_nl_new_why, -EEXIST);
	} else {
		rl_nl_explain(info, &rl_nl_devname_why);
	}
}

int rl_nl_group_new(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct rl_group_params *p;
	bool insecure = false;
	struct rl_group *g;
	int err;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	err = rl_nl_parse_new(skb, info, p, &insecure);
	if (err)
		goto out;
	g = rl_group_find(net, p->group_id);
	if (g) {
		rl_group_put(g);
		err = -EEXIST;
	} else {
		err = rl_ctl_group_create(net, p);
	}
	if (err == -EEXIST)
		rl_nl_explain_exists(info, net, p->group_id);
	else if (err)
		rl_nl_explain_err(info, rl_nl_new_why, err);
	else if (insecure)
		pr_warn_ratelimited("raftlog: group %u node %llu listens on %s without a secret (insecure): anyone who reaches the port can rewrite its log\n",
				    p->group_id, p->node_id, p->listen);
out:
	kfree_sensitive(p);
	return err;
}

/* ---- GROUP_DEL, GROUP_SET ---- */

int rl_nl_group_del(struct sk_buff *skb, struct genl_info *info)
{
	struct rl_group *g;
	u32 id;
	int err;

	g = rl_nl_group(info, &err);
	if (!g)
		return err;
	id = rl_group_id(g);
	rl_group_put(g);
	err = rl_ctl_group_destroy(genl_info_net(info), id);
	if (err == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[RAFTLOG_A_GROUP_ID],
				    "no such group in this network namespace");
	return err;
}

int rl_nl_group_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct rl_group *g;
	int err;

	if (!a[RAFTLOG_A_MAX_ENTRY] && !a[RAFTLOG_A_MAX_PENDING] &&
	    !a[RAFTLOG_A_RETAIN] && !a[RAFTLOG_A_COMPACT_AT]) {
		NL_SET_ERR_MSG(info->extack, "nothing to change: give a tunable");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, RAFTLOG_A_MAX_PENDING);
		return -EINVAL;
	}
	g = rl_nl_group(info, &err);
	if (!g)
		return err;
	err = rl_group_tune(g, rl_nl_get_u32(a, RAFTLOG_A_MAX_ENTRY, 0),
			    rl_nl_get_u32(a, RAFTLOG_A_MAX_PENDING, 0),
			    a[RAFTLOG_A_RETAIN] ?
			    nla_get_u64(a[RAFTLOG_A_RETAIN]) : 0,
			    rl_nl_get_u32(a, RAFTLOG_A_COMPACT_AT, 0));
	if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, a[RAFTLOG_A_GROUP_ID],
				    "the group is stopping");
	rl_group_put(g);
	return err;
}

/* ---- membership, leadership, compaction ---- */

/* The leader this node knows of, for the message of an EREMOTE; 0: none. */
static u64 __maybe_unused rl_nl_known_leader(struct rl_group *g)
{
	struct rl_group_info *in;
	u64 lead = 0;

	in = kmalloc(sizeof(*in), GFP_KERNEL);
	if (in && !rl_group_info(g, in))
		lead = in->leader;
	kfree(in);
	return lead;
}

/*
 * EREMOTE names the leader to ask.  Kernels without formatted extack
 * messages (6.1) get the plain text; raftctl then reads the leader from
 * the group's status.
 */
static void rl_nl_explain_remote(struct genl_info *info, struct rl_group *g)
{
	NL_SET_BAD_ATTR(info->extack, info->attrs[RAFTLOG_A_GROUP_ID]);
#ifdef NL_SET_ERR_MSG_FMT
	{
		u64 lead = rl_nl_known_leader(g);

		if (lead) {
			NL_SET_ERR_MSG_FMT(info->extack,
					   "not the leader; node %llu leads",
					   lead);
			return;
		}
	}
#endif
	NL_SET_ERR_MSG(info->extack,
		       "not the leader; ask the leader named in the group's status");
}

/* Why a membership change, leadership transfer or compaction was refused. */
static const struct rl_nl_why rl_nl_change_why[] = {
	{ -EAGAIN, 0, RL_NL_ON_GROUP,
	  "no leader known right now (election); retry" },
	{ -EBUSY, RAFTLOG_CMD_COMPACT, RL_NL_ON_INDEX,
	  "beyond the application's snapshot (status app_snap_index): the entries after it are kept until the application snapshots again",
	},
	{ -EBUSY, 0, RL_NL_ON_GROUP,
	  "another membership change or a leadership transfer is in progress, or the leader has not committed in its term yet; retry",
	},
	{ -EEXIST, 0, RL_NL_ON_MEMBER, "already a member of the group" },
	{ -ESTALE, 0, RL_NL_ON_MEMBER,
	  "this id was a member before; ids are not reused: add the node under a new id" },
	{ -ENOENT, 0, RL_NL_ON_MEMBER, "not a member of the group" },
	{ -EALREADY, RAFTLOG_CMD_COMPACT, RL_NL_ON_INDEX,
	  "the log is compacted up to this index already" },
	{ -EALREADY, RAFTLOG_CMD_LEADER_TRANSFER, RL_NL_ON_MEMBER,
	  "that node leads already" },
	{ -EALREADY, 0, RL_NL_ON_MEMBER, "already a voter" },
	{ -ERANGE, 0, RL_NL_ON_MEMBER, "it is the last voter of the group" },
	{ -ENOSPC, 0, RL_NL_ON_MEMBER,
	  "the configuration has no room for another member" },
	{ -EINVAL, RAFTLOG_CMD_COMPACT, RL_NL_ON_INDEX,
	  "index is beyond what this node applied" },
	{ -EINVAL, 0, RL_NL_ON_MEMBER,
	  "a learner cannot take leadership; promote it first" },
	{ -EOPNOTSUPP, 0, RL_NL_ON_GROUP,
	  "the group has no transport (created without a listen address)" },
	{ -ETIMEDOUT, 0, RL_NL_ON_GROUP,
	  "no outcome in time; the change may still commit" },
	{ -ECANCELED, 0, RL_NL_ON_GROUP,
	  "the change was overwritten: leadership was lost" },
	{ -EINTR, 0, RL_NL_ON_GROUP,
	  "interrupted; the change may still happen" },
	{ -ENODEV, 0, RL_NL_ON_GROUP, "the group is stopping" },
	{ -EIO, 0, RL_NL_ON_GROUP,
	  "the group failed or this node was removed from it" },
	{ 0, 0, RL_NL_ON_GROUP, "the group refused the change" },
};

/* Name the attribute a refused change was about, and why. */
static void rl_nl_explain_change(struct genl_info *info, struct rl_group *g,
				 int err)
{
	if (err == -EREMOTE)
		rl_nl_explain_remote(info, g);
	else
		rl_nl_explain_err(info, rl_nl_change_why, err);
}

enum rl_nl_what { RL_NL_ADD, RL_NL_PROMOTE, RL_NL_REMOVE, RL_NL_TRANSFER };

static int rl_nl_change(struct genl_info *info, enum rl_nl_what what)
{
	struct nlattr **a = info->attrs;
	char addr[RL_NL_ADDR_LEN] = "";
	struct sockaddr_storage ss;
	struct rl_group *g;
	u64 node;
	int err;

	if (rl_nl_missing(info, RAFTLOG_A_GROUP_ID, "missing group id") ||
	    rl_nl_missing(info, RAFTLOG_A_MEMBER_ID, "missing member id"))
		return -EINVAL;
	if (what == RL_NL_ADD) {
		if (rl_nl_missing(info, RAFTLOG_A_MEMBER_ADDR,
				  "missing member address"))
			return -EINVAL;
		nla_strscpy(addr, a[RAFTLOG_A_MEMBER_ADDR], sizeof(addr));
		if (rl_tp_parse_addr(addr, &ss)) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[RAFTLOG_A_MEMBER_ADDR],
					    "member address is not IP:PORT or [IPv6]:PORT");
			return -EINVAL;
		}
	} else if (a[RAFTLOG_A_MEMBER_ADDR]) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[RAFTLOG_A_MEMBER_ADDR],
				    "an address is only taken when adding a member");
		return -EINVAL;
	}
	node = nla_get_u64(a[RAFTLOG_A_MEMBER_ID]);
	g = rl_nl_group(info, &err);
	if (!g)
		return err;
	if (node == rl_group_node(g) && (what == RL_NL_ADD || what == RL_NL_TRANSFER)) {
		if (what == RL_NL_ADD)
			NL_SET_ERR_MSG_ATTR(info->extack, a[RAFTLOG_A_MEMBER_ID],
					    "that is this node");
		else
			NL_SET_ERR_MSG_ATTR(info->extack, a[RAFTLOG_A_MEMBER_ID],
					    "cannot transfer leadership to this node itself");
		err = what == RL_NL_ADD ? -EEXIST : -EINVAL;
		goto out;
	}
	switch (what) {
	case RL_NL_ADD:
		err = rl_group_member_add(g, node, addr);
		break;
	case RL_NL_PROMOTE:
		err = rl_group_member_promote(g, node);
		break;
	case RL_NL_REMOVE:
		err = rl_group_member_remove(g, node);
		break;
	case RL_NL_TRANSFER:
		err = rl_group_transfer(g, node);
		break;
	}
	if (err)
		rl_nl_explain_change(info, g, err);
out:
	rl_group_put(g);
	return err;
}

int rl_nl_member_add(struct sk_buff *skb, struct genl_info *info)
{
	return rl_nl_change(info, RL_NL_ADD);
}

int rl_nl_member_promote(struct sk_buff *skb, struct genl_info *info)
{
	return rl_nl_change(info, RL_NL_PROMOTE);
}

int rl_nl_member_remove(struct sk_buff *skb, struct genl_info *info)
{
	return rl_nl_change(info, RL_NL_REMOVE);
}

int rl_nl_leader_transfer(struct sk_buff *skb, struct genl_info *info)
{
	return rl_nl_change(info, RL_NL_TRANSFER);
}

int rl_nl_compact(struct sk_buff *skb, struct genl_info *info)
{
	struct rl_group *g;
	int err;

	if (rl_nl_missing(info, RAFTLOG_A_INDEX, "missing index"))
		return -EINVAL;
	g = rl_nl_group(info, &err);
	if (!g)
		return err;
	err = rl_group_compact(g, nla_get_u64(info->attrs[RAFTLOG_A_INDEX]));
	if (err)
		rl_nl_explain_change(info, g, err);
	rl_group_put(g);
	return err;
}
