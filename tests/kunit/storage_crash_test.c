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

/* The model after each op of @ops (models[r]: before op r); vfree() it. */
static struct model *models_build(const struct wop *ops, unsigned int n)
{
	struct model *models = vzalloc(sizeof(*models) * (n + 1));
	unsigned int r;

	if (!models)
		return NULL;
	models[0].first = 1;
	for (r = 0; r < n; r++) {
		models[r + 1] = models[r];
		model_apply(&models[r + 1], &ops[r]);
	}
	return models;
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
	models = models_build(workload, NOPS);
	buf = vmalloc(65536);
	want = vmalloc(65536);
	v = rl_vwc_create();
	if (!models || !buf || !want || !v)
		goto out;
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

/*
 * The pipeline with writes completing out of order.  Batches of appends
 * are queued while the storage holds its records back, then go out
 * together (several records in flight) with each pair submitted swapped,
 * so that a later record completes before an earlier one; between batches, hard
 * state, a snapshot and a compaction.
 */
static const struct wop ooo_workload[] = {
	{ 'A', 1, 14, 1 }, { 'A', 15, 14, 1 }, { 'A', 29, 14, 1 },
	{ 'A', 43, 14, 1 }, { 'A', 57, 14, 1 }, { 'A', 71, 14, 1 },
	{ 'A', 85, 14, 1 }, { 'A', 99, 14, 1 },
	{ 'H', 1, 1, 112 }, { 'S', 112, 1 }, { 'C', 112 },
	{ 'A', 113, 14, 2 }, { 'A', 127, 14, 2 }, { 'A', 141, 14, 2 },
	{ 'A', 155, 14, 2 }, { 'A', 169, 14, 2 }, { 'A', 183, 14, 2 },
	{ 'A', 197, 14, 2 }, { 'A', 211, 14, 2 },
	{ 'H', 2, 1, 224 },
};

#define OOO_NOPS ARRAY_SIZE(ooo_workload)

/*
 * Does @s hold the state after op @lo, or a longer prefix of the appends
 * up to op @hi (all appends after @lo)?  0 = yes.  Appends not yet
 * reported durable may be there in part: a record holds part of an op.
 */
static int matches_prefix(struct kunit *test, struct rl_storage *s,
			  const struct model *lo, const struct model *hi,
			  u8 *buf, u8 *want)
{
	struct rl_storage_info info;
	struct rl_entry e;
	u64 i;

	rl_storage_get_info(s, &info);
	if (info.first_index != lo->first || info.snap_index != lo->snap_index ||
	    info.hs.term != lo->hs.term || info.hs.commit != lo->hs.commit ||
	    info.last_index < lo->last || info.last_index > hi->last) {
		kunit_err(test, "got log %llu..%llu snap %llu commit %llu, want %llu..%llu-%llu snap %llu commit %llu",
			  info.first_index, info.last_index, info.snap_index,
			  info.hs.commit, lo->first, lo->last, hi->last,
			  lo->snap_index, lo->hs.commit);
		return 1;
	}
	for (i = lo->first; i <= info.last_index; i++) {
		ent_fill(want, i, hi->term[i], ent_len(i));
		if (rl_storage_entry(s, i, &e, buf, 65536) || e.term != hi->term[i] ||
		    e.len != ent_len(i) || memcmp(buf, want, e.len)) {
			kunit_err(test, "entry %llu: term %llu (want %llu)", i, e.term,
				  hi->term[i]);
			return 1;
		}
	}
	return 0;
}

/*
 * Run ooo_workload on @s: each run of appends queued while plugged, then
 * released at once, each pair of records submitted swapped (2, 1, 4, 3).
 * How many ops were acknowledged before the first failure in *@done,
 * the op that ends the batch in flight then in *@hi; true on a failure.
 */
static bool run_ooo(struct kunit *test, struct rl_storage *s,
		    unsigned int *done, unsigned int *hi)
{
	s64 tk[OOO_NOPS];
	unsigned int k = 0, j, end;

	*done = 0;
	while (k < OOO_NOPS) {
		end = k + 1;
		if (ooo_workload[k].kind == 'A') {
			while (end < OOO_NOPS && ooo_workload[end].kind == 'A')
				end++;
			rl_storage_plug(s, true, true);
		}
		for (j = k; j < end; j++) {
			struct wop op = ooo_workload[j];
			struct rl_entry e[14];
			u8 *data[14] = { NULL };
			unsigned int m;

			if (op.kind != 'A') {
				tk[j] = run_op(test, s, &op) ? -EIO : 0;
				continue;
			}
			for (m = 0; m < op.b; m++) {
				u64 i = op.a + m;

				data[m] = kmalloc(max_t(u32, ent_len(i), 1), GFP_KERNEL);
				KUNIT_ASSERT_NOT_NULL(test, data[m]);
				ent_fill(data[m], i, op.c, ent_len(i));
				e[m] = (struct rl_entry){ .index = i, .term = op.c,
					.len = ent_len(i), .type = RAFTLOG_ENTRY_NORMAL,
				.data = data[m] };
			}
			tk[j] = rl_storage_append(s, e, op.b);
			for (m = 0; m < op.b; m++)
				kfree(data[m]);
		}
		rl_storage_plug(s, false, true);
		for (j = k; j < end; j++) {
			if (tk[j] > 0)
				tk[j] = rl_storage_wait(s, tk[j]);
			if (tk[j]) {
				*hi = end;
				return true;
			}
			(*done)++;
		}
		k = end;
	}
	*hi = OOO_NOPS;
	return false;
}

/* the durable index the storage reported, at most */
static u64 ooo_reported;

static void ooo_durable(void *ctx, u64 ticket, u64 last)
{
	if (last > ooo_reported)
		ooo_reported = last;
}

/*
 * A crash at every I/O of ooo_workload on a disk with a volatile write
 * cache, several records in flight and completing out of order: after a
 * power cut any subset of the records in flight may be on the disk (a
 * later one without an earlier one).  Recovery must stop at the gap and
 * hold everything reported durable; nothing past a record that did not
 * complete may have been reported.
 */
static void crash_out_of_order(struct kunit *test)
{
	struct rl_storage_cfg cfg = {
		.cluster_id = CLUSTER, .group_id = GROUP, .node_id = NODE,
		.cache_bytes = 1, .cb.durable = ooo_durable,
	};
	unsigned int n, r, crashes = 0, gaps = 0, ios_total = 0, maxin = 0;
	struct rl_vwc_stats tot = { 0 }, st;
	struct model *models;
	struct rl_vwc *v;
	u8 *buf, *want;
	bool crashed = true;

	if (!RL_STORAGE_HOOKS)
		kunit_skip(test, "needs a build with RL_TEST_HOOKS=1");
	models = models_build(ooo_workload, OOO_NOPS);
	buf = vmalloc(65536);
	want = vmalloc(65536);
	v = rl_vwc_create();
	if (!models || !buf || !want || !v)
		goto out;
	for (n = 1; n < 500 && crashed; n++) {
		for (r = 0; r < VWC_SEEDS && crashed; r++) {
			struct rl_storage_info info;
			struct rl_storage *s;
			unsigned int done, hi;
			int err;

			KUNIT_ASSERT_EQ(test, rl_storage_format(DEV, CLUSTER, GROUP, NODE,
								31 << 20), 0);
			ooo_reported = 0;
			KUNIT_ASSERT_EQ(test, rl_storage_open(DEV, &cfg, &s), 0);
			rl_storage_attach_vwc(s, v);
			rl_storage_inject_crash(s, n, SIZE_MAX);
			crashed = run_ooo(test, s, &done, &hi);
			rl_storage_get_info(s, &info);
			maxin = max_t(unsigned int, maxin, info.max_inflight);
			rl_storage_close(s);
			KUNIT_ASSERT_EQ(test, rl_vwc_crash(v, DEV, n * VWC_SEEDS + r, &st), 0);
			tot.kept += st.kept;
			tot.dropped += st.dropped;
			if (!crashed)
				break;
			crashes++;
			err = rl_storage_open(DEV, &cfg, &s);
			if (err) {
				KUNIT_FAIL(test, "crash at I/O %u seed %u: recovery fails (%d)",
					   n, r, err);
				goto out;
			}
			rl_storage_get_info(s, &info);
			gaps += info.last_index < models[hi].last &&
				info.last_index > models[done].last;
			if (ooo_reported > info.last_index) {
				KUNIT_FAIL(test, "crash at I/O %u seed %u: %llu durable, %llu back",
					   n, r, ooo_reported, info.last_index);
				err = 1;
			}
			if (matches(test, s, &models[done], buf, want, false) &&
			    matches(test, s, &models[done + 1], buf, want, false) &&
			    matches_prefix(test, s, &models[done], &models[hi], buf, want)) {
				KUNIT_FAIL(test, "crash at I/O %u seed %u, %u ops, to %u: wrong",
					   n, r, done, hi);
				err = 1;
			}
			rl_storage_close(s);
			if (err)
				goto out;
		}
		ios_total = n - 1;
	}
	kunit_info(test, "%u ops, %u I/Os, %u crashes with up to %u records in flight, %u recovered to a partial batch; unflushed writes: %u kept, %u lost",
		   (unsigned int)OOO_NOPS, ios_total, crashes, maxin, gaps,
		   tot.kept, tot.dropped);
	KUNIT_EXPECT_GE(test, maxin, 3);
	KUNIT_EXPECT_GT(test, tot.dropped, 0);
	KUNIT_EXPECT_GT(test, gaps, 0);
out:
	KUNIT_EXPECT_TRUE(test, models && buf && want && v);
	rl_vwc_destroy(v);
	vfree(models);
	vfree(buf);
	vfree(want);
}

/*
 * How many of the entries from @first to @end the next record takes (as
 * the storage gathers them: at most RAFTLOG_REC_MAX_ENTRIES and
 * @max_blocks blocks).
 */
static u64 rec_take(u64 first, u64 end, u64 max_blocks)
{
	u64 n = 0, bytes = 0;

	while (first + n <= end && n < RAFTLOG_REC_MAX_ENTRIES &&
	       rl_rec_blocks(n + 1, bytes + ent_len(first + n)) <= max_blocks) {
		bytes += ent_len(first + n);
		n++;
	}
	return n;
}

static s64 append_range(struct kunit *test, struct rl_storage *s, u64 first,
			u64 last, u64 term)
{
	struct wop op = { 'A', first, 0, term };
	s64 t = 0;

	while (op.a <= last) {
		struct rl_entry e[14];
		u8 *data[14] = { NULL };
		unsigned int m;

		op.b = min_t(u64, 14, last - op.a + 1);
		for (m = 0; m < op.b; m++) {
			u64 i = op.a + m;

			data[m] = kmalloc(max_t(u32, ent_len(i), 1), GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, data[m]);
			ent_fill(data[m], i, term, ent_len(i));
			e[m] = (struct rl_entry){ .index = i, .term = term,
				.len = ent_len(i), .type = RAFTLOG_ENTRY_NORMAL,
				.data = data[m] };
		}
		t = rl_storage_append(s, e, op.b);
		for (m = 0; m < op.b; m++)
			kfree(data[m]);
		if (t < 0)
			return t;
		op.a += op.b;
	}
	return t;
}

/*
 * Three records in flight, submitted 2, 1, 3; record 2 fails.
 * Nothing past the first is reported durable, the storage fails once all
 * three have ended, and the device holds record 3 beyond a gap, with a
 * valid checksum and the seq that follows record 2's.  Recovery stops at
 * the gap; record 2's entries are then written again in a new term, to
 * the same place with the same seq: the stale record 3 right after it
 * must not be taken into the log on the next recovery (the epoch the
 * open after the failure wrote fences it).
 */
static void pipe_gap_fenced(struct kunit *test)
{
	struct rl_storage_cfg cfg = {
		.cluster_id = CLUSTER, .group_id = GROUP, .node_id = NODE,
		.cache_bytes = 1, .cb.durable = ooo_durable,
	};
	u64 r1, r2, r3, i, max_blocks;
	struct rl_storage_info info;
	struct rl_storage *s;
	struct rl_entry e;
	u8 *buf;
	s64 t;

	if (!RL_STORAGE_HOOKS)
		kunit_skip(test, "needs a build with RL_TEST_HOOKS=1");
	buf = kunit_kmalloc(test, 65536, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, rl_storage_format(DEV, CLUSTER, GROUP, NODE, 31 << 20), 0);
	ooo_reported = 0;
	KUNIT_ASSERT_EQ(test, rl_storage_open(DEV, &cfg, &s), 0);
	rl_storage_get_info(s, &info);
	max_blocks = min_t(u64, RAFTLOG_REC_MAX_BLOCKS, info.ring_blocks / 4);
	r1 = rec_take(1, 112, max_blocks);
	r2 = r1 + rec_take(r1 + 1, 112, max_blocks);
	r3 = r2 + rec_take(r2 + 1, 112, max_blocks);
	KUNIT_ASSERT_EQ(test, r3, 112);

	rl_storage_plug(s, true, true);
	rl_storage_inject_fault(s, RL_INJECT_WRITE, 1);	/* submitted 2, 1, 3 */
	t = append_range(test, s, 1, 112, 1);
	KUNIT_ASSERT_GT(test, t, 0);
	rl_storage_plug(s, false, true);
	KUNIT_EXPECT_EQ(test, rl_storage_wait(s, t), -EIO);
	rl_storage_get_info(s, &info);
	KUNIT_EXPECT_EQ(test, info.error, -EIO);
	KUNIT_EXPECT_EQ(test, info.durable_index, r1);
	KUNIT_EXPECT_EQ(test, info.max_inflight, 3);
	KUNIT_EXPECT_LE(test, ooo_reported, r1);
	rl_storage_close(s);

	/* record 3 lies beyond the gap: recovery stops at record 1 */
	KUNIT_ASSERT_EQ(test, rl_storage_open(DEV, &cfg, &s), 0);
	rl_storage_get_info(s, &info);
	KUNIT_EXPECT_EQ(test, info.last_index, r1);
	/* record 2 again, in term 2: exactly where it was, with its seq */
	t = append_range(test, s, r1 + 1, r2, 2);
	KUNIT_ASSERT_GT(test, t, 0);
	KUNIT_ASSERT_EQ(test, rl_storage_wait(s, t), 0);
	rl_storage_close(s);

	KUNIT_ASSERT_EQ(test, rl_storage_open(DEV, &cfg, &s), 0);
	rl_storage_get_info(s, &info);
	KUNIT_EXPECT_EQ(test, info.last_index, r2);
	for (i = 1; i <= info.last_index; i++) {
		KUNIT_ASSERT_EQ(test, rl_storage_entry(s, i, &e, buf, 65536), 0);
		KUNIT_EXPECT_EQ(test, e.term, i <= r1 ? 1 : 2);
	}
	rl_storage_close(s);
	kunit_info(test, "records %llu, %llu, %llu: recovered to %llu, then %llu",
		   r1, r2, r3, r1, r2);
}

static struct kunit_case crash_cases[] = {
	KUNIT_CASE_SLOW(crash_at_every_io),
	KUNIT_CASE_SLOW(crash_volatile_cache),
	KUNIT_CASE(pipe_gap_fenced),
	KUNIT_CASE_SLOW(crash_out_of_order),
	{}
};

static struct kunit_suite crash_suite = {
	.name = "raftlog_storage_crash",
	.test_cases = crash_cases,
};

kunit_test_suite(crash_suite);
