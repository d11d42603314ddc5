// SPDX-License-Identifier: GPL-2.0
/* Latency figures shared by the benchmarks (latency.h). */
#include <stdlib.h>
#include <string.h>
#include "latency.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

double lat_pct(const uint64_t *v, size_t n, double p)
{
	size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);

	if (!n)
		return 0;
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return (double)v[rank - 1] / 1000.0;
}

void lat_summarize(uint64_t *ns, size_t n, struct lat_summary *s)
{
	double sum = 0;

	memset(s, 0, sizeof(*s));
	s->n = n;
	if (!n)
		return;
	qsort(ns, n, sizeof(*ns), cmp_u64);
	for (size_t i = 0; i < n; i++)
		sum += (double)ns[i];
	s->min = (double)ns[0] / 1000.0;
	s->max = (double)ns[n - 1] / 1000.0;
	s->mean = sum / (double)n / 1000.0;
	s->p50 = lat_pct(ns, n, 50);
	s->p99 = lat_pct(ns, n, 99);
	s->p999 = lat_pct(ns, n, 99.9);
}

void lat_print_text(FILE *f, const struct lat_summary *s)
{
	fprintf(f, "min %.1f p50 %.1f p99 %.1f p999 %.1f max %.1f mean %.1f",
		s->min, s->p50, s->p99, s->p999, s->max, s->mean);
}

void lat_print_json(FILE *f, const struct lat_summary *s)
{
	fprintf(f, "\"latency_us\":{\"min\":%.1f,\"p50\":%.1f,\"p99\":%.1f,"
		"\"p999\":%.1f,\"max\":%.1f,\"mean\":%.1f}",
		s->min, s->p50, s->p99, s->p999, s->max, s->mean);
}

void json_str(FILE *f, const char *str)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)str; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}
