// SPDX-License-Identifier: GPL-2.0
/*
 * raftctl: group configuration files (raftlog.conf(5)).
 *
 *	# /etc/raftlog/orders.conf
 *	[group]
 *	id = 1
 *	cluster-id = 7
 *	secret-file = /etc/raftlog/orders.secret
 *
 *	[node]
 *	id = 1
 *	device = /dev/disk/by-partlabel/orders
 *	listen = 10.0.0.1:7000
 *
 *	[peer 2]
 *	address = 10.0.0.2:7000
 *
 *	[limits]
 *	max-pending = 4096
 *
 *	[retention]
 *	keep = 100000
 *	compact-at = 60
 *
 *	[access]
 *	owner = root
 *	group = orders
 *	mode = 0660
 *
 * A file is read whole and checked whole: every error is reported with
 * its line, and a file with any error yields nothing to act on.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/raftlog.h>

#include "conf.h"

#define OFF(f) offsetof(struct rc_conf, f)
#define STR(f) (sizeof(((struct rc_conf *)0)->f))

const struct rc_conf_key rc_conf_keys[] = {
	{ "group", "id", RC_T_U32, 1, UINT32_MAX, .required = true,
	  .off = OFF(group_id) },
	{ "group", "cluster-id", RC_T_U64, 0, UINT64_MAX, .off = OFF(cluster_id) },
	{ "group", "secret-file", RC_T_STR, 1, STR(secret_file),
	  .off = OFF(secret_file) },
	{ "group", "insecure", RC_T_BOOL, .off = OFF(insecure) },
	{ "group", "tick-ms", RC_T_U32, 1, 10000, .attr = RAFTLOG_A_TICK_MS,
	  .def = RC_DEF_TICK_MS, .off = OFF(tick_ms) },
	{ "group", "election-ticks", RC_T_U32, 2, 1000,
	  .attr = RAFTLOG_A_ELECTION_TICKS, .def = RC_DEF_ELECTION_TICKS,
	  .off = OFF(election_ticks) },
	{ "group", "heartbeat-ticks", RC_T_U32, 1, 999,
	  .attr = RAFTLOG_A_HEARTBEAT_TICKS, .def = RC_DEF_HEARTBEAT_TICKS,
	  .off = OFF(heartbeat_ticks) },
	{ "node", "id", RC_T_U64, 1, UINT64_MAX, .required = true,
	  .off = OFF(node_id) },
	{ "node", "device", RC_T_STR, 1, STR(device), .required = true,
	  .off = OFF(device) },
	{ "node", "listen", RC_T_STR, 1, STR(listen), .off = OFF(listen) },
	{ "node", "join", RC_T_BOOL, .off = OFF(join) },
	{ "limits", "max-entry", RC_T_U32, 1, 1048576, .size = true,
	  .attr = RAFTLOG_A_MAX_ENTRY, .runtime = true,
	  .def = RC_DEF_MAX_ENTRY, .off = OFF(max_entry) },
	{ "limits", "max-pending", RC_T_U32, 1, 65536,
	  .attr = RAFTLOG_A_MAX_PENDING, .runtime = true,
	  .def = RC_DEF_MAX_PENDING, .off = OFF(max_pending) },
	{ "limits", "cache-entries", RC_T_U32, 1, 1048576,
	  .attr = RAFTLOG_A_CACHE_ENTRIES, .def = RC_DEF_CACHE_ENTRIES,
	  .off = OFF(cache_entries) },
	{ "limits", "log-mem", RC_T_U64, 65536, 17179869184ULL, .size = true,
	  .attr = RAFTLOG_A_LOG_MEM, .def = RC_DEF_LOG_MEM,
	  .off = OFF(log_mem) },
	{ "retention", "keep", RC_T_U64, 1, 1ULL << 40,
	  .attr = RAFTLOG_A_RETAIN, .runtime = true, .def = RC_DEF_RETAIN,
	  .off = OFF(retain) },
	{ "retention", "compact-at", RC_T_U32, 10, 100,
	  .attr = RAFTLOG_A_COMPACT_AT, .runtime = true,
	  .def = RC_DEF_COMPACT_AT, .off = OFF(compact_at) },
	{ "access", "owner", RC_T_USER, 1, STR(owner), .off = OFF(owner) },
	{ "access", "group", RC_T_USER, 1, STR(devgroup), .off = OFF(devgroup) },
	{ "access", "mode", RC_T_MODE, 0, 0777, .off = OFF(mode) },
};

const int rc_conf_n_keys = sizeof(rc_conf_keys) / sizeof(rc_conf_keys[0]);

uint64_t rc_conf_num(const struct rc_conf *c, const struct rc_conf_key *k)
{
	const char *p = (const char *)c + k->off;

	return k->type == RC_T_U64 ? *(const uint64_t *)p : *(const uint32_t *)p;
}

void rc_conf_set_num(struct rc_conf *c, const struct rc_conf_key *k,
		     uint64_t v)
{
	char *p = (char *)c + k->off;

	if (k->type == RC_T_U64)
		*(uint64_t *)p = v;
	else
		*(uint32_t *)p = (uint32_t)v;
}

static const char *const sections[] = { "group", "node", "limits", "retention",
					"access" };

bool rc_conf_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n < 1 || n > RC_CONF_NAME_MAX || name[0] == '.' || name[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("_.-", name[i]))
			return false;
	return true;
}

const char *rc_conf_dir(const char *override)
{
	const char *e = getenv(RC_CONF_ENV);

	if (override && *override)
		return override;
	return e && *e ? e : RC_CONF_DIR;
}

/* ---- parsing ---- */

struct pstate {
	const char *path;
	FILE *errf;
	int errors;
	int lineno;
};

__attribute__((format(printf, 3, 4)))
static void perr(struct pstate *ps, int line, const char *fmt, ...)
{
	va_list ap;

	ps->errors++;
	if (!ps->errf)
		return;
	if (line)
		fprintf(ps->errf, "%s:%d: ", ps->path, line);
	else
		fprintf(ps->errf, "%s: ", ps->path);
	va_start(ap, fmt);
	vfprintf(ps->errf, fmt, ap);
	va_end(ap);
	fputc('\n', ps->errf);
}

/* Decimal or 0x hex, optionally K/M/G (powers of 1024) when @size. */
static int parse_num(const char *s, bool size, uint64_t *out)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno)
		return -ERANGE;
	if (size && *end) {
		switch (*end) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		default: return -EINVAL;
		}
		end++;
		if (v > (~0ULL >> shift))
			return -ERANGE;
		v <<= shift;
	}
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

/* "a.b.c.d:port" or "[v6]:port", as the kernel takes them. */
static bool addr_ok(const char *s)
{
	char host[64];
	const char *colon;
	uint64_t port;
	unsigned char buf[16];
	size_t n;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':')
			return false;
		n = close - s - 1;
		if (n >= sizeof(host))
			return false;
		memcpy(host, s + 1, n);
		host[n] = 0;
		colon = close + 1;
		if (inet_pton(AF_INET6, host, buf) != 1)
			return false;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return false;
		n = colon - s;
		if (n >= sizeof(host))
			return false;
		memcpy(host, s, n);
		host[n] = 0;
		if (inet_pton(AF_INET, host, buf) != 1)
			return false;
	}
	return !parse_num(colon + 1, false, &port) && port >= 1 && port <= 65535;
}

static bool user_ok(const char *s)
{
	if (!*s || *s == '-')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.-$", *s))
			return false;
	return true;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

static void set_key(struct pstate *ps, struct rc_conf *c, int ki,
		    const char *val)
{
	const struct rc_conf_key *k = &rc_conf_keys[ki];
	char *p = (char *)c + k->off;
	uint64_t v;
	int err;

	if (c->line[ki]) {
		perr(ps, ps->lineno, "%s is set twice in [%s] (first on line %d)",
		     k->key, k->section, c->line[ki]);
		return;
	}
	/* seen, even if the value is refused: no "needs KEY" on top */
	c->line[ki] = ps->lineno;
	switch (k->type) {
	case RC_T_U32:
	case RC_T_U64:
		err = parse_num(val, k->size, &v);
		if (err || v < k->min || v > k->max) {
			perr(ps, ps->lineno, "%s: \"%s\" is not a number in %" PRIu64
			     "..%" PRIu64 "%s", k->key, val, k->min, k->max,
			     k->size ? " (K, M suffixes allowed)" : "");
			return;
		}
		rc_conf_set_num(c, k, v);
		break;
	case RC_T_BOOL:
		if (!strcmp(val, "yes") || !strcmp(val, "true") || !strcmp(val, "1"))
			*(bool *)p = true;
		else if (!strcmp(val, "no") || !strcmp(val, "false") || !strcmp(val, "0"))
			*(bool *)p = false;
		else {
			perr(ps, ps->lineno, "%s: \"%s\" is not yes or no", k->key, val);
			return;
		}
		break;
	case RC_T_MODE: {
		char *end;
		unsigned long m;

		errno = 0;
		m = strtoul(val, &end, 8);
		if (errno || *end || !isdigit((unsigned char)*val) || m > 0777) {
			perr(ps, ps->lineno, "mode: \"%s\" is not an octal mode 0000..0777", val);
			return;
		}
		/* 0 would read as "not set": a node nobody may open is 0000 */
		*(uint32_t *)p = m | 0x10000;
		break;
	}
	case RC_T_USER:
		if (!user_ok(val) || strlen(val) >= k->max) {
			perr(ps, ps->lineno, "%s: \"%s\" is not a user or group name",
			     k->key, val);
			return;
		}
		strcpy(p, val);
		break;
	case RC_T_STR:
		if (strlen(val) >= k->max) {
			perr(ps, ps->lineno, "%s: longer than %" PRIu64 " characters",
			     k->key, k->max - 1);
			return;
		}
		if (k->off == OFF(listen) && !addr_ok(val)) {
			perr(ps, ps->lineno, "listen: \"%s\" is not IPV4:PORT or [IPV6]:PORT", val);
			return;
		}
		if ((k->off == OFF(device) || k->off == OFF(secret_file)) && val[0] != '/') {
			perr(ps, ps->lineno, "%s: \"%s\" is not an absolute path", k->key, val);
			return;
		}
		strcpy(p, val);
		break;
	}
}

static void peer_key(struct pstate *ps, struct rc_conf_peer *peer,
		     const char *key, const char *val)
{
	if (strcmp(key, "address")) {
		perr(ps, ps->lineno, "unknown key \"%s\" in [peer %" PRIu64 "] (known: address)",
		     key, peer->id);
		return;
	}
	if (peer->addr[0]) {
		perr(ps, ps->lineno, "address is set twice in [peer %" PRIu64 "]", peer->id);
		return;
	}
	if (strlen(val) >= sizeof(peer->addr) || !addr_ok(val)) {
		perr(ps, ps->lineno, "address: \"%s\" is not IPV4:PORT or [IPV6]:PORT", val);
		return;
	}
	strcpy(peer->addr, val);
}

static bool key_seen(const struct rc_conf *c, size_t off)
{
	for (int i = 0; i < rc_conf_n_keys; i++)
		if (rc_conf_keys[i].off == off)
			return c->line[i];
	return false;
}

static void check_whole(struct pstate *ps, struct rc_conf *c)
{
	for (int i = 0; i < rc_conf_n_keys; i++) {
		const struct rc_conf_key *k = &rc_conf_keys[i];

		if (k->required && !c->line[i])
			perr(ps, 0, "[%s] needs %s", k->section, k->key);
	}
	for (int i = 0; i < c->n_peers; i++) {
		struct rc_conf_peer *p = &c->peers[i];

		if (!p->addr[0])
			perr(ps, p->line, "[peer %" PRIu64 "] needs an address", p->id);
		if (c->node_id && p->id == c->node_id)
			perr(ps, p->line, "[peer %" PRIu64 "] is this node ([node] id)", p->id);
		if (c->listen[0] && !strcmp(p->addr, c->listen))
			perr(ps, p->line, "[peer %" PRIu64 "] has this node's listen address", p->id);
	}
	if (c->n_peers && !key_seen(c, OFF(listen)))
		perr(ps, 0, "[node] needs listen: the group has peers");
	if (c->join && !c->n_peers)
		perr(ps, 0, "[node] join = yes needs a [peer N] to reach the cluster through");
	if (c->insecure && key_seen(c, OFF(secret_file)))
		perr(ps, 0, "[group] insecure = yes contradicts secret-file");
	if (c->heartbeat_ticks >= c->election_ticks)
		perr(ps, 0, "heartbeat-ticks (%u) must be below election-ticks (%u)",
		     c->heartbeat_ticks, c->election_ticks);
}

int rc_conf_parse(const char *path, const char *text, struct rc_conf *c,
		  FILE *errf)
{
	struct pstate ps = { .path = path, .errf = errf };
	char line[RC_CONF_LINE_MAX + 2];
	char section[32] = "";
	struct rc_conf_peer *peer = NULL;
	const char *p = text;

	memset(c, 0, sizeof(*c));
	snprintf(c->path, sizeof(c->path), "%s", path);
	for (int i = 0; i < rc_conf_n_keys; i++)
		if (rc_conf_keys[i].def)
			rc_conf_set_num(c, &rc_conf_keys[i], rc_conf_keys[i].def);

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *s, *eq, *key, *val, *hash;

		ps.lineno++;
		if (n > RC_CONF_LINE_MAX) {
			perr(&ps, ps.lineno, "line longer than %d characters", RC_CONF_LINE_MAX);
			p += n + (nl ? 1 : 0);
			continue;
		}
		memcpy(line, p, n);
		line[n] = 0;
		p += n + (nl ? 1 : 0);
		if (memchr(line, 0, n)) {
			perr(&ps, ps.lineno, "a NUL byte");
			continue;
		}
		/* a comment starts a line, or follows white space */
		s = line;
		for (hash = s; (hash = strpbrk(hash, "#;")); hash++)
			if (hash == s || isspace((unsigned char)hash[-1])) {
				*hash = 0;
				break;
			}
		s = trim(s);
		if (!*s)
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']');
			char *name, *arg;

			peer = NULL;
			section[0] = 0;
			if (!close || close[1]) {
				perr(&ps, ps.lineno, "a section header is [NAME] alone on its line");
				continue;
			}
			*close = 0;
			name = trim(s + 1);
			arg = strpbrk(name, " \t");
			if (arg) {
				*arg++ = 0;
				arg = trim(arg);
			}
			if (!strcmp(name, "peer")) {
				uint64_t id;

				/* the keys of a refused [peer] are skipped */
				strcpy(section, "?");
				if (!arg || parse_num(arg, false, &id) || id < 1) {
					perr(&ps, ps.lineno, "[peer N]: N is the peer's node id, 1..");
					continue;
				}
				for (int i = 0; i < c->n_peers; i++)
					if (c->peers[i].id == id) {
						perr(&ps, ps.lineno, "[peer %" PRIu64 "] again (first on line %d)",
						     id, c->peers[i].line);
						id = 0;
						break;
					}
				if (!id)
					continue;
				if (c->n_peers == RC_CONF_PEERS_MAX) {
					perr(&ps, ps.lineno, "more than %d peers", RC_CONF_PEERS_MAX);
					continue;
				}
				peer = &c->peers[c->n_peers++];
				peer->id = id;
				peer->line = ps.lineno;
				strcpy(section, "peer");
				continue;
			}
			for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
				if (!strcmp(name, sections[i]))
					strcpy(section, name);
			if (!section[0])
				perr(&ps, ps.lineno, "unknown section [%s] (known: group, node, peer N, limits, access)",
				     name);
			else if (arg)
				perr(&ps, ps.lineno, "[%s] takes no argument", name);
			if (arg)
				section[0] = 0;
			/* keys that follow an unknown section are skipped, not reported */
			if (!section[0])
				strcpy(section, "?");
			continue;
		}
		eq = strchr(s, '=');
		if (!eq) {
			perr(&ps, ps.lineno, "expected KEY = VALUE or [SECTION]");
			continue;
		}
		*eq = 0;
		key = trim(s);
		val = trim(eq + 1);
		if (!*key) {
			perr(&ps, ps.lineno, "a value without a key");
			continue;
		}
		if (!*val) {
			perr(&ps, ps.lineno, "%s has no value", key);
			continue;
		}
		if (!section[0]) {
			perr(&ps, ps.lineno, "%s before any [section]", key);
			continue;
		}
		if (!strcmp(section, "?"))
			continue;
		if (peer) {
			peer_key(&ps, peer, key, val);
			continue;
		}
		{
			int ki = -1;

			for (int i = 0; i < rc_conf_n_keys; i++)
				if (!strcmp(rc_conf_keys[i].section, section) &&
				    !strcmp(rc_conf_keys[i].key, key))
					ki = i;
			if (ki < 0) {
				char known[256] = "";

				for (int i = 0; i < rc_conf_n_keys; i++)
					if (!strcmp(rc_conf_keys[i].section, section))
						snprintf(known + strlen(known),
							 sizeof(known) - strlen(known), "%s%s",
							 known[0] ? ", " : "", rc_conf_keys[i].key);
				perr(&ps, ps.lineno, "unknown key \"%s\" in [%s] (known: %s)",
				     key, section, known);
				continue;
			}
			set_key(&ps, c, ki, val);
		}
	}
	check_whole(&ps, c);
	return ps.errors;
}

int rc_conf_load(const char *dir, const char *name, struct rc_conf *c,
		 FILE *errf)
{
	char path[sizeof(c->path)];
	const char *base;
	char *text = NULL;
	size_t len = 0, cap = 0;
	FILE *f;
	int errors;

	memset(c, 0, sizeof(*c));
	if (strchr(name, '/')) {
		snprintf(path, sizeof(path), "%s", name);
	} else {
		if (!rc_conf_name_ok(name)) {
			if (errf)
				fprintf(errf, "\"%s\" is not a group name (1 to %d of A-Z a-z 0-9 _ . -)\n",
					name, RC_CONF_NAME_MAX);
			return 1;
		}
		snprintf(path, sizeof(path), "%s/%s.conf", dir, name);
	}
	f = fopen(path, "re");
	if (!f) {
		if (errf)
			fprintf(errf, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	for (;;) {
		size_t n;

		if (cap - len < 4096) {
			char *t;

			cap = cap ? cap * 2 : 8192;
			if (cap > (1 << 20) || !(t = realloc(text, cap + 1))) {
				if (errf)
					fprintf(errf, "%s: too large\n", path);
				fclose(f);
				free(text);
				return 1;
			}
			text = t;
		}
		n = fread(text + len, 1, cap - len, f);
		len += n;
		if (!n)
			break;
	}
	if (ferror(f)) {
		if (errf)
			fprintf(errf, "%s: %s\n", path, strerror(errno));
		fclose(f);
		free(text);
		return 1;
	}
	fclose(f);
	text[len] = 0;
	/* a NUL inside the text ends strchr's walk: say so rather than cut it */
	errors = strlen(text) != len ? 1 : 0;
	if (errors && errf)
		fprintf(errf, "%s: holds a NUL byte: not a text file\n", path);
	if (!errors)
		errors = rc_conf_parse(path, text, c, errf);
	free(text);
	/* the name: the file's, without directory and ".conf" */
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	snprintf(c->name, sizeof(c->name), "%.*s", (int)(strlen(base) > 5 &&
		 !strcmp(base + strlen(base) - 5, ".conf") ? strlen(base) - 5 :
		 strlen(base)), base);
	snprintf(c->path, sizeof(c->path), "%s", path);
	return errors;
}

/* ---- printing ---- */

static void print_key(FILE *f, const struct rc_conf *c, int ki)
{
	const struct rc_conf_key *k = &rc_conf_keys[ki];
	const char *p = (const char *)c + k->off;

	switch (k->type) {
	case RC_T_U32:
		fprintf(f, "%s = %" PRIu32 "\n", k->key, *(const uint32_t *)p);
		break;
	case RC_T_U64:
		fprintf(f, "%s = %" PRIu64 "\n", k->key, *(const uint64_t *)p);
		break;
	case RC_T_BOOL:
		if (*(const bool *)p)
			fprintf(f, "%s = yes\n", k->key);
		break;
	case RC_T_MODE:
		if (*(const uint32_t *)p)
			fprintf(f, "%s = %04o\n", k->key, *(const uint32_t *)p & 0777);
		break;
	case RC_T_STR:
	case RC_T_USER:
		if (*p)
			fprintf(f, "%s = %s\n", k->key, p);
		break;
	}
}

static void print_section(FILE *f, const struct rc_conf *c, const char *sec)
{
	bool any = false;

	for (int i = 0; i < rc_conf_n_keys; i++) {
		const struct rc_conf_key *k = &rc_conf_keys[i];
		const char *p = (const char *)c + k->off;

		if (strcmp(k->section, sec))
			continue;
		if (k->type == RC_T_STR || k->type == RC_T_USER)
			any |= !!*p;
		else if (k->type == RC_T_MODE)
			any |= !!*(const uint32_t *)p;
		else if (k->type == RC_T_BOOL)
			any |= *(const bool *)p;
		else
			any = true;
	}
	if (!any)
		return;
	if (strcmp(sec, "group"))
		fputc('\n', f);
	fprintf(f, "[%s]\n", sec);
	for (int i = 0; i < rc_conf_n_keys; i++)
		if (!strcmp(rc_conf_keys[i].section, sec))
			print_key(f, c, i);
}

void rc_conf_print(FILE *f, const struct rc_conf *c)
{
	print_section(f, c, "group");
	print_section(f, c, "node");
	for (int i = 0; i < c->n_peers; i++)
		fprintf(f, "\n[peer %" PRIu64 "]\naddress = %s\n", c->peers[i].id,
			c->peers[i].addr);
	print_section(f, c, "limits");
	print_section(f, c, "access");
}

/* ---- lookups by group id ---- */

static int conf_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 5 && !strcmp(d->d_name + n - 5, ".conf") && d->d_name[0] != '.';
}

int rc_conf_find(const char *dir, uint32_t group_id, uint64_t node_id,
		 struct rc_conf *c)
{
	struct dirent **list;
	int n, found = -1;

	n = scandir(dir, &list, conf_filter, alphasort);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		char name[256];

		snprintf(name, sizeof(name), "%.*s",
			 (int)strlen(list[i]->d_name) - 5, list[i]->d_name);
		if (found < 0 && rc_conf_name_ok(name) &&
		    !rc_conf_load(dir, name, c, NULL) && c->group_id == group_id &&
		    (!node_id || c->node_id == node_id))
			found = 0;
		free(list[i]);
	}
	free(list);
	if (found)
		memset(c, 0, sizeof(*c));
	return found;
}

int rc_conf_udev(FILE *f, const char *dir, const char *kname)
{
	struct rc_conf c;
	uint64_t group = 0, node = 0;
	char num[32];
	const char *s, *dot;

	if (strncmp(kname, "raftlog", 7))
		return -1;
	s = kname + 7;
	dot = strchr(s, '.');
	if ((size_t)(dot ? dot - s : (long)strlen(s)) >= sizeof(num))
		return -1;
	snprintf(num, sizeof(num), "%.*s", (int)(dot ? dot - s : (long)strlen(s)), s);
	if (parse_num(num, false, &group) || group < 1 || group > UINT32_MAX ||
	    num[0] == '0')
		return -1;
	if (dot && (parse_num(dot + 1, false, &node) || node < 1 || dot[1] == '0'))
		return -1;
	fprintf(f, "RAFTLOG_GROUP_ID=%" PRIu64 "\n", group);
	if (node)
		fprintf(f, "RAFTLOG_NODE_ID=%" PRIu64 "\n", node);
	if (rc_conf_find(dir, group, node, &c))
		return 0;
	fprintf(f, "RAFTLOG_NAME=%s\n", c.name);
	if (c.owner[0])
		fprintf(f, "RAFTLOG_OWNER=%s\n", c.owner);
	if (c.devgroup[0])
		fprintf(f, "RAFTLOG_DEVGROUP=%s\n", c.devgroup);
	if (c.mode)
		fprintf(f, "RAFTLOG_MODE=%04o\n", c.mode & 0777);
	return 0;
}
