// SPDX-License-Identifier: GPL-2.0
/*
 * The group's address book (kernel/group_members.c): members' addresses come
 * from the create spec and from the context of the conf-change entries
 * that add them, follow the log (a truncated suffix takes its addresses
 * with it), survive compaction folded at the snapshot index, and round
 * trip through the snapshot blob's address section.  Hostile contexts are
 * ignored; a committed configuration without this node marks it removed.
 * No core and no transport: the book alone, on a bare group.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/test.h>
#include "group_int.h"

static struct rl_group *bare_group(struct kunit *test, bool join)
{
	struct rl_group *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, g);
	g->p.group_id = 1;
	g->p.node_id = 1;
	g->p.join = join;
	strscpy(g->p.listen, "10.0.0.1:7000", sizeof(g->p.listen));
	g->p.n_peers = 2;
	g->p.peers[0].id = 2;
	strscpy(g->p.peers[0].addr, "10.0.0.2:7000", sizeof(g->p.peers[0].addr));
	g->p.peers[1].id = 3;
	strscpy(g->p.peers[1].addr, "10.0.0.3:7000", sizeof(g->p.peers[1].addr));
	return g;
}

/* A conf-change entry at index adding/removing node with a raw context. */
static void cc_entry(struct kunit *test, struct raft_entry *e, u64 index,
		     u8 type, u64 node, const struct raft_conf *res,
		     const void *ctx, u32 clen)
{
	u8 *buf = kunit_kzalloc(test, RAFT_CONF_CHANGE_CTX_MAX_SIZE,
				GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(e, 0, sizeof(*e));
	e->index = index;
	e->term = 1;
	e->type = RAFT_ENTRY_CONF_CHANGE;
	e->data = buf;
	e->len = raft_conf_change_encode_ctx(buf, type, node, res, ctx, clen);
}

/* The context rl_members_ctx_encode() writes: tag, length, text. */
static u32 addr_ctx(u8 *ctx, const char *addr)
{
	ctx[0] = RL_CTX_ADDR;
	ctx[1] = strlen(addr);
	memcpy(ctx + 2, addr, ctx[1]);
	return ctx[1] + 2;
}

static const struct raft_conf conf123_4 = {
	.n_voters = 3, .n_learners = 1,
	.voters = { 1, 2, 3 }, .learners = { 4 },
};

static void spec_log_and_truncation(struct kunit *test)
{
	struct rl_group *g = bare_group(test, false);
	struct raft_boot boot = {};
	struct raft_ready rd = {};
	struct raft_entry e[2];
	u8 ctx[RL_ADDR_MAX + 2];

	cc_entry(test, &e[0], 5, RAFT_CC_ADD_LEARNER, 4, &conf123_4, ctx,
		 addr_ctx(ctx, "10.0.0.4:7000"));
	boot.entries = e;
	boot.n_entries = 1;
	KUNIT_ASSERT_EQ(test, rl_members_boot(g, &boot), 0);
	KUNIT_EXPECT_STREQ(test, rl_members_addr(g, 2), "10.0.0.2:7000");
	KUNIT_EXPECT_STREQ(test, rl_members_addr(g, 4), "10.0.0.4:7000");
	/* this node's own address is where it listens */
	KUNIT_EXPECT_STREQ(test, rl_members_addr(g, 1), "10.0.0.1:7000");
	KUNIT_EXPECT_NULL(test, rl_members_addr(g, 9));

	/* a new leader overwrites index 5 with node 4 at another address */
	cc_entry(test, &e[1], 5, RAFT_CC_ADD_LEARNER, 4, &conf123_4, ctx,
		 addr_ctx(ctx, "[fd00::4]:7001"));
	rd.entries = &e[1];
	rd.n_entries = 1;
	KUNIT_ASSERT_EQ(test, rl_members_ready(g, &rd), 0);
	KUNIT_EXPECT_STREQ(test, rl_members_addr(g, 4), "[fd00::4]:7001");

	/* ... and then with a normal entry: the address goes with it */
	memset(&e[1], 0, sizeof(e[1]));
	e[1].index = 5;
	e[1].term = 2;
	KUNIT_ASSERT_EQ(test, rl_members_ready(g, &rd), 0);
	KUNIT_EXPECT_NULL(test, rl_members_addr(g, 4));
	/* the spec's addresses are never truncated */
	KUNIT_EXPECT_STREQ(test, rl_members_addr(g, 3), "10.0.0.3:7000");
	rl_members_free(g);
}

static void hostile_contexts_ignored(struct kunit *test)
{
	struct rl_group *g = bare_group(test, false);
	struct raft_boot boot = {};
	struct raft_ready rd = {};
	struct raft_entry e;
	u8 ctx[RL_ADDR_MAX + 8];
	u32 n;

	KUNIT_ASSERT_EQ(test, rl_members_boot(g, &boot), 0);
	rd.entries = &e;
	rd.n_entries = 1;
	/* wrong tag */
	n = addr_ctx(ctx, "10.0.0.4:7000");
	ctx[0] = 7;
	cc_entry(test, &e, 5, RAFT_CC_ADD_LEARNER, 4, &conf123_4, ctx, n);
	KUNIT_EXPECT_EQ(test, rl_members_ready(g, &rd), 0);
	KUNIT_EXPECT_NULL(test, rl_members_addr(g, 4));
	/* length byte disagrees with the context's length */
	n = addr_ctx(ctx, "10.0.0.4:7000");
	ctx[1]++;
	cc_entry(test, &e, 5, RAFT_CC_ADD_LEARNER, 4, &conf123_4, ctx, n);
	KUNIT_EXPECT_EQ(test, rl_members_ready(g, &rd), 0);
	KUNIT_EXPECT_NULL(test, rl_members_addr(g, 4));
	/* an embedded NUL */
	n = addr_ctx(ctx, "10.0.0.4:7000");
	ctx[5] = 0;
	cc_entry(test, &e, 5, RAFT_CC_ADD_LEARNER, 4, &conf123_4, ctx, n);
	KUNIT_EXPECT_EQ(test, rl_members_ready(g, &rd), 0);
	KUNIT_EXPECT_NULL(test, rl_members_addr(g, 4));
	/* not an address; too long for the book */
	n = addr_ctx(ctx, "somewhere");
	cc_entry(test, &e, 5, RAFT_CC_ADD_LEARNER, 4, &conf123_4, ctx, n);
	KUNIT_EXPECT_EQ(test, rl_members_ready(g, &rd), 0);
	KUNIT_EXPECT_NULL(test, rl_members_addr(g, 4));
	memset(ctx, '1', sizeof(ctx));
	ctx[0] = RL_CTX_ADDR;
	ctx[1] = RL_ADDR_MAX + 4;
	cc_entry(test, &e, 5, RAFT_CC_ADD_LEARNER, 4, &conf123_4, ctx,
		 RL_ADDR_MAX + 6);
	KUNIT_EXPECT_EQ(test, rl_members_ready(g, &rd), 0);
	KUNIT_EXPECT_NULL(test, rl_members_addr(g, 4));
	rl_members_free(g);
}

static void committed_removal_marks_removed(struct kunit *test)
{
	static const struct raft_conf without1 = {
		.n_voters = 2, .voters = { 2, 3 },
	};
	struct rl_group *g = bare_group(test, false);
	struct rl_group *j = bare_group(test, true);
	struct raft_boot boot = {};
	struct raft_ready rd = {};
	struct raft_entry e;

	KUNIT_ASSERT_EQ(test, rl_members_boot(g, &boot), 0);
	KUNIT_ASSERT_EQ(test, rl_members_boot(j, &boot), 0);
	rd.committed = &e;
	rd.n_committed = 1;
	cc_entry(test, &e, 6, RAFT_CC_ADD_LEARNER, 4, &conf123_4, NULL, 0);
	KUNIT_EXPECT_EQ(test, rl_members_ready(g, &rd), 0);
	KUNIT_EXPECT_FALSE(test, g->mb.removed);
	cc_entry(test, &e, 7, RAFT_CC_REMOVE, 1, &without1, NULL, 0);
	KUNIT_EXPECT_EQ(test, rl_members_ready(g, &rd), 0);
	KUNIT_EXPECT_TRUE(test, g->mb.removed);
	/* a joiner is not removed by configurations from before it joined */
	KUNIT_EXPECT_EQ(test, rl_members_ready(j, &rd), 0);
	KUNIT_EXPECT_FALSE(test, j->mb.removed);
	rl_members_free(g);
	rl_members_free(j);
}

static void compaction_and_snapshot_section(struct kunit *test)
{
	static const struct raft_conf conf1234 = {
		.n_voters = 4, .voters = { 1, 2, 3, 4 },
	};
	struct rl_group *g = bare_group(test, false);
	struct rl_group *h = bare_group(test, true);
	struct raft_boot boot = {};
	struct raft_entry e[3];
	u8 ctx[RL_ADDR_MAX + 2];
	ssize_t need, n;
	u8 *blob;

	cc_entry(test, &e[0], 5, RAFT_CC_ADD_LEARNER, 4, &conf123_4, ctx,
		 addr_ctx(ctx, "10.0.0.4:7000"));
	cc_entry(test, &e[1], 8, RAFT_CC_ADD_LEARNER, 4, &conf123_4, ctx,
		 addr_ctx(ctx, "10.0.0.44:7000"));
	cc_entry(test, &e[2], 12, RAFT_CC_ADD_LEARNER, 5, &conf123_4, ctx,
		 addr_ctx(ctx, "10.0.0.5:7000"));
	boot.entries = e;
	boot.n_entries = 3;
	KUNIT_ASSERT_EQ(test, rl_members_boot(g, &boot), 0);

	/* as of index 10: node 4 at its second address, no node 5 yet */
	need = rl_members_snap_encode(g, 10, &conf1234, NULL, 0);
	KUNIT_ASSERT_GT(test, need, 4);
	blob = kunit_kzalloc(test, need, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, blob);
	KUNIT_EXPECT_EQ(test, rl_members_snap_encode(g, 10, &conf1234, blob,
						     need - 1), -ENOBUFS);
	n = rl_members_snap_encode(g, 10, &conf1234, blob, need);
	KUNIT_ASSERT_EQ(test, n, need);
	/* a member without a known address cannot be encoded */
	KUNIT_EXPECT_EQ(test, rl_members_snap_encode(g, 4, &conf1234, NULL, 0),
			-ENOENT);

	/* compaction folds what it covers and keeps what follows */
	rl_members_compact(g, 10);
	KUNIT_EXPECT_STREQ(test, rl_members_addr(g, 4), "10.0.0.44:7000");
	KUNIT_EXPECT_STREQ(test, rl_members_addr(g, 5), "10.0.0.5:7000");
	KUNIT_EXPECT_STREQ(test, rl_members_addr(g, 2), "10.0.0.2:7000");

	/* a node that installs the snapshot knows every member of it */
	KUNIT_ASSERT_EQ(test, rl_members_boot(h, &(struct raft_boot){}), 0);
	KUNIT_ASSERT_EQ(test, rl_members_snap_load(h, 10, blob, n), 0);
	KUNIT_EXPECT_STREQ(test, rl_members_addr(h, 1), "10.0.0.1:7000");
	KUNIT_EXPECT_STREQ(test, rl_members_addr(h, 3), "10.0.0.3:7000");
	KUNIT_EXPECT_STREQ(test, rl_members_addr(h, 4), "10.0.0.44:7000");
	KUNIT_EXPECT_NULL(test, rl_members_addr(h, 5));
	/* a damaged section is refused: short, long, bad count, bad length */
	KUNIT_EXPECT_EQ(test, rl_members_snap_load(h, 10, blob, n - 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, rl_members_snap_load(h, 10, blob, 3), -EINVAL);
	blob[0] = 200;
	KUNIT_EXPECT_EQ(test, rl_members_snap_load(h, 10, blob, n), -EINVAL);
	blob[0] = 4;
	blob[4 + 8] = RL_ADDR_MAX;
	KUNIT_EXPECT_EQ(test, rl_members_snap_load(h, 10, blob, n), -EINVAL);
	/* ... and leaves the book as it was */
	KUNIT_EXPECT_STREQ(test, rl_members_addr(h, 4), "10.0.0.44:7000");
	rl_members_free(g);
	rl_members_free(h);
}

/* A snapshot blob at index 10 (term 3) of group 1: header, then section. */
static u8 *snap_blob(struct kunit *test, u32 version, const u8 *sec,
		     u32 sec_len, u64 *len)
{
	struct raftlog_disk_snapblob *b;
	u8 *buf = kunit_kzalloc(test, sizeof(*b) + sec_len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	b = (void *)buf;
	b->magic = cpu_to_le32(RAFTLOG_SNAPBLOB_MAGIC);
	b->version = cpu_to_le32(version);
	b->group_id = cpu_to_le32(1);
	b->addrs_len = cpu_to_le32(sec_len);
	b->index = cpu_to_le64(10);
	b->term = cpu_to_le64(3);
	memcpy(buf + sizeof(*b), sec, sec_len);
	*len = sizeof(*b) + sec_len;
	return buf;
}

static void snapshot_blob_checked(struct kunit *test)
{
	static const struct raft_conf conf12 = {
		.n_voters = 2, .voters = { 1, 2 },
	};
	struct rl_group *g = bare_group(test, false);
	struct raftlog_disk_snapblob *b;
	const u8 *addrs;
	u8 sec[128];
	u32 alen;
	ssize_t n;
	u64 len;
	u8 *blob;

	KUNIT_ASSERT_EQ(test, rl_members_boot(g, &(struct raft_boot){}), 0);
	n = rl_members_snap_encode(g, 10, &conf12, sec, sizeof(sec));
	KUNIT_ASSERT_GT(test, n, 4);

	/* version 2: the section follows the header */
	blob = snap_blob(test, RAFTLOG_SNAPBLOB_VERSION, sec, n, &len);
	KUNIT_EXPECT_EQ(test, rl_members_snap_check(g, blob, len, 10, 3, &addrs,
						    &alen), 0);
	KUNIT_EXPECT_PTR_EQ(test, addrs, (const u8 *)blob + sizeof(*b));
	KUNIT_EXPECT_EQ(test, alen, (u32)n);
	/* short, long, section length beyond the blob or beyond any book */
	KUNIT_EXPECT_EQ(test, rl_members_snap_check(g, blob, len - 1, 10, 3,
						    &addrs, &alen), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, rl_members_snap_check(g, blob, sizeof(*b) - 1, 10,
						    3, &addrs, &alen), -EUCLEAN);
	b = (void *)blob;
	b->addrs_len = cpu_to_le32(n + 1);
	KUNIT_EXPECT_EQ(test, rl_members_snap_check(g, blob, len, 10, 3, &addrs,
						    &alen), -EUCLEAN);
	b->addrs_len = cpu_to_le32(0xffffffe0);
	KUNIT_EXPECT_EQ(test, rl_members_snap_check(g, blob, len, 10, 3, &addrs,
						    &alen), -EUCLEAN);
	b->addrs_len = cpu_to_le32(n);
	/* it must describe the snapshot it came with, of this group */
	KUNIT_EXPECT_EQ(test, rl_members_snap_check(g, blob, len, 11, 3, &addrs,
						    &alen), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, rl_members_snap_check(g, blob, len, 10, 4, &addrs,
						    &alen), -EUCLEAN);
	b->group_id = cpu_to_le32(2);
	KUNIT_EXPECT_EQ(test, rl_members_snap_check(g, blob, len, 10, 3, &addrs,
						    &alen), -EUCLEAN);
	b->group_id = cpu_to_le32(1);
	b->magic = 0;
	KUNIT_EXPECT_EQ(test, rl_members_snap_check(g, blob, len, 10, 3, &addrs,
						    &alen), -EUCLEAN);
	b->magic = cpu_to_le32(RAFTLOG_SNAPBLOB_MAGIC);
	b->version = cpu_to_le32(3);
	KUNIT_EXPECT_EQ(test, rl_members_snap_check(g, blob, len, 10, 3, &addrs,
						    &alen), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, rl_members_snap_check(g, NULL, 0, 10, 3, &addrs,
						    &alen), -EUCLEAN);

	/* version 1 (before addresses): the header alone, still read */
	blob = snap_blob(test, RAFTLOG_SNAPBLOB_VERSION_NOADDR, NULL, 0, &len);
	addrs = blob;
	KUNIT_EXPECT_EQ(test, rl_members_snap_check(g, blob, len, 10, 3, &addrs,
						    &alen), 0);
	KUNIT_EXPECT_NULL(test, addrs);
	KUNIT_EXPECT_EQ(test, alen, 0U);
	blob = snap_blob(test, RAFTLOG_SNAPBLOB_VERSION_NOADDR, sec, n, &len);
	KUNIT_EXPECT_EQ(test, rl_members_snap_check(g, blob, len, 10, 3, &addrs,
						    &alen), -EUCLEAN);
	rl_members_free(g);
}

/*
 * Booting from a snapshot and installing one replace the book by the
 * blob's section at its index; a refused section leaves the book whole;
 * a version 1 blob keeps the book, folded.
 */
static void snapshot_restores_book(struct kunit *test)
{
	static const struct raft_conf conf124 = {
		.n_voters = 3, .voters = { 1, 2, 4 },
	};
	struct rl_group *g = bare_group(test, false);
	struct rl_group *h = bare_group(test, false);
	struct raft_snapshot snap = {};
	struct raft_ready rd = {};
	struct raft_entry e;
	u8 ctx[RL_ADDR_MAX + 2];
	u8 sec[256];
	ssize_t n;
	u64 len;
	/* off the stack: three configurations and a boot would not fit */
	struct raft_boot *bp = kunit_kzalloc(test, sizeof(*bp), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, bp);
	/* the leader's book: node 4 added at 5, node 5 at 12 */
	cc_entry(test, &e, 5, RAFT_CC_ADD_LEARNER, 4, &conf123_4, ctx,
		 addr_ctx(ctx, "10.0.0.4:7000"));
	bp->entries = &e;
	bp->n_entries = 1;
	KUNIT_ASSERT_EQ(test, rl_members_boot(g, bp), 0);
	n = rl_members_snap_encode(g, 10, &conf124, sec, sizeof(sec));
	KUNIT_ASSERT_GT(test, n, 4);

	/* restart from a device holding the snapshot: no entry teaches 4 */
	memset(bp, 0, sizeof(*bp));
	bp->snap.index = 10;
	bp->snap.term = 3;
	bp->snap.conf = conf124;
	bp->snap_data = snap_blob(test, RAFTLOG_SNAPBLOB_VERSION, sec, n, &len);
	bp->snap_len = len;
	KUNIT_ASSERT_EQ(test, rl_members_boot(h, bp), 0);
	KUNIT_EXPECT_STREQ(test, rl_members_addr(h, 4), "10.0.0.4:7000");
	KUNIT_EXPECT_STREQ(test, rl_members_addr(h, 2), "10.0.0.2:7000");
	/* node 3 is not in the snapshot's configuration: not in its book */
	KUNIT_EXPECT_NULL(test, rl_members_addr(h, 3));
	KUNIT_EXPECT_EQ(test, h->mb.committed.n_voters, 3U);
	rl_members_free(h);

	/* a hostile blob fails the boot */
	bp->snap.term = 4;
	KUNIT_EXPECT_EQ(test, rl_members_boot(h, bp), -EUCLEAN);
	rl_members_free(h);

	/* a follower installs the leader's snapshot */
	KUNIT_ASSERT_EQ(test, rl_members_boot(h, &(struct raft_boot){}), 0);
	KUNIT_EXPECT_NULL(test, rl_members_addr(h, 4));
	snap.meta.index = 10;
	snap.meta.term = 3;
	snap.meta.conf = conf124;
	snap.data = snap_blob(test, RAFTLOG_SNAPBLOB_VERSION, sec, n, &snap.len);
	rd.snapshot = &snap;
	KUNIT_ASSERT_EQ(test, rl_members_ready(h, &rd), 0);
	KUNIT_EXPECT_STREQ(test, rl_members_addr(h, 4), "10.0.0.4:7000");
	KUNIT_EXPECT_EQ(test, h->mb.book[0].index, 10ULL);

	/* a damaged section (bad address text) is refused, book untouched */
	snap.meta.index = 10;
	memcpy(snap.data + sizeof(struct raftlog_disk_snapblob) + 4 + 9, "xx", 2);
	KUNIT_EXPECT_EQ(test, rl_members_ready(h, &rd), -EUCLEAN);
	KUNIT_EXPECT_STREQ(test, rl_members_addr(h, 4), "10.0.0.4:7000");
	KUNIT_EXPECT_EQ(test, rl_members_snap_load(h, 10, snap.data +
			sizeof(struct raftlog_disk_snapblob), n), -EINVAL);
	KUNIT_EXPECT_STREQ(test, rl_members_addr(h, 2), "10.0.0.2:7000");

	/* version 1 from an older leader: the book stays, folded, and what
	 * it learned past the snapshot goes with the replaced log
	 */
	cc_entry(test, &e, 12, RAFT_CC_ADD_LEARNER, 5, &conf123_4, ctx,
		 addr_ctx(ctx, "10.0.0.5:7000"));
	rd.snapshot = NULL;
	rd.entries = &e;
	rd.n_entries = 1;
	KUNIT_ASSERT_EQ(test, rl_members_ready(h, &rd), 0);
	KUNIT_EXPECT_STREQ(test, rl_members_addr(h, 5), "10.0.0.5:7000");
	memset(&rd, 0, sizeof(rd));
	snap.meta.index = 11;
	snap.data = snap_blob(test, RAFTLOG_SNAPBLOB_VERSION_NOADDR, NULL, 0,
			      &snap.len);
	((struct raftlog_disk_snapblob *)snap.data)->index = cpu_to_le64(11);
	rd.snapshot = &snap;
	KUNIT_ASSERT_EQ(test, rl_members_ready(h, &rd), 0);
	KUNIT_EXPECT_STREQ(test, rl_members_addr(h, 4), "10.0.0.4:7000");
	KUNIT_EXPECT_NULL(test, rl_members_addr(h, 5));
	rl_members_free(g);
	rl_members_free(h);
}

static struct kunit_case members_cases[] = {
	KUNIT_CASE(spec_log_and_truncation),
	KUNIT_CASE(hostile_contexts_ignored),
	KUNIT_CASE(committed_removal_marks_removed),
	KUNIT_CASE(compaction_and_snapshot_section),
	KUNIT_CASE(snapshot_blob_checked),
	KUNIT_CASE(snapshot_restores_book),
	{}
};

static struct kunit_suite members_suite = {
	.name = "raftlog_group_members",
	.test_cases = members_cases,
};

kunit_test_suite(members_suite);
