// SPDX-License-Identifier: GPL-2.0
/*
 * Crash consistency of kernel/storage*.c: run a fixed workload (appends of
 * 0 B..64 KiB entries, hard state, truncations, snapshots, compactions,
 * a log reset, enough traffic to lap a small ring) and simulate a crash
 * at every I/O it issues, with the interrupted write torn in three ways
 * (nothing, one sector, half of it written).  After each crash the device
 * is reopened; recovery must yield exactly the state after the last
 * acknowledged operation or after the one in progress: every entry
 * reported durable is there with its data, truncated entries stay gone,
 * and no entry fails its checksum.
 *
 * crash_volatile_cache runs it again on a disk with a volatile write
 * cache (kernel/storage_vwc.c): at each crash, every write no completed
 * flush or FUA covered, the one in flight included, is kept, lost or torn
 * (any of its sectors), as a random seed picks.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "disk.h"
#include "storage.h"

#define DEV		"/dev/ram1"
#define CLUSTER		77
#define GROUP		9
#define NODE		1
#define MAXI		1024	/* highest index the workload uses */

struct wop {
	char kind;		/* Append, Hard state, Truncate, Snapshot, Compact */
	u64 a, b, c;
};

/* the workload; every op is waited for before the next one starts */
static const struct wop workload[] = {
	{ 'A', 1, 5, 1 },	/* append a..a+b-1 in term c */
	{ 'H', 1, 1, 3 },	/* term, vote, commit */
	{ 'A', 6, 7, 1 },
	{ 'T', 9 },		/* keep up to a */
	{ 'A', 10, 5, 2 },
	{ 'H', 2, 2, 10 },
	{ 'S', 8, 1 },		/* snapshot at a, term b */
	{ 'C', 8 },
	{ 'A', 15, 14, 2 },
	{ 'A', 29, 14, 2 },
	{ 'T', 30 },
	{ 'T', 20 },
	{ 'A', 21, 14, 3 },
	{ 'S', 100, 3 },	/* ahead of the log: reset */
	{ 'A', 101, 14, 3 },
	{ 'H', 3, 1, 101 },
	/* lap the ring (about 36 blocks per 14 entries, ring ~509 blocks) */
	{ 'A', 115, 14, 3 }, { 'S', 110, 3 }, { 'C', 110 },
	{ 'A', 129, 14, 3 }, { 'A', 143, 14, 3 }, { 'S', 135, 3 }, { 'C', 135 },
	{ 'A', 157, 14, 4 }, { 'A', 171, 14, 4 }, { 'S', 160, 4 }, { 'C', 160 },
	{ 'A', 185, 14, 4 }, { 'A', 199, 14, 4 }, { 'S', 190, 4 }, { 'C', 190 },
	{ 'A', 213, 14, 4 }, { 'T', 220 }, { 'A', 221, 14, 5 },
	{ 'S', 215, 4 }, { 'C', 215 },
	{ 'A', 235, 14, 5 }, { 'A', 249, 14, 5 }, { 'S', 240, 5 }, { 'C', 240 },
	{ 'A', 263, 14, 5 }, { 'A', 277, 14, 5 }, { 'S', 270, 5 }, { 'C', 270 },
	{ 'A', 291, 14, 5 }, { 'A', 305, 14, 5 }, { 'S', 300, 5 }, { 'C', 300 },
	{ 'A', 319, 14, 5 }, { 'H', 5, 2, 320 },
};

#define NOPS ARRAY_SIZE(workload)

struct model {
	u64 first, last;
	u64 snap_index, snap_term;
	struct rl_hard_state hs;
	u64 term[MAXI];		/* term of each index in [first, last] */
};

static u32 ent_len(u64 i)
{
	static const u32 sizes[] = { 64, 1024, 0, 65536, 17, 4000, 64 };

	return sizes[i % ARRAY_SIZE(sizes)];
}

static void ent_fill(u8 *buf, u64 i, u64 term, u32 len)
{
	u32 k;

	for (k = 0; k < len; k++)
		buf[k] = (u8)(i * 29 + term * 5 + k);
}

static void model_apply(struct model *m, const struct wop *op)
{
	u64 i;

	switch (op->kind) {
	case 'A':
		for (i = op->a; i < op->a + op->b; i++)
			m->term[i] = op->c;
		m->last = op->a + op->b - 1;
		break;
	case 'H':
		m->hs.term = op->a;
		m->hs.vote = op->b;
		m->hs.commit = op->c;
		break;
	case 'T':
		m->last = op->a;
		break;
	case 'S':
		m->snap_index = op->a;
		m->snap_term = op->b;
		if (op->a >= m->last) {
			m->first = op->a + 1;
			m->last = op->a;
		}
		break;
	case 'C':
		m->first = op->a + 1;
		break;
	}
}

static s64 run_op(struct kunit *test, struct rl_storage *s, const struct wop *op)
{
	struct rl_hard_state hs = { op->a, op->b, op->c };
	struct rl_entry e[14];
	u8 *data[14] = { NULL };
	s64 t = -EINVAL;
	unsigned int k;

	switch (op->kind) {
	case 'A':
		for (k = 0; k < op->b; k++) {
			u64 i = op->a + k;

			data[k] = kmalloc(max_t(u32, ent_len(i), 1), GFP_KERNEL);
			if (!data[k])
				goto out;
			ent_fill(data[k], i, op->c, ent_len(i));
			e[k].index = i;
			e[k].term = op->c;
			e[k].len = ent_len(i);
			e[k].type = RAFTLOG_ENTRY_NORMAL;
			e[k].data = data[k];
		}
		t = rl_storage_append(s, e, op->b);
		break;
	case 'H':
		t = rl_storage_set_hard_state(s, &hs);
		break;
	case 'T':
		t = rl_storage_truncate(s, op->a);
		break;
	case 'S':
		t = rl_storage_save_snapshot(s, op->a, op->b, "conf", 4, "snapdata", 8);
		break;
	case 'C':
		t = rl_storage_compact(s, op->a);
		break;
	}
	if (t > 0)
		t = rl_storage_wait(s, t);
out:
	for (k = 0; k < ARRAY_SIZE(data); k++)
		kfree(data[k]);
	return t;
}

static struct rl_storage *cr_open(struct kunit *test)
{
	struct rl_storage_cfg cfg = {
		.cluster_id = CLUSTER, .group_id = GROUP, .node_id = NODE,
		.cache_bytes = 1,	/* read everything back from the device */
	};
	struct rl_storage *s = NULL;

	KUNIT_ASSERT_EQ(test, rl_storage_open(DEV, &cfg, &s), 0);
	return s;
}

/* does the reopened storage hold exactly model @m?  (0 = yes) */
static int matches(struct kunit *test, struct rl_storage *s, const struct model *m,
		   u8 *buf, u8 *want, bool report)
{
	struct rl_storage_info info;
	struct rl_entry e;
	u64 i;
	int err;

	rl_storage_get_info(s, &info);
	if (info.first_index != m->first || info.last_index != m->last ||
	    info.snap_index != m->snap_index || info.hs.term != m->hs.term ||
	    info.hs.vote != m->hs.vote || info.hs.commit != m->hs.commit) {
		if (report)
			kunit_err(test, "got log %llu..%llu snap %llu hs %llu/%llu/%llu, want %llu..%llu snap %llu hs %llu/%llu/%llu",
				  info.first_index, info.last_index, info.snap_index,
				  info.hs.term, info.hs.vote, info.hs.commit,
				  m->first, m->last, m->snap_index,
				  m->hs.term, m->hs.vote, m->hs.commit);
		return 1;
	}
	for (i = m->first; i <= m->last; i++) {
		err = rl_storage_entry(s, i, &e, buf, 65536);
		ent_fill(want, i, m->term[i], ent_len(i));
		if (err || e.term != m->term[i] || e.len != ent_len(i) ||
		    memcmp(buf, want, e.len)) {
			if (report)
				kunit_err(test, "entry %llu: err %d term %llu (want %llu)",
					  i, err, e.term, m->term[i]);
			return 1;
		}
	}
	if (m->snap_index) {
		u64 index, term, data_len;
		void *conf, *data;
		u32 conf_len;

		err = rl_storage_load_snapshot(s, &index, &term, &conf, &conf_len,
					       &data, &data_len);
		if (err)
			return 1;
		err = index != m->snap_index || term != m->snap_term ||
		      data_len != 8 || memcmp(data, "snapdata", 8);
		kvfree(conf);
		kvfree(data);
		if (err)
			return 1;
	}
	return 0;
}

static void crash_at_every_io(struct kunit *test)
{
	static const size_t torn_bytes[] = { 0, 512, 8 * 4096 };
	unsigned int n, k, torn, crashes = 0, ios_total = 0;
	struct model *models;
	u8 *buf, *want;

	/* the crash simulation is only in RL_TEST_HOOKS=1 builds */
	if (!RL_STORAGE_HOOKS)
		kunit_skip(test, "needs a build with RL_TEST_HOOKS=1");
	models = vzalloc(sizeof(*models) * (NOPS + 1));
	buf = vmalloc(65536);
	want = vmalloc(65536);
	KUNIT_ASSERT_NOT_NULL(test, models);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, want);
	models[0].first = 1;
	for (k = 0; k < NOPS; k++) {
		models[k + 1] = models[k];
		model_apply(&models[k + 1], &workload[k]);
	}

	/* crash at I/O n = 1, 2, ... until the workload completes unharmed */
	for (n = 1; n < 2000; n++) {
		for (torn = 0; torn < ARRAY_SIZE(torn_bytes); torn++) {
			struct rl_storage *s;
			unsigned int done = 0;
			bool crashed = false;

			KUNIT_ASSERT_EQ(test, rl_storage_format(DEV, CLUSTER, GROUP, NODE,
								31 << 20), 0);
			s = cr_open(test);
			rl_storage_inject_crash(s, n, torn_bytes[torn]);
			for (k = 0; k < NOPS; k++) {
				s64 r = run_op(test, s, &workload[k]);

				if (r) {
					crashed = true;
					break;
				}
				done++;
			}
			rl_storage_close(s);
			if (!crashed) {
				if (!torn)
					ios_total = n - 1;
				goto finished;
			}
			crashes++;
			s = cr_open(test);
			/* acknowledged ops are all there; the one in flight may be */
			if (matches(test, s, &models[done], buf, want, false) &&
			    matches(test, s, &models[done + 1], buf, want, false)) {
				KUNIT_FAIL(test,
					   "crash at I/O %u (torn %zu) after %u ops: matches neither op %u nor %u",
					   n, torn_bytes[torn], done, done, done + 1);
				matches(test, s, &models[done], buf, want, true);
				matches(test, s, &models[done + 1], buf, want, true);
			}
			rl_storage_close(s);
		}
	}
finished:
	kunit_info(test, "%u ops, %u I/Os, %u crashes simulated and recovered",
		   (unsigned int)NOPS, ios_total, crashes);
	KUNIT_EXPECT_GT(test, ios_total, NOPS);
	KUNIT_EXPECT_LT(test, n, 2000);
	/* and the complete run recovers to the final state */
	{
		struct rl_storage *s = cr_open(test);

		KUNIT_EXPECT_EQ(test, matches(test, s, &models[NOPS], buf, want, true), 0);
		rl_storage_close(s);
	}
	vfree(models);
	vfree(buf);
	vfree(want);
}

#define VWC_SEEDS	3	/* cache outcomes tried per crash point */

/* one crash of the workload at I/O @n on a volatile-cache disk: 0 = ok */
static int vwc_crash_once(struct kunit *test, struct rl_vwc *v, unsigned int n,
			  u32 seed, const struct model *models, u8 *buf, u8 *want,
			  struct rl_vwc_stats *st, bool *crashed)
{
	struct rl_storage_cfg cfg = {
		.cluster_id = CLUSTER, .group_id = GROUP, .node_id = NODE,
		.cache_bytes = 1,
	};
	struct rl_storage *s;
	unsigned int k, done = 0;
	int err;

	KUNIT_ASSERT_EQ(test, rl_storage_format(DEV, CLUSTER, GROUP, NODE, 31 << 20), 0);
	s = cr_open(test);
	rl_storage_attach_vwc(s, v);
	/* the n-th bio goes out whole, but the machine stops before it completes */
	rl_storage_inject_crash(s, n, SIZE_MAX);
	*crashed = false;
	for (k = 0; k < NOPS && !*crashed; k++) {
		if (run_op(test, s, &workload[k]))
			*crashed = true;
		else
			done++;
	}
	rl_storage_close(s);
	err = rl_vwc_crash(v, DEV, seed, st);
	KUNIT_ASSERT_EQ_MSG(test, err, 0, "replaying the cache's journal");
	if (!*crashed)
		return 0;
	err = rl_storage_open(DEV, &cfg, &s);
	if (err) {
		KUNIT_FAIL(test, "crash at I/O %u (seed %u) after %u ops: recovery fails (%d)",
			   n, seed, done, err);
		return 1;
	}
	/* acknowledged ops are all there; the one in flight may be */
	err = matches(test, s, &models[done], buf, want, false) &&
	      matches(test, s, &models[done + 1], buf, want, false);
	if (err) {
		KUNIT_FAIL(test,
			   "crash at I/O %u (seed %u) after %u ops, cache lost %u writes, tore %u, kept %u: matches neither op %u nor %u",
			   n, seed, done, st->dropped, st->torn, st->kept, done, done + 1);
		matches(test, s, &models[done], buf, want, true);
	}
	rl_storage_close(s);
	return err;
}

/*
 * The workload on a disk with a volatile write cache (rl_vwc_crash):
 * a crash at every I/O, the write in flight volatile whatever its flags,
 * and VWC_SEEDS random outcomes of the cache for each: every write no
 * completed flush or FUA covered is kept, lost or torn (any sectors of
 * it).  Recovery must boot and hold the state after the last
 * acknowledged op or after the one in flight: nothing reported durable
 * is lost.  A build whose records lack FUA (RL_BUG=NO_FLUSH) fails here.
 */
static void crash_volatile_cache(struct kunit *test)
{
	struct rl_vwc_stats tot = { 0 }, st;
	unsigned int n, r, crashes = 0, ios_total = 0;
	struct model *models;
	struct rl_vwc *v;
	u8 *buf, *want;
	bool crashed = true;

	if (!RL_STORAGE_HOOKS)
		kunit_skip(test, "needs a build with RL_TEST_HOOKS=1");
	models = vzalloc(sizeof(*models) * (NOPS + 1));
	buf = vmalloc(65536);
	want = vmalloc(65536);
	v = rl_vwc_create();
	if (!models || !buf || !want || !v)
		goto out;
	models[0].first = 1;
	for (r = 0; r < NOPS; r++) {
		models[r + 1] = models[r];
		model_apply(&models[r + 1], &workload[r]);
	}
	/* stop at the first failure: one is proof enough, and cheaper */
	for (n = 1; n < 2000 && crashed; n++) {
		for (r = 0; r < VWC_SEEDS && crashed; r++) {
			if (vwc_crash_once(test, v, n, n * VWC_SEEDS + r, models,
					   buf, want, &st, &crashed))
				goto out;
			crashes += crashed;
			tot.kept += st.kept;
			tot.dropped += st.dropped;
			tot.torn += st.torn;
		}
		ios_total = n - 1;
	}
	kunit_info(test, "%u ops, %u I/Os, %u crashes on a volatile cache recovered; unflushed writes: %u kept, %u lost, %u torn",
		   (unsigned int)NOPS, ios_total, crashes, tot.kept, tot.dropped, tot.torn);
	KUNIT_EXPECT_GT(test, ios_total, NOPS);
	KUNIT_EXPECT_GT(test, tot.dropped, 0);
	KUNIT_EXPECT_GT(test, tot.torn, 0);
out:
	KUNIT_EXPECT_TRUE(test, models && buf && want && v);
	rl_vwc_destroy(v);
	vfree(models);
	vfree(buf);
	vfree(want);
}

static struct kunit_case crash_cases[] = {
	KUNIT_CASE_SLOW(crash_at_every_io),
	KUNIT_CASE_SLOW(crash_volatile_cache),
	{}
};

static struct kunit_suite crash_suite = {
	.name = "raftlog_storage_crash",
	.test_cases = crash_cases,
};

kunit_test_suite(crash_suite);
