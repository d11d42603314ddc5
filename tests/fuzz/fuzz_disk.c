// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the on-disk decoders (kernel/disk.c), as recovery
 * runs them on a device image that may be damaged or crafted.  The first
 * input byte selects the structure and whether its checksums are
 * recomputed before decoding (so mutations reach the field checks
 * instead of stopping at the CRC); the rest is the bytes read from the
 * device.  What a decoder accepts must be safe to use as recovery uses
 * it: a superblock's areas lie inside its device and its size in
 * sectors does not overflow; a record's entries lie inside the record
 * and add up to its data length; a snapshot fits its area; a snapshot
 * blob's address section lies inside the blob.  ASan and UBSan catch
 * reads past what was read.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "port.h"
#include "disk.h"

enum { F_SB, F_META, F_REC, F_SNAP, F_BLOB, F_SCAN, F_N };

static const u8 uuid[16] = { 0x52, 0x4c, 1, 2, 3, 4, 5, 6,
			     7, 8, 9, 10, 11, 12, 13, 14 };

/* what rl_hdr_crc() computes: the crc field counts as zero */
static void reseal(u8 *b, size_t size, size_t crc_off)
{
	u32 crc;

	memset(b + crc_off, 0, 4);
	crc = rl_crc32c(0, b, size);
	rl_put_le32(b + crc_off, crc);
}

/* the geometry of a 64 MiB device as raftctl format lays it out */
static void good_sb(struct rl_sb *sb)
{
	memset(sb, 0, sizeof(*sb));
	sb->version = RAFTLOG_DISK_VERSION;
	sb->block_size = RAFTLOG_BLOCK_SIZE;
	memcpy(sb->uuid, uuid, 16);
	sb->group_id = 1;
	if (rl_sb_layout(sb, 64 << 20, 0))
		abort();
}

static void fuzz_sb(u8 *b, size_t n, int fix)
{
	struct rl_sb sb;
	u64 i;

	if (fix && n >= RAFTLOG_DISK_SB_SIZE)
		reseal(b, RAFTLOG_DISK_SB_SIZE,
		       offsetof(struct raftlog_disk_sb, crc));
	if (rl_sb_decode(b, n, &sb))
		return;
	/* recovery compares the device's sectors with dev_blocks * 8 */
	if (sb.dev_blocks > UINT64_MAX / (RAFTLOG_BLOCK_SIZE >> 9))
		abort();
	for (i = 0; i < RAFTLOG_SNAP_SLOTS; i++)
		if (sb.snap_off[i] + sb.snap_blocks > sb.dev_blocks ||
		    sb.snap_off[i] + sb.snap_blocks < sb.snap_off[i])
			abort();
	if (sb.ring_off + sb.ring_blocks > sb.dev_blocks || !sb.ring_blocks)
		abort();
	if (sb.snap_blocks * RAFTLOG_BLOCK_SIZE < RAFTLOG_DISK_SNAP_SIZE)
		abort();
}

static void fuzz_meta(u8 *b, size_t n, int fix)
{
	struct rl_meta m0, m1;
	struct rl_sb sb;
	int e0, e1;

	good_sb(&sb);
	if (fix && n >= RAFTLOG_DISK_META_SIZE)
		reseal(b, RAFTLOG_DISK_META_SIZE,
		       offsetof(struct raftlog_disk_meta, crc));
	e0 = rl_meta_decode(b, n, &sb, 0, &m0);
	e1 = rl_meta_decode(b, n, &sb, 1, &m1);
	if (!e0 && m0.head_off >= sb.ring_blocks)
		abort();
	if (!e1 && m1.head_off >= sb.ring_blocks)
		abort();
	(void)rl_meta_pick(e0, &m0, e1, &m1);
}

/* A record: reseal both checksums where the claimed sizes fit. */
static void fuzz_rec(u8 *b, size_t n, int fix)
{
	const size_t crc_off = offsetof(struct raftlog_disk_rec, crc);
	struct rl_entry e;
	struct rl_rec r;
	u64 sum = 0;
	u32 i;

	if (fix && n >= RAFTLOG_DISK_REC_SIZE) {
		u32 count = rl_get_le32(b + offsetof(struct raftlog_disk_rec,
						     count));
		u32 dlen = rl_get_le32(b + offsetof(struct raftlog_disk_rec,
						    data_len));
		u64 end = rl_rec_data_off(count) + (u64)dlen;

		if (end <= n)
			rl_put_le32(b + offsetof(struct raftlog_disk_rec,
						 body_crc),
				    rl_crc32c(0, b + RAFTLOG_DISK_REC_SIZE,
					      end - RAFTLOG_DISK_REC_SIZE));
		reseal(b, RAFTLOG_DISK_REC_SIZE, crc_off);
	}
	if (rl_rec_decode_hdr(b, n, uuid, &r))
		return;
	if (!r.count || r.count > RAFTLOG_REC_MAX_ENTRIES)
		abort();
	if (rl_rec_check_body(b, n, &r))
		return;
	if (rl_rec_data_off(r.count) + (u64)r.data_len > n ||
	    rl_rec_blocks(r.count, r.data_len) != r.blocks)
		abort();
	for (i = 0; i < r.count; i++) {
		rl_rec_get_ent(b, i, &e);
		if (!e.term)
			abort();
		sum += e.len;
	}
	if (sum != r.data_len)
		abort();
}

static void fuzz_snap(u8 *b, size_t n, int fix)
{
	struct rl_snap s;
	struct rl_sb sb;

	good_sb(&sb);
	if (fix && n >= RAFTLOG_DISK_SNAP_SIZE)
		reseal(b, RAFTLOG_DISK_SNAP_SIZE,
		       offsetof(struct raftlog_disk_snap, crc));
	if (rl_snap_decode_hdr(b, n, &sb, &s))
		return;
	if (s.conf_len + s.data_len > rl_snap_capacity(&sb) ||
	    s.conf_len + s.data_len < s.data_len)
		abort();
}

/*
 * A version 3 blob's application section, resealed: its checksum made
 * right for the bytes its length names, when they are there.
 */
static void reseal_app(u8 *b, size_t n)
{
	u64 off, len;

	if (rl_get_le32(b + offsetof(struct raftlog_disk_snapblob, version)) !=
	    RAFTLOG_SNAPBLOB_VERSION_APP)
		return;
	off = RAFTLOG_DISK_SNAPBLOB_SIZE +
	      (u64)rl_get_le32(b + offsetof(struct raftlog_disk_snapblob,
					    addrs_len));
	if (off > n || n - off < RAFTLOG_DISK_SNAPBLOB_APP_SIZE)
		return;
	len = rl_get_le64(b + off + 8);
	if (len > n - off - RAFTLOG_DISK_SNAPBLOB_APP_SIZE)
		return;
	rl_put_le32(b + off + 4,
		    rl_crc32c(0, b + off + RAFTLOG_DISK_SNAPBLOB_APP_SIZE, len));
}

/* A blob checked against the snapshot its own header names. */
static void fuzz_blob(u8 *b, size_t n, int fix)
{
	const u8 *addrs = NULL, *app = NULL;
	u32 alen = 0, group = 0;
	u64 index = 0, term = 0, app_len = 0;

	if (n >= RAFTLOG_DISK_SNAPBLOB_SIZE) {
		group = rl_get_le32(b + offsetof(struct raftlog_disk_snapblob,
						 group_id));
		index = rl_get_le64(b + offsetof(struct raftlog_disk_snapblob,
						 index));
		term = rl_get_le64(b + offsetof(struct raftlog_disk_snapblob,
						term));
	}
	if (fix && n >= RAFTLOG_DISK_SNAPBLOB_SIZE)
		reseal_app(b, n);
	if (rl_snapblob_decode_app(b, n, group, index, term, &addrs, &alen,
				   &app, &app_len))
		return;
	if (addrs && (addrs < b || addrs + alen > b + n))
		abort();
	if (!addrs && alen)
		abort();
	/* the state is the blob's last bytes, within the bound */
	if (app && (app < b || app_len > RAFTLOG_SNAPBLOB_APP_MAX ||
		    app + app_len != b + n))
		abort();
	if (!app && app_len)
		abort();
	if (addrs && app && addrs + alen > app)
		abort();
}

/*
 * The recovery scan over a run of record headers: whatever it accepts,
 * the durable end it returns is one it saw (or the empty log's).
 */
static void fuzz_scan(u8 *b, size_t n)
{
	u64 hi = 0, last;
	struct rl_meta m;
	struct rl_scan s;
	struct rl_rec r;
	size_t off;

	rl_meta_init(&m);
	rl_scan_init(&s, &m);
	for (off = 0; off + 36 <= n; off += 36) {
		memset(&r, 0, sizeof(r));
		r.seq = rl_get_le64(b + off);
		r.epoch = rl_get_le64(b + off + 8);
		r.first_index = rl_get_le64(b + off + 16);
		r.count = rl_get_le32(b + off + 24) % (RAFTLOG_REC_MAX_ENTRIES + 1);
		r.blocks = rl_get_le32(b + off + 28);
		r.data_len = rl_get_le32(b + off + 32);
		if (!r.count || rl_scan_add(&s, &r))
			break;
		if (r.first_index + r.count - 1 > hi)
			hi = r.first_index + r.count - 1;
	}
	last = rl_scan_finish(&s);
	if (last > hi && last != m.first_index - 1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t insize)
{
	u8 *b;
	size_t n;
	int sel;

	if (insize < 1)
		return 0;
	sel = in[0] % (2 * F_N);
	n = insize - 1;
	/* a copy of exactly what was read: ASan sees any read past it */
	b = malloc(n ? n : 1);
	if (!b)
		abort();
	memcpy(b, in + 1, n);
	switch (sel % F_N) {
	case F_SB:
		fuzz_sb(b, n, sel >= F_N);
		break;
	case F_META:
		fuzz_meta(b, n, sel >= F_N);
		break;
	case F_REC:
		fuzz_rec(b, n, sel >= F_N);
		break;
	case F_SNAP:
		fuzz_snap(b, n, sel >= F_N);
		break;
	case F_BLOB:
		fuzz_blob(b, n, sel >= F_N);
		break;
	default:
		fuzz_scan(b, n);
		break;
	}
	free(b);
	return 0;
}
