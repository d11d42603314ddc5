// SPDX-License-Identifier: GPL-2.0
/*
 * raftctl stats --prometheus (userspace/raftctl/prom.c) on made-up
 * groups: the output follows the text exposition format (checked line by
 * line here, as Prometheus's parser would: every family has one HELP and
 * one TYPE line before its samples and its samples together, names and
 * labels are well formed, counters end in _total, histogram buckets are
 * cumulative with rising le and end in +Inf equal to _count) and carries
 * the values of the groups it was given.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "status.h"
#include "rltest.h"
#include "fixture.h"

/* The formatter's output for @st[0..n) (static, NUL-terminated). */
static char *render(const struct rc_status *st, int n)
{
	static char *buf;
	size_t len;
	FILE *f;

	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	rc_stats_prometheus(f, st, n);
	fclose(f);
	return buf;
}

/* The value of the sample whose name and labels are exactly @key. */
static const char *sample(const char *out, const char *key)
{
	static char v[64];
	size_t k = strlen(key);

	for (const char *p = out; p && *p; p = strchr(p, '\n') + 1) {
		if (!strncmp(p, key, k) && p[k] == ' ') {
			sscanf(p + k + 1, "%63s", v);
			return v;
		}
		if (!strchr(p, '\n'))
			break;
	}
	return NULL;
}

static bool valid_name(const char *s, size_t n)
{
	if (!n || isdigit((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != ':')
			return false;
	return true;
}

#define MAX_FAM 128

struct fam {
	char name[96];
	char type[16];
	int help, types, samples;
	bool closed;		/* another family's samples came after it */
};

/* Families the checker has seen, and the last one with samples. */
struct checker {
	struct fam f[MAX_FAM];
	int n;
	int last;
	/* the histogram being read: its last le and cumulative count */
	double le;
	unsigned long long cum;
	bool inf;
};

static struct fam *fam_of(struct checker *c, const char *name, size_t len)
{
	for (int i = 0; i < c->n; i++)
		if (strlen(c->f[i].name) == len && !strncmp(c->f[i].name, name, len))
			return &c->f[i];
	return NULL;
}

/* A sample's family: the name itself, or the histogram it belongs to. */
static struct fam *sample_fam(struct checker *c, const char *name, size_t len,
			      const char **suffix)
{
	static const char *const sfx[] = { "_bucket", "_sum", "_count" };
	struct fam *f = fam_of(c, name, len);

	*suffix = "";
	if (f)
		return f;
	for (int i = 0; i < 3; i++) {
		size_t s = strlen(sfx[i]);

		if (len > s && !strncmp(name + len - s, sfx[i], s)) {
			f = fam_of(c, name, len - s);
			if (f && !strcmp(f->type, "histogram")) {
				*suffix = sfx[i];
				return f;
			}
		}
	}
	return NULL;
}

/* Labels {k="v",...}: well formed; le's value returned if present. */
static int check_labels(RL_T *rl_t, const char *p, const char **end,
			char *le, size_t le_len)
{
	le[0] = 0;
	if (*p != '{') {
		*end = p;
		return 0;
	}
	p++;
	while (*p != '}') {
		const char *k = p;
		char *o = NULL;

		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		if (!valid_name(k, p - k) || p[0] != '=' || p[1] != '"')
			return -1;
		if (p - k == 2 && !strncmp(k, "le", 2))
			o = le;
		for (p += 2; *p != '"'; p++) {
			if (!*p || *p == '\n')
				return -1;
			if (*p == '\\') {
				p++;
				if (*p != '\\' && *p != '"' && *p != 'n')
					return -1;
			}
			if (o && o < le + le_len - 1)
				*o++ = *p, *o = 0;
		}
		p++;
		if (*p == ',')
			p++;
		else if (*p != '}')
			return -1;
	}
	*end = p + 1;
	return 0;
}

static void check_sample(RL_T *rl_t, struct checker *c, const char *line)
{
	const char *sp = line, *suffix, *rest = line;
	char le[32], *endv;
	struct fam *f;
	double v;

	while (*sp && *sp != '{' && *sp != ' ')
		sp++;
	RL_EXPECT(valid_name(line, sp - line));
	RL_EXPECT(!strncmp(line, "raftlog_", 8));
	f = sample_fam(c, line, sp - line, &suffix);
	if (!f || !f->types) {
		RL_FAIL("sample before its TYPE: %.60s", line);
		return;
	}
	if (c->last >= 0 && &c->f[c->last] != f)
		c->f[c->last].closed = true;
	if (f->closed)
		RL_FAIL("family %s split: %.60s", f->name, line);
	c->last = f - c->f;
	f->samples++;
	RL_EXPECT_EQ(check_labels(rl_t, sp, &rest, le, sizeof(le)), 0);
	RL_EXPECT(*rest == ' ');
	v = strtod(rest + 1, &endv);
	RL_EXPECT(endv > rest + 1 && *endv == 0);
	if (!strcmp(f->type, "counter"))
		RL_EXPECT(strstr(f->name, "_total") &&
			  !strcmp(strstr(f->name, "_total"), "_total"));
	if (!strcmp(suffix, "_bucket")) {
		RL_EXPECT(le[0]);
		if (c->inf) {	/* a new series starts */
			c->le = -1;
			c->cum = 0;
			c->inf = false;
		}
		if (!strcmp(le, "+Inf")) {
			c->inf = true;
		} else {
			RL_EXPECT(strtod(le, NULL) > c->le);
			c->le = strtod(le, NULL);
		}
		RL_EXPECT((unsigned long long)v >= c->cum);
		c->cum = v;
	} else if (!strcmp(suffix, "_count")) {
		RL_EXPECT(c->inf);
		RL_EXPECT_EQ((unsigned long long)v, c->cum);
	}
}

/* Families the last check_format() saw. */
static int n_families;

/* Check @out line by line (n_families: how many families it has). */
static void check_format(RL_T *rl_t, const char *out)
{
	static struct checker c;
	char line[512];

	n_families = 0;
	memset(&c, 0, sizeof(c));
	c.last = -1;
	c.inf = true;
	while (*out) {
		const char *nl = strchr(out, '\n');
		char name[96], rest[400];
		struct fam *f;

		RL_ASSERT(nl);	/* every line ends in a newline */
		RL_ASSERT(nl - out < (long)sizeof(line));
		memcpy(line, out, nl - out);
		line[nl - out] = 0;
		out = nl + 1;
		if (!strncmp(line, "# HELP ", 7) || !strncmp(line, "# TYPE ", 7)) {
			RL_ASSERT(sscanf(line + 7, "%95s %399[^\n]", name, rest) == 2);
			RL_EXPECT(valid_name(name, strlen(name)));
			f = fam_of(&c, name, strlen(name));
			if (!f) {
				RL_ASSERT(c.n < MAX_FAM);
				f = &c.f[c.n++];
				snprintf(f->name, sizeof(f->name), "%s", name);
			}
			RL_EXPECT_EQ(f->samples, 0);
			if (line[2] == 'H') {
				f->help++;
			} else {
				f->types++;
				RL_EXPECT(!strcmp(rest, "gauge") ||
					  !strcmp(rest, "counter") ||
					  !strcmp(rest, "histogram"));
				snprintf(f->type, sizeof(f->type), "%.15s", rest);
			}
			continue;
		}
		RL_EXPECT(line[0] != '#' && line[0]);
		check_sample(rl_t, &c, line);
	}
	for (int i = 0; i < c.n; i++) {
		RL_EXPECT_EQ(c.f[i].help, 1);
		RL_EXPECT_EQ(c.f[i].types, 1);
	}
	n_families = c.n;
}

RL_TEST(prometheus_text_format)
{
	struct rc_status st[2];
	const char *out;

	fill(st);
	out = render(st, 2);
	check_format(rl_t, out);
	RL_EXPECT(n_families > 40);
	/* no groups: HELP and TYPE only, still valid */
	check_format(rl_t, render(st, 0));
	RL_EXPECT(n_families > 40);
	RL_EXPECT(!strstr(render(st, 0), "{"));
}

RL_TEST(prometheus_values)
{
	struct rc_status st[2];
	const char *out, *v;

	fill(st);
	out = render(st, 2);
	v = sample(out, "raftlog_term{group=\"1\",node=\"2\"}");
	RL_EXPECT(v && !strcmp(v, "7"));
	v = sample(out, "raftlog_role{group=\"1\",node=\"2\"}");
	RL_EXPECT(v && !strcmp(v, "3"));
	v = sample(out, "raftlog_proposals_total{group=\"1\",node=\"2\"}");
	RL_EXPECT(v && !strcmp(v, "42"));
	v = sample(out, "raftlog_failed{group=\"9\",node=\"1\"}");
	RL_EXPECT(v && !strcmp(v, "1"));
	v = sample(out, "raftlog_fsync_wait_seconds_total{group=\"1\",node=\"2\"}");
	RL_EXPECT(v && !strcmp(v, "2.500000"));
	v = sample(out, "raftlog_log_memory_bytes{group=\"1\",node=\"2\"}");
	RL_EXPECT(v && !strcmp(v, "12345"));
	v = sample(out, "raftlog_storage_durable_index{group=\"1\",node=\"2\"}");
	RL_EXPECT(v && !strcmp(v, "104"));
	/* a volatile group has no device to report */
	RL_EXPECT(!sample(out, "raftlog_storage_durable_index{group=\"9\",node=\"1\"}"));
	RL_EXPECT(sample(out, "raftlog_storage_failed{group=\"9\",node=\"1\"}"));
	/* the name label is escaped */
	RL_EXPECT(strstr(out, "name=\"orders \\\"eu\\\"\""));
}

RL_TEST(prometheus_peers)
{
	struct rc_status st[2];
	const char *out, *v;

	fill(st);
	out = render(st, 2);
	/* lag: the leader's last index less the peer's match */
	v = sample(out, "raftlog_peer_lag_entries{group=\"1\",node=\"2\",peer=\"3\"}");
	RL_EXPECT(v && !strcmp(v, "15"));
	v = sample(out, "raftlog_peer_lag_entries{group=\"1\",node=\"2\",peer=\"1\"}");
	RL_EXPECT(v && !strcmp(v, "0"));
	v = sample(out, "raftlog_peer_connected{group=\"1\",node=\"2\",peer=\"3\"}");
	RL_EXPECT(v && !strcmp(v, "0"));
	v = sample(out, "raftlog_peer_sent_bytes_total{group=\"1\",node=\"2\",peer=\"3\"}");
	RL_EXPECT(v && !strcmp(v, "8192"));
	v = sample(out, "raftlog_peer_last_contact_seconds{group=\"1\",node=\"2\",peer=\"1\"}");
	RL_EXPECT(v && !strcmp(v, "1.500"));
	/* never the node itself */
	RL_EXPECT(!strstr(out, "peer=\"2\""));
}

RL_TEST(prometheus_memory)
{
	struct rc_status st[2];
	const char *out, *v;

	fill(st);
	out = render(st, 2);
	v = sample(out, "raftlog_memory_bytes{group=\"1\",node=\"2\",pool=\"log\"}");
	RL_EXPECT(v && !strcmp(v, "12345"));
	v = sample(out, "raftlog_memory_limit_bytes{group=\"1\",node=\"2\",pool=\"log\"}");
	RL_EXPECT(v && !strcmp(v, "16777216"));
	v = sample(out, "raftlog_memory_bytes{group=\"1\",node=\"2\",pool=\"send\"}");
	RL_EXPECT(v && !strcmp(v, "300"));
	v = sample(out, "raftlog_memory_limit_bytes{group=\"1\",node=\"2\",pool=\"snapshot\"}");
	RL_EXPECT(v && !strcmp(v, "7"));
	v = sample(out, "raftlog_memory_bytes{group=\"1\",node=\"2\",pool=\"pipeline\"}");
	RL_EXPECT(v && !strcmp(v, "0"));
	/* a group that reported no memory has no samples */
	RL_EXPECT(!strstr(out, "raftlog_memory_bytes{group=\"9\""));
}

RL_TEST(prometheus_histogram)
{
	struct rc_status st[2];
	const char *out, *v;

	fill(st);
	out = render(st, 2);
#define CL "raftlog_commit_latency_seconds_bucket{group=\"1\",node=\"2\",le="
	v = sample(out, CL "\"0.000001\"}");
	RL_EXPECT(v && !strcmp(v, "1"));
	v = sample(out, CL "\"0.000002\"}");
	RL_EXPECT(v && !strcmp(v, "1"));
	v = sample(out, CL "\"0.000004\"}");
	RL_EXPECT(v && !strcmp(v, "6"));
	v = sample(out, CL "\"0.001024\"}");
	RL_EXPECT(v && !strcmp(v, "10"));
	v = sample(out, CL "\"1073.741824\"}");
	RL_EXPECT(v && !strcmp(v, "10"));
	/* the kernel's last bucket holds what is above it: only +Inf */
	RL_EXPECT(!sample(out, CL "\"2147.483648\"}"));
	v = sample(out, CL "\"+Inf\"}");
	RL_EXPECT(v && !strcmp(v, "12"));
#undef CL
	v = sample(out, "raftlog_commit_latency_seconds_sum{group=\"1\",node=\"2\"}");
	RL_EXPECT(v && !strcmp(v, "1.234567"));
	v = sample(out, "raftlog_commit_latency_seconds_count{group=\"1\",node=\"2\"}");
	RL_EXPECT(v && !strcmp(v, "12"));
	/* an empty histogram is still one, all zero */
	v = sample(out, "raftlog_persist_latency_seconds_count{group=\"1\",node=\"2\"}");
	RL_EXPECT(v && !strcmp(v, "0"));
	/* a group that reported none has none */
	RL_EXPECT(!sample(out, "raftlog_commit_latency_seconds_count{group=\"9\",node=\"1\"}"));
}

/* The checker itself catches what it is there to catch. */
RL_TEST(checker_catches_bad_output)
{
	static const char *const bad[] = {
		"raftlog_x 1\n",					/* no TYPE */
		"# HELP raftlog_x x\n# TYPE raftlog_x counter\nraftlog_x 1\n", /* no _total */
		"# HELP raftlog_y y\n# TYPE raftlog_y gauge\nraftlog_y{a=\"1} 1\n",
		"# HELP raftlog_h h\n# TYPE raftlog_h histogram\n"
		"raftlog_h_bucket{le=\"1\"} 5\nraftlog_h_bucket{le=\"2\"} 4\n"
		"raftlog_h_bucket{le=\"+Inf\"} 5\nraftlog_h_count 5\n",	/* not cumulative */
		"# HELP raftlog_h h\n# TYPE raftlog_h histogram\n"
		"raftlog_h_bucket{le=\"+Inf\"} 5\nraftlog_h_count 6\n",	/* +Inf != count */
		"# HELP raftlog_a a\n# TYPE raftlog_a gauge\nraftlog_a 1\n"
		"# HELP raftlog_b b\n# TYPE raftlog_b gauge\nraftlog_b 1\n"
		"raftlog_a 2\n",					/* split */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		RL_T t = { .name = "inner" };

		/* the inner checks print their failures: expected here */
		printf("    # expected failures of bad sample %zu follow\n", i);
		check_format(&t, bad[i]);
		RL_EXPECT(t.failed);
	}
}

RL_SUITE(stats, RL_CASE(prometheus_text_format), RL_CASE(prometheus_values),
	 RL_CASE(prometheus_peers), RL_CASE(prometheus_memory),
	 RL_CASE(prometheus_histogram),
	 RL_CASE(checker_catches_bad_output));
