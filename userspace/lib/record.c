// SPDX-License-Identifier: GPL-2.0
/*
 * libraftlog: the parser of read()'s record stream.  Kept apart from the
 * I/O so the host unit tests (tests/unit/lib) run it on crafted buffers.
 * The kernel is trusted to produce well-formed records, but a parser
 * that walks a buffer by lengths found in it checks every one anyway.
 */
#include <errno.h>
#include <string.h>
#include "libraftlog.h"

ssize_t raftlog_parse_record(const void *buf, size_t len,
			     struct raftlog_entry *e)
{
	const unsigned char *p = buf;
	struct raftlog_record r;
	uint64_t size;

	if (!len)
		return 0;
	if (len < sizeof(r))
		return -EBADMSG;
	memcpy(&r, p, sizeof(r));	/* buf need not be aligned */
	size = RAFTLOG_RECORD_SIZE(r.len);
	if (size > len || !r.index)
		return -EBADMSG;
	/* padding is zero: anything else means we lost the record framing */
	for (uint64_t i = sizeof(r) + r.len; i < size; i++)
		if (p[i])
			return -EBADMSG;
	e->index = r.index;
	e->term = r.term;
	e->len = r.len;
	e->flags = r.flags;
	e->data = p + sizeof(r);
	return (ssize_t)size;
}
