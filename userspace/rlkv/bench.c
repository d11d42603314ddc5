// SPDX-License-Identifier: GPL-2.0
/*
 * rlkv bench: throughput and latency of one rlkv server.
 *
 *   rlkv bench [-s ADDR] [-c CONNS] [-d SECONDS] [-k KEYS]
 *              [-v VALUE-BYTES] [-j] put|get|sget|cas
 *
 * CONNS connections to the server at ADDR (default 1; a thread each, and
 * on the server a thread and a raftlog handle each) send OP back to back
 * for SECONDS (default 5): one request, wait for its answer, the next.
 *   put   put K V: a proposal, answered once committed and applied
 *   get   get K: linearizable, through the read barrier (raftlog_barrier,
 *         Raft's ReadIndex) and the wait for the applier to reach it
 *   sget  sget K: the server's state as it is (stale), no raftlog call
 *   cas   cas K OLD NEW on a key of the connection's own ("bcas<N>"),
 *         OLD the value it last saw: a proposal as put, answered with
 *         the state machine's verdict (ok or mismatch; a mismatch, e.g.
 *         left over from an earlier run, gives the next OLD)
 * K is "bk<i>", i uniform in 0..KEYS-1 (default 1000; run put first so
 * that gets find values); V is VALUE-BYTES bytes (default 16, 1..255).
 *
 * Latency is per request, from sending it to reading its answer
 * (CLOCK_MONOTONIC), over the answered ones (ok and, for cas, mismatch);
 * throughput counts those over the time from the first request to the
 * last one's end.  Percentiles are nearest-rank (userspace/bench/latency.c,
 * shared with raftlog-bench).  Other answers are counted by kind: "err
 * EAGAIN|ENOBUFS|EBUSY definite" is backpressure, documented (the
 * proposal queue or the leader's uncommitted budget is full, no leader
 * yet, a transfer: nothing was done); anything else is a failure ("err X
 * unknown", another definite error, no answer within 30 s ("no-answer"),
 * no connection ("connect", retried after 100 ms), an answer that does
 * not fit the request ("bad-reply")).
 *
 * Output: a text summary, or with -j one JSON line:
 *   {"tool":"rlkv-bench","op":"put","addr":"...","conns":N,
 *    "duration_s":S,"keys":N,"value_bytes":N,"ops":N,"ok":N,
 *    "mismatch":N,"backpressure":N,"failed":N,"errors":{"KIND":N,...},
 *    "seconds":S,"ops_per_s":X,"latency_us":{"min":..,"p50":..,"p99":..,
 *    "p999":..,"max":..,"mean":..}}
 * ("ops" = ok + mismatch; "errors" has backpressure and failures.)
 *
 * Exit status: 0 when no request failed (backpressure aside) and at
 * least one was answered, 1 if not, 2 for bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bench.h"
#include "net.h"
#include "rlkv.h"
#include "sm.h"

static const char *const op_names[] = { "put", "get", "sget", "cas" };

const char *bench_op_name(enum bench_op op)
{
	return op_names[op];
}

/* an unsigned number in lo..hi, all of s */
static int parse_uint(const char *s, unsigned long lo, unsigned long hi,
		      unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < lo || v > hi)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

int bench_parse(int argc, char **argv, struct bench_opts *o, char *err,
		size_t errlen)
{
	int i, have_op = 0;

	memset(o, 0, sizeof(*o));
	o->addr = argv[0];
	o->conns = 1;
	o->secs = 5;
	o->keys = 1000;
	o->vbytes = 16;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int bad = 0;

		if (!strcmp(a, "-j")) {
			o->json = 1;
			continue;
		}
		if (a[0] != '-') {
			size_t k;

			if (have_op) {
				snprintf(err, errlen, "one OP only (%s)", a);
				return -1;
			}
			for (k = 0; k < sizeof(op_names) / sizeof(op_names[0]); k++)
				if (!strcmp(a, op_names[k]))
					break;
			if (k == sizeof(op_names) / sizeof(op_names[0])) {
				snprintf(err, errlen, "unknown OP %s (put, get, sget, cas)", a);
				return -1;
			}
			o->op = (enum bench_op)k;
			have_op = 1;
			continue;
		}
		if (strlen(a) != 2 || !strchr("scdkv", a[1])) {
			snprintf(err, errlen, "unknown option %s", a);
			return -1;
		}
		if (!v) {
			snprintf(err, errlen, "%s wants a value", a);
			return -1;
		}
		i++;
		switch (a[1]) {
		case 's':
			o->addr = v;
			bad = !*v;
			break;
		case 'c':
			bad = parse_uint(v, 1, BENCH_MAX_CONNS, &o->conns);
			break;
		case 'd': {
			char *end;

			o->secs = strtod(v, &end);
			bad = *end || end == v || !(o->secs > 0) ||
			      o->secs > 86400;
			break;
		}
		case 'k':
			bad = parse_uint(v, 1, BENCH_MAX_KEYS, &o->keys);
			break;
		case 'v':
			bad = parse_uint(v, 1, SM_TOKEN_MAX, &o->vbytes);
			break;
		}
		if (bad) {
			snprintf(err, errlen, "bad value for %s: %s", a, v);
			return -1;
		}
	}
	if (!have_op) {
		snprintf(err, errlen, "no OP (put, get, sget, cas)");
		return -1;
	}
	return 0;
}

/* "err NAME definite|unknown" with a backpressure NAME */
static int is_backpressure(const char *name, const char *how)
{
	return !strcmp(how, "definite") &&
	       (!strcmp(name, "EAGAIN") || !strcmp(name, "ENOBUFS") ||
		!strcmp(name, "EBUSY"));
}

enum bench_outcome bench_classify(enum bench_op op, const char *reply,
				  char *kind, size_t kindlen)
{
	char name[24], how[16], rest[8];
	unsigned long long idx;

	switch (op) {
	case BOP_PUT:
		if (sscanf(reply, "ok %llu %7s", &idx, rest) == 1)
			return BO_OK;
		break;
	case BOP_GET:
	case BOP_SGET:
		if (!strncmp(reply, "ok ", 3) && reply[3] &&
		    !strchr(reply + 3, ' '))
			return BO_OK;
		break;
	case BOP_CAS:
		if (sscanf(reply, "ok %llu %7s", &idx, rest) == 1)
			return BO_OK;
		if (sscanf(reply, "mismatch %llu %7s", &idx, rest) == 2)
			return BO_MISMATCH;
		break;
	}
	if (sscanf(reply, "err %23s %15s %7s", name, how, rest) == 2 &&
	    (!strcmp(how, "definite") || !strcmp(how, "unknown"))) {
		snprintf(kind, kindlen, "%s %s", name, how);
		return is_backpressure(name, how) ? BO_BACKPRESSURE : BO_FAILED;
	}
	snprintf(kind, kindlen, "bad-reply");
	return BO_FAILED;
}

void bench_count(struct bench_result *r, enum bench_outcome oc,
		 const char *kind, uint64_t n)
{
	unsigned int k;

	switch (oc) {
	case BO_OK:
		r->ok += n;
		return;
	case BO_MISMATCH:
		r->mismatch += n;
		return;
	case BO_BACKPRESSURE:
		r->backpressure += n;
		break;
	case BO_FAILED:
		r->failed += n;
		break;
	}
	for (k = 0; k < r->nkinds; k++)
		if (!strcmp(r->kinds[k].name, kind) &&
		    r->kinds[k].backpressure == (oc == BO_BACKPRESSURE))
			break;
	if (k == r->nkinds) {
		if (k == BENCH_KINDS) {		/* the last one takes the rest */
			k--;
			snprintf(r->kinds[k].name, BENCH_KIND_LEN, "other");
		} else {
			snprintf(r->kinds[k].name, BENCH_KIND_LEN, "%s", kind);
			r->kinds[k].backpressure = oc == BO_BACKPRESSURE;
			r->nkinds++;
		}
	}
	r->kinds[k].count += n;
}

void bench_merge(struct bench_result *r, const struct bench_result *from)
{
	r->ok += from->ok;
	r->mismatch += from->mismatch;
	for (unsigned int k = 0; k < from->nkinds; k++)
		bench_count(r, from->kinds[k].backpressure ? BO_BACKPRESSURE :
			    BO_FAILED, from->kinds[k].name,
			    from->kinds[k].count);
}

void bench_figures(struct bench_result *r, uint64_t elapsed_ns,
		   uint64_t *lat_ns, size_t n)
{
	r->secs = (double)(elapsed_ns ? elapsed_ns : 1) / 1e9;
	r->ops_per_s = (double)(r->ok + r->mismatch) / r->secs;
	lat_summarize(lat_ns, n, &r->lat);
}

void bench_print_text(FILE *f, const struct bench_opts *o,
		      const struct bench_result *r)
{
	fprintf(f, "rlkv bench: %s on %s, %u connection%s, %g s, %u keys, %u-byte values\n",
		op_names[o->op], o->addr, o->conns, o->conns == 1 ? "" : "s",
		o->secs, o->keys, o->vbytes);
	fprintf(f, "  requests: %" PRIu64 " ok, %" PRIu64 " mismatch, %"
		PRIu64 " backpressure, %" PRIu64 " failed\n", r->ok,
		r->mismatch, r->backpressure, r->failed);
	for (unsigned int k = 0; k < r->nkinds; k++)
		fprintf(f, "  errors: %s%s: %" PRIu64 "\n", r->kinds[k].name,
			r->kinds[k].backpressure ? " (backpressure)" : "",
			r->kinds[k].count);
	fprintf(f, "  throughput: %.1f ops/s over %.3f s\n", r->ops_per_s,
		r->secs);
	fprintf(f, "  latency us: ");
	lat_print_text(f, &r->lat);
	fputc('\n', f);
}

void bench_print_json(FILE *f, const struct bench_opts *o,
		      const struct bench_result *r)
{
	fprintf(f, "{\"tool\":\"rlkv-bench\",\"op\":\"%s\",\"addr\":",
		op_names[o->op]);
	json_str(f, o->addr);
	fprintf(f, ",\"conns\":%u,\"duration_s\":%g,\"keys\":%u,\"value_bytes\":%u,",
		o->conns, o->secs, o->keys, o->vbytes);
	fprintf(f, "\"ops\":%" PRIu64 ",\"ok\":%" PRIu64 ",\"mismatch\":%"
		PRIu64 ",\"backpressure\":%" PRIu64 ",\"failed\":%" PRIu64
		",\"errors\":{", r->ok + r->mismatch, r->ok, r->mismatch,
		r->backpressure, r->failed);
	for (unsigned int k = 0; k < r->nkinds; k++) {
		fprintf(f, "%s", k ? "," : "");
		json_str(f, r->kinds[k].name);
		fprintf(f, ":%" PRIu64, r->kinds[k].count);
	}
	fprintf(f, "},\"seconds\":%.6f,\"ops_per_s\":%.1f,", r->secs,
		r->ops_per_s);
	lat_print_json(f, &r->lat);
	fprintf(f, "}\n");
}

int bench_status(const struct bench_result *r)
{
	return r->failed || !(r->ok + r->mismatch);
}

/* ------------------------------------------------------------------ */
/* The run: a thread a connection                                       */

struct bworker {
	pthread_t tid;
	const struct bench_opts *o;
	unsigned int id;
	uint64_t rng;
	uint64_t *lat;		/* ns, of the answered requests */
	size_t n, cap;
	int64_t t_last;		/* its last answer */
	int oom;
	struct bench_result r;
};

static pthread_barrier_t start_line;
static int64_t t_start, deadline;

static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* len bytes of value: "c<id>.<seq>" padded with 'x' (cut to len) */
static void make_value(char *v, unsigned int len, unsigned int id,
		       uint64_t seq)
{
	int n = snprintf(v, len + 1, "c%u.%" PRIu64, id, seq);

	if (n < 0)
		n = 0;
	for (unsigned int i = (unsigned int)n; i < len; i++)
		v[i] = 'x';
	v[len] = 0;
}

static void *bworker_main(void *arg)
{
	struct bworker *w = arg;
	const struct bench_opts *o = w->o;
	struct client c = { .addr = o->addr, .fd = -1 };
	char req[RLKV_LINE_MAX], reply[RLKV_LINE_MAX], kind[BENCH_KIND_LEN];
	char val[SM_TOKEN_MAX + 1], old[SM_TOKEN_MAX + 1] = "-";
	uint64_t seq = 0;

	pthread_barrier_wait(&start_line);
	for (;;) {
		int64_t t0 = mono_ns(), t1;
		unsigned int k = (unsigned int)(next_rand(&w->rng) % o->keys);
		enum bench_outcome oc;

		if (t0 >= deadline)
			break;
		seq++;
		switch (o->op) {
		case BOP_PUT:
			make_value(val, o->vbytes, w->id, seq);
			snprintf(req, sizeof(req), "put bk%u %s", k, val);
			break;
		case BOP_GET:
		case BOP_SGET:
			snprintf(req, sizeof(req), "%s bk%u", op_names[o->op], k);
			break;
		case BOP_CAS:
			make_value(val, o->vbytes, w->id, seq);
			snprintf(req, sizeof(req), "cas bcas%u %s %s", w->id,
				 old, val);
			break;
		}
		if (c.fd < 0) {
			c.fd = net_connect(c.addr);
			if (c.fd >= 0)
				lbuf_init(&c.b, c.fd);
		}
		if (c.fd < 0) {
			oc = BO_FAILED;
			snprintf(kind, sizeof(kind), "connect");
		} else if (client_call(&c, req, reply, sizeof(reply), 30000) < 0) {
			oc = BO_FAILED;
			snprintf(kind, sizeof(kind), "no-answer");
		} else {
			oc = bench_classify(o->op, reply, kind, sizeof(kind));
		}
		t1 = mono_ns();
		bench_count(&w->r, oc, kind, 1);
		if (oc == BO_OK || oc == BO_MISMATCH) {
			if (w->n == w->cap) {
				size_t cap = w->cap ? w->cap * 2 : 4096;
				uint64_t *l = realloc(w->lat, cap * sizeof(*l));

				if (!l) {
					w->oom = 1;
					break;
				}
				w->lat = l;
				w->cap = cap;
			}
			w->lat[w->n++] = (uint64_t)(t1 - t0);
		}
		w->t_last = t1;
		if (o->op == BOP_CAS && oc == BO_OK)
			snprintf(old, sizeof(old), "%s", val);
		else if (oc == BO_MISMATCH)
			sscanf(reply, "mismatch %*u %255s", old);
		if (oc == BO_FAILED && c.fd < 0)
			sleep_ms(100);	/* no server: do not spin */
	}
	if (c.fd >= 0)
		close(c.fd);
	return NULL;
}

int rlkv_bench(int argc, char **argv)
{
	struct bench_opts o;
	struct bench_result r = { 0 };
	struct bworker *w;
	uint64_t *lat;
	size_t n = 0;
	int64_t t_end;
	char err[128];
	int rc = 1, oom = 0;

	if (bench_parse(argc, argv, &o, err, sizeof(err))) {
		fprintf(stderr, "rlkv bench: %s\n"
			"usage: rlkv bench [-s ADDR] [-c CONNS] [-d SECONDS] [-k KEYS] [-v VALUE-BYTES] [-j]\n"
			"                  put|get|sget|cas\n", err);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	w = calloc(o.conns, sizeof(*w));
	if (!w || pthread_barrier_init(&start_line, NULL, o.conns + 1)) {
		fprintf(stderr, "rlkv bench: out of memory\n");
		return 1;
	}
	for (unsigned int i = 0; i < o.conns; i++) {
		w[i].o = &o;
		w[i].id = i;
		w[i].rng = 0x9e3779b97f4a7c15ull * (i + 1) ^ (uint64_t)getpid();
		if (pthread_create(&w[i].tid, NULL, bworker_main, &w[i])) {
			fprintf(stderr, "rlkv bench: cannot start thread %u\n", i);
			exit(1);
		}
	}
	t_start = mono_ns();
	deadline = t_start + (int64_t)(o.secs * 1e9);
	t_end = t_start;
	pthread_barrier_wait(&start_line);
	for (unsigned int i = 0; i < o.conns; i++) {
		pthread_join(w[i].tid, NULL);
		n += w[i].n;
		if (w[i].t_last > t_end)
			t_end = w[i].t_last;
	}
	lat = malloc((n ? n : 1) * sizeof(*lat));
	if (lat) {
		n = 0;
		rc = 0;
		for (unsigned int i = 0; i < o.conns; i++) {
			if (w[i].n)
				memcpy(lat + n, w[i].lat, w[i].n * sizeof(*lat));
			n += w[i].n;
			bench_merge(&r, &w[i].r);
			oom |= w[i].oom;
		}
		bench_figures(&r, (uint64_t)(t_end - t_start), lat, n);
		if (o.json)
			bench_print_json(stdout, &o, &r);
		else
			bench_print_text(stdout, &o, &r);
		rc = oom || bench_status(&r);
	}
	if (!lat || oom)
		fprintf(stderr, "rlkv bench: out of memory (figures incomplete)\n");
	for (unsigned int i = 0; i < o.conns; i++)
		free(w[i].lat);
	free(w);
	free(lat);
	pthread_barrier_destroy(&start_line);
	return rc ? 1 : 0;
}
