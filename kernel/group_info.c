// SPDX-License-Identifier: GPL-2.0
/*
 * What a group tells about itself: the status report netlink dumps
 * (rl_group_info) and the events it multicasts.  The report is taken on
 * the group's worker, the only context that may ask the core and the
 * transport's peer set, so every field comes from one moment.  Events are
 * noticed by the worker too (role, leader and configuration changes after
 * each step, connections going up or down at each tick) and handed to
 * whoever registered the event hook; the group never calls netlink.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <linux/completion.h>
#include <linux/ktime.h>
#include <linux/rcupdate.h>
#include <linux/raftlog.h>
#include "raft/raft.h"
#include "storage.h"
#include "transport.h"
#include "group.h"
#include "group_int.h"
#include "rl_trace.h"

/* ------------------------------------------------------------------ */
/* Events                                                              */

static const struct rl_group_event_hook __rcu *rl_event_hook;
static DEFINE_MUTEX(rl_event_hook_lock);

void rl_group_set_event_hook(const struct rl_group_event_hook *h)
{
	mutex_lock(&rl_event_hook_lock);
	rcu_assign_pointer(rl_event_hook, h);
	mutex_unlock(&rl_event_hook_lock);
	if (!h)
		synchronize_rcu();
}

static void rl_emit(struct rl_group *g, struct rl_group_event *ev)
{
	const struct rl_group_event_hook *h;

	ev->group_id = g->p.group_id;
	ev->node_id = g->p.node_id;
	rcu_read_lock();
	h = rcu_dereference(rl_event_hook);
	if (h)
		h->fn(g->net, ev);
	rcu_read_unlock();
}

void rl_info_lifecycle(struct rl_group *g, bool up)
{
	struct rl_group_event ev = {
		.type = up ? RAFTLOG_EVENT_GROUP_UP : RAFTLOG_EVENT_GROUP_DOWN,
	};

	rl_emit(g, &ev);
}

void rl_info_failed(struct rl_group *g, int err)
{
	struct rl_group_event ev = {
		.type = RAFTLOG_EVENT_FAILED,
		.err = err,
	};

	rl_emit(g, &ev);
}

static bool rl_conf_equal(const struct raft_conf *a, const struct raft_conf *b)
{
	return a->n_voters == b->n_voters && a->n_learners == b->n_learners &&
	       !memcmp(a->voters, b->voters, a->n_voters * sizeof(u64)) &&
	       !memcmp(a->learners, b->learners, a->n_learners * sizeof(u64));
}

/*
 * A member left the configuration: its connection goes with it, and the
 * tick no longer looks at it, so report it down here.
 */
static void rl_drop_left(struct rl_group *g, const struct raft_conf *now)
{
	struct rl_group_event ev = { .type = RAFTLOG_EVENT_PEER_DOWN };
	struct rl_peer_mon *m;

	for (m = g->mon; m < g->mon + ARRAY_SIZE(g->mon); m++) {
		if (!m->id || rl_conf_has(now, m->id))
			continue;
		if (m->up) {
			ev.peer = m->id;
			trace_raftlog_peer(g, m->id, false);
			rl_emit(g, &ev);
		}
		memset(m, 0, sizeof(*m));
	}
}

/* After each step: count elections, report role/leader/membership. */
void rl_info_observe(struct rl_group *g, const struct raft_status *old,
		     const struct raft_status *now)
{
	struct rl_group_event ev = {
		.role = now->role,
		.term = now->term,
		.leader = now->lead,
	};

	/* a campaign that ends in a follower, or in another campaign, lost */
	if (old->role == RAFT_CANDIDATE && (now->role == RAFT_FOLLOWER ||
					    now->term != old->term))
		trace_raftlog_election_lose(g, now);
	/* a campaign starts a term; a leader may skip candidate in one step */
	if (now->term != old->term && now->role >= RAFT_CANDIDATE) {
		g->c.elections_started++;
		trace_raftlog_election_start(g, now);
	}
	if (now->role == RAFT_LEADER && old->role != RAFT_LEADER) {
		g->c.elections_won++;
		trace_raftlog_election_win(g, now);
	}
	if (now->role != old->role) {
		trace_raftlog_role(g, old, now);
		ev.type = RAFTLOG_EVENT_ROLE;
		rl_emit(g, &ev);
	}
	if (now->lead != old->lead) {
		ev.type = RAFTLOG_EVENT_LEADER;
		rl_emit(g, &ev);
	}
	if (!rl_conf_equal(&old->conf, &now->conf)) {
		memset(&ev, 0, sizeof(ev));
		ev.type = RAFTLOG_EVENT_MEMBERS;
		ev.n_voters = now->conf.n_voters;
		ev.voters = now->conf.voters;
		ev.n_learners = now->conf.n_learners;
		ev.learners = now->conf.learners;
		rl_emit(g, &ev);
		rl_drop_left(g, &now->conf);
	}
}

/* After each step: refresh the status snapshot other contexts read. */
void rl_info_refresh(struct rl_group *g)
{
	struct raft_status st;

	raft_status(g->raft, &st);
	rl_info_observe(g, &g->st, &st);
	g->c.quiesced = st.quiesced;
	g->c.quiesces = st.quiesces;
	g->c.wakes = st.wakes;
	spin_lock(&g->stream_lock);
	g->st = st;
	if (!g->volatile_log)
		g->first_index = st.first_index;
	spin_unlock(&g->stream_lock);
}

/* The monitor slot of @id; a new one (evicting the stalest) if @add. */
static struct rl_peer_mon *rl_mon(struct rl_group *g, u64 id, bool add)
{
	struct rl_peer_mon *m, *victim = NULL;

	for (m = g->mon; m < g->mon + ARRAY_SIZE(g->mon); m++) {
		if (m->id == id)
			return m;
		if (!victim || !m->id ||
		    (victim->id && m->contact_ns < victim->contact_ns))
			victim = m;
	}
	if (!add || !id)
		return NULL;
	memset(victim, 0, sizeof(*victim));
	victim->id = id;
	return victim;
}

void rl_info_contact(struct rl_group *g, u64 from)
{
	struct rl_peer_mon *m = rl_mon(g, from, true);

	if (m)
		m->contact_ns = ktime_get_ns();
}

static void rl_check_link(struct rl_group *g, u64 id)
{
	struct rl_group_event ev = { .peer = id };
	struct rl_tp_stats st;
	struct rl_peer_mon *m;

	if (id == g->p.node_id || rl_tp_peer_stats(g->ep, id, &st))
		return;
	m = rl_mon(g, id, true);
	if (!m || m->up == !!st.up)
		return;
	m->up = st.up;
	trace_raftlog_peer(g, id, st.up);
	ev.type = st.up ? RAFTLOG_EVENT_PEER_UP : RAFTLOG_EVENT_PEER_DOWN;
	rl_emit(g, &ev);
}

/*
 * Records the store read back corrupt since the last tick (for a reader
 * or a follower: neither got them) are announced once, whoever read them.
 */
static void rl_check_bad_reads(struct rl_group *g)
{
	struct rl_group_event ev = {
		.type = RAFTLOG_EVENT_CORRUPT,
		.err = -EBADMSG,
	};
	u64 n;

	if (!g->store)
		return;
	n = rl_storage_bad_reads(g->store);
	if (n == g->bad_reads_seen)
		return;
	g->bad_reads_seen = n;
	rl_emit(g, &ev);
}

/*
 * At each tick: report the connections to members that came up or went,
 * and records read back corrupt.
 */
void rl_info_tick(struct rl_group *g)
{
	const struct raft_conf *c = &g->st.conf;
	u32 i;

	rl_check_bad_reads(g);
	if (!g->ep)
		return;
	for (i = 0; i < c->n_voters; i++)
		rl_check_link(g, c->voters[i]);
	for (i = 0; i < c->n_learners; i++)
		rl_check_link(g, c->learners[i]);
}

/* ------------------------------------------------------------------ */
/* Durability latency                                                  */

/* After queueing writes: start timing unless a measurement runs. */
void rl_info_persist_queued(struct rl_group *g)
{
	if (g->volatile_log || g->sync_timing ||
	    g->last_ticket <= atomic64_read(&g->durable_ticket))
		return;
	g->sync_timing = true;
	g->sync_ticket = g->last_ticket;
	g->sync_t0 = ktime_get_ns();
}

/* The store made more durable: finish the measurement it covers. */
void rl_info_durable(struct rl_group *g)
{
	u64 d = atomic64_read(&g->durable_ticket), us;

	if (d == g->sync_seen)
		return;
	g->sync_seen = d;
	if (!g->sync_timing || d < g->sync_ticket)
		return;
	g->sync_timing = false;
	us = div_u64(ktime_get_ns() - g->sync_t0, NSEC_PER_USEC);
	g->c.fsync_usec_total += us;
	g->c.fsync_samples++;
	g->c.fsync_usec_max = max(g->c.fsync_usec_max, us);
}

/* Count a latency in its log2 bucket (struct rl_hist). */
static void rl_hist_add(struct rl_hist *h, u64 ns)
{
	u64 us = div_u64(ns, NSEC_PER_USEC);
	u32 b = us <= 1 ? 0 : fls64(us - 1);

	h->bucket[min_t(u32, b, RL_HIST_BUCKETS - 1)]++;
	h->sum_us += us;
	h->count++;
}

/*
 * Entries up to @index are durable (0: none in the batch).  t0: when the
 * batch went to the store; 0: durable at once (nothing to wait for, or a
 * volatile log), which says nothing of the device.
 */
void rl_info_persisted(struct rl_group *g, u64 index, u64 term, u64 t0)
{
	u64 ns = t0 ? ktime_get_ns() - t0 : 0;

	if (!index)
		return;
	if (t0)
		rl_hist_add(&g->persist_hist, ns);
	trace_raftlog_persisted(g, index, term, ns);
}

/* A proposal's outcome; a committed one counts in the commit latency. */
void rl_info_proposal_done(struct rl_group *g,
			   const struct raft_proposal_result *res, u64 t0)
{
	u64 ns = ktime_get_ns() - t0;

	if (!res->err)
		rl_hist_add(&g->commit_hist, ns);
	trace_raftlog_propose_done(g, res, ns);
}

/* ------------------------------------------------------------------ */
/* The status report                                                   */

static void rl_fill_link(struct rl_group *g, struct rl_member_info *mi,
			 struct rl_group_counters *c, struct rl_mem_state *mem)
{
	struct rl_tp_stats st;
	u64 hs = 0;
	u32 i;

	if (!g->ep || rl_tp_peer_stats(g->ep, mi->id, &st))
		return;
	for (i = 1; i <= RAFTLOG_REJECT_MAX; i++)
		hs += st.hs_fail[i];
	mi->has_link = true;
	mi->connected = st.up;
	mi->connects = st.connects;
	mi->disconnects = st.disconnects;
	mi->connect_failures = st.connect_failures;
	mi->frames_out = st.frames_out;
	mi->bytes_out = st.bytes_out;
	mi->frames_in = st.frames_in;
	mi->bytes_in = st.bytes_in;
	mi->frames_dropped = st.frames_dropped;
	mi->decode_errors = st.decode_errors;
	mi->handshake_failures = hs;
	c->decode_errors += st.decode_errors;
	c->handshake_failures += hs;
	c->mac_errors += st.mac_errors;
	c->seq_errors += st.seq_errors;
	mem->send += st.q_bytes;
	mem->send_limit += st.q_limit;
}

static void rl_fill_member(struct rl_group *g, struct rl_group_info *out,
			   u64 id, bool learner, u64 now)
{
	struct rl_member_info *mi;
	struct rl_peer_mon *m;
	const char *addr;
	u64 match, next;
	u8 state;

	if (out->n_members >= ARRAY_SIZE(out->members))
		return;
	mi = &out->members[out->n_members++];
	mi->id = id;
	mi->learner = learner;
	mi->self = id == g->p.node_id;
	/* the address book knows the members added at run time too */
	addr = rl_members_addr(g, id);
	if (addr)
		strscpy(mi->addr, addr, sizeof(mi->addr));
	/* the leader's own entry says nothing a member line should */
	if (!mi->self &&
	    !raft_peer_progress(g->raft, id, &match, &next, &state)) {
		mi->has_progress = true;
		mi->match = match;
		mi->next = next;
		/* sent but not acknowledged: between match and next */
		mi->inflight = next > match + 1 ? next - match - 1 : 0;
		mi->progress = state == RAFT_PR_REPLICATE ?
			RAFTLOG_PROGRESS_REPLICATE : state == RAFT_PR_SNAPSHOT ?
			RAFTLOG_PROGRESS_SNAPSHOT : RAFTLOG_PROGRESS_PROBE;
	}
	if (mi->self)
		return;
	m = rl_mon(g, id, false);
	if (m && m->contact_ns) {
		mi->has_contact = true;
		mi->contact_ms = div_u64(now - m->contact_ns, NSEC_PER_MSEC);
	}
	rl_fill_link(g, mi, &out->c, &out->mem);
}

static void rl_fill_storage(struct rl_group *g, struct rl_storage_state *s,
			    struct rl_mem_state *mem)
{
	struct rl_storage_info in;

	if (g->volatile_log) {
		s->state = RAFTLOG_STORAGE_VOLATILE;
		return;
	}
	spin_lock(&g->in_lock);
	s->error = g->store_err;
	spin_unlock(&g->in_lock);
	if (g->store) {
		rl_storage_get_info(g->store, &in);
		s->first_index = in.first_index;
		s->last_index = in.last_index;
		s->durable_index = in.durable_index;
		s->snap_index = in.snap_index;
		s->snap_term = in.snap_term;
		s->ring_blocks = in.ring_blocks;
		s->used_blocks = in.used_blocks;
		s->records = in.records;
		s->max_records = in.max_records;
		s->ring_laps = in.ring_laps;
		s->bad_reads = in.bad_reads;
		mem->window = in.win_bytes;
		mem->window_limit = in.win_limit;
		mem->pipeline = in.pipe_bytes;
		mem->pipeline_limit = in.pipe_limit;
		mem->index = in.index_bytes;
		mem->index_limit = in.index_limit;
		if (!s->error)
			s->error = in.error;
	}
	s->state = s->error ? RAFTLOG_STORAGE_FAILED : RAFTLOG_STORAGE_OK;
}

/*
 * The group's own memory users (the storage's and the transport's are
 * filled in with their other figures): the core's log and snapshot, the
 * readers' cache, the inbound queue and the application's snapshot.
 */
static void rl_fill_mem(struct rl_group *g, struct rl_mem_state *mem)
{
	mem->log = g->st.mem_bytes;
	mem->log_limit = g->store ? g->p.log_mem : 0;
	mem->snapshot = g->st.snap_mem;
	/*
	 * With a device a snapshot streams: a chunk received and one handed
	 * on, and an application's save while it is written; without one
	 * the core and the readers hold it whole, and one being received.
	 */
	mem->snapshot_limit = g->store ?
		RAFTLOG_SNAPSHOT_MAX + 2 * RAFT_MAX_ENTRY_SIZE :
		3 * RAFT_MAX_SNAPSHOT_SIZE;
	spin_lock(&g->stream_lock);
	mem->cache = g->ring_bytes;
	if (g->app && g->app->data)
		mem->snapshot += g->app->len;
	spin_unlock(&g->stream_lock);
	mem->cache_limit = g->cache_mem;
	spin_lock(&g->in_lock);
	mem->recv = g->in_bytes;
	spin_unlock(&g->in_lock);
	mem->recv_limit = RL_INMSG_BYTES;
}

/* On the worker: everything from one moment. */
static void rl_fill_info(struct rl_group *g, struct rl_group_info *out)
{
	struct raft_status *st = &g->st;
	struct rl_tp_stats ls;
	u64 now = ktime_get_ns(), hs = 0;
	u32 i;

	memset(out, 0, sizeof(*out));
	out->p = g->p;
	memzero_explicit(out->p.secret, sizeof(out->p.secret));
	out->auth = g->p.secret_len > 0;
	out->p.secret_len = 0;

	/* the worker refreshed g->st after its last step; it owns it */
	out->role = st->role;
	out->term = st->term;
	out->vote = st->vote;
	out->leader = st->lead;
	out->last_index = st->last_index;
	spin_lock(&g->stream_lock);
	out->applied = g->applied;
	out->first_index = g->first_index;
	spin_unlock(&g->stream_lock);
	out->commit = max(st->commit, out->applied);
	out->last_index = max(out->last_index, out->commit);

	spin_lock(&g->in_lock);
	out->pending = g->n_pending;
	if (g->fail_err)
		out->flags |= RAFTLOG_STATUS_F_FAILED;
	out->c = g->c;
	out->c.msgs_dropped = g->msgs_dropped;
	out->c.msgs_in_dropped = g->msgs_in_dropped;
	spin_unlock(&g->in_lock);
	out->c.log_mem_used = st->mem_bytes;
	out->c.log_mem_peak = st->mem_peak;
	out->c.fsyncs = atomic64_read(&g->fsyncs);
	out->c.decode_errors = 0;
	out->c.handshake_failures = 0;
	out->persist_hist = g->persist_hist;
	out->commit_hist = g->commit_hist;
	out->c.mac_errors = 0;
	out->c.seq_errors = 0;
	out->c.conns_refused = 0;

	for (i = 0; i < st->conf.n_voters; i++)
		rl_fill_member(g, out, st->conf.voters[i], false, now);
	for (i = 0; i < st->conf.n_learners; i++)
		rl_fill_member(g, out, st->conf.learners[i], true, now);
	if (g->ep) {
		/* refusals and garbage on connections no member owns */
		rl_tp_listener_stats(g->ep, &ls);
		for (i = 1; i <= RAFTLOG_REJECT_MAX; i++)
			hs += ls.hs_fail[i];
		out->c.decode_errors += ls.decode_errors;
		out->c.handshake_failures += hs;
		out->c.mac_errors += ls.mac_errors;
		out->c.seq_errors += ls.seq_errors;
		out->c.conns_refused += ls.conns_refused;
	}
	rl_fill_storage(g, &out->s, &out->mem);
	rl_fill_mem(g, &out->mem);
}

struct rl_info_req {
	struct work_struct work;
	struct rl_group *g;
	struct rl_group_info *out;
	struct completion done;
};

static void rl_info_work(struct work_struct *w)
{
	struct rl_info_req *rq = container_of(w, struct rl_info_req, work);

	rl_fill_info(rq->g, rq->out);
	complete(&rq->done);
}

int rl_group_info(struct rl_group *g, struct rl_group_info *out)
{
	struct rl_info_req rq = { .g = g, .out = out };
	bool queued = false;

	INIT_WORK_ONSTACK(&rq.work, rl_info_work);
	init_completion(&rq.done);
	/*
	 * Queued before the group is marked stopping, the work runs before
	 * the workqueue is destroyed and while the core still exists.
	 */
	spin_lock(&g->in_lock);
	if (!g->stopping)
		queued = queue_work(g->wq, &rq.work);
	spin_unlock(&g->in_lock);
	if (queued)
		wait_for_completion(&rq.done);
	destroy_work_on_stack(&rq.work);
	return queued ? 0 : -ENODEV;
}
