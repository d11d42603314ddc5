/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The made-up groups of the stats tests (test_stats.c, dump_prom.c).
 */
#ifndef RL_STATS_FIXTURE_H
#define RL_STATS_FIXTURE_H

#include <stdio.h>
#include <string.h>
#include "status.h"

/* A leader of a 3-node group with a device, and a volatile single node. */
static inline void fill(struct rc_status st[2])
{
	memset(st, 0, 2 * sizeof(*st));
	snprintf(st[0].name, sizeof(st[0].name), "orders \"eu\"");
	st[0].group_id = 1;
	st[0].node_id = 2;
	st[0].cluster_id = 7;
	snprintf(st[0].chardev, sizeof(st[0].chardev), "raftlog1");
	snprintf(st[0].device, sizeof(st[0].device), "/dev/vdb");
	st[0].role = 3;
	st[0].term = 7;
	st[0].leader = 2;
	st[0].commit = 100;
	st[0].applied = 99;
	st[0].last_index = 105;
	st[0].max_pending = 1024;
	st[0].log_mem = 16 << 20;
	st[0].n_members = 3;
	st[0].members[0].id = 2;
	st[0].members[0].self = true;
	for (int i = 1; i < 3; i++) {
		struct rc_member *m = &st[0].members[i];

		m->id = i == 1 ? 1 : 3;
		m->has_progress = m->has_link = m->has_contact = true;
		m->connected = i == 1;
		m->match = i == 1 ? 105 : 90;
		m->inflight = 4;
		m->contact_ms = 1500;
		m->link[RAFTLOG_MEMBER_A_BYTES_OUT] = 4096 * i;
	}
	st[0].counters[RAFTLOG_COUNTER_A_PROPOSALS] = 42;
	st[0].counters[RAFTLOG_COUNTER_A_FSYNC_USEC_TOTAL] = 2500000;
	st[0].counters[RAFTLOG_COUNTER_A_LOG_MEM_USED] = 12345;
	st[0].has_storage = true;
	st[0].storage[RAFTLOG_STORAGE_A_DURABLE_INDEX] = 104;
	st[0].storage[RAFTLOG_STORAGE_A_RING_LAPS] = 3;
	st[0].has_mem = true;
	st[0].mem[RAFTLOG_MEM_A_LOG] = 12345;
	st[0].mem[RAFTLOG_MEM_A_LOG_LIMIT] = 16 << 20;
	st[0].mem[RAFTLOG_MEM_A_SEND] = 300;
	st[0].mem[RAFTLOG_MEM_A_SEND_LIMIT] = 32 << 20;
	st[0].mem[RAFTLOG_MEM_A_SNAPSHOT_LIMIT] = 7;
	st[0].commit_hist.present = true;
	st[0].commit_hist.n = RAFTLOG_HIST_BUCKETS;
	st[0].commit_hist.bucket[0] = 1;	/* <= 1 us */
	st[0].commit_hist.bucket[2] = 5;	/* <= 4 us */
	st[0].commit_hist.bucket[10] = 4;	/* <= 1024 us */
	st[0].commit_hist.bucket[31] = 2;	/* the last: and above */
	st[0].commit_hist.count = 12;
	st[0].commit_hist.sum_us = 1234567;
	st[0].persist_hist.present = true;
	st[0].persist_hist.n = RAFTLOG_HIST_BUCKETS;

	st[1].group_id = 9;
	st[1].node_id = 1;
	st[1].n_members = 1;
	st[1].members[0].id = 1;
	st[1].members[0].self = true;
	st[1].volatile_log = true;
	st[1].has_storage = true;
	st[1].storage_state = RAFTLOG_STORAGE_VOLATILE;
	st[1].flags = RAFTLOG_STATUS_F_FAILED;
}

#endif
