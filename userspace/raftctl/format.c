// SPDX-License-Identifier: GPL-2.0
/*
 * raftctl format DEV --cluster-id ID --group N --node ID
 *		[--snapshot-size BYTES] [--force]
 *
 * Lays out a fresh raftlog device: superblock, metadata (seq 1, in slot 1)
 * with an empty log starting at index 1, slot 0, both snapshot headers and
 * the first ring block zeroed.  Refuses a device that holds a raftlog
 * superblock or any other data in its first 64 KiB unless --force.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include "disk.h"
#include "raftctl.h"

#define PROBE_BYTES	(64 * 1024)

static int write_block(int fd, const void *blk, uint64_t block, const char *what)
{
	int err = rc_pwrite(fd, blk, RAFTLOG_BLOCK_SIZE, block * RAFTLOG_BLOCK_SIZE);

	if (err)
		rc_err("writing %s: %s", what, strerror(-err));
	return err;
}

int cmd_format(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cluster-id", required_argument, NULL, 'c' },
		{ "group", required_argument, NULL, 'g' },
		{ "node", required_argument, NULL, 'n' },
		{ "snapshot-size", required_argument, NULL, 's' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static unsigned char probe[PROBE_BYTES], blk[RAFTLOG_BLOCK_SIZE];
	uint64_t cluster = 0, group = 0, node = 0, snap = 0, size;
	bool have_c = false, have_g = false, have_n = false, force = false;
	struct rl_sb sb, old;
	struct rl_meta m;
	const char *dev;
	size_t probe_len;
	int fd, opt, err, rc = RC_USAGE;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "fh", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			if (rc_parse_u64(optarg, &cluster, false))
				goto bad;
			have_c = true;
			break;
		case 'g':
			if (rc_parse_u64(optarg, &group, false) || group > UINT32_MAX)
				goto bad;
			have_g = true;
			break;
		case 'n':
			if (rc_parse_u64(optarg, &node, false) || node == 0)
				goto bad;
			have_n = true;
			break;
		case 's':
			if (rc_parse_u64(optarg, &snap, true) || snap == 0)
				goto bad;
			break;
		case 'f':
			force = true;
			break;
		case 'h':
			rc_usage("format");
			return RC_OK;
		default:
			return rc_usage("format");
		}
	}
	if (optind != argc - 1 || !have_c || !have_g || !have_n)
		return rc_usage("format");
	dev = argv[optind];

	fd = rc_dev_open(dev, true, &size);
	if (fd < 0)
		return RC_USAGE;

	memset(&sb, 0, sizeof(sb));
	if (rl_sb_layout(&sb, size, snap)) {
		rc_err("%s: %llu bytes is too small for this layout", dev,
		       (unsigned long long)size);
		goto out;
	}

	probe_len = size < PROBE_BYTES ? size : PROBE_BYTES;
	err = rc_pread(fd, probe, probe_len, 0);
	if (err) {
		rc_err("%s: reading: %s", dev, strerror(-err));
		goto out;
	}
	if (!force) {
		if (rl_sb_decode(probe, probe_len, &old) == RL_DISK_OK) {
			rc_err("%s holds raftlog data (cluster %llu group %u node %llu); use --force to overwrite",
			       dev, (unsigned long long)old.cluster_id, old.group_id,
			       (unsigned long long)old.node_id);
			goto out;
		}
		for (size_t i = 0; i < probe_len; i++)
			if (probe[i]) {
				rc_err("%s is not empty (nonzero byte at offset %zu); use --force to overwrite",
				       dev, i);
				goto out;
			}
	}

	sb.cluster_id = cluster;
	sb.group_id = group;
	sb.node_id = node;
	sb.format_time = time(NULL);
	if (getrandom(sb.uuid, sizeof(sb.uuid), 0) != sizeof(sb.uuid)) {
		rc_err("getrandom: %s", strerror(errno));
		goto out;
	}
	sb.uuid[6] = (sb.uuid[6] & 0x0f) | 0x40;	/* RFC 4122 version 4 */
	sb.uuid[8] = (sb.uuid[8] & 0x3f) | 0x80;

	/*
	 * Everything but the superblock first, then the superblock: an
	 * interrupted format leaves a device that is not a raftlog device.
	 */
	memset(blk, 0, sizeof(blk));
	if (write_block(fd, blk, RAFTLOG_SB_BLOCK, "superblock") ||
	    write_block(fd, blk, RAFTLOG_META_BLOCK, "metadata slot 0") ||
	    write_block(fd, blk, RAFTLOG_META_BLOCK + 1, "metadata slot 1") ||
	    write_block(fd, blk, sb.snap_off[0], "snapshot area 0") ||
	    write_block(fd, blk, sb.snap_off[1], "snapshot area 1") ||
	    write_block(fd, blk, sb.ring_off, "log ring"))
		goto out;
	rl_meta_init(&m);
	rl_meta_encode(&m, sb.uuid, blk);
	if (write_block(fd, blk, RAFTLOG_META_BLOCK + rl_meta_slot(m.seq),
			"metadata"))
		goto out;
	if (fsync(fd) < 0) {
		rc_err("%s: fsync: %s", dev, strerror(errno));
		goto out;
	}
	rl_sb_encode(&sb, blk);
	if (write_block(fd, blk, RAFTLOG_SB_BLOCK, "superblock"))
		goto out;
	if (fsync(fd) < 0) {
		rc_err("%s: fsync: %s", dev, strerror(errno));
		goto out;
	}
	printf("formatted %s: cluster %llu group %llu node %llu, ring %llu blocks, snapshot areas 2 x %llu blocks\n",
	       dev, (unsigned long long)cluster, (unsigned long long)group,
	       (unsigned long long)node, (unsigned long long)sb.ring_blocks,
	       (unsigned long long)sb.snap_blocks);
	rc = RC_OK;
out:
	close(fd);
	return rc;
bad:
	rc_err("format: bad value \"%s\"", optarg);
	return rc_usage("format");
}
