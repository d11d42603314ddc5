// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "raftlog": what raftctl speaks.  The ABI is
 * documented in uapi/linux/raftlog.h and described as a YNL spec in
 * uapi/raftlog.yaml.
 *
 * Every command has its own strict policy listing exactly the attributes
 * it takes; the core refuses anything else.  What a policy cannot say
 * (attributes required together, peers distinct, an address that
 * parses, the group existing) is checked by the commands (netlink_cmd.c)
 * before anything changes, and every refusal names the attribute in the
 * extended ack.  Status replies are in netlink_dump.c.  Mutations
 * need CAP_NET_ADMIN in the user namespace owning the caller's network
 * namespace (GENL_UNS_ADMIN_PERM); groups are looked up in that namespace.
 *
 * Events reach userspace through the event hook of the group driver:
 * the groups never call into this file.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <linux/raftlog.h>
#include "group.h"
#include "netlink.h"
#include "netlink_int.h"

static const struct genl_multicast_group rl_nl_mcgrps[] = {
	[RL_NL_MCGRP_EVENTS] = { .name = RAFTLOG_MCGRP_EVENTS },
};

/* ---- policies: one per command ---- */

static struct netlink_range_validation rl_nl_max_entry_range = {
	.min = 1, .max = 1048576,	/* RAFT_MAX_ENTRY_SIZE */
};

static struct netlink_range_validation rl_nl_max_pending_range = {
	.min = 1, .max = 65536,
};

static struct netlink_range_validation rl_nl_cache_range = {
	.min = 1, .max = 1048576,	/* RL_MAX_CACHE */
};

static struct netlink_range_validation rl_nl_log_mem_range = {
	.min = 64ULL << 10, .max = 16ULL << 30,	/* RL_MIN/MAX_LOG_MEM */
};

const struct nla_policy rl_nl_peer_policy[RAFTLOG_PEER_A_MAX + 1] = {
	[RAFTLOG_PEER_A_ID] = NLA_POLICY_MIN(NLA_U64, 1),
	[RAFTLOG_PEER_A_ADDR] = { .type = NLA_NUL_STRING,
				  .len = RL_NL_ADDR_LEN - 1 },
};

static struct netlink_range_validation rl_nl_retain_range = {
	.min = 1, .max = 1ULL << 40,		/* RL_MAX_RETAIN */
};

static const struct nla_policy rl_nl_new_policy[RAFTLOG_A_MAX + 1] = {
	[RAFTLOG_A_GROUP_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[RAFTLOG_A_NODE_ID] = NLA_POLICY_MIN(NLA_U64, 1),
	[RAFTLOG_A_CLUSTER_ID] = { .type = NLA_U64 },
	[RAFTLOG_A_DEVICE] = { .type = NLA_NUL_STRING,
			       .len = RL_DEV_PATH_MAX - 1 },
	[RAFTLOG_A_LISTEN] = { .type = NLA_NUL_STRING,
			       .len = RL_NL_ADDR_LEN - 1 },
	[RAFTLOG_A_PEER] = NLA_POLICY_NESTED(rl_nl_peer_policy),
	[RAFTLOG_A_SECRET] = NLA_POLICY_RANGE(NLA_BINARY, 1,
					      RAFTLOG_SECRET_MAX),
	[RAFTLOG_A_TICK_MS] = NLA_POLICY_RANGE(NLA_U32, 1, 10000),
	[RAFTLOG_A_ELECTION_TICKS] = NLA_POLICY_RANGE(NLA_U32, 2, 1000),
	[RAFTLOG_A_HEARTBEAT_TICKS] = NLA_POLICY_RANGE(NLA_U32, 1, 999),
	[RAFTLOG_A_MAX_ENTRY] = NLA_POLICY_FULL_RANGE(NLA_U32,
						      &rl_nl_max_entry_range),
	[RAFTLOG_A_MAX_PENDING] = NLA_POLICY_FULL_RANGE(NLA_U32,
							&rl_nl_max_pending_range),
	[RAFTLOG_A_CACHE_ENTRIES] = NLA_POLICY_FULL_RANGE(NLA_U32,
							  &rl_nl_cache_range),
	[RAFTLOG_A_JOIN] = { .type = NLA_FLAG },
	[RAFTLOG_A_VOLATILE] = { .type = NLA_FLAG },
	[RAFTLOG_A_INSECURE] = { .type = NLA_FLAG },
	[RAFTLOG_A_LOG_MEM] = NLA_POLICY_FULL_RANGE(NLA_U64,
						    &rl_nl_log_mem_range),
	[RAFTLOG_A_RETAIN] = NLA_POLICY_FULL_RANGE(NLA_U64,
						   &rl_nl_retain_range),
	[RAFTLOG_A_COMPACT_AT] = NLA_POLICY_RANGE(NLA_U32, 10, 100),
};

static const struct nla_policy rl_nl_group_policy[RAFTLOG_A_GROUP_ID + 1] = {
	[RAFTLOG_A_GROUP_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy rl_nl_set_policy[RAFTLOG_A_COMPACT_AT + 1] = {
	[RAFTLOG_A_GROUP_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[RAFTLOG_A_MAX_ENTRY] = NLA_POLICY_FULL_RANGE(NLA_U32,
						      &rl_nl_max_entry_range),
	[RAFTLOG_A_MAX_PENDING] = NLA_POLICY_FULL_RANGE(NLA_U32,
							&rl_nl_max_pending_range),
	[RAFTLOG_A_RETAIN] = NLA_POLICY_FULL_RANGE(NLA_U64,
						   &rl_nl_retain_range),
	[RAFTLOG_A_COMPACT_AT] = NLA_POLICY_RANGE(NLA_U32, 10, 100),
};

static const struct nla_policy rl_nl_member_policy[RAFTLOG_A_MEMBER_ADDR + 1] = {
	[RAFTLOG_A_GROUP_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[RAFTLOG_A_MEMBER_ID] = NLA_POLICY_MIN(NLA_U64, 1),
	[RAFTLOG_A_MEMBER_ADDR] = { .type = NLA_NUL_STRING,
				    .len = RL_NL_ADDR_LEN - 1 },
};

static const struct nla_policy rl_nl_compact_policy[RAFTLOG_A_INDEX + 1] = {
	[RAFTLOG_A_GROUP_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[RAFTLOG_A_INDEX] = NLA_POLICY_MIN(NLA_U64, 1),
};

/* ---- events ---- */

static int rl_nl_put_event(struct sk_buff *skb, const struct rl_group_event *ev)
{
	struct rl_member_info m = {};
	u32 i;

	if (nla_put_u32(skb, RAFTLOG_A_GROUP_ID, ev->group_id) ||
	    RL_NL_PUT(skb, NODE_ID, ev->node_id) ||
	    nla_put_u32(skb, RAFTLOG_A_EVENT, ev->type))
		return -EMSGSIZE;
	switch (ev->type) {
	case RAFTLOG_EVENT_ROLE:
	case RAFTLOG_EVENT_LEADER:
		if (nla_put_u8(skb, RAFTLOG_A_ROLE, ev->role) ||
		    RL_NL_PUT(skb, TERM, ev->term) ||
		    RL_NL_PUT(skb, LEADER, ev->leader))
			return -EMSGSIZE;
		break;
	case RAFTLOG_EVENT_PEER_UP:
	case RAFTLOG_EVENT_PEER_DOWN:
		if (RL_NL_PUT(skb, MEMBER_ID, ev->peer))
			return -EMSGSIZE;
		break;
	case RAFTLOG_EVENT_FAILED:
	case RAFTLOG_EVENT_CORRUPT:
		if (nla_put_s32(skb, RAFTLOG_A_ERROR, ev->err))
			return -EMSGSIZE;
		break;
	case RAFTLOG_EVENT_MEMBERS:
		for (i = 0; i < ev->n_voters + ev->n_learners; i++) {
			m.learner = i >= ev->n_voters;
			m.id = m.learner ? ev->learners[i - ev->n_voters] :
			       ev->voters[i];
			m.self = m.id == ev->node_id;
			if (rl_nl_put_member(skb, &m))
				return -EMSGSIZE;
		}
		break;
	}
	return 0;
}

/* The event hook: under rcu_read_lock, so nothing here sleeps. */
static void rl_nl_event(struct net *net, const struct rl_group_event *ev)
{
	struct sk_buff *skb;
	void *hdr;

	if (!genl_has_listeners(&rl_nl_family, net, RL_NL_MCGRP_EVENTS))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &rl_nl_family, 0, RAFTLOG_CMD_EVENT);
	if (!hdr || rl_nl_put_event(skb, ev)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&rl_nl_family, net, skb, 0, RL_NL_MCGRP_EVENTS,
				GFP_ATOMIC);
}

static const struct rl_group_event_hook rl_nl_hook = {
	.fn = rl_nl_event,
};

/* ---- the family ---- */

/* A mutation: its own policy (attributes up to @max), admin only. */
#define RL_NL_OP(c, fn, pol, max) {			\
	.cmd = RAFTLOG_CMD_##c,				\
	.doit = fn,					\
	.policy = pol,					\
	.maxattr = max,					\
	.flags = GENL_UNS_ADMIN_PERM,			\
}

static const struct genl_ops rl_nl_ops[] = {
	RL_NL_OP(GROUP_NEW, rl_nl_group_new, rl_nl_new_policy, RAFTLOG_A_MAX),
	RL_NL_OP(GROUP_DEL, rl_nl_group_del, rl_nl_group_policy, RAFTLOG_A_GROUP_ID),
	{
		.cmd = RAFTLOG_CMD_GROUP_GET,
		.doit = rl_nl_group_get,
		.dumpit = rl_nl_group_dump,
		.policy = rl_nl_group_policy,
		.maxattr = RAFTLOG_A_GROUP_ID,
	},
	RL_NL_OP(GROUP_SET, rl_nl_group_set, rl_nl_set_policy, RAFTLOG_A_COMPACT_AT),
	RL_NL_OP(MEMBER_ADD, rl_nl_member_add, rl_nl_member_policy,
		 RAFTLOG_A_MEMBER_ADDR),
	RL_NL_OP(MEMBER_PROMOTE, rl_nl_member_promote, rl_nl_member_policy,
		 RAFTLOG_A_MEMBER_ADDR),
	RL_NL_OP(MEMBER_REMOVE, rl_nl_member_remove, rl_nl_member_policy,
		 RAFTLOG_A_MEMBER_ADDR),
	RL_NL_OP(LEADER_TRANSFER, rl_nl_leader_transfer, rl_nl_member_policy,
		 RAFTLOG_A_MEMBER_ADDR),
	RL_NL_OP(COMPACT, rl_nl_compact, rl_nl_compact_policy, RAFTLOG_A_INDEX),
};

struct genl_family rl_nl_family __ro_after_init = {
	.name = RAFTLOG_GENL_NAME,
	.version = RAFTLOG_GENL_VERSION,
	.netnsok = true,
	/* groups lock for themselves; the control path has its own mutex */
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = rl_nl_ops,
	.n_ops = ARRAY_SIZE(rl_nl_ops),
	/* every command: strict header and policy checks */
	.resv_start_op = RAFTLOG_CMD_GROUP_NEW,
	.mcgrps = rl_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(rl_nl_mcgrps),
};

int __init rl_nl_init(void)
{
	int err = genl_register_family(&rl_nl_family);

	if (!err)
		rl_group_set_event_hook(&rl_nl_hook);
	return err;
}

void rl_nl_exit(void)
{
	rl_group_set_event_hook(NULL);
	genl_unregister_family(&rl_nl_family);
}
