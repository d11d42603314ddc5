// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpus of fuzz_disk (corpus/disk/) from valid
 * encodings, one file per structure, each behind the selector byte
 * fuzz_disk.c reads (the plain selector and the one that reseals
 * checksums): a superblock, a metadata block, records of one and of
 * several entries, a snapshot header, snapshot blobs of version 1 and 2,
 * and a run of record headers for the scan.  Run by `make corpus`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "port.h"
#include "disk.h"

enum { F_SB, F_META, F_REC, F_SNAP, F_BLOB, F_SCAN, F_N };

static const u8 uuid[16] = { 0x52, 0x4c, 1, 2, 3, 4, 5, 6,
			     7, 8, 9, 10, 11, 12, 13, 14 };
static const char *dir;

static void put(const char *name, int sel, const void *buf, size_t n)
{
	char path[256];
	int fix;

	for (fix = 0; fix < 2; fix++) {
		u8 s = sel + (fix ? F_N : 0);
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s%s", dir, name,
			 fix ? "-reseal" : "");
		f = fopen(path, "wb");
		if (!f || fwrite(&s, 1, 1, f) != 1 ||
		    fwrite(buf, 1, n, f) != n) {
			perror(path);
			exit(1);
		}
		fclose(f);
	}
}

static u8 blk[4 * RAFTLOG_BLOCK_SIZE];

static void rec(const char *name, u32 count)
{
	struct rl_entry ents[4];
	struct rl_rec r = { .seq = 7, .epoch = 1, .first_index = 10 };
	u32 i, off;

	memset(blk, 0, sizeof(blk));
	off = rl_rec_data_off(count);
	for (i = 0; i < count; i++) {
		ents[i].term = 2 + i / 2;
		ents[i].len = 5 + i;
		ents[i].type = RAFTLOG_ENTRY_NORMAL;
		memset(blk + off, 'a' + i, ents[i].len);
		off += ents[i].len;
	}
	r.count = count;
	if (rl_rec_encode(&r, ents, uuid, blk, sizeof(blk)))
		exit(1);
	put(name, F_REC, blk, (size_t)r.blocks * RAFTLOG_BLOCK_SIZE);
}

int main(int argc, char **argv)
{
	struct rl_snapblob sbl = { .group_id = 1, .index = 40, .term = 3 };
	struct rl_snap sn = { .index = 40, .term = 3, .data_len = 100 };
	struct rl_sb sb = { .version = RAFTLOG_DISK_VERSION,
			    .block_size = RAFTLOG_BLOCK_SIZE, .group_id = 1 };
	struct rl_meta m;
	u8 scan[3 * 36];
	int i;

	if (argc != 2)
		return 2;
	dir = argv[1];
	memcpy(sb.uuid, uuid, 16);
	if (rl_sb_layout(&sb, 64 << 20, 0))
		return 1;
	rl_sb_encode(&sb, blk);
	put("sb", F_SB, blk, RAFTLOG_BLOCK_SIZE);
	rl_meta_init(&m);
	rl_meta_encode(&m, uuid, blk);
	put("meta", F_META, blk, RAFTLOG_BLOCK_SIZE);
	rec("rec1", 1);
	rec("rec4", 4);
	memset(blk, 0, sizeof(blk));
	rl_snap_encode_hdr(&sn, uuid, blk);
	put("snap", F_SNAP, blk, RAFTLOG_DISK_SNAP_SIZE);
	sbl.version = RAFTLOG_SNAPBLOB_VERSION_NOADDR;
	rl_snapblob_encode_hdr(&sbl, blk);
	put("blob1", F_BLOB, blk, RAFTLOG_DISK_SNAPBLOB_SIZE);
	/* version 2: one member, node 2 at "10.0.0.2:7000" */
	sbl.version = RAFTLOG_SNAPBLOB_VERSION;
	sbl.addrs_len = 4 + 9 + 13;
	rl_snapblob_encode_hdr(&sbl, blk);
	memset(blk + RAFTLOG_DISK_SNAPBLOB_SIZE, 0, sbl.addrs_len);
	rl_put_le32(blk + RAFTLOG_DISK_SNAPBLOB_SIZE, 1);
	rl_put_le64(blk + RAFTLOG_DISK_SNAPBLOB_SIZE + 4, 2);
	blk[RAFTLOG_DISK_SNAPBLOB_SIZE + 12] = 13;
	memcpy(blk + RAFTLOG_DISK_SNAPBLOB_SIZE + 13, "10.0.0.2:7000", 13);
	put("blob2", F_BLOB, blk, RAFTLOG_DISK_SNAPBLOB_SIZE + sbl.addrs_len);
	/* version 3: that book, then 24 bytes of application state */
	sbl.version = RAFTLOG_SNAPBLOB_VERSION_APP;
	rl_snapblob_encode_hdr(&sbl, blk);
	{
		u8 *sec = blk + RAFTLOG_DISK_SNAPBLOB_SIZE + sbl.addrs_len;

		memcpy(sec + RAFTLOG_DISK_SNAPBLOB_APP_SIZE,
		       "application state here!", 24);
		rl_snapblob_encode_app(sec, sec + RAFTLOG_DISK_SNAPBLOB_APP_SIZE,
				       24);
		put("blob3", F_BLOB, blk, sec + RAFTLOG_DISK_SNAPBLOB_APP_SIZE +
		    24 - blk);
	}
	/* three records of 2 entries each, seq 1..3, in one epoch */
	for (i = 0; i < 3; i++) {
		rl_put_le64(scan + 36 * i, 1 + i);
		rl_put_le64(scan + 36 * i + 8, 1);
		rl_put_le64(scan + 36 * i + 16, 1 + 2 * i);
		rl_put_le32(scan + 36 * i + 24, 2);
		rl_put_le32(scan + 36 * i + 28, 1);
		rl_put_le32(scan + 36 * i + 32, 10);
	}
	put("scan", F_SCAN, scan, sizeof(scan));
	return 0;
}
