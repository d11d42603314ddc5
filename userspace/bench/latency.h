/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Latency figures shared by the benchmarks (raftlog-bench, rlkv bench):
 * nearest-rank percentiles of a set of latencies in nanoseconds, given
 * in microseconds, printed the same way in text and JSON.
 */
#ifndef RL_LATENCY_H
#define RL_LATENCY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct lat_summary {
	uint64_t n;				/* latencies counted */
	double min, p50, p99, p999, max, mean;	/* microseconds; 0 when n is 0 */
};

/* Nearest-rank percentile p (0..100] of sorted v[0..n), in microseconds. */
double lat_pct(const uint64_t *v, size_t n, double p);
/* Sort ns[0..n) (nanoseconds) in place and summarize it. */
void lat_summarize(uint64_t *ns, size_t n, struct lat_summary *s);
/* "min A p50 B p99 C p999 D max E mean F" */
void lat_print_text(FILE *f, const struct lat_summary *s);
/* "\"latency_us\":{\"min\":A,...,\"mean\":F}" */
void lat_print_json(FILE *f, const struct lat_summary *s);
/* A JSON string: quotes, backslashes and control bytes escaped. */
void json_str(FILE *f, const char *s);

#endif /* RL_LATENCY_H */
