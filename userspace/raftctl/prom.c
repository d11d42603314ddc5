// SPDX-License-Identifier: GPL-2.0
/*
 * raftctl stats --prometheus: the groups' status in Prometheus's text
 * exposition format (version 0.0.4), for node_exporter's textfile
 * collector.  Every family has its HELP and TYPE lines and then its
 * samples for every group, as the format wants them grouped.  Names are
 * stable (raftlog_...; counters end in _total, durations are in seconds,
 * sizes in bytes); every sample carries group="G" and node="N", per-peer
 * ones also peer="P".  The latency histograms are Prometheus histograms:
 * cumulative le buckets at the kernel's log2 bounds (2^i microseconds),
 * +Inf, _sum and _count.
 *
 * Pure formatting, no netlink: the host unit test (tests/unit/stats)
 * feeds it made-up statuses.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <linux/raftlog.h>

#include "status.h"

enum { GAUGE, COUNTER };

/* A group-level metric: a name, its help, and where its value is. */
struct rc_metric {
	const char *name;
	const char *help;
	int type;
	int src;		/* SRC_* below */
	int idx;		/* counter/storage attribute, or a field */
};

enum { SRC_FIELD, SRC_COUNTER, SRC_STORAGE };

/* SRC_FIELD values */
enum {
	F_ROLE, F_TERM, F_LEADER, F_COMMIT, F_APPLIED, F_FIRST, F_LAST,
	F_PENDING, F_MAX_PENDING, F_FAILED, F_VOTERS, F_LEARNERS,
	F_LOG_MEM, F_STORAGE_FAILED, F_FSYNC_SUM, F_FSYNC_MAX,
};

static const struct rc_metric metrics[] = {
	{ "raftlog_role", "Role of this node: 0 follower, 1 pre-candidate, 2 candidate, 3 leader.",
	  GAUGE, SRC_FIELD, F_ROLE },
	{ "raftlog_term", "Current Raft term.", GAUGE, SRC_FIELD, F_TERM },
	{ "raftlog_leader", "Node id of the known leader (0: none).",
	  GAUGE, SRC_FIELD, F_LEADER },
	{ "raftlog_commit_index", "Highest index known committed.",
	  GAUGE, SRC_FIELD, F_COMMIT },
	{ "raftlog_applied_index", "Highest index published to readers.",
	  GAUGE, SRC_FIELD, F_APPLIED },
	{ "raftlog_first_index", "Lowest index readers may ask for.",
	  GAUGE, SRC_FIELD, F_FIRST },
	{ "raftlog_last_index", "Last index of the log.",
	  GAUGE, SRC_FIELD, F_LAST },
	{ "raftlog_pending_proposals", "Proposals queued or in flight on this node.",
	  GAUGE, SRC_FIELD, F_PENDING },
	{ "raftlog_pending_proposals_limit", "Bound on pending proposals (max_pending).",
	  GAUGE, SRC_FIELD, F_MAX_PENDING },
	{ "raftlog_failed", "1 when the group stopped after an error.",
	  GAUGE, SRC_FIELD, F_FAILED },
	{ "raftlog_voters", "Voters in the current configuration.",
	  GAUGE, SRC_FIELD, F_VOTERS },
	{ "raftlog_learners", "Learners in the current configuration.",
	  GAUGE, SRC_FIELD, F_LEARNERS },
	{ "raftlog_log_memory_bytes", "Bytes the in-memory log holds.",
	  GAUGE, SRC_COUNTER, RAFTLOG_COUNTER_A_LOG_MEM_USED },
	{ "raftlog_log_memory_limit_bytes", "Bound on the in-memory log of durable, applied entries (log_mem).",
	  GAUGE, SRC_FIELD, F_LOG_MEM },
	{ "raftlog_elections_started_total", "Campaigns this node started.",
	  COUNTER, SRC_COUNTER, RAFTLOG_COUNTER_A_ELECTIONS_STARTED },
	{ "raftlog_elections_won_total", "Campaigns this node won.",
	  COUNTER, SRC_COUNTER, RAFTLOG_COUNTER_A_ELECTIONS_WON },
	{ "raftlog_proposals_total", "Proposals handed to the core on this node.",
	  COUNTER, SRC_COUNTER, RAFTLOG_COUNTER_A_PROPOSALS },
	{ "raftlog_proposals_failed_total", "Proposals completed with an error.",
	  COUNTER, SRC_COUNTER, RAFTLOG_COUNTER_A_PROPOSALS_FAILED },
	{ "raftlog_commits_total", "Entries committed and applied.",
	  COUNTER, SRC_COUNTER, RAFTLOG_COUNTER_A_COMMITS },
	{ "raftlog_commit_bytes_total", "Payload bytes of the entries applied.",
	  COUNTER, SRC_COUNTER, RAFTLOG_COUNTER_A_COMMIT_BYTES },
	{ "raftlog_fsyncs_total", "Durability completions of the store.",
	  COUNTER, SRC_COUNTER, RAFTLOG_COUNTER_A_FSYNCS },
	{ "raftlog_fsync_wait_samples_total", "Durability waits measured.",
	  COUNTER, SRC_COUNTER, RAFTLOG_COUNTER_A_FSYNC_SAMPLES },
	{ "raftlog_fsync_wait_seconds_total", "Time spent in the durability waits measured.",
	  COUNTER, SRC_FIELD, F_FSYNC_SUM },
	{ "raftlog_fsync_wait_max_seconds", "Longest durability wait measured.",
	  GAUGE, SRC_FIELD, F_FSYNC_MAX },
	{ "raftlog_decode_errors_total", "Bad frames received from peers.",
	  COUNTER, SRC_COUNTER, RAFTLOG_COUNTER_A_DECODE_ERRORS },
	{ "raftlog_handshake_failures_total", "Connection handshakes refused.",
	  COUNTER, SRC_COUNTER, RAFTLOG_COUNTER_A_HANDSHAKE_FAILURES },
	{ "raftlog_messages_dropped_total", "Outbound messages not sent (queue full).",
	  COUNTER, SRC_COUNTER, RAFTLOG_COUNTER_A_MSGS_DROPPED },
	{ "raftlog_messages_in_dropped_total", "Inbound messages dropped (queue full).",
	  COUNTER, SRC_COUNTER, RAFTLOG_COUNTER_A_MSGS_IN_DROPPED },
	{ "raftlog_fetched_entries_total", "Entries read back from the device for followers.",
	  COUNTER, SRC_COUNTER, RAFTLOG_COUNTER_A_FETCHED },
	{ "raftlog_fetch_errors_total", "Reads back from the device that failed.",
	  COUNTER, SRC_COUNTER, RAFTLOG_COUNTER_A_FETCH_ERRORS },
	{ "raftlog_quiesced", "1 while the group is quiesced (no heartbeats nor timers).",
	  GAUGE, SRC_COUNTER, RAFTLOG_COUNTER_A_QUIESCED },
	{ "raftlog_quiesces_total", "Times this node quiesced.",
	  COUNTER, SRC_COUNTER, RAFTLOG_COUNTER_A_QUIESCES },
	{ "raftlog_wakes_total", "Times this node woke from quiescing.",
	  COUNTER, SRC_COUNTER, RAFTLOG_COUNTER_A_WAKES },
	{ "raftlog_peers_lost_total", "Times the transport reported a peer lost.",
	  COUNTER, SRC_COUNTER, RAFTLOG_COUNTER_A_PEERS_LOST },
	{ "raftlog_storage_failed", "1 when the store reported a failure.",
	  GAUGE, SRC_FIELD, F_STORAGE_FAILED },
	{ "raftlog_storage_first_index", "Lowest index on the device.",
	  GAUGE, SRC_STORAGE, RAFTLOG_STORAGE_A_FIRST_INDEX },
	{ "raftlog_storage_last_index", "Last index on the device.",
	  GAUGE, SRC_STORAGE, RAFTLOG_STORAGE_A_LAST_INDEX },
	{ "raftlog_storage_durable_index", "Last index known durable on the device.",
	  GAUGE, SRC_STORAGE, RAFTLOG_STORAGE_A_DURABLE_INDEX },
	{ "raftlog_storage_snapshot_index", "Index of the stored snapshot.",
	  GAUGE, SRC_STORAGE, RAFTLOG_STORAGE_A_SNAP_INDEX },
	{ "raftlog_storage_snapshot_term", "Term of the stored snapshot.",
	  GAUGE, SRC_STORAGE, RAFTLOG_STORAGE_A_SNAP_TERM },
	{ "raftlog_storage_ring_blocks", "Blocks of the device's log ring.",
	  GAUGE, SRC_STORAGE, RAFTLOG_STORAGE_A_RING_BLOCKS },
	{ "raftlog_storage_used_blocks", "Blocks of the ring in use.",
	  GAUGE, SRC_STORAGE, RAFTLOG_STORAGE_A_USED_BLOCKS },
	{ "raftlog_storage_records", "Records in the ring.",
	  GAUGE, SRC_STORAGE, RAFTLOG_STORAGE_A_RECORDS },
	{ "raftlog_storage_records_limit", "Bound on records in the ring (the record index's memory, index_mem).",
	  GAUGE, SRC_STORAGE, RAFTLOG_STORAGE_A_MAX_RECORDS },
	{ "raftlog_storage_ring_laps_total", "Times the ring wrapped.",
	  COUNTER, SRC_STORAGE, RAFTLOG_STORAGE_A_RING_LAPS },
	{ "raftlog_storage_bad_reads_total", "Records read back that failed their checksum.",
	  COUNTER, SRC_STORAGE, RAFTLOG_STORAGE_A_BAD_READS },
};

/* Also raftctl group show's names (status.c). */
const char *const rc_mem_names[RAFTLOG_MEM_A_MAX + 1] = {
	[RAFTLOG_MEM_A_LOG] = "log",
	[RAFTLOG_MEM_A_CACHE] = "cache",
	[RAFTLOG_MEM_A_RECV] = "recv",
	[RAFTLOG_MEM_A_SEND] = "send",
	[RAFTLOG_MEM_A_WINDOW] = "window",
	[RAFTLOG_MEM_A_PIPELINE] = "pipeline",
	[RAFTLOG_MEM_A_INDEX] = "index",
	[RAFTLOG_MEM_A_SNAPSHOT] = "snapshot",
};

/* Microseconds as seconds, exactly ("0.000001", "2147.483648"). */
static void put_seconds(FILE *f, uint64_t us)
{
	fprintf(f, "%" PRIu64 ".%06" PRIu64, us / 1000000, us % 1000000);
}

static uint64_t field(const struct rc_status *st, int idx)
{
	uint64_t n = 0;

	switch (idx) {
	case F_ROLE: return st->role;
	case F_TERM: return st->term;
	case F_LEADER: return st->leader;
	case F_COMMIT: return st->commit;
	case F_APPLIED: return st->applied;
	case F_FIRST: return st->first_index;
	case F_LAST: return st->last_index;
	case F_PENDING: return st->pending;
	case F_MAX_PENDING: return st->max_pending;
	case F_FAILED: return !!(st->flags & RAFTLOG_STATUS_F_FAILED);
	case F_LOG_MEM: return st->log_mem;
	case F_STORAGE_FAILED:
		return st->storage_state == RAFTLOG_STORAGE_FAILED;
	case F_VOTERS:
	case F_LEARNERS:
		for (int i = 0; i < st->n_members; i++)
			n += st->members[i].kind == (idx == F_VOTERS ?
				RAFTLOG_MEMBER_VOTER : RAFTLOG_MEMBER_LEARNER);
		return n;
	}
	return 0;
}

static void header(FILE *f, const char *name, const char *help,
		   const char *type)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value: backslash, double quote and newline escaped. */
static void put_label(FILE *f, const char *key, const char *v)
{
	fprintf(f, ",%s=\"", key);
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', f);
		if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
	fputc('"', f);
}

static void labels(FILE *f, const struct rc_status *st)
{
	fprintf(f, "{group=\"%u\",node=\"%" PRIu64 "\"", st->group_id,
		st->node_id);
}

static void group_metrics(FILE *f, const struct rc_status *st, int n)
{
	for (size_t m = 0; m < sizeof(metrics) / sizeof(metrics[0]); m++) {
		const struct rc_metric *d = &metrics[m];

		header(f, d->name, d->help,
		       d->type == COUNTER ? "counter" : "gauge");
		for (int g = 0; g < n; g++) {
			const struct rc_status *s = &st[g];

			/* a volatile group has no device to report on */
			if (d->src == SRC_STORAGE &&
			    (!s->has_storage ||
			     s->storage_state == RAFTLOG_STORAGE_VOLATILE))
				continue;
			fputs(d->name, f);
			labels(f, s);
			fputs("} ", f);
			if (d->src == SRC_COUNTER)
				fprintf(f, "%" PRIu64, s->counters[d->idx]);
			else if (d->src == SRC_STORAGE)
				fprintf(f, "%" PRIu64, s->storage[d->idx]);
			else if (d->idx == F_FSYNC_SUM)
				put_seconds(f, s->counters[RAFTLOG_COUNTER_A_FSYNC_USEC_TOTAL]);
			else if (d->idx == F_FSYNC_MAX)
				put_seconds(f, s->counters[RAFTLOG_COUNTER_A_FSYNC_USEC_MAX]);
			else
				fprintf(f, "%" PRIu64, field(s, d->idx));
			fputc('\n', f);
		}
	}
}

/* Per-peer metrics: one sample per member other than this node. */
struct rc_peer_metric {
	const char *name;
	const char *help;
	int type;
	int attr;		/* RAFTLOG_MEMBER_A_*: a link counter */
};

enum { P_CONNECTED = -1, P_MATCH = -2, P_LAG = -3, P_INFLIGHT = -4,
       P_CONTACT = -5 };

static const struct rc_peer_metric peer_metrics[] = {
	{ "raftlog_peer_connected", "1 while the connection to the peer is up.",
	  GAUGE, P_CONNECTED },
	{ "raftlog_peer_match_index", "Highest index known replicated on the peer (leader only).",
	  GAUGE, P_MATCH },
	{ "raftlog_peer_lag_entries", "Entries the peer lacks of the leader's log (leader only).",
	  GAUGE, P_LAG },
	{ "raftlog_peer_inflight_entries", "Entries sent to the peer, not acknowledged (leader only).",
	  GAUGE, P_INFLIGHT },
	{ "raftlog_peer_last_contact_seconds", "Time since the last message from the peer.",
	  GAUGE, P_CONTACT },
	{ "raftlog_peer_connects_total", "Connections to the peer established.",
	  COUNTER, RAFTLOG_MEMBER_A_CONNECTS },
	{ "raftlog_peer_disconnects_total", "Connections to the peer lost.",
	  COUNTER, RAFTLOG_MEMBER_A_DISCONNECTS },
	{ "raftlog_peer_connect_failures_total", "Failed attempts to connect to the peer.",
	  COUNTER, RAFTLOG_MEMBER_A_CONNECT_FAILURES },
	{ "raftlog_peer_sent_frames_total", "Frames sent to the peer.",
	  COUNTER, RAFTLOG_MEMBER_A_FRAMES_OUT },
	{ "raftlog_peer_sent_bytes_total", "Bytes sent to the peer.",
	  COUNTER, RAFTLOG_MEMBER_A_BYTES_OUT },
	{ "raftlog_peer_received_frames_total", "Frames received from the peer.",
	  COUNTER, RAFTLOG_MEMBER_A_FRAMES_IN },
	{ "raftlog_peer_received_bytes_total", "Bytes received from the peer.",
	  COUNTER, RAFTLOG_MEMBER_A_BYTES_IN },
	{ "raftlog_peer_dropped_frames_total", "Frames for the peer dropped.",
	  COUNTER, RAFTLOG_MEMBER_A_FRAMES_DROPPED },
	{ "raftlog_peer_decode_errors_total", "Bad frames from the peer.",
	  COUNTER, RAFTLOG_MEMBER_A_DECODE_ERRORS },
	{ "raftlog_peer_handshake_failures_total", "Handshakes with the peer refused.",
	  COUNTER, RAFTLOG_MEMBER_A_HANDSHAKE_FAILURES },
};

/* The value of @d for member @m of @st; false: not known here. */
static bool peer_value(const struct rc_status *st, const struct rc_member *m,
		       const struct rc_peer_metric *d, uint64_t *v)
{
	switch (d->attr) {
	case P_CONNECTED:
		*v = m->connected;
		return m->has_link;
	case P_MATCH:
		*v = m->match;
		return m->has_progress;
	case P_LAG:
		*v = st->last_index > m->match ? st->last_index - m->match : 0;
		return m->has_progress;
	case P_INFLIGHT:
		*v = m->inflight;
		return m->has_progress;
	case P_CONTACT:
		*v = m->contact_ms;
		return m->has_contact;
	}
	*v = m->link[d->attr];
	return m->has_link;
}

static void peer_metrics_put(FILE *f, const struct rc_status *st, int n)
{
	for (size_t k = 0; k < sizeof(peer_metrics) / sizeof(peer_metrics[0]); k++) {
		const struct rc_peer_metric *d = &peer_metrics[k];

		header(f, d->name, d->help,
		       d->type == COUNTER ? "counter" : "gauge");
		for (int g = 0; g < n; g++) {
			for (int i = 0; i < st[g].n_members; i++) {
				const struct rc_member *m = &st[g].members[i];
				uint64_t v;

				if (m->self || !peer_value(&st[g], m, d, &v))
					continue;
				fputs(d->name, f);
				labels(f, &st[g]);
				fprintf(f, ",peer=\"%" PRIu64 "\"} ", m->id);
				if (d->attr == P_CONTACT)
					fprintf(f, "%" PRIu64 ".%03" PRIu64 "\n",
						v / 1000, v % 1000);
				else
					fprintf(f, "%" PRIu64 "\n", v);
			}
		}
	}
}

/* The memory users: one sample per user (pool="log", ...) and group. */
static void mem_metrics_put(FILE *f, const struct rc_status *st, int n)
{
	for (int lim = 0; lim < 2; lim++) {
		const char *name = lim ? "raftlog_memory_limit_bytes" :
				   "raftlog_memory_bytes";

		header(f, name, lim ?
		       "Bound on what a memory user of the group holds (0: none)." :
		       "Bytes a memory user of the group holds.", "gauge");
		for (int g = 0; g < n; g++) {
			if (!st[g].has_mem)
				continue;
			for (int t = RAFTLOG_MEM_A_LOG; t < RAFTLOG_MEM_A_MAX; t += 2) {
				fputs(name, f);
				labels(f, &st[g]);
				put_label(f, "pool", rc_mem_names[t]);
				fprintf(f, "} %" PRIu64 "\n", st[g].mem[t + lim]);
			}
		}
	}
}

/* A histogram family: cumulative le buckets, +Inf, _sum, _count. */
static void hist_put(FILE *f, const char *name, const char *help,
		     const struct rc_status *st, int n, size_t off)
{
	header(f, name, help, "histogram");
	for (int g = 0; g < n; g++) {
		const struct rc_hist *h =
			(const struct rc_hist *)((const char *)&st[g] + off);
		uint64_t cum = 0;

		if (!h->present)
			continue;
		/* the kernel's last bucket also holds what is above it */
		for (int i = 0; i < h->n - 1; i++) {
			cum += h->bucket[i];
			fprintf(f, "%s_bucket", name);
			labels(f, &st[g]);
			fputs(",le=\"", f);
			put_seconds(f, (uint64_t)1 << i);
			fprintf(f, "\"} %" PRIu64 "\n", cum);
		}
		fprintf(f, "%s_bucket", name);
		labels(f, &st[g]);
		fprintf(f, ",le=\"+Inf\"} %" PRIu64 "\n", h->count);
		fprintf(f, "%s_sum", name);
		labels(f, &st[g]);
		fputs("} ", f);
		put_seconds(f, h->sum_us);
		fprintf(f, "\n%s_count", name);
		labels(f, &st[g]);
		fprintf(f, "} %" PRIu64 "\n", h->count);
	}
}

void rc_stats_prometheus(FILE *f, const struct rc_status *st, int n)
{
	header(f, "raftlog_group_info",
	       "A raftlog group on this node (value 1); its names as labels.",
	       "gauge");
	for (int g = 0; g < n; g++) {
		fputs("raftlog_group_info", f);
		labels(f, &st[g]);
		fprintf(f, ",cluster=\"%" PRIu64 "\"", st[g].cluster_id);
		put_label(f, "name", st[g].name);
		put_label(f, "chardev", st[g].chardev);
		put_label(f, "device", st[g].device);
		fputs("} 1\n", f);
	}
	group_metrics(f, st, n);
	peer_metrics_put(f, st, n);
	mem_metrics_put(f, st, n);
	hist_put(f, "raftlog_persist_latency_seconds",
		 "Time a batch of entries took to become durable on the device.",
		 st, n, offsetof(struct rc_status, persist_hist));
	hist_put(f, "raftlog_commit_latency_seconds",
		 "Time a proposal made on this node took from submission to commit.",
		 st, n, offsetof(struct rc_status, commit_hist));
}
