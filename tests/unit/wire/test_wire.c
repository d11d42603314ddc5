// SPDX-License-Identifier: GPL-2.0
/*
 * The wire codec (kernel/wire.c): every Raft message type survives a round
 * trip; every truncation, length lie, bad magic/version/type/flags and bad
 * checksum is refused with its own error; handshake messages and checks.
 * The same file runs on the host (tests/unit/wire) and under KUnit.
 */
#include "port.h"
#include "wire.h"
#include "rltest.h"

#define HDR RAFTLOG_FRAME_HDR_SIZE

/* A message of @type with every field its type uses set to something. */
static void mk_msg(struct raft_msg *m, u8 type, u8 *data, u32 ndata)
{
	static struct raft_entry ents[3];
	u32 i;

	memset(m, 0, sizeof(*m));
	m->type = type;
	m->from = 0x0102030405060708ULL;
	m->to = 2;
	m->term = 77;
	m->log_term = 76;
	m->index = 1000 + type;
	m->commit = 990;
	m->context = 0xfeedfacecafebeefULL;
	switch (type) {
	case RAFT_MSG_VOTE_RESP:
	case RAFT_MSG_PREVOTE_RESP:
	case RAFT_MSG_SNAPSHOT_RESP:
		m->reject = 1;
		m->snap_offset = 4096;
		break;
	case RAFT_MSG_APPEND_RESP:
		m->reject = 1;
		m->reject_hint = 500;
		m->hint_term = 70;
		break;
	case RAFT_MSG_PROPOSE_RESP:
	case RAFT_MSG_READ_INDEX_RESP:
		m->error = -11;
		break;
	default:
		break;
	}
	if (type == RAFT_MSG_APPEND || type == RAFT_MSG_PROPOSE) {
		for (i = 0; i < ndata; i++)
			data[i] = (u8)(i * 7 + type);
		ents[0] = (struct raft_entry){ 75, 1001, RAFT_ENTRY_NORMAL, 0, NULL };
		ents[1] = (struct raft_entry){ 76, 1002, RAFT_ENTRY_CONF_CHANGE,
					       ndata / 2, data };
		ents[2] = (struct raft_entry){ 77, 1003, RAFT_ENTRY_NORMAL,
					       ndata - ndata / 2, data + ndata / 2 };
		m->entries = ents;
		m->n_entries = type == RAFT_MSG_PROPOSE ? 1 : 3;
		if (type == RAFT_MSG_PROPOSE)
			m->entries = &ents[2];
	}
	if (type == RAFT_MSG_SNAPSHOT) {
		for (i = 0; i < ndata; i++)
			data[i] = (u8)(i ^ 0x5a);
		m->snap.index = 900;
		m->snap.term = 60;
		m->snap.conf.n_voters = 3;
		m->snap.conf.voters[0] = 1;
		m->snap.conf.voters[1] = 2;
		m->snap.conf.voters[2] = 0xffffffffffffffffULL;
		m->snap.conf.n_learners = 1;
		m->snap.conf.learners[0] = 9;
		m->snap_offset = 8192;
		m->snap_len = ndata;
		m->snap_data = data;
		m->snap_done = 1;
	}
}

static void expect_msg_eq(RL_T *rl_t, const struct raft_msg *a,
			  const struct raft_msg *b)
{
	u32 i;

	RL_EXPECT_EQ(a->type, b->type);
	RL_EXPECT_EQ(a->reject, b->reject);
	RL_EXPECT_EQ(a->snap_done, b->snap_done);
	RL_EXPECT_EQ(a->error, b->error);
	RL_EXPECT(a->from == b->from);
	RL_EXPECT(a->to == b->to);
	RL_EXPECT(a->term == b->term);
	RL_EXPECT(a->log_term == b->log_term);
	RL_EXPECT(a->index == b->index);
	RL_EXPECT(a->commit == b->commit);
	RL_EXPECT(a->reject_hint == b->reject_hint);
	RL_EXPECT(a->hint_term == b->hint_term);
	RL_EXPECT(a->context == b->context);
	RL_EXPECT(a->snap_offset == b->snap_offset);
	RL_EXPECT(a->snap.index == b->snap.index);
	RL_EXPECT(a->snap.term == b->snap.term);
	RL_ASSERT_EQ(a->snap.conf.n_voters, b->snap.conf.n_voters);
	RL_ASSERT_EQ(a->snap.conf.n_learners, b->snap.conf.n_learners);
	for (i = 0; i < a->snap.conf.n_voters; i++)
		RL_EXPECT(a->snap.conf.voters[i] == b->snap.conf.voters[i]);
	for (i = 0; i < a->snap.conf.n_learners; i++)
		RL_EXPECT(a->snap.conf.learners[i] == b->snap.conf.learners[i]);
	RL_ASSERT_EQ(a->n_entries, b->n_entries);
	for (i = 0; i < a->n_entries; i++) {
		const struct raft_entry *x = &a->entries[i], *y = &b->entries[i];

		RL_EXPECT(x->term == y->term);
		RL_EXPECT(x->index == y->index);
		RL_EXPECT_EQ(x->type, y->type);
		RL_ASSERT_EQ(x->len, y->len);
		if (x->len)
			RL_EXPECT_MEMEQ(x->data, y->data, x->len);
	}
	RL_ASSERT_EQ(a->snap_len, b->snap_len);
	if (a->snap_len)
		RL_EXPECT_MEMEQ(a->snap_data, b->snap_data, a->snap_len);
}

/* Encode @m into a fresh buffer; *n = frame size. */
static u8 *enc(RL_T *rl_t, const struct raft_msg *m, size_t *n)
{
	size_t cap = HDR + rl_wire_msg_size(m);
	u8 *f = rl_malloc(cap);
	long r;

	*n = 0;
	if (!f)
		return NULL;
	r = rl_wire_msg_encode(f, cap, m);
	RL_EXPECT_EQ(r, (long)cap);
	if (r != (long)cap) {
		rl_free(f);
		return NULL;
	}
	*n = cap;
	return f;
}

/* Frame decode + message decode of a whole buffer. */
static int dec(const u8 *f, size_t n, struct raft_msg *out)
{
	struct rl_wire_hdr h;
	const u8 *pl;
	long r;

	r = rl_wire_frame_decode(f, n, &h, &pl);
	if (r < 0)
		return (int)r;
	if (h.type != RAFTLOG_FRAME_RAFT)
		return -RL_WIRE_ETYPE;
	return rl_wire_msg_decode(pl, h.len, out);
}

RL_TEST(roundtrip_every_message_type)
{
	u8 *data = rl_malloc(300);
	struct raft_msg *m = rl_zalloc(2 * sizeof(*m));
	u8 t;

	RL_ASSERT(data && m);
	for (t = 1; t <= RAFT_MSG_TYPE_MAX; t++) {
		size_t n;
		u8 *f;
		int err;

		mk_msg(&m[0], t, data, 300);
		f = enc(rl_t, &m[0], &n);
		if (!f)
			break;
		err = dec(f, n, &m[1]);
		RL_EXPECT_EQ(err, 0);
		if (!err) {
			expect_msg_eq(rl_t, &m[0], &m[1]);
			rl_wire_msg_free(&m[1]);
		}
		rl_free(f);
	}
	rl_free(m);
	rl_free(data);
}

RL_TEST(roundtrip_extremes)
{
	struct raft_msg *m = rl_zalloc(2 * sizeof(*m));
	struct raft_entry *e = rl_calloc(RAFTLOG_MSG_MAX_ENTRIES, sizeof(*e));
	u8 *big = rl_zalloc(RAFTLOG_MSG_MAX_DATA);
	size_t n;
	u8 *f;
	u32 i;
	int err;

	RL_ASSERT(m && e && big);
	/* The most entries a message may carry, all empty. */
	m->type = RAFT_MSG_APPEND;
	m->term = ~0ULL;
	m->error = 0;
	m->n_entries = RAFTLOG_MSG_MAX_ENTRIES;
	m->entries = e;
	for (i = 0; i < RAFTLOG_MSG_MAX_ENTRIES; i++)
		e[i].index = i + 1;
	f = enc(rl_t, m, &n);
	RL_EXPECT(f != NULL);
	if (f) {
		err = dec(f, n, &m[1]);
		RL_EXPECT_EQ(err, 0);
		expect_msg_eq(rl_t, &m[0], &m[1]);
		rl_wire_msg_free(&m[1]);
		rl_free(f);
	}
	/* The largest single chunk, and a full configuration. */
	memset(m, 0, sizeof(*m));
	m->type = RAFT_MSG_SNAPSHOT;
	m->snap_len = RAFTLOG_MSG_MAX_DATA;
	m->snap_data = big;
	big[RAFTLOG_MSG_MAX_DATA - 1] = 0xab;
	m->snap.conf.n_voters = RAFTLOG_MSG_MAX_MEMBERS;
	m->snap.conf.n_learners = RAFTLOG_MSG_MAX_MEMBERS;
	for (i = 0; i < RAFTLOG_MSG_MAX_MEMBERS; i++) {
		m->snap.conf.voters[i] = i + 1;
		m->snap.conf.learners[i] = i + 100;
	}
	f = enc(rl_t, m, &n);
	RL_EXPECT(f != NULL);
	if (f) {
		err = dec(f, n, &m[1]);
		RL_EXPECT_EQ(err, 0);
		expect_msg_eq(rl_t, &m[0], &m[1]);
		rl_wire_msg_free(&m[1]);
		rl_free(f);
	}
	rl_free(big);
	rl_free(e);
	rl_free(m);
}

RL_TEST(encoder_refuses_what_the_decoder_would)
{
	struct raft_msg *m = rl_zalloc(sizeof(*m));
	struct raft_entry e = { 1, 1, 0, 0, NULL };
	u8 buf[HDR + RAFTLOG_MSG_FIXED_SIZE + 64];

	RL_ASSERT(m);
	m->type = 0;
	RL_EXPECT_EQ(rl_wire_msg_encode(buf, sizeof(buf), m), -RL_WIRE_ETYPE);
	m->type = RAFT_MSG_TYPE_MAX + 1;
	RL_EXPECT_EQ(rl_wire_msg_encode(buf, sizeof(buf), m), -RL_WIRE_ETYPE);
	m->type = RAFT_MSG_VOTE;
	m->entries = &e;
	m->n_entries = 1;	/* a vote carries no entries */
	RL_EXPECT_EQ(rl_wire_msg_encode(buf, sizeof(buf), m), -RL_WIRE_EFIELD);
	m->n_entries = 0;
	m->reject = 2;
	RL_EXPECT_EQ(rl_wire_msg_encode(buf, sizeof(buf), m), -RL_WIRE_EFIELD);
	m->reject = 0;
	m->snap.conf.n_voters = RAFTLOG_MSG_MAX_MEMBERS + 1;
	RL_EXPECT_EQ(rl_wire_msg_encode(buf, sizeof(buf), m), -RL_WIRE_ECOUNT);
	m->snap.conf.n_voters = 0;
	RL_EXPECT_EQ(rl_wire_msg_encode(buf, HDR + RAFTLOG_MSG_FIXED_SIZE - 1, m),
		     -RL_WIRE_ESHORT);
	RL_EXPECT_EQ(rl_wire_msg_encode(buf, sizeof(buf), m),
		     HDR + RAFTLOG_MSG_FIXED_SIZE);
	rl_free(m);
}

/* Each prefix of a valid frame is refused as truncated, for every type. */
RL_TEST(every_truncation_rejected)
{
	u8 *data = rl_malloc(40);
	struct raft_msg *m = rl_zalloc(2 * sizeof(*m));
	u8 t;

	RL_ASSERT(data && m);
	for (t = 1; t <= RAFT_MSG_TYPE_MAX; t++) {
		size_t n, k;
		u8 *f;
		int bad = 0;

		mk_msg(&m[0], t, data, 40);
		f = enc(rl_t, &m[0], &n);
		if (!f)
			break;
		for (k = 0; k < n; k++) {
			int err = dec(f, k, &m[1]);

			if (err != -RL_WIRE_ESHORT)
				bad++;
			if (!err)
				rl_wire_msg_free(&m[1]);
		}
		RL_EXPECT_EQ(bad, 0);
		/*
		 * And each shorter payload, re-sealed so the checksum is right:
		 * the message decoder itself must notice what is missing.
		 */
		for (k = 0; k < n - HDR; k++) {
			int err;

			rl_wire_frame_seal(f, RAFTLOG_FRAME_RAFT, (u32)k);
			err = dec(f, HDR + k, &m[1]);
			if (err != -RL_WIRE_ESHORT && err != -RL_WIRE_ELENGTH)
				bad++;
			if (!err)
				rl_wire_msg_free(&m[1]);
		}
		RL_EXPECT_EQ(bad, 0);
		rl_free(f);
	}
	rl_free(m);
	rl_free(data);
}

/* Every single-bit flip of a frame is refused (checksum or a header check). */
RL_TEST(every_bit_flip_rejected)
{
	u8 *data = rl_malloc(16);
	struct raft_msg *m = rl_zalloc(2 * sizeof(*m));
	size_t n, k;
	u8 *f;
	int accepted = 0;

	RL_ASSERT(data && m);
	mk_msg(&m[0], RAFT_MSG_APPEND, data, 16);
	f = enc(rl_t, &m[0], &n);
	RL_ASSERT(f != NULL);
	for (k = 0; k < n * 8; k++) {
		int err;

		f[k / 8] ^= 1 << (k % 8);
		err = dec(f, n, &m[1]);
		if (!err) {
			accepted++;
			rl_wire_msg_free(&m[1]);
		}
		f[k / 8] ^= 1 << (k % 8);
	}
	RL_EXPECT_EQ(accepted, 0);
	k = dec(f, n, &m[1]);
	RL_EXPECT_EQ(k, 0);
	rl_wire_msg_free(&m[1]);
	rl_free(f);
	rl_free(m);
	rl_free(data);
}

RL_TEST(bad_header_fields)
{
	u8 f[HDR + 8];
	struct rl_wire_hdr h;
	const u8 *pl;

	memset(f + HDR, 0x11, 8);
	rl_wire_frame_seal(f, RAFTLOG_FRAME_RAFT, 8);
	RL_EXPECT_EQ(rl_wire_frame_decode(f, sizeof(f), &h, &pl), (long)sizeof(f));
	RL_EXPECT(pl == f + HDR);
	RL_EXPECT_EQ(h.len, 8);

	/* magic */
	f[0] ^= 1;
	RL_EXPECT_EQ(rl_wire_frame_decode(f, sizeof(f), &h, &pl), -RL_WIRE_EMAGIC);
	f[0] ^= 1;
	/* version */
	f[4] = RAFTLOG_WIRE_VERSION + 1;
	RL_EXPECT_EQ(rl_wire_frame_decode(f, sizeof(f), &h, &pl), -RL_WIRE_EVERSION);
	f[4] = 0;
	RL_EXPECT_EQ(rl_wire_frame_decode(f, sizeof(f), &h, &pl), -RL_WIRE_EVERSION);
	f[4] = RAFTLOG_WIRE_VERSION;
	/* type */
	f[5] = 0;
	RL_EXPECT_EQ(rl_wire_frame_decode(f, sizeof(f), &h, &pl), -RL_WIRE_ETYPE);
	f[5] = RAFTLOG_FRAME_TYPE_MAX + 1;
	RL_EXPECT_EQ(rl_wire_frame_decode(f, sizeof(f), &h, &pl), -RL_WIRE_ETYPE);
	f[5] = RAFTLOG_FRAME_RAFT;
	/* flags */
	f[7] = 0x80;
	RL_EXPECT_EQ(rl_wire_frame_decode(f, sizeof(f), &h, &pl), -RL_WIRE_EFLAGS);
	f[7] = 0;
	/* checksum: header byte, payload byte, crc field itself */
	RL_EXPECT_EQ(rl_wire_frame_decode(f, sizeof(f), &h, &pl), (long)sizeof(f));
	f[HDR + 3] ^= 0x40;
	RL_EXPECT_EQ(rl_wire_frame_decode(f, sizeof(f), &h, &pl), -RL_WIRE_ECRC);
	f[HDR + 3] ^= 0x40;
	f[13] ^= 0x01;
	RL_EXPECT_EQ(rl_wire_frame_decode(f, sizeof(f), &h, &pl), -RL_WIRE_ECRC);
	f[13] ^= 0x01;
	RL_EXPECT_EQ(rl_wire_frame_decode(f, sizeof(f), &h, &pl), (long)sizeof(f));
}

RL_TEST(frame_length_lies)
{
	u8 f[HDR + 9];
	struct rl_wire_hdr h;
	const u8 *pl;

	memset(f + HDR, 0x22, 9);
	/* length larger than the buffer: truncated, whatever the crc says */
	rl_wire_frame_seal(f, RAFTLOG_FRAME_RAFT, 9);
	RL_EXPECT_EQ(rl_wire_frame_decode(f, HDR + 8, &h, &pl), -RL_WIRE_ESHORT);
	RL_EXPECT_EQ(rl_wire_frame_decode(f, HDR + 9, &h, &pl), HDR + 9);
	/* larger than the protocol maximum: refused on the header alone */
	rl_put_le32(f + 8, RAFTLOG_FRAME_MAX_PAYLOAD + 1);
	RL_EXPECT_EQ(rl_wire_hdr_decode(f, HDR, &h), -RL_WIRE_ETOOBIG);
	rl_put_le32(f + 8, 0xffffffffU);
	RL_EXPECT_EQ(rl_wire_frame_decode(f, sizeof(f), &h, &pl), -RL_WIRE_ETOOBIG);
	rl_put_le32(f + 8, RAFTLOG_FRAME_MAX_PAYLOAD);
	RL_EXPECT_EQ(rl_wire_hdr_decode(f, HDR, &h), 0);
	/* length smaller than the buffer: the frame ends there (next frame) */
	rl_wire_frame_seal(f, RAFTLOG_FRAME_RAFT, 4);
	RL_EXPECT_EQ(rl_wire_frame_decode(f, sizeof(f), &h, &pl), HDR + 4);
	/* a length changed after sealing fails the checksum */
	rl_wire_frame_seal(f, RAFTLOG_FRAME_RAFT, 9);
	rl_put_le32(f + 8, 4);
	RL_EXPECT_EQ(rl_wire_frame_decode(f, sizeof(f), &h, &pl), -RL_WIRE_ECRC);
	/* header shorter than a header */
	RL_EXPECT_EQ(rl_wire_hdr_decode(f, HDR - 1, &h), -RL_WIRE_ESHORT);
	RL_EXPECT_EQ(rl_wire_frame_decode(f, 0, &h, &pl), -RL_WIRE_ESHORT);
}

/* Patch a field of an encoded RAFT frame, re-seal, decode. */
static int patch32(u8 *f, size_t n, size_t off, u32 v, struct raft_msg *out)
{
	rl_put_le32(f + HDR + off, v);
	rl_wire_frame_seal(f, RAFTLOG_FRAME_RAFT, (u32)(n - HDR));
	return dec(f, n, out);
}

RL_TEST(message_length_lies)
{
	u8 *data = rl_malloc(40);
	struct raft_msg *m = rl_zalloc(2 * sizeof(*m));
	size_t n, e1, e2;
	u8 *f, *g;
	int err;

	RL_ASSERT(data && m);
	/* APPEND: 3 entries of 0, 20, 20 bytes */
	mk_msg(&m[0], RAFT_MSG_APPEND, data, 40);
	f = enc(rl_t, &m[0], &n);
	RL_ASSERT(f != NULL);
	g = rl_malloc(n + 8);
	RL_ASSERT(g != NULL);

#define FRESH() memcpy(g, f, n)
	FRESH();
	RL_EXPECT_EQ(patch32(g, n, 80, 4, &m[1]), -RL_WIRE_ELENGTH);	/* one more entry */
	FRESH();
	RL_EXPECT_EQ(patch32(g, n, 80, 2, &m[1]), -RL_WIRE_ELENGTH);	/* one fewer: trailing */
	FRESH();
	RL_EXPECT_EQ(patch32(g, n, 80, 0xffffffffU, &m[1]), -RL_WIRE_ECOUNT);
	FRESH();
	RL_EXPECT_EQ(patch32(g, n, 80, RAFTLOG_MSG_MAX_ENTRIES, &m[1]), -RL_WIRE_ELENGTH);
	/* entry 1's length (entry 0 is empty: header at FIXED + 24) */
	e1 = RAFTLOG_MSG_FIXED_SIZE + RAFTLOG_ENTRY_HDR_SIZE;
	e2 = e1 + RAFTLOG_ENTRY_HDR_SIZE + 20;
	/* the last entry's length one too long / one too short (trailing) */
	FRESH();
	RL_EXPECT_EQ(patch32(g, n, e2 + 20, 21, &m[1]), -RL_WIRE_ELENGTH);
	FRESH();
	RL_EXPECT_EQ(patch32(g, n, e2 + 20, 19, &m[1]), -RL_WIRE_ELENGTH);
	/* a middle entry's length lie shifts the next header: refused too */
	FRESH();
	RL_EXPECT(patch32(g, n, e1 + 20, 21, &m[1]) < 0);
	FRESH();
	RL_EXPECT(patch32(g, n, e1 + 20, 19, &m[1]) < 0);
	FRESH();
	RL_EXPECT_EQ(patch32(g, n, e1 + 20, 0xffffffffU, &m[1]), -RL_WIRE_ECOUNT);
	FRESH();
	RL_EXPECT_EQ(patch32(g, n, e1 + 20, 0xffffffe0U, &m[1]), -RL_WIRE_ECOUNT);
	FRESH();
	RL_EXPECT_EQ(patch32(g, n, e1 + 20, 1000, &m[1]), -RL_WIRE_ELENGTH);
	/* entry padding and type */
	FRESH();
	RL_EXPECT_EQ(patch32(g, n, e1 + 16, 0x100 | RAFT_ENTRY_CONF_CHANGE, &m[1]),
		     -RL_WIRE_EFLAGS);
	FRESH();
	RL_EXPECT_EQ(patch32(g, n, e1 + 16, 7, &m[1]), -RL_WIRE_EFIELD);
	/* snapshot data on an APPEND; member counts */
	FRESH();
	RL_EXPECT_EQ(patch32(g, n, 84, 1, &m[1]), -RL_WIRE_EFIELD);
	FRESH();
	RL_EXPECT_EQ(patch32(g, n, 112, RAFTLOG_MSG_MAX_MEMBERS + 1, &m[1]), -RL_WIRE_ECOUNT);
	FRESH();
	RL_EXPECT_EQ(patch32(g, n, 116, 0x80000000U, &m[1]), -RL_WIRE_ECOUNT);
	FRESH();
	RL_EXPECT_EQ(patch32(g, n, 112, RAFTLOG_MSG_MAX_MEMBERS, &m[1]), -RL_WIRE_ELENGTH);
	/* header bytes of the message: type, booleans, pad, error */
	FRESH();
	RL_EXPECT_EQ(patch32(g, n, 0, RAFT_MSG_TYPE_MAX + 1, &m[1]), -RL_WIRE_ETYPE);
	FRESH();
	RL_EXPECT_EQ(patch32(g, n, 0, RAFT_MSG_VOTE, &m[1]), -RL_WIRE_EFIELD);
	FRESH();
	RL_EXPECT_EQ(patch32(g, n, 0, RAFT_MSG_APPEND | 2 << 8, &m[1]), -RL_WIRE_EFIELD);
	FRESH();
	RL_EXPECT_EQ(patch32(g, n, 0, RAFT_MSG_APPEND | 1 << 24, &m[1]), -RL_WIRE_EFLAGS);
	FRESH();
	RL_EXPECT_EQ(patch32(g, n, 4, 5, &m[1]), -RL_WIRE_EFIELD);
	FRESH();
	RL_EXPECT_EQ(patch32(g, n, 4, (u32)-5000, &m[1]), -RL_WIRE_EFIELD);
	/* trailing garbage inside the payload */
	FRESH();
	g[n] = 0;
	rl_wire_frame_seal(g, RAFTLOG_FRAME_RAFT, (u32)(n + 1 - HDR));
	RL_EXPECT_EQ(dec(g, n + 1, &m[1]), -RL_WIRE_ELENGTH);
	/* the unpatched original still decodes */
	FRESH();
	err = dec(g, n, &m[1]);
	RL_EXPECT_EQ(err, 0);
	rl_wire_msg_free(&m[1]);
#undef FRESH
	rl_free(g);
	rl_free(f);

	/* SNAPSHOT: chunk length lies */
	mk_msg(&m[0], RAFT_MSG_SNAPSHOT, data, 40);
	f = enc(rl_t, &m[0], &n);
	RL_ASSERT(f != NULL);
	RL_EXPECT_EQ(patch32(f, n, 84, 41, &m[1]), -RL_WIRE_ELENGTH);
	RL_EXPECT_EQ(patch32(f, n, 84, 39, &m[1]), -RL_WIRE_ELENGTH);
	RL_EXPECT_EQ(patch32(f, n, 84, RAFTLOG_MSG_MAX_DATA + 1, &m[1]), -RL_WIRE_ECOUNT);
	err = patch32(f, n, 84, 40, &m[1]);
	RL_EXPECT_EQ(err, 0);
	rl_wire_msg_free(&m[1]);
	rl_free(f);
	rl_free(m);
	rl_free(data);
}

static void mk_hello(struct rl_wire_hello *h, u64 from, u64 to, int auth,
		     int mac, u8 seed)
{
	memset(h, 0, sizeof(*h));
	h->version = RAFTLOG_WIRE_VERSION;
	h->flags = (auth ? RAFTLOG_HELLO_F_AUTH : 0) | (mac ? RAFTLOG_HELLO_F_MAC : 0);
	h->group_id = 7;
	h->cluster_id = 0xc1c1c1c1c1c1ULL;
	h->sender = from;
	h->receiver = to;
	memset(h->nonce, seed, RAFTLOG_NONCE_SIZE);
	if (mac)
		memset(h->mac, seed ^ 0xff, RAFTLOG_MAC_SIZE);
}

RL_TEST(handshake_roundtrip)
{
	u8 f[RL_WIRE_HELLO_FRAME];
	u8 mac[RAFTLOG_MAC_SIZE], mac2[RAFTLOG_MAC_SIZE];
	struct rl_wire_hello a, b;
	struct rl_wire_hdr h;
	const u8 *pl;
	u32 reason = 0;

	mk_hello(&a, 1, 2, 1, 1, 0x33);
	rl_wire_hello_encode(f, &a);
	RL_ASSERT_EQ(rl_wire_frame_decode(f, sizeof(f), &h, &pl), sizeof(f));
	RL_EXPECT_EQ(h.type, RAFTLOG_FRAME_HELLO);
	RL_ASSERT_EQ(rl_wire_hello_decode(pl, h.len, &b), 0);
	RL_EXPECT_MEMEQ(&a, &b, sizeof(a));
	RL_EXPECT_EQ(rl_wire_hello_decode(pl, h.len - 1, &b), -RL_WIRE_ESHORT);
	RL_EXPECT_EQ(rl_wire_hello_decode(pl, h.len + 1, &b), -RL_WIRE_ELENGTH);
	/* a mac without the auth flag, unknown flags, a mac field set without F_MAC */
	f[HDR + 2] = RAFTLOG_HELLO_F_MAC;
	RL_EXPECT_EQ(rl_wire_hello_decode(f + HDR, RAFTLOG_HELLO_SIZE, &b), -RL_WIRE_EFLAGS);
	f[HDR + 2] = 0x4 | RAFTLOG_HELLO_F_AUTH;
	RL_EXPECT_EQ(rl_wire_hello_decode(f + HDR, RAFTLOG_HELLO_SIZE, &b), -RL_WIRE_EFLAGS);
	f[HDR + 2] = RAFTLOG_HELLO_F_AUTH;
	RL_EXPECT_EQ(rl_wire_hello_decode(f + HDR, RAFTLOG_HELLO_SIZE, &b), -RL_WIRE_EFLAGS);

	memset(mac, 0xa5, sizeof(mac));
	rl_wire_auth_encode(f, mac);
	RL_ASSERT_EQ(rl_wire_frame_decode(f, RL_WIRE_AUTH_FRAME, &h, &pl), RL_WIRE_AUTH_FRAME);
	RL_EXPECT_EQ(h.type, RAFTLOG_FRAME_AUTH);
	RL_EXPECT_EQ(rl_wire_auth_decode(pl, h.len, mac2), 0);
	RL_EXPECT_MEMEQ(mac, mac2, sizeof(mac));
	RL_EXPECT_EQ(rl_wire_auth_decode(pl, h.len - 1, mac2), -RL_WIRE_ESHORT);

	rl_wire_reject_encode(f, RAFTLOG_REJECT_AUTH);
	RL_ASSERT_EQ(rl_wire_frame_decode(f, RL_WIRE_REJECT_FRAME, &h, &pl),
		     RL_WIRE_REJECT_FRAME);
	RL_EXPECT_EQ(h.type, RAFTLOG_FRAME_REJECT);
	RL_EXPECT_EQ(rl_wire_reject_decode(pl, h.len, &reason), 0);
	RL_EXPECT_EQ(reason, RAFTLOG_REJECT_AUTH);
	rl_put_le32(f + HDR, 0);
	RL_EXPECT_EQ(rl_wire_reject_decode(f + HDR, 4, &reason), -RL_WIRE_EFIELD);
	rl_put_le32(f + HDR, RAFTLOG_REJECT_MAX + 1);
	RL_EXPECT_EQ(rl_wire_reject_decode(f + HDR, 4, &reason), -RL_WIRE_EFIELD);

	rl_wire_ready_encode(f);
	RL_ASSERT_EQ(rl_wire_frame_decode(f, RL_WIRE_READY_FRAME, &h, &pl), RL_WIRE_READY_FRAME);
	RL_EXPECT_EQ(h.type, RAFTLOG_FRAME_READY);
	RL_EXPECT_EQ(rl_wire_ready_decode(pl, h.len), 0);
	RL_EXPECT_EQ(rl_wire_ready_decode(pl, 1), -RL_WIRE_ELENGTH);
}

RL_TEST(handshake_checks)
{
	struct rl_wire_local acc = { 0xc1c1c1c1c1c1ULL, 7, 2, 1 };
	struct rl_wire_local dial = { 0xc1c1c1c1c1c1ULL, 7, 1, 1 };
	struct rl_wire_hello d, a;
	u8 mynonce[RAFTLOG_NONCE_SIZE];

	/* The dialer's HELLO as the acceptor sees it. */
	mk_hello(&d, 1, 2, 1, 0, 0x11);
	RL_EXPECT_EQ(rl_wire_hello_check(&d, &acc, 0, 1, NULL), RAFTLOG_REJECT_NONE);
	RL_EXPECT_EQ(rl_wire_hello_check(&d, &acc, 1, 1, NULL), RAFTLOG_REJECT_NONE);
	RL_EXPECT_EQ(rl_wire_hello_check(&d, &acc, 3, 1, NULL), RAFTLOG_REJECT_NODE);
	d.version = 2;
	RL_EXPECT_EQ(rl_wire_hello_check(&d, &acc, 0, 1, NULL), RAFTLOG_REJECT_VERSION);
	d.version = RAFTLOG_WIRE_VERSION;
	d.cluster_id++;
	RL_EXPECT_EQ(rl_wire_hello_check(&d, &acc, 0, 1, NULL), RAFTLOG_REJECT_CLUSTER);
	d.cluster_id--;
	d.group_id = 8;
	RL_EXPECT_EQ(rl_wire_hello_check(&d, &acc, 0, 1, NULL), RAFTLOG_REJECT_GROUP);
	d.group_id = 7;
	d.receiver = 3;
	RL_EXPECT_EQ(rl_wire_hello_check(&d, &acc, 0, 1, NULL), RAFTLOG_REJECT_NODE);
	d.receiver = 2;
	d.sender = 2;	/* claims to be me */
	RL_EXPECT_EQ(rl_wire_hello_check(&d, &acc, 0, 1, NULL), RAFTLOG_REJECT_NODE);
	d.sender = 0;
	RL_EXPECT_EQ(rl_wire_hello_check(&d, &acc, 0, 1, NULL), RAFTLOG_REJECT_NODE);
	d.sender = 1;
	d.flags = 0;	/* no secret there, one here */
	RL_EXPECT_EQ(rl_wire_hello_check(&d, &acc, 0, 1, NULL), RAFTLOG_REJECT_AUTH_MODE);
	acc.has_secret = 0;
	RL_EXPECT_EQ(rl_wire_hello_check(&d, &acc, 0, 1, NULL), RAFTLOG_REJECT_NONE);
	acc.has_secret = 1;
	d.flags = RAFTLOG_HELLO_F_AUTH | RAFTLOG_HELLO_F_MAC;	/* dialer sends no proof */
	RL_EXPECT_EQ(rl_wire_hello_check(&d, &acc, 0, 1, NULL), RAFTLOG_REJECT_PROTOCOL);

	/* The acceptor's HELLO as the dialer sees it. */
	memset(mynonce, 0x11, sizeof(mynonce));
	mk_hello(&a, 2, 1, 1, 1, 0x22);
	RL_EXPECT_EQ(rl_wire_hello_check(&a, &dial, 2, 0, mynonce), RAFTLOG_REJECT_NONE);
	RL_EXPECT_EQ(rl_wire_hello_check(&a, &dial, 5, 0, mynonce), RAFTLOG_REJECT_NODE);
	a.flags = RAFTLOG_HELLO_F_AUTH;	/* acceptor with a secret must prove */
	RL_EXPECT_EQ(rl_wire_hello_check(&a, &dial, 2, 0, mynonce), RAFTLOG_REJECT_PROTOCOL);
	a.flags = RAFTLOG_HELLO_F_AUTH | RAFTLOG_HELLO_F_MAC;
	memset(a.nonce, 0x11, sizeof(a.nonce));	/* our challenge reflected */
	RL_EXPECT_EQ(rl_wire_hello_check(&a, &dial, 2, 0, mynonce), RAFTLOG_REJECT_REFLECT);
}

RL_TEST(transcript_binds_roles_ids_and_nonces)
{
	struct rl_wire_hello d, a;
	u8 td[RAFTLOG_TRANSCRIPT_SIZE], ta[RAFTLOG_TRANSCRIPT_SIZE];
	u8 t2[RAFTLOG_TRANSCRIPT_SIZE];

	mk_hello(&d, 1, 2, 1, 0, 0x11);
	mk_hello(&a, 2, 1, 1, 1, 0x22);
	rl_wire_transcript(td, RL_WIRE_ROLE_DIALER, &d, &a);
	rl_wire_transcript(ta, RL_WIRE_ROLE_ACCEPTOR, &d, &a);
	RL_EXPECT(memcmp(td, ta, sizeof(td)) != 0);	/* a proof can't be reflected */
	RL_EXPECT_MEMEQ(td, "RLAUTH-D", 8);
	RL_EXPECT_MEMEQ(ta, "RLAUTH-A", 8);
	RL_EXPECT_MEMEQ(td + 8, ta + 8, sizeof(td) - 8);
	RL_EXPECT(rl_get_le64(td + 8) == d.cluster_id);
	RL_EXPECT_EQ(rl_get_le32(td + 16), 7);
	RL_EXPECT_EQ(rl_get_le16(td + 20), RAFTLOG_WIRE_VERSION);
	RL_EXPECT(rl_get_le64(td + 24) == 1);
	RL_EXPECT(rl_get_le64(td + 32) == 2);
	RL_EXPECT_MEMEQ(td + 40, d.nonce, RAFTLOG_NONCE_SIZE);
	RL_EXPECT_MEMEQ(td + 72, a.nonce, RAFTLOG_NONCE_SIZE);
	/* the acceptor's mac field is not part of what is proven */
	a.mac[0] ^= 1;
	rl_wire_transcript(t2, RL_WIRE_ROLE_DIALER, &d, &a);
	RL_EXPECT_MEMEQ(td, t2, sizeof(td));
	/* swapping the roles' ids changes it */
	d.sender = 2;
	a.sender = 1;
	rl_wire_transcript(t2, RL_WIRE_ROLE_DIALER, &d, &a);
	RL_EXPECT(memcmp(td, t2, sizeof(td)) != 0);
}

/* A stand-in for the HMAC: any keyed function of every covered byte. */
static void toy_mac(const u8 *hdr, const u8 *p, u32 n, u8 mac[RAFTLOG_MAC_SIZE])
{
	u64 h = 0xcbf29ce484222325ULL;
	u32 i;

	for (i = 0; i < HDR + n; i++) {
		h ^= i < HDR ? hdr[i] : p[i - HDR];
		h *= 0x100000001b3ULL;
	}
	for (i = 0; i < RAFTLOG_MAC_SIZE; i++) {
		h ^= i;
		h *= 0x100000001b3ULL;
		mac[i] = (u8)(h >> 56);
	}
}

/* Check an authenticated frame as the transport does: 0 or -RL_WIRE_E*. */
static int auth_check(const u8 *f, size_t n, int authed, u64 last,
		      struct raft_msg *out)
{
	u8 hz[HDR], want[RAFTLOG_MAC_SIZE];
	struct rl_wire_hdr h;
	const u8 *pl, *mac;
	u32 mlen;
	u64 seq;
	long r;
	int err;

	r = rl_wire_frame_decode(f, n, &h, &pl);
	if (r < 0)
		return (int)r;
	err = rl_wire_auth_split(&h, pl, authed, &mlen, &seq, &mac);
	if (err)
		return err;
	if (authed) {
		rl_wire_auth_hdr(hz, f);
		toy_mac(hz, pl, mlen + 8, want);
		if (memcmp(want, mac, sizeof(want)))
			return -RL_WIRE_EMAC;
		err = rl_wire_auth_seq(last, seq);
		if (err)
			return err;
	}
	return rl_wire_msg_decode(pl, mlen, out);
}

/* Seal the frame of @mlen message bytes (+ trailer) with @seq. */
static u32 auth_seal(u8 *f, u32 flen, u64 seq)
{
	u8 mac[RAFTLOG_MAC_SIZE];
	u32 cover = rl_wire_auth_begin(f, flen, seq);

	toy_mac(f, f + HDR, cover - HDR, mac);
	rl_wire_auth_end(f, flen, mac);
	return cover;
}

RL_TEST(authenticated_frames)
{
	struct raft_msg *m = rl_zalloc(2 * sizeof(*m));
	u8 data[64];
	u32 cap = HDR + 4096 + RAFTLOG_FRAME_TRAILER_SIZE, flen, i;
	u8 *f = rl_zalloc(cap);
	u8 mac[RAFTLOG_MAC_SIZE];
	struct rl_wire_hdr h;
	long n;

	RL_ASSERT(m && f);
	mk_msg(&m[0], RAFT_MSG_APPEND, data, sizeof(data));
	n = rl_wire_msg_encode(f, cap, &m[0]);
	RL_ASSERT(n > 0);
	flen = (u32)n + RAFTLOG_FRAME_TRAILER_SIZE;
	RL_EXPECT_EQ(auth_seal(f, flen, 1), flen - RAFTLOG_MAC_SIZE);
	RL_EXPECT_EQ(rl_wire_hdr_decode(f, HDR, &h), 0);
	RL_EXPECT_EQ(h.flags, RAFTLOG_FRAME_F_MAC);
	RL_EXPECT_EQ(h.len, flen - HDR);
	RL_EXPECT(rl_get_le64(f + flen - RAFTLOG_FRAME_TRAILER_SIZE) == 1);
	/* accepted as the first frame, the message intact */
	RL_EXPECT_EQ(auth_check(f, flen, 1, 0, &m[1]), 0);
	RL_EXPECT(m[1].n_entries == 3 && m[1].index == m[0].index);
	rl_wire_msg_free(&m[1]);
	/* the same frame again: a replay */
	RL_EXPECT_EQ(auth_check(f, flen, 1, 1, &m[1]), -RL_WIRE_ESEQ);
	/* an authenticated frame on a connection without a secret, and a
	 * plain one on a connection with one: refused both ways */
	RL_EXPECT_EQ(auth_check(f, flen, 0, 0, &m[1]), -RL_WIRE_EMAC);
	n = rl_wire_msg_encode(f, cap, &m[0]);
	RL_EXPECT_EQ(auth_check(f, (size_t)n, 1, 0, &m[1]), -RL_WIRE_EMAC);
	RL_EXPECT_EQ(auth_check(f, (size_t)n, 0, 0, &m[1]), 0);
	rl_wire_msg_free(&m[1]);
	/* every byte the MAC covers, changed by someone who fixes the crc
	 * (the checksum is no protection), is caught; a changed mac too */
	for (i = 0; i < flen; i++) {
		u8 save;

		if (i >= 12 && i < 16)
			continue;	/* the crc field itself */
		n = rl_wire_msg_encode(f, cap, &m[0]);
		auth_seal(f, flen, 7);
		save = f[i];
		f[i] ^= 0x20;
		/* the crc recomputed, as an attacker would */
		memcpy(mac, f + flen - RAFTLOG_MAC_SIZE, sizeof(mac));
		rl_wire_auth_end(f, flen, mac);
		RL_EXPECT_NE(auth_check(f, flen, 1, 6, &m[1]), 0);
		f[i] = save;
	}
	/* sequence numbers: only the next one */
	RL_EXPECT_EQ(rl_wire_auth_seq(0, 1), 0);
	RL_EXPECT_EQ(rl_wire_auth_seq(5, 6), 0);
	RL_EXPECT_EQ(rl_wire_auth_seq(0, 0), -RL_WIRE_ESEQ);
	RL_EXPECT_EQ(rl_wire_auth_seq(5, 5), -RL_WIRE_ESEQ);
	RL_EXPECT_EQ(rl_wire_auth_seq(5, 4), -RL_WIRE_ESEQ);
	RL_EXPECT_EQ(rl_wire_auth_seq(5, 7), -RL_WIRE_ESEQ);
	RL_EXPECT_EQ(rl_wire_auth_seq(~0ULL, 0), -RL_WIRE_ESEQ);
	/* the flag only on RAFT frames, and only with room for a trailer */
	memset(f + HDR, 0, RAFTLOG_HELLO_SIZE);
	rl_wire_frame_seal(f, RAFTLOG_FRAME_HELLO, RAFTLOG_HELLO_SIZE);
	rl_put_le16(f + 6, RAFTLOG_FRAME_F_MAC);
	RL_EXPECT_EQ(rl_wire_hdr_decode(f, HDR, &h), -RL_WIRE_EFLAGS);
	rl_wire_frame_seal(f, RAFTLOG_FRAME_RAFT, RAFTLOG_FRAME_TRAILER_SIZE - 1);
	rl_put_le16(f + 6, RAFTLOG_FRAME_F_MAC);
	RL_EXPECT_EQ(rl_wire_hdr_decode(f, HDR, &h), -RL_WIRE_ELENGTH);
	rl_put_le16(f + 6, RAFTLOG_FRAME_F_MAC << 1);
	RL_EXPECT_EQ(rl_wire_hdr_decode(f, HDR, &h), -RL_WIRE_EFLAGS);
	rl_free(f);
	rl_free(m);
}

RL_TEST(session_key_label)
{
	struct rl_wire_hello d, a;
	u8 ts[RAFTLOG_TRANSCRIPT_SIZE], td[RAFTLOG_TRANSCRIPT_SIZE];

	mk_hello(&d, 1, 2, 1, 0, 0x11);
	mk_hello(&a, 2, 1, 1, 1, 0x22);
	rl_wire_transcript(ts, RL_WIRE_ROLE_SESSION, &d, &a);
	rl_wire_transcript(td, RL_WIRE_ROLE_DIALER, &d, &a);
	RL_EXPECT_MEMEQ(ts, "RLSESS-K", 8);
	RL_EXPECT_MEMEQ(ts + 8, td + 8, sizeof(ts) - 8);
}

RL_TEST(message_size_leaves_room_for_a_trailer)
{
	u8 p[RAFTLOG_MSG_FIXED_SIZE] = { RAFT_MSG_HEARTBEAT };
	struct raft_msg m;

	/* a payload longer than a message may be is refused before parsing */
	RL_EXPECT_EQ(rl_wire_msg_decode(p, RAFTLOG_MSG_MAX_SIZE + 1, &m),
		     -RL_WIRE_ETOOBIG);
	RL_EXPECT_EQ(rl_wire_msg_decode(p, sizeof(p), &m), 0);
}

RL_TEST(error_names)
{
	int i;

	for (i = 0; i < RL_WIRE_NERR; i++)
		RL_EXPECT(rl_wire_strerror(-i) != NULL);
	RL_EXPECT(strcmp(rl_wire_strerror(-RL_WIRE_ECRC), "checksum mismatch") == 0);
	RL_EXPECT(strcmp(rl_wire_strerror(RL_WIRE_NERR), "unknown error") == 0);
	RL_EXPECT(strcmp(rl_wire_reject_name(RAFTLOG_REJECT_AUTH), "auth") == 0);
	RL_EXPECT(strcmp(rl_wire_reject_name(99), "unknown") == 0);
}

RL_SUITE(wire,
	 RL_CASE(roundtrip_every_message_type),
	 RL_CASE(roundtrip_extremes),
	 RL_CASE(encoder_refuses_what_the_decoder_would),
	 RL_CASE(every_truncation_rejected),
	 RL_CASE(every_bit_flip_rejected),
	 RL_CASE(bad_header_fields),
	 RL_CASE(frame_length_lies),
	 RL_CASE(message_length_lies),
	 RL_CASE(handshake_roundtrip),
	 RL_CASE(handshake_checks),
	 RL_CASE(transcript_binds_roles_ids_and_nonces),
	 RL_CASE(authenticated_frames),
	 RL_CASE(session_key_label),
	 RL_CASE(message_size_leaves_room_for_a_trailer),
	 RL_CASE(error_names));
