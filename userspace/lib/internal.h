/* SPDX-License-Identifier: GPL-2.0 */
/* libraftlog: state shared by the library's files, not part of the API. */
#ifndef LIBRAFTLOG_INTERNAL_H
#define LIBRAFTLOG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

struct raftlog {
	int fd;
	uint64_t next;		/* index raftlog_next() returns next */
	unsigned char *buf;	/* records read but not yet returned */
	size_t cap;
	size_t head;		/* next record in buf */
	size_t tail;		/* end of valid bytes in buf */
};

#endif /* LIBRAFTLOG_INTERNAL_H */
