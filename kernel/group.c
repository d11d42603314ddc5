// SPDX-License-Identifier: GPL-2.0
/*
 * One Raft group's lifecycle: the registry of groups by (namespace, id),
 * references, create (allocate, boot the core from the store, start the
 * transport, register) and destroy (stop the worker, fail what waits,
 * release core, transport and store).  The run loop is group_run.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/list.h>
#include <linux/xarray.h>
#include <linux/workqueue.h>
#include <linux/random.h>
#include <linux/poll.h>
#include <linux/rwsem.h>
#include <linux/atomic.h>
#include <linux/mm.h>
#include <linux/log2.h>
#include <linux/sched.h>
#include <net/net_namespace.h>
#include "raft/raft.h"
#include "storage.h"
#include "group.h"
#include "group_int.h"

/* what the readers' cache may hold (group_stream.c), read at group start */
static ulong cache_mem = RL_CACHE_BYTES;
module_param(cache_mem, ulong, 0644);
MODULE_PARM_DESC(cache_mem,
		 "Bytes of committed entries each group keeps for its readers, read at group start (default 32 MiB; 0: none, readers read from the device)");

static LIST_HEAD(rl_groups);
static DEFINE_MUTEX(rl_groups_lock);

static u32 rl_rand(void *cookie)
{
	return get_random_u32();
}

static void rl_group_release(struct kref *ref)
{
	struct rl_group *g = container_of(ref, struct rl_group, ref);

	rl_appsnap_put(g->app);
	kfree(g->rx);
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

/* Free a group that never ran: no worker, core, store or transport. */
static void rl_group_free(struct rl_group *g)
{
	if (g->wq)
		destroy_workqueue(g->wq);
	rl_appsnap_put(g->app);
	kfree(g->rx);
	kvfree(g->ring);
	rl_members_free(g);
	kfree_sensitive(g);
}

/*
 * Allocate a group for params and what needs no device or peer yet.  A
 * group's own memory (this, its caches, the core's log, the storage
 * window, transport buffers) is bounded by its configuration and not
 * charged to a memory cgroup; what its users hold through their files
 * is (rl_req_alloc, rl_read_buf, rl_appsnap_alloc).
 */
static int rl_group_alloc(struct net *net, const struct rl_group_params *params,
			  struct rl_group **out)
{
	struct rl_group *g;
	u32 cap;
	int err;

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
	INIT_WORK(&g->fetch_work, rl_fetch_work);
	INIT_LIST_HEAD(&g->fetch_todo);
	INIT_LIST_HEAD(&g->fetch_done);
	INIT_DELAYED_WORK(&g->tick_work, rl_tick_work);
	g->next_id = 1;

	cap = roundup_pow_of_two(g->p.cache_entries);
	g->ring = kvcalloc(cap, sizeof(*g->ring), GFP_KERNEL);
	if (!g->ring) {
		err = -ENOMEM;
		goto out_free;
	}
	g->ring_mask = cap - 1;
	g->cache_mem = READ_ONCE(cache_mem);

	g->wq = alloc_ordered_workqueue("raftlog-g%u", WQ_MEM_RECLAIM,
					g->p.group_id);
	if (!g->wq) {
		err = -ENOMEM;
		goto out_free;
	}
	*out = g;
	return 0;

out_free:
	rl_group_free(g);
	return err;
}

/*
 * Open the store and boot the core from what it recovered; *voters: the
 * size of the configuration it starts with.
 */
static int rl_group_boot(struct rl_group *g, u32 *voters)
{
	struct raft_config cfg = {};
	struct raft_boot boot = {};
	int err;

	err = rl_store_open(g, &boot);
	if (err)
		return err;
	/* a joining node learns the configuration from the leader */
	if (!boot.snap.index && !boot.snap.conf.n_voters && !g->p.join)
		rl_initial_conf(&g->p, &boot.snap.conf);
	err = rl_members_boot(g, &boot);
	if (err) {
		rl_store_boot_free(&boot);
		goto out_store;
	}
	/* the device's snapshot was checked as a received one: none is */
	if (g->rx)
		g->rx->index = 0;

	cfg.id = g->p.node_id;
	cfg.election_tick = g->p.election_ticks;
	cfg.heartbeat_tick = g->p.heartbeat_ticks;
	cfg.pre_vote = 1;
	cfg.check_quorum = 1;
	cfg.quiesce = READ_ONCE(rl_quiesce);
	cfg.max_inflight_msgs = 64;
	/* without a device, the core's memory is the only copy */
	cfg.max_log_mem = g->store ? g->p.log_mem : 0;
	/* nobody is handed an entry its device cannot hold in a record */
	if (g->store) {
		cfg.max_entry_size = rl_storage_max_entry(g->store);
		g->p.max_entry = min(g->p.max_entry, cfg.max_entry_size);
	}
	cfg.rand = rl_rand;
	cfg.rand_cookie = g;
	/* the device keeps the snapshot's bytes, the core its length */
	cfg.snap_stream = !!g->store;
	if (g->store) {
		kvfree(boot.snap_data);
		boot.snap_data = NULL;
	}
	g->raft = raft_create(&cfg, &boot, &err);
	rl_store_boot_free(&boot);
	if (!g->raft)
		goto out_store;

	/*
	 * Readers start at the first index still in the log; what a bounded
	 * boot left on the device counts as applied (read from there).
	 */
	g->applied = max(boot.snap.index, boot.applied);
	g->ring_first = g->applied + 1;
	g->first_index = boot.snap.index + 1;
	raft_status(g->raft, &g->st);
	*voters = boot.snap.conf.n_voters;
	return 0;

out_store:
	rl_store_close(g);
	return err;
}

/* Add g to the registry: -EEXIST when its namespace has its id already. */
static int rl_group_register(struct rl_group *g)
{
	struct rl_group *o;

	mutex_lock(&rl_groups_lock);
	list_for_each_entry(o, &rl_groups, reg_node) {
		if (rl_group_match(o, g->net, g->p.group_id)) {
			mutex_unlock(&rl_groups_lock);
			return -EEXIST;
		}
	}
	list_add_tail(&g->reg_node, &rl_groups);
	mutex_unlock(&rl_groups_lock);
	return 0;
}

int rl_group_create(struct net *net, const struct rl_group_params *params,
		    struct rl_group **out)
{
	struct rl_group *g, *o;
	u32 voters = 0;
	int err;

	o = rl_group_find(net, params->group_id);
	if (o) {
		rl_group_put(o);
		return -EEXIST;
	}
	err = rl_group_alloc(net, params, &g);
	if (err)
		return err;
	err = rl_group_boot(g, &voters);
	if (err)
		goto out_free;
	err = rl_msgs_start(g);
	memzero_explicit(g->p.secret, sizeof(g->p.secret));
	if (err)
		goto out_raft;
	err = rl_group_register(g);
	if (err)
		goto out_tp;

	queue_delayed_work(g->wq, &g->tick_work,
			   msecs_to_jiffies(g->p.tick_ms));
	pr_info("group %u: node %llu started (%u voter(s), %s)\n",
		g->p.group_id, g->p.node_id, voters,
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
	rl_msgs_stop(g);
	flush_workqueue(g->wq);
	rl_fetch_stop(g);
out_raft:
	raft_destroy(g->raft);
	rl_store_close(g);
out_free:
	rl_group_free(g);
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
	/* reads back in progress end; their answers are dropped */
	rl_fetch_stop(g);
	/* nothing sends any more; received messages are dropped */
	rl_msgs_stop(g);

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
	rl_stream_trim(g, U64_MAX);
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
