/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Group configuration files: /etc/raftlog/<name>.conf, one group per
 * file (raftlog.conf(5)).  Parsing, validation and the canonical printed
 * form; no netlink here, so the host unit tests link this file alone.
 */
#ifndef RAFTCTL_CONF_H
#define RAFTCTL_CONF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define RC_CONF_DIR		"/etc/raftlog"
#define RC_CONF_ENV		"RAFTLOG_CONFDIR"
#define RC_CONF_NAME_MAX	32
#define RC_CONF_PEERS_MAX	15
#define RC_CONF_LINE_MAX	1024

/* Defaults of the kernel (uapi/linux/raftlog.h, RAFTLOG_CMD_GROUP_NEW). */
#define RC_DEF_TICK_MS		50
#define RC_DEF_ELECTION_TICKS	10
#define RC_DEF_HEARTBEAT_TICKS	2
#define RC_DEF_MAX_ENTRY	65536
#define RC_DEF_MAX_PENDING	1024
#define RC_DEF_CACHE_ENTRIES	8192
#define RC_DEF_LOG_MEM		(16ULL << 20)
#define RC_DEF_RETAIN		5000
#define RC_DEF_COMPACT_AT	75

struct rc_conf_peer {
	uint64_t id;
	char addr[64];
	int line;
};

enum rc_conf_type { RC_T_U32, RC_T_U64, RC_T_STR, RC_T_BOOL, RC_T_MODE,
		   RC_T_USER };

/*
 * One key of a section other than [peer N]: its type, range and place in
 * struct rc_conf, and for the kernel's tunables their netlink attribute
 * and whether a running group takes a new value (raftctl adjust).
 */
struct rc_conf_key {
	const char *section;
	const char *key;
	enum rc_conf_type type;
	uint64_t min, max;	/* numbers; for strings max is the buffer size */
	bool size;		/* takes K/M/G suffixes */
	bool required;
	int attr;		/* RAFTLOG_A_* of a tunable, else 0 */
	bool runtime;		/* RAFTLOG_CMD_GROUP_SET accepts it */
	uint64_t def;		/* default of a number */
	size_t off;		/* offset in struct rc_conf */
};

struct rc_conf {
	char name[RC_CONF_NAME_MAX + 1];
	char path[512];
	/* [group] */
	uint32_t group_id;
	uint64_t cluster_id;
	char secret_file[256];
	bool insecure;		/* no secret, listening beyond loopback: chosen */
	uint32_t tick_ms, election_ticks, heartbeat_ticks;
	/* [node] */
	uint64_t node_id;
	char device[128];
	char listen[64];
	bool join;
	/* [peer N] */
	int n_peers;
	struct rc_conf_peer peers[RC_CONF_PEERS_MAX];
	/* [limits] */
	uint32_t max_entry, max_pending, cache_entries;
	uint64_t log_mem;
	/* [retention] */
	uint64_t retain;
	uint32_t compact_at;
	/* [access]: the device node's owner, group and mode (udev, up) */
	char owner[33], devgroup[33];
	uint32_t mode;		/* 0: not set */
	/* the line each key was read from (0: not in the file), by key index */
	int line[32];
};

extern const struct rc_conf_key rc_conf_keys[];
/* The value of a number key (RC_T_U32, RC_T_U64) in c, and setting it. */
uint64_t rc_conf_num(const struct rc_conf *c, const struct rc_conf_key *k);
void rc_conf_set_num(struct rc_conf *c, const struct rc_conf_key *k,
		     uint64_t v);
extern const int rc_conf_n_keys;

/* A config name: 1..32 of [A-Za-z0-9_.-], not starting with '.' or '-'. */
bool rc_conf_name_ok(const char *name);

/* The directory: @override, else $RAFTLOG_CONFDIR, else /etc/raftlog. */
const char *rc_conf_dir(const char *override);

/*
 * Parse @text (the file's contents, named @path in messages) into @c,
 * defaults filled in.  Every error is printed to @errf (if not NULL) as
 * "PATH:LINE: message"; returns the number of errors (0: @c is whole).
 */
int rc_conf_parse(const char *path, const char *text, struct rc_conf *c,
		  FILE *errf);
/* Read and parse DIR/NAME.conf (or NAME itself when it holds a '/'). */
int rc_conf_load(const char *dir, const char *name, struct rc_conf *c,
		 FILE *errf);
/* Print @c in the canonical form (parses back to the same). */
void rc_conf_print(FILE *f, const struct rc_conf *c);

/*
 * Find the config of group @group_id (and node @node_id, if not 0) in
 * @dir: 0 and @c filled, or -1 (none, or not one that parses).
 */
int rc_conf_find(const char *dir, uint32_t group_id, uint64_t node_id,
		 struct rc_conf *c);

/*
 * The udev properties of kernel device @kname ("raftlog<G>" or
 * "raftlog<G>.<N>") from the configs in @dir, as KEY=value lines on @f
 * (RAFTLOG_NAME, RAFTLOG_GROUP_ID, RAFTLOG_NODE_ID, RAFTLOG_OWNER,
 * RAFTLOG_DEVGROUP, RAFTLOG_MODE).  0, or -1 if @kname is not a raftlog
 * name; a device with no config gets only RAFTLOG_GROUP_ID (and NODE_ID).
 */
int rc_conf_udev(FILE *f, const char *dir, const char *kname);

#endif
