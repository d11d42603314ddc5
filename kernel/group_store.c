// SPDX-License-Identifier: GPL-2.0
/*
 * The store glue: open the group's device and recover the core's boot
 * state from it (hard state, snapshot, log), queue what each ready batch
 * asks to persist, and close.  The store works asynchronously: each
 * operation returns a ticket, the store's callbacks report the durable
 * ticket (or failure) and kick the worker, which completes the batches
 * waiting for it (struct rl_io, group_run.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/overflow.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/list.h>
#include <linux/workqueue.h>
#include <linux/rwsem.h>
#include <linux/atomic.h>
#include <linux/raftlog.h>
#include "raft/raft.h"
#include "storage.h"
#include "group.h"
#include "group_int.h"

/* Queue the group's worker (any context but hard irq). */
static void rl_store_kick(struct rl_group *g)
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
	rl_store_kick(g);
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

void rl_store_boot_free(struct raft_boot *boot)
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
	ents = (struct raft_entry *)boot->confs;
	for (i = 0; ents && i < boot->n_confs; i++)
		kfree(ents[i].data);
	kfree(ents);
	boot->confs = NULL;
	boot->n_confs = 0;
	kfree(boot->terms);
	boot->terms = NULL;
	boot->n_terms = 0;
	kvfree(boot->snap_data);
	boot->snap_data = NULL;
	boot->snap_len = 0;
}

u8 rl_store_type_from_disk(u8 t)
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

/*
 * The boot of a log longer than memory: the committed entries before
 * tail stay on the device (the core reads them back through fetches when
 * a peer needs them; readers read them from the device); the core is
 * given their terms as runs and their configuration changes whole.
 */
struct rl_store_boot {
	struct raft_boot *boot;
	struct raft_entry *ents;	/* boot->entries, writable */
	u64 tail;			/* index of ents[0] */
	u64 next;			/* index of the next entry read */
	struct raft_term_run *terms;	/* boot->terms, writable */
	u32 max_terms;
	struct raft_entry *confs;	/* boot->confs, writable */
	u32 max_confs;
};

/* Copy an entry read back into the core's form (its data duplicated). */
static int rl_store_entry_copy(struct raft_entry *d, const struct rl_entry *e)
{
	memset(d, 0, sizeof(*d));
	d->index = e->index;
	d->term = e->term;
	d->type = rl_store_type_from_disk(e->type);
	d->len = e->len;
	if (e->len) {
		d->data = kmemdup(e->data, e->len, GFP_KERNEL);
		if (!d->data)
			return -ENOMEM;
	}
	return 0;
}

/* Grow *arr (of *max elements of size) to hold one more than n. */
static int rl_store_grow(void **arr, u32 *max, u32 n, size_t size)
{
	u32 want = *max ? 2 * *max : 16;
	void *p;

	if (n < *max)
		return 0;
	if (want <= *max)
		return -EOVERFLOW;
	p = krealloc_array(*arr, want, size, GFP_KERNEL | __GFP_NOWARN);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*max = want;
	return 0;
}

/*
 * Entries before the tail (rl_storage_walk: n of term e->term, or one
 * configuration change): extend their term's run, keep a conf change.
 */
static int rl_store_load_gap(void *ctx, const struct rl_entry *e, u64 n)
{
	struct rl_store_boot *ld = ctx;
	struct raft_boot *b = ld->boot;
	int err;

	if (e->index != ld->next)
		return -EIO;
	ld->next += n;
	if (!b->n_terms || ld->terms[b->n_terms - 1].term != e->term) {
		err = rl_store_grow((void **)&ld->terms, &ld->max_terms,
				    b->n_terms, sizeof(*ld->terms));
		if (err)
			return err;
		b->terms = ld->terms;
		ld->terms[b->n_terms].index = e->index;
		ld->terms[b->n_terms].term = e->term;
		b->n_terms++;
	}
	if (e->type != RAFTLOG_ENTRY_CONF)
		return 0;
	err = rl_store_grow((void **)&ld->confs, &ld->max_confs, b->n_confs,
			    sizeof(*ld->confs));
	if (err)
		return err;
	b->confs = ld->confs;
	err = rl_store_entry_copy(&ld->confs[b->n_confs], e);
	if (!err)
		b->n_confs++;
	return err;
}

/* One entry of the tail read back: copy it. */
static int rl_store_load_one(void *ctx, const struct rl_entry *e)
{
	struct rl_store_boot *ld = ctx;
	int err;

	if (e->index != ld->next)
		return -EIO;
	ld->next++;
	err = rl_store_entry_copy(&ld->ents[ld->boot->n_entries], e);
	if (!err)
		ld->boot->n_entries++;
	return err;
}

/*
 * Read the durable log back: only the entries after the durable commit
 * (at least the last one) are kept whole, so a restart's memory does not
 * grow with the log.  The committed ones count as applied (readers read
 * them from the device); of those only the records that hold a
 * configuration change or a change of term are read again.
 */
static int rl_store_load(struct rl_group *g, const struct rl_storage_info *in,
			 struct raft_boot *boot)
{
	/* a compaction not yet carried out leaves entries the snapshot covers */
	struct rl_store_boot ld = { .boot = boot };
	u64 first, index, n, applied;
	int got;

	first = max(in->first_index, boot->snap.index + 1);
	if (in->last_index < first)
		return 0;
	applied = max(min(boot->hs.commit, in->last_index), first - 1);
	ld.tail = max(first, min(applied + 1, in->last_index));
	ld.next = first;
	n = in->last_index - ld.tail + 1;
	ld.ents = kvcalloc(n, sizeof(*ld.ents), GFP_KERNEL);
	if (!ld.ents)
		return -ENOMEM;
	boot->entries = ld.ents;
	if (ld.tail > first) {
		got = rl_storage_walk(g->store, first, ld.tail - 1,
				      rl_store_load_gap, &ld);
		if (got) {
			pr_err("group %u: cannot read the log back: %d\n",
			       g->p.group_id, got);
			return got;
		}
		boot->applied = applied;
	}
	for (index = ld.tail; index <= in->last_index; index += got) {
		/*
		 * Thousands of reads: a RAM disk completes them inline, so
		 * without this the loop never sleeps (soft lockup).
		 */
		cond_resched();
		got = rl_storage_entries(g->store, index,
					 min_t(u64, in->last_index - index + 1,
					       U32_MAX),
					 rl_store_load_one, &ld);
		if (got <= 0) {
			pr_err("group %u: cannot read entry %llu back: %d\n",
			       g->p.group_id, index, got);
			return got ? got : -EIO;
		}
	}
	return 0;
}

u32 rl_store_conf_encode(const struct raft_conf *c, u8 *buf)
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

static int rl_store_conf_decode(const u8 *buf, u32 len, struct raft_conf *c)
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

/*
 * The device's snapshot, a chunk at a time (never whole): its
 * configuration, the blob's first bytes and the checksum of the
 * application's state into g->rx, checked as a received one is
 * (rl_snap_rx_check); rl_members_boot takes its book from there, the
 * application's state stays on the device.  0 or -errno.
 */
static int rl_store_snap_stream(struct rl_group *g, struct raft_boot *boot)
{
	u64 index, term, len, aoff, alen, off, n;
	struct rl_snap_rx *rx;
	u8 conf[RL_CONF_MAX];
	const u8 *addrs;
	u8 *buf = NULL;
	u32 addrs_len;
	int err;

	rl_storage_snap_cur(g->store, &index, &term, &len);
	err = rl_storage_snap_conf(g->store, conf, sizeof(conf));
	if (err >= 0)
		err = rl_store_conf_decode(conf, err, &boot->snap.conf);
	if (err)
		goto out;
	rx = kzalloc(sizeof(*rx), GFP_KERNEL);
	if (!rx) {
		err = -ENOMEM;
		goto out;
	}
	kfree(g->rx);
	g->rx = rx;
	err = rl_storage_snap_read(g->store, index, 0, rx->pfx,
				   min_t(u64, len, sizeof(rx->pfx)));
	aoff = err ? 0 : rl_snapblob_app_off(rx->pfx, min_t(u64, len,
							    sizeof(rx->pfx)));
	if (aoff && aoff < len) {
		buf = kvmalloc(min_t(u64, len - aoff, SZ_1M),
			       GFP_KERNEL | __GFP_NOWARN);
		if (!buf)
			err = -ENOMEM;
	}
	for (off = aoff; !err && aoff && off < len; off += n) {
		n = min_t(u64, len - off, SZ_1M);
		err = rl_storage_snap_read(g->store, index, off, buf, n);
		if (!err)
			rx->app_crc = rl_crc32c(rx->app_crc, buf, n);
		cond_resched();
	}
	kvfree(buf);
	if (err)
		goto out;
	rx->index = index;
	rx->term = term;
	rx->len = len;
	/* the blob must describe the snapshot it came with */
	err = rl_snap_rx_check(g, index, term, len, &addrs, &addrs_len, &aoff,
			       &alen);
	/* the application's snapshot in it is what its readers get first */
	if (!err && aoff)
		err = rl_appsnap_on_device(g, index, term, aoff, alen,
					   rx->app_crc, 0);
	else if (!err)
		rl_appsnap_set(g, NULL);
out:
	if (err) {
		pr_err("group %u: cannot load the snapshot of %s: %d\n",
		       g->p.group_id, g->p.dev_path, err);
		return err;
	}
	boot->snap.index = index;
	boot->snap.term = term;
	boot->snap_len = len;
	return 0;
}

/*
 * The record index's memory per group: a slot (56 bytes) per live record
 * on the ring, so a large device costs no more than this (a full index
 * is backpressure, and retention compacts by it as by the ring).
 */
static ulong index_mem = RL_STORAGE_INDEX_DEF;
module_param(index_mem, ulong, 0644);
MODULE_PARM_DESC(index_mem,
		 "Bytes of record index per group, read at group start (default 16 MiB: about 300,000 records)");

/* the storage's window of recent entries it reads back from memory */
static ulong window_mem = RL_STORAGE_WINDOW_DEF;
module_param(window_mem, ulong, 0644);
MODULE_PARM_DESC(window_mem,
		 "Bytes of recent entries each group's storage keeps to read back, read at group start (default 4 MiB)");

/*
 * Open the group's device and recover its state into boot.  Without a
 * device the group runs on a volatile log: the core keeps its entries in
 * memory and nothing survives the group (tests of the driver only).
 */
int rl_store_open(struct rl_group *g, struct raft_boot *boot)
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
	cfg.index_bytes = READ_ONCE(index_mem);
	cfg.cache_bytes = max_t(ulong, READ_ONCE(window_mem), 1);
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
		err = rl_store_snap_stream(g, boot);
		if (err)
			goto out_close;
	}
	boot->hs.term = in.hs.term;
	boot->hs.vote = in.hs.vote;
	boot->hs.commit = in.hs.commit;
	g->hs_term = in.hs.term;
	g->hs_vote = in.hs.vote;
	err = rl_store_load(g, &in, boot);
	if (err)
		goto out_close;
	g->log_last = in.last_index;
	return 0;

out_close:
	rl_store_boot_free(boot);
	rl_storage_close(g->store);
	g->store = NULL;
	kfree(g->ents);
	g->ents = NULL;
	return err;
}

enum { RL_STORE_TRUNCATE, RL_STORE_APPEND, RL_STORE_HS, RL_STORE_COMMIT };

/*
 * One operation queued on the store: truncate after @arg, append
 * g->ents[0..@arg), or store *@hs.  The store takes nothing when it
 * answers -ENOMEM, so a shortage of memory is waited out here.
 */
static s64 rl_store_queue(struct rl_group *g, int op, u64 arg,
			  const struct rl_hard_state *hs)
{
	unsigned int tries = 0;
	s64 t;

	do {
		if (rl_nomem_injected(g, RL_NOMEM_APPEND))
			t = -ENOMEM;
		else if (op == RL_STORE_TRUNCATE)
			t = rl_storage_truncate(g->store, arg);
		else if (op == RL_STORE_APPEND)
			t = rl_storage_append(g->store, g->ents, arg);
		else if (op == RL_STORE_COMMIT)
			t = rl_storage_set_commit(g->store, arg);
		else
			t = rl_storage_set_hard_state(g->store, hs);
	} while (t == -ENOMEM && rl_nomem_wait(g, &tries));
	if (t >= 0)
		g->last_ticket = t;
	return t;
}

/*
 * Queue what rd asks to persist: truncate a conflicting suffix, append
 * the entries, store the hard state.  The store carries them out in order.
 */
int rl_store_persist(struct rl_group *g, const struct raft_ready *rd)
{
	u64 i, done = 0;
	s64 t;

	if (g->volatile_log)
		return 0;
	if (rd->n_entries && rd->entries[0].index <= g->log_last) {
		t = rl_store_queue(g, RL_STORE_TRUNCATE,
				   rd->entries[0].index - 1, NULL);
		if (t < 0)
			return t;
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
		t = rl_store_queue(g, RL_STORE_APPEND, n, NULL);
		if (t < 0)
			return t;
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

		/* a term or vote must be durable before anyone hears of it */
		if (hs.term == g->hs_term && hs.vote == g->hs_vote)
			t = rl_store_queue(g, RL_STORE_COMMIT, hs.commit, NULL);
		else
			t = rl_store_queue(g, RL_STORE_HS, 0, &hs);
		if (t < 0)
			return t;
		g->hs_term = hs.term;
		g->hs_vote = hs.vote;
	}
	return 0;
}

/* A zeroed allocation of the bookkeeping of a write, waiting out a
 * shortage of memory; NULL when it lasts.
 */
static void *rl_store_io_alloc(struct rl_group *g, size_t n, size_t size)
{
	if (check_mul_overflow(n, size, &size))
		return NULL;
	return rl_nomem_alloc(g, RL_NOMEM_IO, size, __GFP_ZERO, false);
}

/* Remember what to do once the operations queued so far are durable. */
int rl_store_io_queue(struct rl_group *g, const struct raft_ready *rd)
{
	struct rl_io *io;
	u32 i, n = 0;

	io = rl_store_io_alloc(g, 1, sizeof(*io));
	if (!io)
		return -ENOMEM;
	io->ticket = g->last_ticket;
	io->t0 = ktime_get_ns();
	if (rd->n_entries) {
		io->last_index = rd->entries[rd->n_entries - 1].index;
		io->last_term = rd->entries[rd->n_entries - 1].term;
	}
	if (rd->snapshot) {
		io->snap_index = rd->snapshot->meta.index;
		io->snap_term = rd->snapshot->meta.term;
	}
	if (rd->n_msgs_after_persist) {
		io->msgs = rl_store_io_alloc(g, rd->n_msgs_after_persist,
					     sizeof(*io->msgs));
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

void rl_store_io_free(struct rl_io *io)
{
	u32 i;

	for (i = 0; i < io->n_msgs; i++)
		raft_msg_free(&io->msgs[i]);
	kfree(io->msgs);
	kfree(io);
}

void rl_store_close(struct rl_group *g)
{
	struct rl_io *io, *tmp;

	list_for_each_entry_safe(io, tmp, &g->io_list, node) {
		list_del(&io->node);
		rl_store_io_free(io);
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

/*
 * At each tick (worker): whether the store is stalled, that is, it had
 * work outstanding and completed none of it for RL_STALL_ETOS election
 * timeouts (at least RL_STALL_MIN_MS).  A slow disk still completes
 * something and never counts; a hung one (a write or flush that never
 * returns) does, again after each such period while it lasts.
 */
bool rl_store_stalled(struct rl_group *g)
{
	u64 d = atomic64_read(&g->durable_ticket), now = ktime_get_ns();
	u64 eto_ms = (u64)g->p.tick_ms * g->p.election_ticks;
	u64 limit = max_t(u64, RL_STALL_ETOS * eto_ms, RL_STALL_MIN_MS);

	if (!g->store || d >= g->last_ticket || d != g->stall_seen) {
		g->stall_seen = d;
		g->stall_since = now;
		return false;
	}
	if (now - g->stall_since < limit * NSEC_PER_MSEC)
		return false;
	g->stall_since = now;
	return true;
}
