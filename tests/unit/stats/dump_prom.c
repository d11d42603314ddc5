// SPDX-License-Identifier: GPL-2.0
/*
 * Print raftctl stats --prometheus of the test groups (fixture.h), for
 * check_prom.py to parse with Prometheus's own Python parser.
 */
#include "fixture.h"

int main(void)
{
	struct rc_status st[2];

	fill(st);
	rc_stats_prometheus(stdout, st, 2);
	return 0;
}
