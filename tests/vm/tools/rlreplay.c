// SPDX-License-Identifier: GPL-2.0
/*
 * rlreplay [-s SEED] LOGDEV TARGET: build the image a disk with a volatile
 * write cache would hold after a power cut, from a dm-log-writes log.
 *
 * dm-log-writes logs a write once a FLUSH covered it (a FUA write as soon
 * as it completes), but when its table is torn down (the power cut swaps
 * it for an error target) it also appends the writes no flush covered,
 * then a final mark.  So the log is: durable writes up to the last FLUSH
 * entry, then FUA writes (durable) and writes that were still only in the
 * cache.  TARGET must hold the device as it was when logging began;
 * rlreplay applies every durable write, and of the unflushed ones none
 * (the cache lost them all), or with -s SEED a random subset: each kept,
 * lost, or torn (some of its sectors only), as a cache that wrote back
 * part of itself before the power went; -a applies them all.
 *
 * The format (drivers/md/dm-log-writes.c): a super block at byte 0, then
 * for each entry one header sector followed by the data it wrote.  The
 * super's entry count is only rewritten on FUA writes and marks; the
 * target's destructor adds a final mark, so after the table is torn down
 * the count is exact.
 *
 * Prints what it replayed and what the power cut lost.  Exit 0, or 1 on a
 * malformed log or an I/O error.
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

static uint64_t rnd_state;

static uint64_t rnd(void)
{
	/* xorshift64*: reproducible from the seed the campaign logs */
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return (rnd_state * 0x2545f4914f6cdd1dULL) >> 32;
}

struct stats {
	unsigned long long writes, flushes, fua, marks, discards, bytes;
	unsigned long long unflushed, lost, torn, kept;
};

/* entry @i's header at *@pos; *@pos moves past it (not its data) */
static int read_entry(int lfd, char *buf, uint32_t ss, off_t *pos,
		      unsigned long long i, struct log_write_entry *e)
{
	if (read_at(lfd, buf, ss, *pos)) {
		fprintf(stderr, "rlreplay: entry %llu: short read\n", i);
		return -1;
	}
	memcpy(e, buf, sizeof(*e));
	*pos += ss;
	return 0;
}

/* the index of the last FLUSH entry (n when there is none) */
static int find_last_flush(int lfd, char *buf, uint32_t ss,
			   unsigned long long n, unsigned long long *last)
{
	struct log_write_entry e;
	unsigned long long i;
	off_t pos = ss;

	*last = n;
	for (i = 0; i < n; i++) {
		if (read_entry(lfd, buf, ss, &pos, i, &e))
			return -1;
		if (le64toh(e.flags) & LOG_FLUSH_FLAG)
			*last = i;
		if (!(le64toh(e.flags) & (LOG_MARK_FLAG | LOG_DISCARD_FLAG)))
			pos += le64toh(e.nr_sectors) * ss;
	}
	return 0;
}

/* 0: the sector is lost, 1: written */
static int pick_sector(int fate)
{
	return fate == 'K' || (fate == 'T' && (rnd() & 1));
}

int main(int argc, char **argv)
{
	unsigned long long i, n, last_flush;
	struct log_write_super super;
	struct log_write_entry e;
	struct stats st = { 0 };
	int lfd, tfd, seeded = 0;
	uint32_t ss;
	off_t pos;
	char *buf;

	if (argc == 5 && !strcmp(argv[1], "-s")) {
		rnd_state = strtoull(argv[2], NULL, 0) * 2654435761ULL + 1;
		seeded = 1;
		argv += 2;
		argc -= 2;
	} else if (argc == 4 && !strcmp(argv[1], "-a")) {
		seeded = -1;	/* the cache wrote everything back */
		argv++;
		argc--;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: rlreplay [-s SEED | -a] LOGDEV TARGET\n");
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
	if (!buf || find_last_flush(lfd, buf, ss, n, &last_flush))
		return 1;
	pos = ss;
	for (i = 0; i < n; i++) {
		uint64_t flags, sectors, sector, s;
		int fate = 'K';

		if (read_entry(lfd, buf, ss, &pos, i, &e))
			return 1;
		flags = le64toh(e.flags);
		sectors = le64toh(e.nr_sectors);
		sector = le64toh(e.sector);
		if (flags & LOG_MARK_FLAG) {
			st.marks++;
			continue;
		}
		if (flags & LOG_DISCARD_FLAG) {
			/* no data logged; raftlog never discards */
			st.discards++;
			continue;
		}
		if (flags & LOG_FLUSH_FLAG)
			st.flushes++;
		if (flags & LOG_FUA_FLAG)
			st.fua++;
		if (!sectors)
			continue;
		st.writes++;
		/* after the last flush and not FUA: only in the cache */
		if ((last_flush == n || i > last_flush) && !(flags & LOG_FUA_FLAG)) {
			st.unflushed++;
			fate = seeded > 0 ? "KLT"[rnd() % 3] : seeded ? 'K' : 'L';
			st.kept += fate == 'K';
			st.lost += fate == 'L';
			st.torn += fate == 'T';
			/* which write the cut lost (entry, where, how big) */
			printf("unflushed write: entry %llu, sector %llu, %llu sectors, flags %#llx: %s\n",
			       i, (unsigned long long)sector,
			       (unsigned long long)sectors,
			       (unsigned long long)flags,
			       fate == 'K' ? "kept" : fate == 'L' ? "lost" : "torn");
		}
		for (s = 0; s < sectors; s++) {
			if (read_at(lfd, buf, ss, pos) ||
			    (pick_sector(fate) &&
			     pwrite(tfd, buf, ss, (off_t)((sector + s) * ss)) !=
			     (ssize_t)ss)) {
				fprintf(stderr,
					"rlreplay: entry %llu: I/O error\n", i);
				return 1;
			}
			pos += ss;
			st.bytes += ss;
		}
	}
	if (fsync(tfd)) {
		perror("rlreplay: fsync");
		return 1;
	}
	printf("replayed %llu entries: %llu writes (%llu bytes), %llu flushes, %llu FUA, %llu marks, %llu discards; the power cut dropped %llu of %llu unflushed writes, tore %llu, kept %llu\n",
	       n, st.writes, st.bytes, st.flushes, st.fua, st.marks,
	       st.discards, st.lost, st.unflushed, st.torn, st.kept);
	free(buf);
	return 0;
}
