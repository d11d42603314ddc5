/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the group driver, under the "raftlog" system of tracefs
 * (events/raftlog/...; docs/tracing.md lists them with perf and bpftrace
 * one-liners).  Every event names its group and node first.  The call
 * sites are single lines in the group files; the events are defined once,
 * in rl_trace.c (CREATE_TRACE_POINTS).  Only fixed-size fields: no
 * __string, whose assignment macro changed between 6.1 and 6.12.
 *
 * Latencies are in nanoseconds: a proposal's from its submission to its
 * outcome (propose_done: the commit latency), a persisted batch's from
 * its hand-over to the store until the worker saw it durable.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM raftlog

#if !defined(RL_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define RL_TRACE_H

#include <linux/tracepoint.h>
#include "raft/raft.h"
#include "wire.h"
#include "group_int.h"

/* Enum values perf and bpftrace must be able to read from the formats. */
TRACE_DEFINE_ENUM(RAFT_FOLLOWER);
TRACE_DEFINE_ENUM(RAFT_PRE_CANDIDATE);
TRACE_DEFINE_ENUM(RAFT_CANDIDATE);
TRACE_DEFINE_ENUM(RAFT_LEADER);
TRACE_DEFINE_ENUM(RAFT_MSG_VOTE);
TRACE_DEFINE_ENUM(RAFT_MSG_VOTE_RESP);
TRACE_DEFINE_ENUM(RAFT_MSG_PREVOTE);
TRACE_DEFINE_ENUM(RAFT_MSG_PREVOTE_RESP);
TRACE_DEFINE_ENUM(RAFT_MSG_APPEND);
TRACE_DEFINE_ENUM(RAFT_MSG_APPEND_RESP);
TRACE_DEFINE_ENUM(RAFT_MSG_HEARTBEAT);
TRACE_DEFINE_ENUM(RAFT_MSG_HEARTBEAT_RESP);
TRACE_DEFINE_ENUM(RAFT_MSG_SNAPSHOT);
TRACE_DEFINE_ENUM(RAFT_MSG_SNAPSHOT_RESP);
TRACE_DEFINE_ENUM(RAFT_MSG_TIMEOUT_NOW);
TRACE_DEFINE_ENUM(RAFT_MSG_PROPOSE);
TRACE_DEFINE_ENUM(RAFT_MSG_PROPOSE_RESP);
TRACE_DEFINE_ENUM(RAFT_MSG_READ_INDEX);
TRACE_DEFINE_ENUM(RAFT_MSG_READ_INDEX_RESP);

#define rl_show_role(r) __print_symbolic(r,				\
	{ RAFT_FOLLOWER, "follower" },					\
	{ RAFT_PRE_CANDIDATE, "pre-candidate" },			\
	{ RAFT_CANDIDATE, "candidate" },				\
	{ RAFT_LEADER, "leader" })

#define rl_show_msg(t) __print_symbolic(t,				\
	{ RAFT_MSG_VOTE, "VOTE" },					\
	{ RAFT_MSG_VOTE_RESP, "VOTE_RESP" },				\
	{ RAFT_MSG_PREVOTE, "PREVOTE" },				\
	{ RAFT_MSG_PREVOTE_RESP, "PREVOTE_RESP" },			\
	{ RAFT_MSG_APPEND, "APPEND" },					\
	{ RAFT_MSG_APPEND_RESP, "APPEND_RESP" },			\
	{ RAFT_MSG_HEARTBEAT, "HEARTBEAT" },				\
	{ RAFT_MSG_HEARTBEAT_RESP, "HEARTBEAT_RESP" },			\
	{ RAFT_MSG_SNAPSHOT, "SNAPSHOT" },				\
	{ RAFT_MSG_SNAPSHOT_RESP, "SNAPSHOT_RESP" },			\
	{ RAFT_MSG_TIMEOUT_NOW, "TIMEOUT_NOW" },			\
	{ RAFT_MSG_PROPOSE, "PROPOSE" },				\
	{ RAFT_MSG_PROPOSE_RESP, "PROPOSE_RESP" },			\
	{ RAFT_MSG_READ_INDEX, "READ_INDEX" },				\
	{ RAFT_MSG_READ_INDEX_RESP, "READ_INDEX_RESP" })

/* A proposal handed to the core (err: the core refused it). */
TRACE_EVENT(raftlog_propose,
	    TP_PROTO(const struct rl_group *g, u64 id, u32 len, int err),
	    TP_ARGS(g, id, len, err),
	    TP_STRUCT__entry(__field(u32, group)
			     __field(u64, node)
			     __field(u64, id)
			     __field(u32, len)
			     __field(int, err)),
	    TP_fast_assign(__entry->group = g->p.group_id;
			   __entry->node = g->p.node_id;
			   __entry->id = id;
			   __entry->len = len;
			   __entry->err = err;),
	    TP_printk("group=%u node=%llu id=%llu len=%u err=%d",
		      __entry->group, __entry->node, __entry->id, __entry->len,
		      __entry->err)
);

/* A proposal's outcome: committed at index/term, or err. */
TRACE_EVENT(raftlog_propose_done,
	    TP_PROTO(const struct rl_group *g,
		     const struct raft_proposal_result *res, u64 latency_ns),
	    TP_ARGS(g, res, latency_ns),
	    TP_STRUCT__entry(__field(u32, group)
			     __field(u64, node)
			     __field(u64, id)
			     __field(u64, index)
			     __field(u64, term)
			     __field(int, err)
			     __field(u64, latency_ns)),
	    TP_fast_assign(__entry->group = g->p.group_id;
			   __entry->node = g->p.node_id;
			   __entry->id = res->id;
			   __entry->index = res->index;
			   __entry->term = res->term;
			   __entry->err = res->err;
			   __entry->latency_ns = latency_ns;),
	    TP_printk("group=%u node=%llu id=%llu index=%llu term=%llu err=%d latency_ns=%llu",
		      __entry->group, __entry->node, __entry->id, __entry->index,
		      __entry->term, __entry->err, __entry->latency_ns)
);

/* Appended entries durable up to index (latency 0: durable at once). */
TRACE_EVENT(raftlog_persisted,
	    TP_PROTO(const struct rl_group *g, u64 index, u64 term,
		     u64 latency_ns),
	    TP_ARGS(g, index, term, latency_ns),
	    TP_STRUCT__entry(__field(u32, group)
			     __field(u64, node)
			     __field(u64, index)
			     __field(u64, term)
			     __field(u64, latency_ns)),
	    TP_fast_assign(__entry->group = g->p.group_id;
			   __entry->node = g->p.node_id;
			   __entry->index = index;
			   __entry->term = term;
			   __entry->latency_ns = latency_ns;),
	    TP_printk("group=%u node=%llu index=%llu term=%llu latency_ns=%llu",
		      __entry->group, __entry->node, __entry->index,
		      __entry->term, __entry->latency_ns)
);

/*
 * Committed entries [first, last] applied: published to readers (the
 * group's state machine is the committed stream, so commit and apply
 * are one step here).
 */
TRACE_EVENT_CONDITION(raftlog_commit,
		      TP_PROTO(const struct rl_group *g, const struct raft_entry *ents,
			       u64 n),
		      TP_ARGS(g, ents, n),
		      TP_CONDITION(n > 0),
		      TP_STRUCT__entry(__field(u32, group)
				       __field(u64, node)
				       __field(u64, first)
				       __field(u64, last)
				       __field(u64, count)),
		      TP_fast_assign(__entry->group = g->p.group_id;
				     __entry->node = g->p.node_id;
				     __entry->first = ents[0].index;
				     __entry->last = ents[n - 1].index;
				     __entry->count = n;),
		      TP_printk("group=%u node=%llu first=%llu last=%llu count=%llu",
				__entry->group, __entry->node, __entry->first,
				__entry->last, __entry->count)
);

/*
 * A read() of the committed stream: entries [from, to) in bytes, of which
 * dev_records device records were read back (the rest from the cache).
 */
TRACE_EVENT(raftlog_read,
	    TP_PROTO(const struct rl_group *g, u64 from, u64 to, u32 dev_records,
		     size_t bytes, int err),
	    TP_ARGS(g, from, to, dev_records, bytes, err),
	    TP_STRUCT__entry(__field(u32, group)
			     __field(u64, node)
			     __field(u64, from)
			     __field(u64, to)
			     __field(u32, dev_records)
			     __field(u64, bytes)
			     __field(int, err)),
	    TP_fast_assign(__entry->group = g->p.group_id;
			   __entry->node = g->p.node_id;
			   __entry->from = from;
			   __entry->to = to;
			   __entry->dev_records = dev_records;
			   __entry->bytes = bytes;
			   __entry->err = err;),
	    TP_printk("group=%u node=%llu from=%llu to=%llu dev_records=%u bytes=%llu err=%d",
		      __entry->group, __entry->node, __entry->from, __entry->to,
		      __entry->dev_records, __entry->bytes, __entry->err)
);

DECLARE_EVENT_CLASS(raftlog_msg_class,
		    TP_PROTO(const struct rl_group *g, const struct raft_msg *m, int err),
		    TP_ARGS(g, m, err),
		    TP_STRUCT__entry(__field(u32, group)
				     __field(u64, node)
				     __field(u8, type)
				     __field(u64, from)
				     __field(u64, to)
				     __field(u64, term)
				     __field(u64, index)
				     __field(u32, entries)
				     __field(u64, size)
				     __field(int, err)),
		    TP_fast_assign(__entry->group = g->p.group_id;
				   __entry->node = g->p.node_id;
				   __entry->type = m->type;
				   __entry->from = m->from;
				   __entry->to = m->to;
				   __entry->term = m->term;
				   __entry->index = m->index;
				   __entry->entries = m->n_entries;
				   __entry->size = rl_wire_msg_size(m);
				   __entry->err = err;),
		    TP_printk("group=%u node=%llu type=%s from=%llu to=%llu term=%llu index=%llu entries=%u size=%llu err=%d",
			      __entry->group, __entry->node, rl_show_msg(__entry->type),
			      __entry->from, __entry->to, __entry->term, __entry->index,
			      __entry->entries, __entry->size, __entry->err)
);

/* A message handed to the transport (err: dropped, Raft resends). */
DEFINE_EVENT(raftlog_msg_class, raftlog_msg_send,
	     TP_PROTO(const struct rl_group *g, const struct raft_msg *m, int err),
	     TP_ARGS(g, m, err));

/* A received message stepped into the core. */
DEFINE_EVENT(raftlog_msg_class, raftlog_msg_recv,
	     TP_PROTO(const struct rl_group *g, const struct raft_msg *m, int err),
	     TP_ARGS(g, m, err));

DECLARE_EVENT_CLASS(raftlog_election_class,
		    TP_PROTO(const struct rl_group *g, const struct raft_status *st),
		    TP_ARGS(g, st),
		    TP_STRUCT__entry(__field(u32, group)
				     __field(u64, node)
				     __field(u64, term)
				     __field(u64, leader)
				     __field(u8, role)),
		    TP_fast_assign(__entry->group = g->p.group_id;
				   __entry->node = g->p.node_id;
				   __entry->term = st->term;
				   __entry->leader = st->lead;
				   __entry->role = st->role;),
		    TP_printk("group=%u node=%llu term=%llu leader=%llu role=%s",
			      __entry->group, __entry->node, __entry->term,
			      __entry->leader, rl_show_role(__entry->role))
);

/* This node campaigns in a new term. */
DEFINE_EVENT(raftlog_election_class, raftlog_election_start,
	     TP_PROTO(const struct rl_group *g, const struct raft_status *st),
	     TP_ARGS(g, st));

/* This node became leader. */
DEFINE_EVENT(raftlog_election_class, raftlog_election_win,
	     TP_PROTO(const struct rl_group *g, const struct raft_status *st),
	     TP_ARGS(g, st));

/* A campaign of this node ended without it leading. */
DEFINE_EVENT(raftlog_election_class, raftlog_election_lose,
	     TP_PROTO(const struct rl_group *g, const struct raft_status *st),
	     TP_ARGS(g, st));

TRACE_EVENT(raftlog_role,
	    TP_PROTO(const struct rl_group *g, const struct raft_status *old,
		     const struct raft_status *now),
	    TP_ARGS(g, old, now),
	    TP_STRUCT__entry(__field(u32, group)
			     __field(u64, node)
			     __field(u8, old_role)
			     __field(u8, role)
			     __field(u64, term)
			     __field(u64, leader)),
	    TP_fast_assign(__entry->group = g->p.group_id;
			   __entry->node = g->p.node_id;
			   __entry->old_role = old->role;
			   __entry->role = now->role;
			   __entry->term = now->term;
			   __entry->leader = now->lead;),
	    TP_printk("group=%u node=%llu old_role=%s role=%s term=%llu leader=%llu",
		      __entry->group, __entry->node,
		      rl_show_role(__entry->old_role), rl_show_role(__entry->role),
		      __entry->term, __entry->leader)
);

/* A snapshot chunk handed to the transport for a follower. */
TRACE_EVENT_CONDITION(raftlog_snapshot_send,
		      TP_PROTO(const struct rl_group *g, const struct raft_msg *m, int err),
		      TP_ARGS(g, m, err),
		      TP_CONDITION(m->type == RAFT_MSG_SNAPSHOT),
		      TP_STRUCT__entry(__field(u32, group)
				       __field(u64, node)
				       __field(u64, to)
				       __field(u64, index)
				       __field(u64, term)
				       __field(u64, offset)
				       __field(u32, len)
				       __field(u8, done)
				       __field(int, err)),
		      TP_fast_assign(__entry->group = g->p.group_id;
				     __entry->node = g->p.node_id;
				     __entry->to = m->to;
				     __entry->index = m->snap.index;
				     __entry->term = m->snap.term;
				     __entry->offset = m->snap_offset;
				     __entry->len = m->snap_len;
				     __entry->done = m->snap_done;
				     __entry->err = err;),
		      TP_printk("group=%u node=%llu to=%llu index=%llu term=%llu offset=%llu len=%u done=%u err=%d",
				__entry->group, __entry->node, __entry->to, __entry->index,
				__entry->term, __entry->offset, __entry->len, __entry->done,
				__entry->err)
);

/* A leader's snapshot replaces this node's log. */
TRACE_EVENT(raftlog_snapshot_install,
	    TP_PROTO(const struct rl_group *g, const struct raft_snapshot *s),
	    TP_ARGS(g, s),
	    TP_STRUCT__entry(__field(u32, group)
			     __field(u64, node)
			     __field(u64, index)
			     __field(u64, term)
			     __field(u64, len)),
	    TP_fast_assign(__entry->group = g->p.group_id;
			   __entry->node = g->p.node_id;
			   __entry->index = s->meta.index;
			   __entry->term = s->meta.term;
			   __entry->len = s->len;),
	    TP_printk("group=%u node=%llu index=%llu term=%llu len=%llu",
		      __entry->group, __entry->node, __entry->index,
		      __entry->term, __entry->len)
);

/* Compaction up to index asked (err: refused or failed). */
TRACE_EVENT(raftlog_compact,
	    TP_PROTO(const struct rl_group *g, u64 index, int err),
	    TP_ARGS(g, index, err),
	    TP_STRUCT__entry(__field(u32, group)
			     __field(u64, node)
			     __field(u64, index)
			     __field(int, err)),
	    TP_fast_assign(__entry->group = g->p.group_id;
			   __entry->node = g->p.node_id;
			   __entry->index = index;
			   __entry->err = err;),
	    TP_printk("group=%u node=%llu index=%llu err=%d",
		      __entry->group, __entry->node, __entry->index,
		      __entry->err)
);

/* The connection to a member came up (up=1) or went down (up=0). */
TRACE_EVENT(raftlog_peer,
	    TP_PROTO(const struct rl_group *g, u64 peer, bool up),
	    TP_ARGS(g, peer, up),
	    TP_STRUCT__entry(__field(u32, group)
			     __field(u64, node)
			     __field(u64, peer)
			     __field(u8, up)),
	    TP_fast_assign(__entry->group = g->p.group_id;
			   __entry->node = g->p.node_id;
			   __entry->peer = peer;
			   __entry->up = up;),
	    TP_printk("group=%u node=%llu peer=%llu up=%u",
		      __entry->group, __entry->node, __entry->peer, __entry->up)
);

/* The group stopped after an error (-EIDRM: this node was removed). */
TRACE_EVENT(raftlog_group_fail,
	    TP_PROTO(const struct rl_group *g, int err),
	    TP_ARGS(g, err),
	    TP_STRUCT__entry(__field(u32, group)
			     __field(u64, node)
			     __field(int, err)),
	    TP_fast_assign(__entry->group = g->p.group_id;
			   __entry->node = g->p.node_id;
			   __entry->err = err;),
	    TP_printk("group=%u node=%llu err=%d",
		      __entry->group, __entry->node, __entry->err)
);

#endif /* RL_TRACE_H */

/* Out of the kernel tree: define_trace.h finds this file through the
 * -I of kernel/ in Kbuild.
 */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE rl_trace
#include <trace/define_trace.h>
