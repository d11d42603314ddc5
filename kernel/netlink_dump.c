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

/* A u64 attribute of a nest, taken from the struct at its offset. */
struct rl_nl_u64 {
	int type;
	size_t off;
};

/* every field named in these tables is a u64 */
#define RL_NL_U64(prefix, st, f, F) { prefix##F, offsetof(struct st, f) }

/* Put the u64 attributes table[0..n) of the struct at base. */
static int rl_nl_put_u64s(struct sk_buff *skb, const void *base,
			  const struct rl_nl_u64 *table, size_t n, int pad)
{
	size_t i;
	u64 v;

	for (i = 0; i < n; i++) {
		memcpy(&v, (const u8 *)base + table[i].off, sizeof(v));
		if (rl_nl_put_u64(skb, table[i].type, v, pad))
			return -EMSGSIZE;
	}
	return 0;
}

#define RL_NL_M(f, F) RL_NL_U64(RAFTLOG_MEMBER_A_, rl_member_info, f, F)
static const struct rl_nl_u64 rl_nl_member_link[] = {
	RL_NL_M(connects, CONNECTS),
	RL_NL_M(disconnects, DISCONNECTS),
	RL_NL_M(connect_failures, CONNECT_FAILURES),
	RL_NL_M(frames_out, FRAMES_OUT),
	RL_NL_M(bytes_out, BYTES_OUT),
	RL_NL_M(frames_in, FRAMES_IN),
	RL_NL_M(bytes_in, BYTES_IN),
	RL_NL_M(frames_dropped, FRAMES_DROPPED),
	RL_NL_M(decode_errors, DECODE_ERRORS),
	RL_NL_M(handshake_failures, HANDSHAKE_FAILURES),
};

#define RL_NL_C(f, F) RL_NL_U64(RAFTLOG_COUNTER_A_, rl_group_counters, f, F)
static const struct rl_nl_u64 rl_nl_counters[] = {
	RL_NL_C(elections_started, ELECTIONS_STARTED),
	RL_NL_C(elections_won, ELECTIONS_WON),
	RL_NL_C(proposals, PROPOSALS),
	RL_NL_C(proposals_failed, PROPOSALS_FAILED),
	RL_NL_C(commits, COMMITS),
	RL_NL_C(commit_bytes, COMMIT_BYTES),
	RL_NL_C(fsyncs, FSYNCS),
	RL_NL_C(fsync_usec_total, FSYNC_USEC_TOTAL),
	RL_NL_C(fsync_usec_max, FSYNC_USEC_MAX),
	RL_NL_C(fsync_samples, FSYNC_SAMPLES),
	RL_NL_C(decode_errors, DECODE_ERRORS),
	RL_NL_C(handshake_failures, HANDSHAKE_FAILURES),
	RL_NL_C(msgs_dropped, MSGS_DROPPED),
	RL_NL_C(msgs_in_dropped, MSGS_IN_DROPPED),
	RL_NL_C(fetched, FETCHED),
	RL_NL_C(fetch_errors, FETCH_ERRORS),
	RL_NL_C(log_mem_used, LOG_MEM_USED),
	RL_NL_C(log_mem_peak, LOG_MEM_PEAK),
	RL_NL_C(auto_compactions, AUTO_COMPACTIONS),
	RL_NL_C(mac_errors, MAC_ERRORS),
	RL_NL_C(seq_errors, SEQ_ERRORS),
	RL_NL_C(conns_refused, CONNS_REFUSED),
	RL_NL_C(disk_stalls, DISK_STALLS),
	RL_NL_C(nomem_retries, NOMEM_RETRIES),
	RL_NL_C(quiesced, QUIESCED),
	RL_NL_C(quiesces, QUIESCES),
	RL_NL_C(wakes, WAKES),
	RL_NL_C(peers_lost, PEERS_LOST),
};

#define RL_NL_S(f, F) RL_NL_U64(RAFTLOG_STORAGE_A_, rl_storage_state, f, F)
static const struct rl_nl_u64 rl_nl_storage[] = {
	RL_NL_S(first_index, FIRST_INDEX),
	RL_NL_S(last_index, LAST_INDEX),
	RL_NL_S(durable_index, DURABLE_INDEX),
	RL_NL_S(snap_index, SNAP_INDEX),
	RL_NL_S(snap_term, SNAP_TERM),
	RL_NL_S(ring_blocks, RING_BLOCKS),
	RL_NL_S(used_blocks, USED_BLOCKS),
	RL_NL_S(records, RECORDS),
	RL_NL_S(ring_laps, RING_LAPS),
	RL_NL_S(bad_reads, BAD_READS),
	RL_NL_S(max_records, MAX_RECORDS),
};

#define RL_NL_MEM(f, F) RL_NL_U64(RAFTLOG_MEM_A_, rl_mem_state, f, F)
static const struct rl_nl_u64 rl_nl_mem[] = {
	RL_NL_MEM(log, LOG),
	RL_NL_MEM(log_limit, LOG_LIMIT),
	RL_NL_MEM(cache, CACHE),
	RL_NL_MEM(cache_limit, CACHE_LIMIT),
	RL_NL_MEM(recv, RECV),
	RL_NL_MEM(recv_limit, RECV_LIMIT),
	RL_NL_MEM(send, SEND),
	RL_NL_MEM(send_limit, SEND_LIMIT),
	RL_NL_MEM(window, WINDOW),
	RL_NL_MEM(window_limit, WINDOW_LIMIT),
	RL_NL_MEM(pipeline, PIPELINE),
	RL_NL_MEM(pipeline_limit, PIPELINE_LIMIT),
	RL_NL_MEM(index, INDEX),
	RL_NL_MEM(index_limit, INDEX_LIMIT),
	RL_NL_MEM(snapshot, SNAPSHOT),
	RL_NL_MEM(snapshot_limit, SNAPSHOT_LIMIT),
};

static int rl_nl_put_member_link(struct sk_buff *skb,
				 const struct rl_member_info *m)
{
	if (nla_put_u8(skb, RAFTLOG_MEMBER_A_CONNECTED, m->connected) ||
	    rl_nl_put_u64s(skb, m, rl_nl_member_link,
			   ARRAY_SIZE(rl_nl_member_link), RAFTLOG_MEMBER_A_PAD))
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

/* A nest @type of the u64 attributes table[0..n) of the struct at base. */
static int rl_nl_put_u64_nest(struct sk_buff *skb, int type, const void *base,
			      const struct rl_nl_u64 *table, size_t n, int pad)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest)
		return -EMSGSIZE;
	if (rl_nl_put_u64s(skb, base, table, n, pad)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int rl_nl_put_counters(struct sk_buff *skb, const struct rl_group_counters *c)
{
	return rl_nl_put_u64_nest(skb, RAFTLOG_A_COUNTERS, c, rl_nl_counters,
				  ARRAY_SIZE(rl_nl_counters),
				  RAFTLOG_COUNTER_A_PAD);
}

/* The kernel's histograms are the ones uapi documents. */
static_assert(RL_HIST_BUCKETS == RAFTLOG_HIST_BUCKETS);

static int rl_nl_put_hist(struct sk_buff *skb, int type,
			  const struct rl_hist *h)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest)
		return -EMSGSIZE;
	if (rl_nl_put_u64(skb, RAFTLOG_HIST_A_COUNT, h->count,
			  RAFTLOG_HIST_A_PAD) ||
	    rl_nl_put_u64(skb, RAFTLOG_HIST_A_SUM_USEC, h->sum_us,
			  RAFTLOG_HIST_A_PAD) ||
	    nla_put(skb, RAFTLOG_HIST_A_BUCKETS, sizeof(h->bucket),
		    h->bucket)) {
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
	    rl_nl_put_u64s(skb, s, rl_nl_storage, ARRAY_SIZE(rl_nl_storage),
			   RAFTLOG_STORAGE_A_PAD))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int rl_nl_put_mem(struct sk_buff *skb, const struct rl_mem_state *m)
{
	return rl_nl_put_u64_nest(skb, RAFTLOG_A_MEMORY, m, rl_nl_mem,
				  ARRAY_SIZE(rl_nl_mem), RAFTLOG_MEM_A_PAD);
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
	    nla_put_u32(skb, RAFTLOG_A_CACHE_ENTRIES, p->cache_entries) ||
	    RL_NL_PUT(skb, LOG_MEM, p->log_mem) ||
	    RL_NL_PUT(skb, RETAIN, READ_ONCE(p->retain)) ||
	    nla_put_u32(skb, RAFTLOG_A_COMPACT_AT, READ_ONCE(p->compact_at)))
		return -EMSGSIZE;
	return 0;
}

/* One group's status as a message; never the secret. */
static int rl_nl_fill_group(struct sk_buff *skb, struct rl_group *g,
			    const struct rl_group_info *in, u32 portid, u32 seq,
			    int flags)
{
	char chardev[RL_CDEV_NAME_MAX];
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
	if (rl_nl_put_counters(skb, &in->c) || rl_nl_put_storage(skb, &in->s) ||
	    rl_nl_put_mem(skb, &in->mem))
		goto cancel;
	if (rl_nl_put_hist(skb, RAFTLOG_A_PERSIST_HIST, &in->persist_hist) ||
	    rl_nl_put_hist(skb, RAFTLOG_A_COMMIT_HIST, &in->commit_hist))
		goto cancel;
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/*
 * Callers without CAP_NET_ADMIN over the namespace (those who may not
 * create or destroy its groups) are not told which block device a group
 * uses.  Groups of other namespaces are never looked up at all.
 */
static void rl_nl_redact(const struct sk_buff *req, struct net *net,
			 struct rl_group_info *in)
{
	if (!netlink_ns_capable(req, net->user_ns, CAP_NET_ADMIN))
		in->p.dev_path[0] = '\0';
}

/* The group named by RAFTLOG_A_GROUP_ID (required), referenced. */
struct rl_group *rl_nl_group(struct genl_info *info, int *err)
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
	rl_nl_redact(skb, genl_info_net(info), in);
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
			rl_nl_redact(cb->skb, net, in);
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
