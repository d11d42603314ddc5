// SPDX-License-Identifier: GPL-2.0
/*
 * Software CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) for
 * userspace builds of the shared codecs.  Matches rl_crc32c() in the
 * kernel, which uses the kernel's crc32c() with the same pre/post
 * inversion, so a checksum computed on one side verifies on the other.
 */
#include "port.h"

static u32 crc32c_table[256];
static int crc32c_ready;

static void crc32c_init(void)
{
	for (u32 i = 0; i < 256; i++) {
		u32 c = i;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
		crc32c_table[i] = c;
	}
	crc32c_ready = 1;
}

u32 rl_crc32c(u32 crc, const void *buf, size_t len)
{
	const u8 *p = buf;

	if (!crc32c_ready)
		crc32c_init();
	crc = ~crc;
	while (len--)
		crc = crc32c_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}
