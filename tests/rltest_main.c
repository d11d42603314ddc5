// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side runner for tests written with tests/rltest.h.  Prints TAP, one
 * line per case as "suite.case", and ends with "N passed, N failed".
 *
 *	./test_prog [SUBSTRING...]	run the cases whose suite.case contains
 *					any SUBSTRING (all when none given)
 */
#include <stdio.h>
#include <string.h>
#include "rltest.h"

static struct rl_suite *suites;

void rl__register(struct rl_suite *suite)
{
	struct rl_suite **pp = &suites;

	/* keep registration order stable: append */
	while (*pp)
		pp = &(*pp)->next;
	suite->next = NULL;
	*pp = suite;
}

int rl__check(RL_T *t, int ok, const char *expr, const char *file, int line)
{
	if (!ok) {
		t->failed++;
		printf("    # %s:%d: expected %s\n", file, line, expr);
	}
	return ok;
}

int rl__check_eq(RL_T *t, int ok, const char *a, const char *b,
		 long long va, long long vb, const char *file, int line)
{
	if (!ok) {
		t->failed++;
		printf("    # %s:%d: %s == %lld, %s == %lld\n", file, line,
		       a, va, b, vb);
	}
	return ok;
}

static int selected(const char *full, int argc, char **argv)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (strstr(full, argv[i]))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	int n = 0, passed = 0, failed = 0;
	char full[256];

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (struct rl_suite *s = suites; s; s = s->next)
		for (const struct rl_case *c = s->cases; c->name; c++) {
			snprintf(full, sizeof(full), "%s.%s", s->name, c->name);
			if (selected(full, argc, argv))
				n++;
		}
	printf("TAP version 13\n1..%d\n", n);
	n = 0;
	for (struct rl_suite *s = suites; s; s = s->next)
		for (const struct rl_case *c = s->cases; c->name; c++) {
			RL_T t = { .name = c->name };

			snprintf(full, sizeof(full), "%s.%s", s->name, c->name);
			if (!selected(full, argc, argv))
				continue;
			c->run(&t);
			n++;
			if (t.failed) {
				failed++;
				printf("not ok %d %s\n", n, full);
			} else {
				passed++;
				printf("ok %d %s\n", n, full);
			}
		}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
