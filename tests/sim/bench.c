// SPDX-License-Identifier: GPL-2.0
/*
 * bench: how many messages per second the Raft core steps through in
 * userspace, for the record (a measurement, not a test).
 *
 * A 3-node cluster with a perfect network (FIFO, no loss) and instant
 * persistence: the caller loop runs exactly as in the simulator (send msgs,
 * persist, send msgs_after_persist, raft_persisted), but nothing waits.
 * After an election, the leader gets proposals in batches and the cluster
 * runs until each batch commits everywhere; the log is compacted as it
 * goes so memory stays flat.  Reported: raft_step() calls per second (all
 * nodes together, the core's whole work per message including the ready
 * loop), and entries committed per second.
 *
 * Usage: bench [entries (default 300000)] [batch (default 16)]
 *        [payload bytes (default 64)]
 */
#include <time.h>

#include "raft/raft.h"

#define N 3

struct bnode {
	struct raft *r;
	u64 applied;
	u64 rng;
};

static struct bnode nodes[N + 1];
static struct raft_msg *q;
static u64 q_head, q_tail, q_cap;
static u64 steps, committed_entries;

static u32 brand(void *cookie)
{
	struct bnode *n = cookie;

	n->rng ^= n->rng << 13;
	n->rng ^= n->rng >> 7;
	n->rng ^= n->rng << 17;
	return (u32)n->rng;
}

static void enqueue(const struct raft_msg *m)
{
	if (q_tail - q_head == q_cap) {
		u64 nc = q_cap ? 2 * q_cap : 1024, i;
		struct raft_msg *nq = malloc(nc * sizeof(*nq));

		if (!nq)
			exit(2);
		for (i = q_head; i < q_tail; i++)
			nq[i - q_head] = q[i % q_cap];
		free(q);
		q = nq;
		q_tail -= q_head;
		q_head = 0;
		q_cap = nc;
	}
	if (raft_msg_clone(&q[q_tail % q_cap], m))
		exit(2);
	q_tail++;
}

static void drain(struct bnode *n)
{
	struct raft_ready rd;
	u32 i;

	while (raft_has_ready(n->r)) {
		u64 li = 0, lt = 0;

		if (raft_ready(n->r, &rd))
			exit(2);
		for (i = 0; i < rd.n_msgs; i++)
			enqueue(&rd.msgs[i]);
		/* persistence is instant here */
		for (i = 0; i < rd.n_msgs_after_persist; i++)
			enqueue(&rd.msgs_after_persist[i]);
		if (rd.n_entries) {
			li = rd.entries[rd.n_entries - 1].index;
			lt = rd.entries[rd.n_entries - 1].term;
		}
		if (rd.n_committed) {
			n->applied = rd.committed[rd.n_committed - 1].index;
			committed_entries += rd.n_committed;
		}
		raft_advance(n->r, &rd);
		if (li)
			raft_persisted(n->r, li, lt);
	}
}

static void deliver_all(void)
{
	while (q_head < q_tail) {
		struct raft_msg *m = &q[q_head % q_cap];

		q_head++;
		if (m->to >= 1 && m->to <= N) {
			raft_step(nodes[m->to].r, m);
			steps++;
			drain(&nodes[m->to]);
		}
		raft_msg_free(m);
	}
}

static int leader(void)
{
	struct raft_status st;
	int i;

	for (i = 1; i <= N; i++) {
		raft_status(nodes[i].r, &st);
		if (st.role == RAFT_LEADER)
			return i;
	}
	return 0;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	u64 total = argc > 1 ? strtoull(argv[1], NULL, 0) : 300000;
	u32 batch = argc > 2 ? (u32)atoi(argv[2]) : 16;
	u32 size = argc > 3 ? (u32)atoi(argv[3]) : 64;
	struct raft_boot boot;
	struct raft_config cfg;
	u8 *payload, blob[8] = { 0 };
	u64 proposed = 0, id = 0, s0, c0;
	double t0, t1;
	int i, l, err, ticks = 0;

	if (!batch || !size || size > RAFT_MAX_ENTRY_SIZE)
		return 2;
	payload = calloc(1, size);
	if (!payload)
		return 2;
	memset(&boot, 0, sizeof(boot));
	boot.snap.conf.n_voters = N;
	for (i = 0; i < N; i++)
		boot.snap.conf.voters[i] = i + 1;
	for (i = 1; i <= N; i++) {
		memset(&cfg, 0, sizeof(cfg));
		cfg.id = i;
		cfg.election_tick = 10;
		cfg.heartbeat_tick = 1;
		cfg.pre_vote = 1;
		cfg.check_quorum = 1;
		cfg.max_inflight_msgs = 256;
		cfg.rand = brand;
		cfg.rand_cookie = &nodes[i];
		nodes[i].rng = 0x9e3779b97f4a7c15ULL * i;
		nodes[i].r = raft_create(&cfg, &boot, &err);
		if (!nodes[i].r) {
			fprintf(stderr, "raft_create: %d\n", err);
			return 1;
		}
	}
	while (!(l = leader())) {
		for (i = 1; i <= N; i++) {
			raft_tick(nodes[i].r);
			drain(&nodes[i]);
		}
		deliver_all();
		if (++ticks > 1000) {
			fprintf(stderr, "bench: no leader\n");
			return 1;
		}
	}
	s0 = steps;
	c0 = committed_entries;
	t0 = now_s();
	while (proposed < total) {
		u32 k;

		for (k = 0; k < batch && proposed < total; k++, proposed++) {
			rl_put_le64(payload, ++id);
			if (raft_propose(nodes[l].r, payload, size, id)) {
				fprintf(stderr, "bench: propose failed\n");
				return 1;
			}
		}
		drain(&nodes[l]);
		deliver_all();
		/* one heartbeat round every 8 batches, as time would pass */
		if ((id / batch) % 8 == 0) {
			raft_tick(nodes[l].r);
			drain(&nodes[l]);
			deliver_all();
		}
		if ((id / batch) % 512 == 0)
			for (i = 1; i <= N; i++)
				if (nodes[i].applied > 1000 &&
				    raft_compact(nodes[i].r,
						 nodes[i].applied - 100,
						 blob, sizeof(blob)) == 0)
					drain(&nodes[i]);
		if (leader() != l) {
			fprintf(stderr, "bench: leadership changed\n");
			return 1;
		}
	}
	t1 = now_s();
	printf("bench: 3 nodes, %llu entries of %u bytes in batches of %u\n",
	       (unsigned long long)total, size, batch);
	printf("bench: %llu messages stepped in %.2f s: %.0f msgs/s\n",
	       (unsigned long long)(steps - s0), t1 - t0,
	       (steps - s0) / (t1 - t0));
	printf("bench: %.0f entries committed/s (%llu applications over 3 nodes)\n",
	       (committed_entries - c0) / 3 / (t1 - t0),
	       (unsigned long long)(committed_entries - c0));
	for (i = 1; i <= N; i++)
		raft_destroy(nodes[i].r);
	while (q_head < q_tail)
		raft_msg_free(&q[q_head++ % q_cap]);
	free(q);
	free(payload);
	return 0;
}
