/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * raftlog peer wire protocol, version RAFTLOG_WIRE_VERSION.
 *
 * Peers talk over TCP.  Every byte on a connection belongs to a frame:
 *
 *	offset	size	field
 *	0	4	magic		RAFTLOG_WIRE_MAGIC
 *	4	1	version		RAFTLOG_WIRE_VERSION
 *	5	1	type		RAFTLOG_FRAME_*
 *	6	2	flags		RAFTLOG_FRAME_F_* (other bits rejected)
 *	8	4	length		payload bytes that follow the header
 *	12	4	crc		CRC-32C of header (crc field zero) + payload
 *	16	length	payload
 *
 * All integers are little endian, at the offsets given, with no padding
 * other than the explicit zero bytes listed.  docs/wire.md describes every
 * payload byte by byte and the handshake with its authentication argument.
 */
#ifndef _UAPI_LINUX_RAFTLOG_WIRE_H
#define _UAPI_LINUX_RAFTLOG_WIRE_H

#include <linux/types.h>

#define RAFTLOG_WIRE_VERSION		1
#define RAFTLOG_WIRE_MAGIC		0x46574c52U	/* "RLWF" on the wire */

#define RAFTLOG_FRAME_HDR_SIZE		16
/* Largest payload a peer accepts; a header announcing more is rejected. */
#define RAFTLOG_FRAME_MAX_PAYLOAD	(4U << 20)

/*
 * Frame flags.  RAFTLOG_FRAME_F_MAC: the frame is authenticated (only
 * RAFT frames, on a connection whose handshake used a cluster secret; on
 * such a connection every RAFT frame must carry it, on any other none
 * may).  Its payload then ends with a RAFTLOG_FRAME_TRAILER_SIZE trailer:
 *	len-40	8	seq	1 for the first frame after READY, +1 per frame
 *	len-32	32	mac	HMAC-SHA256(session key, the 16 header bytes
 *				with the crc field zero || the payload up to
 *				and including seq)
 * The session key is HMAC-SHA256(cluster secret, the handshake
 * transcript with label "RLSESS-K"), fresh for every connection.  The
 * crc covers the whole frame, trailer included, as for any frame.
 */
#define RAFTLOG_FRAME_F_MAC		0x1
#define RAFTLOG_FRAME_F_ALL		0x1
#define RAFTLOG_FRAME_TRAILER_SIZE	40
/* The largest Raft message: a frame's payload less a trailer. */
#define RAFTLOG_MSG_MAX_SIZE	(RAFTLOG_FRAME_MAX_PAYLOAD - RAFTLOG_FRAME_TRAILER_SIZE)

/* Frame types. */
#define RAFTLOG_FRAME_HELLO		1	/* handshake: ids + challenge (+ proof) */
#define RAFTLOG_FRAME_AUTH		2	/* handshake: dialer's proof */
#define RAFTLOG_FRAME_READY		3	/* handshake: accepted, empty payload */
#define RAFTLOG_FRAME_REJECT		4	/* handshake: refused, with a reason */
#define RAFTLOG_FRAME_RAFT		5	/* one Raft message */
#define RAFTLOG_FRAME_TYPE_MAX		5

/* ---- handshake ---- */

#define RAFTLOG_NONCE_SIZE		32
#define RAFTLOG_MAC_SIZE		32	/* HMAC-SHA256 */
#define RAFTLOG_SECRET_MAX		64	/* cluster secret, bytes */

/*
 * HELLO payload (96 bytes):
 *	0	2	version		RAFTLOG_WIRE_VERSION
 *	2	2	flags		RAFTLOG_HELLO_F_*
 *	4	4	group_id
 *	8	8	cluster_id
 *	16	8	sender		node id of the sender of this HELLO
 *	24	8	receiver	node id the sender wants to talk to
 *	32	32	nonce		fresh random challenge
 *	64	32	mac		acceptor's proof (RAFTLOG_HELLO_F_MAC), else 0
 */
#define RAFTLOG_HELLO_SIZE		96
#define RAFTLOG_HELLO_F_AUTH		0x1	/* sender has a cluster secret */
#define RAFTLOG_HELLO_F_MAC		0x2	/* mac field carries a proof */
#define RAFTLOG_HELLO_F_ALL		0x3

/* AUTH payload: 32-byte mac (zero when no secret is configured). */
#define RAFTLOG_AUTH_SIZE		RAFTLOG_MAC_SIZE
/* REJECT payload: reason (u32), RAFTLOG_REJECT_*. */
#define RAFTLOG_REJECT_SIZE		4

/*
 * The bytes an HMAC-SHA256 proof covers (104 bytes):
 *	0	8	label		"RLAUTH-D" (dialer's proof) or "RLAUTH-A",
 *					"RLSESS-K" (the session key)
 *	8	8	cluster_id
 *	16	4	group_id
 *	20	2	version
 *	22	2	0
 *	24	8	dialer node id
 *	32	8	acceptor node id
 *	40	32	dialer's nonce
 *	72	32	acceptor's nonce
 */
#define RAFTLOG_TRANSCRIPT_SIZE		104

/* Why a handshake was refused (REJECT payload, counters). */
#define RAFTLOG_REJECT_NONE		0
#define RAFTLOG_REJECT_VERSION		1	/* protocol version mismatch */
#define RAFTLOG_REJECT_CLUSTER		2	/* cluster id differs */
#define RAFTLOG_REJECT_GROUP		3	/* no such group at this address */
#define RAFTLOG_REJECT_NODE		4	/* receiver is not me, or sender unknown */
#define RAFTLOG_REJECT_AUTH_MODE	5	/* one side has a secret, the other not */
#define RAFTLOG_REJECT_AUTH		6	/* wrong proof (wrong secret) */
#define RAFTLOG_REJECT_REFLECT		7	/* our own challenge came back */
#define RAFTLOG_REJECT_PROTOCOL		8	/* unexpected or malformed frame */
#define RAFTLOG_REJECT_MAX		8

/* ---- Raft messages (RAFTLOG_FRAME_RAFT payload) ---- */

/*
 *	0	1	type		RAFT_MSG_* (kernel/raft/raft.h)
 *	1	1	reject		0 or 1
 *	2	1	snap_done	0 or 1
 *	3	1	0
 *	4	4	error		s32, 0 or -errno
 *	8	8	from
 *	16	8	to
 *	24	8	term
 *	32	8	log_term
 *	40	8	index
 *	48	8	commit
 *	56	8	reject_hint
 *	64	8	hint_term
 *	72	8	context
 *	80	4	n_entries
 *	84	4	snap_len
 *	88	8	snap_offset
 *	96	8	snap_index
 *	104	8	snap_term
 *	112	4	n_voters
 *	116	4	n_learners
 *	120		n_voters * 8 voter ids, n_learners * 8 learner ids
 *	then n_entries entry headers + payloads, each:
 *		0 8 term, 8 8 index, 16 1 type, 17 3 zero, 20 4 len, 24 len data
 *	then snap_len bytes of snapshot chunk; nothing after it.
 */
#define RAFTLOG_MSG_FIXED_SIZE		120
#define RAFTLOG_ENTRY_HDR_SIZE		24
#define RAFTLOG_MSG_MAX_MEMBERS		16
#define RAFTLOG_MSG_MAX_ENTRIES		4096
#define RAFTLOG_MSG_MAX_DATA		0x100000U	/* 1 MiB: one entry or chunk */

#endif /* _UAPI_LINUX_RAFTLOG_WIRE_H */
