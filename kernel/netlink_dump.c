// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink family's status replies: a group's parameters, state,
 * members, counters and storage as one RAFTLOG_CMD_GROUP_GET message,
 * for one group or, as a dump, every group of the caller's namespace.
 * Never the secret.  See netlink_int.h.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <linux/raftlog.h>
#include "group.h"
#include "chardev.h"
#include "netlink_int.h"

static int rl_nl_put_member_link(struct sk_buff *skb,
				 const struct rl_member_info *m)
{
	if (nla_put_u8(skb, RAFTLOG_MEMBER_A_CONNECTED, m->connected) ||
	    RL_NL_PUT_M(skb, CONNECTS, m->connects) ||
	    RL_NL_PUT_M(skb, DISCONNECTS, m->disconnects) ||
	    RL_NL_PUT_M(skb, CONNECT_FAILURES, m->connect_failures) ||
	    RL_NL_PUT_M(skb, FRAMES_OUT, m->frames_out) ||
	    RL_NL_PUT_M(skb, BYTES_OUT, m->bytes_out) ||
	    RL_NL_PUT_M(skb, FRAMES_IN, m->frames_in) ||
	    RL_NL_PUT_M(skb, BYTES_IN, m->bytes_in) ||
	    RL_NL_PUT_M(skb, FRAMES_DROPPED, m->frames_dropped) ||
	    RL_NL_PUT_M(skb, DECODE_ERRORS, m->decode_errors) ||
	    RL_NL_PUT_M(skb, HANDSHAKE_FAILURES, m->handshake_failures))
		return -EMSGSIZE;
	return 0;
}

int rl_nl_put_member(struct sk_buff *skb, const struct rl_member_info *m)
{
	struct nlattr *nest = nla_nest_start(skb, RAFTLOG_A_MEMBER);

	if (!nest)
		return -EMSGSIZE;
	if (RL_NL_PUT_M(skb, ID, m->id) ||
	    nla_put_u8(skb, RAFTLOG_MEMBER_A_KIND, m->learner ?
		       RAFTLOG_MEMBER_LEARNER : RAFTLOG_MEMBER_VOTER) ||
	    (m->addr[0] && nla_put_string(skb, RAFTLOG_MEMBER_A_ADDR, m->addr)) ||
	    (m->self && nla_put_flag(skb, RAFTLOG_MEMBER_A_SELF)))
		goto cancel;
	if (m->has_progress &&
	    (RL_NL_PUT_M(skb, MATCH, m->match) || RL_NL_PUT_M(skb, NEXT, m->next) ||
	     RL_NL_PUT_M(skb, INFLIGHT, m->inflight) ||
	     nla_put_u8(skb, RAFTLOG_MEMBER_A_PROGRESS, m->progress)))
		goto cancel;
	if (m->has_contact && RL_NL_PUT_M(skb, CONTACT_MS, m->contact_ms))
		goto cancel;
	if (m->has_link && rl_nl_put_member_link(skb, m))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int rl_nl_put_counters(struct sk_buff *skb, const struct rl_group_counters *c)
{
	struct nlattr *nest = nla_nest_start(skb, RAFTLOG_A_COUNTERS);

	if (!nest)
		return -EMSGSIZE;
	if (RL_NL_PUT_C(skb, ELECTIONS_STARTED, c->elections_started) ||
	    RL_NL_PUT_C(skb, ELECTIONS_WON, c->elections_won) ||
	    RL_NL_PUT_C(skb, PROPOSALS, c->proposals) ||
	    RL_NL_PUT_C(skb, PROPOSALS_FAILED, c->proposals_failed) ||
	    RL_NL_PUT_C(skb, COMMITS, c->commits) ||
	    RL_NL_PUT_C(skb, COMMIT_BYTES, c->commit_bytes) ||
	    RL_NL_PUT_C(skb, FSYNCS, c->fsyncs) ||
	    RL_NL_PUT_C(skb, FSYNC_USEC_TOTAL, c->fsync_usec_total) ||
	    RL_NL_PUT_C(skb, FSYNC_USEC_MAX, c->fsync_usec_max) ||
	    RL_NL_PUT_C(skb, FSYNC_SAMPLES, c->fsync_samples) ||
	    RL_NL_PUT_C(skb, DECODE_ERRORS, c->decode_errors) ||
	    RL_NL_PUT_C(skb, HANDSHAKE_FAILURES, c->handshake_failures) ||
	    RL_NL_PUT_C(skb, MSGS_DROPPED, c->msgs_dropped) ||
	    RL_NL_PUT_C(skb, MSGS_IN_DROPPED, c->msgs_in_dropped)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int rl_nl_put_storage(struct sk_buff *skb, const struct rl_storage_state *s)
{
	struct nlattr *nest = nla_nest_start(skb, RAFTLOG_A_STORAGE);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, RAFTLOG_STORAGE_A_STATE, s->state) ||
	    (s->error && nla_put_s32(skb, RAFTLOG_STORAGE_A_ERROR, s->error)))
		goto cancel;
	if (s->state != RAFTLOG_STORAGE_VOLATILE &&
	    (RL_NL_PUT_S(skb, FIRST_INDEX, s->first_index) ||
	     RL_NL_PUT_S(skb, LAST_INDEX, s->last_index) ||
	     RL_NL_PUT_S(skb, DURABLE_INDEX, s->durable_index) ||
	     RL_NL_PUT_S(skb, SNAP_INDEX, s->snap_index) ||
	     RL_NL_PUT_S(skb, SNAP_TERM, s->snap_term) ||
	     RL_NL_PUT_S(skb, RING_BLOCKS, s->ring_blocks) ||
	     RL_NL_PUT_S(skb, USED_BLOCKS, s->used_blocks) ||
	     RL_NL_PUT_S(skb, RECORDS, s->records) ||
	     RL_NL_PUT_S(skb, RING_LAPS, s->ring_laps)))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int rl_nl_put_params(struct sk_buff *skb, const struct rl_group_params *p)
{
	if (nla_put_u32(skb, RAFTLOG_A_GROUP_ID, p->group_id) ||
	    RL_NL_PUT(skb, NODE_ID, p->node_id) ||
	    RL_NL_PUT(skb, CLUSTER_ID, p->cluster_id) ||
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
static int rl_nl_fill_group(struct sk_buff *skb, struct rl_group *g,
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
	if (rl_nl_put_params(skb, &in->p) ||
	    nla_put_string(skb, RAFTLOG_A_CHARDEV, chardev) ||
	    (in->auth && nla_put_flag(skb, RAFTLOG_A_AUTH)) ||
	    (in->s.state == RAFTLOG_STORAGE_VOLATILE &&
	     nla_put_flag(skb, RAFTLOG_A_VOLATILE)) ||
	    (in->p.listen[0] && !in->auth &&
	     nla_put_flag(skb, RAFTLOG_A_INSECURE)) ||
	    nla_put_u8(skb, RAFTLOG_A_ROLE, in->role) ||
	    RL_NL_PUT(skb, TERM, in->term) || RL_NL_PUT(skb, VOTE, in->vote) ||
	    RL_NL_PUT(skb, LEADER, in->leader) ||
	    RL_NL_PUT(skb, COMMIT, in->commit) ||
	    RL_NL_PUT(skb, APPLIED, in->applied) ||
	    RL_NL_PUT(skb, FIRST_INDEX, in->first_index) ||
	    RL_NL_PUT(skb, LAST_INDEX, in->last_index) ||
	    nla_put_u32(skb, RAFTLOG_A_PENDING, in->pending) ||
	    nla_put_u32(skb, RAFTLOG_A_FLAGS, in->flags))
		goto cancel;
	for (i = 0; i < in->n_members; i++)
		if (rl_nl_put_member(skb, &in->members[i]))
			goto cancel;
	if (rl_nl_put_counters(skb, &in->c) || rl_nl_put_storage(skb, &in->s))
		goto cancel;
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

int rl_nl_group_get(struct sk_buff *skb, struct genl_info *info)
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
	err = rl_nl_fill_group(msg, g, in, info->snd_portid, info->snd_seq, 0);
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
int rl_nl_group_dump(struct sk_buff *skb, struct netlink_callback *cb)
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
			err = rl_nl_fill_group(skb, g, in,
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
