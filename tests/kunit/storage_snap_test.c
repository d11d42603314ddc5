// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of kernel/storage_snap.c on the test kernel's RAM disk
 * /dev/ram0: a snapshot staged a chunk at a time (as a follower receives
 * one) reads back byte for byte with the right checksum once committed,
 * at every chunk size; a crash, a new staging or a snapshot saved whole
 * midway leaves the old snapshot current and loadable; and the current
 * snapshot's data is read back in pieces (as a leader sends it).
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "disk.h"
#include "storage.h"

#define DEV		"/dev/ram0"
#define CLUSTER		0xc1c2
#define GROUP		6
#define NODE		3
#define DATA_LEN	(3U << 20)

static struct rl_storage *ss_cur;
static u8 *ss_data;		/* DATA_LEN bytes of a pattern */
static u8 *ss_got;
static const char ss_conf[] = "voters 1,2,3";

static int ss_init(struct kunit *test)
{
	u32 i;

	ss_data = vmalloc(DATA_LEN);
	ss_got = vmalloc(DATA_LEN);
	if (!ss_data || !ss_got)
		return -ENOMEM;
	for (i = 0; i < DATA_LEN; i++)
		ss_data[i] = (u8)(i * 7 + (i >> 12));
	return 0;
}

static void ss_exit(struct kunit *test)
{
	if (ss_cur)
		rl_storage_close(ss_cur);
	ss_cur = NULL;
	vfree(ss_data);
	vfree(ss_got);
}

static struct rl_storage *ss_open(struct kunit *test)
{
	struct rl_storage_cfg cfg = {
		.cluster_id = CLUSTER,
		.group_id = GROUP,
		.node_id = NODE,
	};
	struct rl_storage *s = NULL;

	KUNIT_ASSERT_EQ(test, rl_storage_open(DEV, &cfg, &s), 0);
	ss_cur = s;
	return s;
}

static void ss_close(struct rl_storage *s)
{
	rl_storage_close(s);
	ss_cur = NULL;
}

static struct rl_storage *ss_reopen(struct kunit *test, struct rl_storage *s)
{
	ss_close(s);
	return ss_open(test);
}

static struct rl_storage *ss_format_open(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, rl_storage_format(DEV, CLUSTER, GROUP, NODE, 0),
			0);
	return ss_open(test);
}

/* The current snapshot is index/term with the first len bytes of ss_data. */
static void ss_expect(struct kunit *test, struct rl_storage *s, u64 index,
		      u64 term, const u8 *data, u64 len)
{
	u64 i, t, dlen;
	void *conf, *got;
	u8 cbuf[64];
	u32 clen;

	KUNIT_ASSERT_EQ(test, rl_storage_load_snapshot(s, &i, &t, &conf, &clen,
						       &got, &dlen), 0);
	KUNIT_EXPECT_EQ(test, i, index);
	KUNIT_EXPECT_EQ(test, t, term);
	KUNIT_EXPECT_EQ(test, clen, sizeof(ss_conf));
	KUNIT_EXPECT_EQ(test, memcmp(conf, ss_conf, sizeof(ss_conf)), 0);
	KUNIT_EXPECT_EQ(test, dlen, len);
	if (dlen == len)
		KUNIT_EXPECT_EQ(test, memcmp(got, data, len), 0);
	kvfree(conf);
	kvfree(got);
	rl_storage_snap_cur(s, &i, &t, &dlen);
	KUNIT_EXPECT_EQ(test, i, index);
	KUNIT_EXPECT_EQ(test, t, term);
	KUNIT_EXPECT_EQ(test, dlen, len);
	/* its configuration alone, as a boot reads it */
	memset(cbuf, 0, sizeof(cbuf));
	KUNIT_EXPECT_EQ(test, rl_storage_snap_conf(s, cbuf, sizeof(cbuf)),
			sizeof(ss_conf));
	KUNIT_EXPECT_EQ(test, memcmp(cbuf, ss_conf, sizeof(ss_conf)), 0);
	KUNIT_EXPECT_EQ(test, rl_storage_snap_conf(s, cbuf, 3), -EFBIG);
}

/*
 * Stage index/term with len bytes of data in chunks of chunk bytes: the
 * last ticket or an error.
 */
static s64 ss_stage(struct kunit *test, struct rl_storage *s, u64 index,
		    u64 term, const u8 *data, u64 len, u32 chunk)
{
	u64 off;
	s64 t;

	t = rl_storage_stage_begin(s, index, term, ss_conf, sizeof(ss_conf));
	for (off = 0; off < len && t > 0; off += chunk)
		t = rl_storage_stage_data(s, index, off, data + off,
					  min_t(u64, chunk, len - off));
	return t;
}

/* Commit the staging at index (len bytes of data) and wait for it. */
static int ss_commit(struct rl_storage *s, u64 index, u64 len)
{
	return rl_storage_wait(s, rl_storage_stage_commit(s, index, len));
}

/* Save a snapshot whole and wait for it. */
static int ss_save(struct rl_storage *s, u64 index, u64 term, const u8 *data,
		   u64 len)
{
	return rl_storage_wait(s, rl_storage_save_snapshot(s, index, term,
							   ss_conf,
							   sizeof(ss_conf),
							   data, len));
}

/* Staged at every chunk size, a snapshot reads back byte for byte. */
static void ss_staged_reads_back(struct kunit *test)
{
	static const u32 chunks[] = { 1 << 20, 4096, 4032, 1, 65537, 333333 };
	struct rl_storage *s = ss_format_open(test);
	u64 index = 10, len;
	unsigned int k;
	s64 t;

	for (k = 0; k < ARRAY_SIZE(chunks); k++, index += 10) {
		/* a byte at a time is slow: fewer of them */
		len = chunks[k] == 1 ? 9000 : DATA_LEN - k * 1234;
		t = ss_stage(test, s, index, 2, ss_data + k, len, chunks[k]);
		KUNIT_ASSERT_GT(test, t, 0);
		/* not current before its commit */
		if (k)
			ss_expect(test, s, index - 10, 2, ss_data + k - 1,
				  k == 4 ? 9000 : DATA_LEN - (k - 1) * 1234);
		KUNIT_ASSERT_EQ(test, ss_commit(s, index, len), 0);
		ss_expect(test, s, index, 2, ss_data + k, len);
		/* and after a restart (its body checksum checked at open) */
		s = ss_reopen(test, s);
		ss_expect(test, s, index, 2, ss_data + k, len);
		/* the log starts after it */
		KUNIT_EXPECT_EQ(test, rl_storage_term(s, index), 2);
	}
	ss_close(s);
}

/*
 * Midway, a crash, a new staging, or a snapshot saved whole: the old
 * snapshot stays current and loadable; what was staged never is.
 */
static void ss_abort_keeps_old(struct kunit *test)
{
	struct rl_storage *s = ss_format_open(test);
	s64 t;
	int n;

	KUNIT_ASSERT_EQ(test, ss_save(s, 5, 1, ss_data, 5000), 0);

	/* closed (a crash as far as the device goes) midway */
	t = ss_stage(test, s, 20, 2, ss_data, DATA_LEN / 2, 1 << 20);
	KUNIT_ASSERT_EQ(test, rl_storage_wait(s, t), 0);
	s = ss_reopen(test, s);
	ss_expect(test, s, 5, 1, ss_data, 5000);
	/* and nothing to commit after the restart */
	KUNIT_EXPECT_EQ(test, rl_storage_stage_commit(s, 20, DATA_LEN / 2),
			-ESTALE);

	/*
	 * A crash at each write of a staging and its commit: two writes of
	 * data, the last block, block 0 with the header (torn), the metadata
	 * (lost: a metadata block torn after its first sector is whole).
	 */
	for (n = 1; n <= 5; n++) {
		rl_storage_inject_crash(s, n, n == 5 ? 0 : 2048);
		ss_stage(test, s, 20, 2, ss_data, 2 << 20, 1 << 20);
		ss_commit(s, 20, 2 << 20);
		s = ss_reopen(test, s);
		ss_expect(test, s, 5, 1, ss_data, 5000);
	}

	/* a new staging from offset 0 ends the one in progress */
	KUNIT_EXPECT_GT(test, ss_stage(test, s, 20, 2, ss_data, 100000, 30000),
			0);
	KUNIT_EXPECT_GT(test, rl_storage_stage_begin(s, 30, 3, ss_conf,
						     sizeof(ss_conf)), 0);
	KUNIT_EXPECT_EQ(test, rl_storage_stage_data(s, 20, 100000, ss_data, 10),
			-ESTALE);
	KUNIT_EXPECT_EQ(test, rl_storage_stage_commit(s, 20, 100000), -ESTALE);
	/* out of order */
	KUNIT_EXPECT_EQ(test, rl_storage_stage_data(s, 30, 1, ss_data, 10),
			-ESTALE);
	KUNIT_EXPECT_EQ(test, rl_storage_stage_commit(s, 30, 10), -ESTALE);
	KUNIT_ASSERT_GT(test, rl_storage_stage_data(s, 30, 0, ss_data + 1,
						    70000), 0);
	KUNIT_ASSERT_EQ(test, ss_commit(s, 30, 70000), 0);
	ss_expect(test, s, 30, 3, ss_data + 1, 70000);

	/* a snapshot saved whole (same area) ends a staging too */
	KUNIT_EXPECT_GT(test, ss_stage(test, s, 40, 3, ss_data, 100000, 30000),
			0);
	KUNIT_ASSERT_EQ(test, ss_save(s, 35, 3, ss_data + 2, 6000), 0);
	KUNIT_EXPECT_EQ(test, rl_storage_stage_commit(s, 40, 100000), -ESTALE);
	s = ss_reopen(test, s);
	ss_expect(test, s, 35, 3, ss_data + 2, 6000);
	/* older than the current one: refused */
	KUNIT_EXPECT_EQ(test, rl_storage_stage_begin(s, 35, 3, ss_conf,
						     sizeof(ss_conf)), -EINVAL);
	ss_close(s);
}

/* The current snapshot's data read in pieces, as a leader sends it. */
static void ss_read_pieces(struct kunit *test)
{
	static const u32 pieces[] = { 1 << 20, 4096, 777, 200001 };
	struct rl_storage *s = ss_format_open(test);
	u64 off, n;
	unsigned int k;
	int err;
	s64 t;

	KUNIT_EXPECT_EQ(test, rl_storage_snap_read(s, 1, 0, ss_got, 1),
			-ESTALE);
	t = ss_stage(test, s, 50, 4, ss_data, DATA_LEN, 1 << 20);
	KUNIT_ASSERT_EQ(test, rl_storage_wait(s, t), 0);
	/* staged, not committed: not readable */
	KUNIT_EXPECT_EQ(test, rl_storage_snap_read(s, 50, 0, ss_got, 1),
			-ESTALE);
	KUNIT_ASSERT_EQ(test, ss_commit(s, 50, DATA_LEN), 0);
	for (k = 0; k < ARRAY_SIZE(pieces); k++) {
		memset(ss_got, 0, DATA_LEN);
		for (off = 0; off < DATA_LEN; off += n) {
			n = min_t(u64, pieces[k], DATA_LEN - off);
			err = rl_storage_snap_read(s, 50, off, ss_got + off, n);
			KUNIT_ASSERT_EQ(test, err, 0);
		}
		KUNIT_EXPECT_EQ(test, memcmp(ss_got, ss_data, DATA_LEN), 0);
	}
	KUNIT_EXPECT_EQ(test, rl_storage_snap_read(s, 50, DATA_LEN - 1,
						   ss_got, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, rl_storage_snap_read(s, 49, 0, ss_got, 1),
			-ESTALE);
	ss_close(s);
}

static struct kunit_case ss_cases[] = {
	KUNIT_CASE(ss_staged_reads_back),
	KUNIT_CASE(ss_abort_keeps_old),
	KUNIT_CASE(ss_read_pieces),
	{}
};

static struct kunit_suite ss_suite = {
	.name = "raftlog_storage_snap",
	.init = ss_init,
	.exit = ss_exit,
	.test_cases = ss_cases,
};

kunit_test_suite(ss_suite);
