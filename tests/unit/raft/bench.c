// SPDX-License-Identifier: GPL-2.0
/*
 * Micro-benchmark (a program, not a test): how many messages per second
 * the Raft core steps through in userspace, for a 3-node cluster in the
 * in-memory test network, proposing 64-byte entries in batches.
 *
 *	make -C tests/unit/raft bench [BENCH_ENTRIES=N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "tnet.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned long entries = argc > 1 ? strtoul(argv[1], NULL, 0) : 200000;
	unsigned long i, msgs = 0, batch = 16;
	char payload[65];
	struct tnet *t = tnet_new(3, NULL);
	double t0, dt;
	u32 k;

	if (!t)
		return 1;
	memset(payload, 'p', 64);
	payload[64] = 0;
	tnet_campaign(t, 1);
	tnet_tick_all(t, 1);
	if (tnet_leader(t) != 1) {
		fprintf(stderr, "no leader\n");
		return 1;
	}
	t0 = now();
	for (i = 0; i < entries; i += batch) {
		unsigned long j;

		for (j = 0; j < batch; j++)
			if (raft_propose(t->node[1].r, payload, 64, i + j))
				return 1;
		tnet_settle(t);
		if ((i / batch) % 64 == 0)
			tnet_tick_all(t, 1);
		for (k = 1; k <= 3; k++) {
			/* keep the memory flat: compact what was applied */
			struct raft *r = t->node[k].r;

			if (r->log.applied > r->log.snap_index + 1024)
				raft_compact(r, r->log.applied, "s", 1);
			t->node[k].n_applied = 0;
			t->node[k].n_results = 0;
		}
	}
	dt = now() - t0;
	for (k = 0; k <= RAFT_MSG_TYPE_MAX; k++)
		msgs += t->sent[k];
	printf("raft core, 3 nodes, %lu entries of 64 B in batches of %lu:\n",
	       entries, batch);
	printf("  %lu messages stepped in %.3f s: %.0f msgs/s, %.0f entries/s committed\n",
	       msgs, dt, msgs / dt, entries / dt);
	printf("  commit index %llu\n",
	       (unsigned long long)tnet_status(t, 1)->commit);
	tnet_free(t);
	return 0;
}
