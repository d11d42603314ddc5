// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshots: compaction up to an applied index with an opaque blob, a
 * follower behind the compacted prefix receives the snapshot in chunks
 * (surviving a lost chunk) and then the entries after it, and a node
 * restarts from a snapshot plus the log after it.
 */
#include "thelp.h"

static void small_chunks(struct raft_config *c)
{
	c->max_size_per_msg = 64;
}

static void stream_small_chunks(struct raft_config *c)
{
	c->max_size_per_msg = 64;
	c->snap_stream = 1;
}

/*
 * With stream, every node keeps its snapshots' bytes in its own store
 * (tnet: cur), the core only their lengths: the leader compacts without
 * handing the core the blob.
 */
static struct tnet *compacted(RL_T *rl_t, u8 *blob, u32 len, int stream)
{
	struct tnet *t = tnet_new(3, stream ? stream_small_chunks :
				  small_chunks);
	u32 i;

	if (!t)
		return NULL;
	tnet_campaign(t, 1);
	tnet_tick_all(t, 1);
	tnet_isolate(t, 3);
	for (i = 0; i < 10; i++)
		tnet_propose(t, 1, "entry", i);
	tnet_tick_all(t, 1);
	for (i = 0; i < len; i++)
		blob[i] = (u8)(i * 7 + 1);
	if (stream) {
		t->node[1].cur = rl_malloc(len);
		if (!t->node[1].cur) {
			tnet_free(t);
			return NULL;
		}
		memcpy(t->node[1].cur, blob, len);
		t->node[1].cur_len = len;
	}
	/* the leader's state machine is at 11; snapshot it at 9 */
	if (raft_compact(t->node[1].r, 9, stream ? NULL : blob, len)) {
		tnet_free(t);
		return NULL;
	}
	return t;
}

static struct tnet *with_compacted_log(RL_T *rl_t, u8 *blob, u32 len)
{
	return compacted(rl_t, blob, len, 0);
}

/*
 * Streaming: the leader's chunks are filled in from its store as they go,
 * the follower's core hands each out once to be stored and never gathers
 * them; the installed snapshot is the store's, and the core of neither
 * holds its bytes.  A chunk lost on the way is sent again.
 */
RL_TEST(streamed_snapshot_is_never_held_whole)
{
	u8 blob[300];
	struct tnet *t = compacted(rl_t, blob, sizeof(blob), 1);
	u32 k, dropped = 0;

	RL_ASSERT(t);
	RL_EXPECT(!t->node[1].r->snap.data);
	RL_EXPECT_EQ(t->node[1].r->snap.len, 300);
	tnet_heal(t);
	/* lose the third chunk on its way */
	for (k = 0; k < 2000 && !dropped; k++) {
		u32 i;

		if (!t->nq)
			tnet_tick(t, 1);
		tnet_ready(t);
		for (i = 0; i < t->nq; i++) {
			if (t->q[i].type == RAFT_MSG_SNAPSHOT &&
			    t->q[i].snap_offset == 128) {
				/* the core gathers nothing meanwhile */
				RL_EXPECT(!t->node[3].r->recv.data);
				RL_EXPECT_EQ(t->node[3].r->recv.len, 128);
				raft_msg_free(&t->q[i]);
				memmove(&t->q[i], &t->q[i + 1],
					(t->nq - i - 1) * sizeof(*t->q));
				t->nq--;
				dropped = 1;
				break;
			}
		}
		tnet_deliver_one(t);
	}
	RL_ASSERT(dropped);
	tnet_propose(t, 1, "after", 99);
	tnet_tick_all(t, 10);
	RL_EXPECT_EQ(t->node[3].snapshots_installed, 1);
	RL_EXPECT_EQ(t->node[3].snap_len, 300);
	RL_EXPECT_EQ(t->node[3].snap_first, 1);
	RL_EXPECT_EQ(t->node[3].chunks, 5);	/* 300 / 64, once each */
	RL_EXPECT_EQ(t->node[3].max_chunk, 64);
	RL_EXPECT_EQ(t->node[3].cur_len, 300);
	RL_EXPECT_MEMEQ(t->node[3].cur, blob, 300);
	RL_EXPECT(!t->node[3].r->snap.data);
	RL_EXPECT_EQ(t->node[3].r->snap.len, 300);
	RL_EXPECT(!t->node[3].r->recv.data);
	RL_EXPECT_EQ(tnet_status(t, 3)->snap_index, 9);
	RL_EXPECT_EQ(tnet_status(t, 3)->commit, 12);
	RL_EXPECT_EQ(t->node[3].last_applied, 12);
	tnet_free(t);
}

RL_TEST(compaction_drops_the_prefix)
{
	u8 blob[300];
	struct tnet *t = with_compacted_log(rl_t, blob, sizeof(blob));
	int err;

	RL_ASSERT(t);
	RL_EXPECT_EQ(tnet_status(t, 1)->first_index, 10);
	RL_EXPECT_EQ(tnet_status(t, 1)->snap_index, 9);
	RL_EXPECT_EQ(tnet_status(t, 1)->snap_term, 1);
	RL_EXPECT_EQ(raft_term_at(t->node[1].r, 5), 0);	/* gone */
	RL_EXPECT_EQ(raft_term_at(t->node[1].r, 10), 1);
	/* not beyond applied, not backwards */
	err = raft_compact(t->node[1].r, 12, blob, 1);
	RL_EXPECT_EQ(err, -EINVAL);
	err = raft_compact(t->node[1].r, 9, blob, 1);
	RL_EXPECT_EQ(err, -EINVAL);
	tnet_free(t);
}

RL_TEST(lagging_follower_gets_snapshot_in_chunks_then_entries)
{
	u8 blob[300];
	struct tnet *t = with_compacted_log(rl_t, blob, sizeof(blob));

	RL_ASSERT(t);
	tnet_heal(t);
	tnet_propose(t, 1, "after", 99);
	tnet_tick_all(t, 3);
	RL_EXPECT_EQ(t->node[3].snapshots_installed, 1);
	RL_EXPECT_EQ(t->node[3].snap_len, 300);
	RL_EXPECT_EQ(t->node[3].snap_first, 1);
	RL_EXPECT_EQ(t->sent[RAFT_MSG_SNAPSHOT], 5);	/* 300 / 64 */
	RL_EXPECT_EQ(tnet_status(t, 3)->snap_index, 9);
	RL_EXPECT_EQ(tnet_status(t, 3)->conf.n_voters, 3);
	/* and then the entries after it */
	RL_EXPECT_EQ(tnet_status(t, 3)->commit, 12);
	RL_EXPECT_EQ(t->node[3].last_applied, 12);
	RL_EXPECT_EQ(raft_term_at(t->node[3].r, 12), 1);
	/* the installed snapshot is what node 3 would serve in turn */
	RL_EXPECT_EQ(t->node[3].r->snap.len, 300);
	RL_EXPECT_MEMEQ(t->node[3].r->snap.data, blob, 300);
	tnet_free(t);
}

RL_TEST(lost_snapshot_chunk_is_sent_again)
{
	u8 blob[300];
	struct tnet *t = with_compacted_log(rl_t, blob, sizeof(blob));
	u32 k, dropped = 0;

	RL_ASSERT(t);
	tnet_heal(t);
	/* lose the second chunk on its way */
	for (k = 0; k < 2000 && !dropped; k++) {
		u32 i;

		if (!t->nq)
			tnet_tick(t, 1);
		tnet_ready(t);
		for (i = 0; i < t->nq; i++) {
			if (t->q[i].type == RAFT_MSG_SNAPSHOT &&
			    t->q[i].snap_offset == 64) {
				raft_msg_free(&t->q[i]);
				memmove(&t->q[i], &t->q[i + 1],
					(t->nq - i - 1) * sizeof(*t->q));
				t->nq--;
				dropped = 1;
				break;
			}
		}
		tnet_deliver_one(t);
	}
	RL_ASSERT(dropped);
	tnet_tick_all(t, 10);
	RL_EXPECT_EQ(t->node[3].snapshots_installed, 1);
	RL_EXPECT_EQ(tnet_status(t, 3)->commit, 11);
	RL_EXPECT_MEMEQ(t->node[3].r->snap.data, blob, 300);
	tnet_free(t);
}

RL_TEST(restart_from_snapshot_and_log)
{
	struct raft_config cfg;
	struct raft_boot b;
	struct raft_entry e[2] = { { .term = 2, .index = 6 },
				   { .term = 3, .index = 7 } };
	struct raft_ready rd;
	struct raft *r;
	u64 seed = 1;
	int err;

	tnet_default_config(&cfg, 1);
	cfg.rand_cookie = &seed;
	memset(&b, 0, sizeof(b));
	b.snap.index = 5;
	b.snap.term = 2;
	b.snap.conf.n_voters = 3;
	b.snap.conf.voters[0] = 1;
	b.snap.conf.voters[1] = 2;
	b.snap.conf.voters[2] = 3;
	b.entries = e;
	b.n_entries = 2;
	b.hs.term = 3;
	b.hs.vote = 2;
	b.hs.commit = 7;
	r = raft_create(&cfg, &b, &err);
	RL_ASSERT(r);
	RL_EXPECT_EQ(r->log.snap_index, 5);
	RL_EXPECT_EQ(raft_log_first(&r->log), 6);
	RL_EXPECT_EQ(r->term, 3);
	RL_EXPECT_EQ(r->vote, 2);
	/* committed entries after the snapshot are handed out again */
	RL_ASSERT(raft_has_ready(r));
	raft_ready(r, &rd);
	RL_EXPECT_EQ(rd.hs_changed, 0);
	RL_EXPECT_EQ(rd.n_entries, 0);
	RL_ASSERT_EQ(rd.n_committed, 2);
	RL_EXPECT_EQ(rd.committed[0].index, 6);
	raft_advance(r, &rd);
	RL_EXPECT_EQ(raft_has_ready(r), 0);
	raft_destroy(r);

	/* a log that does not follow the snapshot is refused */
	e[0].index = 7;
	r = raft_create(&cfg, &b, &err);
	RL_EXPECT(r == NULL);
	RL_EXPECT_EQ(err, -EINVAL);
}

/*
 * The follower was replicating with a full window when its link went down;
 * the leader kept proposing (one APPEND per proposal, the window overflows,
 * everything sent is lost) and compacted past what the follower has.  Once
 * the link is back, heartbeats alone must get it the snapshot and then the
 * entries, within a few election timeouts.
 */
RL_TEST(follower_cut_off_with_a_full_window_gets_the_snapshot)
{
	struct tnet *t = tnet_new(3, NULL);
	u8 blob[100] = { 1 };
	u64 match, next;
	u32 i, ticks;
	u8 state;

	RL_ASSERT(t);
	tnet_campaign(t, 1);
	tnet_propose(t, 1, "warm", 1);
	tnet_tick_all(t, 1);
	RL_ASSERT_EQ(raft_peer_progress(t->node[1].r, 3, &match, &next, &state),
		     0);
	RL_ASSERT_EQ(state, RAFT_PR_REPLICATE);
	tnet_isolate(t, 3);
	for (i = 0; i < 40; i++) {
		tnet_propose(t, 1, "cut", 10 + i);
		tnet_settle(t);
	}
	RL_EXPECT_EQ(t->node[1].r->log.applied, t->node[1].last_applied);
	RL_ASSERT_EQ(raft_compact(t->node[1].r, t->node[1].last_applied, blob,
				  sizeof(blob)), 0);
	tnet_heal(t);
	for (ticks = 0; ticks < 30; ticks++) {
		if (t->node[3].last_applied == t->node[1].last_applied)
			break;
		tnet_tick_all(t, 1);
	}
	RL_EXPECT_EQ(t->node[3].snapshots_installed, 1);
	RL_EXPECT_EQ(t->node[3].last_applied, t->node[1].last_applied);
	RL_EXPECT(ticks <= 5);
	tnet_free(t);
}

/*
 * A leader's snapshot is at most RAFT_MAX_SNAPSHOT_SIZE bytes: a peer that
 * sends more is refused (the transfer starts over) instead of growing the
 * follower's receive buffer without bound.
 */
RL_TEST(snapshot_beyond_the_bound_is_refused)
{
	static const u64 terms[] = { 1 };
	struct raft *r = th_node(1, 3, terms, 1, 1, NULL);
	u8 *chunk = rl_zalloc(RAFT_MAX_ENTRY_SIZE);
	const struct raft_msg *resp;
	struct raft_ready rd;
	struct raft_msg m;
	u64 off, max_len = 0;
	int rejected = 0;

	RL_ASSERT(r && chunk);
	for (off = 0; off <= RAFT_MAX_SNAPSHOT_SIZE && !rejected;
	     off += RAFT_MAX_ENTRY_SIZE) {
		th_msg(&m, RAFT_MSG_SNAPSHOT, 2, 1, 2);
		m.snap.index = 100;
		m.snap.term = 2;
		m.snap.conf.n_voters = 3;
		m.snap.conf.voters[0] = 1;
		m.snap.conf.voters[1] = 2;
		m.snap.conf.voters[2] = 3;
		m.index = 100;
		m.log_term = 2;
		m.snap_offset = off;
		m.snap_len = RAFT_MAX_ENTRY_SIZE;
		m.snap_data = chunk;
		TH_ASSERT_EQ(raft_step(r, &m), 0);
		if (r->recv.len > max_len)
			max_len = r->recv.len;
		TH_ASSERT_EQ(raft_ready(r, &rd), 0);
		resp = th_find(&rd, RAFT_MSG_SNAPSHOT_RESP, 2, NULL);
		RL_ASSERT(resp);
		rejected = resp->reject;
		if (rejected)
			RL_EXPECT_EQ(resp->snap_offset, 0);
		raft_advance(r, &rd);
	}
	RL_EXPECT(rejected);
	RL_EXPECT(off > RAFT_MAX_SNAPSHOT_SIZE - RAFT_MAX_ENTRY_SIZE);
	RL_EXPECT(max_len <= RAFT_MAX_SNAPSHOT_SIZE);
	RL_EXPECT_EQ(r->recv.len, 0);
	RL_EXPECT_EQ(r->log.snap_index, 0);
	rl_free(chunk);
	raft_destroy(r);
}

RL_SUITE(raft_snapshot,
	 RL_CASE(compaction_drops_the_prefix),
	 RL_CASE(lagging_follower_gets_snapshot_in_chunks_then_entries),
	 RL_CASE(lost_snapshot_chunk_is_sent_again),
	 RL_CASE(streamed_snapshot_is_never_held_whole),
	 RL_CASE(restart_from_snapshot_and_log),
	 RL_CASE(follower_cut_off_with_a_full_window_gets_the_snapshot),
	 RL_CASE(snapshot_beyond_the_bound_is_refused));
