// SPDX-License-Identifier: GPL-2.0
/*
 * Append benchmark of kernel/storage*.c (a program, not a test): skipped
 * unless raftlog_test.ko is loaded with storage_bench=1, which
 * tests/vm/storage-bench.sh does and then runs fio on the same device
 * with the same flush policy (every write FUA) for comparison.
 *
 * For entries of 64 B, 1 KiB and 64 KiB, on /dev/ram0:
 *   sync:      one entry per append, wait for it (one FUA record each)
 *   pipelined: up to 64 appends queued, wait for the oldest (group commit)
 * Prints one "storage-bench:" line per run with throughput and latency.
 */
#include <kunit/test.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>

#include "disk.h"
#include "storage.h"

static bool storage_bench;
module_param(storage_bench, bool, 0444);
MODULE_PARM_DESC(storage_bench, "run the storage append benchmark (slow)");

#define BENCH_DEV	"/dev/ram0"
#define DEPTH		64

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static void bench_one(struct kunit *test, u32 size, unsigned int n, bool pipelined)
{
	struct rl_storage_cfg cfg = { .cluster_id = 1, .group_id = 1, .node_id = 1 };
	struct rl_storage *s = NULL;
	u64 *lat = vmalloc(array_size(n, sizeof(u64)));
	u64 *start = vmalloc(array_size(n, sizeof(u64)));
	s64 *ticket = vmalloc(array_size(n, sizeof(s64)));
	u8 *data = kmalloc(size, GFP_KERNEL);
	struct rl_storage_info info;
	unsigned int i, done = 0;
	u64 t0, elapsed, sum = 0;

	KUNIT_ASSERT_TRUE(test, lat && start && ticket && data);
	memset(data, 0x5a, size);
	KUNIT_ASSERT_EQ(test, rl_storage_format(BENCH_DEV, 1, 1, 1, 1 << 20), 0);
	KUNIT_ASSERT_EQ(test, rl_storage_open(BENCH_DEV, &cfg, &s), 0);
	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		struct rl_entry e = {
			.index = i + 1, .term = 1, .len = size, .data = data,
		};

		start[i] = ktime_get_ns();
		ticket[i] = rl_storage_append(s, &e, 1);
		KUNIT_ASSERT_GT(test, ticket[i], 0);
		while (done <= i && (!pipelined || i - done + 1 >= DEPTH || i == n - 1)) {
			KUNIT_ASSERT_EQ(test, rl_storage_wait(s, ticket[done]), 0);
			lat[done] = ktime_get_ns() - start[done];
			done++;
		}
	}
	elapsed = ktime_get_ns() - t0;
	rl_storage_get_info(s, &info);
	rl_storage_close(s);
	for (i = 0; i < n; i++)
		sum += lat[i];
	sort(lat, n, sizeof(u64), cmp_u64, NULL);
	kunit_info(test,
		   "storage-bench: size=%u mode=%s appends=%u records=%llu time_ms=%llu appends_per_s=%llu KiB_per_s=%llu lat_us avg=%llu p50=%llu p99=%llu max=%llu",
		   size, pipelined ? "pipelined" : "sync", n, info.records,
		   elapsed / 1000000, (u64)n * 1000000000ULL / max(elapsed, 1ULL),
		   (u64)n * size * 1000000000ULL / 1024 / max(elapsed, 1ULL),
		   sum / n / 1000, lat[n / 2] / 1000, lat[n * 99 / 100] / 1000,
		   lat[n - 1] / 1000);
	vfree(lat);
	vfree(start);
	vfree(ticket);
	kfree(data);
}

static void storage_append_bench(struct kunit *test)
{
	if (!storage_bench)
		kunit_skip(test, "benchmark: load raftlog_test.ko with storage_bench=1");
	bench_one(test, 64, 2000, false);
	bench_one(test, 64, 2000, true);
	bench_one(test, 1024, 2000, false);
	bench_one(test, 1024, 2000, true);
	bench_one(test, 65536, 300, false);
	bench_one(test, 65536, 300, true);
}

static struct kunit_case bench_cases[] = {
	KUNIT_CASE_SLOW(storage_append_bench),
	{}
};

static struct kunit_suite bench_suite = {
	.name = "raftlog_storage_bench",
	.test_cases = bench_cases,
};

kunit_test_suite(bench_suite);
