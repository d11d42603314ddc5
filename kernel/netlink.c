// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "raftlog": what raftctl speaks.  The ABI is
 * documented in uapi/linux/raftlog.h and described as a YNL spec in
 * uapi/raftlog.yaml.
 *
 * Every command has its own strict policy listing exactly the attributes
 * it takes; the core refuses anything else.  What a policy cannot say
 * (attributes required together, peers distinct, an address that
 * parses, the group existing) is checked here before anything changes,
 * and every refusal names the attribute in the extended ack.  Mutations
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
#include <linux/blkdev.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <linux/raftlog.h>
#include "group.h"
#include "chardev.h"
#include "transport.h"
#include "ctl.h"
#include "netlink.h"

#define RL_ADDR_LEN	64	/* struct rl_group_peer.addr */

static struct genl_family rl_nl_family;

enum { RL_MCGRP_EVENTS };

static const struct genl_multicast_group rl_nl_mcgrps[] = {
	[RL_MCGRP_EVENTS] = { .name = RAFTLOG_MCGRP_EVENTS },
};

/* ------------------------------------------------------------------ */
/* Policies: one per command                                           */

static struct netlink_range_validation rl_max_entry_range = {
	.min = 1, .max = 1048576,	/* RAFT_MAX_ENTRY_SIZE */
};

static struct netlink_range_validation rl_max_pending_range = {
	.min = 1, .max = 65536,
};

static struct netlink_range_validation rl_cache_range = {
	.min = 1, .max = 1048576,	/* RL_MAX_CACHE */
};

static const struct nla_policy rl_peer_policy[RAFTLOG_PEER_A_MAX + 1] = {
	[RAFTLOG_PEER_A_ID] = NLA_POLICY_MIN(NLA_U64, 1),
	[RAFTLOG_PEER_A_ADDR] = { .type = NLA_NUL_STRING,
				  .len = RL_ADDR_LEN - 1 },
};

static const struct nla_policy rl_new_policy[RAFTLOG_A_MAX + 1] = {
	[RAFTLOG_A_GROUP_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[RAFTLOG_A_NODE_ID] = NLA_POLICY_MIN(NLA_U64, 1),
	[RAFTLOG_A_CLUSTER_ID] = { .type = NLA_U64 },
	[RAFTLOG_A_DEVICE] = { .type = NLA_NUL_STRING,
			       .len = RL_DEV_PATH_MAX - 1 },
	[RAFTLOG_A_LISTEN] = { .type = NLA_NUL_STRING,
			       .len = RL_ADDR_LEN - 1 },
	[RAFTLOG_A_PEER] = NLA_POLICY_NESTED(rl_peer_policy),
	[RAFTLOG_A_SECRET] = NLA_POLICY_RANGE(NLA_BINARY, 1,
					      RAFTLOG_SECRET_MAX),
	[RAFTLOG_A_TICK_MS] = NLA_POLICY_RANGE(NLA_U32, 1, 10000),
	[RAFTLOG_A_ELECTION_TICKS] = NLA_POLICY_RANGE(NLA_U32, 2, 1000),
	[RAFTLOG_A_HEARTBEAT_TICKS] = NLA_POLICY_RANGE(NLA_U32, 1, 999),
	[RAFTLOG_A_MAX_ENTRY] = NLA_POLICY_FULL_RANGE(NLA_U32,
						      &rl_max_entry_range),
	[RAFTLOG_A_MAX_PENDING] = NLA_POLICY_FULL_RANGE(NLA_U32,
							&rl_max_pending_range),
	[RAFTLOG_A_CACHE_ENTRIES] = NLA_POLICY_FULL_RANGE(NLA_U32,
							  &rl_cache_range),
	[RAFTLOG_A_JOIN] = { .type = NLA_FLAG },
};

static const struct nla_policy rl_group_policy[RAFTLOG_A_GROUP_ID + 1] = {
	[RAFTLOG_A_GROUP_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy rl_set_policy[RAFTLOG_A_MAX_PENDING + 1] = {
	[RAFTLOG_A_GROUP_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[RAFTLOG_A_MAX_ENTRY] = NLA_POLICY_FULL_RANGE(NLA_U32,
						      &rl_max_entry_range),
	[RAFTLOG_A_MAX_PENDING] = NLA_POLICY_FULL_RANGE(NLA_U32,
							&rl_max_pending_range),
};

static const struct nla_policy rl_member_policy[RAFTLOG_A_MEMBER_ADDR + 1] = {
	[RAFTLOG_A_GROUP_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[RAFTLOG_A_MEMBER_ID] = NLA_POLICY_MIN(NLA_U64, 1),
	[RAFTLOG_A_MEMBER_ADDR] = { .type = NLA_NUL_STRING,
				    .len = RL_ADDR_LEN - 1 },
};

static const struct nla_policy rl_compact_policy[RAFTLOG_A_INDEX + 1] = {
	[RAFTLOG_A_GROUP_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[RAFTLOG_A_INDEX] = NLA_POLICY_MIN(NLA_U64, 1),
};

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

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
static struct rl_group *rl_nl_group(struct genl_info *info, int *err)
{
	struct rl_group *g;

	*err = -EINVAL;
	if (rl_nl_missing(info, RAFTLOG_A_GROUP_ID, "missing group id"))
		return NULL;
	g = rl_group_find(genl_info_net(info),
			  nla_get_u32(info->attrs[RAFTLOG_A_GROUP_ID]));
	if (!g) {
		*err = -ENOENT;
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[RAFTLOG_A_GROUP_ID],
				    "no such group in this network namespace");
	}
	return g;
}

/* ------------------------------------------------------------------ */
/* Status replies                                                      */

static int rl_put_u64(struct sk_buff *skb, int type, u64 v, int pad)
{
	return nla_put_u64_64bit(skb, type, v, pad);
}

#define RL_PUT_M(skb, type, v) \
	rl_put_u64(skb, RAFTLOG_MEMBER_A_##type, v, RAFTLOG_MEMBER_A_PAD)
#define RL_PUT_C(skb, type, v) \
	rl_put_u64(skb, RAFTLOG_COUNTER_A_##type, v, RAFTLOG_COUNTER_A_PAD)
#define RL_PUT_S(skb, type, v) \
	rl_put_u64(skb, RAFTLOG_STORAGE_A_##type, v, RAFTLOG_STORAGE_A_PAD)
#define RL_PUT(skb, type, v) \
	rl_put_u64(skb, RAFTLOG_A_##type, v, RAFTLOG_A_PAD)

static int rl_put_member_link(struct sk_buff *skb,
			      const struct rl_member_info *m)
{
	if (nla_put_u8(skb, RAFTLOG_MEMBER_A_CONNECTED, m->connected) ||
	    RL_PUT_M(skb, CONNECTS, m->connects) ||
	    RL_PUT_M(skb, DISCONNECTS, m->disconnects) ||
	    RL_PUT_M(skb, CONNECT_FAILURES, m->connect_failures) ||
	    RL_PUT_M(skb, FRAMES_OUT, m->frames_out) ||
	    RL_PUT_M(skb, BYTES_OUT, m->bytes_out) ||
	    RL_PUT_M(skb, FRAMES_IN, m->frames_in) ||
	    RL_PUT_M(skb, BYTES_IN, m->bytes_in) ||
	    RL_PUT_M(skb, FRAMES_DROPPED, m->frames_dropped) ||
	    RL_PUT_M(skb, DECODE_ERRORS, m->decode_errors) ||
	    RL_PUT_M(skb, HANDSHAKE_FAILURES, m->handshake_failures))
		return -EMSGSIZE;
	return 0;
}

static int rl_put_member(struct sk_buff *skb, const struct rl_member_info *m)
{
	struct nlattr *nest = nla_nest_start(skb, RAFTLOG_A_MEMBER);

	if (!nest)
		return -EMSGSIZE;
	if (RL_PUT_M(skb, ID, m->id) ||
	    nla_put_u8(skb, RAFTLOG_MEMBER_A_KIND, m->learner ?
		       RAFTLOG_MEMBER_LEARNER : RAFTLOG_MEMBER_VOTER) ||
	    (m->addr[0] && nla_put_string(skb, RAFTLOG_MEMBER_A_ADDR, m->addr)) ||
	    (m->self && nla_put_flag(skb, RAFTLOG_MEMBER_A_SELF)))
		goto cancel;
	if (m->has_progress &&
	    (RL_PUT_M(skb, MATCH, m->match) || RL_PUT_M(skb, NEXT, m->next) ||
	     RL_PUT_M(skb, INFLIGHT, m->inflight) ||
	     nla_put_u8(skb, RAFTLOG_MEMBER_A_PROGRESS, m->progress)))
		goto cancel;
	if (m->has_contact && RL_PUT_M(skb, CONTACT_MS, m->contact_ms))
		goto cancel;
	if (m->has_link && rl_put_member_link(skb, m))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int rl_put_counters(struct sk_buff *skb, const struct rl_group_counters *c)
{
	struct nlattr *nest = nla_nest_start(skb, RAFTLOG_A_COUNTERS);

	if (!nest)
		return -EMSGSIZE;
	if (RL_PUT_C(skb, ELECTIONS_STARTED, c->elections_started) ||
	    RL_PUT_C(skb, ELECTIONS_WON, c->elections_won) ||
	    RL_PUT_C(skb, PROPOSALS, c->proposals) ||
	    RL_PUT_C(skb, PROPOSALS_FAILED, c->proposals_failed) ||
	    RL_PUT_C(skb, COMMITS, c->commits) ||
	    RL_PUT_C(skb, COMMIT_BYTES, c->commit_bytes) ||
	    RL_PUT_C(skb, FSYNCS, c->fsyncs) ||
	    RL_PUT_C(skb, FSYNC_USEC_TOTAL, c->fsync_usec_total) ||
	    RL_PUT_C(skb, FSYNC_USEC_MAX, c->fsync_usec_max) ||
	    RL_PUT_C(skb, FSYNC_SAMPLES, c->fsync_samples) ||
	    RL_PUT_C(skb, DECODE_ERRORS, c->decode_errors) ||
	    RL_PUT_C(skb, HANDSHAKE_FAILURES, c->handshake_failures) ||
	    RL_PUT_C(skb, MSGS_DROPPED, c->msgs_dropped) ||
	    RL_PUT_C(skb, MSGS_IN_DROPPED, c->msgs_in_dropped)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int rl_put_storage(struct sk_buff *skb, const struct rl_storage_state *s)
{
	struct nlattr *nest = nla_nest_start(skb, RAFTLOG_A_STORAGE);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, RAFTLOG_STORAGE_A_STATE, s->state) ||
	    (s->error && nla_put_s32(skb, RAFTLOG_STORAGE_A_ERROR, s->error)))
		goto cancel;
	if (s->state != RAFTLOG_STORAGE_VOLATILE &&
	    (RL_PUT_S(skb, FIRST_INDEX, s->first_index) ||
	     RL_PUT_S(skb, LAST_INDEX, s->last_index) ||
	     RL_PUT_S(skb, DURABLE_INDEX, s->durable_index) ||
	     RL_PUT_S(skb, SNAP_INDEX, s->snap_index) ||
	     RL_PUT_S(skb, SNAP_TERM, s->snap_term) ||
	     RL_PUT_S(skb, RING_BLOCKS, s->ring_blocks) ||
	     RL_PUT_S(skb, USED_BLOCKS, s->used_blocks) ||
	     RL_PUT_S(skb, RECORDS, s->records) ||
	     RL_PUT_S(skb, RING_LAPS, s->ring_laps)))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int rl_put_params(struct sk_buff *skb, const struct rl_group_params *p)
{
	if (nla_put_u32(skb, RAFTLOG_A_GROUP_ID, p->group_id) ||
	    RL_PUT(skb, NODE_ID, p->node_id) ||
	    RL_PUT(skb, CLUSTER_ID, p->cluster_id) ||
	    (p->dev_path[0] &&
	     nla_put_string(skb, RAFTLOG_A_DEVICE, p->dev_path)) ||
	    (p->listen[0] && nla_put_string(skb, RAFTLOG_A_LISTEN, p->listen)) ||
	    nla_put_u32(skb, RAFTLOG_A_TICK_MS, p->tick_ms) ||
	    nla_put_u32(skb, RAFTLOG_A_ELECTION_TICKS, p->election_ticks) ||
	    nla_put_u32(skb, RAFTLOG_A_HEARTBEAT_TICKS, p->heartbeat_ticks) ||
	    nla_put_u32(skb, RAFTLOG_A_MAX_ENTRY, p->max_entry) ||
	    nla_put_u32(skb, RAFTLOG_A_MAX_PENDING, p->max_pending) ||
	    nla_put_u32(skb, RAFTLOG_A_CACHE_ENTRIES, p->cache_entries))
		return -EMSGSIZE;
	return 0;
}

/* One group's status as a message; never the secret. */
static int rl_fill_group(struct sk_buff *skb, struct rl_group *g,
			 const struct rl_group_info *in, u32 portid, u32 seq,
			 int flags)
{
	char chardev[48];
	void *hdr;
	u32 i;

	hdr = genlmsg_put(skb, portid, seq, &rl_nl_family, flags,
			  RAFTLOG_CMD_GROUP_GET);
	if (!hdr)
		return -EMSGSIZE;
	rl_chardev_name(g, chardev, sizeof(chardev));
	if (rl_put_params(skb, &in->p) ||
	    nla_put_string(skb, RAFTLOG_A_CHARDEV, chardev) ||
	    (in->auth && nla_put_flag(skb, RAFTLOG_A_AUTH)) ||
	    nla_put_u8(skb, RAFTLOG_A_ROLE, in->role) ||
	    RL_PUT(skb, TERM, in->term) || RL_PUT(skb, VOTE, in->vote) ||
	    RL_PUT(skb, LEADER, in->leader) ||
	    RL_PUT(skb, COMMIT, in->commit) ||
	    RL_PUT(skb, APPLIED, in->applied) ||
	    RL_PUT(skb, FIRST_INDEX, in->first_index) ||
	    RL_PUT(skb, LAST_INDEX, in->last_index) ||
	    nla_put_u32(skb, RAFTLOG_A_PENDING, in->pending) ||
	    nla_put_u32(skb, RAFTLOG_A_FLAGS, in->flags))
		goto cancel;
	for (i = 0; i < in->n_members; i++)
		if (rl_put_member(skb, &in->members[i]))
			goto cancel;
	if (rl_put_counters(skb, &in->c) || rl_put_storage(skb, &in->s))
		goto cancel;
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* ------------------------------------------------------------------ */
/* GROUP_NEW                                                           */

static int rl_parse_peer(struct genl_info *info, struct nlattr *nla,
			 struct rl_group_params *p)
{
	struct nlattr *tb[RAFTLOG_PEER_A_MAX + 1];
	struct netlink_ext_ack *extack = info->extack;
	struct sockaddr_storage ss;
	struct rl_group_peer *pe;
	u32 i;
	int err;

	err = nla_parse_nested(tb, RAFTLOG_PEER_A_MAX, nla, rl_peer_policy,
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

static u32 rl_get_u32(struct nlattr **a, int type, u32 def)
{
	return a[type] ? nla_get_u32(a[type]) : def;
}

/* Everything the policy cannot check; fills @p. */
static int rl_parse_new(struct genl_info *info, struct rl_group_params *p)
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
	p->group_id = nla_get_u32(a[RAFTLOG_A_GROUP_ID]);
	p->node_id = nla_get_u64(a[RAFTLOG_A_NODE_ID]);
	if (a[RAFTLOG_A_CLUSTER_ID])
		p->cluster_id = nla_get_u64(a[RAFTLOG_A_CLUSTER_ID]);
	p->tick_ms = rl_get_u32(a, RAFTLOG_A_TICK_MS, 0);
	p->election_ticks = rl_get_u32(a, RAFTLOG_A_ELECTION_TICKS, 0);
	p->heartbeat_ticks = rl_get_u32(a, RAFTLOG_A_HEARTBEAT_TICKS, 0);
	p->max_entry = rl_get_u32(a, RAFTLOG_A_MAX_ENTRY, 0);
	p->max_pending = rl_get_u32(a, RAFTLOG_A_MAX_PENDING, 0);
	p->cache_entries = rl_get_u32(a, RAFTLOG_A_CACHE_ENTRIES, 0);

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
		err = rl_parse_peer(info, nla, p);
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
	return 0;
}

/* Say which attribute a failed creation was about. */
static void rl_explain_new(struct genl_info *info, int err)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **a = info->attrs;
	struct nlattr *dev = a[RAFTLOG_A_DEVICE];
	struct nlattr *listen = a[RAFTLOG_A_LISTEN];

	switch (err) {
	case -EEXIST:
		NL_SET_ERR_MSG_ATTR(extack, a[RAFTLOG_A_GROUP_ID],
				    "group id exists in this network namespace");
		break;
	case -EADDRINUSE:
		NL_SET_ERR_MSG_ATTR(extack, listen, "listen address in use");
		break;
	case -EADDRNOTAVAIL:
		NL_SET_ERR_MSG_ATTR(extack, listen,
				    "listen address is not on this host (namespace)");
		break;
	case -EBUSY:
		NL_SET_ERR_MSG_ATTR(extack, dev, "block device is in use");
		break;
	case -EUCLEAN:
		NL_SET_ERR_MSG_ATTR(extack, dev,
				    "block device holds no raftlog format (raftctl format)");
		break;
	case -ESTALE:
		NL_SET_ERR_MSG_ATTR(extack, dev,
				    "block device was formatted for other cluster, group or node ids");
		break;
	case -ENOSPC:
		NL_SET_ERR_MSG_ATTR(extack, dev,
				    "block device is smaller than its format");
		break;
	case -EIO:
	case -EBADMSG:
		NL_SET_ERR_MSG_ATTR(extack, dev, "I/O error on the block device");
		break;
	case -EOPNOTSUPP:
		NL_SET_ERR_MSG_ATTR(extack, dev,
				    "block device holds a snapshot (not supported yet)");
		break;
	case -ENOMEM:
		NL_SET_ERR_MSG(extack, "out of memory");
		break;
	default:
		NL_SET_ERR_MSG_ATTR(extack, a[RAFTLOG_A_GROUP_ID],
				    "cannot create the group");
		break;
	}
}

static int rl_nl_group_new(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct rl_group_params *p;
	struct rl_group *g;
	int err;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	err = rl_parse_new(info, p);
	if (err)
		goto out;
	g = rl_group_find(net, p->group_id);
	if (g) {
		rl_group_put(g);
		err = -EEXIST;
	} else {
		err = rl_ctl_group_create(net, p);
	}
	if (err)
		rl_explain_new(info, err);
out:
	kfree_sensitive(p);
	return err;
}

/* ------------------------------------------------------------------ */
/* GROUP_DEL, GROUP_GET, GROUP_SET                                     */

static int rl_nl_group_del(struct sk_buff *skb, struct genl_info *info)
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

static int rl_nl_group_get(struct sk_buff *skb, struct genl_info *info)
{
	struct rl_group_info *in;
	struct sk_buff *msg;
	struct rl_group *g;
	int err;

	g = rl_nl_group(info, &err);
	if (!g)
		return err;
	err = -ENOMEM;
	in = kmalloc(sizeof(*in), GFP_KERNEL);
	msg = genlmsg_new(GENLMSG_DEFAULT_SIZE * 4, GFP_KERNEL);
	if (!in || !msg)
		goto out;
	err = rl_group_info(g, in);
	if (err) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[RAFTLOG_A_GROUP_ID],
				    "the group is stopping");
		goto out;
	}
	err = rl_fill_group(msg, g, in, info->snd_portid, info->snd_seq, 0);
	if (err)
		goto out;
	err = genlmsg_reply(msg, info);
	msg = NULL;
out:
	nlmsg_free(msg);
	kfree(in);
	rl_group_put(g);
	return err;
}

/* Dump: one message per group of the namespace, by rising id. */
static int rl_nl_group_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct rl_group_info *in;
	struct rl_group *g;
	int err = 0, n = 0;

	in = kmalloc(sizeof(*in), GFP_KERNEL);
	if (!in)
		return -ENOMEM;
	/* cb->args[0]: the last group id sent */
	while ((g = rl_group_next(net, cb->args[0]))) {
		if (!rl_group_info(g, in)) {
			err = rl_fill_group(skb, g, in,
					    NETLINK_CB(cb->skb).portid,
					    cb->nlh->nlmsg_seq, NLM_F_MULTI);
			if (err) {
				rl_group_put(g);
				break;
			}
			n++;
		}
		cb->args[0] = rl_group_id(g);
		rl_group_put(g);
	}
	kfree(in);
	/* a group too large for an empty message cannot be dumped */
	if (err && !n && !skb->len)
		return err;
	return skb->len;
}

static int rl_nl_group_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct rl_group *g;
	int err;

	if (!a[RAFTLOG_A_MAX_ENTRY] && !a[RAFTLOG_A_MAX_PENDING]) {
		NL_SET_ERR_MSG(info->extack, "nothing to change: give max entry or max pending");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, RAFTLOG_A_MAX_PENDING);
		return -EINVAL;
	}
	g = rl_nl_group(info, &err);
	if (!g)
		return err;
	err = rl_group_tune(g, rl_get_u32(a, RAFTLOG_A_MAX_ENTRY, 0),
			    rl_get_u32(a, RAFTLOG_A_MAX_PENDING, 0));
	if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, a[RAFTLOG_A_GROUP_ID],
				    "the group is stopping");
	rl_group_put(g);
	return err;
}

/* ------------------------------------------------------------------ */
/* Membership, leadership, compaction                                  */

/* The leader this node knows of, for the message of an EREMOTE; 0: none. */
static u64 __maybe_unused rl_known_leader(struct rl_group *g)
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
static void rl_explain_remote(struct genl_info *info, struct rl_group *g)
{
	NL_SET_BAD_ATTR(info->extack, info->attrs[RAFTLOG_A_GROUP_ID]);
#ifdef NL_SET_ERR_MSG_FMT
	{
		u64 lead = rl_known_leader(g);

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

/* Name the attribute a refused change was about, and why. */
static void rl_explain_change(struct genl_info *info, struct rl_group *g,
			      int err)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *grp = info->attrs[RAFTLOG_A_GROUP_ID];
	u8 cmd = info->genlhdr->cmd;
	struct nlattr *mem = NULL, *idx = NULL;

	/* attrs[] is as long as the command's policy: COMPACT's has INDEX */
	if (cmd == RAFTLOG_CMD_COMPACT)
		idx = info->attrs[RAFTLOG_A_INDEX];
	else
		mem = info->attrs[RAFTLOG_A_MEMBER_ID];

	switch (err) {
	case -EREMOTE:
		rl_explain_remote(info, g);
		break;
	case -EAGAIN:
		NL_SET_ERR_MSG_ATTR(extack, grp,
				    "no leader known right now (election); retry");
		break;
	case -EBUSY:
		NL_SET_ERR_MSG_ATTR(extack, grp,
				    "another membership change or a leadership transfer is in progress, or the leader has not committed in its term yet; retry");
		break;
	case -EEXIST:
		NL_SET_ERR_MSG_ATTR(extack, mem, "already a member of the group");
		break;
	case -ENOENT:
		NL_SET_ERR_MSG_ATTR(extack, mem, "not a member of the group");
		break;
	case -EALREADY:
		if (cmd == RAFTLOG_CMD_COMPACT)
			NL_SET_ERR_MSG_ATTR(extack, idx,
					    "the log is compacted up to this index already");
		else if (cmd == RAFTLOG_CMD_LEADER_TRANSFER)
			NL_SET_ERR_MSG_ATTR(extack, mem, "that node leads already");
		else
			NL_SET_ERR_MSG_ATTR(extack, mem, "already a voter");
		break;
	case -ERANGE:
		NL_SET_ERR_MSG_ATTR(extack, mem,
				    "it is the last voter of the group");
		break;
	case -ENOSPC:
		NL_SET_ERR_MSG_ATTR(extack, mem,
				    "the configuration has no room for another member");
		break;
	case -EINVAL:
		if (cmd == RAFTLOG_CMD_COMPACT)
			NL_SET_ERR_MSG_ATTR(extack, idx,
					    "index is beyond what this node applied");
		else
			NL_SET_ERR_MSG_ATTR(extack, mem,
					    "a learner cannot take leadership; promote it first");
		break;
	case -EOPNOTSUPP:
		NL_SET_ERR_MSG_ATTR(extack, grp,
				    "the group has no transport (created without a listen address)");
		break;
	case -ETIMEDOUT:
		NL_SET_ERR_MSG_ATTR(extack, grp,
				    "no outcome in time; the change may still commit");
		break;
	case -ECANCELED:
		NL_SET_ERR_MSG_ATTR(extack, grp,
				    "the change was overwritten: leadership was lost");
		break;
	case -EINTR:
		NL_SET_ERR_MSG_ATTR(extack, grp,
				    "interrupted; the change may still happen");
		break;
	case -ENODEV:
		NL_SET_ERR_MSG_ATTR(extack, grp, "the group is stopping");
		break;
	case -EIO:
		NL_SET_ERR_MSG_ATTR(extack, grp,
				    "the group failed or this node was removed from it");
		break;
	default:
		NL_SET_ERR_MSG_ATTR(extack, grp, "the group refused the change");
		break;
	}
}

enum rl_change { RL_ADD, RL_PROMOTE, RL_REMOVE, RL_TRANSFER };

static int rl_nl_change(struct genl_info *info, enum rl_change what)
{
	struct nlattr **a = info->attrs;
	char addr[RL_ADDR_LEN] = "";
	struct sockaddr_storage ss;
	struct rl_group *g;
	u64 node;
	int err;

	if (rl_nl_missing(info, RAFTLOG_A_GROUP_ID, "missing group id") ||
	    rl_nl_missing(info, RAFTLOG_A_MEMBER_ID, "missing member id"))
		return -EINVAL;
	if (what == RL_ADD) {
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
	if (node == rl_group_node(g) && (what == RL_ADD || what == RL_TRANSFER)) {
		if (what == RL_ADD)
			NL_SET_ERR_MSG_ATTR(info->extack, a[RAFTLOG_A_MEMBER_ID],
					    "that is this node");
		else
			NL_SET_ERR_MSG_ATTR(info->extack, a[RAFTLOG_A_MEMBER_ID],
					    "cannot transfer leadership to this node itself");
		err = what == RL_ADD ? -EEXIST : -EINVAL;
		goto out;
	}
	switch (what) {
	case RL_ADD:
		err = rl_group_member_add(g, node, addr);
		break;
	case RL_PROMOTE:
		err = rl_group_member_promote(g, node);
		break;
	case RL_REMOVE:
		err = rl_group_member_remove(g, node);
		break;
	case RL_TRANSFER:
		err = rl_group_transfer(g, node);
		break;
	}
	if (err)
		rl_explain_change(info, g, err);
out:
	rl_group_put(g);
	return err;
}

static int rl_nl_member_add(struct sk_buff *skb, struct genl_info *info)
{
	return rl_nl_change(info, RL_ADD);
}

static int rl_nl_member_promote(struct sk_buff *skb, struct genl_info *info)
{
	return rl_nl_change(info, RL_PROMOTE);
}

static int rl_nl_member_remove(struct sk_buff *skb, struct genl_info *info)
{
	return rl_nl_change(info, RL_REMOVE);
}

static int rl_nl_leader_transfer(struct sk_buff *skb, struct genl_info *info)
{
	return rl_nl_change(info, RL_TRANSFER);
}

static int rl_nl_compact(struct sk_buff *skb, struct genl_info *info)
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
		rl_explain_change(info, g, err);
	rl_group_put(g);
	return err;
}

/* ------------------------------------------------------------------ */
/* Events                                                              */

static int rl_put_event(struct sk_buff *skb, const struct rl_group_event *ev)
{
	struct rl_member_info m = {};
	u32 i;

	if (nla_put_u32(skb, RAFTLOG_A_GROUP_ID, ev->group_id) ||
	    RL_PUT(skb, NODE_ID, ev->node_id) ||
	    nla_put_u32(skb, RAFTLOG_A_EVENT, ev->type))
		return -EMSGSIZE;
	switch (ev->type) {
	case RAFTLOG_EVENT_ROLE:
	case RAFTLOG_EVENT_LEADER:
		if (nla_put_u8(skb, RAFTLOG_A_ROLE, ev->role) ||
		    RL_PUT(skb, TERM, ev->term) ||
		    RL_PUT(skb, LEADER, ev->leader))
			return -EMSGSIZE;
		break;
	case RAFTLOG_EVENT_PEER_UP:
	case RAFTLOG_EVENT_PEER_DOWN:
		if (RL_PUT(skb, MEMBER_ID, ev->peer))
			return -EMSGSIZE;
		break;
	case RAFTLOG_EVENT_FAILED:
		if (nla_put_s32(skb, RAFTLOG_A_ERROR, ev->err))
			return -EMSGSIZE;
		break;
	case RAFTLOG_EVENT_MEMBERS:
		for (i = 0; i < ev->n_voters + ev->n_learners; i++) {
			m.learner = i >= ev->n_voters;
			m.id = m.learner ? ev->learners[i - ev->n_voters] :
			       ev->voters[i];
			m.self = m.id == ev->node_id;
			if (rl_put_member(skb, &m))
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

	if (!genl_has_listeners(&rl_nl_family, net, RL_MCGRP_EVENTS))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &rl_nl_family, 0, RAFTLOG_CMD_EVENT);
	if (!hdr || rl_put_event(skb, ev)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&rl_nl_family, net, skb, 0, RL_MCGRP_EVENTS,
				GFP_ATOMIC);
}

static const struct rl_group_event_hook rl_nl_hook = {
	.fn = rl_nl_event,
};

/* ------------------------------------------------------------------ */
/* The family                                                          */

/* A mutation: its own policy (attributes up to @max), admin only. */
#define RL_OP(c, fn, pol, max) {			\
	.cmd = RAFTLOG_CMD_##c,				\
	.doit = fn,					\
	.policy = pol,					\
	.maxattr = max,					\
	.flags = GENL_UNS_ADMIN_PERM,			\
}

static const struct genl_ops rl_nl_ops[] = {
	RL_OP(GROUP_NEW, rl_nl_group_new, rl_new_policy, RAFTLOG_A_MAX),
	RL_OP(GROUP_DEL, rl_nl_group_del, rl_group_policy, RAFTLOG_A_GROUP_ID),
	{
		.cmd = RAFTLOG_CMD_GROUP_GET,
		.doit = rl_nl_group_get,
		.dumpit = rl_nl_group_dump,
		.policy = rl_group_policy,
		.maxattr = RAFTLOG_A_GROUP_ID,
	},
	RL_OP(GROUP_SET, rl_nl_group_set, rl_set_policy, RAFTLOG_A_MAX_PENDING),
	RL_OP(MEMBER_ADD, rl_nl_member_add, rl_member_policy,
	      RAFTLOG_A_MEMBER_ADDR),
	RL_OP(MEMBER_PROMOTE, rl_nl_member_promote, rl_member_policy,
	      RAFTLOG_A_MEMBER_ADDR),
	RL_OP(MEMBER_REMOVE, rl_nl_member_remove, rl_member_policy,
	      RAFTLOG_A_MEMBER_ADDR),
	RL_OP(LEADER_TRANSFER, rl_nl_leader_transfer, rl_member_policy,
	      RAFTLOG_A_MEMBER_ADDR),
	RL_OP(COMPACT, rl_nl_compact, rl_compact_policy, RAFTLOG_A_INDEX),
};

static struct genl_family rl_nl_family __ro_after_init = {
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
