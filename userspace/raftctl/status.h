/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A group's status as RAFTLOG_CMD_GROUP_GET reports it, parsed; printed
 * for people or as JSON.
 */
#ifndef RAFTCTL_STATUS_H
#define RAFTCTL_STATUS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/raftlog.h>

struct nlmsghdr;
struct nlattr;
struct rc_json;

#define RC_MAX_MEMBERS	32

struct rc_member {
	uint64_t id;
	char addr[64];
	uint8_t kind;
	bool self;
	bool has_progress, has_contact, has_link;
	uint8_t progress;
	uint64_t match, next, inflight, contact_ms;
	bool connected;
	/* RAFTLOG_MEMBER_A_CONNECTS.. in attribute order */
	uint64_t link[RAFTLOG_MEMBER_A_MAX + 1];
};

/* A latency histogram (RAFTLOG_HIST_A_*): log2 buckets of microseconds. */
#define RC_HIST_MAX	64

struct rc_hist {
	bool present;
	uint64_t count, sum_us;
	int n;				/* buckets reported */
	uint64_t bucket[RC_HIST_MAX];	/* bucket i: at most 2^i us */
};

struct rc_status {
	char name[64];		/* the config's NAME when known, else "" */
	uint32_t group_id;
	uint64_t node_id, cluster_id;
	char device[128], listen[64], chardev[64];
	bool auth, volatile_log, insecure;
	uint32_t tick_ms, election_ticks, heartbeat_ticks;
	uint32_t max_entry, max_pending, cache_entries;
	uint64_t log_mem;
	uint64_t retain;
	uint32_t compact_at;
	uint8_t role;
	uint64_t term, vote, leader, commit, applied, first_index, last_index;
	uint32_t pending, flags;
	int n_members;
	struct rc_member members[RC_MAX_MEMBERS];
	uint64_t counters[RAFTLOG_COUNTER_A_MAX + 1];
	bool has_storage;
	uint8_t storage_state;
	int32_t storage_error;
	uint64_t storage[RAFTLOG_STORAGE_A_MAX + 1];
	bool has_mem;
	uint64_t mem[RAFTLOG_MEM_A_MAX + 1];	/* used, then _LIMIT */
	struct rc_hist persist_hist, commit_hist;
};

/* The memory users of RAFTLOG_MEM_A_*: name of the user at attr (used). */
extern const char *const rc_mem_names[RAFTLOG_MEM_A_MAX + 1];

int rc_status_parse(const struct nlmsghdr *nlh, struct rc_status *st);
int rc_member_parse(const struct nlattr *nest, struct rc_member *m);
void rc_status_print(const struct rc_status *st, int nth);
void rc_status_json(struct rc_json *j, const struct rc_status *st);
const char *rc_role_name(unsigned int role);
int rc_hist_parse(const struct nlattr *nest, struct rc_hist *h);

/* stats.c: every counter and gauge of groups st[0..n), in Prometheus's
 * text format (node_exporter's textfile collector reads it)
 */
void rc_stats_prometheus(FILE *f, const struct rc_status *st, int n);

/* The path of /dev/<chardev> of group @id here: 0, or an exit code. */
int rc_group_chardev(uint32_t id, char *path, size_t len);
/* The status of group @id here, quietly: 0 or -errno. */
int rc_group_status(uint32_t id, struct rc_status *st);

#endif
