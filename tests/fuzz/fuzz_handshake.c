// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the handshake parser, as both sides of a connection
 * run it.  The first input byte picks the role (acceptor expecting HELLO
 * then AUTH, or dialer expecting HELLO then READY/REJECT); the rest is the
 * byte stream from the peer.  Accepted HELLOs must re-encode identically
 * and pass the same checks the transport applies.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "port.h"
#include "wire.h"

static const struct rl_wire_local local = {
	.cluster_id = 0x1122334455667788ULL, .group_id = 7, .node_id = 2,
	.has_secret = 1,
};
static const u8 my_nonce[RAFTLOG_NONCE_SIZE] = { 1, 2, 3 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int dialer, step = 0;
	size_t off = 1;

	if (size < 1)
		return 0;
	dialer = data[0] & 1;
	while (off < size && step < 2) {
		struct rl_wire_hdr h;
		struct rl_wire_hello hello;
		u8 mac[RAFTLOG_MAC_SIZE];
		u8 tr[RAFTLOG_TRANSCRIPT_SIZE];
		u8 f[RL_WIRE_HELLO_FRAME];
		const u8 *pl;
		u32 reason;
		long n;

		n = rl_wire_frame_decode(data + off, size - off, &h, &pl);
		if (n < 0)
			break;
		off += n;
		if (step == 0) {
			if (h.type != RAFTLOG_FRAME_HELLO ||
			    rl_wire_hello_decode(pl, h.len, &hello))
				break;
			rl_wire_hello_encode(f, &hello);
			if (memcmp(f, pl - RAFTLOG_FRAME_HDR_SIZE, sizeof(f)))
				abort();
			reason = rl_wire_hello_check(&hello, &local, 0, !dialer,
						     dialer ? my_nonce : NULL);
			if (reason > RAFTLOG_REJECT_MAX)
				abort();
			if (reason)
				break;
			if (dialer && !memcmp(hello.nonce, my_nonce, sizeof(my_nonce)))
				abort();	/* a reflection got through */
			rl_wire_transcript(tr, dialer ? RL_WIRE_ROLE_ACCEPTOR :
					   RL_WIRE_ROLE_DIALER, &hello, &hello);
		} else if (!dialer) {
			if (h.type != RAFTLOG_FRAME_AUTH ||
			    rl_wire_auth_decode(pl, h.len, mac))
				break;
		} else if (h.type == RAFTLOG_FRAME_REJECT) {
			if (rl_wire_reject_decode(pl, h.len, &reason) == 0 &&
			    (reason == 0 || reason > RAFTLOG_REJECT_MAX))
				abort();
			break;
		} else if (h.type != RAFTLOG_FRAME_READY ||
			   rl_wire_ready_decode(pl, h.len)) {
			break;
		}
		step++;
	}
	return 0;
}
