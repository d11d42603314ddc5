// SPDX-License-Identifier: GPL-2.0
/*
 * A log bounded by memory: the core keeps a window of entries (at most
 * max_log_mem bytes of durable, applied ones), knows every entry's term
 * without holding it, asks its caller to read older entries back (fetches)
 * for a slow follower, survives fetches that are lost, late or wrong, and
 * boots from its terms and a tail of entries.
 */
#include "thelp.h"

#define WINDOW	2048

static void small_window(struct raft_config *c)
{
	c->max_log_mem = WINDOW;
	c->max_entries_per_msg = 8;
}

/* A leader (1) with follower 3 cut off while 200 entries commit. */
static struct tnet *with_lagging_follower(RL_T *rl_t)
{
	struct tnet *t = tnet_new(3, small_window);
	u32 i;

	if (!t)
		return NULL;
	tnet_campaign(t, 1);
	tnet_tick_all(t, 1);
	tnet_isolate(t, 3);
	for (i = 0; i < 200; i++) {
		tnet_propose(t, 1, "a payload of some bytes", 100 + i);
		tnet_settle(t);
	}
	tnet_tick_all(t, 1);
	return t;
}

RL_TEST(leader_memory_stays_within_the_window)
{
	struct tnet *t = with_lagging_follower(rl_t);
	struct raft_status *st;

	RL_ASSERT(t);
	st = tnet_status(t, 1);
	RL_EXPECT_EQ(st->commit, 201);
	RL_EXPECT_EQ(st->applied, 201);
	RL_EXPECT(st->mem_bytes <= WINDOW);
	RL_EXPECT(st->mem_first > 100);
	/* the terms of entries out of memory are still known */
	RL_EXPECT_EQ(st->first_index, 1);
	TH_EQ(raft_term_at(t->node[1].r, 5), 1);
	TH_EQ(raft_term_at(t->node[1].r, 201), 1);
	/* node 2 keeps up and holds a window of its own */
	RL_EXPECT(tnet_status(t, 2)->mem_bytes <= WINDOW);
	RL_EXPECT_EQ(t->node[1].fetches, 0);
	tnet_free(t);
}

RL_TEST(slow_follower_is_caught_up_from_the_store)
{
	struct tnet *t = with_lagging_follower(rl_t);

	RL_ASSERT(t);
	tnet_heal(t);
	tnet_tick_all(t, 10);
	RL_EXPECT_EQ(tnet_status(t, 3)->commit, 201);
	RL_EXPECT_EQ(t->node[3].last_applied, 201);
	RL_EXPECT_EQ(t->node[3].n_applied, 201);
	RL_EXPECT_EQ(t->node[3].applied_index[150], 151);
	/* 8 entries per APPEND, most of them read back */
	RL_EXPECT(t->node[1].fetches >= 12);
	RL_EXPECT(tnet_status(t, 1)->mem_bytes <= WINDOW);
	RL_EXPECT_EQ(tnet_status(t, 1)->fetches, 0);
	tnet_free(t);
}

RL_TEST(unanswered_fetch_is_asked_again)
{
	struct tnet *t = with_lagging_follower(rl_t);
	u32 asked;

	RL_ASSERT(t);
	t->node[1].fetch_hold = 1;
	tnet_heal(t);
	tnet_tick_all(t, 3);
	asked = t->node[1].fetches;
	RL_EXPECT(asked >= 1);
	/* one at a time per peer, however often the peer is behind */
	RL_EXPECT_EQ(tnet_status(t, 1)->fetches, 1);
	/* the caller lost it: after two election timeouts it is asked again */
	t->node[1].n_held_fetch = 0;
	tnet_tick_all(t, 25);
	RL_EXPECT(t->node[1].fetches > asked);
	t->node[1].fetch_hold = 0;
	tnet_tick_all(t, 10);
	RL_EXPECT_EQ(tnet_status(t, 3)->commit, 201);
	RL_EXPECT_EQ(t->node[3].n_applied, 201);
	tnet_free(t);
}

RL_TEST(wrong_or_failed_fetch_answers_send_nothing)
{
	struct tnet *t = with_lagging_follower(rl_t);
	struct raft_fetch f;
	struct raft_entry bad;
	u32 sent;

	RL_ASSERT(t);
	t->node[1].fetch_hold = 1;
	tnet_heal(t);
	tnet_tick_all(t, 3);
	RL_ASSERT_EQ(t->node[1].n_held_fetch, 1);
	f = t->node[1].held_fetch[0];
	t->node[1].n_held_fetch = 0;
	RL_EXPECT_EQ(f.peer, 3);
	RL_EXPECT(f.hi < tnet_status(t, 1)->mem_first);
	/* an entry of the wrong term is refused */
	memset(&bad, 0, sizeof(bad));
	bad.index = f.lo;
	bad.term = 7;
	sent = tnet_count(t, RAFT_MSG_APPEND, 1, 3);
	TH_EQ(raft_fetched(t->node[1].r, &f, &bad, 1, 0), -EINVAL);
	tnet_ready(t);
	RL_EXPECT_EQ(tnet_count(t, RAFT_MSG_APPEND, 1, 3), sent);
	/* a read error: nothing sent, asked again later */
	f.lo = 0;
	TH_EQ(raft_fetched(t->node[1].r, &f, NULL, 0, -EIO), 0);
	t->node[1].fetch_hold = 0;
	tnet_tick_all(t, 30);
	RL_EXPECT_EQ(tnet_status(t, 3)->commit, 201);
	RL_EXPECT_EQ(t->node[3].n_applied, 201);
	tnet_free(t);
}

RL_TEST(unpersisted_and_unapplied_entries_never_leave_memory)
{
	struct tnet *t = tnet_new(1, small_window);
	u32 i;

	RL_ASSERT(t);
	tnet_campaign(t, 1);
	tnet_manual(t, 1, 1);
	for (i = 0; i < 100; i++)
		tnet_propose(t, 1, "a payload of some bytes", i);
	tnet_settle(t);
	/* only the no-op is durable: the 100 entries stay, over the bound */
	RL_EXPECT_EQ(tnet_status(t, 1)->mem_first, 2);
	RL_EXPECT(tnet_status(t, 1)->mem_bytes > WINDOW);
	tnet_persist(t, 1);
	tnet_settle(t);
	RL_EXPECT_EQ(t->node[1].last_applied, 101);
	RL_EXPECT(tnet_status(t, 1)->mem_bytes <= WINDOW);
	/* the peak remembers what the window held before it shrank */
	RL_EXPECT(tnet_status(t, 1)->mem_peak > WINDOW);
	tnet_free(t);
}

RL_TEST(long_ready_batches_are_handed_out_in_chunks)
{
	struct tnet *t = tnet_new(1, NULL);
	u32 i;

	RL_ASSERT(t);
	tnet_campaign(t, 1);
	tnet_manual(t, 1, 1);
	for (i = 0; i < 300; i++)
		tnet_propose(t, 1, "x", i);
	tnet_settle(t);
	tnet_persist(t, 1);
	tnet_settle(t);
	RL_EXPECT_EQ(t->node[1].last_applied, 301);
	RL_EXPECT_EQ(t->node[1].n_applied, 256);	/* TNET_LOG */
	for (i = 0; i < 256; i++)
		if (t->node[1].applied_index[i] != i + 1)
			break;
	RL_EXPECT_EQ(i, 256);
	tnet_free(t);
}

static u32 fixed_rand(void *cookie)
{
	return 0;
}

/* Node 1, the only voter, about to boot in @term with commit 100. */
static void lone_node(struct raft_config *cfg, struct raft_boot *b, u64 term)
{
	tnet_default_config(cfg, 1);
	cfg->rand = fixed_rand;
	memset(b, 0, sizeof(*b));
	b->snap.conf.n_voters = 1;
	b->snap.conf.voters[0] = 1;
	b->hs.term = term;
	b->hs.commit = 100;
}

/* A node that boots with entries 1..99 left in its store. */
static struct raft *boot_with_gap(RL_T *rl_t, int *err)
{
	static const struct raft_term_run runs[] = { { 1, 1 }, { 50, 3 } };
	struct raft_entry tail[2], conf;
	u8 cc[RAFT_CONF_CHANGE_MAX_SIZE];
	struct raft_config cfg;
	struct raft_boot b;
	struct raft_conf two = { .n_voters = 2, .voters = { 1, 2 } };

	lone_node(&cfg, &b, 4);
	memset(tail, 0, sizeof(tail));
	tail[0].index = 100;
	tail[0].term = 3;
	tail[1].index = 101;
	tail[1].term = 4;
	b.entries = tail;
	b.n_entries = 2;
	b.terms = runs;
	b.n_terms = 2;
	memset(&conf, 0, sizeof(conf));
	conf.index = 60;
	conf.term = 3;
	conf.type = RAFT_ENTRY_CONF_CHANGE;
	conf.data = cc;
	conf.len = raft_conf_change_encode_full(cc, RAFT_CC_ADD_VOTER, 2, &two);
	b.confs = &conf;
	b.n_confs = 1;
	b.applied = 99;
	return raft_create(&cfg, &b, err);
}

RL_TEST(boot_with_terms_and_a_tail)
{
	struct raft_status st;
	struct raft *r;
	int err;

	r = boot_with_gap(rl_t, &err);
	RL_ASSERT(r);
	raft_status(r, &st);
	RL_EXPECT_EQ(st.first_index, 1);
	RL_EXPECT_EQ(st.last_index, 101);
	RL_EXPECT_EQ(st.mem_first, 100);
	/* only the tail's two entries ever cost memory */
	RL_EXPECT_EQ(st.mem_bytes, 2 * RAFT_LOG_ENTRY_COST);
	RL_EXPECT_EQ(st.mem_peak, st.mem_bytes);
	RL_EXPECT_EQ(st.applied, 99);
	RL_EXPECT_EQ(st.commit, 100);
	RL_EXPECT_EQ(st.term, 4);
	RL_EXPECT_EQ(st.conf.n_voters, 2);
	TH_EQ(raft_term_at(r, 1), 1);
	TH_EQ(raft_term_at(r, 49), 1);
	TH_EQ(raft_term_at(r, 50), 3);
	TH_EQ(raft_term_at(r, 100), 3);
	TH_EQ(raft_term_at(r, 101), 4);
	TH_EQ(raft_term_at(r, 102), 0);
	raft_destroy(r);
}

RL_TEST(boot_gap_must_be_applied_and_ordered)
{
	static const struct raft_term_run late[] = { { 2, 1 } };
	static const struct raft_term_run back[] = { { 1, 3 }, { 50, 1 } };
	static const struct raft_term_run good[] = { { 1, 1 } };
	struct raft_entry tail = { .index = 100, .term = 3 };
	struct raft_config cfg;
	struct raft_boot b;
	struct raft *r;
	int err;

	lone_node(&cfg, &b, 3);
	b.entries = &tail;
	b.n_entries = 1;
	b.terms = late;			/* does not start at snap + 1 */
	b.n_terms = 1;
	b.applied = 99;
	r = raft_create(&cfg, &b, &err);
	RL_EXPECT(!r);
	RL_EXPECT_EQ(err, -EINVAL);
	b.terms = back;			/* terms going back */
	b.n_terms = 2;
	r = raft_create(&cfg, &b, &err);
	RL_EXPECT(!r);
	b.terms = good;
	b.n_terms = 1;
	b.applied = 98;			/* the gap was not all applied */
	r = raft_create(&cfg, &b, &err);
	RL_EXPECT(!r);
	b.applied = 99;
	r = raft_create(&cfg, &b, &err);
	RL_EXPECT(r);
	raft_destroy(r);
}

/* Each node's store takes entries of a different size at most. */
static void uneven_stores(struct raft_config *c)
{
	c->max_entry_size = c->id == 1 ? 1000 : c->id == 2 ? 2000 : 100;
}

RL_TEST(entries_larger_than_a_store_takes_never_reach_it)
{
	struct tnet *t = tnet_new(3, uneven_stores);
	static u8 big[1500];
	u32 i;

	RL_ASSERT(t);
	tnet_campaign(t, 1);
	/* the leader refuses what its own store would */
	TH_EQ(raft_propose(t->node[1].r, big, 1001, 9), -EMSGSIZE);
	/* node 3 does not forward what its store would refuse */
	TH_EQ(raft_propose(t->node[3].r, big, 101, 10), -EMSGSIZE);
	/* node 2's store takes 1500, the leader's not: refused there */
	TH_EQ(raft_propose(t->node[2].r, big, 1500, 11), 0);
	tnet_settle(t);
	RL_ASSERT_EQ(t->node[2].n_results, 1);
	RL_EXPECT_EQ(t->node[2].results[0].err, -EMSGSIZE);
	/*
	 * 500 bytes then a small one in one APPEND: nodes 1 and 2 take them
	 * and commit; 3 keeps what comes before the big one and stays there
	 */
	tnet_isolate(t, 3);
	TH_EQ(raft_propose(t->node[1].r, "s", 1, 12), 0);
	TH_EQ(raft_propose(t->node[1].r, big, 500, 13), 0);
	tnet_settle(t);
	tnet_heal(t);
	tnet_tick_all(t, 3);
	RL_EXPECT_EQ(tnet_status(t, 1)->commit, 3);
	RL_EXPECT_EQ(tnet_status(t, 2)->commit, 3);
	RL_EXPECT_EQ(tnet_status(t, 3)->last_index, 2);
	/* and the group goes on */
	for (i = 0; i < 3; i++)
		tnet_propose(t, 1, "small", 20 + i);
	tnet_settle(t);
	RL_EXPECT_EQ(tnet_status(t, 2)->commit, 6);
	RL_EXPECT_EQ(tnet_status(t, 3)->last_index, 2);
	tnet_free(t);
}

RL_SUITE(raft_memory,
	 RL_CASE(leader_memory_stays_within_the_window),
	 RL_CASE(slow_follower_is_caught_up_from_the_store),
	 RL_CASE(unanswered_fetch_is_asked_again),
	 RL_CASE(wrong_or_failed_fetch_answers_send_nothing),
	 RL_CASE(unpersisted_and_unapplied_entries_never_leave_memory),
	 RL_CASE(long_ready_batches_are_handed_out_in_chunks),
	 RL_CASE(boot_with_terms_and_a_tail),
	 RL_CASE(boot_gap_must_be_applied_and_ordered),
	 RL_CASE(entries_larger_than_a_store_takes_never_reach_it));
