// SPDX-License-Identifier: GPL-2.0
/*
 * A group's parameters: the create spec parsed and checked, defaults
 * filled in, and the tunables that are safe to change while it runs (the
 * largest entry a proposal may carry and the capacity of the proposal
 * queue: both are only read when a request is submitted, so a new value
 * applies to the next request; what is queued already stays queued; and
 * retention, read by the worker at each tick).
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/poll.h>
#include "group.h"
#include "group_int.h"

/* Retention out of range (0: not given, as rl_group_tune takes it). */
static bool rl_retention_bad(u64 retain, u32 compact_at)
{
	return retain > RL_MAX_RETAIN ||
	       (compact_at && (compact_at < RL_MIN_COMPACT_AT ||
			       compact_at > RL_COMPACT_NEVER));
}

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
	if (!p->log_mem)
		p->log_mem = RL_DEF_LOG_MEM;
	if (p->log_mem < RL_MIN_LOG_MEM || p->log_mem > RL_MAX_LOG_MEM)
		return -EINVAL;
	if (!p->retain)
		p->retain = RL_DEF_RETAIN;
	if (!p->compact_at)
		p->compact_at = RL_DEF_COMPACT_AT;
	if (rl_retention_bad(p->retain, p->compact_at))
		return -EINVAL;
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
		} else if (!strcmp(tok, "log_mem")) {
			err = rl_parse_u64(val, &p->log_mem);
		} else if (!strcmp(tok, "retain")) {
			err = rl_parse_u64(val, &p->retain);
		} else if (!strcmp(tok, "compact_at")) {
			err = rl_parse_u32(val, &p->compact_at);
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

int rl_group_tune(struct rl_group *g, u32 max_entry, u32 max_pending,
		  u64 retain, u32 compact_at)
{
	int err = 0;

	if (rl_retention_bad(retain, compact_at))
		return -EINVAL;
	spin_lock(&g->in_lock);
	if (g->stopping) {
		err = -ENODEV;
	} else {
		if (max_entry)
			WRITE_ONCE(g->p.max_entry, max_entry);
		if (max_pending)
			WRITE_ONCE(g->p.max_pending, max_pending);
		/* read by the worker at its next tick */
		if (retain)
			WRITE_ONCE(g->p.retain, retain);
		if (compact_at)
			WRITE_ONCE(g->p.compact_at, compact_at);
	}
	spin_unlock(&g->in_lock);
	/* a larger queue has room for those waiting */
	if (!err && max_pending) {
		wake_up_interruptible(&g->room_wq);
		wake_up_interruptible_poll(&g->stream_wq, EPOLLOUT);
	}
	return err;
}
