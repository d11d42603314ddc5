// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the frame and Raft message decoder (kernel/wire.c), as
 * the transport runs it on bytes from the network.  The first input byte
 * selects a mode, the rest is a byte stream whose frames are decoded one
 * after another until one is refused.  In mode 1 each frame's checksum is
 * recomputed before decoding, so mutations reach the message decoder
 * instead of stopping at the CRC; mode 0 feeds the bytes as they are.
 * A decoded message must re-encode to exactly the bytes it came from (the
 * encoding is canonical), and must be freed without leaks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "port.h"
#include "wire.h"

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
		struct raft_msg m;
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
		if (h.type == RAFTLOG_FRAME_RAFT &&
		    rl_wire_msg_decode(pl, h.len, &m) == 0) {
			size_t need = rl_wire_msg_size(&m);
			u8 *f;

			if (need != h.len)
				abort();
			f = malloc(RAFTLOG_FRAME_HDR_SIZE + need);
			if (!f)
				abort();
			if (rl_wire_msg_encode(f, RAFTLOG_FRAME_HDR_SIZE + need, &m) != n ||
			    memcmp(f, data + off, n) != 0)
				abort();
			free(f);
			rl_wire_msg_free(&m);
		}
		off += n;
	}
	free(data);
	return 0;
}
