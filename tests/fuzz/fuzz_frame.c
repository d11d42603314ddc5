// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the frame and Raft message decoder (kernel/wire.c), as
 * the transport runs it on bytes from the network.  The first input byte
 * selects a mode, the rest is a byte stream whose frames are decoded one
 * after another until one is refused.  In mode 1 each frame's checksum is
 * recomputed before decoding, so mutations reach the message decoder
 * instead of stopping at the CRC; mode 0 feeds the bytes as they are.
 * A decoded message must re-encode to exactly the bytes it came from (the
 * encoding is canonical), and must be freed without leaks.  A frame that
 * says it is authenticated (RAFTLOG_FRAME_F_MAC) is split as the
 * transport splits it; its message (the payload before the trailer) must
 * re-encode to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "port.h"
#include "wire.h"

/* A RAFT frame the frame decoder accepted: its message round-trips. */
static void check_raft(const u8 *frame, long n, const struct rl_wire_hdr *h,
		       const u8 *pl)
{
	int authed = !!(h->flags & RAFTLOG_FRAME_F_MAC);
	struct raft_msg m;
	const u8 *mac;
	size_t need;
	u32 mlen;
	u64 seq;
	u8 *f;

	if (rl_wire_auth_split(h, pl, authed, &mlen, &seq, &mac))
		abort();	/* the header decoder let a bad trailer through */
	if (authed && (mlen + RAFTLOG_FRAME_TRAILER_SIZE != h->len ||
		       mac != pl + h->len - RAFTLOG_MAC_SIZE))
		abort();
	if (rl_wire_msg_decode(pl, mlen, &m))
		return;
	need = rl_wire_msg_size(&m);
	if (need != mlen)
		abort();
	f = malloc(RAFTLOG_FRAME_HDR_SIZE + need);
	if (!f)
		abort();
	if (rl_wire_msg_encode(f, RAFTLOG_FRAME_HDR_SIZE + need, &m) !=
	    (long)(RAFTLOG_FRAME_HDR_SIZE + need))
		abort();
	/* the whole frame of a plain one, the message of an authenticated one */
	if (authed ? memcmp(f + RAFTLOG_FRAME_HDR_SIZE, pl, need) != 0 :
		     memcmp(f, frame, n) != 0)
		abort();
	free(f);
	rl_wire_msg_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t insize)
{
	size_t off = 0, size;
	int reseal;
	u8 *data;

	if (insize < 1)
		return 0;
	reseal = in[0] & 1;
	size = insize - 1;
	data = malloc(size ? size : 1);
	if (!data)
		abort();
	memcpy(data, in + 1, size);
	while (off < size) {
		struct rl_wire_hdr h;
		const u8 *pl;
		long n;

		if (reseal && rl_wire_hdr_decode(data + off, size - off, &h) == 0 &&
		    h.len <= size - off - RAFTLOG_FRAME_HDR_SIZE)
			rl_wire_frame_seal(data + off, h.type, h.len);
		n = rl_wire_frame_decode(data + off, size - off, &h, &pl);
		if (n < 0)
			break;
		if (n < RAFTLOG_FRAME_HDR_SIZE || (size_t)n > size - off)
			abort();
		if (h.type == RAFTLOG_FRAME_RAFT)
			check_raft(data + off, n, &h, pl);
		off += n;
	}
	free(data);
	return 0;
}
