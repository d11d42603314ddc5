/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rlkv bench (bench.c): the parts the host unit tests reach without a
 * server: its arguments, how an answer counts, the figures and their
 * printing.
 */
#ifndef RLKV_BENCH_H
#define RLKV_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "latency.h"

enum bench_op { BOP_PUT, BOP_GET, BOP_SGET, BOP_CAS };

#define BENCH_MAX_CONNS	1024
#define BENCH_MAX_KEYS	10000000u

struct bench_opts {
	const char *addr;
	enum bench_op op;
	unsigned int conns;	/* 1..BENCH_MAX_CONNS, default 1 */
	double secs;		/* > 0, default 5 */
	unsigned int keys;	/* 1..BENCH_MAX_KEYS, default 1000 */
	unsigned int vbytes;	/* 1..SM_TOKEN_MAX, default 16 */
	int json;
};

/*
 * Parse "[-s ADDR] [-c CONNS] [-d SECONDS] [-k KEYS] [-v VALUE-BYTES] [-j]
 * OP" in argv[1..argc); argv[0] is the address to use without -s.  0, or
 * -1 with the reason in err.
 */
int bench_parse(int argc, char **argv, struct bench_opts *o, char *err,
		size_t errlen);
const char *bench_op_name(enum bench_op op);

enum bench_outcome {
	BO_OK,			/* done (a put, a get, a cas that swapped) */
	BO_MISMATCH,		/* cas: done, the value was another */
	BO_BACKPRESSURE,	/* err EAGAIN|ENOBUFS|EBUSY definite */
	BO_FAILED,		/* anything else */
};

/*
 * How the answer reply to op counts; for the last two, its kind (e.g.
 * "ENOBUFS definite", "ETIMEDOUT unknown", "bad-reply") in kind.
 */
enum bench_outcome bench_classify(enum bench_op op, const char *reply,
				  char *kind, size_t kindlen);

#define BENCH_KINDS	16
#define BENCH_KIND_LEN	40

struct bench_result {
	uint64_t ok, mismatch, backpressure, failed;
	struct {
		char name[BENCH_KIND_LEN];
		uint64_t count;
		int backpressure;
	} kinds[BENCH_KINDS];
	unsigned int nkinds;
	double secs;		/* first request to last answer */
	double ops_per_s;	/* (ok + mismatch) / secs */
	struct lat_summary lat;	/* of the ok and mismatch answers */
};

/* Count n requests of outcome oc (kind for the last two) in r. */
void bench_count(struct bench_result *r, enum bench_outcome oc,
		 const char *kind, uint64_t n);
/* Add the counts of from to r (not the times). */
void bench_merge(struct bench_result *r, const struct bench_result *from);
/* Times and latencies (ns, sorted in place) into r. */
void bench_figures(struct bench_result *r, uint64_t elapsed_ns,
		   uint64_t *lat_ns, size_t n);
void bench_print_text(FILE *f, const struct bench_opts *o,
		      const struct bench_result *r);
void bench_print_json(FILE *f, const struct bench_opts *o,
		      const struct bench_result *r);
/* 0 when nothing failed and something was done, else 1 */
int bench_status(const struct bench_result *r);

/* rlkv bench: argv as bench_parse's; the exit status */
int rlkv_bench(int argc, char **argv);

#endif /* RLKV_BENCH_H */
