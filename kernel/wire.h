/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Codec of the raftlog peer wire protocol (uapi/linux/raftlog_wire.h,
 * docs/wire.md): frames, handshake messages and Raft messages.  Pure code
 * over (buffer, length), no kernel API beyond port.h: the kernel transport,
 * the host unit tests and the fuzzers run the same functions.
 *
 * Decoders treat their input as hostile.  Every length is checked against
 * the buffer and the protocol maxima before it is used; anything that is
 * not exactly a valid encoding is refused with a distinct error.
 *
 * Errors are returned negated: -RL_WIRE_E*.  rl_wire_strerror() names them.
 */
#ifndef RL_WIRE_H
#define RL_WIRE_H

#include "port.h"
#include "raft/raft.h"
#include <linux/raftlog_wire.h>

enum rl_wire_err {
	RL_WIRE_OK = 0,
	RL_WIRE_ESHORT,		/* buffer ends before the frame/field does */
	RL_WIRE_EMAGIC,		/* frame magic wrong */
	RL_WIRE_EVERSION,	/* frame version unsupported */
	RL_WIRE_ETYPE,		/* unknown frame or message type */
	RL_WIRE_EFLAGS,		/* reserved flag bits or zero bytes set */
	RL_WIRE_ETOOBIG,	/* frame length above RAFTLOG_FRAME_MAX_PAYLOAD */
	RL_WIRE_ECRC,		/* checksum mismatch */
	RL_WIRE_ELENGTH,	/* payload length inconsistent with contents */
	RL_WIRE_ECOUNT,		/* entry/member count or data length too big */
	RL_WIRE_EFIELD,		/* a field value is out of range */
	RL_WIRE_ENOMEM,		/* allocation failed while decoding */
	RL_WIRE_EMAC,		/* authentication missing, unexpected or wrong */
	RL_WIRE_ESEQ,		/* authenticated frame out of sequence (replay) */
	RL_WIRE_NERR
};

const char *rl_wire_strerror(int err);

/* ---- frames ---- */

struct rl_wire_hdr {
	u8 version;
	u8 type;
	u16 flags;
	u32 len;		/* payload bytes */
	u32 crc;
};

/*
 * Check the RAFTLOG_FRAME_HDR_SIZE bytes at @buf (@len >= that, else
 * -ESHORT): magic, version, type, flags and the length bound.  The
 * checksum needs the payload: rl_wire_frame_verify().
 */
int rl_wire_hdr_decode(const void *buf, size_t len, struct rl_wire_hdr *h);
/* Does @payload (h->len bytes) match the checksum of header @hdr_bytes? */
int rl_wire_frame_verify(const void *hdr_bytes, const void *payload,
			 const struct rl_wire_hdr *h);
/*
 * Decode one whole frame at the start of @buf.  On success returns the
 * frame's total size (header + payload, <= len) and points *payload into
 * @buf; otherwise -RL_WIRE_E*.
 */
long rl_wire_frame_decode(const void *buf, size_t len, struct rl_wire_hdr *h,
			  const u8 **payload);
/*
 * Write the header of a frame whose @plen payload bytes are already at
 * @frame + RAFTLOG_FRAME_HDR_SIZE, including the checksum over both.
 */
void rl_wire_frame_seal(void *frame, u8 type, u32 plen);

/*
 * Authenticated frames (RAFTLOG_FRAME_F_MAC, docs/wire.md).  The codec
 * lays them out; the MAC itself is computed by the caller (the kernel
 * crypto API in the transport, a test HMAC elsewhere).
 *
 * Sender: a RAFT frame of @frame_len bytes whose last
 * RAFTLOG_FRAME_TRAILER_SIZE bytes are room for the trailer (the message
 * encoded before them).  rl_wire_auth_begin() sets the flag, the length
 * and @seq, zeroes the crc and returns how many bytes from the start of
 * the frame the MAC covers; the caller computes the MAC over them and
 * rl_wire_auth_end() stores it and seals the crc.
 */
u32 rl_wire_auth_begin(void *frame, u32 frame_len, u64 seq);
void rl_wire_auth_end(void *frame, u32 frame_len,
		      const u8 mac[RAFTLOG_MAC_SIZE]);
/*
 * Receiver, once the crc was verified: the header's flag must say what
 * the connection is (@authed: its handshake used a secret), else -EMAC.
 * For an authenticated frame sets *@mlen (the message bytes), *@seq and
 * *@mac (into @payload); the MAC covers rl_wire_auth_hdr() of the header
 * followed by the first *@mlen + 8 payload bytes.  Without
 * authentication *@mlen is the whole payload.
 */
int rl_wire_auth_split(const struct rl_wire_hdr *h, const u8 *payload,
		       int authed, u32 *mlen, u64 *seq, const u8 **mac);
/* The 16 header bytes @hdr_bytes as the MAC covers them (crc zero). */
void rl_wire_auth_hdr(u8 out[RAFTLOG_FRAME_HDR_SIZE], const void *hdr_bytes);
/*
 * The sequence check: after the frame numbered @last (0: none yet) only
 * @last + 1 is accepted; anything else, a replay or a frame dropped or
 * reordered by someone in between, is -ESEQ.
 */
int rl_wire_auth_seq(u64 last, u64 seq);

/* ---- handshake ---- */

struct rl_wire_hello {
	u16 version;
	u16 flags;		/* RAFTLOG_HELLO_F_* */
	u32 group_id;
	u64 cluster_id;
	u64 sender;
	u64 receiver;
	u8 nonce[RAFTLOG_NONCE_SIZE];
	u8 mac[RAFTLOG_MAC_SIZE];
};

/* Whole frames, sizes RL_WIRE_HELLO_FRAME etc. */
#define RL_WIRE_HELLO_FRAME	(RAFTLOG_FRAME_HDR_SIZE + RAFTLOG_HELLO_SIZE)
#define RL_WIRE_AUTH_FRAME	(RAFTLOG_FRAME_HDR_SIZE + RAFTLOG_AUTH_SIZE)
#define RL_WIRE_READY_FRAME	RAFTLOG_FRAME_HDR_SIZE
#define RL_WIRE_REJECT_FRAME	(RAFTLOG_FRAME_HDR_SIZE + RAFTLOG_REJECT_SIZE)

void rl_wire_hello_encode(u8 frame[RL_WIRE_HELLO_FRAME],
			  const struct rl_wire_hello *h);
void rl_wire_auth_encode(u8 frame[RL_WIRE_AUTH_FRAME],
			 const u8 mac[RAFTLOG_MAC_SIZE]);
void rl_wire_ready_encode(u8 frame[RL_WIRE_READY_FRAME]);
void rl_wire_reject_encode(u8 frame[RL_WIRE_REJECT_FRAME], u32 reason);

/* Payload decoders (the frame was already checked by the frame decoder). */
int rl_wire_hello_decode(const u8 *p, u32 len, struct rl_wire_hello *h);
int rl_wire_auth_decode(const u8 *p, u32 len, u8 mac[RAFTLOG_MAC_SIZE]);
int rl_wire_reject_decode(const u8 *p, u32 len, u32 *reason);
int rl_wire_ready_decode(const u8 *p, u32 len);

/* What one side of a handshake knows about itself. */
struct rl_wire_local {
	u64 cluster_id;
	u32 group_id;
	u64 node_id;
	u8 has_secret;
};

/*
 * The checks on a peer's HELLO (both sides), in order: version, cluster,
 * group, addressed to us (receiver == our id, sender != 0 and != us,
 * and, when @expect_sender is non-zero, sender == it), authentication
 * mode agrees, the proof flag is right for the role (the dialer's HELLO
 * carries no proof, the acceptor's carries one iff a secret is
 * configured), and the peer's nonce is not our own (a reflection).
 * @our_nonce may be NULL for the acceptor, which has not chosen one yet.
 * Returns RAFTLOG_REJECT_NONE or the reason to refuse.
 */
u32 rl_wire_hello_check(const struct rl_wire_hello *peer,
			const struct rl_wire_local *local, u64 expect_sender,
			int peer_is_dialer, const u8 *our_nonce);

#define RL_WIRE_ROLE_DIALER	0
#define RL_WIRE_ROLE_ACCEPTOR	1
#define RL_WIRE_ROLE_SESSION	2	/* the session key, not a proof */
/*
 * The bytes a proof by @role covers (RAFTLOG_TRANSCRIPT_SIZE), built from
 * the dialer's and the acceptor's HELLO; with RL_WIRE_ROLE_SESSION, what
 * the session key of authenticated frames is derived from.  The HMAC is computed over them
 * by the caller (the kernel crypto API in transport_sock.c).
 */
void rl_wire_transcript(u8 out[RAFTLOG_TRANSCRIPT_SIZE], int role,
			const struct rl_wire_hello *dialer,
			const struct rl_wire_hello *acceptor);

const char *rl_wire_reject_name(u32 reason);

/* ---- Raft messages ---- */

/* Payload bytes rl_wire_msg_encode() needs for @m (0 if @m is invalid). */
size_t rl_wire_msg_size(const struct raft_msg *m);
/*
 * Encode @m as one complete RAFT frame into @frame, which has room for
 * RAFTLOG_FRAME_HDR_SIZE + rl_wire_msg_size(m) bytes; returns the frame
 * size, or -RL_WIRE_E* if @m breaks a protocol limit (nothing written
 * then is meaningful).
 */
long rl_wire_msg_encode(void *frame, size_t cap, const struct raft_msg *m);
/*
 * Decode a RAFT frame payload into @m.  On success @m owns its entries
 * array, each entry's data and snap_data, all allocated with rl_malloc:
 * release them with rl_wire_msg_free() (not raft_msg_free()).  On failure
 * nothing is allocated and @m is zeroed.
 */
int rl_wire_msg_decode(const u8 *p, u32 len, struct raft_msg *m);
void rl_wire_msg_free(struct raft_msg *m);

#endif /* RL_WIRE_H */
