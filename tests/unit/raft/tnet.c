// SPDX-License-Identifier: GPL-2.0
/*
 * The in-memory network of the Raft unit tests (see tnet.h).
 */
#include "tnet.h"

static u32 xrand(void *cookie)
{
	u64 *s = cookie;

	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (u32)(*s >> 16);
}

void tnet_default_config(struct raft_config *c, u64 id)
{
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->election_tick = 10;
	c->heartbeat_tick = 1;
	c->pre_vote = 1;
	c->check_quorum = 1;
	c->max_inflight_msgs = 16;
	c->max_size_per_msg = 1 << 16;
	c->max_entries_per_msg = 64;
	c->rand = xrand;
}

static int boot_node(struct tnet *t, u64 id, const struct raft_conf *conf,
		     void (*tweak)(struct raft_config *c))
{
	struct tnet_node *nd = &t->node[id];
	struct raft_config cfg;
	struct raft_boot *b;
	int err;

	b = rl_zalloc(sizeof(*b));
	if (!b)
		return -ENOMEM;
	tnet_default_config(&cfg, id);
	if (tweak)
		tweak(&cfg);
	nd->rand_state = 0x9e3779b97f4a7c15ULL * id + 1;
	cfg.rand_cookie = &nd->rand_state;
	b->snap.conf = *conf;
	nd->r = raft_create(&cfg, b, &err);
	rl_free(b);
	return nd->r ? 0 : err;
}

struct tnet *tnet_new_learners(u32 n, u32 learners,
			       void (*tweak)(struct raft_config *c))
{
	struct tnet *t = rl_zalloc(sizeof(*t));
	struct raft_conf *conf;
	u32 i;

	if (!t || n + learners > TNET_MAX) {
		rl_free(t);
		return NULL;
	}
	conf = rl_zalloc(sizeof(*conf));
	if (!conf) {
		rl_free(t);
		return NULL;
	}
	for (i = 0; i < n; i++)
		conf->voters[conf->n_voters++] = i + 1;
	for (i = 0; i < learners; i++)
		conf->learners[conf->n_learners++] = n + i + 1;
	t->n = n + learners;
	for (i = 1; i <= t->n; i++) {
		if (boot_node(t, i, conf, tweak)) {
			rl_free(conf);
			tnet_free(t);
			return NULL;
		}
	}
	rl_free(conf);
	return t;
}

struct tnet *tnet_new(u32 n, void (*tweak)(struct raft_config *c))
{
	return tnet_new_learners(n, 0, tweak);
}

int tnet_add_empty(struct tnet *t, u64 id,
		   void (*tweak)(struct raft_config *c))
{
	struct raft_conf *conf = rl_zalloc(sizeof(*conf));
	int err;

	if (!conf)
		return -ENOMEM;
	if (id > TNET_MAX || t->node[id].r) {
		rl_free(conf);
		return -EINVAL;
	}
	err = boot_node(t, id, conf, tweak);
	rl_free(conf);
	if (!err && id > t->n)
		t->n = id;
	return err;
}

static void free_held(struct tnet_node *nd)
{
	u32 i;

	for (i = 0; i < nd->n_held; i++)
		raft_msg_free(&nd->held[i]);
	rl_free(nd->held);
	nd->held = NULL;
	nd->n_held = 0;
	nd->cap_held = 0;
}

/* Drop the store's entries from index on. */
static void store_truncate(struct tnet_node *nd, u64 index)
{
	while (nd->n_store && nd->store_base + nd->n_store >= index)
		raft_entry_free(&nd->store[--nd->n_store]);
}

static void store_reset(struct tnet_node *nd, u64 base)
{
	store_truncate(nd, 0);
	nd->store_base = base;
}

/* The store keeps what the ready hands out to persist. */
static void store_append(struct tnet_node *nd, const struct raft_entry *e,
			 u64 n)
{
	u64 i;

	if (!n)
		return;
	store_truncate(nd, e[0].index);
	if (e[0].index != nd->store_base + nd->n_store + 1)
		return;
	for (i = 0; i < n; i++) {
		if (nd->n_store == nd->cap_store) {
			u64 cap = nd->cap_store ? 2 * nd->cap_store : 64;
			struct raft_entry *p;

			p = rl_realloc(nd->store, cap * sizeof(*p));
			if (!p)
				return;
			nd->store = p;
			nd->cap_store = cap;
		}
		if (raft_entry_copy(&nd->store[nd->n_store], &e[i]))
			return;
		nd->n_store++;
	}
}

int tnet_answer_fetch(struct tnet *t, u64 id, const struct raft_fetch *f)
{
	struct tnet_node *nd = &t->node[id];
	u64 n;

	if (f->lo <= nd->store_base || f->lo > nd->store_base + nd->n_store)
		return raft_fetched(nd->r, f, NULL, 0, -ENOENT);
	n = nd->store_base + nd->n_store - f->lo + 1;
	if (n > f->max_count)
		n = f->max_count;
	return raft_fetched(nd->r, f, &nd->store[f->lo - nd->store_base - 1],
			    n, 0);
}

void tnet_free(struct tnet *t)
{
	u32 i;

	if (!t)
		return;
	for (i = 0; i <= TNET_MAX; i++) {
		raft_destroy(t->node[i].r);
		free_held(&t->node[i]);
		store_reset(&t->node[i], 0);
		rl_free(t->node[i].store);
		rl_free(t->node[i].cur);
		rl_free(t->node[i].stg);
	}
	tnet_drop_queue(t);
	rl_free(t->q);
	rl_free(t);
}

static void enqueue(struct tnet *t, const struct raft_msg *m)
{
	struct raft_msg *q;

	if (m->to > TNET_MAX || m->from > TNET_MAX || t->cut[m->from][m->to])
		return;
	if (raft_vec_reserve((void **)&t->q, &t->capq, t->nq + 1,
			     sizeof(*t->q)))
		return;
	if (raft_msg_clone(&t->q[t->nq], m))
		return;
	q = &t->q[t->nq];
	/* a chunk of the sender's stored snapshot: filled in at send time */
	if (q->type == RAFT_MSG_SNAPSHOT && q->snap_len && !q->snap_data) {
		const struct tnet_node *nd = &t->node[m->from];

		if (!nd->cur || q->snap_offset + q->snap_len > nd->cur_len) {
			raft_msg_free(q);
			return;
		}
		q->snap_data = rl_malloc(q->snap_len);
		if (!q->snap_data) {
			raft_msg_free(q);
			return;
		}
		memcpy(q->snap_data, nd->cur + q->snap_offset, q->snap_len);
	}
	t->nq++;
}

/* Streaming: a chunk handed out goes to the node's staging. */
static void stage_chunk(struct tnet_node *nd, const struct raft_snapshot_chunk *c)
{
	u8 *p;

	nd->chunks++;
	if (c->len > nd->max_chunk)
		nd->max_chunk = c->len;
	if (c->offset == 0)
		nd->stg_len = 0;
	if (c->offset != nd->stg_len)
		return;
	p = rl_malloc(nd->stg_len + c->len + 1);
	if (!p)
		return;
	if (nd->stg_len)
		memcpy(p, nd->stg, nd->stg_len);
	memcpy(p + nd->stg_len, c->data, c->len);
	rl_free(nd->stg);
	nd->stg = p;
	nd->stg_len += c->len;
}

static void hold(struct tnet_node *nd, const struct raft_msg *m)
{
	if (raft_vec_reserve((void **)&nd->held, &nd->cap_held,
			     nd->n_held + 1, sizeof(*nd->held)))
		return;
	if (raft_msg_clone(&nd->held[nd->n_held], m))
		return;
	nd->n_held++;
}

/* Fetches are answered at once unless the test holds them. */
static void answer_fetches(struct tnet *t, u64 id)
{
	struct tnet_node *nd = &t->node[id];
	u32 i, n = nd->n_held_fetch;

	if (nd->fetch_hold)
		return;
	nd->n_held_fetch = 0;
	for (i = 0; i < n; i++)
		tnet_answer_fetch(t, id, &nd->held_fetch[i]);
}

void tnet_ready_node(struct tnet *t, u64 id)
{
	struct tnet_node *nd = &t->node[id];
	struct raft_ready rd;
	u64 i;

	if (!nd->r || !raft_has_ready(nd->r) || raft_ready(nd->r, &rd))
		return;
	if (rd.snap_chunk)
		stage_chunk(nd, rd.snap_chunk);
	if (rd.snapshot) {
		store_reset(nd, rd.snapshot->meta.index);
		nd->snapshots_installed++;
		nd->snap_len = rd.snapshot->len;
		if (!rd.snapshot->data && nd->stg_len == rd.snapshot->len) {
			/* streamed: what was staged becomes current */
			rl_free(nd->cur);
			nd->cur = nd->stg;
			nd->cur_len = nd->stg_len;
			nd->stg = NULL;
			nd->stg_len = 0;
		}
		nd->snap_first = !rd.snapshot->len ? 0 :
				 rd.snapshot->data ? rd.snapshot->data[0] :
				 nd->cur ? nd->cur[0] : 0;
		nd->last_applied = rd.snapshot->meta.index;
	}
	store_append(nd, rd.entries, rd.n_entries);
	for (i = 0; i < rd.n_msgs; i++)
		enqueue(t, &rd.msgs[i]);
	nd->fetches += rd.n_fetches;
	for (i = 0; i < rd.n_fetches && nd->n_held_fetch < TNET_RES; i++)
		nd->held_fetch[nd->n_held_fetch++] = rd.fetches[i];
	for (i = 0; i < rd.n_committed; i++) {
		const struct raft_entry *e = &rd.committed[i];

		if (nd->n_applied < TNET_LOG) {
			nd->applied_index[nd->n_applied] = e->index;
			nd->applied_term[nd->n_applied] = e->term;
			nd->n_applied++;
		}
		nd->last_applied = e->index;
	}
	for (i = 0; i < rd.n_reads && nd->n_reads < TNET_RES; i++)
		nd->reads[nd->n_reads++] = rd.reads[i];
	for (i = 0; i < rd.n_results && nd->n_results < TNET_RES; i++)
		nd->results[nd->n_results++] = rd.results[i];
	if (nd->manual) {
		for (i = 0; i < rd.n_msgs_after_persist; i++)
			hold(nd, &rd.msgs_after_persist[i]);
		if (rd.n_entries) {
			nd->hold_index = rd.entries[rd.n_entries - 1].index;
			nd->hold_term = rd.entries[rd.n_entries - 1].term;
		}
		if (rd.snapshot) {
			nd->hold_snap_index = rd.snapshot->meta.index;
			nd->hold_snap_term = rd.snapshot->meta.term;
		}
		raft_advance(nd->r, &rd);
		answer_fetches(t, id);
		return;
	}
	for (i = 0; i < rd.n_msgs_after_persist; i++)
		enqueue(t, &rd.msgs_after_persist[i]);
	{
		u64 pi = 0, pt = 0, si = 0, st = 0;

		if (rd.n_entries) {
			pi = rd.entries[rd.n_entries - 1].index;
			pt = rd.entries[rd.n_entries - 1].term;
		}
		if (rd.snapshot) {
			si = rd.snapshot->meta.index;
			st = rd.snapshot->meta.term;
		}
		raft_advance(nd->r, &rd);
		if (si)
			raft_snapshot_installed(nd->r, si, st);
		if (pi)
			raft_persisted(nd->r, pi, pt);
	}
	answer_fetches(t, id);
}

void tnet_manual(struct tnet *t, u64 id, int on)
{
	t->node[id].manual = !!on;
}

/* Everything handed out to node id so far is now durable. */
void tnet_persist(struct tnet *t, u64 id)
{
	struct tnet_node *nd = &t->node[id];
	u32 i;

	for (i = 0; i < nd->n_held; i++)
		enqueue(t, &nd->held[i]);
	free_held(nd);
	if (nd->hold_snap_index)
		raft_snapshot_installed(nd->r, nd->hold_snap_index,
					nd->hold_snap_term);
	if (nd->hold_index)
		raft_persisted(nd->r, nd->hold_index, nd->hold_term);
	nd->hold_index = 0;
	nd->hold_snap_index = 0;
}

int tnet_ready(struct tnet *t)
{
	u32 i;
	int n = 0;

	for (i = 1; i <= t->n; i++) {
		if (t->node[i].r && raft_has_ready(t->node[i].r)) {
			tnet_ready_node(t, i);
			n++;
		}
	}
	return n;
}

int tnet_deliver_one(struct tnet *t)
{
	struct raft_msg m;

	if (!t->nq)
		return 0;
	m = t->q[0];
	memmove(t->q, t->q + 1, (t->nq - 1) * sizeof(*t->q));
	t->nq--;
	if (m.to <= TNET_MAX && t->node[m.to].r && !t->cut[m.from][m.to]) {
		t->sent[m.type <= RAFT_MSG_TYPE_MAX ? m.type : 0]++;
		raft_step(t->node[m.to].r, &m);
	}
	raft_msg_free(&m);
	return 1;
}

/*
 * Deliver until nothing moves; a message storm (nodes answering each
 * other forever) is cut off after TNET_STORM deliveries, so the test
 * sees it and fails instead of hanging.
 */
#define TNET_STORM	100000

void tnet_settle(struct tnet *t)
{
	u32 rounds, n = 0;

	for (rounds = 0; rounds < 10000; rounds++) {
		int moved = tnet_ready(t);

		while (n < TNET_STORM && tnet_deliver_one(t)) {
			moved = 1;
			n++;
			tnet_ready(t);
		}
		if (n >= TNET_STORM) {
			t->storm = 1;
			tnet_drop_queue(t);
			return;
		}
		if (!moved)
			break;
	}
}

void tnet_tick(struct tnet *t, u64 id)
{
	if (t->node[id].r)
		raft_tick(t->node[id].r);
}

void tnet_tick_all(struct tnet *t, u32 ticks)
{
	u32 i, k;

	for (k = 0; k < ticks; k++) {
		for (i = 1; i <= t->n; i++)
			tnet_tick(t, i);
		tnet_settle(t);
	}
}

void tnet_campaign(struct tnet *t, u64 id)
{
	struct raft *r = t->node[id].r;
	u32 k;

	for (k = 0; k < 4 * r->cfg.election_tick; k++) {
		raft_tick(r);
		if (r->role != RAFT_FOLLOWER)
			break;
	}
	tnet_settle(t);
}

u64 tnet_leader(struct tnet *t)
{
	u32 i, j, votes;

	for (i = 1; i <= t->n; i++) {
		struct raft *r = t->node[i].r;

		if (!r || r->role != RAFT_LEADER)
			continue;
		votes = 0;
		for (j = 1; j <= t->n; j++)
			if (t->node[j].r && t->node[j].r->lead == i &&
			    t->node[j].r->term == r->term)
				votes++;
		if (votes >= raft_quorum(raft_cur_conf(r)->n_voters))
			return i;
	}
	return 0;
}

void tnet_isolate(struct tnet *t, u64 id)
{
	u32 i;

	for (i = 0; i <= TNET_MAX; i++) {
		t->cut[id][i] = 1;
		t->cut[i][id] = 1;
	}
}

void tnet_cut(struct tnet *t, u64 a, u64 b)
{
	t->cut[a][b] = 1;
	t->cut[b][a] = 1;
}

void tnet_heal(struct tnet *t)
{
	memset(t->cut, 0, sizeof(t->cut));
}

void tnet_drop_queue(struct tnet *t)
{
	u32 i;

	for (i = 0; i < t->nq; i++)
		raft_msg_free(&t->q[i]);
	t->nq = 0;
}

u32 tnet_count(struct tnet *t, u8 type, u64 from, u64 to)
{
	u32 i, n = 0;

	for (i = 0; i < t->nq; i++)
		if (t->q[i].type == type && (!from || t->q[i].from == from) &&
		    (!to || t->q[i].to == to))
			n++;
	return n;
}

struct raft_status *tnet_status(struct tnet *t, u64 id)
{
	raft_status(t->node[id].r, &t->st);
	return &t->st;
}

int tnet_propose(struct tnet *t, u64 id, const char *s, u64 pid)
{
	return raft_propose(t->node[id].r, s, (u32)strlen(s), pid);
}
