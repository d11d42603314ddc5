// SPDX-License-Identifier: GPL-2.0
/*
 * Codec of raftlog's on-disk structures; see disk.h and docs/format.md.
 */
#include "disk.h"

#define SB_OFF(f)	offsetof(struct raftlog_disk_sb, f)
#define META_OFF(f)	offsetof(struct raftlog_disk_meta, f)
#define REC_OFF(f)	offsetof(struct raftlog_disk_rec, f)
#define ENT_OFF(f)	offsetof(struct raftlog_disk_ent, f)
#define SNAP_OFF(f)	offsetof(struct raftlog_disk_snap, f)
#define BLOB_OFF(f)	offsetof(struct raftlog_disk_snapblob, f)
#define APP_OFF(f)	offsetof(struct raftlog_disk_snapblob_app, f)

/* The layout constants must describe the structures exactly. */
static_assert(sizeof(struct raftlog_disk_sb) == RAFTLOG_DISK_SB_SIZE, "sb");
static_assert(sizeof(struct raftlog_disk_meta) == RAFTLOG_DISK_META_SIZE, "meta");
static_assert(sizeof(struct raftlog_disk_rec) == RAFTLOG_DISK_REC_SIZE, "rec");
static_assert(sizeof(struct raftlog_disk_ent) == RAFTLOG_DISK_ENT_SIZE, "ent");
static_assert(sizeof(struct raftlog_disk_snapblob) == RAFTLOG_DISK_SNAPBLOB_SIZE,
	      "snapblob");
static_assert(sizeof(struct raftlog_disk_snapblob_app) ==
	      RAFTLOG_DISK_SNAPBLOB_APP_SIZE, "snapblob app");
static_assert(sizeof(struct raftlog_disk_snap) == RAFTLOG_DISK_SNAP_SIZE, "snap");
static_assert(RAFTLOG_BLOCK_SIZE == 1 << RAFTLOG_BLOCK_SHIFT, "block");
static_assert(RAFTLOG_DISK_REC_SIZE + RAFTLOG_REC_MAX_ENTRIES * RAFTLOG_DISK_ENT_SIZE <
	      RAFTLOG_REC_MAX_BLOCKS * RAFTLOG_BLOCK_SIZE, "record table");

static const char *const rl_disk_errs[RL_DISK_NERR] = {
	[RL_DISK_OK] = "ok",
	[RL_DISK_EMAGIC] = "bad magic",
	[RL_DISK_EVERSION] = "unsupported version",
	[RL_DISK_ECRC] = "header checksum mismatch",
	[RL_DISK_EUUID] = "uuid mismatch",
	[RL_DISK_EFIELD] = "field out of range",
	[RL_DISK_EBODY] = "body checksum mismatch",
	[RL_DISK_ESHORT] = "truncated",
	[RL_DISK_ESEQ] = "sequence break",
	[RL_DISK_EEPOCH] = "epoch out of order",
	[RL_DISK_EINDEX] = "index not contiguous",
};

const char *rl_disk_strerror(int err)
{
	if (err < 0 || err >= RL_DISK_NERR)
		return "unknown";
	return rl_disk_errs[err];
}

/* crc32c of the first @size bytes of @buf with the u32 at @crc_off zeroed */
static u32 rl_hdr_crc(const void *buf, size_t size, size_t crc_off)
{
	static const u8 zero[4];
	u32 crc;

	crc = rl_crc32c(0, buf, crc_off);
	crc = rl_crc32c(crc, zero, 4);
	return rl_crc32c(crc, (const u8 *)buf + crc_off + 4, size - crc_off - 4);
}

/* ---- superblock ---- */

#define RL_SNAP_AUTO_BLOCKS \
	((RAFTLOG_DISK_SNAP_SIZE + RAFTLOG_SNAP_BODY_MAX + RAFTLOG_BLOCK_SIZE - 1) >> \
	 RAFTLOG_BLOCK_SHIFT)

int rl_sb_layout(struct rl_sb *sb, u64 dev_bytes, u64 snap_bytes)
{
	u64 blocks = dev_bytes >> RAFTLOG_BLOCK_SHIFT;
	u64 fixed = RAFTLOG_META_BLOCK + RAFTLOG_META_SLOTS;
	u64 snap;

	if (blocks < fixed + 2 * RAFTLOG_MIN_SNAP_BLOCKS + RAFTLOG_MIN_RING_BLOCKS)
		return RL_DISK_EFIELD;
	if (snap_bytes)
		snap = (snap_bytes + RAFTLOG_BLOCK_SIZE - 1) >> RAFTLOG_BLOCK_SHIFT;
	else
		snap = blocks / 8;
	/* by default no more than the largest snapshot takes */
	if (!snap_bytes && snap > RL_SNAP_AUTO_BLOCKS)
		snap = RL_SNAP_AUTO_BLOCKS;
	if (snap < RAFTLOG_MIN_SNAP_BLOCKS)
		snap = RAFTLOG_MIN_SNAP_BLOCKS;
	if (snap > (blocks - fixed - RAFTLOG_MIN_RING_BLOCKS) / 2)
		return RL_DISK_EFIELD;
	sb->version = RAFTLOG_DISK_VERSION;
	sb->block_size = RAFTLOG_BLOCK_SIZE;
	sb->dev_blocks = blocks;
	sb->snap_blocks = snap;
	sb->snap_off[0] = fixed;
	sb->snap_off[1] = fixed + snap;
	sb->ring_off = fixed + 2 * snap;
	sb->ring_blocks = blocks - sb->ring_off;
	return RL_DISK_OK;
}

void rl_sb_encode(const struct rl_sb *sb, void *blk)
{
	u8 *b = blk;

	memset(b, 0, RAFTLOG_BLOCK_SIZE);
	rl_put_le64(b + SB_OFF(magic), RAFTLOG_SB_MAGIC);
	rl_put_le32(b + SB_OFF(version), sb->version);
	rl_put_le32(b + SB_OFF(block_size), sb->block_size);
	memcpy(b + SB_OFF(uuid), sb->uuid, 16);
	rl_put_le64(b + SB_OFF(cluster_id), sb->cluster_id);
	rl_put_le64(b + SB_OFF(node_id), sb->node_id);
	rl_put_le32(b + SB_OFF(group_id), sb->group_id);
	rl_put_le32(b + SB_OFF(flags), sb->flags);
	rl_put_le64(b + SB_OFF(dev_blocks), sb->dev_blocks);
	rl_put_le64(b + SB_OFF(snap_off), sb->snap_off[0]);
	rl_put_le64(b + SB_OFF(snap_off) + 8, sb->snap_off[1]);
	rl_put_le64(b + SB_OFF(snap_blocks), sb->snap_blocks);
	rl_put_le64(b + SB_OFF(ring_off), sb->ring_off);
	rl_put_le64(b + SB_OFF(ring_blocks), sb->ring_blocks);
	rl_put_le64(b + SB_OFF(format_time), sb->format_time);
	rl_put_le32(b + SB_OFF(crc), rl_hdr_crc(b, RAFTLOG_DISK_SB_SIZE, SB_OFF(crc)));
}

int rl_sb_check_geometry(const struct rl_sb *sb)
{
	u64 fixed = RAFTLOG_META_BLOCK + RAFTLOG_META_SLOTS;
	u64 end;

	if (sb->block_size != RAFTLOG_BLOCK_SIZE || sb->flags)
		return RL_DISK_EFIELD;
	if (sb->snap_blocks < RAFTLOG_MIN_SNAP_BLOCKS ||
	    sb->ring_blocks < RAFTLOG_MIN_RING_BLOCKS)
		return RL_DISK_EFIELD;
	/*
	 * Each area must fit, in this order, without overlap.  With every
	 * value at most dev_blocks, itself at most RL_DISK_MAX_BLOCKS, no
	 * sum below overflows, nor dev_blocks in sectors or bytes.
	 */
	if (sb->dev_blocks > RL_DISK_MAX_BLOCKS ||
	    sb->snap_blocks > sb->dev_blocks ||
	    sb->ring_blocks > sb->dev_blocks ||
	    sb->snap_off[0] > sb->dev_blocks ||
	    sb->snap_off[1] > sb->dev_blocks || sb->ring_off > sb->dev_blocks)
		return RL_DISK_EFIELD;
	if (sb->snap_off[0] < fixed ||
	    sb->snap_off[1] < sb->snap_off[0] + sb->snap_blocks ||
	    sb->ring_off < sb->snap_off[1] + sb->snap_blocks)
		return RL_DISK_EFIELD;
	end = sb->ring_off + sb->ring_blocks;
	if (end < sb->ring_off || end > sb->dev_blocks)
		return RL_DISK_EFIELD;
	return RL_DISK_OK;
}

int rl_sb_decode(const void *blk, size_t len, struct rl_sb *sb)
{
	const u8 *b = blk;

	if (len < RAFTLOG_DISK_SB_SIZE)
		return RL_DISK_ESHORT;
	if (rl_get_le64(b + SB_OFF(magic)) != RAFTLOG_SB_MAGIC)
		return RL_DISK_EMAGIC;
	if (rl_get_le32(b + SB_OFF(crc)) !=
	    rl_hdr_crc(b, RAFTLOG_DISK_SB_SIZE, SB_OFF(crc)))
		return RL_DISK_ECRC;
	memset(sb, 0, sizeof(*sb));
	sb->version = rl_get_le32(b + SB_OFF(version));
	if (sb->version != RAFTLOG_DISK_VERSION)
		return RL_DISK_EVERSION;
	sb->block_size = rl_get_le32(b + SB_OFF(block_size));
	memcpy(sb->uuid, b + SB_OFF(uuid), 16);
	sb->cluster_id = rl_get_le64(b + SB_OFF(cluster_id));
	sb->node_id = rl_get_le64(b + SB_OFF(node_id));
	sb->group_id = rl_get_le32(b + SB_OFF(group_id));
	sb->flags = rl_get_le32(b + SB_OFF(flags));
	sb->dev_blocks = rl_get_le64(b + SB_OFF(dev_blocks));
	sb->snap_off[0] = rl_get_le64(b + SB_OFF(snap_off));
	sb->snap_off[1] = rl_get_le64(b + SB_OFF(snap_off) + 8);
	sb->snap_blocks = rl_get_le64(b + SB_OFF(snap_blocks));
	sb->ring_off = rl_get_le64(b + SB_OFF(ring_off));
	sb->ring_blocks = rl_get_le64(b + SB_OFF(ring_blocks));
	sb->format_time = rl_get_le64(b + SB_OFF(format_time));
	return rl_sb_check_geometry(sb);
}

/* ---- metadata slots ---- */

void rl_meta_init(struct rl_meta *m)
{
	memset(m, 0, sizeof(*m));
	m->seq = 1;
	m->first_index = 1;
	m->head_off = 0;
	m->head_seq = 1;
	m->epoch = 1;
	m->trunc_index = 0;
	m->snap_slot = RAFTLOG_SNAP_NONE;
}

void rl_meta_encode(const struct rl_meta *m, const u8 uuid[16], void *blk)
{
	u8 *b = blk;

	memset(b, 0, RAFTLOG_BLOCK_SIZE);
	rl_put_le32(b + META_OFF(magic), RAFTLOG_META_MAGIC);
	rl_put_le32(b + META_OFF(version), RAFTLOG_DISK_VERSION);
	rl_put_le64(b + META_OFF(seq), m->seq);
	memcpy(b + META_OFF(uuid), uuid, 16);
	rl_put_le64(b + META_OFF(term), m->term);
	rl_put_le64(b + META_OFF(vote), m->vote);
	rl_put_le64(b + META_OFF(commit), m->commit);
	rl_put_le64(b + META_OFF(first_index), m->first_index);
	rl_put_le64(b + META_OFF(head_off), m->head_off);
	rl_put_le64(b + META_OFF(head_seq), m->head_seq);
	rl_put_le64(b + META_OFF(epoch), m->epoch);
	rl_put_le64(b + META_OFF(trunc_index), m->trunc_index);
	rl_put_le64(b + META_OFF(snap_index), m->snap_index);
	rl_put_le64(b + META_OFF(snap_term), m->snap_term);
	rl_put_le32(b + META_OFF(snap_slot), m->snap_slot);
	rl_put_le32(b + META_OFF(crc),
		    rl_hdr_crc(b, RAFTLOG_DISK_META_SIZE, META_OFF(crc)));
}

int rl_meta_decode(const void *blk, size_t len, const struct rl_sb *sb,
		   unsigned int slot, struct rl_meta *m)
{
	const u8 *b = blk;

	if (len < RAFTLOG_DISK_META_SIZE)
		return RL_DISK_ESHORT;
	if (rl_get_le32(b + META_OFF(magic)) != RAFTLOG_META_MAGIC)
		return RL_DISK_EMAGIC;
	if (rl_get_le32(b + META_OFF(crc)) !=
	    rl_hdr_crc(b, RAFTLOG_DISK_META_SIZE, META_OFF(crc)))
		return RL_DISK_ECRC;
	if (rl_get_le32(b + META_OFF(version)) != RAFTLOG_DISK_VERSION)
		return RL_DISK_EVERSION;
	if (memcmp(b + META_OFF(uuid), sb->uuid, 16))
		return RL_DISK_EUUID;
	memset(m, 0, sizeof(*m));
	m->seq = rl_get_le64(b + META_OFF(seq));
	m->term = rl_get_le64(b + META_OFF(term));
	m->vote = rl_get_le64(b + META_OFF(vote));
	m->commit = rl_get_le64(b + META_OFF(commit));
	m->first_index = rl_get_le64(b + META_OFF(first_index));
	m->head_off = rl_get_le64(b + META_OFF(head_off));
	m->head_seq = rl_get_le64(b + META_OFF(head_seq));
	m->epoch = rl_get_le64(b + META_OFF(epoch));
	m->trunc_index = rl_get_le64(b + META_OFF(trunc_index));
	m->snap_index = rl_get_le64(b + META_OFF(snap_index));
	m->snap_term = rl_get_le64(b + META_OFF(snap_term));
	m->snap_slot = rl_get_le32(b + META_OFF(snap_slot));
	if (m->seq == 0 || rl_meta_slot(m->seq) != slot)
		return RL_DISK_EFIELD;
	if (m->first_index == 0 || m->first_index == ~0ULL ||
	    m->head_off >= sb->ring_blocks || m->head_seq == 0 ||
	    m->epoch == 0)
		return RL_DISK_EFIELD;
	if (m->snap_slot == RAFTLOG_SNAP_NONE) {
		if (m->snap_index || m->snap_term)
			return RL_DISK_EFIELD;
	} else if (m->snap_slot >= RAFTLOG_SNAP_SLOTS || m->snap_index == 0 ||
		   m->snap_term == 0) {
		return RL_DISK_EFIELD;
	}
	/* only entries covered by the snapshot may have been compacted */
	if (m->first_index > m->snap_index + 1)
		return RL_DISK_EFIELD;
	return RL_DISK_OK;
}

int rl_meta_pick(int err0, const struct rl_meta *m0,
		 int err1, const struct rl_meta *m1)
{
	if (err0 && err1)
		return -1;
	if (err0)
		return 1;
	if (err1)
		return 0;
	return m1->seq > m0->seq ? 1 : 0;
}

/* ---- records ---- */

int rl_rec_encode(struct rl_rec *r, const struct rl_entry *ents,
		  const u8 uuid[16], void *buf, size_t buflen)
{
	u8 *b = buf;
	size_t off = rl_rec_data_off(r->count);
	u64 data_len = 0, blocks, prev_term = 1;
	u32 i;

	if (r->count == 0 || r->count > RAFTLOG_REC_MAX_ENTRIES ||
	    r->seq == 0 || r->epoch == 0 || r->first_index == 0 ||
	    r->first_index + r->count < r->first_index)
		return RL_DISK_EFIELD;
	for (i = 0; i < r->count; i++) {
		if (ents[i].type > RAFTLOG_ENTRY_TYPE_MAX ||
		    ents[i].term < prev_term)
			return RL_DISK_EFIELD;
		prev_term = ents[i].term;
		data_len += ents[i].len;
	}
	blocks = rl_rec_blocks(r->count, data_len);
	if (blocks > RAFTLOG_REC_MAX_BLOCKS)
		return RL_DISK_EFIELD;
	if (buflen < blocks * RAFTLOG_BLOCK_SIZE)
		return RL_DISK_ESHORT;
	r->data_len = data_len;
	r->blocks = blocks;

	for (i = 0; i < r->count; i++) {
		u8 *e = b + RAFTLOG_DISK_REC_SIZE + i * RAFTLOG_DISK_ENT_SIZE;

		rl_put_le64(e + ENT_OFF(term), ents[i].term);
		rl_put_le32(e + ENT_OFF(len), ents[i].len);
		e[ENT_OFF(type)] = ents[i].type;
		memset(e + ENT_OFF(reserved), 0, 3);
	}
	memset(b + off + data_len, 0, blocks * RAFTLOG_BLOCK_SIZE - off - data_len);
	r->body_crc = rl_crc32c(0, b + RAFTLOG_DISK_REC_SIZE,
				off - RAFTLOG_DISK_REC_SIZE + data_len);

	memset(b, 0, RAFTLOG_DISK_REC_SIZE);
	rl_put_le32(b + REC_OFF(magic), RAFTLOG_REC_MAGIC);
	rl_put_le16(b + REC_OFF(version), RAFTLOG_DISK_VERSION);
	rl_put_le16(b + REC_OFF(flags), r->flags);
	rl_put_le64(b + REC_OFF(seq), r->seq);
	memcpy(b + REC_OFF(uuid), uuid, 16);
	rl_put_le64(b + REC_OFF(epoch), r->epoch);
	rl_put_le64(b + REC_OFF(first_index), r->first_index);
	rl_put_le32(b + REC_OFF(count), r->count);
	rl_put_le32(b + REC_OFF(blocks), r->blocks);
	rl_put_le32(b + REC_OFF(data_len), r->data_len);
	rl_put_le32(b + REC_OFF(body_crc), r->body_crc);
	rl_put_le32(b + REC_OFF(crc),
		    rl_hdr_crc(b, RAFTLOG_DISK_REC_SIZE, REC_OFF(crc)));
	return RL_DISK_OK;
}

int rl_rec_decode_hdr(const void *buf, size_t len, const u8 uuid[16],
		      struct rl_rec *r)
{
	const u8 *b = buf;

	if (len < RAFTLOG_DISK_REC_SIZE)
		return RL_DISK_ESHORT;
	if (rl_get_le32(b + REC_OFF(magic)) != RAFTLOG_REC_MAGIC)
		return RL_DISK_EMAGIC;
	if (rl_get_le32(b + REC_OFF(crc)) !=
	    rl_hdr_crc(b, RAFTLOG_DISK_REC_SIZE, REC_OFF(crc)))
		return RL_DISK_ECRC;
	if (rl_get_le16(b + REC_OFF(version)) != RAFTLOG_DISK_VERSION)
		return RL_DISK_EVERSION;
	if (memcmp(b + REC_OFF(uuid), uuid, 16))
		return RL_DISK_EUUID;
	memset(r, 0, sizeof(*r));
	r->flags = rl_get_le16(b + REC_OFF(flags));
	r->seq = rl_get_le64(b + REC_OFF(seq));
	r->epoch = rl_get_le64(b + REC_OFF(epoch));
	r->first_index = rl_get_le64(b + REC_OFF(first_index));
	r->count = rl_get_le32(b + REC_OFF(count));
	r->blocks = rl_get_le32(b + REC_OFF(blocks));
	r->data_len = rl_get_le32(b + REC_OFF(data_len));
	r->body_crc = rl_get_le32(b + REC_OFF(body_crc));
	if (r->flags & ~RAFTLOG_REC_F_WRAPPED)
		return RL_DISK_EFIELD;
	if (r->seq == 0 || r->epoch == 0 || r->first_index == 0 ||
	    r->count == 0 || r->count > RAFTLOG_REC_MAX_ENTRIES ||
	    r->first_index + r->count < r->first_index)
		return RL_DISK_EFIELD;
	if (r->blocks == 0 || r->blocks > RAFTLOG_REC_MAX_BLOCKS ||
	    r->blocks != rl_rec_blocks(r->count, r->data_len))
		return RL_DISK_EFIELD;
	return RL_DISK_OK;
}

int rl_rec_check_body(const void *buf, size_t len, const struct rl_rec *r)
{
	const u8 *b = buf;
	size_t off = rl_rec_data_off(r->count);
	u64 sum = 0, prev_term = 1;
	u32 i;

	if (len < off + r->data_len)
		return RL_DISK_ESHORT;
	if (rl_crc32c(0, b + RAFTLOG_DISK_REC_SIZE,
		      off - RAFTLOG_DISK_REC_SIZE + r->data_len) != r->body_crc)
		return RL_DISK_EBODY;
	for (i = 0; i < r->count; i++) {
		struct rl_entry e;
		const u8 *p = b + RAFTLOG_DISK_REC_SIZE + i * RAFTLOG_DISK_ENT_SIZE;

		rl_rec_get_ent(buf, i, &e);
		if (e.type > RAFTLOG_ENTRY_TYPE_MAX || e.term < prev_term ||
		    p[ENT_OFF(reserved)] || p[ENT_OFF(reserved) + 1] ||
		    p[ENT_OFF(reserved) + 2])
			return RL_DISK_EFIELD;
		prev_term = e.term;
		sum += e.len;
	}
	if (sum != r->data_len)
		return RL_DISK_EFIELD;
	return RL_DISK_OK;
}

void rl_rec_get_ent(const void *buf, u32 i, struct rl_entry *e)
{
	const u8 *p = (const u8 *)buf + RAFTLOG_DISK_REC_SIZE +
		(size_t)i * RAFTLOG_DISK_ENT_SIZE;

	e->term = rl_get_le64(p + ENT_OFF(term));
	e->len = rl_get_le32(p + ENT_OFF(len));
	e->type = p[ENT_OFF(type)];
}

/* ---- snapshots ---- */

void rl_snap_encode_hdr(const struct rl_snap *s, const u8 uuid[16], void *hdr)
{
	u8 *b = hdr;

	memset(b, 0, RAFTLOG_DISK_SNAP_SIZE);
	rl_put_le32(b + SNAP_OFF(magic), RAFTLOG_SNAP_MAGIC);
	rl_put_le32(b + SNAP_OFF(version), RAFTLOG_DISK_VERSION);
	memcpy(b + SNAP_OFF(uuid), uuid, 16);
	rl_put_le64(b + SNAP_OFF(index), s->index);
	rl_put_le64(b + SNAP_OFF(term), s->term);
	rl_put_le64(b + SNAP_OFF(data_len), s->data_len);
	rl_put_le32(b + SNAP_OFF(conf_len), s->conf_len);
	rl_put_le32(b + SNAP_OFF(body_crc), s->body_crc);
	rl_put_le32(b + SNAP_OFF(crc),
		    rl_hdr_crc(b, RAFTLOG_DISK_SNAP_SIZE, SNAP_OFF(crc)));
}

int rl_snap_decode_hdr(const void *hdr, size_t len, const struct rl_sb *sb,
		       struct rl_snap *s)
{
	const u8 *b = hdr;

	if (len < RAFTLOG_DISK_SNAP_SIZE)
		return RL_DISK_ESHORT;
	if (rl_get_le32(b + SNAP_OFF(magic)) != RAFTLOG_SNAP_MAGIC)
		return RL_DISK_EMAGIC;
	if (rl_get_le32(b + SNAP_OFF(crc)) !=
	    rl_hdr_crc(b, RAFTLOG_DISK_SNAP_SIZE, SNAP_OFF(crc)))
		return RL_DISK_ECRC;
	if (rl_get_le32(b + SNAP_OFF(version)) != RAFTLOG_DISK_VERSION)
		return RL_DISK_EVERSION;
	if (memcmp(b + SNAP_OFF(uuid), sb->uuid, 16))
		return RL_DISK_EUUID;
	memset(s, 0, sizeof(*s));
	s->index = rl_get_le64(b + SNAP_OFF(index));
	s->term = rl_get_le64(b + SNAP_OFF(term));
	s->data_len = rl_get_le64(b + SNAP_OFF(data_len));
	s->conf_len = rl_get_le32(b + SNAP_OFF(conf_len));
	s->body_crc = rl_get_le32(b + SNAP_OFF(body_crc));
	if (s->index == 0 || s->term == 0)
		return RL_DISK_EFIELD;
	if (s->data_len > rl_snap_capacity(sb) ||
	    s->conf_len > rl_snap_capacity(sb) - s->data_len)
		return RL_DISK_EFIELD;
	return RL_DISK_OK;
}

/* ---- the group's snapshot blob ---- */

void rl_snapblob_encode_hdr(const struct rl_snapblob *b, void *hdr)
{
	u8 *p = hdr;

	memset(p, 0, RAFTLOG_DISK_SNAPBLOB_SIZE);
	rl_put_le32(p + BLOB_OFF(magic), RAFTLOG_SNAPBLOB_MAGIC);
	rl_put_le32(p + BLOB_OFF(version), b->version);
	rl_put_le32(p + BLOB_OFF(group_id), b->group_id);
	rl_put_le32(p + BLOB_OFF(addrs_len), b->addrs_len);
	rl_put_le64(p + BLOB_OFF(index), b->index);
	rl_put_le64(p + BLOB_OFF(term), b->term);
}

void rl_snapblob_encode_app(void *p, const void *app, u64 len)
{
	rl_snapblob_encode_app_hdr(p, rl_crc32c(0, app, len), len);
}

void rl_snapblob_encode_app_hdr(void *p, u32 crc, u64 len)
{
	u8 *b = p;

	rl_put_le32(b + APP_OFF(magic), RAFTLOG_SNAPBLOB_APP_MAGIC);
	rl_put_le32(b + APP_OFF(crc), crc);
	rl_put_le64(b + APP_OFF(len), len);
}

/* The application section of a version 3 blob: @len bytes at @p. */
static int rl_snapblob_app(const u8 *p, u64 len, const u8 **app,
			   u64 *app_len)
{
	u64 alen;
	u32 crc;

	if (len < RAFTLOG_DISK_SNAPBLOB_APP_SIZE)
		return RL_DISK_ESHORT;
	if (rl_get_le32(p + APP_OFF(magic)) != RAFTLOG_SNAPBLOB_APP_MAGIC)
		return RL_DISK_EMAGIC;
	alen = rl_get_le64(p + APP_OFF(len));
	if (alen > RAFTLOG_SNAPBLOB_APP_MAX)
		return RL_DISK_EFIELD;
	if (len != RAFTLOG_DISK_SNAPBLOB_APP_SIZE + alen)
		return RL_DISK_ESHORT;
	crc = rl_get_le32(p + APP_OFF(crc));
	p += RAFTLOG_DISK_SNAPBLOB_APP_SIZE;
	if (rl_crc32c(0, p, alen) != crc)
		return RL_DISK_EBODY;
	*app = p;
	*app_len = alen;
	return RL_DISK_OK;
}

int rl_snapblob_decode(const void *data, u64 len, u32 group_id, u64 index,
		       u64 term, const u8 **addrs, u32 *addrs_len)
{
	const u8 *app;
	u64 app_len;

	return rl_snapblob_decode_app(data, len, group_id, index, term, addrs,
				      addrs_len, &app, &app_len);
}

/* The blob header's magic, and the snapshot it says it is of. */
static int rl_snapblob_check_hdr(const u8 *p, u32 group_id, u64 index,
				 u64 term)
{
	if (rl_get_le32(p + BLOB_OFF(magic)) != RAFTLOG_SNAPBLOB_MAGIC)
		return RL_DISK_EMAGIC;
	if (rl_get_le32(p + BLOB_OFF(group_id)) != group_id ||
	    rl_get_le64(p + BLOB_OFF(index)) != index ||
	    rl_get_le64(p + BLOB_OFF(term)) != term)
		return RL_DISK_EFIELD;
	return RL_DISK_OK;
}

int rl_snapblob_decode_app(const void *data, u64 len, u32 group_id,
			   u64 index, u64 term, const u8 **addrs,
			   u32 *addrs_len, const u8 **app, u64 *app_len)
{
	const u8 *p = data;
	u32 alen;
	int err;

	*addrs = NULL;
	*addrs_len = 0;
	*app = NULL;
	*app_len = 0;
	if (!p || len < RAFTLOG_DISK_SNAPBLOB_SIZE)
		return RL_DISK_ESHORT;
	err = rl_snapblob_check_hdr(p, group_id, index, term);
	if (err)
		return err;
	alen = rl_get_le32(p + BLOB_OFF(addrs_len));
	switch (rl_get_le32(p + BLOB_OFF(version))) {
	case RAFTLOG_SNAPBLOB_VERSION_NOADDR:
		if (alen)
			return RL_DISK_EFIELD;
		return len == RAFTLOG_DISK_SNAPBLOB_SIZE ? RL_DISK_OK :
		       RL_DISK_ESHORT;
	case RAFTLOG_SNAPBLOB_VERSION:
		if (alen > RAFTLOG_SNAPBLOB_ADDRS_MAX)
			return RL_DISK_EFIELD;
		if (len != RAFTLOG_DISK_SNAPBLOB_SIZE + (u64)alen)
			return RL_DISK_ESHORT;
		*addrs = p + RAFTLOG_DISK_SNAPBLOB_SIZE;
		*addrs_len = alen;
		return RL_DISK_OK;
	case RAFTLOG_SNAPBLOB_VERSION_APP:
		if (alen > RAFTLOG_SNAPBLOB_ADDRS_MAX)
			return RL_DISK_EFIELD;
		if (len < RAFTLOG_DISK_SNAPBLOB_SIZE + (u64)alen)
			return RL_DISK_ESHORT;
		err = rl_snapblob_app(p + RAFTLOG_DISK_SNAPBLOB_SIZE + alen,
				      len - RAFTLOG_DISK_SNAPBLOB_SIZE - alen,
				      app, app_len);
		if (err)
			return err;
		if (alen) {
			*addrs = p + RAFTLOG_DISK_SNAPBLOB_SIZE;
			*addrs_len = alen;
		}
		return RL_DISK_OK;
	}
	return RL_DISK_EVERSION;
}

int rl_snapblob_decode_part(const void *pfx, u64 have, u64 len, u32 group_id,
			    u64 index, u64 term, u32 app_crc,
			    const u8 **addrs, u32 *addrs_len, u64 *app_off,
			    u64 *app_len)
{
	const u8 *p = pfx, *app;
	u64 off, n;
	int err;

	*app_off = 0;
	*app_len = 0;
	if (have >= len) {
		err = rl_snapblob_decode_app(pfx, len, group_id, index, term,
					     addrs, addrs_len, &app, app_len);
		if (!err && app)
			*app_off = app - p;
		return err;
	}
	*addrs = NULL;
	*addrs_len = 0;
	if (!p || have < RL_SNAPBLOB_PREFIX)
		return RL_DISK_ESHORT;
	err = rl_snapblob_check_hdr(p, group_id, index, term);
	if (err)
		return err;
	/* only a version 3 blob is longer than its prefix */
	off = rl_snapblob_app_off(p, have);
	if (!off)
		return rl_get_le32(p + BLOB_OFF(version)) ==
		       RAFTLOG_SNAPBLOB_VERSION_APP ? RL_DISK_EFIELD :
		       RL_DISK_ESHORT;
	p += off - RAFTLOG_DISK_SNAPBLOB_APP_SIZE;
	if (rl_get_le32(p + APP_OFF(magic)) != RAFTLOG_SNAPBLOB_APP_MAGIC)
		return RL_DISK_EMAGIC;
	n = rl_get_le64(p + APP_OFF(len));
	if (n > RAFTLOG_SNAPBLOB_APP_MAX)
		return RL_DISK_EFIELD;
	if (len != off + n)
		return RL_DISK_ESHORT;
	if (rl_get_le32(p + APP_OFF(crc)) != app_crc)
		return RL_DISK_EBODY;
	if (off > RAFTLOG_DISK_SNAPBLOB_SIZE + RAFTLOG_DISK_SNAPBLOB_APP_SIZE) {
		*addrs = (const u8 *)pfx + RAFTLOG_DISK_SNAPBLOB_SIZE;
		*addrs_len = off - RAFTLOG_DISK_SNAPBLOB_SIZE -
			     RAFTLOG_DISK_SNAPBLOB_APP_SIZE;
	}
	*app_off = off;
	*app_len = n;
	return RL_DISK_OK;
}

u64 rl_snapblob_app_off(const void *pfx, u64 have)
{
	const u8 *p = pfx;
	u32 alen;

	if (have < RAFTLOG_DISK_SNAPBLOB_SIZE ||
	    rl_get_le32(p + BLOB_OFF(version)) != RAFTLOG_SNAPBLOB_VERSION_APP)
		return 0;
	alen = rl_get_le32(p + BLOB_OFF(addrs_len));
	if (alen > RAFTLOG_SNAPBLOB_ADDRS_MAX)
		return 0;
	return RAFTLOG_DISK_SNAPBLOB_SIZE + (u64)alen +
	       RAFTLOG_DISK_SNAPBLOB_APP_SIZE;
}

/* ---- recovery scan ---- */

void rl_scan_init(struct rl_scan *s, const struct rl_meta *m)
{
	memset(s, 0, sizeof(*s));
	s->first_index = m->first_index;
	s->meta_epoch = m->epoch;
	s->trunc_index = m->trunc_index;
	s->next_seq = m->head_seq;
	s->last = m->first_index - 1;
}

int rl_scan_add(struct rl_scan *s, const struct rl_rec *r)
{
	u64 end = r->first_index + r->count - 1;

	if (r->seq != s->next_seq)
		return RL_DISK_ESEQ;
	if (r->epoch > s->meta_epoch || r->epoch < s->epoch)
		return RL_DISK_EEPOCH;
	if (s->nrec == 0) {
		/* the head record holds first_index (or starts the log) */
		if (r->first_index > s->first_index)
			return RL_DISK_EINDEX;
		s->cut = s->last;
	} else if (r->epoch == s->epoch) {
		if (r->first_index != s->prev_end + 1)
			return RL_DISK_EINDEX;
		s->cut = s->last;
	} else {
		/* written after a truncation: replaces everything from first_index */
		if (r->first_index > s->prev_end + 1)
			return RL_DISK_EINDEX;
		s->cut = min(s->last, r->first_index - 1);
	}
	s->prev_end = end;
	s->last = end;
	s->epoch = r->epoch;
	s->next_seq++;
	s->nrec++;
	return RL_DISK_OK;
}

u64 rl_scan_finish(struct rl_scan *s)
{
	/* records older than the last truncation hold nothing above it */
	if (s->nrec && s->epoch < s->meta_epoch && s->last > s->trunc_index)
		s->last = s->trunc_index;
	if (s->last < s->first_index - 1)
		s->last = s->first_index - 1;
	return s->last;
}
