/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * raftlog on-disk format, version RAFTLOG_DISK_VERSION.
 *
 * One Raft group owns one block device.  All multi-byte fields are little
 * endian.  The device is addressed in blocks of RAFTLOG_BLOCK_SIZE bytes:
 *
 *	block 0				superblock
 *	block 1, block 2		metadata slots 0 and 1 (hard state + log
 *					pointers); seq n goes to slot n & 1
 *	snap_off[0], snap_off[1]	two snapshot areas of snap_blocks each
 *	ring_off .. +ring_blocks	the log: a ring of batch records
 *
 * Every structure carries a crc32c (standard CRC-32C, computed with the
 * crc field itself set to zero) and the superblock's UUID, so structures
 * left over from an earlier format of the same device never validate.
 * docs/format.md describes the rules (recovery, truncation, compaction,
 * wrap-around) in full; the structures below only fix the layout.
 */
#ifndef _UAPI_LINUX_RAFTLOG_DISK_H
#define _UAPI_LINUX_RAFTLOG_DISK_H

#include <linux/types.h>

/* Version of the on-disk format (also RAFTLOG_FORMAT_VERSION in raftlog.h). */
#define RAFTLOG_DISK_VERSION		1

#define RAFTLOG_BLOCK_SIZE		4096
#define RAFTLOG_BLOCK_SHIFT		12

#define RAFTLOG_SB_MAGIC		0x474f4c5446415252ULL	/* "RRAFTLOG" */
#define RAFTLOG_META_MAGIC		0x544d4c52U		/* "RLMT" */
#define RAFTLOG_REC_MAGIC		0x43524c52U		/* "RLRC" */
#define RAFTLOG_SNAP_MAGIC		0x4e534c52U		/* "RLSN" */

/* Fixed block numbers. */
#define RAFTLOG_SB_BLOCK		0
#define RAFTLOG_META_BLOCK		1	/* slot 0; slot 1 is the next block */
#define RAFTLOG_META_SLOTS		2
#define RAFTLOG_SNAP_SLOTS		2

/* Limits (a decoder rejects anything beyond them). */
#define RAFTLOG_REC_MAX_BLOCKS		256	/* one record <= 1 MiB, one bio */
#define RAFTLOG_REC_MAX_ENTRIES		1024
#define RAFTLOG_MIN_RING_BLOCKS		64
#define RAFTLOG_MIN_SNAP_BLOCKS		2
/*
 * The largest snapshot body (configuration and data) raftlog writes or
 * reads back: the largest snapshot a group makes, with room to spare.
 * A snapshot area that `raftctl format` sizes by itself holds one of
 * these, or an eighth of the device when that is less.
 */
#define RAFTLOG_SNAP_BODY_MAX		(80U << 20)

/* Entry types stored in a record's entry table. */
#define RAFTLOG_ENTRY_NORMAL		0
#define RAFTLOG_ENTRY_CONF		1	/* membership change */
#define RAFTLOG_ENTRY_NOOP		2	/* leader's empty entry */
#define RAFTLOG_ENTRY_TYPE_MAX		2

/* meta.snap_slot when no snapshot has been stored */
#define RAFTLOG_SNAP_NONE		0xffffffffU

/* record flags */
/* placed at ring start because it did not fit before the ring's end */
#define RAFTLOG_REC_F_WRAPPED		0x1

/*
 * Superblock: block 0, 128 bytes used, the rest of the block is zero.
 * Written once by the formatter; never rewritten by the module.
 */
struct raftlog_disk_sb {
	__le64	magic;			/* RAFTLOG_SB_MAGIC */
	__le32	version;		/* RAFTLOG_DISK_VERSION */
	__le32	block_size;		/* RAFTLOG_BLOCK_SIZE */
	__u8	uuid[16];		/* random, names this format instance */
	__le64	cluster_id;
	__le64	node_id;
	__le32	group_id;
	__le32	flags;			/* 0 */
	__le64	dev_blocks;		/* device size at format time */
	__le64	snap_off[2];		/* first block of each snapshot area */
	__le64	snap_blocks;		/* size of each snapshot area */
	__le64	ring_off;		/* first block of the log ring */
	__le64	ring_blocks;		/* size of the log ring */
	__le64	format_time;		/* seconds since the epoch */
	__u8	reserved[12];
	__le32	crc;			/* crc32c of bytes 0..127, crc = 0 */
};

/*
 * Metadata slot: hard state and log pointers, 128 bytes at the start of
 * block RAFTLOG_META_BLOCK + (seq & 1); the rest of the block is zero.
 * The slot with the higher seq among the valid ones is current.
 */
struct raftlog_disk_meta {
	__le32	magic;			/* RAFTLOG_META_MAGIC */
	__le32	version;
	__le64	seq;			/* +1 per write; slot = seq & 1 */
	__u8	uuid[16];		/* = superblock uuid */
	__le64	term;			/* hard state */
	__le64	vote;
	__le64	commit;
	__le64	first_index;		/* first live log index (compaction) */
	__le64	head_off;		/* ring block of the record at head */
	__le64	head_seq;		/* its record seq */
	__le64	epoch;			/* +1 per truncation / log reset */
	/* records with epoch < meta epoch hold no live index above this */
	__le64	trunc_index;
	__le64	snap_index;		/* latest snapshot (0: none) */
	__le64	snap_term;
	__le32	snap_slot;		/* 0, 1 or RAFTLOG_SNAP_NONE */
	__u8	reserved[8];
	__le32	crc;			/* crc32c of bytes 0..127, crc = 0 */
};

/*
 * Record: a batch of consecutive log entries, written with one bio at a
 * block boundary of the ring and padded with zeros to a whole number of
 * blocks.  Layout: this header, then `count` entry descriptors, then the
 * entries' data back to back.
 */
struct raftlog_disk_rec {
	__le32	magic;			/* RAFTLOG_REC_MAGIC */
	__le16	version;
	__le16	flags;			/* RAFTLOG_REC_F_* */
	__le64	seq;			/* previous record's seq + 1 */
	__u8	uuid[16];
	__le64	epoch;			/* meta epoch when written */
	__le64	first_index;		/* index of entry 0 */
	__le32	count;			/* 1..RAFTLOG_REC_MAX_ENTRIES */
	__le32	blocks;			/* record length in blocks */
	__le32	data_len;		/* sum of entry lengths */
	__le32	body_crc;		/* crc32c of entry table + data */
	__u8	reserved[4];
	__le32	crc;			/* crc32c of bytes 0..71, crc = 0 */
};

struct raftlog_disk_ent {
	__le64	term;
	__le32	len;
	__u8	type;			/* RAFTLOG_ENTRY_* */
	__u8	reserved[3];		/* 0 */
};

/*
 * Snapshot area header at the first block of a snapshot area, followed
 * directly by conf_len bytes of configuration and data_len bytes of data.
 */
struct raftlog_disk_snap {
	__le32	magic;			/* RAFTLOG_SNAP_MAGIC */
	__le32	version;
	__u8	uuid[16];
	__le64	index;
	__le64	term;
	__le64	data_len;
	__le32	conf_len;
	__le32	body_crc;		/* crc32c of configuration + data */
	__u8	reserved[4];
	__le32	crc;			/* crc32c of bytes 0..63, crc = 0 */
};

/*
 * The snapshot blob: the data a group stores in a snapshot area (and
 * sends to followers behind its compacted prefix).  This header, then
 * (version 2) addrs_len bytes of address section: le32 count, then per
 * member le64 id, u8 length, the address text ("ip:port", no NUL).
 * Version 3 adds the application's snapshot (RAFTLOG_IOC_SNAPSHOT): the
 * header, addrs_len bytes of address section (0: none), a struct
 * raftlog_disk_snapblob_app, then its len bytes of application state.
 * Version 1 blobs (addrs_len 0, nothing after the header) and version 2
 * blobs are still read.
 */
#define RAFTLOG_SNAPBLOB_MAGIC		0x50534c52U	/* "RLSP" */
#define RAFTLOG_SNAPBLOB_VERSION_NOADDR	1
#define RAFTLOG_SNAPBLOB_VERSION	2
#define RAFTLOG_SNAPBLOB_VERSION_APP	3
#define RAFTLOG_SNAPBLOB_MEMBERS_MAX	32	/* voters and learners */
#define RAFTLOG_SNAPBLOB_ADDR_MAX	63	/* address text, bytes */
#define RAFTLOG_SNAPBLOB_ADDRS_MAX	(4 + RAFTLOG_SNAPBLOB_MEMBERS_MAX * \
					 (9 + RAFTLOG_SNAPBLOB_ADDR_MAX))

struct raftlog_disk_snapblob {
	__le32	magic;			/* RAFTLOG_SNAPBLOB_MAGIC */
	__le32	version;
	__le32	group_id;
	__le32	addrs_len;		/* version 1: reserved, 0 */
	__le64	index;
	__le64	term;
};

/* The application section of a version 3 blob. */
#define RAFTLOG_SNAPBLOB_APP_MAGIC	0x50414c52U	/* "RLAP" */
#define RAFTLOG_SNAPBLOB_APP_MAX	(64U << 20)	/* bytes of state */

struct raftlog_disk_snapblob_app {
	__le32	magic;			/* RAFTLOG_SNAPBLOB_APP_MAGIC */
	__le32	crc;			/* crc32c of the len bytes after */
	__le64	len;			/* at most RAFTLOG_SNAPBLOB_APP_MAX */
};

#define RAFTLOG_DISK_SB_SIZE		128
#define RAFTLOG_DISK_META_SIZE		128
#define RAFTLOG_DISK_REC_SIZE		72
#define RAFTLOG_DISK_ENT_SIZE		16
#define RAFTLOG_DISK_SNAP_SIZE		64
#define RAFTLOG_DISK_SNAPBLOB_SIZE	32
#define RAFTLOG_DISK_SNAPBLOB_APP_SIZE	16

#endif /* _UAPI_LINUX_RAFTLOG_DISK_H */
