/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Codec of raftlog's on-disk structures (uapi/linux/raftlog_disk.h):
 * encode, decode and verify the superblock, the metadata slots, log
 * records and snapshot headers, and the recovery scan rules.  Pure code
 * (no I/O, no kernel API beyond port.h): the kernel's storage layer and
 * the userspace tools (raftctl format/inspect) run the same checks.
 *
 * All decoders treat their input as hostile: every length and offset is
 * range checked before use, and a structure is accepted only if its
 * magic, version, uuid and crc32c match.  See docs/format.md.
 */
#ifndef RL_DISK_H
#define RL_DISK_H

#include "port.h"
#include <linux/raftlog_disk.h>

/* Why a structure was rejected (0 = valid). */
enum rl_disk_err {
	RL_DISK_OK = 0,
	RL_DISK_EMAGIC,		/* wrong magic: not written, or not ours */
	RL_DISK_EVERSION,	/* unsupported format version */
	RL_DISK_ECRC,		/* header checksum mismatch */
	RL_DISK_EUUID,		/* belongs to another format instance */
	RL_DISK_EFIELD,		/* a field is out of range or inconsistent */
	RL_DISK_EBODY,		/* body (entries, snapshot data) checksum */
	RL_DISK_ESHORT,		/* buffer shorter than the structure claims */
	RL_DISK_ESEQ,		/* scan: record sequence number breaks */
	RL_DISK_EEPOCH,		/* scan: record epoch goes back or ahead */
	RL_DISK_EINDEX,		/* scan: entry indexes not contiguous */
	RL_DISK_NERR
};

const char *rl_disk_strerror(int err);

/* ---- superblock ---- */

struct rl_sb {
	u32 version;
	u32 block_size;
	u8 uuid[16];
	u64 cluster_id;
	u64 node_id;
	u32 group_id;
	u32 flags;
	u64 dev_blocks;
	u64 snap_off[RAFTLOG_SNAP_SLOTS];
	u64 snap_blocks;
	u64 ring_off;
	u64 ring_blocks;
	u64 format_time;
};

/*
 * Fill in the geometry of @sb for a device of @dev_bytes: snapshot areas
 * of @snap_bytes each (0: an eighth of the device each, at most a
 * header and RAFTLOG_SNAP_BODY_MAX), the rest is the
 * ring.  Returns RL_DISK_EFIELD if the device is too small.
 */
int rl_sb_layout(struct rl_sb *sb, u64 dev_bytes, u64 snap_bytes);
/* Write @sb into one RAFTLOG_BLOCK_SIZE block (zero padded). */
void rl_sb_encode(const struct rl_sb *sb, void *blk);
/* Decode and verify block 0 (@len >= RAFTLOG_DISK_SB_SIZE). */
int rl_sb_decode(const void *blk, size_t len, struct rl_sb *sb);
/* The largest device a superblock may describe: its bytes fit in a u64. */
#define RL_DISK_MAX_BLOCKS	(~0ULL >> RAFTLOG_BLOCK_SHIFT)
/* Geometry sanity: areas inside dev_blocks, not overlapping, big enough. */
int rl_sb_check_geometry(const struct rl_sb *sb);

/* ---- metadata slots: hard state + log pointers ---- */

struct rl_meta {
	u64 seq;
	u64 term;
	u64 vote;
	u64 commit;
	u64 first_index;
	u64 head_off;
	u64 head_seq;
	u64 epoch;
	u64 trunc_index;
	u64 snap_index;
	u64 snap_term;
	u32 snap_slot;
};

/* The state `raftctl format` writes: empty log starting at index 1. */
void rl_meta_init(struct rl_meta *m);
/* Slot (0 or 1) a metadata block with this seq goes to. */
static inline unsigned int rl_meta_slot(u64 seq)
{
	return seq & 1;
}

void rl_meta_encode(const struct rl_meta *m, const u8 uuid[16], void *blk);
/* Decode and verify the metadata block read from @slot. */
int rl_meta_decode(const void *blk, size_t len, const struct rl_sb *sb,
		   unsigned int slot, struct rl_meta *m);
/* Which slot is current: 0, 1, or -1 when neither is valid. */
int rl_meta_pick(int err0, const struct rl_meta *m0,
		 int err1, const struct rl_meta *m1);

/* ---- log records ---- */

struct rl_rec {
	u64 seq;
	u64 epoch;
	u64 first_index;
	u32 count;
	u32 blocks;
	u32 data_len;
	u32 body_crc;
	u32 flags;
};

/*
 * One log entry, as the storage takes and hands back entries (storage.h)
 * and as a record's entry table holds them: rl_rec_encode() reads term,
 * len and type, rl_rec_get_ent() fills only those (index and data are
 * the caller's: the record's first index and data offset give them).
 */
struct rl_entry {
	u64 index;
	u64 term;
	u32 len;
	u8 type;		/* RAFTLOG_ENTRY_* */
	const void *data;
};

/* Offset of the entries' data inside a record of @count entries. */
static inline size_t rl_rec_data_off(u32 count)
{
	return RAFTLOG_DISK_REC_SIZE + (size_t)count * RAFTLOG_DISK_ENT_SIZE;
}

/* Blocks a record of @count entries and @data_len bytes of data needs. */
static inline u64 rl_rec_blocks(u32 count, u64 data_len)
{
	return (rl_rec_data_off(count) + data_len + RAFTLOG_BLOCK_SIZE - 1) >>
		RAFTLOG_BLOCK_SHIFT;
}

/*
 * Encode a record in @buf (@buflen bytes).  The caller sets seq, epoch,
 * first_index, count and flags in @r and has already placed the entries'
 * data back to back at @buf + rl_rec_data_off(count); this writes the
 * header and entry table, computes data_len, blocks and both checksums
 * into @r and zeroes the padding up to the block boundary.
 */
int rl_rec_encode(struct rl_rec *r, const struct rl_entry *ents,
		  const u8 uuid[16], void *buf, size_t buflen);
/* Verify the fixed header (first RAFTLOG_DISK_REC_SIZE bytes). */
int rl_rec_decode_hdr(const void *buf, size_t len, const u8 uuid[16],
		      struct rl_rec *r);
/*
 * Verify the body of a record whose header decoded into @r: the checksum
 * of entry table and data, and the table itself (lengths add up, types
 * known, terms non-zero and non-decreasing).  @len: bytes at @buf.
 */
int rl_rec_check_body(const void *buf, size_t len, const struct rl_rec *r);
/* Entry @i of a verified record. */
void rl_rec_get_ent(const void *buf, u32 i, struct rl_entry *e);

/* ---- snapshot areas ---- */

struct rl_snap {
	u64 index;
	u64 term;
	u64 data_len;
	u32 conf_len;
	u32 body_crc;
};

/* Bytes of configuration + data one snapshot area can hold. */
static inline u64 rl_snap_capacity(const struct rl_sb *sb)
{
	return sb->snap_blocks * RAFTLOG_BLOCK_SIZE - RAFTLOG_DISK_SNAP_SIZE;
}

/* Checksum of configuration and data (chain: feed conf, then data). */
void rl_snap_encode_hdr(const struct rl_snap *s, const u8 uuid[16], void *hdr);
int rl_snap_decode_hdr(const void *hdr, size_t len, const struct rl_sb *sb,
		       struct rl_snap *s);

/* ---- the group's snapshot blob (the data of a snapshot) ---- */

struct rl_snapblob {
	u32 version;		/* RAFTLOG_SNAPBLOB_VERSION* */
	u32 group_id;
	u32 addrs_len;		/* bytes of address section after the header */
	u64 index;
	u64 term;
};

/* Encode the header (RAFTLOG_DISK_SNAPBLOB_SIZE bytes) at @hdr. */
void rl_snapblob_encode_hdr(const struct rl_snapblob *b, void *hdr);
/*
 * Check a whole blob of @len bytes (from the device or a leader: hostile)
 * against the snapshot it came with: group @group_id, @index, @term.
 * RL_DISK_OK with *addrs and *addrs_len set to its address section (NULL
 * and 0 for a version 1 blob, which has none), or why it was refused.
 * The section's contents are the group's to check.
 */
int rl_snapblob_decode(const void *data, u64 len, u32 group_id, u64 index,
		       u64 term, const u8 **addrs, u32 *addrs_len);
/*
 * As rl_snapblob_decode, also for a version 3 blob: its application
 * section is checked (magic, length at most RAFTLOG_SNAPBLOB_APP_MAX and
 * exactly what is left, checksum) and *app points to its state (*app_len
 * bytes, maybe 0); *app is NULL for a blob without one.  A version 3
 * blob with addrs_len 0 has no address section (*addrs NULL).
 */
int rl_snapblob_decode_app(const void *data, u64 len, u32 group_id,
			   u64 index, u64 term, const u8 **addrs,
			   u32 *addrs_len, const u8 **app, u64 *app_len);
/*
 * The most bytes of a blob before its application's state: header,
 * largest address section, application section header.
 */
#define RL_SNAPBLOB_PREFIX	(RAFTLOG_DISK_SNAPBLOB_SIZE + \
				 RAFTLOG_SNAPBLOB_ADDRS_MAX + \
				 RAFTLOG_DISK_SNAPBLOB_APP_SIZE)
/*
 * As rl_snapblob_decode_app, for a blob of @len bytes of which only the
 * first @have are at hand (at least min(@len, RL_SNAPBLOB_PREFIX)), as
 * when it is received a chunk at a time: a blob longer than that must be
 * of version 3, and @app_crc is the checksum of its application's state
 * (the bytes from rl_snapblob_app_off on, as they went by).  *app_off:
 * where the state starts in the blob (0: no application section),
 * *app_len its bytes.  *addrs points into @pfx.
 */
int rl_snapblob_decode_part(const void *pfx, u64 have, u64 len, u32 group_id,
			    u64 index, u64 term, u32 app_crc,
			    const u8 **addrs, u32 *addrs_len, u64 *app_off,
			    u64 *app_len);
/*
 * Where the application's state starts in a blob whose first @have bytes
 * are at @pfx: 0 if it has none, or if that is not known from them.
 */
u64 rl_snapblob_app_off(const void *pfx, u64 have);
/*
 * Encode the application section header of @len bytes of state @app at
 * @p (RAFTLOG_DISK_SNAPBLOB_APP_SIZE bytes); the state follows it.
 */
void rl_snapblob_encode_app(void *p, const void *app, u64 len);
/* The same, the state's checksum @crc given (the state is elsewhere). */
void rl_snapblob_encode_app_hdr(void *p, u32 crc, u64 len);

/* ---- recovery scan ---- */

/*
 * The rules that decide which records form the durable log.  Feed the
 * records found from meta.head_off onwards, in ring order, to
 * rl_scan_add(); stop at the first it refuses.  A record whose entries
 * start at or below the previous record's end with a higher epoch
 * truncates what came before: after rl_scan_add() returns 0, s->cut is
 * the highest still-live index of the earlier records (entries above it
 * are dead).  rl_scan_finish() applies the metadata's truncation point
 * and returns the durable last index.
 */
struct rl_scan {
	u64 first_index;	/* from meta */
	u64 meta_epoch;
	u64 trunc_index;
	u64 next_seq;
	u64 epoch;		/* of the last accepted record */
	u64 prev_end;		/* last index stored in the last record */
	u64 last;		/* last live index so far */
	u64 cut;		/* see above */
	u64 nrec;
};

void rl_scan_init(struct rl_scan *s, const struct rl_meta *m);
int rl_scan_add(struct rl_scan *s, const struct rl_rec *r);
u64 rl_scan_finish(struct rl_scan *s);

/*
 * Where the record after one ending at ring block @end starts, for a
 * record of @blocks blocks: @end itself, or 0 (with the WRAPPED flag) if
 * it would run past the end of the ring.
 */
static inline u64 rl_ring_place(const struct rl_sb *sb, u64 end, u64 blocks,
				bool *wrapped)
{
	if (end >= sb->ring_blocks)
		end = 0;
	*wrapped = end + blocks > sb->ring_blocks;
	return *wrapped ? 0 : end;
}

#endif /* RL_DISK_H */
