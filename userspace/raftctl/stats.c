// SPDX-License-Identifier: GPL-2.0
/*
 * raftctl stats [-j] [--prometheus]: every counter and gauge of every
 * group of this network namespace, from one dump (RAFTLOG_CMD_GROUP_GET):
 * for people (default), as JSON (the objects of `group show -j`, with
 * the config's name), or in Prometheus's text format (prom.c) for
 * node_exporter's textfile collector (raftctl.8 shows the cron line and
 * packaging/systemd/raftlog-metrics.timer the timer).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/raftlog.h>

#include "raftctl.h"
#include "status.h"
#include "conf.h"

#define STATS_USAGE "usage: raftctl stats [-j] [--prometheus]\n"

struct stats_ctx {
	struct rc_status *st;
	int n, cap;
};

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	struct stats_ctx *x = data;
	struct rc_status *s;
	struct rc_conf c;

	if (x->n == x->cap) {
		int cap = x->cap ? 2 * x->cap : 8;

		s = realloc(x->st, cap * sizeof(*s));
		if (!s)
			return MNL_CB_ERROR;
		x->st = s;
		x->cap = cap;
	}
	s = &x->st[x->n];
	if (rc_status_parse(nlh, s))
		return MNL_CB_ERROR;
	if (!rc_conf_find(rc_conf_dir(NULL), s->group_id, s->node_id, &c))
		snprintf(s->name, sizeof(s->name), "%s", c.name);
	x->n++;
	return MNL_CB_OK;
}

/* A latency histogram for people: count, mean, and the buckets used. */
static void hist_print(const char *what, const struct rc_hist *h)
{
	if (!h->present)
		return;
	printf("  %s: %" PRIu64 " samples, mean %" PRIu64 "us\n", what,
	       h->count, h->count ? h->sum_us / h->count : 0);
	for (int i = 0; i < h->n; i++)
		if (h->bucket[i])
			printf("    <= %" PRIu64 "us%s %" PRIu64 "\n",
			       (uint64_t)1 << i, i == h->n - 1 ? " (and above)" : "",
			       h->bucket[i]);
}

int cmd_stats(int argc, char **argv)
{
	struct stats_ctx x = { 0 };
	bool json = false, prom = false;
	struct rc_json j = { 0 };
	struct rc_nl nl;
	struct nlmsghdr *nlh;
	int rc, err;

	for (int i = 1; i < argc; i++) {
		if (rc_is_help(argv[i])) {
			printf(STATS_USAGE);
			return RC_OK;
		}
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--prometheus")) {
			prom = true;
		} else {
			fprintf(stderr, STATS_USAGE);
			return RC_USAGE;
		}
	}
	if (json && prom) {
		rc_err("stats: -j or --prometheus, not both");
		return RC_USAGE;
	}
	rc = rc_nl_open(&nl, false);
	if (rc)
		return rc;
	nlh = rc_nl_req(&nl, RAFTLOG_CMD_GROUP_GET, NLM_F_DUMP);
	err = rc_nl_talk(&nl, nlh, stats_cb, &x);
	rc = err ? rc_nl_perror(&nl, "stats", err) : RC_OK;
	rc_nl_close(&nl);
	if (rc) {
		free(x.st);
		return rc;
	}
	if (prom) {
		rc_stats_prometheus(stdout, x.st, x.n);
	} else if (json) {
		j_begin(&j, NULL, '[');
		for (int i = 0; i < x.n; i++)
			rc_status_json(&j, &x.st[i]);
		j_end(&j, ']');
	} else {
		for (int i = 0; i < x.n; i++) {
			rc_status_print(&x.st[i], i);
			hist_print("persist latency", &x.st[i].persist_hist);
			hist_print("commit latency", &x.st[i].commit_hist);
		}
	}
	free(x.st);
	return fflush(stdout) ? RC_USAGE : RC_OK;
}
