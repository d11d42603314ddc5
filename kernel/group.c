// SPDX-License-Identifier: GPL-2.0
/*
 * One Raft group: the core, its storage and its peers, driven by one
 * ordered WQ_MEM_RECLAIM workqueue.  Everything that calls into the core
 * runs as a work item on that queue (the tick, the request queue, inbound
 * messages), so the core needs no locks.  Other contexts (file operations,
 * the registry) only touch the request queue (in_lock), the committed
 * stream (stream_lock) and the status snapshot the worker refreshes.
 *
 * The ready loop follows kernel/raft/raft.h: messages that may go at once
 * are handed to the transport first, then hard state and entries are made
 * durable (so the leader's own append runs while its followers receive
 * theirs), then the messages that depend on persistence are sent, the
 * committed entries are published to readers, and proposal and barrier
 * results complete their waiters.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/list.h>
#include <linux/xarray.h>
#include <linux/workqueue.h>
#include <linux/completion.h>
#include <linux/refcount.h>
#include <linux/random.h>
#include <linux/uaccess.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/rwsem.h>
#include <linux/atomic.h>
#include <linux/mm.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <net/net_namespace.h>
#include <linux/raftlog.h>
#include "raft/raft.h"
#include "storage.h"
#include "transport.h"
#include "wire.h"
#include "group.h"
#include "group_int.h"
#include "main.h"

static LIST_HEAD(rl_groups);
static DEFINE_MUTEX(rl_groups_lock);

/* ------------------------------------------------------------------ */
/* Parameters                                                          */

int rl_group_params_check(struct rl_group_params *p)
{
	u32 i, j;

	if (!p->group_id || !p->node_id)
		return -EINVAL;
	if (!p->tick_ms)
		p->tick_ms = RL_DEF_TICK_MS;
	if (!p->election_ticks)
		p->election_ticks = RL_DEF_ELECTION;
	if (!p->heartbeat_ticks)
		p->heartbeat_ticks = RL_DEF_HEARTBEAT;
	if (!p->max_entry)
		p->max_entry = RL_DEF_MAX_ENTRY;
	if (!p->max_pending)
		p->max_pending = RL_DEF_MAX_PENDING;
	if (!p->cache_entries)
		p->cache_entries = RL_DEF_CACHE;
	if (p->tick_ms > 10000 || p->heartbeat_ticks >= p->election_ticks ||
	    p->election_ticks > 1000 || p->max_entry > RAFT_MAX_ENTRY_SIZE ||
	    p->max_pending > 65536 || p->cache_entries > RL_MAX_CACHE)
		return -EINVAL;
	if (p->n_peers > RL_GROUP_MAX_PEERS - 1 ||
	    p->secret_len > RAFTLOG_SECRET_MAX)
		return -EINVAL;
	for (i = 0; i < p->n_peers; i++) {
		if (!p->peers[i].id || p->peers[i].id == p->node_id)
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (p->peers[j].id == p->peers[i].id)
				return -EINVAL;
	}
	p->dev_path[RL_DEV_PATH_MAX - 1] = 0;
	p->listen[sizeof(p->listen) - 1] = 0;
	/* peers need an address to be reached back on */
	if (p->n_peers && !p->listen[0])
		return -EINVAL;
	/* a joining node reaches the cluster through its peers */
	if (p->join && !p->n_peers)
		return -EINVAL;
	return 0;
}

static int rl_parse_u64(const char *v, u64 *out)
{
	return kstrtoull(v, 0, out);
}

static int rl_parse_u32(const char *v, u32 *out)
{
	return kstrtou32(v, 0, out);
}

int rl_group_params_parse(char *s, struct rl_group_params *p)
{
	char *tok, *val;
	u64 id;
	int err = 0;

	memset(p, 0, sizeof(*p));
	while (!err && (tok = strsep(&s, ",")) != NULL) {
		tok = strim(tok);
		if (!*tok)
			continue;
		val = strchr(tok, '=');
		if (!val)
			return -EINVAL;
		*val++ = 0;
		if (!strcmp(tok, "id")) {
			err = rl_parse_u32(val, &p->group_id);
		} else if (!strcmp(tok, "node")) {
			err = rl_parse_u64(val, &p->node_id);
		} else if (!strcmp(tok, "cluster")) {
			err = rl_parse_u64(val, &p->cluster_id);
		} else if (!strcmp(tok, "dev")) {
			if (strscpy(p->dev_path, val, sizeof(p->dev_path)) < 0)
				err = -EINVAL;
		} else if (!strcmp(tok, "peer")) {
			/* peer=ID@ADDR */
			char *at = strchr(val, '@');
			struct rl_group_peer *pe;

			if (!at || p->n_peers >= RL_GROUP_MAX_PEERS - 1)
				return -EINVAL;
			*at++ = 0;
			pe = &p->peers[p->n_peers++];
			err = rl_parse_u64(val, &id);
			pe->id = id;
			if (!err && strscpy(pe->addr, at, sizeof(pe->addr)) < 0)
				err = -EINVAL;
		} else if (!strcmp(tok, "listen")) {
			if (strscpy(p->listen, val, sizeof(p->listen)) < 0)
				err = -EINVAL;
		} else if (!strcmp(tok, "tick_ms")) {
			err = rl_parse_u32(val, &p->tick_ms);
		} else if (!strcmp(tok, "election")) {
			err = rl_parse_u32(val, &p->election_ticks);
		} else if (!strcmp(tok, "heartbeat")) {
			err = rl_parse_u32(val, &p->heartbeat_ticks);
		} else if (!strcmp(tok, "max_entry")) {
			err = rl_parse_u32(val, &p->max_entry);
		} else if (!strcmp(tok, "max_pending")) {
			err = rl_parse_u32(val, &p->max_pending);
		} else if (!strcmp(tok, "cache")) {
			err = rl_parse_u32(val, &p->cache_entries);
		} else if (!strcmp(tok, "join")) {
			err = kstrtou8(val, 0, &p->join);
			if (!err && p->join > 1)
				err = -EINVAL;
		} else {
			return -EINVAL;
		}
	}
	if (err)
		return -EINVAL;
	return rl_group_params_check(p);
}

/* ------------------------------------------------------------------ */
/* Requests                                                            */

void rl_req_put(struct rl_req *rq)
{
	if (refcount_dec_and_test(&rq->ref)) {
		kfree(rq->data);
		kfree(rq);
	}
}

void rl_group_req_put(struct rl_req *rq)
{
	rl_req_put(rq);
}

bool rl_group_req_arm(struct rl_req *rq, rl_req_done_fn fn, void *ctx)
{
	bool armed;

	spin_lock(&rq->fn_lock);
	armed = !rq->finished;
	if (armed) {
		rq->fn = fn;
		rq->fn_ctx = ctx;
	}
	spin_unlock(&rq->fn_lock);
	return armed;
}

int rl_group_req_result(struct rl_req *rq, u64 *index, u64 *term)
{
	*index = rq->index;
	*term = rq->term;
	return rq->err;
}

bool rl_group_req_cancel(struct rl_req *rq)
{
	bool had;

	spin_lock(&rq->fn_lock);
	had = rq->fn;
	rq->fn = NULL;
	spin_unlock(&rq->fn_lock);
	return had;
}

/* Complete a request taken out of inq/inflight; drops the group's ref. */
static void rl_req_finish(struct rl_group *g, struct rl_req *rq, int err,
			  u64 index, u64 term)
{
	rl_req_done_fn fn;

	rq->err = err;
	rq->index = index;
	rq->term = term;
	kfree(rq->data);
	rq->data = NULL;
	spin_lock(&rq->fn_lock);
	rq->finished = true;
	fn = rq->fn;
	rq->fn = NULL;
	spin_unlock(&rq->fn_lock);
	if (fn)
		fn(rq->fn_ctx, err, index, term);
	complete(&rq->done);
	spin_lock(&g->in_lock);
	g->n_pending--;
	spin_unlock(&g->in_lock);
	wake_up_interruptible(&g->room_wq);
	wake_up_interruptible_poll(&g->stream_wq, EPOLLOUT);
	rl_req_put(rq);
}

/*
 * Queue a request for the worker.  Returns 0, -EAGAIN (queue full and
 * nonblock), -ERESTARTSYS, -EIO (failed), -ENODEV (stopped).
 */
int rl_req_submit(struct rl_group *g, struct rl_req *rq, bool nonblock)
{
	int err;

	for (;;) {
		spin_lock(&g->in_lock);
		if (g->stopping) {
			err = -ENODEV;
		} else if (g->fail_err) {
			err = -EIO;
		} else if (g->n_pending < g->p.max_pending) {
			rq->id = g->next_id++;
			g->n_pending++;
			refcount_inc(&rq->ref);	/* the group's */
			list_add_tail(&rq->node, &g->inq);
			queue_work(g->wq, &g->run_work);
			err = 0;
		} else {
			err = -EAGAIN;
		}
		spin_unlock(&g->in_lock);
		if (err != -EAGAIN || nonblock)
			return err;
		err = wait_event_interruptible(g->room_wq,
					       READ_ONCE(g->n_pending) <
					       g->p.max_pending ||
					       READ_ONCE(g->stopping) ||
					       READ_ONCE(g->fail_err));
		if (err)
			return err;
	}
}

struct rl_req *rl_req_alloc(u8 kind)
{
	struct rl_req *rq = kzalloc(sizeof(*rq), GFP_KERNEL);

	if (!rq)
		return NULL;
	refcount_set(&rq->ref, 1);
	init_completion(&rq->done);
	INIT_LIST_HEAD(&rq->node);
	INIT_LIST_HEAD(&rq->wait_node);
	spin_lock_init(&rq->fn_lock);
	rq->kind = kind;
	return rq;
}

/* ------------------------------------------------------------------ */
/* Storage                                                             */

/*
 * Persistence of one ready batch waiting for the store: the messages
 * that may only go once it is durable (copies) and the last entry to
 * report with raft_persisted().
 */
struct rl_io {
	struct list_head node;
	u64 ticket;
	u64 last_index;		/* 0: no entries */
	u64 last_term;
	u64 snap_index;		/* 0: no snapshot installed */
	u64 snap_term;
	u32 n_msgs;
	struct raft_msg *msgs;
};

#define RL_APPEND_CHUNK		256
/* entries handled between two chances to reschedule */
#define RL_TRIM_CHUNK		256
/* entries the core drops at a time when compacting or freeing its log */
#define RL_CORE_STEP		1024

/* Queue the group's worker (any context but hard irq). */
static void rl_group_kick(struct rl_group *g)
{
	spin_lock(&g->in_lock);
	if (!g->stopping)
		queue_work(g->wq, &g->run_work);
	spin_unlock(&g->in_lock);
}

/* Store callbacks: run in the store's worker; only record and kick. */
static void rl_store_durable(void *ctx, u64 ticket, u64 last_index)
{
	struct rl_group *g = ctx;

	atomic64_set(&g->durable_ticket, ticket);
	atomic64_inc(&g->fsyncs);
	rl_group_kick(g);
}

static void rl_store_failed(void *ctx, int err)
{
	struct rl_group *g = ctx;

	spin_lock(&g->in_lock);
	g->store_err = err ? err : -EIO;
	if (!g->stopping)
		queue_work(g->wq, &g->run_work);
	spin_unlock(&g->in_lock);
}

static void rl_boot_free(struct raft_boot *boot)
{
	u64 i;
	struct raft_entry *ents = (struct raft_entry *)boot->entries;

	for (i = 0; ents && i < boot->n_entries; i++) {
		kfree(ents[i].data);
		if (!(i & (RL_TRIM_CHUNK - 1)))
			cond_resched();
	}
	kvfree(ents);
	boot->entries = NULL;
	boot->n_entries = 0;
	kvfree(boot->snap_data);
	boot->snap_data = NULL;
	boot->snap_len = 0;
}

static u8 rl_type_from_disk(u8 t)
{
	return t == RAFTLOG_ENTRY_CONF ? RAFT_ENTRY_CONF_CHANGE :
	       RAFT_ENTRY_NORMAL;
}

static u8 rl_type_to_disk(const struct raft_entry *e)
{
	if (e->type == RAFT_ENTRY_CONF_CHANGE)
		return RAFTLOG_ENTRY_CONF;
	return e->len ? RAFTLOG_ENTRY_NORMAL : RAFTLOG_ENTRY_NOOP;
}

struct rl_load {
	struct raft_boot *boot;
	struct raft_entry *ents;	/* boot->entries, writable */
	u64 first;			/* index of ents[0] */
};

/* One entry read back: copy it into the next slot of boot->entries. */
static int rl_load_one(void *ctx, const struct rl_entry *e)
{
	struct rl_load *ld = ctx;
	struct raft_entry *d = &ld->ents[ld->boot->n_entries];

	if (e->index != ld->first + ld->boot->n_entries)
		return -EIO;
	d->index = e->index;
	d->term = e->term;
	d->type = rl_type_from_disk(e->type);
	d->len = e->len;
	if (e->len) {
		d->data = kmemdup(e->data, e->len, GFP_KERNEL);
		if (!d->data)
			return -ENOMEM;
	}
	ld->boot->n_entries++;
	return 0;
}

/*
 * Read the durable log back into boot->entries (the core copies them),
 * a record at a time: restart time is one device read per record.
 */
static int rl_store_load(struct rl_group *g, const struct rl_storage_info *in,
			 struct raft_boot *boot)
{
	/* a compaction not yet carried out leaves entries the snapshot covers */
	struct rl_load ld = { .boot = boot };
	u64 index, n;
	int got;

	ld.first = max(in->first_index, boot->snap.index + 1);
	if (in->last_index < ld.first)
		return 0;
	n = in->last_index - ld.first + 1;
	ld.ents = kvcalloc(n, sizeof(*ld.ents), GFP_KERNEL);
	if (!ld.ents)
		return -ENOMEM;
	boot->entries = ld.ents;
	for (index = ld.first; index <= in->last_index; index += got) {
		/*
		 * Thousands of reads: a RAM disk completes them inline, so
		 * without this the loop never sleeps (soft lockup).
		 */
		cond_resched();
		got = rl_storage_entries(g->store, index,
					 min_t(u64, in->last_index - index + 1,
					       U32_MAX),
					 rl_load_one, &ld);
		if (got <= 0) {
			pr_err("group %u: cannot read entry %llu back: %d\n",
			       g->p.group_id, index, got);
			return got ? got : -EIO;
		}
	}
	return 0;
}

/*
 * Snapshots.  The group's state machine is the log itself, so its
 * snapshot blob (struct rl_snap_blob, docs/format.md) says what it covers
 * (readers below it get -ERANGE) and, from version 2 on, carries the
 * address book as of its index: the entries that taught the addresses
 * are gone with the compacted prefix.  The configuration as of the
 * snapshot is stored beside it.  The core treats the blob as opaque and
 * sends it to followers behind the compacted prefix; a blob from another
 * leader is checked (rl_snap_blob_addrs), then stored as it came.
 */

/*
 * Check a snapshot blob (from the device or a leader: hostile) against
 * the snapshot it came with.  0 with *addrs and *addrs_len set to its address
 * section (NULL/0 for a version 1 blob, which has none), or -EUCLEAN.
 * The section itself is checked by rl_members_snap_load.
 */
int rl_snap_blob_addrs(struct rl_group *g, const u8 *data, u64 len,
		       u64 index, u64 term, const u8 **addrs, u32 *addrs_len)
{
	const struct rl_snap_blob *b = (const void *)data;
	u32 ver, alen;

	*addrs = NULL;
	*addrs_len = 0;
	if (!data || len < sizeof(*b) ||
	    le32_to_cpu(b->magic) != RL_SNAP_MAGIC ||
	    le32_to_cpu(b->group_id) != g->p.group_id ||
	    le64_to_cpu(b->index) != index || le64_to_cpu(b->term) != term)
		return -EUCLEAN;
	ver = le32_to_cpu(b->version);
	alen = le32_to_cpu(b->addrs_len);
	switch (ver) {
	case RL_SNAP_VERSION_NOADDR:
		return len == sizeof(*b) && !alen ? 0 : -EUCLEAN;
	case RL_SNAP_VERSION:
		if (alen > RL_SNAP_ADDRS_MAX || len != sizeof(*b) + alen)
			return -EUCLEAN;
		*addrs = data + sizeof(*b);
		*addrs_len = alen;
		return 0;
	}
	return -EUCLEAN;
}

/*
 * Build the blob of a snapshot at index (worker only): the header, then
 * the book as of index for conf, the configuration in force there.  A
 * group without a transport has no one to dial: version 1, no section.
 */
static int rl_snap_blob_build(struct rl_group *g, u64 index,
			      const struct raft_conf *conf, u8 **blobp,
			      u32 *lenp)
{
	struct rl_snap_blob *b;
	ssize_t n = 0;
	u8 *buf;

	if (g->ep) {
		n = rl_members_snap_encode(g, index, conf, NULL, 0);
		if (n < 0)
			return n;
		if (n > RL_SNAP_ADDRS_MAX)
			return -E2BIG;
	}
	buf = kzalloc(sizeof(*b) + n, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	b = (void *)buf;
	b->magic = cpu_to_le32(RL_SNAP_MAGIC);
	b->version = cpu_to_le32(g->ep ? RL_SNAP_VERSION :
				 RL_SNAP_VERSION_NOADDR);
	b->group_id = cpu_to_le32(g->p.group_id);
	b->addrs_len = cpu_to_le32(n);
	b->index = cpu_to_le64(index);
	b->term = cpu_to_le64(raft_term_at(g->raft, index));
	if (n && rl_members_snap_encode(g, index, conf, buf + sizeof(*b),
					n) != n) {
		kfree(buf);
		return -EINVAL;
	}
	*blobp = buf;
	*lenp = sizeof(*b) + n;
	return 0;
}

/* The configuration as stored: le32 counts, then le64 voters, learners. */
#define RL_CONF_MAX		(8 + 16 * RAFT_MAX_MEMBERS)

static u32 rl_conf_encode(const struct raft_conf *c, u8 *buf)
{
	__le32 n[2] = { cpu_to_le32(c->n_voters), cpu_to_le32(c->n_learners) };
	u32 i, off = sizeof(n);
	__le64 id;

	memcpy(buf, n, sizeof(n));
	for (i = 0; i < c->n_voters + c->n_learners; i++, off += sizeof(id)) {
		id = cpu_to_le64(i < c->n_voters ? c->voters[i] :
				 c->learners[i - c->n_voters]);
		memcpy(buf + off, &id, sizeof(id));
	}
	return off;
}

static int rl_conf_decode(const u8 *buf, u32 len, struct raft_conf *c)
{
	u32 i, off = 2 * sizeof(__le32);
	__le32 n[2];
	__le64 id;

	memset(c, 0, sizeof(*c));
	if (len < sizeof(n))
		return -EUCLEAN;
	memcpy(n, buf, sizeof(n));
	c->n_voters = le32_to_cpu(n[0]);
	c->n_learners = le32_to_cpu(n[1]);
	if (c->n_voters > RAFT_MAX_MEMBERS || c->n_learners > RAFT_MAX_MEMBERS ||
	    len != off + sizeof(id) * (c->n_voters + c->n_learners))
		return -EUCLEAN;
	for (i = 0; i < c->n_voters + c->n_learners; i++, off += sizeof(id)) {
		memcpy(&id, buf + off, sizeof(id));
		if (i < c->n_voters)
			c->voters[i] = le64_to_cpu(id);
		else
			c->learners[i - c->n_voters] = le64_to_cpu(id);
	}
	return 0;
}

/* Load the device's snapshot into boot (the core validates the conf). */
static int rl_snap_load(struct rl_group *g, struct raft_boot *boot)
{
	void *conf = NULL, *data = NULL;
	u64 index, term, len = 0;
	u32 conf_len = 0, addrs_len;
	const u8 *addrs;
	int err;

	err = rl_storage_load_snapshot(g->store, &index, &term, &conf,
				       &conf_len, &data, &len);
	if (!err)
		err = rl_conf_decode(conf, conf_len, &boot->snap.conf);
	kvfree(conf);
	/* the blob must describe the snapshot it came with */
	if (!err)
		err = rl_snap_blob_addrs(g, data, len, index, term, &addrs,
					 &addrs_len);
	if (err) {
		pr_err("group %u: cannot load the snapshot of %s: %d\n",
		       g->p.group_id, g->p.dev_path, err);
		kvfree(data);
		return err;
	}
	boot->snap.index = index;
	boot->snap.term = term;
	boot->snap_data = data;
	boot->snap_len = len;
	return 0;
}

/*
 * Open the group's device and recover its state into boot.  Without a
 * device the group runs on a volatile log: the core keeps its entries in
 * memory and nothing survives the group (tests of the driver only).
 */
static int rl_store_open(struct rl_group *g, struct raft_boot *boot)
{
	struct rl_storage_cfg cfg = {};
	struct rl_storage_info in;
	int err;

	if (!g->p.dev_path[0]) {
		g->volatile_log = true;
		return 0;
	}
	g->ents = kcalloc(RL_APPEND_CHUNK, sizeof(*g->ents), GFP_KERNEL);
	if (!g->ents)
		return -ENOMEM;
	cfg.cluster_id = g->p.cluster_id;
	cfg.node_id = g->p.node_id;
	cfg.group_id = g->p.group_id;
	cfg.cb.durable = rl_store_durable;
	cfg.cb.failed = rl_store_failed;
	cfg.cb.ctx = g;
	err = rl_storage_open(g->p.dev_path, &cfg, &g->store);
	if (err) {
		pr_err("group %u: cannot open %s: %d\n", g->p.group_id,
		       g->p.dev_path, err);
		g->store = NULL;
		kfree(g->ents);
		g->ents = NULL;
		return err;
	}
	rl_storage_get_info(g->store, &in);
	if (in.snap_index) {
		err = rl_snap_load(g, boot);
		if (err)
			goto out_close;
	}
	boot->hs.term = in.hs.term;
	boot->hs.vote = in.hs.vote;
	boot->hs.commit = in.hs.commit;
	err = rl_store_load(g, &in, boot);
	if (err)
		goto out_close;
	g->log_last = in.last_index;
	return 0;

out_close:
	rl_boot_free(boot);
	rl_storage_close(g->store);
	g->store = NULL;
	kfree(g->ents);
	g->ents = NULL;
	return err;
}

/*
 * Queue what rd asks to persist: truncate a conflicting suffix, append
 * the entries, store the hard state.  The store carries them out in order.
 */
static int rl_store_persist(struct rl_group *g, const struct raft_ready *rd)
{
	u64 i, done = 0;
	s64 t;

	if (g->volatile_log)
		return 0;
	if (rd->n_entries && rd->entries[0].index <= g->log_last) {
		t = rl_storage_truncate(g->store, rd->entries[0].index - 1);
		if (t < 0)
			return t;
		g->last_ticket = t;
	}
	while (done < rd->n_entries) {
		u32 n = min_t(u64, rd->n_entries - done, RL_APPEND_CHUNK);

		for (i = 0; i < n; i++) {
			const struct raft_entry *re = &rd->entries[done + i];

			g->ents[i].index = re->index;
			g->ents[i].term = re->term;
			g->ents[i].len = re->len;
			g->ents[i].type = rl_type_to_disk(re);
			g->ents[i].data = re->data;
		}
		t = rl_storage_append(g->store, g->ents, n);
		if (t < 0)
			return t;
		g->last_ticket = t;
		done += n;
	}
	if (rd->n_entries)
		g->log_last = rd->entries[rd->n_entries - 1].index;
	if (rd->hs_changed) {
		struct rl_hard_state hs = {
			.term = rd->hs.term,
			.vote = rd->hs.vote,
			.commit = rd->hs.commit,
		};

		t = rl_storage_set_hard_state(g->store, &hs);
		if (t < 0)
			return t;
		g->last_ticket = t;
	}
	return 0;
}

/* Remember what to do once the operations queued so far are durable. */
static int rl_io_queue(struct rl_group *g, const struct raft_ready *rd)
{
	struct rl_io *io;
	u32 i, n = 0;

	io = kzalloc(sizeof(*io), GFP_NOIO);
	if (!io)
		return -ENOMEM;
	io->ticket = g->last_ticket;
	if (rd->n_entries) {
		io->last_index = rd->entries[rd->n_entries - 1].index;
		io->last_term = rd->entries[rd->n_entries - 1].term;
	}
	if (rd->snapshot) {
		io->snap_index = rd->snapshot->meta.index;
		io->snap_term = rd->snapshot->meta.term;
	}
	if (rd->n_msgs_after_persist) {
		io->msgs = kcalloc(rd->n_msgs_after_persist, sizeof(*io->msgs),
				   GFP_NOIO);
		if (!io->msgs) {
			kfree(io);
			return -ENOMEM;
		}
		/* a message that cannot be copied is lost, as on a network */
		for (i = 0; i < rd->n_msgs_after_persist; i++)
			if (!raft_msg_clone(&io->msgs[n],
					    &rd->msgs_after_persist[i]))
				n++;
		io->n_msgs = n;
	}
	list_add_tail(&io->node, &g->io_list);
	return 0;
}

static void rl_send_msgs(struct rl_group *g, const struct raft_msg *m, u32 n);

static void rl_io_free(struct rl_io *io)
{
	u32 i;

	for (i = 0; i < io->n_msgs; i++)
		raft_msg_free(&io->msgs[i]);
	kfree(io->msgs);
	kfree(io);
}

/* Carry out the waits that the store has made durable (worker only). */
static void rl_io_complete(struct rl_group *g)
{
	u64 durable = atomic64_read(&g->durable_ticket);
	struct rl_io *io, *tmp;

	list_for_each_entry_safe(io, tmp, &g->io_list, node) {
		if (io->ticket > durable)
			break;
		list_del(&io->node);
		rl_send_msgs(g, io->msgs, io->n_msgs);
		if (io->snap_index)
			raft_snapshot_installed(g->raft, io->snap_index,
						io->snap_term);
		if (io->last_index)
			raft_persisted(g->raft, io->last_index, io->last_term);
		rl_io_free(io);
	}
}

static void rl_store_close(struct rl_group *g)
{
	struct rl_io *io, *tmp;

	list_for_each_entry_safe(io, tmp, &g->io_list, node) {
		list_del(&io->node);
		rl_io_free(io);
	}
	if (g->store) {
		down_write(&g->store_sem);
		rl_storage_close(g->store);
		g->store = NULL;
		up_write(&g->store_sem);
	}
	kfree(g->ents);
	g->ents = NULL;
}

/* ------------------------------------------------------------------ */
/* The committed stream                                                */

static void rl_centry_put(struct rl_centry *e)
{
	if (refcount_dec_and_test(&e->ref))
		kfree(e);
}

/* Drop the oldest cached entry; stream_lock held. */
static void rl_ring_evict(struct rl_group *g)
{
	struct rl_centry **slot = &g->ring[g->ring_first & g->ring_mask];

	if (*slot) {
		g->ring_bytes -= (*slot)->len;
		rl_centry_put(*slot);
		*slot = NULL;
	}
	g->ring_first++;
	/* volatile: an evicted entry cannot be read back */
	if (g->volatile_log && g->first_index < g->ring_first)
		g->first_index = g->ring_first;
}

/*
 * Drop the cached entries up to last (U64_MAX: all), RL_TRIM_CHUNK per
 * hold of stream_lock: a ring can hold a million entries, too many to
 * free with a spinlock held (readers take their own references).  Worker
 * or stopping only, so nothing publishes meanwhile.
 */
static void rl_ring_trim(struct rl_group *g, u64 last)
{
	bool more = true;
	u32 n;

	while (more) {
		spin_lock(&g->stream_lock);
		for (n = 0; n < RL_TRIM_CHUNK && g->ring_first <= g->applied &&
		     g->ring_first <= last; n++)
			rl_ring_evict(g);
		more = g->ring_first <= g->applied && g->ring_first <= last;
		spin_unlock(&g->stream_lock);
		if (more)
			cond_resched();
	}
}

static int rl_publish(struct rl_group *g, const struct raft_entry *ents,
		      u64 n)
{
	u64 i;

	for (i = 0; i < n; i++) {
		const struct raft_entry *re = &ents[i];
		struct rl_centry *e;

		e = kmalloc(struct_size(e, data, re->len), GFP_NOIO);
		if (!e)
			return -ENOMEM;
		refcount_set(&e->ref, 1);
		e->index = re->index;
		e->term = re->term;
		e->len = re->len;
		e->flags = 0;
		if (re->type == RAFT_ENTRY_CONF_CHANGE)
			e->flags |= RAFTLOG_RECORD_F_CONF;
		else if (!re->len)
			e->flags |= RAFTLOG_RECORD_F_NOOP;
		if (re->len)
			memcpy(e->data, re->data, re->len);

		spin_lock(&g->stream_lock);
		if (WARN_ON_ONCE(e->index != g->applied + 1)) {
			spin_unlock(&g->stream_lock);
			kfree(e);
			return -EIO;
		}
		while (g->ring_first <= g->applied &&
		       (g->applied + 1 - g->ring_first > g->ring_mask ||
			g->ring_bytes + e->len > RL_CACHE_BYTES))
			rl_ring_evict(g);
		if (g->ring_first > g->applied)
			g->ring_first = e->index;
		g->ring[e->index & g->ring_mask] = e;
		g->ring_bytes += e->len;
		g->applied = e->index;
		spin_unlock(&g->stream_lock);
		g->c.commits++;
		g->c.commit_bytes += e->len;
		/* a restart publishes the whole recovered log at once */
		if (!(i & (RL_TRIM_CHUNK - 1)))
			cond_resched();
	}
	if (n)
		wake_up_interruptible_poll(&g->stream_wq, EPOLLIN | EPOLLRDNORM);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The driver                                                          */

static u32 rl_rand(void *cookie)
{
	return get_random_u32();
}

static void rl_send_msgs(struct rl_group *g, const struct raft_msg *m, u32 n)
{
	u32 i;

	/* never blocks; a message dropped is retransmitted by Raft */
	for (i = 0; i < n; i++)
		if (!g->ep || rl_tp_send(g->ep, &m[i]))
			g->msgs_dropped++;
}

/* Transport receive callback (its workqueue): take the message, queue it. */
static void rl_tp_recv(void *ctx, struct raft_msg *m)
{
	struct rl_group *g = ctx;
	struct rl_inmsg *im;

	im = kmalloc(sizeof(*im), GFP_NOIO);
	if (!im)
		return;
	spin_lock(&g->in_lock);
	if (g->stopping || g->n_inmsgs >= RL_MAX_INMSGS) {
		g->msgs_in_dropped++;
		spin_unlock(&g->in_lock);
		kfree(im);
		return;
	}
	im->m = *m;
	memset(m, 0, sizeof(*m));
	list_add_tail(&im->node, &g->inmsgs);
	g->n_inmsgs++;
	queue_work(g->wq, &g->run_work);
	spin_unlock(&g->in_lock);
}

static void rl_inmsg_free(struct rl_inmsg *im)
{
	rl_wire_msg_free(&im->m);
	kfree(im);
}

static void rl_handle_msgs(struct rl_group *g)
{
	struct rl_inmsg *im, *tmp;
	LIST_HEAD(q);

	spin_lock(&g->in_lock);
	list_splice_init(&g->inmsgs, &q);
	g->n_inmsgs = 0;
	spin_unlock(&g->in_lock);
	list_for_each_entry_safe(im, tmp, &q, node) {
		list_del(&im->node);
		rl_info_contact(g, im->m.from);
		/* a malformed message is refused by the core and ignored */
		raft_step(g->raft, &im->m);
		rl_inmsg_free(im);
	}
}

/* Open the group's endpoint and start dialing its peers. */
static int rl_tp_start(struct rl_group *g)
{
	struct rl_tp_config *cfg;
	struct sockaddr_storage addr;
	u32 i, eto;
	int err = 0;

	if (!g->p.listen[0])
		return 0;
	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return -ENOMEM;
	cfg->net = g->net;
	err = rl_tp_parse_addr(g->p.listen, &cfg->listen);
	if (err)
		goto out;
	cfg->cluster_id = g->p.cluster_id;
	cfg->group_id = g->p.group_id;
	cfg->node_id = g->p.node_id;
	cfg->recv = rl_tp_recv;
	cfg->ctx = g;
	/*
	 * A peer back from a partition should hear from us within a few
	 * election timeouts: redial at least that often, and give up on a
	 * connection whose data goes unacknowledged for longer.
	 */
	eto = g->p.tick_ms * g->p.election_ticks;
	cfg->backoff_max_ms = clamp(2 * eto, 1000U, 5000U);
	cfg->user_timeout_ms = clamp(8 * eto, 5000U, 30000U);
	memcpy(cfg->secret, g->p.secret, sizeof(cfg->secret));
	cfg->secret_len = g->p.secret_len;
	g->ep = rl_tp_open(cfg, &err);
	if (!g->ep)
		goto out;
	for (i = 0; i < g->p.n_peers && !err; i++) {
		err = rl_tp_parse_addr(g->p.peers[i].addr, &addr);
		if (!err)
			err = rl_tp_peer_add(g->ep, g->p.peers[i].id, &addr);
	}
	if (err) {
		rl_tp_close(g->ep);
		g->ep = NULL;
	}
out:
	if (err)
		pr_err("group %u: transport on %s: %d\n", g->p.group_id,
		       g->p.listen, err);
	/* the transport keeps its own copy of the secret */
	kfree_sensitive(cfg);
	return err;
}

/* After the worker stopped: no callback runs once this returns. */
static void rl_tp_stop(struct rl_group *g)
{
	struct rl_inmsg *im, *tmp;

	if (g->ep)
		rl_tp_close(g->ep);
	g->ep = NULL;
	list_for_each_entry_safe(im, tmp, &g->inmsgs, node) {
		list_del(&im->node);
		rl_inmsg_free(im);
	}
	g->n_inmsgs = 0;
}

/* Complete the asynchronous barriers whose index is applied (worker). */
static void rl_barriers_check(struct rl_group *g, int err)
{
	struct rl_req *rq, *tmp;

	list_for_each_entry_safe(rq, tmp, &g->barriers, wait_node) {
		if (!err && rq->index > READ_ONCE(g->applied))
			continue;
		list_del_init(&rq->wait_node);
		rl_req_finish(g, rq, err, rq->index, 0);
	}
}

/* Stop the group after an error it cannot recover from (worker only). */
void rl_group_fail(struct rl_group *g, int err)
{
	struct rl_req *rq;
	unsigned long id;

	/* a removed node stops the same way, but nothing went wrong */
	if (err != -EIDRM)
		pr_err("group %u: node %llu failed (%d); stopped\n",
		       g->p.group_id, g->p.node_id, err);
	spin_lock(&g->in_lock);
	g->fail_err = err;
	spin_unlock(&g->in_lock);
	rl_info_failed(g, err);
	xa_for_each(&g->inflight, id, rq) {
		xa_erase(&g->inflight, id);
		rl_req_finish(g, rq, -EIO, 0, 0);
	}
	rl_barriers_check(g, -EIO);
	wake_up_interruptible_all(&g->room_wq);
	wake_up_interruptible_all(&g->stream_wq);
}

#ifdef RL_BUG_ACK_EARLY
/*
 * A deliberately broken build, only for the fault campaign's self-test
 * (tests/vm/fault-selftest.sh): a leader acknowledges a proposal as soon
 * as it appended it, before a majority holds it.  The campaign's checker
 * must catch the acknowledged entries such a leader loses.
 */
static void rl_bug_ack_early(struct rl_group *g, struct rl_req *rq)
{
	struct raft_status st;

	raft_status(g->raft, &st);
	if (st.role != RAFT_LEADER || !xa_erase(&g->inflight, rq->id))
		return;
	rl_req_finish(g, rq, 0, st.last_index, st.term);
}
#else
static inline void rl_bug_ack_early(struct rl_group *g, struct rl_req *rq)
{
}
#endif

static void rl_handle_requests(struct rl_group *g)
{
	struct rl_req *rq, *tmp;
	LIST_HEAD(q);
	int err;

	spin_lock(&g->in_lock);
	list_splice_init(&g->inq, &q);
	spin_unlock(&g->in_lock);

	list_for_each_entry_safe(rq, tmp, &q, node) {
		list_del_init(&rq->node);
		if (g->fail_err) {
			rl_req_finish(g, rq, -EIO, 0, 0);
			continue;
		}
		err = xa_insert(&g->inflight, rq->id, rq, GFP_NOIO);
		if (err) {
			rl_req_finish(g, rq, err == -EBUSY ? -EIO : err, 0, 0);
			continue;
		}
		if (rq->kind == RL_REQ_PROPOSE) {
			g->c.proposals++;
			err = raft_propose(g->raft, rq->data, rq->len, rq->id);
		} else if (rq->kind == RL_REQ_BARRIER) {
			err = raft_read_index(g->raft, rq->id);
		} else {	/* membership, transfer: 1 is done */
			err = rl_ctl_request(g, rq);
		}
		if (err) {
			xa_erase(&g->inflight, rq->id);
			rl_req_finish(g, rq, err < 0 ? err : 0, 0, 0);
		} else if (rq->kind == RL_REQ_PROPOSE) {
			/* the core copied the payload */
			kfree(rq->data);
			rq->data = NULL;
			rl_bug_ack_early(g, rq);
		}
	}
}

static void rl_report(struct rl_group *g, const struct raft_ready *rd)
{
	struct rl_req *rq;
	u32 i;

	for (i = 0; i < rd->n_reads; i++) {
		rq = xa_erase(&g->inflight, rd->reads[i].ctx);
		if (!rq || rq->kind != RL_REQ_BARRIER)
			continue;
		/*
		 * A waiting caller waits for applied itself; an asynchronous
		 * one completes once its index is applied.
		 */
		if (!rd->reads[i].err && rq->async &&
		    rd->reads[i].index > READ_ONCE(g->applied)) {
			rq->index = rd->reads[i].index;
			list_add_tail(&rq->wait_node, &g->barriers);
			continue;
		}
		rl_req_finish(g, rq, rd->reads[i].err, rd->reads[i].index, 0);
	}
	for (i = 0; i < rd->n_results; i++) {
		const struct raft_proposal_result *res = &rd->results[i];

		rq = xa_erase(&g->inflight, res->id);
		if (!rq || (rq->kind != RL_REQ_PROPOSE &&
			    rq->kind != RL_REQ_CONF))
			continue;
		if (res->err == -ETIMEDOUT && rl_verbose)
			pr_info("group %u: node %llu: proposal %llu: outcome unknown (%llu messages not sent)\n",
				g->p.group_id, g->p.node_id, res->id,
				g->msgs_dropped);
		if (res->err)
			g->c.proposals_failed++;
		rl_req_finish(g, rq, res->err, res->index, res->term);
	}
}

/* Readers restart after a snapshot: nothing at or below it is readable. */
static void rl_stream_cut(struct rl_group *g, u64 index, bool reset)
{
	spin_lock(&g->stream_lock);
	if (g->first_index <= index)
		g->first_index = index + 1;
	spin_unlock(&g->stream_lock);
	rl_ring_trim(g, reset ? U64_MAX : index);
	spin_lock(&g->stream_lock);
	if (reset && g->applied < index) {
		g->applied = index;
		g->ring_first = index + 1;
	}
	spin_unlock(&g->stream_lock);
	wake_up_interruptible_poll(&g->stream_wq, EPOLLIN | EPOLLRDNORM);
}

/*
 * A snapshot from the leader replaces the log: store it (dropping any
 * suffix the store still holds, the core has), then restart the stream
 * after it.  The core hears it is installed once the store made it
 * durable (rl_io_complete or right after the ready).
 */
static int rl_snap_install(struct rl_group *g, const struct raft_snapshot *s)
{
	u8 conf[RL_CONF_MAX];
	u32 conf_len;
	s64 t;

	if (!g->volatile_log) {
		if (g->log_last > s->meta.index) {
			t = rl_storage_truncate(g->store, s->meta.index);
			if (t < 0)
				return t;
			g->last_ticket = t;
		}
		conf_len = rl_conf_encode(&s->meta.conf, conf);
		t = rl_storage_save_snapshot(g->store, s->meta.index,
					     s->meta.term, conf, conf_len,
					     s->data, s->len);
		if (t < 0)
			return t;
		g->last_ticket = t;
		g->log_last = s->meta.index;
	}
	rl_stream_cut(g, s->meta.index, true);
	pr_info("group %u: node %llu installed a snapshot at %llu (term %llu)\n",
		g->p.group_id, g->p.node_id, s->meta.index, s->meta.term);
	return 0;
}

static void rl_process_ready(struct rl_group *g)
{
	struct raft_ready rd;
	u64 last_index = 0, last_term = 0, snap_index, snap_term;
	bool now;
	int err;

	while (!g->fail_err && raft_has_ready(g->raft)) {
		err = raft_ready(g->raft, &rd);
		if (err) {
			/* nothing was taken out: try again at the next tick */
			return;
		}
		/* new members' addresses, before messages go to them */
		err = rl_members_ready(g, &rd);
		if (err)
			goto fail;
		if (rd.ss_changed && rl_verbose)
			pr_info("group %u: node %llu is %s in term %llu (leader %llu)\n",
				g->p.group_id, g->p.node_id,
				raft_role_name(rd.ss.role), rd.ss.term,
				rd.ss.lead);
		/* these may go before persistence: replication runs in
		 * parallel with the leader's own write
		 */
		rl_send_msgs(g, rd.msgs, rd.n_msgs);
		snap_index = 0;
		snap_term = 0;
		if (rd.snapshot) {
			err = rl_snap_install(g, rd.snapshot);
			if (err)
				goto fail;
			snap_index = rd.snapshot->meta.index;
			snap_term = rd.snapshot->meta.term;
		}
		err = rl_store_persist(g, &rd);
		if (err)
			goto fail;
		rl_info_persist_queued(g);
		/*
		 * With nothing outstanding at the store (or no store), the
		 * batch is durable now; otherwise wait for the ticket.
		 */
		now = g->volatile_log ||
		      g->last_ticket <= atomic64_read(&g->durable_ticket);
		if (now) {
			rl_send_msgs(g, rd.msgs_after_persist,
				     rd.n_msgs_after_persist);
			last_index = rd.n_entries ?
				rd.entries[rd.n_entries - 1].index : 0;
			last_term = rd.n_entries ?
				rd.entries[rd.n_entries - 1].term : 0;
		} else if (rd.n_entries || rd.n_msgs_after_persist ||
			   rd.snapshot) {
			err = rl_io_queue(g, &rd);
			if (err)
				goto fail;
		}
		/* committed entries are already durable here */
		err = rl_publish(g, rd.committed, rd.n_committed);
		if (err)
			goto fail;
		rl_report(g, &rd);
		rl_barriers_check(g, 0);
		raft_advance(g->raft, &rd);
		if (now && snap_index)
			raft_snapshot_installed(g->raft, snap_index, snap_term);
		if (now && last_index)
			raft_persisted(g->raft, last_index, last_term);
		rl_io_complete(g);
		/* catching up, the core hands out batch after batch */
		cond_resched();
	}
	return;
fail:
	raft_advance(g->raft, &rd);
	rl_group_fail(g, err);
}

static void rl_refresh_status(struct rl_group *g)
{
	struct raft_status st;

	raft_status(g->raft, &st);
	rl_info_observe(g, &g->st, &st);
	spin_lock(&g->stream_lock);
	g->st = st;
	if (!g->volatile_log)
		g->first_index = st.first_index;
	spin_unlock(&g->stream_lock);
}

static void rl_group_step(struct rl_group *g, bool tick)
{
	int err;

	if (g->fail_err)
		return;
	spin_lock(&g->in_lock);
	err = g->store_err;
	spin_unlock(&g->in_lock);
	if (err) {
		rl_group_fail(g, err);
		return;
	}
	rl_io_complete(g);
	rl_info_durable(g);
	if (tick)
		raft_tick(g->raft);
	/* a full log refuses proposals (ENOSPC) rather than fail the group */
	if (g->store && g->raft)
		raft_set_room(g->raft, rl_storage_room(g->store),
			      RAFTLOG_BLOCK_SIZE);
	rl_handle_msgs(g);
	rl_handle_requests(g);
	rl_process_ready(g);
	rl_members_after_step(g);
	if (g->raft)
		rl_refresh_status(g);
}

static void rl_run_work(struct work_struct *w)
{
	struct rl_group *g = container_of(w, struct rl_group, run_work);

	rl_group_step(g, false);
}

static void rl_tick_work(struct work_struct *w)
{
	struct rl_group *g = container_of(to_delayed_work(w), struct rl_group,
					  tick_work);

	rl_group_step(g, true);
	rl_info_tick(g);
	spin_lock(&g->in_lock);
	if (!g->stopping && !g->fail_err)
		queue_delayed_work(g->wq, &g->tick_work,
				   msecs_to_jiffies(g->p.tick_ms));
	spin_unlock(&g->in_lock);
}

/* ------------------------------------------------------------------ */
/* Compaction                                                          */

struct rl_compact {
	struct work_struct work;
	struct rl_group *g;
	u64 index;
	int err;
	struct completion done;
};

/*
 * Snapshot the group at index (worker only): the core drops its log up
 * to there and keeps the blob for followers behind it; the store saves
 * the snapshot, then discards the entries it covers (in that order, so
 * a crash in between leaves the log whole).
 */
/* Compact the core at index with the blob of a snapshot there. */
static int rl_core_compact(struct rl_group *g, u64 index, u8 **blob,
			   u32 *len)
{
	struct raft_conf *cf;
	int err;

	cf = kmalloc(sizeof(*cf), GFP_KERNEL);
	if (!cf)
		return -ENOMEM;
	raft_conf_at_index(g->raft, index, cf);
	err = rl_snap_blob_build(g, index, cf, blob, len);
	kfree(cf);
	if (err)
		return err;
	err = raft_compact(g->raft, index, *blob, *len);
	if (err) {
		kfree(*blob);
		*blob = NULL;
	}
	return err;
}

/*
 * The core frees what it drops in one loop, about 140 us an entry on the
 * debug kernel: go there RL_CORE_STEP entries at a time, yielding in
 * between.  Every step leaves a whole snapshot (its own blob).
 */
static int rl_core_compact_steps(struct rl_group *g, u64 from, u64 index,
				 u8 **blob, u32 *len)
{
	int err;

	for (from += RL_CORE_STEP; from < index; from += RL_CORE_STEP) {
		err = rl_core_compact(g, from, blob, len);
		if (err)
			return err;
		kfree(*blob);
		*blob = NULL;
		cond_resched();
	}
	return rl_core_compact(g, index, blob, len);
}

static int rl_do_compact(struct rl_group *g, u64 index)
{
	struct raft_snapshot_meta meta;
	struct raft_status st;
	u8 conf[RL_CONF_MAX];
	u32 conf_len, len;
	u8 *blob = NULL;
	s64 t;
	int err;

	if (g->fail_err)
		return -EIO;
	raft_status(g->raft, &st);
	if (!index || index > st.applied)
		return -EINVAL;
	if (index <= st.snap_index)
		return -EALREADY;
	err = rl_core_compact_steps(g, st.snap_index, index, &blob, &len);
	if (err)
		goto out;
	rl_members_compact(g, index);
	rl_stream_cut(g, index, false);
	rl_refresh_status(g);
	if (g->volatile_log)
		goto out;
	raft_snapshot_meta(g->raft, &meta);
	conf_len = rl_conf_encode(&meta.conf, conf);
	t = rl_storage_save_snapshot(g->store, meta.index, meta.term, conf,
				     conf_len, blob, len);
	if (t >= 0) {
		g->last_ticket = t;
		t = rl_storage_compact(g->store, meta.index);
	}
	/* the log on the device is still whole: only report it */
	if (t < 0) {
		err = t;
		goto out;
	}
	g->last_ticket = t;
out:
	kfree(blob);
	return err;
}

static void rl_compact_work(struct work_struct *w)
{
	struct rl_compact *c = container_of(w, struct rl_compact, work);

	c->err = rl_do_compact(c->g, c->index);
	complete(&c->done);
}

int rl_group_compact(struct rl_group *g, u64 index)
{
	struct rl_compact c = { .g = g, .index = index };
	bool queued;
	int err;

	INIT_WORK_ONSTACK(&c.work, rl_compact_work);
	init_completion(&c.done);
	/* once stopping is set the queue is only drained, never fed */
	spin_lock(&g->in_lock);
	err = g->stopping ? -ENODEV : g->fail_err ? -EIO : 0;
	queued = !err && queue_work(g->wq, &c.work);
	spin_unlock(&g->in_lock);
	if (queued) {
		wait_for_completion(&c.done);
		err = c.err;
	}
	destroy_work_on_stack(&c.work);
	return err;
}

/* ------------------------------------------------------------------ */
/* Lifecycle                                                           */

static void rl_group_release(struct kref *ref)
{
	struct rl_group *g = container_of(ref, struct rl_group, ref);

	kvfree(g->ring);
	rl_members_free(g);
	kfree(g);
}

void rl_group_get(struct rl_group *g)
{
	kref_get(&g->ref);
}

void rl_group_put(struct rl_group *g)
{
	kref_put(&g->ref, rl_group_release);
}

u32 rl_group_id(const struct rl_group *g)
{
	return g->p.group_id;
}

u64 rl_group_node(const struct rl_group *g)
{
	return g->p.node_id;
}

struct net *rl_group_net(const struct rl_group *g)
{
	return g->net;
}

static bool rl_group_match(const struct rl_group *g, struct net *net, u32 id)
{
	return g->p.group_id == id && net_eq(g->net, net);
}

struct rl_group *rl_group_find(struct net *net, u32 id)
{
	struct rl_group *g;

	mutex_lock(&rl_groups_lock);
	list_for_each_entry(g, &rl_groups, reg_node) {
		if (rl_group_match(g, net, id)) {
			rl_group_get(g);
			mutex_unlock(&rl_groups_lock);
			return g;
		}
	}
	mutex_unlock(&rl_groups_lock);
	return NULL;
}

/* Fill the initial configuration of a fresh group: itself and its peers. */
static void rl_initial_conf(const struct rl_group_params *p,
			    struct raft_conf *conf)
{
	u32 i;

	memset(conf, 0, sizeof(*conf));
	conf->voters[conf->n_voters++] = p->node_id;
	for (i = 0; i < p->n_peers; i++)
		conf->voters[conf->n_voters++] = p->peers[i].id;
}

int rl_group_create(struct net *net, const struct rl_group_params *params,
		    struct rl_group **out)
{
	struct raft_config cfg = {};
	struct raft_boot boot = {};
	struct rl_group *g, *o;
	u32 cap;
	int err;

	o = rl_group_find(net, params->group_id);
	if (o) {
		rl_group_put(o);
		return -EEXIST;
	}
	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		return -ENOMEM;
	g->p = *params;
	g->net = net;
	err = rl_group_params_check(&g->p);
	if (err)
		goto out_free;
	kref_init(&g->ref);
	INIT_LIST_HEAD(&g->reg_node);
	INIT_LIST_HEAD(&g->inq);
	spin_lock_init(&g->in_lock);
	spin_lock_init(&g->stream_lock);
	init_waitqueue_head(&g->room_wq);
	init_waitqueue_head(&g->stream_wq);
	xa_init(&g->inflight);
	INIT_LIST_HEAD(&g->barriers);
	INIT_LIST_HEAD(&g->inmsgs);
	init_rwsem(&g->store_sem);
	INIT_LIST_HEAD(&g->io_list);
	atomic64_set(&g->durable_ticket, 0);
	INIT_WORK(&g->run_work, rl_run_work);
	INIT_DELAYED_WORK(&g->tick_work, rl_tick_work);
	g->next_id = 1;

	cap = roundup_pow_of_two(g->p.cache_entries);
	g->ring = kvcalloc(cap, sizeof(*g->ring), GFP_KERNEL);
	if (!g->ring) {
		err = -ENOMEM;
		goto out_free;
	}
	g->ring_mask = cap - 1;

	g->wq = alloc_ordered_workqueue("raftlog-g%u", WQ_MEM_RECLAIM,
					g->p.group_id);
	if (!g->wq) {
		err = -ENOMEM;
		goto out_free;
	}

	err = rl_store_open(g, &boot);
	if (err)
		goto out_wq;
	/* a joining node learns the configuration from the leader */
	if (!boot.snap.index && !boot.snap.conf.n_voters && !g->p.join)
		rl_initial_conf(&g->p, &boot.snap.conf);
	err = rl_members_boot(g, &boot);
	if (err) {
		rl_boot_free(&boot);
		goto out_store;
	}

	cfg.id = g->p.node_id;
	cfg.election_tick = g->p.election_ticks;
	cfg.heartbeat_tick = g->p.heartbeat_ticks;
	cfg.pre_vote = 1;
	cfg.check_quorum = 1;
	cfg.max_inflight_msgs = 64;
	cfg.rand = rl_rand;
	cfg.rand_cookie = g;
	g->raft = raft_create(&cfg, &boot, &err);
	rl_boot_free(&boot);
	if (!g->raft)
		goto out_store;

	/* readers start at the first index still in the log */
	g->applied = boot.snap.index;
	g->ring_first = boot.snap.index + 1;
	g->first_index = boot.snap.index + 1;
	raft_status(g->raft, &g->st);

	err = rl_tp_start(g);
	memzero_explicit(g->p.secret, sizeof(g->p.secret));
	if (err)
		goto out_raft;

	mutex_lock(&rl_groups_lock);
	list_for_each_entry(o, &rl_groups, reg_node) {
		if (rl_group_match(o, net, g->p.group_id)) {
			mutex_unlock(&rl_groups_lock);
			err = -EEXIST;
			goto out_tp;
		}
	}
	list_add_tail(&g->reg_node, &rl_groups);
	mutex_unlock(&rl_groups_lock);

	queue_delayed_work(g->wq, &g->tick_work,
			   msecs_to_jiffies(g->p.tick_ms));
	pr_info("group %u: node %llu started (%u voter(s), %s)\n",
		g->p.group_id, g->p.node_id, boot.snap.conf.n_voters,
		g->volatile_log ? "volatile log" : g->p.dev_path);
	rl_info_lifecycle(g, true);
	if (out) {
		rl_group_get(g);
		*out = g;
	}
	return 0;

out_tp:
	/* stopping: a message received meanwhile is dropped, not queued */
	spin_lock(&g->in_lock);
	g->stopping = true;
	spin_unlock(&g->in_lock);
	rl_tp_stop(g);
	flush_workqueue(g->wq);
out_raft:
	raft_destroy(g->raft);
out_store:
	rl_store_close(g);
out_wq:
	destroy_workqueue(g->wq);
out_free:
	kvfree(g->ring);
	rl_members_free(g);
	kfree_sensitive(g);
	return err;
}

/*
 * Free the core, its applied log first, RL_CORE_STEP entries at a time
 * (raft_destroy frees it in one loop: 14 s for 100,000 entries on the
 * debug kernel).  The worker is gone: nothing else uses the core.
 */
static void rl_core_destroy(struct rl_group *g)
{
	struct raft_status st;
	u64 i;

	if (g->raft) {
		raft_status(g->raft, &st);
		for (i = st.snap_index + RL_CORE_STEP; i < st.applied;
		     i += RL_CORE_STEP) {
			if (raft_compact(g->raft, i, NULL, 0))
				break;
			cond_resched();
		}
	}
	raft_destroy(g->raft);
	g->raft = NULL;
}

/* Stop the worker, fail what waits, release core and storage. */
static void rl_group_stop(struct rl_group *g)
{
	struct rl_req *rq, *tmp;
	unsigned long id;

	rl_info_lifecycle(g, false);
	spin_lock(&g->in_lock);
	g->stopping = true;
	spin_unlock(&g->in_lock);
	cancel_delayed_work_sync(&g->tick_work);
	/* runs what is queued (run_work re-checks nothing), then frees */
	destroy_workqueue(g->wq);
	g->wq = NULL;
	/* nothing sends any more; received messages are dropped */
	rl_tp_stop(g);

	list_for_each_entry_safe(rq, tmp, &g->inq, node) {
		list_del_init(&rq->node);
		rl_req_finish(g, rq, -ENODEV, 0, 0);
	}
	xa_for_each(&g->inflight, id, rq) {
		xa_erase(&g->inflight, id);
		rl_req_finish(g, rq, -ENODEV, 0, 0);
		cond_resched();
	}
	xa_destroy(&g->inflight);
	rl_barriers_check(g, -ENODEV);
	rl_core_destroy(g);
	rl_store_close(g);

	spin_lock(&g->stream_lock);
	g->dead = true;
	spin_unlock(&g->stream_lock);
	rl_ring_trim(g, U64_MAX);
	wake_up_interruptible_all(&g->room_wq);
	wake_up_interruptible_poll(&g->stream_wq, EPOLLHUP | EPOLLIN);
	pr_info("group %u: node %llu stopped (messages not sent %llu, received but dropped %llu)\n",
		g->p.group_id, g->p.node_id, g->msgs_dropped,
		g->msgs_in_dropped);
}

int rl_group_destroy(struct net *net, u32 id)
{
	struct rl_group *g, *found = NULL;

	mutex_lock(&rl_groups_lock);
	list_for_each_entry(g, &rl_groups, reg_node) {
		if (rl_group_match(g, net, id)) {
			found = g;
			list_del_init(&g->reg_node);
			break;
		}
	}
	mutex_unlock(&rl_groups_lock);
	if (!found)
		return -ENOENT;
	rl_group_stop(found);
	rl_group_put(found);
	return 0;
}

struct rl_group *rl_group_next(struct net *net, u32 after)
{
	struct rl_group *g, *best = NULL;

	mutex_lock(&rl_groups_lock);
	list_for_each_entry(g, &rl_groups, reg_node)
		if (net_eq(g->net, net) && g->p.group_id > after &&
		    (!best || g->p.group_id < best->p.group_id))
			best = g;
	if (best)
		rl_group_get(best);
	mutex_unlock(&rl_groups_lock);
	return best;
}

struct rl_group *rl_group_any(struct net *net)
{
	struct rl_group *g;

	mutex_lock(&rl_groups_lock);
	list_for_each_entry(g, &rl_groups, reg_node) {
		if (!net || net_eq(g->net, net)) {
			rl_group_get(g);
			mutex_unlock(&rl_groups_lock);
			return g;
		}
	}
	mutex_unlock(&rl_groups_lock);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Operations for the character device                                 */

void rl_group_status(struct rl_group *g, struct raftlog_status *out)
{
	memset(out, 0, sizeof(*out));
	out->group_id = g->p.group_id;
	out->node_id = g->p.node_id;
	out->max_entry = g->p.max_entry;
	out->max_pending = g->p.max_pending;
	spin_lock(&g->in_lock);
	out->pending = g->n_pending;
	if (g->fail_err)
		out->flags |= RAFTLOG_STATUS_F_FAILED;
	if (g->fail_err == -EIDRM)
		out->flags |= RAFTLOG_STATUS_F_REMOVED;
	spin_unlock(&g->in_lock);
	spin_lock(&g->stream_lock);
	out->term = g->st.term;
	out->vote = g->st.vote;
	out->leader = g->st.lead;
	/* the snapshot is refreshed after each step; applied may be newer */
	out->commit = max(g->st.commit, g->applied);
	out->applied = g->applied;
	out->first_index = g->first_index;
	out->last_index = max(g->st.last_index, out->commit);
	out->role = g->st.role;
	out->n_voters = g->st.conf.n_voters;
	out->n_learners = g->st.conf.n_learners;
	spin_unlock(&g->stream_lock);
}

/* Wait for a submitted request; returns its error or -EINTR. */
static int rl_req_wait(struct rl_req *rq)
{
	if (wait_for_completion_interruptible(&rq->done))
		return -EINTR;
	return rq->err;
}

int rl_group_propose(struct rl_group *g, const void __user *data, u32 len,
		     bool nonblock, u64 *index, u64 *term)
{
	struct rl_req *rq;
	int err;

	if (!len || len > g->p.max_entry)
		return -EMSGSIZE;
	rq = rl_req_alloc(RL_REQ_PROPOSE);
	if (!rq)
		return -ENOMEM;
	rq->len = len;
	rq->data = memdup_user(data, len);
	if (IS_ERR(rq->data)) {
		err = PTR_ERR(rq->data);
		rq->data = NULL;
		goto out;
	}
	err = rl_req_submit(g, rq, nonblock);
	if (err)
		goto out;
	err = rl_req_wait(rq);
	if (!err) {
		*index = rq->index;
		*term = rq->term;
	}
out:
	rl_req_put(rq);
	return err;
}

static bool rl_waited(struct rl_group *g, u64 index)
{
	return READ_ONCE(g->applied) >= index || READ_ONCE(g->dead) ||
	       READ_ONCE(g->fail_err);
}

struct rl_req *rl_group_propose_async(struct rl_group *g,
				      const void __user *data, u32 len,
				      bool nonblock)
{
	struct rl_req *rq;
	int err;

	if (!len || len > g->p.max_entry)
		return ERR_PTR(-EMSGSIZE);
	rq = rl_req_alloc(RL_REQ_PROPOSE);
	if (!rq)
		return ERR_PTR(-ENOMEM);
	rq->len = len;
	rq->data = memdup_user(data, len);
	if (IS_ERR(rq->data)) {
		err = PTR_ERR(rq->data);
		rq->data = NULL;
		goto out;
	}
	rq->async = true;
	err = rl_req_submit(g, rq, nonblock);
	if (!err)
		return rq;
out:
	rl_req_put(rq);
	return ERR_PTR(err == -ERESTARTSYS ? -EINTR : err);
}

struct rl_req *rl_group_barrier_async(struct rl_group *g, bool nonblock)
{
	struct rl_req *rq;
	int err;

	rq = rl_req_alloc(RL_REQ_BARRIER);
	if (!rq)
		return ERR_PTR(-ENOMEM);
	rq->async = true;
	err = rl_req_submit(g, rq, nonblock);
	if (!err)
		return rq;
	rl_req_put(rq);
	return ERR_PTR(err == -ERESTARTSYS ? -EINTR : err);
}

int rl_group_wait(struct rl_group *g, u64 index, u32 timeout_ms, u64 *applied)
{
	long ret;

	if (!index)
		return -EINVAL;
	if (timeout_ms) {
		ret = wait_event_interruptible_timeout(g->stream_wq,
						       rl_waited(g, index),
						       msecs_to_jiffies(timeout_ms));
		if (!ret)
			ret = -ETIMEDOUT;
	} else {
		ret = wait_event_interruptible(g->stream_wq,
					       rl_waited(g, index));
	}
	*applied = READ_ONCE(g->applied);
	if (*applied >= index)
		return 0;
	if (ret < 0)
		return ret == -ERESTARTSYS ? -EINTR : (int)ret;
	return READ_ONCE(g->dead) ? -ENODEV : -EIO;
}

int rl_group_barrier(struct rl_group *g, u64 *index)
{
	struct rl_req *rq;
	u64 applied;
	int err;

	rq = rl_req_alloc(RL_REQ_BARRIER);
	if (!rq)
		return -ENOMEM;
	err = rl_req_submit(g, rq, false);
	if (!err)
		err = rl_req_wait(rq);
	if (!err) {
		*index = rq->index;
		if (rq->index)
			err = rl_group_wait(g, rq->index, 0, &applied);
	}
	rl_req_put(rq);
	return err == -ERESTARTSYS ? -EINTR : err;
}

u64 rl_group_first_index(struct rl_group *g)
{
	u64 v;

	spin_lock(&g->stream_lock);
	v = g->first_index;
	spin_unlock(&g->stream_lock);
	return v;
}

u64 rl_group_applied(struct rl_group *g)
{
	return READ_ONCE(g->applied);
}

int rl_group_check_pos(struct rl_group *g, u64 index)
{
	int err = 0;

	spin_lock(&g->stream_lock);
	if (g->dead)
		err = -ENODEV;
	else if (!index)
		err = -EINVAL;
	else if (index < g->first_index)
		err = -ERANGE;
	else if (index > g->applied + 1)
		err = -ENXIO;
	spin_unlock(&g->stream_lock);
	return err;
}

wait_queue_head_t *rl_group_waitq(struct rl_group *g)
{
	return &g->stream_wq;
}

__poll_t rl_group_poll_mask(struct rl_group *g, u64 pos)
{
	__poll_t mask = 0;

	if (READ_ONCE(g->dead))
		return EPOLLHUP | EPOLLERR;
	if (READ_ONCE(g->applied) >= pos)
		mask |= EPOLLIN | EPOLLRDNORM;
	spin_lock(&g->in_lock);
	if (g->fail_err)
		mask |= EPOLLERR;
	else if (g->n_pending < g->p.max_pending)
		mask |= EPOLLOUT | EPOLLWRNORM;
	spin_unlock(&g->in_lock);
	return mask;
}
