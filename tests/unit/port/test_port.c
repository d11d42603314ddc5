// SPDX-License-Identifier: GPL-2.0
/*
 * The portability layer: byte order helpers and crc32c must give the same
 * answers in the kernel (KUnit) and in userspace, or checksums written by
 * one side would not verify on the other.
 */
#include "port.h"
#include "rltest.h"

RL_TEST(le_store_load_roundtrip)
{
	u8 buf[9] = { 0 };

	rl_put_le16(buf + 1, 0xbeef);
	RL_EXPECT_EQ(buf[1], 0xef);
	RL_EXPECT_EQ(buf[2], 0xbe);
	RL_EXPECT_EQ(rl_get_le16(buf + 1), 0xbeef);
	rl_put_le32(buf + 1, 0x01020304);
	RL_EXPECT_EQ(buf[1], 4);
	RL_EXPECT_EQ(buf[4], 1);
	RL_EXPECT_EQ(rl_get_le32(buf + 1), 0x01020304);
	rl_put_le64(buf + 1, 0x0102030405060708ull);
	RL_EXPECT_EQ(buf[1], 8);
	RL_EXPECT_EQ(buf[8], 1);
	RL_EXPECT(rl_get_le64(buf + 1) == 0x0102030405060708ull);
}

/* Known-answer values of CRC-32C (RFC 3720, appendix B.4). */
RL_TEST(crc32c_known_answers)
{
	static const char check[] = "123456789";
	u8 zeros[32], ones[32];

	memset(zeros, 0, sizeof(zeros));
	memset(ones, 0xff, sizeof(ones));
	RL_EXPECT_EQ(rl_crc32c(0, check, 9), 0xe3069283u);
	RL_EXPECT_EQ(rl_crc32c(0, zeros, 32), 0x8a9136aau);
	RL_EXPECT_EQ(rl_crc32c(0, ones, 32), 0x62a8ab43u);
}

RL_TEST(crc32c_chains)
{
	static const char check[] = "123456789";

	RL_EXPECT_EQ(rl_crc32c(rl_crc32c(0, check, 4), check + 4, 5),
		     rl_crc32c(0, check, 9));
}

RL_SUITE(port,
	 RL_CASE(le_store_load_roundtrip),
	 RL_CASE(crc32c_known_answers),
	 RL_CASE(crc32c_chains));
