// SPDX-License-Identifier: GPL-2.0
/*
 * rlkv bench (userspace/rlkv/bench.c) and the latency figures it shares
 * with raftlog-bench (userspace/bench/latency.c): nearest-rank
 * percentiles, argument parsing (defaults, every option, bad values),
 * how each server answer counts (backpressure is only EAGAIN, ENOBUFS,
 * EBUSY "definite"), the JSON line, and whole runs against a fake server
 * on a Unix socket: backpressure alone exits 0, an "unknown" error or a
 * reply that does not fit exits 1, no server exits 1.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "bench.h"
#include "latency.h"
#include "net.h"
#include "rlkv.h"
#include "rltest.h"

RL_TEST(latency_percentiles)
{
	uint64_t v[100], one = 7000;
	struct lat_summary s;

	/* 100..1 us, unsorted: summarize sorts */
	for (int i = 0; i < 100; i++)
		v[i] = (uint64_t)(100 - i) * 1000;
	lat_summarize(v, 100, &s);
	RL_EXPECT_EQ(s.n, 100);
	RL_EXPECT_EQ(v[0], 1000);
	RL_EXPECT_EQ(v[99], 100000);
	RL_EXPECT_EQ(s.min * 10, 10);
	RL_EXPECT_EQ(s.p50 * 10, 500);	/* rank 50 */
	RL_EXPECT_EQ(s.p99 * 10, 990);	/* rank 99 */
	RL_EXPECT_EQ(s.p999 * 10, 1000);	/* rank ceil(99.9) = 100 */
	RL_EXPECT_EQ(s.max * 10, 1000);
	RL_EXPECT_EQ(s.mean * 10, 505);
	/* nearest rank rounds up: p50 of 1..3 is 2, p99 of 1..3 is 3 */
	RL_EXPECT_EQ(lat_pct(v, 3, 50) * 10, 20);
	RL_EXPECT_EQ(lat_pct(v, 3, 99) * 10, 30);
	RL_EXPECT_EQ(lat_pct(v, 3, 0.0001) * 10, 10);
	lat_summarize(&one, 1, &s);
	RL_EXPECT(s.min == 7 && s.p50 == 7 && s.p99 == 7 && s.max == 7 &&
		  s.mean == 7);
	lat_summarize(NULL, 0, &s);
	RL_EXPECT(s.n == 0 && s.p50 == 0 && s.max == 0);
	RL_EXPECT_EQ(lat_pct(v, 0, 50), 0);
}

static int parse(struct bench_opts *o, const char *line)
{
	static char buf[256];	/* o->addr points into it */
	char *argv[32], err[128];
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *t = strtok(buf, " "); t && argc < 32; t = strtok(NULL, " "))
		argv[argc++] = t;
	return bench_parse(argc, argv, o, err, sizeof(err));
}

RL_TEST(arguments)
{
	struct bench_opts o;

	RL_ASSERT_EQ(parse(&o, "/def put"), 0);
	RL_EXPECT(!strcmp(o.addr, "/def"));
	RL_EXPECT(o.op == BOP_PUT && o.conns == 1 && o.secs == 5 &&
		  o.keys == 1000 && o.vbytes == 16 && !o.json);
	RL_ASSERT_EQ(parse(&o, "/def -s 10.0.0.1:7400 -c 64 -d 2.5 -k 7 -v 255 -j get"), 0);
	RL_EXPECT(!strcmp(o.addr, "10.0.0.1:7400"));
	RL_EXPECT(o.op == BOP_GET && o.conns == 64 && o.secs == 2.5 &&
		  o.keys == 7 && o.vbytes == 255 && o.json);
	RL_ASSERT_EQ(parse(&o, "/def sget -c 1024"), 0);	/* OP anywhere */
	RL_EXPECT(o.op == BOP_SGET && o.conns == 1024);
	RL_ASSERT_EQ(parse(&o, "/def -v 1 cas"), 0);
	RL_EXPECT(o.op == BOP_CAS && o.vbytes == 1);
	RL_EXPECT(!strcmp(bench_op_name(BOP_CAS), "cas"));
	/* refused */
	RL_EXPECT_EQ(parse(&o, "/def"), -1);			/* no OP */
	RL_EXPECT_EQ(parse(&o, "/def del"), -1);
	RL_EXPECT_EQ(parse(&o, "/def put get"), -1);
	RL_EXPECT_EQ(parse(&o, "/def -c 0 put"), -1);
	RL_EXPECT_EQ(parse(&o, "/def -c 1025 put"), -1);
	RL_EXPECT_EQ(parse(&o, "/def -c -3 put"), -1);
	RL_EXPECT_EQ(parse(&o, "/def -c 4x put"), -1);
	RL_EXPECT_EQ(parse(&o, "/def -d 0 put"), -1);
	RL_EXPECT_EQ(parse(&o, "/def -d -1 put"), -1);
	RL_EXPECT_EQ(parse(&o, "/def -d 1s put"), -1);
	RL_EXPECT_EQ(parse(&o, "/def -k 0 put"), -1);
	RL_EXPECT_EQ(parse(&o, "/def -v 0 put"), -1);
	RL_EXPECT_EQ(parse(&o, "/def -v 256 put"), -1);	/* a token's limit */
	RL_EXPECT_EQ(parse(&o, "/def -x put"), -1);
	RL_EXPECT_EQ(parse(&o, "/def -cc 2 put"), -1);
	RL_EXPECT_EQ(parse(&o, "/def put -c"), -1);		/* no value */
}

static enum bench_outcome cls(enum bench_op op, const char *reply, char *kind)
{
	strcpy(kind, "unset");
	return bench_classify(op, reply, kind, BENCH_KIND_LEN);
}

RL_TEST(answers)
{
	char k[BENCH_KIND_LEN];

	RL_EXPECT_EQ(cls(BOP_PUT, "ok 12", k), BO_OK);
	RL_EXPECT_EQ(cls(BOP_PUT, "ok", k), BO_FAILED);
	RL_EXPECT(!strcmp(k, "bad-reply"));
	RL_EXPECT_EQ(cls(BOP_PUT, "ok 12 x", k), BO_FAILED);
	RL_EXPECT_EQ(cls(BOP_GET, "ok v", k), BO_OK);
	RL_EXPECT_EQ(cls(BOP_SGET, "ok -", k), BO_OK);
	RL_EXPECT_EQ(cls(BOP_GET, "ok a b", k), BO_FAILED);
	RL_EXPECT_EQ(cls(BOP_GET, "ok ", k), BO_FAILED);
	RL_EXPECT_EQ(cls(BOP_GET, "mismatch 3 x", k), BO_FAILED);
	RL_EXPECT_EQ(cls(BOP_CAS, "ok 9", k), BO_OK);
	RL_EXPECT_EQ(cls(BOP_CAS, "mismatch 9 cur", k), BO_MISMATCH);
	RL_EXPECT_EQ(cls(BOP_CAS, "mismatch 9", k), BO_FAILED);
	/* backpressure: the documented definite refusals of a busy group */
	RL_EXPECT_EQ(cls(BOP_PUT, "err ENOBUFS definite", k), BO_BACKPRESSURE);
	RL_EXPECT(!strcmp(k, "ENOBUFS definite"));
	RL_EXPECT_EQ(cls(BOP_GET, "err EAGAIN definite", k), BO_BACKPRESSURE);
	RL_EXPECT_EQ(cls(BOP_CAS, "err EBUSY definite", k), BO_BACKPRESSURE);
	/* not backpressure */
	RL_EXPECT_EQ(cls(BOP_PUT, "err EAGAIN unknown", k), BO_FAILED);
	RL_EXPECT(!strcmp(k, "EAGAIN unknown"));
	RL_EXPECT_EQ(cls(BOP_PUT, "err ETIMEDOUT unknown", k), BO_FAILED);
	RL_EXPECT_EQ(cls(BOP_PUT, "err ENOSPC definite", k), BO_FAILED);
	RL_EXPECT(!strcmp(k, "ENOSPC definite"));
	RL_EXPECT_EQ(cls(BOP_GET, "err EINVAL definite", k), BO_FAILED);
	RL_EXPECT_EQ(cls(BOP_PUT, "err ENOBUFS maybe", k), BO_FAILED);
	RL_EXPECT(!strcmp(k, "bad-reply"));
	RL_EXPECT_EQ(cls(BOP_PUT, "err ENOBUFS definite extra", k), BO_FAILED);
	RL_EXPECT_EQ(cls(BOP_PUT, "", k), BO_FAILED);
	RL_EXPECT_EQ(cls(BOP_PUT, "granted 3 4", k), BO_FAILED);
}

RL_TEST(counts_and_status)
{
	struct bench_result a = { 0 }, b = { 0 }, m = { 0 };
	char name[32];

	bench_count(&a, BO_OK, NULL, 5);
	bench_count(&a, BO_BACKPRESSURE, "ENOBUFS definite", 2);
	RL_EXPECT_EQ(bench_status(&a), 0);	/* backpressure is no failure */
	bench_count(&b, BO_MISMATCH, NULL, 1);
	bench_count(&b, BO_BACKPRESSURE, "ENOBUFS definite", 3);
	bench_count(&b, BO_FAILED, "ETIMEDOUT unknown", 1);
	RL_EXPECT_EQ(bench_status(&b), 1);
	bench_merge(&m, &a);
	bench_merge(&m, &b);
	RL_EXPECT(m.ok == 5 && m.mismatch == 1 && m.backpressure == 5 &&
		  m.failed == 1);
	RL_ASSERT_EQ(m.nkinds, 2);
	RL_EXPECT(!strcmp(m.kinds[0].name, "ENOBUFS definite") &&
		  m.kinds[0].count == 5 && m.kinds[0].backpressure);
	RL_EXPECT(!strcmp(m.kinds[1].name, "ETIMEDOUT unknown") &&
		  m.kinds[1].count == 1 && !m.kinds[1].backpressure);
	RL_EXPECT_EQ(bench_status(&m), 1);
	/* nothing answered: a failed run too */
	memset(&a, 0, sizeof(a));
	bench_count(&a, BO_BACKPRESSURE, "EAGAIN definite", 9);
	RL_EXPECT_EQ(bench_status(&a), 1);
	/* more kinds than there is room for: the last counts the rest */
	memset(&a, 0, sizeof(a));
	for (int i = 0; i < BENCH_KINDS + 5; i++) {
		snprintf(name, sizeof(name), "E%d definite", i);
		bench_count(&a, BO_FAILED, name, 1);
	}
	RL_EXPECT_EQ(a.nkinds, BENCH_KINDS);
	RL_EXPECT_EQ(a.failed, BENCH_KINDS + 5);
	RL_EXPECT(!strcmp(a.kinds[BENCH_KINDS - 1].name, "other") &&
		  a.kinds[BENCH_KINDS - 1].count == 6);
}

/* the number after "KEY": in a JSON line, or -1 */
static double jnum(const char *j, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(j, pat);
	return p ? atof(p + strlen(pat)) : -1;
}

RL_TEST(json_line)
{
	struct bench_opts o;
	struct bench_result r = { 0 };
	uint64_t lat[4] = { 4000, 1000, 3000, 2000 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	RL_ASSERT_EQ(parse(&o, "/a\"b -c 3 -d 2 -j put"), 0);
	bench_count(&r, BO_OK, NULL, 3);
	bench_count(&r, BO_MISMATCH, NULL, 1);
	bench_count(&r, BO_BACKPRESSURE, "ENOBUFS definite", 2);
	bench_figures(&r, 2000000000ull, lat, 4);
	f = open_memstream(&buf, &len);
	RL_ASSERT(f != NULL);
	bench_print_json(f, &o, &r);
	fclose(f);
	RL_LOG("%.*s", (int)len - 1, buf);
	{
		const char *head = "{\"tool\":\"rlkv-bench\",\"op\":\"put\",\"addr\":\"/a\\\"b\",";

		RL_EXPECT(!strncmp(buf, head, strlen(head)));
	}
	RL_EXPECT(len > 2 && !strcmp(buf + len - 2, "}\n"));
	RL_EXPECT(!strchr(buf, '\n') || strchr(buf, '\n') == buf + len - 1);
	RL_EXPECT_EQ(jnum(buf, "conns"), 3);
	RL_EXPECT_EQ(jnum(buf, "ops"), 4);
	RL_EXPECT_EQ(jnum(buf, "ok"), 3);
	RL_EXPECT_EQ(jnum(buf, "mismatch"), 1);
	RL_EXPECT_EQ(jnum(buf, "backpressure"), 2);
	RL_EXPECT_EQ(jnum(buf, "failed"), 0);
	RL_EXPECT_EQ(jnum(buf, "ENOBUFS definite"), 2);
	RL_EXPECT_EQ(jnum(buf, "ops_per_s"), 2);
	RL_EXPECT_EQ(jnum(buf, "p50"), 2);
	RL_EXPECT_EQ(jnum(buf, "p99"), 4);
	RL_EXPECT_EQ(jnum(buf, "max"), 4);
	free(buf);
	/* the text form names the backpressure as such */
	buf = NULL;
	f = open_memstream(&buf, &len);
	RL_ASSERT(f != NULL);
	bench_print_text(f, &o, &r);
	fclose(f);
	RL_EXPECT(strstr(buf, "errors: ENOBUFS definite (backpressure): 2\n") != NULL);
	RL_EXPECT(strstr(buf, "throughput: 2.0 ops/s over 2.000 s") != NULL);
	RL_EXPECT(strstr(buf, "p50 2.0 p99 4.0") != NULL);
	free(buf);
}

/* A fake server: answers put with "ok N", every 4th with FAULT instead. */
struct fake {
	int lfd;
	const char *fault;
};

static void *fake_conn(void *arg)
{
	struct fake *fk = arg;
	int fd = accept(fk->lfd, NULL, NULL);
	struct lbuf b;
	char line[RLKV_LINE_MAX], out[64];
	unsigned long n = 0;

	if (fd < 0)
		return NULL;
	lbuf_init(&b, fd);
	while (net_readline(&b, line, sizeof(line), 0) > 0) {
		if (++n % 4 == 0)
			snprintf(out, sizeof(out), "%s", fk->fault);
		else
			snprintf(out, sizeof(out), "ok %lu", n);
		if (net_writeline(fd, out))
			break;
	}
	close(fd);
	return NULL;
}

/* rlkv bench -s SOCK -c 2 -d 0.2 -j put against a fake answering FAULT */
static int run_against(const char *sock, const char *fault, char *json,
		       size_t len)
{
	char tmpl[] = "/tmp/rlkv-bench-out.XXXXXX";
	char *argv[] = { "/nowhere", "-s", (char *)sock, "-c", "2", "-d", "0.2",
			 "-j", "put", NULL };
	struct fake fk = { .fault = fault };
	pthread_t t[2];
	int out = mkstemp(tmpl), saved = dup(1), rc, n = 0;
	ssize_t got;

	if (fault) {
		fk.lfd = net_listen(sock);
		if (fk.lfd < 0)
			return -1;
		for (n = 0; n < 2; n++)
			pthread_create(&t[n], NULL, fake_conn, &fk);
	}
	fflush(stdout);
	dup2(out, 1);
	rc = rlkv_bench(9, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	if (fault) {
		close(fk.lfd);
		unlink(sock);
	}
	got = pread(out, json, len - 1, 0);
	json[got > 0 ? got : 0] = 0;
	close(out);
	unlink(tmpl);
	return rc;
}

RL_TEST(whole_runs)
{
	char sock[64], json[2048];

	snprintf(sock, sizeof(sock), "/tmp/rlkv-bench-%d.sock", (int)getpid());
	/* backpressure only: exit 0, figures */
	RL_EXPECT_EQ(run_against(sock, "err ENOBUFS definite", json, sizeof(json)), 0);
	RL_LOG("%.*s", (int)strcspn(json, "\n"), json);
	RL_EXPECT(jnum(json, "ops") > 0);
	RL_EXPECT(jnum(json, "failed") == 0);
	RL_EXPECT(jnum(json, "backpressure") > 0);
	RL_EXPECT(jnum(json, "p50") > 0 && jnum(json, "p50") <= jnum(json, "p99"));
	RL_EXPECT(jnum(json, "ops_per_s") > 0);
	/* an outcome unknown: exit 1, counted by kind */
	RL_EXPECT_EQ(run_against(sock, "err ETIMEDOUT unknown", json, sizeof(json)), 1);
	RL_EXPECT(jnum(json, "ETIMEDOUT unknown") > 0);
	RL_EXPECT(jnum(json, "ops") > 0);
	/* an answer that is not one to put */
	RL_EXPECT_EQ(run_against(sock, "ok", json, sizeof(json)), 1);
	RL_EXPECT(jnum(json, "bad-reply") > 0);
	/* nobody there */
	unlink(sock);
	RL_EXPECT_EQ(run_against(sock, NULL, json, sizeof(json)), 1);
	RL_EXPECT(jnum(json, "connect") > 0);
	RL_EXPECT_EQ(jnum(json, "ops"), 0);
}

RL_SUITE(rlkv_bench, RL_CASE(latency_percentiles), RL_CASE(arguments),
	 RL_CASE(answers), RL_CASE(counts_and_status), RL_CASE(json_line),
	 RL_CASE(whole_runs));
