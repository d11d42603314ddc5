// SPDX-License-Identifier: GPL-2.0
/*
 * raftctl: parse and print a group's status (RAFTLOG_CMD_GROUP_GET).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/raftlog.h>

#include "raftctl.h"
#include "status.h"

static const char *const roles[] = {
	"follower", "pre-candidate", "candidate", "leader",
};

const char *rc_role_name(unsigned int role)
{
	return role < 4 ? roles[role] : "?";
}

static const char *const progress_names[] = { "probe", "replicate", "snapshot" };
static const char *const storage_states[] = { "ok", "volatile", "failed" };

/* JSON/column names of the counters, in attribute order. */
static const char *const counter_names[RAFTLOG_COUNTER_A_MAX + 1] = {
	[RAFTLOG_COUNTER_A_ELECTIONS_STARTED] = "elections_started",
	[RAFTLOG_COUNTER_A_ELECTIONS_WON] = "elections_won",
	[RAFTLOG_COUNTER_A_PROPOSALS] = "proposals",
	[RAFTLOG_COUNTER_A_PROPOSALS_FAILED] = "proposals_failed",
	[RAFTLOG_COUNTER_A_COMMITS] = "commits",
	[RAFTLOG_COUNTER_A_COMMIT_BYTES] = "commit_bytes",
	[RAFTLOG_COUNTER_A_FSYNCS] = "fsyncs",
	[RAFTLOG_COUNTER_A_FSYNC_USEC_TOTAL] = "fsync_usec_total",
	[RAFTLOG_COUNTER_A_FSYNC_USEC_MAX] = "fsync_usec_max",
	[RAFTLOG_COUNTER_A_FSYNC_SAMPLES] = "fsync_samples",
	[RAFTLOG_COUNTER_A_DECODE_ERRORS] = "decode_errors",
	[RAFTLOG_COUNTER_A_HANDSHAKE_FAILURES] = "handshake_failures",
	[RAFTLOG_COUNTER_A_MSGS_DROPPED] = "msgs_dropped",
	[RAFTLOG_COUNTER_A_MSGS_IN_DROPPED] = "msgs_in_dropped",
	[RAFTLOG_COUNTER_A_FETCHED] = "fetched",
	[RAFTLOG_COUNTER_A_FETCH_ERRORS] = "fetch_errors",
	[RAFTLOG_COUNTER_A_LOG_MEM_USED] = "log_mem_used",
	[RAFTLOG_COUNTER_A_LOG_MEM_PEAK] = "log_mem_peak",
	[RAFTLOG_COUNTER_A_AUTO_COMPACTIONS] = "auto_compactions",
	[RAFTLOG_COUNTER_A_MAC_ERRORS] = "mac_errors",
	[RAFTLOG_COUNTER_A_SEQ_ERRORS] = "seq_errors",
	[RAFTLOG_COUNTER_A_CONNS_REFUSED] = "conns_refused",
	[RAFTLOG_COUNTER_A_DISK_STALLS] = "disk_stalls",
	[RAFTLOG_COUNTER_A_NOMEM_RETRIES] = "nomem_retries",
	[RAFTLOG_COUNTER_A_QUIESCED] = "quiesced",
	[RAFTLOG_COUNTER_A_QUIESCES] = "quiesces",
	[RAFTLOG_COUNTER_A_WAKES] = "wakes",
	[RAFTLOG_COUNTER_A_PEERS_LOST] = "peers_lost",
};

static const char *const storage_names[RAFTLOG_STORAGE_A_MAX + 1] = {
	[RAFTLOG_STORAGE_A_FIRST_INDEX] = "first_index",
	[RAFTLOG_STORAGE_A_LAST_INDEX] = "last_index",
	[RAFTLOG_STORAGE_A_DURABLE_INDEX] = "durable_index",
	[RAFTLOG_STORAGE_A_SNAP_INDEX] = "snap_index",
	[RAFTLOG_STORAGE_A_SNAP_TERM] = "snap_term",
	[RAFTLOG_STORAGE_A_RING_BLOCKS] = "ring_blocks",
	[RAFTLOG_STORAGE_A_USED_BLOCKS] = "used_blocks",
	[RAFTLOG_STORAGE_A_RECORDS] = "records",
	[RAFTLOG_STORAGE_A_MAX_RECORDS] = "max_records",
	[RAFTLOG_STORAGE_A_RING_LAPS] = "ring_laps",
	[RAFTLOG_STORAGE_A_BAD_READS] = "bad_reads",
};

static const char *const link_names[RAFTLOG_MEMBER_A_MAX + 1] = {
	[RAFTLOG_MEMBER_A_CONNECTS] = "connects",
	[RAFTLOG_MEMBER_A_DISCONNECTS] = "disconnects",
	[RAFTLOG_MEMBER_A_CONNECT_FAILURES] = "connect_failures",
	[RAFTLOG_MEMBER_A_FRAMES_OUT] = "frames_out",
	[RAFTLOG_MEMBER_A_BYTES_OUT] = "bytes_out",
	[RAFTLOG_MEMBER_A_FRAMES_IN] = "frames_in",
	[RAFTLOG_MEMBER_A_BYTES_IN] = "bytes_in",
	[RAFTLOG_MEMBER_A_FRAMES_DROPPED] = "frames_dropped",
	[RAFTLOG_MEMBER_A_DECODE_ERRORS] = "decode_errors",
	[RAFTLOG_MEMBER_A_HANDSHAKE_FAILURES] = "handshake_failures",
};

/* An attribute of the wrong size is refused: never read past it. */
static bool ok_len(const struct nlattr *a, size_t len)
{
	return mnl_attr_get_payload_len(a) >= len;
}

static uint64_t get_u64(const struct nlattr *a)
{
	return ok_len(a, 8) ? mnl_attr_get_u64(a) : 0;
}

static uint32_t get_u32(const struct nlattr *a)
{
	return ok_len(a, 4) ? mnl_attr_get_u32(a) : 0;
}

static uint8_t get_u8(const struct nlattr *a)
{
	return ok_len(a, 1) ? mnl_attr_get_u8(a) : 0;
}

static void get_str(const struct nlattr *a, char *buf, size_t len)
{
	size_t n = mnl_attr_get_payload_len(a);

	if (n >= len)
		n = len - 1;
	memcpy(buf, mnl_attr_get_payload(a), n);
	buf[n] = 0;
}

int rc_member_parse(const struct nlattr *nest, struct rc_member *m)
{
	const struct nlattr *a;
	int t;

	memset(m, 0, sizeof(*m));
	mnl_attr_for_each_nested(a, nest) {
		t = mnl_attr_get_type(a);
		switch (t) {
		case RAFTLOG_MEMBER_A_ID:
			m->id = get_u64(a);
			break;
		case RAFTLOG_MEMBER_A_ADDR:
			get_str(a, m->addr, sizeof(m->addr));
			break;
		case RAFTLOG_MEMBER_A_KIND:
			m->kind = get_u8(a);
			break;
		case RAFTLOG_MEMBER_A_SELF:
			m->self = true;
			break;
		case RAFTLOG_MEMBER_A_MATCH:
			m->has_progress = true;
			m->match = get_u64(a);
			break;
		case RAFTLOG_MEMBER_A_NEXT:
			m->next = get_u64(a);
			break;
		case RAFTLOG_MEMBER_A_INFLIGHT:
			m->inflight = get_u64(a);
			break;
		case RAFTLOG_MEMBER_A_PROGRESS:
			m->progress = get_u8(a);
			break;
		case RAFTLOG_MEMBER_A_CONTACT_MS:
			m->has_contact = true;
			m->contact_ms = get_u64(a);
			break;
		case RAFTLOG_MEMBER_A_CONNECTED:
			m->has_link = true;
			m->connected = get_u8(a);
			break;
		default:
			if (t >= RAFTLOG_MEMBER_A_CONNECTS &&
			    t <= RAFTLOG_MEMBER_A_MAX)
				m->link[t] = get_u64(a);
			break;
		}
	}
	return 0;
}

static void parse_nested_u64(const struct nlattr *nest, uint64_t *v, int max)
{
	const struct nlattr *a;
	int t;

	mnl_attr_for_each_nested(a, nest) {
		t = mnl_attr_get_type(a);
		if (t > 1 && t <= max && ok_len(a, 8))
			v[t] = mnl_attr_get_u64(a);
	}
}

/* A histogram nest; buckets beyond what we keep are folded into the last. */
int rc_hist_parse(const struct nlattr *nest, struct rc_hist *h)
{
	const struct nlattr *a;
	const uint8_t *p;
	uint64_t v;
	size_t len;

	memset(h, 0, sizeof(*h));
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case RAFTLOG_HIST_A_COUNT:
			if (ok_len(a, 8))
				h->count = mnl_attr_get_u64(a);
			break;
		case RAFTLOG_HIST_A_SUM_USEC:
			if (ok_len(a, 8))
				h->sum_us = mnl_attr_get_u64(a);
			break;
		case RAFTLOG_HIST_A_BUCKETS:
			len = mnl_attr_get_payload_len(a);
			if (len % 8 || !len)
				return -1;
			p = mnl_attr_get_payload(a);
			for (size_t i = 0; i < len / 8; i++) {
				memcpy(&v, p + 8 * i, 8);
				h->bucket[i < RC_HIST_MAX ? i : RC_HIST_MAX - 1] += v;
			}
			h->n = len / 8 < RC_HIST_MAX ? len / 8 : RC_HIST_MAX;
			break;
		}
	}
	h->present = h->n > 0;
	return 0;
}

static void parse_storage(const struct nlattr *nest, struct rc_status *st)
{
	const struct nlattr *a;

	st->has_storage = true;
	parse_nested_u64(nest, st->storage, RAFTLOG_STORAGE_A_MAX);
	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) == RAFTLOG_STORAGE_A_STATE)
			st->storage_state = get_u8(a);
		else if (mnl_attr_get_type(a) == RAFTLOG_STORAGE_A_ERROR)
			st->storage_error = (int32_t)get_u32(a);
	}
}

int rc_status_parse(const struct nlmsghdr *nlh, struct rc_status *st)
{
	const struct nlattr *a;

	memset(st, 0, sizeof(*st));
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case RAFTLOG_A_GROUP_ID: st->group_id = get_u32(a); break;
		case RAFTLOG_A_NODE_ID: st->node_id = get_u64(a); break;
		case RAFTLOG_A_CLUSTER_ID: st->cluster_id = get_u64(a); break;
		case RAFTLOG_A_DEVICE: get_str(a, st->device, sizeof(st->device)); break;
		case RAFTLOG_A_LISTEN: get_str(a, st->listen, sizeof(st->listen)); break;
		case RAFTLOG_A_CHARDEV: get_str(a, st->chardev, sizeof(st->chardev)); break;
		case RAFTLOG_A_AUTH: st->auth = true; break;
		case RAFTLOG_A_VOLATILE: st->volatile_log = true; break;
		case RAFTLOG_A_INSECURE: st->insecure = true; break;
		case RAFTLOG_A_TICK_MS: st->tick_ms = get_u32(a); break;
		case RAFTLOG_A_ELECTION_TICKS: st->election_ticks = get_u32(a); break;
		case RAFTLOG_A_HEARTBEAT_TICKS: st->heartbeat_ticks = get_u32(a); break;
		case RAFTLOG_A_MAX_ENTRY: st->max_entry = get_u32(a); break;
		case RAFTLOG_A_MAX_PENDING: st->max_pending = get_u32(a); break;
		case RAFTLOG_A_CACHE_ENTRIES: st->cache_entries = get_u32(a); break;
		case RAFTLOG_A_LOG_MEM: st->log_mem = get_u64(a); break;
		case RAFTLOG_A_RETAIN: st->retain = get_u64(a); break;
		case RAFTLOG_A_COMPACT_AT: st->compact_at = get_u32(a); break;
		case RAFTLOG_A_ROLE: st->role = get_u8(a); break;
		case RAFTLOG_A_TERM: st->term = get_u64(a); break;
		case RAFTLOG_A_VOTE: st->vote = get_u64(a); break;
		case RAFTLOG_A_LEADER: st->leader = get_u64(a); break;
		case RAFTLOG_A_COMMIT: st->commit = get_u64(a); break;
		case RAFTLOG_A_APPLIED: st->applied = get_u64(a); break;
		case RAFTLOG_A_FIRST_INDEX: st->first_index = get_u64(a); break;
		case RAFTLOG_A_LAST_INDEX: st->last_index = get_u64(a); break;
		case RAFTLOG_A_PENDING: st->pending = get_u32(a); break;
		case RAFTLOG_A_FLAGS: st->flags = get_u32(a); break;
		case RAFTLOG_A_MEMBER:
			if (st->n_members < RC_MAX_MEMBERS)
				rc_member_parse(a, &st->members[st->n_members++]);
			break;
		case RAFTLOG_A_COUNTERS:
			parse_nested_u64(a, st->counters, RAFTLOG_COUNTER_A_MAX);
			break;
		case RAFTLOG_A_STORAGE:
			parse_storage(a, st);
			break;
		case RAFTLOG_A_PERSIST_HIST:
			rc_hist_parse(a, &st->persist_hist);
			break;
		case RAFTLOG_A_COMMIT_HIST:
			rc_hist_parse(a, &st->commit_hist);
			break;
		case RAFTLOG_A_MEMORY:
			st->has_mem = true;
			parse_nested_u64(a, st->mem, RAFTLOG_MEM_A_MAX);
			break;
		}
	}
	return st->group_id ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* For people                                                          */

static const char *state_name(const struct rc_status *st)
{
	return st->storage_state < 3 ? storage_states[st->storage_state] : "?";
}

static uint64_t count_kind(const struct rc_status *st, uint8_t kind)
{
	uint64_t n = 0;

	for (int i = 0; i < st->n_members; i++)
		n += st->members[i].kind == kind;
	return n;
}

/* A size for people: bytes, or K/M/G with one decimal. */
static void put_size(char *buf, size_t len, uint64_t v)
{
	static const char unit[] = "KMG";
	double d = v;
	int u = -1;

	if (v < 1024) {
		snprintf(buf, len, "%" PRIu64, v);
		return;
	}
	while (d >= 1024 && u < 2) {
		d /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f%c", d, unit[u]);
}

/*
 * The memory line: every user as used/bound ("-": no bound, a group
 * without a device keeps its whole log), and the totals.
 */
static void mem_print(const struct rc_status *st)
{
	uint64_t used = 0, limit = 0;
	char a[16], b[16];
	int t, col = 0;

	if (!st->has_mem)
		return;
	for (t = RAFTLOG_MEM_A_LOG; t < RAFTLOG_MEM_A_MAX; t += 2) {
		used += st->mem[t];
		limit += st->mem[t + 1];
	}
	put_size(a, sizeof(a), used);
	put_size(b, sizeof(b), limit);
	printf("  memory %s of at most %s:", a, b);
	for (t = RAFTLOG_MEM_A_LOG; t < RAFTLOG_MEM_A_MAX; t += 2) {
		put_size(a, sizeof(a), st->mem[t]);
		if (st->mem[t + 1])
			put_size(b, sizeof(b), st->mem[t + 1]);
		else
			snprintf(b, sizeof(b), "-");
		if (col == 4) {
			printf("\n   ");
			col = 0;
		}
		printf(" %s %s/%s", rc_mem_names[t], a, b);
		col++;
	}
	printf("\n");
}

void rc_status_print(const struct rc_status *st, int nth)
{
	const uint64_t *c = st->counters;
	char leader[32];

	if (nth)
		putchar('\n');
	if (!st->leader)
		snprintf(leader, sizeof(leader), "none");
	else if (st->leader == st->node_id)
		snprintf(leader, sizeof(leader), "%" PRIu64 " (self)", st->leader);
	else
		snprintf(leader, sizeof(leader), "%" PRIu64, st->leader);
	printf("group %u  node %" PRIu64 "  cluster %" PRIu64 "  %s  term %" PRIu64
	       "  leader %s%s\n", st->group_id, st->node_id, st->cluster_id,
	       rc_role_name(st->role), st->term, leader,
	       st->flags & RAFTLOG_STATUS_F_FAILED ? "  FAILED" : "");
	printf("  log %" PRIu64 "..%" PRIu64 "  commit %" PRIu64 "  applied %"
	       PRIu64 "  pending %u/%u\n", st->first_index, st->last_index,
	       st->commit, st->applied, st->pending, st->max_pending);
	printf("  /dev/%s  storage %s %s", st->chardev,
	       st->device[0] ? st->device : "(none)", state_name(st));
	if (st->volatile_log)
		printf(" (nothing is durable)");
	if (st->storage_error)
		printf(" (%s)", strerror(-st->storage_error));
	else if (st->device[0])
		printf(" durable %" PRIu64 " used %" PRIu64 "/%" PRIu64 " blocks"
		       " %" PRIu64 "/%" PRIu64 " records",
		       st->storage[RAFTLOG_STORAGE_A_DURABLE_INDEX],
		       st->storage[RAFTLOG_STORAGE_A_USED_BLOCKS],
		       st->storage[RAFTLOG_STORAGE_A_RING_BLOCKS],
		       st->storage[RAFTLOG_STORAGE_A_RECORDS],
		       st->storage[RAFTLOG_STORAGE_A_MAX_RECORDS]);
	if (st->storage[RAFTLOG_STORAGE_A_BAD_READS])
		printf(" (%" PRIu64 " records read back corrupt)",
		       st->storage[RAFTLOG_STORAGE_A_BAD_READS]);
	printf("\n  listen %s  auth %s%s  tick %ums  election %u  heartbeat %u"
	       "  max-entry %u  cache %u\n",
	       st->listen[0] ? st->listen : "-", st->auth ? "yes" : "no",
	       st->insecure ? " (insecure: anyone reaching the port can rewrite the log)" : "",
	       st->tick_ms, st->election_ticks, st->heartbeat_ticks,
	       st->max_entry, st->cache_entries);
	if (st->device[0] && st->compact_at >= 100)
		printf("  retention: never compacts (proposals get ENOSPC once "
		       "the ring is full)\n");
	else if (st->device[0])
		printf("  retention: keeps %" PRIu64 " applied entries, compacts "
		       "at %u%% of the ring (%" PRIu64 " times so far)\n",
		       st->retain, st->compact_at,
		       st->counters[RAFTLOG_COUNTER_A_AUTO_COMPACTIONS]);
	printf("  %" PRIu64 " voters, %" PRIu64 " learners\n",
	       count_kind(st, RAFTLOG_MEMBER_VOTER),
	       count_kind(st, RAFTLOG_MEMBER_LEARNER));
	printf("  quiesced %s  quiesces %" PRIu64 " wakes %" PRIu64
	       "  peers lost %" PRIu64 "\n",
	       c[RAFTLOG_COUNTER_A_QUIESCED] ? "yes" : "no",
	       c[RAFTLOG_COUNTER_A_QUIESCES], c[RAFTLOG_COUNTER_A_WAKES],
	       c[RAFTLOG_COUNTER_A_PEERS_LOST]);
	printf("  %-6s %-8s %-22s %-5s %8s %8s %8s %-9s %8s\n", "MEMBER", "KIND",
	       "ADDRESS", "LINK", "MATCH", "NEXT", "INFLIGHT", "PROGRESS",
	       "CONTACT");
	for (int i = 0; i < st->n_members; i++) {
		const struct rc_member *m = &st->members[i];
		char match[24] = "-", next[24] = "-", infl[24] = "-";
		char contact[24] = "-", id[24];

		snprintf(id, sizeof(id), "%" PRIu64 "%s", m->id, m->self ? "*" : "");
		if (m->has_progress) {
			snprintf(match, sizeof(match), "%" PRIu64, m->match);
			snprintf(next, sizeof(next), "%" PRIu64, m->next);
			snprintf(infl, sizeof(infl), "%" PRIu64, m->inflight);
		}
		if (m->has_contact)
			snprintf(contact, sizeof(contact), "%" PRIu64 "ms",
				 m->contact_ms);
		printf("  %-6s %-8s %-22s %-5s %8s %8s %8s %-9s %8s\n", id,
		       m->kind == RAFTLOG_MEMBER_LEARNER ? "learner" : "voter",
		       m->addr[0] ? m->addr : "-",
		       m->self ? "self" : !m->has_link ? "-" :
		       m->connected ? "up" : "down",
		       match, next, infl,
		       m->has_progress && m->progress < 3 ?
		       progress_names[m->progress] : "-", contact);
	}
	printf("  elections %" PRIu64 " won %" PRIu64 "  proposals %" PRIu64
	       " failed %" PRIu64 "  commits %" PRIu64 " (%" PRIu64 " bytes)\n",
	       c[RAFTLOG_COUNTER_A_ELECTIONS_STARTED],
	       c[RAFTLOG_COUNTER_A_ELECTIONS_WON], c[RAFTLOG_COUNTER_A_PROPOSALS],
	       c[RAFTLOG_COUNTER_A_PROPOSALS_FAILED], c[RAFTLOG_COUNTER_A_COMMITS],
	       c[RAFTLOG_COUNTER_A_COMMIT_BYTES]);
	printf("  fsyncs %" PRIu64 " avg %" PRIu64 "us max %" PRIu64 "us"
	       "  decode errors %" PRIu64 "  handshake failures %" PRIu64
	       "  dropped out %" PRIu64 " in %" PRIu64 "\n",
	       c[RAFTLOG_COUNTER_A_FSYNCS],
	       c[RAFTLOG_COUNTER_A_FSYNC_SAMPLES] ?
	       c[RAFTLOG_COUNTER_A_FSYNC_USEC_TOTAL] /
	       c[RAFTLOG_COUNTER_A_FSYNC_SAMPLES] : 0,
	       c[RAFTLOG_COUNTER_A_FSYNC_USEC_MAX],
	       c[RAFTLOG_COUNTER_A_DECODE_ERRORS],
	       c[RAFTLOG_COUNTER_A_HANDSHAKE_FAILURES],
	       c[RAFTLOG_COUNTER_A_MSGS_DROPPED],
	       c[RAFTLOG_COUNTER_A_MSGS_IN_DROPPED]);
	printf("  log memory %" PRIu64 "/%" PRIu64 " bytes (peak %" PRIu64
	       ")  read back %" PRIu64 " entries (%" PRIu64 " failed)\n",
	       c[RAFTLOG_COUNTER_A_LOG_MEM_USED], st->log_mem,
	       c[RAFTLOG_COUNTER_A_LOG_MEM_PEAK],
	       c[RAFTLOG_COUNTER_A_FETCHED], c[RAFTLOG_COUNTER_A_FETCH_ERRORS]);
	printf("  frames refused: bad MAC %" PRIu64 " out of sequence %" PRIu64
	       "  connections refused %" PRIu64 "\n",
	       c[RAFTLOG_COUNTER_A_MAC_ERRORS], c[RAFTLOG_COUNTER_A_SEQ_ERRORS],
	       c[RAFTLOG_COUNTER_A_CONNS_REFUSED]);
	printf("  disk stalls %" PRIu64 "  allocations retried %" PRIu64 "\n",
	       c[RAFTLOG_COUNTER_A_DISK_STALLS],
	       c[RAFTLOG_COUNTER_A_NOMEM_RETRIES]);
	mem_print(st);
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */

static void member_json(struct rc_json *j, const struct rc_member *m)
{
	j_begin(j, NULL, '{');
	j_u64(j, "id", m->id);
	j_str(j, "kind", m->kind == RAFTLOG_MEMBER_LEARNER ? "learner" : "voter");
	j_bool(j, "self", m->self);
	if (m->addr[0])
		j_str(j, "addr", m->addr);
	if (m->has_progress) {
		j_u64(j, "match", m->match);
		j_u64(j, "next", m->next);
		j_u64(j, "inflight", m->inflight);
		j_str(j, "progress", m->progress < 3 ?
		      progress_names[m->progress] : "?");
	}
	if (m->has_contact)
		j_u64(j, "contact_ms", m->contact_ms);
	if (m->has_link) {
		j_bool(j, "connected", m->connected);
		for (int t = RAFTLOG_MEMBER_A_CONNECTS; t <= RAFTLOG_MEMBER_A_MAX; t++)
			j_u64(j, link_names[t], m->link[t]);
	}
	j_end(j, '}');
}

static void hist_json(struct rc_json *j, const char *key,
		      const struct rc_hist *h)
{
	if (!h->present)
		return;
	j_begin(j, key, '{');
	j_u64(j, "count", h->count);
	j_u64(j, "sum_usec", h->sum_us);
	/* bucket i: samples above 2^(i-1) and at most 2^i microseconds */
	j_begin(j, "buckets", '[');
	for (int i = 0; i < h->n; i++)
		j_u64(j, NULL, h->bucket[i]);
	j_end(j, ']');
	j_end(j, '}');
}

void rc_status_json(struct rc_json *j, const struct rc_status *st)
{
	j_begin(j, NULL, '{');
	if (st->name[0])
		j_str(j, "name", st->name);
	j_u64(j, "group", st->group_id);
	j_u64(j, "node", st->node_id);
	j_u64(j, "cluster", st->cluster_id);
	j_str(j, "role", rc_role_name(st->role));
	j_u64(j, "term", st->term);
	j_u64(j, "vote", st->vote);
	j_u64(j, "leader", st->leader);
	j_u64(j, "commit", st->commit);
	j_u64(j, "applied", st->applied);
	j_u64(j, "first_index", st->first_index);
	j_u64(j, "last_index", st->last_index);
	j_u64(j, "pending", st->pending);
	j_bool(j, "failed", st->flags & RAFTLOG_STATUS_F_FAILED);
	j_str(j, "chardev", st->chardev);
	if (st->device[0])
		j_str(j, "device", st->device);
	if (st->listen[0])
		j_str(j, "listen", st->listen);
	j_bool(j, "auth", st->auth);
	j_bool(j, "volatile", st->volatile_log);
	j_bool(j, "insecure", st->insecure);
	j_u64(j, "tick_ms", st->tick_ms);
	j_u64(j, "election_ticks", st->election_ticks);
	j_u64(j, "heartbeat_ticks", st->heartbeat_ticks);
	j_u64(j, "max_entry", st->max_entry);
	j_u64(j, "max_pending", st->max_pending);
	j_u64(j, "cache_entries", st->cache_entries);
	j_u64(j, "log_mem", st->log_mem);
	j_u64(j, "retain", st->retain);
	j_u64(j, "compact_at", st->compact_at);
	j_u64(j, "voters", count_kind(st, RAFTLOG_MEMBER_VOTER));
	j_u64(j, "learners", count_kind(st, RAFTLOG_MEMBER_LEARNER));
	j_begin(j, "members", '[');
	for (int i = 0; i < st->n_members; i++)
		member_json(j, &st->members[i]);
	j_end(j, ']');
	j_begin(j, "counters", '{');
	for (int t = RAFTLOG_COUNTER_A_ELECTIONS_STARTED; t <= RAFTLOG_COUNTER_A_MAX; t++)
		j_u64(j, counter_names[t], st->counters[t]);
	j_end(j, '}');
	if (st->has_storage) {
		j_begin(j, "storage", '{');
		j_str(j, "state", state_name(st));
		j_s64(j, "error", st->storage_error);
		if (st->storage_state != RAFTLOG_STORAGE_VOLATILE)
			for (int t = RAFTLOG_STORAGE_A_FIRST_INDEX; t <= RAFTLOG_STORAGE_A_MAX; t++)
				j_u64(j, storage_names[t], st->storage[t]);
		j_end(j, '}');
	}
	if (st->has_mem) {
		j_begin(j, "memory", '{');
		for (int t = RAFTLOG_MEM_A_LOG; t < RAFTLOG_MEM_A_MAX; t += 2) {
			j_begin(j, rc_mem_names[t], '{');
			j_u64(j, "used", st->mem[t]);
			j_u64(j, "limit", st->mem[t + 1]);
			j_end(j, '}');
		}
		j_end(j, '}');
	}
	hist_json(j, "persist_latency", &st->persist_hist);
	hist_json(j, "commit_latency", &st->commit_hist);
	j_end(j, '}');
}

/* ------------------------------------------------------------------ */
/* The character device of a group                                    */

static int chardev_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rc_status *st = data;

	return rc_status_parse(nlh, st) ? MNL_CB_ERROR : MNL_CB_OK;
}

int rc_group_status(uint32_t id, struct rc_status *st)
{
	struct rc_nl nl;
	struct nlmsghdr *nlh;
	int err;

	if (rc_nl_open(&nl, true))
		return -ENOENT;
	nlh = rc_nl_req(&nl, RAFTLOG_CMD_GROUP_GET, 0);
	mnl_attr_put_u32(nlh, RAFTLOG_A_GROUP_ID, id);
	err = rc_nl_talk(&nl, nlh, chardev_cb, st);
	rc_nl_close(&nl);
	return err;
}

int rc_group_chardev(uint32_t id, char *path, size_t len)
{
	static struct rc_status st;
	struct rc_nl nl;
	struct nlmsghdr *nlh;
	int rc, err;

	rc = rc_nl_open(&nl, true);
	if (rc == RC_NOMOD) {
		/* no netlink: the initial namespace's name */
		snprintf(path, len, "/dev/raftlog%u", id);
		return RC_OK;
	}
	if (rc)
		return rc;
	nlh = rc_nl_req(&nl, RAFTLOG_CMD_GROUP_GET, 0);
	mnl_attr_put_u32(nlh, RAFTLOG_A_GROUP_ID, id);
	err = rc_nl_talk(&nl, nlh, chardev_cb, &st);
	if (err) {
		rc = rc_nl_perror(&nl, "group", err);
		rc_nl_close(&nl);
		return rc;
	}
	rc_nl_close(&nl);
	snprintf(path, len, "/dev/%s", st.chardev);
	return RC_OK;
}
