// SPDX-License-Identifier: GPL-2.0
/*
 * libraftlog's parser of read()'s record stream: records laid out as the
 * kernel writes them (header, payload, zero padding to 8 bytes) decode
 * back to what was put in, one after another; a buffer that ends inside
 * a record, non-zero padding or index 0 is -EBADMSG, never a read past
 * the end (ASan watches).
 */
#include <errno.h>
#include <stdlib.h>
#include "libraftlog.h"
#include "rltest.h"

/* Append one record as the kernel lays it out; returns the new end. */
static size_t put_record(unsigned char *buf, size_t at, uint64_t index,
			 uint64_t term, uint32_t flags, const void *data,
			 uint32_t len)
{
	struct raftlog_record r = {
		.index = index, .term = term, .len = len, .flags = flags,
	};

	memcpy(buf + at, &r, sizeof(r));
	memcpy(buf + at + sizeof(r), data, len);
	memset(buf + at + sizeof(r) + len, 0,
	       RAFTLOG_RECORD_SIZE(len) - sizeof(r) - len);
	return at + RAFTLOG_RECORD_SIZE(len);
}

/* An exact-size copy on the heap, so ASan sees any read past its end. */
static unsigned char *exact(const unsigned char *src, size_t len)
{
	unsigned char *p = malloc(len ? len : 1);

	memcpy(p, src, len);
	return p;
}

RL_TEST(empty_buffer_is_the_end)
{
	struct raftlog_entry e;

	RL_EXPECT_EQ(raftlog_parse_record("", 0, &e), 0);
}

RL_TEST(stream_of_records_decodes_in_order)
{
	static const char * const payloads[] = { "a", "", "12345678", "hello, raft",
					  "0123456789abcdef0" };
	unsigned char buf[512], *p;
	struct raftlog_entry e;
	size_t end = 0, off = 0;
	int i;

	for (i = 0; i < 5; i++)
		end = put_record(buf, end, 10 + i, 3, i == 1 ?
				 RAFTLOG_RECORD_F_NOOP : 0, payloads[i],
				 strlen(payloads[i]));
	p = exact(buf, end);
	for (i = 0; i < 5; i++) {
		ssize_t n = raftlog_parse_record(p + off, end - off, &e);
		uint32_t len = strlen(payloads[i]);

		RL_ASSERT_EQ(n, RAFTLOG_RECORD_SIZE(len));
		RL_EXPECT_EQ(n % 8, 0);
		RL_EXPECT_EQ(e.index, 10 + i);
		RL_EXPECT_EQ(e.term, 3);
		RL_EXPECT_EQ(e.len, len);
		RL_EXPECT_EQ(e.flags, i == 1 ? RAFTLOG_RECORD_F_NOOP : 0);
		RL_EXPECT_MEMEQ(e.data, payloads[i], len);
		RL_EXPECT(e.data == p + off + sizeof(struct raftlog_record));
		off += n;
	}
	RL_EXPECT_EQ(off, end);
	RL_EXPECT_EQ(raftlog_parse_record(p + off, end - off, &e), 0);
	free(p);
}

/* Every cut inside a record is caught, whatever its length. */
RL_TEST(truncated_record_is_ebadmsg)
{
	unsigned char buf[128], *p;
	struct raftlog_entry e;
	size_t end, cut;

	for (uint32_t len = 0; len <= 17; len++) {
		memset(buf, 'x', sizeof(buf));
		end = put_record(buf, 0, 1, 1, 0, buf + 100, len);
		for (cut = 1; cut < end; cut++) {
			p = exact(buf, cut);
			RL_EXPECT_EQ(raftlog_parse_record(p, cut, &e), -EBADMSG);
			free(p);
		}
		p = exact(buf, end);
		RL_EXPECT_EQ(raftlog_parse_record(p, end, &e), (ssize_t)end);
		free(p);
	}
}

RL_TEST(huge_length_is_ebadmsg)
{
	struct raftlog_record r = { .index = 1, .term = 1, .len = UINT32_MAX };
	unsigned char *p = exact((const unsigned char *)&r, sizeof(r));
	struct raftlog_entry e;

	RL_EXPECT_EQ(raftlog_parse_record(p, sizeof(r), &e), -EBADMSG);
	free(p);
}

RL_TEST(nonzero_padding_is_ebadmsg)
{
	unsigned char buf[64];
	struct raftlog_entry e;
	size_t end = put_record(buf, 0, 5, 2, 0, "abc", 3);

	RL_EXPECT_EQ(raftlog_parse_record(buf, end, &e), (ssize_t)end);
	buf[end - 1] = 1;
	RL_EXPECT_EQ(raftlog_parse_record(buf, end, &e), -EBADMSG);
}

RL_TEST(index_zero_is_ebadmsg)
{
	unsigned char buf[64];
	struct raftlog_entry e;
	size_t end = put_record(buf, 0, 0, 2, 0, "abc", 3);

	RL_EXPECT_EQ(raftlog_parse_record(buf, end, &e), -EBADMSG);
}

/* The buffer need not be 8-byte aligned (memcpy of the header). */
RL_TEST(unaligned_buffer_parses)
{
	unsigned char buf[80];
	struct raftlog_entry e;
	size_t end = put_record(buf, 1, 7, 9, RAFTLOG_RECORD_F_CONF, "xy", 2);

	RL_EXPECT_EQ(raftlog_parse_record(buf + 1, end - 1, &e),
		     RAFTLOG_RECORD_SIZE(2));
	RL_EXPECT_EQ(e.index, 7);
	RL_EXPECT_EQ(e.term, 9);
	RL_EXPECT_EQ(e.flags, RAFTLOG_RECORD_F_CONF);
}

RL_SUITE(lib_record,
	 RL_CASE(empty_buffer_is_the_end),
	 RL_CASE(stream_of_records_decodes_in_order),
	 RL_CASE(truncated_record_is_ebadmsg),
	 RL_CASE(huge_length_is_ebadmsg),
	 RL_CASE(nonzero_padding_is_ebadmsg),
	 RL_CASE(index_zero_is_ebadmsg),
	 RL_CASE(unaligned_buffer_parses));
