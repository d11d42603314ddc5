// SPDX-License-Identifier: GPL-2.0
/*
 * The on-disk codec (kernel/disk.c): every structure round-trips, and
 * every kind of damage is refused: bit flips anywhere in a checksummed
 * region, wrong uuid, wrong slot, torn records, lengths that do not add
 * up (with checksums made valid again, so the field checks themselves are
 * proven), and the recovery scan rules (sequence, epoch, truncation).
 */
#include "disk.h"
#include "rltest.h"

static const u8 uuid_a[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const u8 uuid_b[16] = { 16, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 1 };

/* recompute a header crc after a test changed a field on purpose */
static void reseal(u8 *b, size_t size, size_t crc_off)
{
	u32 crc;

	rl_put_le32(b + crc_off, 0);
	crc = rl_crc32c(0, b, size);
	rl_put_le32(b + crc_off, crc);
}

static void make_sb(struct rl_sb *sb)
{
	memset(sb, 0, sizeof(*sb));
	memcpy(sb->uuid, uuid_a, 16);
	sb->cluster_id = 0x1122334455667788ull;
	sb->node_id = 3;
	sb->group_id = 7;
	sb->format_time = 1700000000;
	rl_sb_layout(sb, 64ull << 20, 0);
}

RL_TEST(sb_layout_geometry)
{
	struct rl_sb sb;

	memset(&sb, 0, sizeof(sb));
	RL_ASSERT_EQ(rl_sb_layout(&sb, 64ull << 20, 0), RL_DISK_OK);
	RL_EXPECT_EQ(sb.dev_blocks, 16384);
	RL_EXPECT_EQ(sb.snap_off[0], 3);
	RL_EXPECT_EQ(sb.snap_blocks, 2048);
	RL_EXPECT_EQ(sb.snap_off[1], 3 + 2048);
	RL_EXPECT_EQ(sb.ring_off, 3 + 4096);
	RL_EXPECT_EQ(sb.ring_off + sb.ring_blocks, 16384);
	RL_EXPECT_EQ(rl_sb_check_geometry(&sb), RL_DISK_OK);
	/* explicit snapshot size, rounded up to blocks */
	RL_ASSERT_EQ(rl_sb_layout(&sb, 64ull << 20, 10000), RL_DISK_OK);
	RL_EXPECT_EQ(sb.snap_blocks, 3);
	/* too small for the fixed blocks + minimum ring */
	RL_EXPECT_EQ(rl_sb_layout(&sb, 64 * 4096, 0), RL_DISK_EFIELD);
	/* snapshot areas leaving no room for the ring */
	RL_EXPECT_EQ(rl_sb_layout(&sb, 1 << 20, 1 << 20), RL_DISK_EFIELD);
}

/*
 * A large device: by default each snapshot area holds the largest
 * snapshot and no more (an eighth of 32 GiB would be 4 GiB, which a
 * load could not even allocate); the ring gets the rest.  Asked for, a
 * larger area is still given.
 */
RL_TEST(sb_layout_large_device_caps_snapshot_area)
{
	u64 cap = (RAFTLOG_DISK_SNAP_SIZE + RAFTLOG_SNAP_BODY_MAX + 4095) / 4096;
	struct rl_sb sb;

	memset(&sb, 0, sizeof(sb));
	RL_ASSERT_EQ(rl_sb_layout(&sb, 32ull << 30, 0), RL_DISK_OK);
	RL_EXPECT_EQ(sb.snap_blocks, cap);
	RL_EXPECT_EQ(sb.ring_blocks, (32ull << 18) - 3 - 2 * cap);
	RL_EXPECT_EQ(rl_sb_check_geometry(&sb), RL_DISK_OK);
	RL_ASSERT_EQ(rl_sb_layout(&sb, 32ull << 30, 1ull << 30), RL_DISK_OK);
	RL_EXPECT_EQ(sb.snap_blocks, 1ull << 18);
}

/*
 * Crafted geometry whose sums wrap: found by fuzz_disk.  A dev_blocks
 * whose sectors overflow u64 passed the device-size check, and a
 * snapshot area near 2^64 wrapped past the checks into the fixed blocks.
 */
RL_TEST(sb_geometry_overflow_refused)
{
	struct rl_sb sb, good;

	make_sb(&good);
	sb = good;
	sb.dev_blocks = 1ull << 61;	/* 2^64 sectors: wraps to 0 */
	sb.ring_blocks = sb.dev_blocks - sb.ring_off;
	RL_EXPECT_EQ(rl_sb_check_geometry(&sb), RL_DISK_EFIELD);
	sb.dev_blocks = RL_DISK_MAX_BLOCKS;	/* the largest is fine */
	sb.ring_blocks = sb.dev_blocks - sb.ring_off;
	RL_EXPECT_EQ(rl_sb_check_geometry(&sb), RL_DISK_OK);
	sb = good;
	sb.snap_off[0] = ~0ull - 10;	/* + snap_blocks wraps to ~2037 */
	sb.snap_off[1] = sb.snap_off[0] + sb.snap_blocks;
	sb.ring_off = sb.snap_off[1] + sb.snap_blocks;
	sb.ring_blocks = sb.dev_blocks - sb.ring_off;
	RL_EXPECT_EQ(rl_sb_check_geometry(&sb), RL_DISK_EFIELD);
}

RL_TEST(sb_roundtrip)
{
	static u8 blk[RAFTLOG_BLOCK_SIZE];
	struct rl_sb sb, out;

	make_sb(&sb);
	rl_sb_encode(&sb, blk);
	RL_ASSERT_EQ(rl_sb_decode(blk, sizeof(blk), &out), RL_DISK_OK);
	RL_EXPECT_MEMEQ(&sb, &out, sizeof(sb));
	for (size_t i = RAFTLOG_DISK_SB_SIZE; i < sizeof(blk); i++)
		if (blk[i])
			RL_FAIL("padding byte %zu not zero", i);
	RL_EXPECT_EQ(rl_sb_decode(blk, RAFTLOG_DISK_SB_SIZE - 1, &out),
		     RL_DISK_ESHORT);
}

RL_TEST(sb_every_bit_flip_detected)
{
	static u8 blk[RAFTLOG_BLOCK_SIZE];
	struct rl_sb sb, out;
	int missed = 0;

	make_sb(&sb);
	rl_sb_encode(&sb, blk);
	for (int bit = 0; bit < RAFTLOG_DISK_SB_SIZE * 8; bit++) {
		blk[bit / 8] ^= 1 << (bit % 8);
		if (rl_sb_decode(blk, sizeof(blk), &out) == RL_DISK_OK)
			missed++;
		blk[bit / 8] ^= 1 << (bit % 8);
	}
	RL_EXPECT_EQ(missed, 0);
	RL_EXPECT_EQ(rl_sb_decode(blk, sizeof(blk), &out), RL_DISK_OK);
}

RL_TEST(sb_bad_fields_refused)
{
	static u8 blk[RAFTLOG_BLOCK_SIZE];
	struct rl_sb sb, out;

	make_sb(&sb);
	rl_sb_encode(&sb, blk);
	memset(blk, 0, 8);
	RL_EXPECT_EQ(rl_sb_decode(blk, sizeof(blk), &out), RL_DISK_EMAGIC);

	sb.version = RAFTLOG_DISK_VERSION + 1;
	rl_sb_encode(&sb, blk);
	RL_EXPECT_EQ(rl_sb_decode(blk, sizeof(blk), &out), RL_DISK_EVERSION);

	make_sb(&sb);
	sb.ring_blocks++;		/* runs past the device */
	rl_sb_encode(&sb, blk);
	RL_EXPECT_EQ(rl_sb_decode(blk, sizeof(blk), &out), RL_DISK_EFIELD);

	make_sb(&sb);
	sb.snap_off[1] = sb.snap_off[0] + 1;	/* overlaps area 0 */
	rl_sb_encode(&sb, blk);
	RL_EXPECT_EQ(rl_sb_decode(blk, sizeof(blk), &out), RL_DISK_EFIELD);

	make_sb(&sb);
	sb.ring_off = ~0ull - 10;	/* offset + size overflows */
	rl_sb_encode(&sb, blk);
	RL_EXPECT_EQ(rl_sb_decode(blk, sizeof(blk), &out), RL_DISK_EFIELD);

	make_sb(&sb);
	sb.block_size = 512;
	rl_sb_encode(&sb, blk);
	RL_EXPECT_EQ(rl_sb_decode(blk, sizeof(blk), &out), RL_DISK_EFIELD);
}

static void make_meta(struct rl_meta *m, u64 seq)
{
	rl_meta_init(m);
	m->seq = seq;
	m->term = 5;
	m->vote = 2;
	m->commit = 40;
	m->first_index = 31;
	m->head_off = 100;
	m->head_seq = 9;
	m->epoch = 3;
	m->trunc_index = 45;
	m->snap_index = 30;
	m->snap_term = 4;
	m->snap_slot = 1;
}

RL_TEST(meta_roundtrip_and_slots)
{
	static u8 blk[RAFTLOG_BLOCK_SIZE];
	struct rl_sb sb;
	struct rl_meta m, out;

	make_sb(&sb);
	make_meta(&m, 8);
	rl_meta_encode(&m, sb.uuid, blk);
	RL_ASSERT_EQ(rl_meta_decode(blk, sizeof(blk), &sb, 0, &out), RL_DISK_OK);
	RL_EXPECT_MEMEQ(&m, &out, sizeof(m));
	/* a block read from the slot its seq does not belong to is stale/misplaced */
	RL_EXPECT_EQ(rl_meta_decode(blk, sizeof(blk), &sb, 1, &out), RL_DISK_EFIELD);
	/* another format instance */
	memcpy(sb.uuid, uuid_b, 16);
	RL_EXPECT_EQ(rl_meta_decode(blk, sizeof(blk), &sb, 0, &out), RL_DISK_EUUID);
	make_sb(&sb);

	rl_meta_init(&m);
	rl_meta_encode(&m, sb.uuid, blk);
	RL_ASSERT_EQ(rl_meta_decode(blk, sizeof(blk), &sb, 1, &out), RL_DISK_OK);
	RL_EXPECT_EQ(out.first_index, 1);
	RL_EXPECT_EQ(out.snap_slot, RAFTLOG_SNAP_NONE);
}

RL_TEST(meta_every_bit_flip_detected)
{
	static u8 blk[RAFTLOG_BLOCK_SIZE];
	struct rl_sb sb;
	struct rl_meta m, out;
	int missed = 0;

	make_sb(&sb);
	make_meta(&m, 8);
	rl_meta_encode(&m, sb.uuid, blk);
	for (int bit = 0; bit < RAFTLOG_DISK_META_SIZE * 8; bit++) {
		blk[bit / 8] ^= 1 << (bit % 8);
		if (rl_meta_decode(blk, sizeof(blk), &sb, 0, &out) == RL_DISK_OK)
			missed++;
		blk[bit / 8] ^= 1 << (bit % 8);
	}
	RL_EXPECT_EQ(missed, 0);
}

RL_TEST(meta_bad_fields_refused)
{
	static u8 blk[RAFTLOG_BLOCK_SIZE];
	struct rl_sb sb;
	struct rl_meta m, out;

	make_sb(&sb);
	make_meta(&m, 8);
	m.head_off = sb.ring_blocks;
	rl_meta_encode(&m, sb.uuid, blk);
	RL_EXPECT_EQ(rl_meta_decode(blk, sizeof(blk), &sb, 0, &out), RL_DISK_EFIELD);
	make_meta(&m, 8);
	m.snap_slot = 2;
	rl_meta_encode(&m, sb.uuid, blk);
	RL_EXPECT_EQ(rl_meta_decode(blk, sizeof(blk), &sb, 0, &out), RL_DISK_EFIELD);
	make_meta(&m, 8);
	m.first_index = m.snap_index + 2;	/* compacted past the snapshot */
	rl_meta_encode(&m, sb.uuid, blk);
	RL_EXPECT_EQ(rl_meta_decode(blk, sizeof(blk), &sb, 0, &out), RL_DISK_EFIELD);
	make_meta(&m, 8);
	m.first_index = 0;
	rl_meta_encode(&m, sb.uuid, blk);
	RL_EXPECT_EQ(rl_meta_decode(blk, sizeof(blk), &sb, 0, &out), RL_DISK_EFIELD);
	make_meta(&m, 8);
	m.snap_slot = RAFTLOG_SNAP_NONE;	/* no snapshot but an index */
	rl_meta_encode(&m, sb.uuid, blk);
	RL_EXPECT_EQ(rl_meta_decode(blk, sizeof(blk), &sb, 0, &out), RL_DISK_EFIELD);
	make_meta(&m, 8);
	m.snap_index = m.first_index + 5;	/* snapshot ahead of the log: fine */
	rl_meta_encode(&m, sb.uuid, blk);
	RL_EXPECT_EQ(rl_meta_decode(blk, sizeof(blk), &sb, 0, &out), RL_DISK_OK);
	make_meta(&m, 8);
	m.snap_slot = RAFTLOG_SNAP_NONE;	/* compacted without a snapshot */
	m.snap_index = 0;
	m.snap_term = 0;
	rl_meta_encode(&m, sb.uuid, blk);
	RL_EXPECT_EQ(rl_meta_decode(blk, sizeof(blk), &sb, 0, &out), RL_DISK_EFIELD);
}

RL_TEST(meta_pick_newer_valid)
{
	struct rl_meta a, b;

	make_meta(&a, 8);
	make_meta(&b, 9);
	RL_EXPECT_EQ(rl_meta_pick(0, &a, 0, &b), 1);
	RL_EXPECT_EQ(rl_meta_pick(0, &b, 0, &a), 0);
	RL_EXPECT_EQ(rl_meta_pick(RL_DISK_ECRC, &a, 0, &b), 1);
	RL_EXPECT_EQ(rl_meta_pick(0, &a, RL_DISK_ECRC, &b), 0);
	RL_EXPECT_EQ(rl_meta_pick(RL_DISK_EMAGIC, &a, RL_DISK_ECRC, &b), -1);
}

/* A record of @n entries starting at @first, entry i has i*37 % 300 bytes. */
static u8 recbuf[RAFTLOG_REC_MAX_BLOCKS * RAFTLOG_BLOCK_SIZE];

static int make_rec(struct rl_rec *r, u64 seq, u64 epoch, u64 first, u32 n)
{
	static struct rl_entry ents[64];	/* too large for a kernel stack */
	u8 *p = recbuf + rl_rec_data_off(n);

	memset(r, 0, sizeof(*r));
	r->seq = seq;
	r->epoch = epoch;
	r->first_index = first;
	r->count = n;
	for (u32 i = 0; i < n; i++) {
		ents[i].term = 2 + i / 4;
		ents[i].len = (i * 37) % 300;
		ents[i].type = i % 3;
		for (u32 k = 0; k < ents[i].len; k++)
			*p++ = (u8)(first + i + k);
	}
	return rl_rec_encode(r, ents, uuid_a, recbuf, sizeof(recbuf));
}

RL_TEST(rec_roundtrip)
{
	struct rl_rec r, out;
	struct rl_entry e;
	size_t off;

	RL_ASSERT_EQ(make_rec(&r, 12, 2, 100, 20), RL_DISK_OK);
	RL_EXPECT_EQ(r.blocks, rl_rec_blocks(20, r.data_len));
	RL_ASSERT_EQ(rl_rec_decode_hdr(recbuf, sizeof(recbuf), uuid_a, &out), RL_DISK_OK);
	RL_EXPECT_MEMEQ(&r, &out, sizeof(r));
	RL_ASSERT_EQ(rl_rec_check_body(recbuf, r.blocks * RAFTLOG_BLOCK_SIZE, &out),
		     RL_DISK_OK);
	off = rl_rec_data_off(20);
	for (u32 i = 0; i < 20; i++) {
		rl_rec_get_ent(recbuf, i, &e);
		RL_EXPECT_EQ(e.term, 2 + i / 4);
		RL_EXPECT_EQ(e.len, (i * 37) % 300);
		RL_EXPECT_EQ(e.type, i % 3);
		if (e.len)
			RL_EXPECT_EQ(recbuf[off], (u8)(100 + i));
		off += e.len;
	}
	/* padding to the block boundary is zero */
	for (; off < r.blocks * RAFTLOG_BLOCK_SIZE; off++)
		if (recbuf[off])
			RL_FAIL("pad byte %zu not zero", off);
	RL_EXPECT_EQ(rl_rec_decode_hdr(recbuf, sizeof(recbuf), uuid_b, &out),
		     RL_DISK_EUUID);
}

RL_TEST(rec_encode_refuses_bad_input)
{
	struct rl_rec r;
	struct rl_entry ents[2] = { { .term = 3, .len = 1 },
				     { .term = 2, .len = 1 } };

	memset(&r, 0, sizeof(r));
	r.seq = 1;
	r.epoch = 1;
	r.first_index = 1;
	r.count = 2;
	/* terms must not go down */
	RL_EXPECT_EQ(rl_rec_encode(&r, ents, uuid_a, recbuf, sizeof(recbuf)),
		     RL_DISK_EFIELD);
	ents[1].term = 3;
	ents[1].type = RAFTLOG_ENTRY_TYPE_MAX + 1;
	RL_EXPECT_EQ(rl_rec_encode(&r, ents, uuid_a, recbuf, sizeof(recbuf)),
		     RL_DISK_EFIELD);
	ents[1].type = 0;
	RL_EXPECT_EQ(rl_rec_encode(&r, ents, uuid_a, recbuf, 100), RL_DISK_ESHORT);
	/* more data than one record may hold */
	ents[1].len = RAFTLOG_REC_MAX_BLOCKS * RAFTLOG_BLOCK_SIZE;
	RL_EXPECT_EQ(rl_rec_encode(&r, ents, uuid_a, recbuf, sizeof(recbuf)),
		     RL_DISK_EFIELD);
	ents[1].len = 1;
	r.count = 0;
	RL_EXPECT_EQ(rl_rec_encode(&r, ents, uuid_a, recbuf, sizeof(recbuf)),
		     RL_DISK_EFIELD);
	r.count = RAFTLOG_REC_MAX_ENTRIES + 1;
	RL_EXPECT_EQ(rl_rec_encode(&r, ents, uuid_a, recbuf, sizeof(recbuf)),
		     RL_DISK_EFIELD);
}

/* decode header + body of recbuf; 0 only if both pass */
static int rec_verify(size_t len)
{
	struct rl_rec out;
	int err = rl_rec_decode_hdr(recbuf, len, uuid_a, &out);

	if (err)
		return err;
	return rl_rec_check_body(recbuf, len, &out);
}

RL_TEST(rec_every_bit_flip_detected)
{
	struct rl_rec r;
	size_t len;
	int missed = 0;

	RL_ASSERT_EQ(make_rec(&r, 12, 2, 100, 9), RL_DISK_OK);
	len = rl_rec_data_off(9) + r.data_len;
	for (size_t bit = 0; bit < len * 8; bit++) {
		recbuf[bit / 8] ^= 1 << (bit % 8);
		if (rec_verify(r.blocks * RAFTLOG_BLOCK_SIZE) == RL_DISK_OK)
			missed++;
		recbuf[bit / 8] ^= 1 << (bit % 8);
	}
	RL_EXPECT_EQ(missed, 0);
	RL_EXPECT_EQ(rec_verify(r.blocks * RAFTLOG_BLOCK_SIZE), RL_DISK_OK);
	/* a flip in the payload is reported as a body error, not a header one */
	recbuf[len - 1] ^= 0x10;
	RL_EXPECT_EQ(rec_verify(r.blocks * RAFTLOG_BLOCK_SIZE), RL_DISK_EBODY);
}

RL_TEST(rec_torn_write_detected)
{
	struct rl_rec r;

	RL_ASSERT_EQ(make_rec(&r, 12, 2, 100, 60), RL_DISK_OK);
	RL_ASSERT(r.blocks >= 2);
	/* the last block never reached the disk: it holds old zeros */
	memset(recbuf + (r.blocks - 1) * RAFTLOG_BLOCK_SIZE, 0, RAFTLOG_BLOCK_SIZE);
	RL_EXPECT_EQ(rec_verify(r.blocks * RAFTLOG_BLOCK_SIZE), RL_DISK_EBODY);
	/* the caller read fewer bytes than the header claims */
	RL_ASSERT_EQ(make_rec(&r, 12, 2, 100, 60), RL_DISK_OK);
	RL_EXPECT_EQ(rec_verify(rl_rec_data_off(60) + r.data_len - 1), RL_DISK_ESHORT);
	/* only the first 512-byte sector made it; the rest is an older record */
	RL_ASSERT_EQ(make_rec(&r, 12, 2, 100, 60), RL_DISK_OK);
	memset(recbuf + 512, 0xa5, r.blocks * RAFTLOG_BLOCK_SIZE - 512);
	RL_EXPECT_EQ(rec_verify(r.blocks * RAFTLOG_BLOCK_SIZE), RL_DISK_EBODY);
}

RL_TEST(rec_bad_lengths_detected)
{
	struct rl_rec r;
	u8 *e1 = recbuf + RAFTLOG_DISK_REC_SIZE + RAFTLOG_DISK_ENT_SIZE;
	size_t boff = RAFTLOG_DISK_REC_SIZE;

	/* header fields inconsistent with each other, checksum made valid */
	RL_ASSERT_EQ(make_rec(&r, 12, 2, 100, 8), RL_DISK_OK);
	rl_put_le32(recbuf + offsetof(struct raftlog_disk_rec, blocks), r.blocks + 1);
	reseal(recbuf, RAFTLOG_DISK_REC_SIZE, offsetof(struct raftlog_disk_rec, crc));
	RL_EXPECT_EQ(rec_verify(sizeof(recbuf)), RL_DISK_EFIELD);

	RL_ASSERT_EQ(make_rec(&r, 12, 2, 100, 8), RL_DISK_OK);
	rl_put_le32(recbuf + offsetof(struct raftlog_disk_rec, count),
		    RAFTLOG_REC_MAX_ENTRIES + 1);
	reseal(recbuf, RAFTLOG_DISK_REC_SIZE, offsetof(struct raftlog_disk_rec, crc));
	RL_EXPECT_EQ(rec_verify(sizeof(recbuf)), RL_DISK_EFIELD);

	RL_ASSERT_EQ(make_rec(&r, 12, 2, 100, 8), RL_DISK_OK);
	rl_put_le64(recbuf + offsetof(struct raftlog_disk_rec, first_index), ~0ull - 2);
	reseal(recbuf, RAFTLOG_DISK_REC_SIZE, offsetof(struct raftlog_disk_rec, crc));
	RL_EXPECT_EQ(rec_verify(sizeof(recbuf)), RL_DISK_EFIELD);

	/* entry lengths that do not add up to data_len, body crc made valid */
	RL_ASSERT_EQ(make_rec(&r, 12, 2, 100, 8), RL_DISK_OK);
	rl_put_le32(e1 + 8, rl_get_le32(e1 + 8) + 1);
	r.body_crc = rl_crc32c(0, recbuf + boff, rl_rec_data_off(8) - boff + r.data_len);
	rl_put_le32(recbuf + offsetof(struct raftlog_disk_rec, body_crc), r.body_crc);
	reseal(recbuf, RAFTLOG_DISK_REC_SIZE, offsetof(struct raftlog_disk_rec, crc));
	RL_EXPECT_EQ(rec_verify(sizeof(recbuf)), RL_DISK_EFIELD);

	/* a term going down inside the record, body crc made valid */
	RL_ASSERT_EQ(make_rec(&r, 12, 2, 100, 8), RL_DISK_OK);
	rl_put_le64(e1, 1);
	rl_put_le64(recbuf + RAFTLOG_DISK_REC_SIZE, 5);
	r.body_crc = rl_crc32c(0, recbuf + boff, rl_rec_data_off(8) - boff + r.data_len);
	rl_put_le32(recbuf + offsetof(struct raftlog_disk_rec, body_crc), r.body_crc);
	reseal(recbuf, RAFTLOG_DISK_REC_SIZE, offsetof(struct raftlog_disk_rec, crc));
	RL_EXPECT_EQ(rec_verify(sizeof(recbuf)), RL_DISK_EFIELD);

	/* unknown flag bits */
	RL_ASSERT_EQ(make_rec(&r, 12, 2, 100, 8), RL_DISK_OK);
	rl_put_le16(recbuf + offsetof(struct raftlog_disk_rec, flags), 0x8000);
	reseal(recbuf, RAFTLOG_DISK_REC_SIZE, offsetof(struct raftlog_disk_rec, crc));
	RL_EXPECT_EQ(rec_verify(sizeof(recbuf)), RL_DISK_EFIELD);
}

RL_TEST(snapblob_roundtrip_and_refusals)
{
	u8 blob[RAFTLOG_DISK_SNAPBLOB_SIZE + 16];
	struct rl_snapblob b = { RAFTLOG_SNAPBLOB_VERSION, 5, 16, 10, 3 };
	const u8 *addrs;
	u32 alen;

	memset(blob, 0xab, sizeof(blob));
	rl_snapblob_encode_hdr(&b, blob);
	RL_EXPECT_EQ(rl_get_le32(blob), RAFTLOG_SNAPBLOB_MAGIC);
	RL_ASSERT_EQ(rl_snapblob_decode(blob, sizeof(blob), 5, 10, 3, &addrs,
					&alen), RL_DISK_OK);
	RL_EXPECT_EQ(addrs == blob + RAFTLOG_DISK_SNAPBLOB_SIZE, 1);
	RL_EXPECT_EQ(alen, 16);
	/* the blob must be exactly header + section */
	RL_EXPECT_EQ(rl_snapblob_decode(blob, sizeof(blob) - 1, 5, 10, 3,
					&addrs, &alen), RL_DISK_ESHORT);
	RL_EXPECT_EQ(addrs == NULL && alen == 0, 1);
	RL_EXPECT_EQ(rl_snapblob_decode(blob, RAFTLOG_DISK_SNAPBLOB_SIZE - 1,
					5, 10, 3, &addrs, &alen),
		     RL_DISK_ESHORT);
	RL_EXPECT_EQ(rl_snapblob_decode(NULL, 0, 5, 10, 3, &addrs, &alen),
		     RL_DISK_ESHORT);
	/* it must describe the snapshot it came with */
	RL_EXPECT_EQ(rl_snapblob_decode(blob, sizeof(blob), 6, 10, 3, &addrs,
					&alen), RL_DISK_EFIELD);
	RL_EXPECT_EQ(rl_snapblob_decode(blob, sizeof(blob), 5, 11, 3, &addrs,
					&alen), RL_DISK_EFIELD);
	RL_EXPECT_EQ(rl_snapblob_decode(blob, sizeof(blob), 5, 10, 4, &addrs,
					&alen), RL_DISK_EFIELD);
	/* magic and version */
	blob[0] ^= 1;
	RL_EXPECT_EQ(rl_snapblob_decode(blob, sizeof(blob), 5, 10, 3, &addrs,
					&alen), RL_DISK_EMAGIC);
	b.version = RAFTLOG_SNAPBLOB_VERSION_APP + 1;
	rl_snapblob_encode_hdr(&b, blob);
	RL_EXPECT_EQ(rl_snapblob_decode(blob, sizeof(blob), 5, 10, 3, &addrs,
					&alen), RL_DISK_EVERSION);
	/* a section larger than any configuration's */
	b.version = RAFTLOG_SNAPBLOB_VERSION;
	b.addrs_len = RAFTLOG_SNAPBLOB_ADDRS_MAX + 1;
	rl_snapblob_encode_hdr(&b, blob);
	RL_EXPECT_EQ(rl_snapblob_decode(blob, sizeof(blob), 5, 10, 3, &addrs,
					&alen), RL_DISK_EFIELD);
	/* version 1: the header alone, no section */
	b.version = RAFTLOG_SNAPBLOB_VERSION_NOADDR;
	b.addrs_len = 0;
	rl_snapblob_encode_hdr(&b, blob);
	RL_EXPECT_EQ(rl_snapblob_decode(blob, RAFTLOG_DISK_SNAPBLOB_SIZE, 5, 10,
					3, &addrs, &alen), RL_DISK_OK);
	RL_EXPECT_EQ(addrs == NULL && alen == 0, 1);
	RL_EXPECT_EQ(rl_snapblob_decode(blob, sizeof(blob), 5, 10, 3, &addrs,
					&alen), RL_DISK_ESHORT);
	b.addrs_len = 16;
	rl_snapblob_encode_hdr(&b, blob);
	RL_EXPECT_EQ(rl_snapblob_decode(blob, sizeof(blob), 5, 10, 3, &addrs,
					&alen), RL_DISK_EFIELD);
}

/* A version 3 blob: header, 8 bytes of addresses, the application's 40. */
#define APP_BLOB_LEN	(RAFTLOG_DISK_SNAPBLOB_SIZE + 8 + \
			 RAFTLOG_DISK_SNAPBLOB_APP_SIZE + 40)

static void make_app_blob(u8 *blob, u32 addrs_len, u64 app_len)
{
	struct rl_snapblob b = { RAFTLOG_SNAPBLOB_VERSION_APP, 5, addrs_len,
				 10, 3 };
	u8 *app = blob + RAFTLOG_DISK_SNAPBLOB_SIZE + addrs_len +
		  RAFTLOG_DISK_SNAPBLOB_APP_SIZE;
	u64 i;

	memset(blob, 0x5a, RAFTLOG_DISK_SNAPBLOB_SIZE + addrs_len);
	rl_snapblob_encode_hdr(&b, blob);
	for (i = 0; i < app_len; i++)
		app[i] = (u8)(i * 7 + 1);
	rl_snapblob_encode_app(app - RAFTLOG_DISK_SNAPBLOB_APP_SIZE, app,
			       app_len);
}

static int app_decode(const u8 *blob, u64 len, const u8 **app, u64 *app_len,
		      const u8 **addrs, u32 *alen)
{
	return rl_snapblob_decode_app(blob, len, 5, 10, 3, addrs, alen, app,
				      app_len);
}

RL_TEST(snapblob_app_section)
{
	u8 blob[APP_BLOB_LEN];
	u8 *sec = blob + RAFTLOG_DISK_SNAPBLOB_SIZE + 8;
	const u8 *app, *addrs;
	u64 app_len;
	u32 alen;

	make_app_blob(blob, 8, 40);
	RL_ASSERT_EQ(app_decode(blob, sizeof(blob), &app, &app_len, &addrs,
				&alen), RL_DISK_OK);
	RL_EXPECT_EQ(app == sec + RAFTLOG_DISK_SNAPBLOB_APP_SIZE, 1);
	RL_EXPECT_EQ(app_len, 40);
	RL_EXPECT_EQ(addrs == blob + RAFTLOG_DISK_SNAPBLOB_SIZE, 1);
	RL_EXPECT_EQ(alen, 8);
	RL_EXPECT_EQ(rl_get_le32(sec), RAFTLOG_SNAPBLOB_APP_MAGIC);
	/* the plain decoder takes it too (its addresses are what it uses) */
	RL_EXPECT_EQ(rl_snapblob_decode(blob, sizeof(blob), 5, 10, 3, &addrs,
					&alen), RL_DISK_OK);
	/* version 2 and 1 blobs have no application section */
	make_app_blob(blob, 8, 40);
	rl_put_le32(blob + offsetof(struct raftlog_disk_snapblob, version),
		    RAFTLOG_SNAPBLOB_VERSION);
	RL_EXPECT_EQ(app_decode(blob, RAFTLOG_DISK_SNAPBLOB_SIZE + 8, &app,
				&app_len, &addrs, &alen), RL_DISK_OK);
	RL_EXPECT_EQ(app == NULL && app_len == 0 && alen == 8, 1);
	/* no address section: addrs_len 0 */
	make_app_blob(blob, 0, 40);
	RL_ASSERT_EQ(app_decode(blob, sizeof(blob) - 8, &app, &app_len, &addrs,
				&alen), RL_DISK_OK);
	RL_EXPECT_EQ(addrs == NULL && alen == 0 && app_len == 40, 1);
	/* empty state: a section of length 0 is a snapshot still */
	make_app_blob(blob, 8, 0);
	RL_ASSERT_EQ(app_decode(blob, sizeof(blob) - 40, &app, &app_len,
				&addrs, &alen), RL_DISK_OK);
	RL_EXPECT_EQ(app != NULL && app_len == 0, 1);

	/* refusals: nothing is handed out */
	make_app_blob(blob, 8, 40);
	/* a missing or cut section, a byte too many */
	RL_EXPECT_EQ(app_decode(blob, RAFTLOG_DISK_SNAPBLOB_SIZE + 8, &app,
				&app_len, &addrs, &alen), RL_DISK_ESHORT);
	RL_EXPECT_EQ(app == NULL && addrs == NULL && alen == 0, 1);
	RL_EXPECT_EQ(app_decode(blob, sizeof(blob) - 1, &app, &app_len, &addrs,
				&alen), RL_DISK_ESHORT);
	RL_EXPECT_EQ(app_decode(blob, sizeof(blob) - 41, &app, &app_len,
				&addrs, &alen), RL_DISK_ESHORT);
	/* addrs_len pointing past the end */
	rl_put_le32(blob + offsetof(struct raftlog_disk_snapblob, addrs_len),
		    sizeof(blob));
	RL_EXPECT_EQ(app_decode(blob, sizeof(blob), &app, &app_len, &addrs,
				&alen), RL_DISK_ESHORT);
	/* a length beyond the bound, or one that wraps the sum */
	make_app_blob(blob, 8, 40);
	rl_put_le64(sec + 8, RAFTLOG_SNAPBLOB_APP_MAX + 1ULL);
	RL_EXPECT_EQ(app_decode(blob, sizeof(blob), &app, &app_len, &addrs,
				&alen), RL_DISK_EFIELD);
	rl_put_le64(sec + 8, ~0ULL - 8);
	RL_EXPECT_EQ(app_decode(blob, sizeof(blob), &app, &app_len, &addrs,
				&alen), RL_DISK_EFIELD);
	rl_put_le64(sec + 8, 41);
	RL_EXPECT_EQ(app_decode(blob, sizeof(blob), &app, &app_len, &addrs,
				&alen), RL_DISK_ESHORT);
	/* magic */
	make_app_blob(blob, 8, 40);
	sec[0] ^= 1;
	RL_EXPECT_EQ(app_decode(blob, sizeof(blob), &app, &app_len, &addrs,
				&alen), RL_DISK_EMAGIC);
	/* a flipped bit of the state fails its checksum */
	make_app_blob(blob, 8, 40);
	blob[sizeof(blob) - 1] ^= 0x10;
	RL_EXPECT_EQ(app_decode(blob, sizeof(blob), &app, &app_len, &addrs,
				&alen), RL_DISK_EBODY);
	RL_EXPECT_EQ(app == NULL && app_len == 0, 1);
	RL_EXPECT_EQ(rl_snapblob_decode(blob, sizeof(blob), 5, 10, 3, &addrs,
					&alen), RL_DISK_EBODY);
}

RL_TEST(snap_header_roundtrip_and_damage)
{
	u8 hdr[RAFTLOG_DISK_SNAP_SIZE];
	struct rl_sb sb;
	struct rl_snap s = { 77, 6, 5000, 40, 0xdeadbeef }, out;
	int missed = 0;

	make_sb(&sb);
	rl_snap_encode_hdr(&s, sb.uuid, hdr);
	RL_ASSERT_EQ(rl_snap_decode_hdr(hdr, sizeof(hdr), &sb, &out), RL_DISK_OK);
	RL_EXPECT_MEMEQ(&s, &out, sizeof(s));
	for (int bit = 0; bit < RAFTLOG_DISK_SNAP_SIZE * 8; bit++) {
		hdr[bit / 8] ^= 1 << (bit % 8);
		if (rl_snap_decode_hdr(hdr, sizeof(hdr), &sb, &out) == RL_DISK_OK)
			missed++;
		hdr[bit / 8] ^= 1 << (bit % 8);
	}
	RL_EXPECT_EQ(missed, 0);
	/* more than the area holds */
	s.data_len = rl_snap_capacity(&sb) - s.conf_len + 1;
	rl_snap_encode_hdr(&s, sb.uuid, hdr);
	RL_EXPECT_EQ(rl_snap_decode_hdr(hdr, sizeof(hdr), &sb, &out), RL_DISK_EFIELD);
	s.data_len = rl_snap_capacity(&sb) - s.conf_len;
	rl_snap_encode_hdr(&s, sb.uuid, hdr);
	RL_EXPECT_EQ(rl_snap_decode_hdr(hdr, sizeof(hdr), &sb, &out), RL_DISK_OK);
	s.data_len = ~0ull;
	rl_snap_encode_hdr(&s, sb.uuid, hdr);
	RL_EXPECT_EQ(rl_snap_decode_hdr(hdr, sizeof(hdr), &sb, &out), RL_DISK_EFIELD);
	memcpy(sb.uuid, uuid_b, 16);
	s.data_len = 1;
	rl_snap_encode_hdr(&s, uuid_a, hdr);
	RL_EXPECT_EQ(rl_snap_decode_hdr(hdr, sizeof(hdr), &sb, &out), RL_DISK_EUUID);
}

static struct rl_rec srec(u64 seq, u64 epoch, u64 first, u32 count)
{
	struct rl_rec r;

	memset(&r, 0, sizeof(r));
	r.seq = seq;
	r.epoch = epoch;
	r.first_index = first;
	r.count = count;
	return r;
}

static void scan_meta(struct rl_meta *m, u64 first, u64 head_seq, u64 epoch,
		      u64 trunc)
{
	rl_meta_init(m);
	m->first_index = first;
	m->head_seq = head_seq;
	m->epoch = epoch;
	m->trunc_index = trunc;
}

RL_TEST(scan_contiguous_chain)
{
	int err;
	struct rl_meta m;
	struct rl_scan s;
	struct rl_rec r;

	scan_meta(&m, 1, 1, 1, 0);
	rl_scan_init(&s, &m);
	r = srec(1, 1, 1, 10);
	err = rl_scan_add(&s, &r);
	RL_EXPECT_EQ(err, 0);
	r = srec(2, 1, 11, 5);
	err = rl_scan_add(&s, &r);
	RL_EXPECT_EQ(err, 0);
	RL_EXPECT_EQ(s.cut, 10);
	/* sequence break: a stale record of an older lap */
	r = srec(1, 1, 16, 5);
	err = rl_scan_add(&s, &r);
	RL_EXPECT_EQ(err, RL_DISK_ESEQ);
	/* same epoch but a gap in indexes */
	r = srec(3, 1, 17, 5);
	err = rl_scan_add(&s, &r);
	RL_EXPECT_EQ(err, RL_DISK_EINDEX);
	/* same epoch, overlapping indexes: not a truncation */
	r = srec(3, 1, 12, 5);
	err = rl_scan_add(&s, &r);
	RL_EXPECT_EQ(err, RL_DISK_EINDEX);
	/* from the future: epoch above the metadata's */
	r = srec(3, 2, 16, 5);
	err = rl_scan_add(&s, &r);
	RL_EXPECT_EQ(err, RL_DISK_EEPOCH);
	RL_EXPECT_EQ(rl_scan_finish(&s), 15);
}

RL_TEST(scan_empty_log)
{
	int err;
	struct rl_meta m;
	struct rl_scan s;
	struct rl_rec r;

	scan_meta(&m, 51, 7, 2, 50);
	rl_scan_init(&s, &m);
	/* head record must contain first_index */
	r = srec(7, 2, 52, 3);
	err = rl_scan_add(&s, &r);
	RL_EXPECT_EQ(err, RL_DISK_EINDEX);
	RL_EXPECT_EQ(rl_scan_finish(&s), 50);
}

RL_TEST(scan_truncation_by_later_epoch)
{
	int err;
	struct rl_meta m;
	struct rl_scan s;
	struct rl_rec r;

	/* records 1..10, 11..20 (epoch 1); truncate to 15 (epoch 2);
	 * append 16..18 (epoch 2); truncate to 12 (epoch 3); append 13..14 */
	scan_meta(&m, 1, 1, 3, 12);
	rl_scan_init(&s, &m);
	r = srec(1, 1, 1, 10);
	err = rl_scan_add(&s, &r);
	RL_ASSERT_EQ(err, 0);
	r = srec(2, 1, 11, 10);
	err = rl_scan_add(&s, &r);
	RL_ASSERT_EQ(err, 0);
	r = srec(3, 2, 16, 3);
	err = rl_scan_add(&s, &r);
	RL_ASSERT_EQ(err, 0);
	RL_EXPECT_EQ(s.cut, 15);
	r = srec(4, 3, 13, 2);
	err = rl_scan_add(&s, &r);
	RL_ASSERT_EQ(err, 0);
	RL_EXPECT_EQ(s.cut, 12);
	/* a stale epoch-2 record after it is refused */
	r = srec(5, 2, 15, 1);
	err = rl_scan_add(&s, &r);
	RL_EXPECT_EQ(err, RL_DISK_EEPOCH);
	/* a later-epoch record may not leave a gap */
	scan_meta(&m, 1, 1, 3, 12);
	rl_scan_init(&s, &m);
	r = srec(1, 1, 1, 10);
	err = rl_scan_add(&s, &r);
	RL_ASSERT_EQ(err, 0);
	r = srec(2, 2, 12, 10);
	err = rl_scan_add(&s, &r);
	RL_EXPECT_EQ(err, RL_DISK_EINDEX);
	/* last record written in the current epoch: no cut at the end */
	scan_meta(&m, 1, 1, 3, 12);
	rl_scan_init(&s, &m);
	r = srec(1, 1, 1, 20);
	err = rl_scan_add(&s, &r);
	RL_ASSERT_EQ(err, 0);
	r = srec(2, 3, 13, 10);
	err = rl_scan_add(&s, &r);
	RL_ASSERT_EQ(err, 0);
	RL_EXPECT_EQ(rl_scan_finish(&s), 22);
}

RL_TEST(scan_metadata_truncation_applies)
{
	int err;
	struct rl_meta m;
	struct rl_scan s;
	struct rl_rec r;

	/* truncated to 12 with nothing appended since: the epoch-1 records
	 * still on disk hold 1..20, only 1..12 is the log */
	scan_meta(&m, 1, 1, 2, 12);
	rl_scan_init(&s, &m);
	r = srec(1, 1, 1, 10);
	err = rl_scan_add(&s, &r);
	RL_ASSERT_EQ(err, 0);
	r = srec(2, 1, 11, 10);
	err = rl_scan_add(&s, &r);
	RL_ASSERT_EQ(err, 0);
	RL_EXPECT_EQ(rl_scan_finish(&s), 12);

	/* log reset past everything (e.g. snapshot at 100): stale records
	 * at the head position count for nothing */
	scan_meta(&m, 101, 3, 2, 100);
	rl_scan_init(&s, &m);
	r = srec(3, 1, 21, 10);
	err = rl_scan_add(&s, &r);
	RL_ASSERT_EQ(err, 0);
	RL_EXPECT_EQ(rl_scan_finish(&s), 100);
}

/*
 * A blob received in chunks is checked from its first bytes (at most
 * RL_SNAPBLOB_PREFIX) and the checksum of its application's state
 * computed as the rest went by: the same answers as for the whole blob.
 */
RL_TEST(snapblob_checked_from_its_prefix)
{
	u64 big = RL_SNAPBLOB_PREFIX + 5000, len, i, off, alen64;
	u8 *blob = rl_big_alloc(big + RL_SNAPBLOB_PREFIX);
	const u8 *addrs;
	u32 alen, crc;

	RL_ASSERT(blob);
	/* a version 3 blob longer than its prefix: 8 bytes of addresses */
	len = RAFTLOG_DISK_SNAPBLOB_SIZE + 8 + RAFTLOG_DISK_SNAPBLOB_APP_SIZE +
	      big;
	make_app_blob(blob, 8, 0);
	for (i = 0; i < big; i++)
		blob[len - big + i] = (u8)(i * 13 + 5);
	crc = rl_crc32c(0, blob + len - big, big);
	rl_snapblob_encode_app_hdr(blob + len - big -
				   RAFTLOG_DISK_SNAPBLOB_APP_SIZE, crc, big);
	RL_EXPECT_EQ(rl_snapblob_app_off(blob, RAFTLOG_DISK_SNAPBLOB_SIZE),
		     len - big);
	RL_EXPECT_EQ(rl_snapblob_app_off(blob, RAFTLOG_DISK_SNAPBLOB_SIZE - 1),
		     0);
	RL_ASSERT_EQ(rl_snapblob_decode_part(blob, RL_SNAPBLOB_PREFIX, len, 5,
					     10, 3, crc, &addrs, &alen, &off,
					     &alen64), RL_DISK_OK);
	RL_EXPECT_EQ(off, len - big);
	RL_EXPECT_EQ(alen64, big);
	RL_EXPECT_EQ(addrs == blob + RAFTLOG_DISK_SNAPBLOB_SIZE && alen == 8,
		     1);
	/* the whole blob decodes the same */
	RL_EXPECT_EQ(app_decode(blob, len, &addrs, &alen64, &addrs, &alen),
		     RL_DISK_OK);
	/* a state that does not match its checksum, a length off by one */
	RL_EXPECT_EQ(rl_snapblob_decode_part(blob, RL_SNAPBLOB_PREFIX, len, 5,
					     10, 3, crc ^ 1, &addrs, &alen,
					     &off, &alen64), RL_DISK_EBODY);
	RL_EXPECT_EQ(off == 0 && alen64 == 0 && !addrs, 1);
	RL_EXPECT_EQ(rl_snapblob_decode_part(blob, RL_SNAPBLOB_PREFIX, len + 1,
					     5, 10, 3, crc, &addrs, &alen,
					     &off, &alen64), RL_DISK_ESHORT);
	/* another group, index or term; too short a prefix */
	RL_EXPECT_EQ(rl_snapblob_decode_part(blob, RL_SNAPBLOB_PREFIX, len, 6,
					     10, 3, crc, &addrs, &alen, &off,
					     &alen64), RL_DISK_EFIELD);
	RL_EXPECT_EQ(rl_snapblob_decode_part(blob, RL_SNAPBLOB_PREFIX, len, 5,
					     11, 3, crc, &addrs, &alen, &off,
					     &alen64), RL_DISK_EFIELD);
	RL_EXPECT_EQ(rl_snapblob_decode_part(blob, RL_SNAPBLOB_PREFIX - 1, len,
					     5, 10, 3, crc, &addrs, &alen,
					     &off, &alen64), RL_DISK_ESHORT);
	/* only a version 3 blob may be longer than a prefix */
	rl_put_le32(blob + offsetof(struct raftlog_disk_snapblob, version),
		    RAFTLOG_SNAPBLOB_VERSION);
	RL_EXPECT_EQ(rl_snapblob_decode_part(blob, RL_SNAPBLOB_PREFIX, len, 5,
					     10, 3, crc, &addrs, &alen, &off,
					     &alen64), RL_DISK_ESHORT);
	/* an address section beyond its bound */
	make_app_blob(blob, 8, 0);
	rl_put_le32(blob + offsetof(struct raftlog_disk_snapblob, addrs_len),
		    RAFTLOG_SNAPBLOB_ADDRS_MAX + 1);
	RL_EXPECT_EQ(rl_snapblob_app_off(blob, RL_SNAPBLOB_PREFIX), 0);
	RL_EXPECT_EQ(rl_snapblob_decode_part(blob, RL_SNAPBLOB_PREFIX, len, 5,
					     10, 3, crc, &addrs, &alen, &off,
					     &alen64), RL_DISK_EFIELD);
	/* a blob no longer than its prefix: the whole blob's checks */
	make_app_blob(blob, 8, 40);
	RL_EXPECT_EQ(rl_snapblob_decode_part(blob, APP_BLOB_LEN, APP_BLOB_LEN,
					     5, 10, 3, 0, &addrs, &alen, &off,
					     &alen64), RL_DISK_OK);
	RL_EXPECT_EQ(off == APP_BLOB_LEN - 40 && alen64 == 40, 1);
	blob[APP_BLOB_LEN - 1] ^= 1;
	RL_EXPECT_EQ(rl_snapblob_decode_part(blob, APP_BLOB_LEN, APP_BLOB_LEN,
					     5, 10, 3, 0, &addrs, &alen, &off,
					     &alen64), RL_DISK_EBODY);
	rl_big_free(blob);
}

RL_SUITE(disk,
	 RL_CASE(sb_layout_geometry),
	 RL_CASE(sb_layout_large_device_caps_snapshot_area),
	 RL_CASE(sb_geometry_overflow_refused),
	 RL_CASE(sb_roundtrip),
	 RL_CASE(sb_every_bit_flip_detected),
	 RL_CASE(sb_bad_fields_refused),
	 RL_CASE(meta_roundtrip_and_slots),
	 RL_CASE(meta_every_bit_flip_detected),
	 RL_CASE(meta_bad_fields_refused),
	 RL_CASE(meta_pick_newer_valid),
	 RL_CASE(rec_roundtrip),
	 RL_CASE(rec_encode_refuses_bad_input),
	 RL_CASE(rec_every_bit_flip_detected),
	 RL_CASE(rec_torn_write_detected),
	 RL_CASE(rec_bad_lengths_detected),
	 RL_CASE(snap_header_roundtrip_and_damage),
	 RL_CASE(snapblob_roundtrip_and_refusals),
	 RL_CASE(snapblob_app_section),
	 RL_CASE(snapblob_checked_from_its_prefix),
	 RL_CASE(scan_contiguous_chain),
	 RL_CASE(scan_empty_log),
	 RL_CASE(scan_truncation_by_later_epoch),
	 RL_CASE(scan_metadata_truncation_applies));
