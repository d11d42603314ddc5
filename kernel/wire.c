// SPDX-License-Identifier: GPL-2.0
/*
 * raftlog wire codec: frames, handshake messages, Raft messages.
 * Shared by the kernel transport and the userspace tests and fuzzers;
 * see wire.h for the contract and docs/wire.md for the format.
 */
#include "port.h"
#include "wire.h"

static const char *const rl_wire_errs[RL_WIRE_NERR] = {
	[RL_WIRE_OK]		= "ok",
	[RL_WIRE_ESHORT]	= "truncated",
	[RL_WIRE_EMAGIC]	= "bad magic",
	[RL_WIRE_EVERSION]	= "unsupported version",
	[RL_WIRE_ETYPE]		= "unknown type",
	[RL_WIRE_EFLAGS]	= "reserved bits set",
	[RL_WIRE_ETOOBIG]	= "frame too large",
	[RL_WIRE_ECRC]		= "checksum mismatch",
	[RL_WIRE_ELENGTH]	= "length inconsistent with contents",
	[RL_WIRE_ECOUNT]	= "count or data length beyond limit",
	[RL_WIRE_EFIELD]	= "field out of range",
	[RL_WIRE_ENOMEM]	= "out of memory",
	[RL_WIRE_EMAC]		= "frame authentication failed",
	[RL_WIRE_ESEQ]		= "frame out of sequence (replay)",
};

const char *rl_wire_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err >= RL_WIRE_NERR)
		return "unknown error";
	return rl_wire_errs[err];
}

static const char *const rl_reject_names[RAFTLOG_REJECT_MAX + 1] = {
	[RAFTLOG_REJECT_NONE]		= "none",
	[RAFTLOG_REJECT_VERSION]	= "version",
	[RAFTLOG_REJECT_CLUSTER]	= "cluster",
	[RAFTLOG_REJECT_GROUP]		= "group",
	[RAFTLOG_REJECT_NODE]		= "node",
	[RAFTLOG_REJECT_AUTH_MODE]	= "auth-mode",
	[RAFTLOG_REJECT_AUTH]		= "auth",
	[RAFTLOG_REJECT_REFLECT]	= "reflect",
	[RAFTLOG_REJECT_PROTOCOL]	= "protocol",
};

const char *rl_wire_reject_name(u32 reason)
{
	if (reason > RAFTLOG_REJECT_MAX)
		return "unknown";
	return rl_reject_names[reason];
}

/* ---- frames ---- */

int rl_wire_hdr_decode(const void *buf, size_t len, struct rl_wire_hdr *h)
{
	const u8 *b = buf;

	if (len < RAFTLOG_FRAME_HDR_SIZE)
		return -RL_WIRE_ESHORT;
	if (rl_get_le32(b) != RAFTLOG_WIRE_MAGIC)
		return -RL_WIRE_EMAGIC;
	h->version = b[4];
	h->type = b[5];
	h->flags = rl_get_le16(b + 6);
	h->len = rl_get_le32(b + 8);
	h->crc = rl_get_le32(b + 12);
	if (h->version != RAFTLOG_WIRE_VERSION)
		return -RL_WIRE_EVERSION;
	if (h->type == 0 || h->type > RAFTLOG_FRAME_TYPE_MAX)
		return -RL_WIRE_ETYPE;
	if (h->flags & ~RAFTLOG_FRAME_F_ALL)
		return -RL_WIRE_EFLAGS;
	/* only Raft messages are authenticated frame by frame */
	if ((h->flags & RAFTLOG_FRAME_F_MAC) && h->type != RAFTLOG_FRAME_RAFT)
		return -RL_WIRE_EFLAGS;
	if (h->len > RAFTLOG_FRAME_MAX_PAYLOAD)
		return -RL_WIRE_ETOOBIG;
	if ((h->flags & RAFTLOG_FRAME_F_MAC) &&
	    h->len < RAFTLOG_FRAME_TRAILER_SIZE)
		return -RL_WIRE_ELENGTH;
	return 0;
}

static u32 rl_wire_crc(const void *hdr_bytes, const void *payload, u32 plen)
{
	u8 hdr[RAFTLOG_FRAME_HDR_SIZE];
	u32 crc;

	memcpy(hdr, hdr_bytes, sizeof(hdr));
	rl_put_le32(hdr + 12, 0);
	crc = rl_crc32c(0, hdr, sizeof(hdr));
	if (plen)
		crc = rl_crc32c(crc, payload, plen);
	return crc;
}

int rl_wire_frame_verify(const void *hdr_bytes, const void *payload,
			 const struct rl_wire_hdr *h)
{
	if (rl_wire_crc(hdr_bytes, payload, h->len) != h->crc)
		return -RL_WIRE_ECRC;
	return 0;
}

long rl_wire_frame_decode(const void *buf, size_t len, struct rl_wire_hdr *h,
			  const u8 **payload)
{
	const u8 *b = buf;
	int err;

	err = rl_wire_hdr_decode(buf, len, h);
	if (err)
		return err;
	if (len - RAFTLOG_FRAME_HDR_SIZE < h->len)
		return -RL_WIRE_ESHORT;
	err = rl_wire_frame_verify(b, b + RAFTLOG_FRAME_HDR_SIZE, h);
	if (err)
		return err;
	*payload = b + RAFTLOG_FRAME_HDR_SIZE;
	return RAFTLOG_FRAME_HDR_SIZE + (long)h->len;
}

void rl_wire_frame_seal(void *frame, u8 type, u32 plen)
{
	u8 *b = frame;

	rl_put_le32(b, RAFTLOG_WIRE_MAGIC);
	b[4] = RAFTLOG_WIRE_VERSION;
	b[5] = type;
	rl_put_le16(b + 6, 0);
	rl_put_le32(b + 8, plen);
	rl_put_le32(b + 12, 0);
	rl_put_le32(b + 12, rl_wire_crc(b, b + RAFTLOG_FRAME_HDR_SIZE, plen));
}

/* ---- authenticated frames ---- */

u32 rl_wire_auth_begin(void *frame, u32 frame_len, u64 seq)
{
	u8 *b = frame;

	rl_put_le16(b + 6, RAFTLOG_FRAME_F_MAC);
	rl_put_le32(b + 8, frame_len - RAFTLOG_FRAME_HDR_SIZE);
	rl_put_le32(b + 12, 0);
	rl_put_le64(b + frame_len - RAFTLOG_FRAME_TRAILER_SIZE, seq);
	return frame_len - RAFTLOG_MAC_SIZE;
}

void rl_wire_auth_end(void *frame, u32 frame_len,
		      const u8 mac[RAFTLOG_MAC_SIZE])
{
	u8 *b = frame;
	u32 plen = frame_len - RAFTLOG_FRAME_HDR_SIZE;

	memcpy(b + frame_len - RAFTLOG_MAC_SIZE, mac, RAFTLOG_MAC_SIZE);
	rl_put_le32(b + 12, rl_wire_crc(b, b + RAFTLOG_FRAME_HDR_SIZE, plen));
}

int rl_wire_auth_split(const struct rl_wire_hdr *h, const u8 *payload,
		       int authed, u32 *mlen, u64 *seq, const u8 **mac)
{
	int has = !!(h->flags & RAFTLOG_FRAME_F_MAC);

	*mlen = h->len;
	*seq = 0;
	*mac = NULL;
	if (has != !!authed)
		return -RL_WIRE_EMAC;
	if (!has)
		return 0;
	if (h->len < RAFTLOG_FRAME_TRAILER_SIZE)
		return -RL_WIRE_ELENGTH;
	*mlen = h->len - RAFTLOG_FRAME_TRAILER_SIZE;
	*seq = rl_get_le64(payload + *mlen);
	*mac = payload + h->len - RAFTLOG_MAC_SIZE;
	return 0;
}

void rl_wire_auth_hdr(u8 out[RAFTLOG_FRAME_HDR_SIZE], const void *hdr_bytes)
{
	memcpy(out, hdr_bytes, RAFTLOG_FRAME_HDR_SIZE);
	rl_put_le32(out + 12, 0);
}

int rl_wire_auth_seq(u64 last, u64 seq)
{
	return seq == last + 1 && seq ? 0 : -RL_WIRE_ESEQ;
}

/* ---- handshake ---- */

void rl_wire_hello_encode(u8 frame[RL_WIRE_HELLO_FRAME],
			  const struct rl_wire_hello *h)
{
	u8 *p = frame + RAFTLOG_FRAME_HDR_SIZE;

	rl_put_le16(p, h->version);
	rl_put_le16(p + 2, h->flags);
	rl_put_le32(p + 4, h->group_id);
	rl_put_le64(p + 8, h->cluster_id);
	rl_put_le64(p + 16, h->sender);
	rl_put_le64(p + 24, h->receiver);
	memcpy(p + 32, h->nonce, RAFTLOG_NONCE_SIZE);
	memcpy(p + 64, h->mac, RAFTLOG_MAC_SIZE);
	rl_wire_frame_seal(frame, RAFTLOG_FRAME_HELLO, RAFTLOG_HELLO_SIZE);
}

void rl_wire_auth_encode(u8 frame[RL_WIRE_AUTH_FRAME],
			 const u8 mac[RAFTLOG_MAC_SIZE])
{
	memcpy(frame + RAFTLOG_FRAME_HDR_SIZE, mac, RAFTLOG_MAC_SIZE);
	rl_wire_frame_seal(frame, RAFTLOG_FRAME_AUTH, RAFTLOG_AUTH_SIZE);
}

void rl_wire_ready_encode(u8 frame[RL_WIRE_READY_FRAME])
{
	rl_wire_frame_seal(frame, RAFTLOG_FRAME_READY, 0);
}

void rl_wire_reject_encode(u8 frame[RL_WIRE_REJECT_FRAME], u32 reason)
{
	rl_put_le32(frame + RAFTLOG_FRAME_HDR_SIZE, reason);
	rl_wire_frame_seal(frame, RAFTLOG_FRAME_REJECT, RAFTLOG_REJECT_SIZE);
}

static int rl_all_zero(const u8 *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

int rl_wire_hello_decode(const u8 *p, u32 len, struct rl_wire_hello *h)
{
	memset(h, 0, sizeof(*h));
	if (len < RAFTLOG_HELLO_SIZE)
		return -RL_WIRE_ESHORT;
	if (len > RAFTLOG_HELLO_SIZE)
		return -RL_WIRE_ELENGTH;
	h->version = rl_get_le16(p);
	h->flags = rl_get_le16(p + 2);
	h->group_id = rl_get_le32(p + 4);
	h->cluster_id = rl_get_le64(p + 8);
	h->sender = rl_get_le64(p + 16);
	h->receiver = rl_get_le64(p + 24);
	memcpy(h->nonce, p + 32, RAFTLOG_NONCE_SIZE);
	memcpy(h->mac, p + 64, RAFTLOG_MAC_SIZE);
	if (h->flags & ~RAFTLOG_HELLO_F_ALL)
		return -RL_WIRE_EFLAGS;
	/* A proof without a secret, or a mac field without a proof: bogus. */
	if ((h->flags & RAFTLOG_HELLO_F_MAC) && !(h->flags & RAFTLOG_HELLO_F_AUTH))
		return -RL_WIRE_EFLAGS;
	if (!(h->flags & RAFTLOG_HELLO_F_MAC) &&
	    !rl_all_zero(h->mac, RAFTLOG_MAC_SIZE))
		return -RL_WIRE_EFLAGS;
	return 0;
}

int rl_wire_auth_decode(const u8 *p, u32 len, u8 mac[RAFTLOG_MAC_SIZE])
{
	if (len < RAFTLOG_AUTH_SIZE)
		return -RL_WIRE_ESHORT;
	if (len > RAFTLOG_AUTH_SIZE)
		return -RL_WIRE_ELENGTH;
	memcpy(mac, p, RAFTLOG_MAC_SIZE);
	return 0;
}

int rl_wire_reject_decode(const u8 *p, u32 len, u32 *reason)
{
	if (len < RAFTLOG_REJECT_SIZE)
		return -RL_WIRE_ESHORT;
	if (len > RAFTLOG_REJECT_SIZE)
		return -RL_WIRE_ELENGTH;
	*reason = rl_get_le32(p);
	if (*reason == RAFTLOG_REJECT_NONE || *reason > RAFTLOG_REJECT_MAX)
		return -RL_WIRE_EFIELD;
	return 0;
}

int rl_wire_ready_decode(const u8 *p, u32 len)
{
	return len ? -RL_WIRE_ELENGTH : 0;
}

u32 rl_wire_hello_check(const struct rl_wire_hello *peer,
			const struct rl_wire_local *local, u64 expect_sender,
			int peer_is_dialer, const u8 *our_nonce)
{
	int peer_auth = !!(peer->flags & RAFTLOG_HELLO_F_AUTH);
	int peer_mac = !!(peer->flags & RAFTLOG_HELLO_F_MAC);

	if (peer->version != RAFTLOG_WIRE_VERSION)
		return RAFTLOG_REJECT_VERSION;
	if (peer->cluster_id != local->cluster_id)
		return RAFTLOG_REJECT_CLUSTER;
	if (peer->group_id != local->group_id)
		return RAFTLOG_REJECT_GROUP;
	if (peer->receiver != local->node_id || peer->sender == RAFT_NONE ||
	    peer->sender == local->node_id ||
	    (expect_sender && peer->sender != expect_sender))
		return RAFTLOG_REJECT_NODE;
	if (peer_auth != !!local->has_secret)
		return RAFTLOG_REJECT_AUTH_MODE;
	if (peer_is_dialer ? peer_mac : peer_mac != peer_auth)
		return RAFTLOG_REJECT_PROTOCOL;
	if (our_nonce && !memcmp(peer->nonce, our_nonce, RAFTLOG_NONCE_SIZE))
		return RAFTLOG_REJECT_REFLECT;
	return RAFTLOG_REJECT_NONE;
}

void rl_wire_transcript(u8 out[RAFTLOG_TRANSCRIPT_SIZE], int role,
			const struct rl_wire_hello *dialer,
			const struct rl_wire_hello *acceptor)
{
	static const char labels[3][9] = {
		[RL_WIRE_ROLE_DIALER] = "RLAUTH-D",
		[RL_WIRE_ROLE_ACCEPTOR] = "RLAUTH-A",
		[RL_WIRE_ROLE_SESSION] = "RLSESS-K",
	};

	memcpy(out, labels[role], 8);
	rl_put_le64(out + 8, dialer->cluster_id);
	rl_put_le32(out + 16, dialer->group_id);
	rl_put_le16(out + 20, dialer->version);
	rl_put_le16(out + 22, 0);
	rl_put_le64(out + 24, dialer->sender);
	rl_put_le64(out + 32, acceptor->sender);
	memcpy(out + 40, dialer->nonce, RAFTLOG_NONCE_SIZE);
	memcpy(out + 72, acceptor->nonce, RAFTLOG_NONCE_SIZE);
}

/* ---- Raft messages ---- */

/* Which message types may carry entries, a snapshot chunk. */
static int rl_msg_has_entries(u8 type)
{
	return type == RAFT_MSG_APPEND || type == RAFT_MSG_PROPOSE;
}

static int rl_msg_check(const struct raft_msg *m)
{
	const struct raft_conf *c = &m->snap.conf;

	if (m->type == 0 || m->type > RAFT_MSG_TYPE_MAX)
		return -RL_WIRE_ETYPE;
	if (m->reject > 1 || m->snap_done > 1)
		return -RL_WIRE_EFIELD;
	if (c->n_voters > RAFTLOG_MSG_MAX_MEMBERS ||
	    c->n_learners > RAFTLOG_MSG_MAX_MEMBERS ||
	    m->n_entries > RAFTLOG_MSG_MAX_ENTRIES ||
	    m->snap_len > RAFTLOG_MSG_MAX_DATA)
		return -RL_WIRE_ECOUNT;
	if (m->n_entries && !rl_msg_has_entries(m->type))
		return -RL_WIRE_EFIELD;
	if (m->snap_len && m->type != RAFT_MSG_SNAPSHOT)
		return -RL_WIRE_EFIELD;
	return 0;
}

size_t rl_wire_msg_size(const struct raft_msg *m)
{
	size_t n;
	u32 i;

	if (rl_msg_check(m))
		return 0;
	n = RAFTLOG_MSG_FIXED_SIZE;
	n += 8 * (size_t)(m->snap.conf.n_voters + m->snap.conf.n_learners);
	for (i = 0; i < m->n_entries; i++) {
		if (m->entries[i].len > RAFTLOG_MSG_MAX_DATA)
			return 0;
		n += RAFTLOG_ENTRY_HDR_SIZE + (size_t)m->entries[i].len;
	}
	n += m->snap_len;
	/* room for a trailer: the same message goes on either connection */
	if (n > RAFTLOG_MSG_MAX_SIZE)
		return 0;
	return n;
}

long rl_wire_msg_encode(void *frame, size_t cap, const struct raft_msg *m)
{
	const struct raft_conf *c = &m->snap.conf;
	u8 *base = frame;
	u8 *p = base + RAFTLOG_FRAME_HDR_SIZE;
	size_t plen;
	u32 i;
	int err;

	err = rl_msg_check(m);
	if (err)
		return err;
	plen = rl_wire_msg_size(m);
	if (!plen)
		return -RL_WIRE_ECOUNT;
	if (cap < RAFTLOG_FRAME_HDR_SIZE + plen)
		return -RL_WIRE_ESHORT;

	p[0] = m->type;
	p[1] = m->reject;
	p[2] = m->snap_done;
	p[3] = 0;
	rl_put_le32(p + 4, (u32)m->error);
	rl_put_le64(p + 8, m->from);
	rl_put_le64(p + 16, m->to);
	rl_put_le64(p + 24, m->term);
	rl_put_le64(p + 32, m->log_term);
	rl_put_le64(p + 40, m->index);
	rl_put_le64(p + 48, m->commit);
	rl_put_le64(p + 56, m->reject_hint);
	rl_put_le64(p + 64, m->hint_term);
	rl_put_le64(p + 72, m->context);
	rl_put_le32(p + 80, m->n_entries);
	rl_put_le32(p + 84, m->snap_len);
	rl_put_le64(p + 88, m->snap_offset);
	rl_put_le64(p + 96, m->snap.index);
	rl_put_le64(p + 104, m->snap.term);
	rl_put_le32(p + 112, c->n_voters);
	rl_put_le32(p + 116, c->n_learners);
	p += RAFTLOG_MSG_FIXED_SIZE;
	for (i = 0; i < c->n_voters; i++, p += 8)
		rl_put_le64(p, c->voters[i]);
	for (i = 0; i < c->n_learners; i++, p += 8)
		rl_put_le64(p, c->learners[i]);
	for (i = 0; i < m->n_entries; i++) {
		const struct raft_entry *e = &m->entries[i];

		rl_put_le64(p, e->term);
		rl_put_le64(p + 8, e->index);
		p[16] = e->type;
		p[17] = 0;
		p[18] = 0;
		p[19] = 0;
		rl_put_le32(p + 20, e->len);
		p += RAFTLOG_ENTRY_HDR_SIZE;
		if (e->len) {
			memcpy(p, e->data, e->len);
			p += e->len;
		}
	}
	if (m->snap_len) {
		memcpy(p, m->snap_data, m->snap_len);
		p += m->snap_len;
	}
	rl_assert((size_t)(p - base) == RAFTLOG_FRAME_HDR_SIZE + plen);
	rl_wire_frame_seal(frame, RAFTLOG_FRAME_RAFT, (u32)plen);
	return (long)(RAFTLOG_FRAME_HDR_SIZE + plen);
}

void rl_wire_msg_free(struct raft_msg *m)
{
	u32 i;

	if (m->entries) {
		for (i = 0; i < m->n_entries; i++)
			rl_free(m->entries[i].data);
		rl_free(m->entries);
	}
	rl_big_free(m->snap_data);
	m->entries = NULL;
	m->n_entries = 0;
	m->snap_data = NULL;
	m->snap_len = 0;
}

static u64 rl_rd64(const u8 *p, u32 off)
{
	return rl_get_le64(p + off);
}

/* The fixed part (RAFTLOG_MSG_FIXED_SIZE bytes, already there) into @m. */
static int rl_msg_decode_fixed(const u8 *p, struct raft_msg *m)
{
	struct raft_conf *c = &m->snap.conf;

	m->type = p[0];
	m->reject = p[1];
	m->snap_done = p[2];
	m->error = (s32)rl_get_le32(p + 4);
	m->from = rl_rd64(p, 8);
	m->to = rl_rd64(p, 16);
	m->term = rl_rd64(p, 24);
	m->log_term = rl_rd64(p, 32);
	m->index = rl_rd64(p, 40);
	m->commit = rl_rd64(p, 48);
	m->reject_hint = rl_rd64(p, 56);
	m->hint_term = rl_rd64(p, 64);
	m->context = rl_rd64(p, 72);
	m->n_entries = rl_get_le32(p + 80);
	m->snap_len = rl_get_le32(p + 84);
	m->snap_offset = rl_rd64(p, 88);
	m->snap.index = rl_rd64(p, 96);
	m->snap.term = rl_rd64(p, 104);
	c->n_voters = rl_get_le32(p + 112);
	c->n_learners = rl_get_le32(p + 116);

	if (p[3])
		return -RL_WIRE_EFLAGS;
	if (m->error > 0 || m->error < -4095)
		return -RL_WIRE_EFIELD;
	return rl_msg_check(m);
}

/* The member ids after the fixed part; counts are bounded already. */
static int rl_msg_decode_members(const u8 *p, u32 len, u32 *off,
				 struct raft_msg *m)
{
	struct raft_conf *c = &m->snap.conf;
	u32 i;

	if (len - *off < 8 * (c->n_voters + c->n_learners))
		return -RL_WIRE_ELENGTH;
	for (i = 0; i < c->n_voters; i++, *off += 8)
		c->voters[i] = rl_rd64(p, *off);
	for (i = 0; i < c->n_learners; i++, *off += 8)
		c->learners[i] = rl_rd64(p, *off);
	return 0;
}

/* One entry header and its data at *@off into @e (data allocated). */
static int rl_msg_decode_entry(const u8 *p, u32 len, u32 *off,
			       struct raft_entry *e)
{
	u32 rem = len - *off;
	const u8 *h = p + *off;

	if (rem < RAFTLOG_ENTRY_HDR_SIZE)
		return -RL_WIRE_ELENGTH;
	e->term = rl_get_le64(h);
	e->index = rl_get_le64(h + 8);
	e->type = h[16];
	e->len = rl_get_le32(h + 20);
	*off += RAFTLOG_ENTRY_HDR_SIZE;
	rem -= RAFTLOG_ENTRY_HDR_SIZE;
	if (h[17] || h[18] || h[19])
		return -RL_WIRE_EFLAGS;
	if (e->type > RAFT_ENTRY_CONF_CHANGE)
		return -RL_WIRE_EFIELD;
	if (e->len > RAFTLOG_MSG_MAX_DATA)
		return -RL_WIRE_ECOUNT;
	if (e->len > rem)
		return -RL_WIRE_ELENGTH;
	if (!e->len)
		return 0;
	e->data = rl_malloc(e->len);
	if (!e->data)
		return -RL_WIRE_ENOMEM;
	memcpy(e->data, p + *off, e->len);
	*off += e->len;
	return 0;
}

/*
 * The entries; the array is allocated only once the bytes left can hold
 * all their headers, so a count costs nothing before the data is there.
 */
static int rl_msg_decode_entries(const u8 *p, u32 len, u32 *off,
				 struct raft_msg *m)
{
	u32 i;
	int err;

	if (!m->n_entries)
		return 0;
	if ((len - *off) / RAFTLOG_ENTRY_HDR_SIZE < m->n_entries)
		return -RL_WIRE_ELENGTH;
	m->entries = rl_calloc(m->n_entries, sizeof(*m->entries));
	if (!m->entries)
		return -RL_WIRE_ENOMEM;
	for (i = 0; i < m->n_entries; i++) {
		err = rl_msg_decode_entry(p, len, off, &m->entries[i]);
		if (err)
			return err;
	}
	return 0;
}

/* The snapshot chunk: exactly the bytes left. */
static int rl_msg_decode_snap(const u8 *p, u32 len, u32 off,
			      struct raft_msg *m)
{
	if (len - off != m->snap_len)
		return -RL_WIRE_ELENGTH;	/* missing or trailing bytes */
	if (!m->snap_len)
		return 0;
	m->snap_data = rl_big_alloc(m->snap_len);
	if (!m->snap_data)
		return -RL_WIRE_ENOMEM;
	memcpy(m->snap_data, p + off, m->snap_len);
	return 0;
}

int rl_wire_msg_decode(const u8 *p, u32 len, struct raft_msg *m)
{
	u32 off = RAFTLOG_MSG_FIXED_SIZE;
	int err;

	memset(m, 0, sizeof(*m));
	if (len < RAFTLOG_MSG_FIXED_SIZE)
		return -RL_WIRE_ESHORT;
	/* what the encoder refuses the decoder refuses */
	if (len > RAFTLOG_MSG_MAX_SIZE)
		return -RL_WIRE_ETOOBIG;
	err = rl_msg_decode_fixed(p, m);
	/* counts are bounded from here on: no sum below can overflow */
	if (!err)
		err = rl_msg_decode_members(p, len, &off, m);
	if (!err)
		err = rl_msg_decode_entries(p, len, &off, m);
	if (!err)
		err = rl_msg_decode_snap(p, len, off, m);
	if (!err)
		return 0;
	/* entries not filled in have NULL data: freeing them is harmless */
	rl_wire_msg_free(m);
	memset(m, 0, sizeof(*m));
	return err;
}
