// SPDX-License-Identifier: GPL-2.0
/*
 * Test helper: write a raftlog image file with the codec, as the kernel
 * would have left it, so raftctl inspect can be tested on the host.
 *
 *	test_mkimage FILE
 *
 * Image: 4 MiB; hard state term 3 vote 2 commit 40; a snapshot at index 5
 * (term 1) in area 0; records of 10 entries each holding indexes 1..50
 * (first live index 6).  Prints "key value" lines describing where things
 * are (byte offsets), for the test to damage them.
 */
#include <fcntl.h>
#include <unistd.h>
#include "disk.h"

#define SIZE	(4u << 20)
#define NREC	5

static u8 img[SIZE];

int main(int argc, char **argv)
{
	struct rl_sb sb;
	struct rl_meta m;
	struct rl_snap sn;
	u64 off = 0;
	int fd;

	if (argc != 2)
		return 2;
	memset(&sb, 0, sizeof(sb));
	for (int i = 0; i < 16; i++)
		sb.uuid[i] = 0x40 + i;
	sb.cluster_id = 42;
	sb.group_id = 1;
	sb.node_id = 2;
	if (rl_sb_layout(&sb, SIZE, 0))
		return 1;
	rl_sb_encode(&sb, img);

	/* snapshot: 7 bytes of configuration, 3000 bytes of data */
	{
		u8 *body = img + sb.snap_off[0] * RAFTLOG_BLOCK_SIZE + RAFTLOG_DISK_SNAP_SIZE;

		memcpy(body, "1,2,3;4", 7);
		for (int i = 0; i < 3000; i++)
			body[7 + i] = (u8)(i * 7);
		sn.index = 5;
		sn.term = 1;
		sn.conf_len = 7;
		sn.data_len = 3000;
		sn.body_crc = rl_crc32c(0, body, 3007);
		rl_snap_encode_hdr(&sn, sb.uuid, img + sb.snap_off[0] * RAFTLOG_BLOCK_SIZE);
		printf("snap0_body %llu\n",
		       (unsigned long long)(sb.snap_off[0] * RAFTLOG_BLOCK_SIZE + 100));
	}

	for (int k = 0; k < NREC; k++) {
		struct rl_rec r = { .seq = 1 + k, .epoch = 1, .first_index = 1 + 10 * k,
				    .count = 10 };
		struct rl_entry e[10];
		u8 *rec = img + (sb.ring_off + off) * RAFTLOG_BLOCK_SIZE;
		u8 *p = rec + rl_rec_data_off(10);

		for (int i = 0; i < 10; i++) {
			e[i].term = 1 + k / 2;
			e[i].type = RAFTLOG_ENTRY_NORMAL;
			e[i].len = 100 + 150 * i;
			memset(p, 'a' + i, e[i].len);
			p += e[i].len;
		}
		if (rl_rec_encode(&r, e, sb.uuid, rec, SIZE - (rec - img)))
			return 1;
		printf("rec%d %llu %u\n", k,
		       (unsigned long long)((sb.ring_off + off) * RAFTLOG_BLOCK_SIZE), r.blocks);
		off += r.blocks;
	}

	rl_meta_init(&m);
	m.seq = 2;
	m.term = 3;
	m.vote = 2;
	m.commit = 40;
	m.first_index = 6;
	m.snap_slot = 0;
	m.snap_index = 5;
	m.snap_term = 1;
	rl_meta_encode(&m, sb.uuid, img + (RAFTLOG_META_BLOCK + 0) * RAFTLOG_BLOCK_SIZE);
	/* the older slot: format's state */
	rl_meta_init(&m);
	rl_meta_encode(&m, sb.uuid, img + (RAFTLOG_META_BLOCK + 1) * RAFTLOG_BLOCK_SIZE);
	printf("meta0 %d\nmeta1 %d\n", RAFTLOG_META_BLOCK * RAFTLOG_BLOCK_SIZE,
	       (RAFTLOG_META_BLOCK + 1) * RAFTLOG_BLOCK_SIZE);

	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, img, SIZE) != SIZE || close(fd))
		return 1;
	return 0;
}
