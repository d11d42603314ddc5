/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the generic netlink family "raftlog", shared by its files,
 * each calling only those listed after it:
 *
 *   netlink.c       the family: policies, operations, events
 *   netlink_cmd.c   the commands that change groups (GROUP_NEW, _DEL,
 *                   _SET, the membership commands, LEADER_TRANSFER,
 *                   COMPACT) and the extended-ack messages of refusals
 *   netlink_dump.c  status replies: GROUP_GET and its dump, the request's
 *                   group (rl_nl_group), a member's nest
 */
#ifndef RL_NETLINK_INT_H
#define RL_NETLINK_INT_H

#include <net/genetlink.h>
#include <net/netlink.h>
#include <linux/raftlog.h>

struct rl_group;
struct rl_member_info;

#define RL_NL_ADDR_LEN	64	/* struct rl_group_peer.addr */

enum { RL_NL_MCGRP_EVENTS };

extern struct genl_family rl_nl_family;
extern const struct nla_policy rl_nl_peer_policy[RAFTLOG_PEER_A_MAX + 1];

/*
 * True (and the request refused, naming the missing type) when a required
 * attribute is absent.  A macro: extack messages must be literals.
 */
#define rl_nl_missing(info, type, msg) ({				\
	struct genl_info *__i = (info);					\
	bool __miss = !__i->attrs[type];				\
									\
	if (__miss) {							\
		NL_SET_ERR_MSG(__i->extack, msg);			\
		NL_SET_ERR_ATTR_MISS(__i->extack, NULL, type);		\
	}								\
	__miss;								\
})

/* The group named by RAFTLOG_A_GROUP_ID (required), referenced. */
struct rl_group *rl_nl_group(struct genl_info *info, int *err);

static inline int rl_nl_put_u64(struct sk_buff *skb, int type, u64 v, int pad)
{
	return nla_put_u64_64bit(skb, type, v, pad);
}

#define RL_NL_PUT_M(skb, type, v) \
	rl_nl_put_u64(skb, RAFTLOG_MEMBER_A_##type, v, RAFTLOG_MEMBER_A_PAD)
#define RL_NL_PUT(skb, type, v) \
	rl_nl_put_u64(skb, RAFTLOG_A_##type, v, RAFTLOG_A_PAD)

/* One member as a RAFTLOG_A_MEMBER nest (status replies and events). */
int rl_nl_put_member(struct sk_buff *skb, const struct rl_member_info *m);

/* netlink_cmd.c */
int rl_nl_group_new(struct sk_buff *skb, struct genl_info *info);
int rl_nl_group_del(struct sk_buff *skb, struct genl_info *info);
int rl_nl_group_set(struct sk_buff *skb, struct genl_info *info);
int rl_nl_member_add(struct sk_buff *skb, struct genl_info *info);
int rl_nl_member_promote(struct sk_buff *skb, struct genl_info *info);
int rl_nl_member_remove(struct sk_buff *skb, struct genl_info *info);
int rl_nl_leader_transfer(struct sk_buff *skb, struct genl_info *info);
int rl_nl_compact(struct sk_buff *skb, struct genl_info *info);

/* netlink_dump.c */
int rl_nl_group_get(struct sk_buff *skb, struct genl_info *info);
int rl_nl_group_dump(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* RL_NETLINK_INT_H */
