// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of kernel/storage*.c on the test kernel's RAM disks (brd:
 * /dev/ram0..3, 64 MiB each).  Every case formats its device, works on
 * it, and closes and reopens it to check that recovery yields exactly the
 * durable state: append/read, truncation, compaction, snapshots, hard
 * state, wrap-around of the ring, ENOSPC, damaged records, and injected
 * EIO on writes, metadata writes and reads.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "disk.h"
#include "storage.h"
#include "storage_int.h"	/* RL_ST_INDEX_MIN, struct rl_st_rix */

#define DEV		"/dev/ram0"
#define DEV_RAW		"/dev/ram3"	/* never formatted by these tests */
#define CLUSTER		0xc1c1
#define GROUP		5
#define NODE		2

struct st_ctx {
	u64 ticket;
	u64 last;
	int failed;
	int durable_calls;
};

static void st_durable(void *ctx, u64 ticket, u64 last)
{
	struct st_ctx *c = ctx;

	WRITE_ONCE(c->ticket, ticket);
	WRITE_ONCE(c->last, last);
	WRITE_ONCE(c->durable_calls, c->durable_calls + 1);
}

static void st_failed(void *ctx, int err)
{
	struct st_ctx *c = ctx;

	WRITE_ONCE(c->failed, err);
}

static struct st_ctx st_cbctx;

/* Save a snapshot, or compact, and wait for it: 0 or a negative errno. */
static int st_snap(struct rl_storage *s, u64 index, u64 term, const void *conf,
		   u32 conf_len, const void *data, u64 data_len)
{
	return rl_storage_wait(s, rl_storage_save_snapshot(s, index, term, conf,
							   conf_len, data,
							   data_len));
}

static int st_compact(struct rl_storage *s, u64 index)
{
	return rl_storage_wait(s, rl_storage_compact(s, index));
}

/* the storage a case has open, closed by st_exit if the case aborts */
static struct rl_storage *st_cur;

static void st_close(struct rl_storage *s)
{
	rl_storage_close(s);
	st_cur = NULL;
}

static struct rl_storage_cfg st_cfg(size_t cache)
{
	struct rl_storage_cfg cfg = {
		.cluster_id = CLUSTER,
		.group_id = GROUP,
		.node_id = NODE,
		.cache_bytes = cache,
		.cb = { st_durable, st_failed, &st_cbctx },
	};

	return cfg;
}

static struct rl_storage *st_open(struct kunit *test, size_t cache)
{
	struct rl_storage_cfg cfg = st_cfg(cache);
	struct rl_storage *s = NULL;
	int err;

	memset(&st_cbctx, 0, sizeof(st_cbctx));
	err = rl_storage_open(DEV, &cfg, &s);
	KUNIT_ASSERT_EQ(test, err, 0);
	st_cur = s;
	return s;
}

static struct rl_storage *st_format_open(struct kunit *test, u64 snap_bytes,
					 size_t cache)
{
	KUNIT_ASSERT_EQ(test, rl_storage_format(DEV, CLUSTER, GROUP, NODE, snap_bytes), 0);
	return st_open(test, cache);
}

static struct rl_storage *st_reopen(struct kunit *test, struct rl_storage *s,
				    size_t cache)
{
	st_close(s);
	return st_open(test, cache);
}

/* entry @i: @len bytes of a pattern that depends on index and term */
static void st_fill(u8 *buf, u64 i, u64 term, u32 len)
{
	u32 k;

	for (k = 0; k < len; k++)
		buf[k] = (u8)(i * 31 + term * 7 + k);
}

static u32 st_len(u64 i)
{
	static const u32 sizes[] = { 64, 1024, 0, 65536, 17, 4000, 64 };

	return sizes[i % ARRAY_SIZE(sizes)];
}

/* append [first, first + n) with term @term, lengths st_len(i) */
static s64 st_append(struct kunit *test, struct rl_storage *s, u64 first,
		     unsigned int n, u64 term)
{
	struct rl_entry *e = kcalloc(n, sizeof(*e), GFP_KERNEL);
	unsigned int k;
	s64 t;

	KUNIT_ASSERT_NOT_NULL(test, e);
	for (k = 0; k < n; k++) {
		u64 i = first + k;
		u8 *d = kmalloc(max_t(u32, st_len(i), 1), GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, d);
		st_fill(d, i, term, st_len(i));
		e[k].index = i;
		e[k].term = term;
		e[k].len = st_len(i);
		e[k].type = i % 3 == 0 ? RAFTLOG_ENTRY_NOOP : RAFTLOG_ENTRY_NORMAL;
		e[k].data = d;
	}
	t = rl_storage_append(s, e, n);
	for (k = 0; k < n; k++)
		kfree(e[k].data);
	kfree(e);
	return t;
}

static void st_append_wait(struct kunit *test, struct rl_storage *s, u64 first,
			   unsigned int n, u64 term)
{
	s64 t = st_append(test, s, first, n, term);

	KUNIT_ASSERT_GT(test, t, 0);
	KUNIT_ASSERT_EQ(test, rl_storage_wait(s, t), 0);
}

static u8 *st_buf;

/* entry @i reads back with @term and its pattern */
static void st_check(struct kunit *test, struct rl_storage *s, u64 i, u64 term)
{
	static u8 want[65536];
	struct rl_entry e;
	int err;

	err = rl_storage_entry(s, i, &e, st_buf, 65536);
	KUNIT_ASSERT_EQ_MSG(test, err, 0, "entry %llu", i);
	KUNIT_EXPECT_EQ(test, e.index, i);
	KUNIT_EXPECT_EQ_MSG(test, e.term, term, "entry %llu", i);
	KUNIT_EXPECT_EQ(test, e.len, st_len(i));
	KUNIT_EXPECT_EQ(test, e.type, i % 3 == 0 ? RAFTLOG_ENTRY_NOOP : RAFTLOG_ENTRY_NORMAL);
	st_fill(want, i, term, st_len(i));
	KUNIT_EXPECT_EQ_MSG(test, memcmp(st_buf, want, e.len), 0, "entry %llu data", i);
	KUNIT_EXPECT_EQ(test, rl_storage_term(s, i), (s64)term);
}

static void st_check_range(struct kunit *test, struct rl_storage *s, u64 first,
			   u64 last, u64 term)
{
	u64 i;

	for (i = first; i <= last; i++)
		st_check(test, s, i, term);
}

static void st_expect_log(struct kunit *test, struct rl_storage *s, u64 first,
			  u64 last)
{
	struct rl_storage_info info;

	rl_storage_get_info(s, &info);
	KUNIT_EXPECT_EQ(test, info.first_index, first);
	KUNIT_EXPECT_EQ(test, info.last_index, last);
	KUNIT_EXPECT_EQ(test, info.durable_index, last);
	KUNIT_EXPECT_EQ(test, info.error, 0);
}

static int st_init(struct kunit *test)
{
	st_buf = vmalloc(65536);
	return st_buf ? 0 : -ENOMEM;
}

static void st_exit(struct kunit *test)
{
	if (st_cur)
		st_close(st_cur);
	vfree(st_buf);
	st_buf = NULL;
}

/* ---- cases ---- */

static void st_open_checks_device(struct kunit *test)
{
	struct rl_storage_cfg cfg = st_cfg(0);
	struct rl_storage *s = NULL;

	KUNIT_EXPECT_EQ(test, rl_storage_open(DEV_RAW, &cfg, &s), -EUCLEAN);
	KUNIT_ASSERT_EQ(test, rl_storage_format(DEV, CLUSTER, GROUP, NODE, 0), 0);
	cfg.group_id = GROUP + 1;
	KUNIT_EXPECT_EQ(test, rl_storage_open(DEV, &cfg, &s), -ESTALE);
	cfg = st_cfg(0);
	cfg.node_id = NODE + 1;
	KUNIT_EXPECT_EQ(test, rl_storage_open(DEV, &cfg, &s), -ESTALE);
	s = st_open(test, 0);
	st_expect_log(test, s, 1, 0);
	/* exclusive: a second open of the same device is refused */
	{
		struct rl_storage *s2 = NULL;

		cfg = st_cfg(0);
		KUNIT_EXPECT_EQ(test, rl_storage_open(DEV, &cfg, &s2), -EBUSY);
		if (s2)
			rl_storage_close(s2);
	}
	st_close(s);
}

static void st_append_read_recover(struct kunit *test)
{
	struct rl_storage *s = st_format_open(test, 0, 0);
	struct rl_storage_info info;
	struct rl_entry e;
	u64 i;

	/* batches of 1, 7 and 40 entries of 0 B .. 64 KiB */
	st_append_wait(test, s, 1, 1, 1);
	st_append_wait(test, s, 2, 7, 1);
	st_append_wait(test, s, 9, 40, 2);
	st_expect_log(test, s, 1, 48);
	KUNIT_EXPECT_EQ(test, rl_storage_append(s, &e, 0), -EINVAL);
	/* not contiguous */
	KUNIT_EXPECT_EQ(test, st_append(test, s, 50, 1, 2), -EINVAL);
	/* term going down */
	KUNIT_EXPECT_EQ(test, st_append(test, s, 49, 1, 1), -EINVAL);
	st_check_range(test, s, 1, 8, 1);
	st_check_range(test, s, 9, 48, 2);
	KUNIT_EXPECT_EQ(test, rl_storage_entry(s, 49, &e, st_buf, 10), -ENOENT);
	KUNIT_EXPECT_EQ(test, rl_storage_entry(s, 3, &e, st_buf, 10), -ENOBUFS);
	KUNIT_EXPECT_EQ(test, e.len, 65536);

	st_close(s);
	/* the worker (and its callbacks) are done once close returned */
	KUNIT_EXPECT_EQ(test, st_cbctx.last, 48);
	KUNIT_EXPECT_GE(test, st_cbctx.durable_calls, 3);
	s = st_open(test, 0);
	st_expect_log(test, s, 1, 48);
	rl_storage_get_info(s, &info);
	KUNIT_EXPECT_GE(test, info.records, 3);
	st_check_range(test, s, 1, 8, 1);
	st_check_range(test, s, 9, 48, 2);
	/* and it keeps going after recovery */
	st_append_wait(test, s, 49, 3, 3);
	s = st_reopen(test, s, 0);
	st_expect_log(test, s, 1, 51);
	for (i = 49; i <= 51; i++)
		st_check(test, s, i, 3);
	st_close(s);
}

struct st_walk {
	struct kunit *test;
	u64 next;		/* the index expected next */
	u64 term;		/* of entries above 8 (1 up to 8) */
	int refuse_at;		/* refuse the entry with this index */
};

static int st_walk_one(void *ctx, const struct rl_entry *e)
{
	static u8 want[65536];
	struct st_walk *w = ctx;
	u64 term = e->index <= 8 ? 1 : w->term;

	if (e->index == w->refuse_at)
		return -EMSGSIZE;
	KUNIT_EXPECT_EQ(w->test, e->index, w->next);
	KUNIT_EXPECT_EQ(w->test, e->term, term);
	KUNIT_EXPECT_EQ(w->test, e->len, st_len(e->index));
	st_fill(want, e->index, term, st_len(e->index));
	KUNIT_EXPECT_EQ_MSG(w->test, memcmp(e->data, want, e->len), 0,
			    "entry %llu data", e->index);
	w->next = e->index + 1;
	return 0;
}

/*
 * Reading back a record at a time: a walk from the first index takes one
 * call (one device read) per record, starts in the middle of a record,
 * stops at max, passes on the callback's refusal, and serves entries
 * still in memory from there.
 */
static void st_read_records(struct kunit *test)
{
	struct rl_storage *s = st_format_open(test, 0, 0);
	struct st_walk w = { .test = test, .next = 1, .term = 2 };
	struct rl_storage_info info;
	u64 calls = 0;
	int got;

	st_append_wait(test, s, 1, 1, 1);
	st_append_wait(test, s, 2, 7, 1);
	st_append_wait(test, s, 9, 40, 2);
	s = st_reopen(test, s, 0);
	rl_storage_get_info(s, &info);
	while (w.next <= 48) {
		got = rl_storage_entries(s, w.next, 1000, st_walk_one, &w);
		KUNIT_ASSERT_GT_MSG(test, got, 0, "at %llu", w.next);
		calls++;
	}
	KUNIT_EXPECT_EQ(test, w.next, 49);
	KUNIT_EXPECT_EQ(test, calls, info.records);
	/* the record of 2..8 from its middle, and no further than asked */
	w.next = 5;
	KUNIT_EXPECT_EQ(test, rl_storage_entries(s, 5, 1000, st_walk_one, &w), 4);
	w.next = 2;
	KUNIT_EXPECT_EQ(test, rl_storage_entries(s, 2, 3, st_walk_one, &w), 3);
	w.next = 2;
	w.refuse_at = 4;
	KUNIT_EXPECT_EQ(test, rl_storage_entries(s, 2, 1000, st_walk_one, &w),
			-EMSGSIZE);
	w.refuse_at = 0;
	KUNIT_EXPECT_EQ(test, rl_storage_entries(s, 49, 1, st_walk_one, &w),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, rl_storage_entries(s, 1, 0, st_walk_one, &w),
			-ENOENT);
	/* fresh appends are served from memory, all of them in one call */
	st_append_wait(test, s, 49, 3, 2);
	w.next = 49;
	KUNIT_EXPECT_EQ(test, rl_storage_entries(s, 49, 1000, st_walk_one, &w), 3);
	st_close(s);
}

/*
 * A record that comes back from the device corrupt (one bit flipped in
 * its entry table, after the device said the read went well) is never
 * handed on: -EBADMSG, counted in bad_reads; the record on the device is
 * intact, so the next read serves it.
 */
static void st_bad_read_never_handed_on(struct kunit *test)
{
	struct rl_storage *s;
	struct st_walk w = { .test = test, .next = 1, .term = 2 };
	struct rl_storage_info info;

	if (!RL_STORAGE_HOOKS)
		kunit_skip(test, "needs a build with RL_TEST_HOOKS=1");
	s = st_format_open(test, 0, 0);
	st_append_wait(test, s, 1, 4, 1);
	s = st_reopen(test, s, 0);
	KUNIT_EXPECT_EQ(test, rl_storage_bad_reads(s), 0ULL);
	rl_storage_inject_fault(s, RL_INJECT_READ | RL_INJECT_FLIP, 1);
	KUNIT_EXPECT_EQ(test, rl_storage_entries(s, 1, 1000, st_walk_one, &w),
			-EBADMSG);
	KUNIT_EXPECT_EQ(test, w.next, 1ULL);
	rl_storage_get_info(s, &info);
	KUNIT_EXPECT_EQ(test, info.bad_reads, 1ULL);
	KUNIT_EXPECT_EQ(test, info.error, 0);
	KUNIT_EXPECT_EQ(test, rl_storage_entries(s, 1, 1000, st_walk_one, &w),
			4);
	KUNIT_EXPECT_EQ(test, rl_storage_bad_reads(s), 1ULL);
	st_close(s);
}

/* what rl_storage_walk handed out: runs and single entries */
struct st_terms {
	struct kunit *test;
	u64 next;
	u32 runs, singles, confs;
	u64 term_at[64];	/* by index */
};

static int st_terms_one(void *ctx, const struct rl_entry *e, u64 n)
{
	struct st_terms *t = ctx;
	u64 i;

	KUNIT_EXPECT_EQ(t->test, e->index, t->next);
	if (n > 1 || !e->data)
		t->runs++;
	else
		t->singles++;
	if (e->type == RAFTLOG_ENTRY_CONF) {
		t->confs++;
		KUNIT_EXPECT_EQ(t->test, n, 1);
		KUNIT_EXPECT_EQ(t->test, e->len, 3);
		KUNIT_EXPECT_EQ(t->test, memcmp(e->data, "cfg", 3), 0);
	}
	for (i = 0; i < n && e->index + i < ARRAY_SIZE(t->term_at); i++)
		t->term_at[e->index + i] = e->term;
	t->next = e->index + n;
	return 0;
}

/* Append first..first+n-1, of term t1 up to split, t2 after; conf at c. */
static void st_append_terms(struct kunit *test, struct rl_storage *s,
			    u64 first, u32 n, u64 t1, u64 split, u64 t2, u64 c)
{
	struct rl_entry e[10] = {};
	u32 k;

	for (k = 0; k < n; k++) {
		e[k].index = first + k;
		e[k].term = e[k].index < split ? t1 : t2;
		e[k].type = e[k].index == c ? RAFTLOG_ENTRY_CONF :
			    RAFTLOG_ENTRY_NORMAL;
		e[k].len = 3;
		e[k].data = e[k].index == c ? "cfg" : "abc";
	}
	KUNIT_ASSERT_EQ(test, rl_storage_wait(s, rl_storage_append(s, e, n)), 0);
}

/*
 * A restart reads back only the records it must: one term and no
 * configuration change is known from memory (a run); a record with a
 * change or two terms is read, entry by entry.
 */
static void st_walk_terms(struct kunit *test)
{
	struct rl_storage *s = st_format_open(test, 0, 0);
	struct st_terms t = { .test = test, .next = 1 };
	u64 i;

	st_append_terms(test, s, 1, 10, 1, 99, 1, 0);	/* a run */
	st_append_terms(test, s, 11, 10, 1, 99, 1, 15);	/* a change at 15 */
	st_append_terms(test, s, 21, 10, 2, 99, 2, 0);	/* a run */
	st_append_terms(test, s, 31, 10, 3, 36, 4, 0);	/* two terms */
	s = st_reopen(test, s, 0);
	KUNIT_ASSERT_EQ(test, rl_storage_walk(s, 1, 40, st_terms_one, &t), 0);
	KUNIT_EXPECT_EQ(test, t.next, 41);
	KUNIT_EXPECT_EQ(test, t.runs, 2);
	KUNIT_EXPECT_EQ(test, t.singles, 20);
	KUNIT_EXPECT_EQ(test, t.confs, 1);
	for (i = 1; i <= 40; i++)
		KUNIT_EXPECT_EQ_MSG(test, t.term_at[i],
				    i <= 20 ? 1 : i <= 30 ? 2 : i < 36 ? 3 : 4,
				    "index %llu", i);
	/* from the middle of a run to the middle of another */
	memset(&t, 0, sizeof(t));
	t.test = test;
	t.next = 5;
	KUNIT_ASSERT_EQ(test, rl_storage_walk(s, 5, 25, st_terms_one, &t), 0);
	KUNIT_EXPECT_EQ(test, t.next, 26);
	KUNIT_EXPECT_EQ(test, t.runs, 2);
	KUNIT_EXPECT_EQ(test, t.singles, 10);
	KUNIT_EXPECT_EQ(test, rl_storage_walk(s, 41, 41, st_terms_one, &t),
			-ENOENT);
	st_close(s);
}

/* appends queued while a write is in flight go out together */
static void st_group_commit(struct kunit *test)
{
	struct rl_storage *s = st_format_open(test, 0, 0);
	struct rl_storage_info info;
	s64 t = 0;
	u64 i;

	for (i = 1; i <= 200; i++) {
		t = st_append(test, s, i, 1, 1);
		KUNIT_ASSERT_GT(test, t, 0);
	}
	KUNIT_ASSERT_EQ(test, rl_storage_wait(s, t), 0);
	rl_storage_get_info(s, &info);
	kunit_info(test, "200 single-entry appends in %llu records", info.records);
	KUNIT_EXPECT_LE(test, info.records, 200);
	st_close(s);
	KUNIT_EXPECT_EQ(test, st_cbctx.ticket, (u64)t);
	KUNIT_EXPECT_EQ(test, st_cbctx.last, 200);
	s = st_open(test, 0);
	st_expect_log(test, s, 1, 200);
	st_check_range(test, s, 1, 200, 1);
	st_close(s);
}

static void st_truncate(struct kunit *test)
{
	struct rl_storage *s = st_format_open(test, 0, 0);

	st_append_wait(test, s, 1, 30, 1);
	/* conflict at 21: drop 21..30, append a new suffix in term 2 */
	KUNIT_ASSERT_GT(test, rl_storage_truncate(s, 20), 0);
	st_append_wait(test, s, 21, 5, 2);
	st_expect_log(test, s, 1, 25);
	st_check_range(test, s, 1, 20, 1);
	st_check_range(test, s, 21, 25, 2);
	s = st_reopen(test, s, 0);
	st_expect_log(test, s, 1, 25);
	st_check_range(test, s, 1, 20, 1);
	st_check_range(test, s, 21, 25, 2);

	/* truncation alone (no append after it) survives a restart */
	KUNIT_ASSERT_EQ(test, rl_storage_wait(s, rl_storage_truncate(s, 10)), 0);
	st_expect_log(test, s, 1, 10);
	s = st_reopen(test, s, 0);
	st_expect_log(test, s, 1, 10);
	st_check_range(test, s, 1, 10, 1);

	/* twice in a row, inside one record, then everything */
	st_append_wait(test, s, 11, 20, 3);
	KUNIT_ASSERT_GT(test, rl_storage_truncate(s, 25), 0);
	KUNIT_ASSERT_GT(test, rl_storage_truncate(s, 15), 0);
	st_append_wait(test, s, 16, 2, 4);
	s = st_reopen(test, s, 0);
	st_expect_log(test, s, 1, 17);
	st_check_range(test, s, 11, 15, 3);
	st_check_range(test, s, 16, 17, 4);
	KUNIT_ASSERT_EQ(test, rl_storage_wait(s, rl_storage_truncate(s, 0)), 0);
	s = st_reopen(test, s, 0);
	st_expect_log(test, s, 1, 0);
	st_append_wait(test, s, 1, 3, 5);
	s = st_reopen(test, s, 0);
	st_expect_log(test, s, 1, 3);
	st_check_range(test, s, 1, 3, 5);
	/* truncating while appends are still queued */
	KUNIT_ASSERT_GT(test, st_append(test, s, 4, 10, 5), 0);
	KUNIT_ASSERT_GT(test, rl_storage_truncate(s, 6), 0);
	st_append_wait(test, s, 7, 2, 6);
	st_check_range(test, s, 4, 6, 5);
	st_check_range(test, s, 7, 8, 6);
	s = st_reopen(test, s, 0);
	st_expect_log(test, s, 1, 8);
	st_check_range(test, s, 4, 6, 5);
	st_check_range(test, s, 7, 8, 6);
	KUNIT_EXPECT_EQ(test, rl_storage_entry(s, 9, &(struct rl_entry){}, st_buf, 10),
			-ENOENT);
	st_close(s);
}

static void st_hard_state(struct kunit *test)
{
	struct rl_storage *s = st_format_open(test, 0, 0);
	struct rl_storage_info info;
	struct rl_hard_state hs;
	u64 k;

	/* several writes: both slots get used, the newest wins */
	st_append_wait(test, s, 1, 5, 1);	/* commit stays within the log */
	for (k = 1; k <= 5; k++) {
		hs.term = 10 + k;
		hs.vote = k % 3;
		hs.commit = k;
		KUNIT_ASSERT_EQ(test, rl_storage_wait(s, rl_storage_set_hard_state(s, &hs)), 0);
		s = st_reopen(test, s, 0);
		rl_storage_get_info(s, &info);
		KUNIT_EXPECT_EQ(test, info.hs.term, 10 + k);
		KUNIT_EXPECT_EQ(test, info.hs.vote, k % 3);
		KUNIT_EXPECT_EQ(test, info.hs.commit, k);
	}
	st_close(s);
}

static void st_snapshot_compact(struct kunit *test)
{
	struct rl_storage *s = st_format_open(test, 0, 0);
	static const char conf[] = "voters 1,2,3";
	u64 index, term, data_len, i;
	u8 *data = vmalloc(300000), *cnf, *got;
	u32 conf_len;
	struct rl_entry e;

	KUNIT_ASSERT_NOT_NULL(test, data);
	for (i = 0; i < 300000; i++)
		data[i] = (u8)(i * 13);
	st_append_wait(test, s, 1, 50, 1);
	KUNIT_EXPECT_EQ(test, rl_storage_load_snapshot(s, &index, &term, (void **)&cnf,
						       &conf_len, (void **)&got, &data_len),
			-ENOENT);
	/* compaction needs a snapshot covering it */
	KUNIT_EXPECT_EQ(test, rl_storage_compact(s, 10), -EINVAL);
	KUNIT_ASSERT_EQ(test, st_snap(s, 40, 1, conf, sizeof(conf), data, 300000), 0);
	KUNIT_ASSERT_EQ(test, st_compact(s, 40), 0);
	st_expect_log(test, s, 41, 50);
	KUNIT_EXPECT_EQ(test, rl_storage_entry(s, 40, &e, st_buf, 10), -ENOENT);
	KUNIT_EXPECT_EQ(test, rl_storage_term(s, 40), 1);
	s = st_reopen(test, s, 0);
	st_expect_log(test, s, 41, 50);
	st_check_range(test, s, 41, 50, 1);
	KUNIT_EXPECT_EQ(test, rl_storage_term(s, 40), 1);
	KUNIT_EXPECT_EQ(test, rl_storage_term(s, 39), -ENOENT);
	KUNIT_ASSERT_EQ(test, rl_storage_load_snapshot(s, &index, &term, (void **)&cnf,
						       &conf_len, (void **)&got, &data_len), 0);
	KUNIT_EXPECT_EQ(test, index, 40);
	KUNIT_EXPECT_EQ(test, term, 1);
	KUNIT_EXPECT_EQ(test, conf_len, sizeof(conf));
	KUNIT_EXPECT_EQ(test, memcmp(cnf, conf, sizeof(conf)), 0);
	KUNIT_EXPECT_EQ(test, data_len, 300000);
	KUNIT_EXPECT_EQ(test, memcmp(got, data, 300000), 0);
	kvfree(cnf);
	kvfree(got);

	/* a second snapshot goes to the other area; older index refused */
	KUNIT_EXPECT_EQ(test, rl_storage_save_snapshot(s, 30, 1, conf, 3, data, 10),
			-EINVAL);
	KUNIT_ASSERT_EQ(test, st_snap(s, 45, 1, conf, 3, data + 1, 5000), 0);
	s = st_reopen(test, s, 0);
	st_expect_log(test, s, 41, 50);
	KUNIT_ASSERT_EQ(test, rl_storage_load_snapshot(s, &index, &term, (void **)&cnf,
						       &conf_len, (void **)&got, &data_len), 0);
	KUNIT_EXPECT_EQ(test, index, 45);
	KUNIT_EXPECT_EQ(test, data_len, 5000);
	KUNIT_EXPECT_EQ(test, memcmp(got, data + 1, 5000), 0);
	kvfree(cnf);
	kvfree(got);

	/* a snapshot ahead of the log restarts the log after it */
	KUNIT_ASSERT_EQ(test, st_snap(s, 100, 7, conf, 3, data, 10), 0);
	st_expect_log(test, s, 101, 100);
	KUNIT_EXPECT_EQ(test, rl_storage_term(s, 100), 7);
	st_append_wait(test, s, 101, 5, 7);
	s = st_reopen(test, s, 0);
	st_expect_log(test, s, 101, 105);
	st_check_range(test, s, 101, 105, 7);
	KUNIT_EXPECT_EQ(test, rl_storage_entry(s, 50, &e, st_buf, 10), -ENOENT);
	st_close(s);
	vfree(data);
}

/*
 * A small ring (snapshot areas take most of the device) lapped several
 * times: compaction frees space, records wrap to ring start, and every
 * reopen sees exactly the live entries.
 */
static void st_ring_wraparound(struct kunit *test)
{
	struct rl_storage *s = st_format_open(test, 31 << 20, 4096);
	struct rl_storage_info info;
	u64 next = 1;
	int round, laps = 0;

	rl_storage_get_info(s, &info);
	kunit_info(test, "ring of %llu blocks", info.ring_blocks);
	KUNIT_ASSERT_LT(test, info.ring_blocks, 1024);
	for (round = 0; round < 60; round++) {
		/* 14 entries, ~150 KiB: about 38 blocks per round */
		st_append_wait(test, s, next, 14, 1 + round / 10);
		next += 14;
		/* keep the last 28 entries */
		if (next > 29) {
			u64 base = next - 29;

			KUNIT_ASSERT_EQ(test, st_snap(s, base, 1 + (base - 1) / 140,
						      "c", 1, "d", 1), 0);
			KUNIT_ASSERT_EQ(test, st_compact(s, base), 0);
		}
		if (round % 7 == 6) {
			u64 i;

			rl_storage_get_info(s, &info);
			laps += info.ring_laps;
			s = st_reopen(test, s, 4096);
			st_expect_log(test, s, next - 28, next - 1);
			for (i = next - 28; i < next; i++)
				st_check(test, s, i, 1 + (i - 1) / 140);
		}
	}
	rl_storage_get_info(s, &info);
	laps += info.ring_laps;
	kunit_info(test, "went round the ring %d times", laps);
	KUNIT_EXPECT_GE(test, laps, 3);
	st_close(s);
}

static void st_enospc(struct kunit *test)
{
	struct rl_storage *s = st_format_open(test, 31 << 20, 0);
	struct rl_storage_info info;
	u64 next = 1;
	s64 t;

	for (;;) {
		t = st_append(test, s, next, 7, 1);
		if (t < 0)
			break;
		KUNIT_ASSERT_EQ(test, rl_storage_wait(s, t), 0);
		next += 7;
		KUNIT_ASSERT_LT(test, next, 100000);
	}
	KUNIT_EXPECT_EQ(test, t, -ENOSPC);
	rl_storage_get_info(s, &info);
	KUNIT_EXPECT_EQ(test, info.error, 0);
	kunit_info(test, "full at %llu entries, %llu of %llu blocks", next - 1,
		   info.used_blocks, info.ring_blocks);
	/* compaction makes room again */
	KUNIT_ASSERT_EQ(test, st_snap(s, next - 8, 1, "c", 1, "d", 1), 0);
	KUNIT_ASSERT_EQ(test, st_compact(s, next - 8), 0);
	st_append_wait(test, s, next, 7, 1);
	s = st_reopen(test, s, 0);
	st_expect_log(test, s, next - 7, next + 6);
	st_check_range(test, s, next - 7, next + 6, 1);
	st_close(s);
}

static struct rl_storage *st_open_index(struct kunit *test, size_t index)
{
	struct rl_storage_cfg cfg = st_cfg(0);
	struct rl_storage *s = NULL;

	cfg.index_bytes = index;
	memset(&st_cbctx, 0, sizeof(st_cbctx));
	KUNIT_ASSERT_EQ(test, rl_storage_open(DEV, &cfg, &s), 0);
	st_cur = s;
	return s;
}

/* append and wait for entry @i: 64 bytes, a record (one block) of its own */
static s64 st_append_one(struct kunit *test, struct rl_storage *s, u64 i)
{
	u8 d[64];
	struct rl_entry e = {
		.index = i, .term = 1, .len = sizeof(d), .data = d,
		.type = RAFTLOG_ENTRY_NORMAL,
	};
	s64 t;

	st_fill(d, i, 1, sizeof(d));
	t = rl_storage_append(s, &e, 1);
	return t < 0 ? t : rl_storage_wait(s, t);
}

/* entries [first, last] of st_append_one read back */
static void st_check_ones(struct kunit *test, struct rl_storage *s, u64 first,
			  u64 last)
{
	struct rl_entry e;
	u8 want[64];
	u64 i;

	for (i = first; i <= last; i++) {
		KUNIT_ASSERT_EQ(test, rl_storage_entry(s, i, &e, st_buf, 65536), 0);
		st_fill(want, i, 1, sizeof(want));
		KUNIT_EXPECT_EQ(test, e.len, sizeof(want));
		KUNIT_EXPECT_EQ_MSG(test, memcmp(st_buf, want, sizeof(want)), 0,
				    "entry %llu", i);
	}
}

/*
 * The record index is bounded by cfg.index_bytes, not by the ring: with
 * the least index (RL_ST_INDEX_MIN records) on a ring of more blocks,
 * one-block records fill the index first.  Appends are then refused
 * (-ENOSPC, the storage not failed, the room 0) and succeed again once
 * compaction frees records.  A ring holding more records than the bound
 * (written under a larger one) still opens, whole, and refuses appends
 * until compacted.
 */
static void st_index_bound(struct kunit *test)
{
	struct rl_storage_info info;
	struct rl_storage *s;
	u64 next = 1, cut;
	s64 t;

	KUNIT_ASSERT_EQ(test, rl_storage_format(DEV, CLUSTER, GROUP, NODE, 1 << 20), 0);
	s = st_open_index(test, 1);
	rl_storage_get_info(s, &info);
	KUNIT_ASSERT_EQ(test, info.max_records, RL_ST_INDEX_MIN);
	KUNIT_ASSERT_GT(test, info.ring_blocks, 2 * info.max_records);
	while ((t = st_append_one(test, s, next)) == 0) {
		next++;
		KUNIT_ASSERT_LE(test, next, info.max_records + 1);
	}
	rl_storage_get_info(s, &info);
	kunit_info(test, "index full at %llu records, %llu of %llu blocks",
		   info.records, info.used_blocks, info.ring_blocks);
	KUNIT_EXPECT_EQ(test, t, -ENOSPC);
	KUNIT_EXPECT_EQ(test, info.error, 0);
	KUNIT_EXPECT_EQ(test, info.records, info.max_records);
	KUNIT_EXPECT_LT(test, info.used_blocks, info.ring_blocks / 2);
	KUNIT_EXPECT_EQ(test, rl_storage_room(s), 0);
	/* compaction frees records: room again */
	cut = next - 100;
	KUNIT_ASSERT_EQ(test, st_snap(s, cut, 1, "c", 1, "d", 1), 0);
	KUNIT_ASSERT_EQ(test, st_compact(s, cut), 0);
	KUNIT_EXPECT_GT(test, rl_storage_room(s), 0);
	KUNIT_ASSERT_EQ(test, st_append_one(test, s, next), 0);
	next++;
	/* a larger bound: twice as many records on the ring */
	st_close(s);
	s = st_open_index(test, 2 * RL_ST_INDEX_MIN * sizeof(struct rl_st_rix));
	while (next < 2 * RL_ST_INDEX_MIN + 500)
		KUNIT_ASSERT_EQ(test, st_append_one(test, s, next++), 0);
	/* reopened under the least bound: all of them, and no room */
	st_close(s);
	s = st_open_index(test, 1);
	rl_storage_get_info(s, &info);
	KUNIT_EXPECT_GT(test, info.records, (u64)RL_ST_INDEX_MIN);
	st_expect_log(test, s, cut + 1, next - 1);
	st_check_ones(test, s, cut + 1, cut + 100);
	st_check_ones(test, s, next - 100, next - 1);
	KUNIT_EXPECT_EQ(test, st_append_one(test, s, next), -ENOSPC);
	KUNIT_ASSERT_EQ(test, st_snap(s, next - 10, 1, "c", 1, "d", 1), 0);
	KUNIT_ASSERT_EQ(test, st_compact(s, next - 10), 0);
	KUNIT_EXPECT_EQ(test, st_append_one(test, s, next), 0);
	st_close(s);
}

/* flip one byte of ring block @blk (relative to ring start) */
static void st_damage(struct kunit *test, u64 blk, unsigned int off)
{
	u8 *b = kmalloc(RAFTLOG_BLOCK_SIZE, GFP_KERNEL);
	struct rl_sb sb;

	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, rl_storage_raw_block(DEV, 0, b, false), 0);
	KUNIT_ASSERT_EQ(test, rl_sb_decode(b, RAFTLOG_BLOCK_SIZE, &sb), 0);
	KUNIT_ASSERT_EQ(test, rl_storage_raw_block(DEV, sb.ring_off + blk, b, false), 0);
	b[off] ^= 0x20;
	KUNIT_ASSERT_EQ(test, rl_storage_raw_block(DEV, sb.ring_off + blk, b, true), 0);
	kfree(b);
}

static void st_damaged_records(struct kunit *test)
{
	struct rl_storage *s = st_format_open(test, 0, 0);
	struct rl_storage_info info;

	/* records: [1..3] [4..6] [7..9], each 1 + 64 KiB entry -> >1 block */
	st_append_wait(test, s, 1, 3, 1);
	st_append_wait(test, s, 4, 3, 1);
	st_append_wait(test, s, 7, 3, 1);
	rl_storage_get_info(s, &info);
	KUNIT_ASSERT_EQ(test, info.records, 3);
	st_close(s);
	/* bit rot in the data of the second record (ring blocks 17..18) */
	st_damage(test, 17, 200);
	s = st_open(test, 0);
	/* recovery stops before the damaged record: only 1..3 survive */
	st_expect_log(test, s, 1, 3);
	st_check_range(test, s, 1, 3, 1);
	/* and writing continues from there, over the damaged record */
	st_append_wait(test, s, 4, 2, 2);
	s = st_reopen(test, s, 0);
	st_expect_log(test, s, 1, 5);
	st_check_range(test, s, 4, 5, 2);
	st_close(s);
}

/*
 * Damage inside the committed part of the log: the log would recover to
 * below the durable commit index, and the storage refuses to open
 * (EUCLEAN) rather than cut committed entries off for good; the device
 * is left as it was, so a commit within what survives opens again.
 */
static void st_damage_below_commit(struct kunit *test)
{
	struct rl_storage *s = st_format_open(test, 0, 0);
	struct rl_hard_state hs = { 1, 1, 8 };
	struct rl_storage *s2 = NULL;
	struct rl_storage_cfg cfg = st_cfg(0);

	st_append_wait(test, s, 1, 3, 1);
	st_append_wait(test, s, 4, 3, 1);
	st_append_wait(test, s, 7, 3, 1);
	KUNIT_ASSERT_EQ(test, rl_storage_wait(s, rl_storage_set_hard_state(s, &hs)), 0);
	st_close(s);
	/* the second record (ring blocks 17..18, entries 4..6) rots */
	st_damage(test, 17, 200);
	KUNIT_EXPECT_EQ(test, rl_storage_open(DEV, &cfg, &s2), -EUCLEAN);
	KUNIT_EXPECT_NULL(test, s2);
	/* refused twice: the first refusal wrote no fence */
	KUNIT_EXPECT_EQ(test, rl_storage_open(DEV, &cfg, &s2), -EUCLEAN);
	/* repaired: the record's byte flipped back, all of it opens */
	st_damage(test, 17, 200);
	s = st_open(test, 0);
	st_expect_log(test, s, 1, 9);
	st_close(s);
}

/* the fault injection hooks are only in RL_TEST_HOOKS=1 builds */
static void st_need_hooks(struct kunit *test)
{
	if (!RL_STORAGE_HOOKS)
		kunit_skip(test, "needs a build with RL_TEST_HOOKS=1");
}

static void st_eio_on_write(struct kunit *test)
{
	struct rl_storage *s;
	struct rl_storage_info info;
	struct rl_hard_state hs = { 3, 1, 0 };
	s64 t;

	st_need_hooks(test);
	s = st_format_open(test, 0, 0);
	st_append_wait(test, s, 1, 5, 1);
	rl_storage_inject_fault(s, RL_INJECT_WRITE, 1);
	t = st_append(test, s, 6, 5, 1);
	KUNIT_ASSERT_GT(test, t, 0);
	KUNIT_EXPECT_EQ(test, rl_storage_wait(s, t), -EIO);
	rl_storage_get_info(s, &info);
	KUNIT_EXPECT_EQ(test, info.error, -EIO);
	KUNIT_EXPECT_EQ(test, info.durable_index, 5);
	/* nothing pretends to succeed afterwards */
	KUNIT_EXPECT_EQ(test, st_append(test, s, 11, 1, 1), -EIO);
	KUNIT_EXPECT_EQ(test, rl_storage_set_hard_state(s, &hs), -EIO);
	KUNIT_EXPECT_EQ(test, rl_storage_truncate(s, 2), -EIO);
	KUNIT_EXPECT_EQ(test, rl_storage_term(s, 1), -EIO);
	st_close(s);
	KUNIT_EXPECT_EQ(test, st_cbctx.failed, -EIO);
	/* the device still holds the durable prefix */
	s = st_open(test, 0);
	st_expect_log(test, s, 1, 5);
	st_check_range(test, s, 1, 5, 1);
	st_close(s);
}

static void st_eio_on_meta(struct kunit *test)
{
	struct rl_hard_state hs = { 3, 1, 0 }, hs2 = { 4, 2, 0 };
	struct rl_storage_info info;
	struct rl_storage *s;
	s64 t;

	st_need_hooks(test);
	s = st_format_open(test, 0, 0);
	KUNIT_ASSERT_EQ(test, rl_storage_wait(s, rl_storage_set_hard_state(s, &hs)), 0);
	/* the metadata write (FUA) fails */
	rl_storage_inject_fault(s, RL_INJECT_META, 1);
	t = rl_storage_set_hard_state(s, &hs2);
	KUNIT_ASSERT_GT(test, t, 0);
	KUNIT_EXPECT_EQ(test, rl_storage_wait(s, t), -EIO);
	st_close(s);
	KUNIT_EXPECT_EQ(test, st_cbctx.failed, -EIO);
	s = st_open(test, 0);
	rl_storage_get_info(s, &info);
	KUNIT_EXPECT_EQ(test, info.hs.term, 3);
	KUNIT_EXPECT_EQ(test, info.hs.vote, 1);
	/* the snapshot's flush+FUA metadata write fails */
	st_append_wait(test, s, 1, 4, 1);
	rl_storage_inject_fault(s, RL_INJECT_META, 1);
	t = rl_storage_save_snapshot(s, 3, 1, "c", 1, "d", 1);
	KUNIT_ASSERT_GT(test, t, 0);
	KUNIT_EXPECT_EQ(test, rl_storage_wait(s, t), -EIO);
	st_close(s);
	s = st_open(test, 0);
	rl_storage_get_info(s, &info);
	KUNIT_EXPECT_EQ(test, info.snap_index, 0);
	st_expect_log(test, s, 1, 4);
	st_close(s);
}

/*
 * A commit index that moved alone (rl_storage_set_commit) costs no
 * metadata write, which would empty the record pipeline: a crash forgets
 * it, the log stays whole; it goes out with the close, or on its own once
 * RL_ST_COMMIT_MS passed.
 */
static void st_lone_commit(struct kunit *test)
{
	struct rl_hard_state hs = { 2, 1, 3 };
	struct rl_storage_info info;
	struct rl_storage *s;
	s64 t, t0;

	st_need_hooks(test);
	s = st_format_open(test, 0, 0);
	st_append_wait(test, s, 1, 10, 2);
	t0 = rl_storage_set_hard_state(s, &hs);
	KUNIT_ASSERT_EQ(test, rl_storage_wait(s, t0), 0);
	/* nothing is queued for it, and no metadata write follows */
	rl_storage_inject_fault(s, RL_INJECT_META, 1);
	KUNIT_EXPECT_EQ(test, rl_storage_set_commit(s, 8), t0);
	st_append_wait(test, s, 11, 2, 2);
	rl_storage_get_info(s, &info);
	KUNIT_EXPECT_EQ(test, info.hs.commit, 8);
	KUNIT_EXPECT_EQ(test, info.error, 0);
	rl_storage_inject_fault(s, 0, 0);
	/* a crash now: the device still says 3, and holds the whole log */
	rl_storage_inject_crash(s, 1, 0);
	st_close(s);
	s = st_open(test, 0);
	rl_storage_get_info(s, &info);
	KUNIT_EXPECT_EQ(test, info.hs.commit, 3);
	KUNIT_EXPECT_EQ(test, info.hs.term, 2);
	KUNIT_EXPECT_EQ(test, info.hs.vote, 1);
	st_expect_log(test, s, 1, 12);
	/* a close writes it */
	t0 = rl_storage_set_hard_state(s, &hs);
	KUNIT_ASSERT_EQ(test, rl_storage_wait(s, t0), 0);
	KUNIT_EXPECT_EQ(test, rl_storage_set_commit(s, 9), t0);
	s = st_reopen(test, s, 0);
	rl_storage_get_info(s, &info);
	KUNIT_EXPECT_EQ(test, info.hs.commit, 9);
	/* RL_ST_COMMIT_MS after the last hard state it is written at once */
	msleep(RL_ST_COMMIT_MS + 50);
	t = rl_storage_set_commit(s, 11);
	KUNIT_EXPECT_GT(test, t, 0);
	KUNIT_EXPECT_EQ(test, rl_storage_wait(s, t), 0);
	rl_storage_inject_crash(s, 1, 0);
	st_close(s);
	s = st_open(test, 0);
	rl_storage_get_info(s, &info);
	KUNIT_EXPECT_EQ(test, info.hs.commit, 11);
	st_expect_log(test, s, 1, 12);
	st_close(s);
}

static void st_eio_on_read(struct kunit *test)
{
	struct rl_storage_info info;
	struct rl_storage *s;
	struct rl_entry e;

	st_need_hooks(test);
	s = st_format_open(test, 0, 1);	/* no cache: reads go to the device */
	st_append_wait(test, s, 1, 5, 1);
	st_check(test, s, 2, 1);
	rl_storage_inject_fault(s, RL_INJECT_READ, 1);
	KUNIT_EXPECT_EQ(test, rl_storage_entry(s, 2, &e, st_buf, 65536), -EIO);
	/* a failed read is reported to the reader; the log stays usable */
	rl_storage_get_info(s, &info);
	KUNIT_EXPECT_EQ(test, info.error, 0);
	st_check(test, s, 2, 1);
	st_close(s);
}

/*
 * Run by tests/vm/storage.sh after `raftctl format /dev/ram2 --cluster-id
 * 4242 --group 7 --node 3`: the kernel opens what raftctl wrote and leaves
 * a log (first index 11, last 17) for `raftctl inspect` to check.
 * Skipped when /dev/ram2 holds no raftlog format.
 */
static void st_userspace_format(struct kunit *test)
{
	struct rl_storage_cfg cfg = st_cfg(0);
	struct rl_storage *s = NULL;
	struct rl_hard_state hs = { 2, 3, 12 };
	int err;

	cfg.cluster_id = 4242;
	cfg.group_id = 7;
	cfg.node_id = 3;
	err = rl_storage_open("/dev/ram2", &cfg, &s);
	if (err == -EUCLEAN || err == -ESTALE)
		kunit_skip(test, "/dev/ram2 not formatted by raftctl (tests/vm/storage.sh)");
	KUNIT_ASSERT_EQ(test, err, 0);
	st_cur = s;
	st_expect_log(test, s, 1, 0);
	st_append_wait(test, s, 1, 20, 1);
	KUNIT_ASSERT_GT(test, rl_storage_truncate(s, 15), 0);
	st_append_wait(test, s, 16, 2, 2);
	KUNIT_ASSERT_EQ(test, rl_storage_wait(s, rl_storage_set_hard_state(s, &hs)), 0);
	KUNIT_ASSERT_EQ(test, st_snap(s, 10, 1, "c", 1, "data", 4), 0);
	KUNIT_ASSERT_EQ(test, st_compact(s, 10), 0);
	st_expect_log(test, s, 11, 17);
	st_close(s);
}

static char *storage_eio_dev;
module_param(storage_eio_dev, charp, 0444);
MODULE_PARM_DESC(storage_eio_dev,
		 "device on which the block layer fails I/O after a byte budget (tests/vm/storage-eio.sh)");

/*
 * Real block-layer errors (CONFIG_FAIL_MAKE_REQUEST, set up by
 * tests/vm/storage-eio.sh): the device fails every bio once a byte budget
 * is spent.  Appends then fail with EIO, the storage enters its failed
 * state and reports it, and nothing after it pretends to succeed.
 */
static void st_block_layer_eio(struct kunit *test)
{
	struct rl_storage_cfg cfg = st_cfg(0);
	struct rl_storage *s = NULL;
	struct rl_storage_info info;
	u64 i;
	s64 t = 0;
	int err = 0;

	if (!storage_eio_dev)
		kunit_skip(test, "needs storage_eio_dev= (tests/vm/storage-eio.sh)");
	KUNIT_ASSERT_EQ(test, rl_storage_format(storage_eio_dev, CLUSTER, GROUP, NODE, 0), 0);
	memset(&st_cbctx, 0, sizeof(st_cbctx));
	KUNIT_ASSERT_EQ(test, rl_storage_open(storage_eio_dev, &cfg, &s), 0);
	st_cur = s;
	for (i = 1; i <= 400 && !err; i++) {
		t = st_append(test, s, i, 1, 1);	/* st_len(i): up to 64 KiB */
		if (t < 0)
			err = t;
		else
			err = rl_storage_wait(s, t);
	}
	kunit_info(test, "device failed after %llu appends: %d", i - 1, err);
	KUNIT_EXPECT_EQ(test, err, -EIO);
	rl_storage_get_info(s, &info);
	KUNIT_EXPECT_EQ(test, info.error, -EIO);
	KUNIT_EXPECT_EQ(test, info.durable_index, i - 2);
	KUNIT_EXPECT_EQ(test, st_append(test, s, i, 1, 1), -EIO);
	KUNIT_EXPECT_EQ(test, rl_storage_wait(s, rl_storage_compact(s, 1)), -EIO);
	st_close(s);
	KUNIT_EXPECT_EQ(test, st_cbctx.failed, -EIO);
	pr_info("raftlog-test: storage-eio durable %llu\n", info.durable_index);
}

static struct kunit_case storage_cases[] = {
	KUNIT_CASE(st_open_checks_device),
	KUNIT_CASE(st_append_read_recover),
	KUNIT_CASE(st_read_records),
	KUNIT_CASE(st_bad_read_never_handed_on),
	KUNIT_CASE(st_walk_terms),
	KUNIT_CASE(st_group_commit),
	KUNIT_CASE(st_truncate),
	KUNIT_CASE(st_hard_state),
	KUNIT_CASE(st_snapshot_compact),
	KUNIT_CASE_SLOW(st_index_bound),
	KUNIT_CASE(st_ring_wraparound),
	KUNIT_CASE(st_enospc),
	KUNIT_CASE(st_damaged_records),
	KUNIT_CASE(st_damage_below_commit),
	KUNIT_CASE(st_eio_on_write),
	KUNIT_CASE(st_eio_on_meta),
	KUNIT_CASE(st_lone_commit),
	KUNIT_CASE(st_eio_on_read),
	KUNIT_CASE(st_userspace_format),
	KUNIT_CASE(st_block_layer_eio),
	{}
};

static struct kunit_suite storage_suite = {
	.name = "raftlog_storage",
	.init = st_init,
	.exit = st_exit,
	.test_cases = storage_cases,
};

kunit_test_suite(storage_suite);
