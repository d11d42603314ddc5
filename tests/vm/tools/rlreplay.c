// SPDX-License-Identifier: GPL-2.0
/*
 * rlreplay LOGDEV TARGET: build the image a disk would hold after a power
 * cut, from a dm-log-writes log.
 *
 * dm-log-writes logs a write only once a FLUSH has covered it (a FUA
 * write as soon as it completes), so its log holds exactly the writes a
 * volatile-cache disk had made durable; the writes that completed but no
 * flush followed never appear in it.  TARGET must hold the device as it
 * was when logging began; replaying every logged write onto it leaves the
 * crash image: flushed and FUA writes in, unflushed writes lost.
 *
 * The format (drivers/md/dm-log-writes.c): a super block at byte 0, then
 * for each entry one header sector followed by the data it wrote.  The
 * super's entry count is only rewritten on FUA writes and marks; the
 * target's destructor adds a final mark, so after the table is torn down
 * the count is exact.
 *
 * Prints what it replayed.  Exit 0, or 1 on a malformed log or an I/O
 * error.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LOG_FLUSH_FLAG		(1 << 0)
#define LOG_FUA_FLAG		(1 << 1)
#define LOG_DISCARD_FLAG	(1 << 2)
#define LOG_MARK_FLAG		(1 << 3)
#define WRITE_LOG_MAGIC		0x6a736677736872ULL
#define WRITE_LOG_VERSION	1ULL

struct log_write_super {
	uint64_t magic;
	uint64_t version;
	uint64_t nr_entries;
	uint32_t sectorsize;
} __attribute__((packed));

struct log_write_entry {
	uint64_t sector;
	uint64_t nr_sectors;
	uint64_t flags;
	uint64_t data_len;
} __attribute__((packed));

static int read_at(int fd, void *buf, size_t len, off_t off)
{
	ssize_t n = pread(fd, buf, len, off);

	return n == (ssize_t)len ? 0 : -1;
}

int main(int argc, char **argv)
{
	unsigned long long writes = 0, flushes = 0, fua = 0, marks = 0;
	unsigned long long discards = 0, bytes = 0, i, n;
	struct log_write_super super;
	struct log_write_entry e;
	uint32_t ss;
	off_t pos;
	char *buf;
	int lfd, tfd;

	if (argc != 3) {
		fprintf(stderr, "usage: rlreplay LOGDEV TARGET\n");
		return 2;
	}
	lfd = open(argv[1], O_RDONLY);
	tfd = open(argv[2], O_WRONLY);
	if (lfd < 0 || tfd < 0) {
		perror("rlreplay: open");
		return 1;
	}
	if (read_at(lfd, &super, sizeof(super), 0) ||
	    le64toh(super.magic) != WRITE_LOG_MAGIC ||
	    le64toh(super.version) != WRITE_LOG_VERSION) {
		fprintf(stderr, "rlreplay: %s holds no dm-log-writes log\n",
			argv[1]);
		return 1;
	}
	ss = le32toh(super.sectorsize);
	n = le64toh(super.nr_entries);
	if (ss < 512 || ss > 65536 || (ss & (ss - 1))) {
		fprintf(stderr, "rlreplay: bad sector size %u\n", ss);
		return 1;
	}
	buf = malloc(ss);
	if (!buf)
		return 1;
	pos = ss;
	for (i = 0; i < n; i++) {
		uint64_t flags, sectors, sector, s;

		if (read_at(lfd, buf, ss, pos)) {
			fprintf(stderr, "rlreplay: entry %llu: short read\n", i);
			return 1;
		}
		memcpy(&e, buf, sizeof(e));
		pos += ss;
		flags = le64toh(e.flags);
		sectors = le64toh(e.nr_sectors);
		sector = le64toh(e.sector);
		if (flags & LOG_MARK_FLAG) {
			marks++;
			continue;
		}
		if (flags & LOG_DISCARD_FLAG) {
			/* no data logged; raftlog never discards */
			discards++;
			continue;
		}
		if (flags & LOG_FLUSH_FLAG)
			flushes++;
		if (flags & LOG_FUA_FLAG)
			fua++;
		if (!sectors)
			continue;
		writes++;
		for (s = 0; s < sectors; s++) {
			if (read_at(lfd, buf, ss, pos) ||
			    pwrite(tfd, buf, ss, (off_t)((sector + s) * ss)) !=
			    (ssize_t)ss) {
				fprintf(stderr,
					"rlreplay: entry %llu: I/O error\n", i);
				return 1;
			}
			pos += ss;
			bytes += ss;
		}
	}
	if (fsync(tfd)) {
		perror("rlreplay: fsync");
		return 1;
	}
	printf("replayed %llu entries: %llu writes (%llu bytes), %llu flushes, %llu FUA, %llu marks, %llu discards\n",
	       n, writes, bytes, flushes, fua, marks, discards);
	free(buf);
	return 0;
}
