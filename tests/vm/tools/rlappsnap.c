// SPDX-License-Identifier: GPL-2.0
/*
 * rlappsnap: application snapshots through libraftlog, for guest tests.
 *
 *   rlappsnap save DEV INDEX SIZE SEED [ERRNO] [ro|uring|ro-uring]
 *	raftlog_snapshot_save() of SIZE pseudo-random bytes (from SEED) at
 *	INDEX on DEV (opened read-write, or read-only with "ro"); succeeds
 *	when the call ends with ERRNO (a name such as EALREADY, default 0).
 *	"uring": through io_uring instead (raftlog_ring_snapshot(), the
 *	buffer scribbled over once the command is submitted, as the kernel
 *	copied it then); a success must complete with the snapshot's index.
 *   rlappsnap read DEV INDEX SIZE SEED N
 *	a new reader of DEV: its first record must be the snapshot at INDEX
 *	holding exactly those bytes, then N entries INDEX+1..INDEX+N; the
 *	status must report the snapshot too.
 *   rlappsnap none DEV
 *	a new reader's first record is an entry, not a snapshot.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libraftlog.h"

static const struct {
	const char *name;
	int err;
} errnames[] = {
	{ "0", 0 }, { "EBADF", EBADF }, { "EINVAL", EINVAL },
	{ "EALREADY", EALREADY }, { "EFBIG", EFBIG }, { "ENOSPC", ENOSPC },
	{ "EBUSY", EBUSY }, { "ERANGE", ERANGE },
};

static int fail(const char *fmt, const char *a, long long b, long long c)
{
	fprintf(stderr, "rlappsnap: ");
	fprintf(stderr, fmt, a, b, c);
	fputc('\n', stderr);
	return 1;
}

/* SIZE bytes that depend on SEED and on their offset */
static unsigned char *pattern(uint64_t size, uint64_t seed)
{
	unsigned char *p = malloc(size ? size : 1);
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1, i;

	if (!p)
		return NULL;
	for (i = 0; i < size; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (unsigned char)x;
	}
	return p;
}

/*
 * RAFTLOG_URING_SNAPSHOT: submitted, then the buffer overwritten (the
 * kernel copied it at issue, or the library sends it again from a full
 * queue: then the bytes would differ and the reader's check fails), then
 * reaped; its error, or -EPROTO for a completion that is not the
 * snapshot's.
 */
static int save_uring(struct raftlog *rl, uint64_t index, unsigned char *buf,
		      uint64_t size, uint64_t have)
{
	struct raftlog_completion c;
	struct raftlog_ring *ring;
	int err;

	err = raftlog_ring_create(4, &ring);
	if (!err)
		err = raftlog_ring_snapshot(ring, rl, index, buf, size, 42);
	if (err)
		return err;
	err = raftlog_ring_submit(ring);
	if (err == 1)
		memset(buf, 0xa5, have);
	err = raftlog_ring_reap(ring, &c, 1, RAFTLOG_REAP_WAIT);
	raftlog_ring_destroy(ring);
	if (err != 1)
		return err < 0 ? err : -EPROTO;
	if (c.user_data != 42 || c.kind != RAFTLOG_URING_SNAPSHOT ||
	    (!c.err && c.index != index))
		return -EPROTO;
	return c.err;
}

static int cmd_save(const char *dev, uint64_t index, uint64_t size,
		    uint64_t seed, const char *want_s, const char *how)
{
	int ro = !strcmp(how, "ro") || !strcmp(how, "ro-uring");
	int uring = !!strstr(how, "uring");
	struct raftlog *rl;
	unsigned char *buf;
	int want = -1, err;
	uint64_t have;
	size_t i;

	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (!strcmp(want_s, errnames[i].name))
			want = errnames[i].err;
	if (want < 0)
		return fail("unknown errno %s%lld%lld", want_s, 0, 0);
	/* EFBIG is refused before the bytes are read: no need to have them */
	have = want == EFBIG ? 1 : size;
	buf = pattern(have, seed);
	if (!buf)
		return fail("no memory for %s%lld bytes%lld", "", size, 0);
	err = raftlog_open(dev, ro ? O_RDONLY : O_RDWR, &rl);
	if (err) {
		free(buf);
		return fail("open %s: %lld%lld", dev, err, 0);
	}
	if (uring)
		err = save_uring(rl, index, buf, size, have);
	else
		err = raftlog_snapshot_save(rl, index, buf, size);
	raftlog_close(rl);
	free(buf);
	if (-err != want)
		return fail("save at %s%lld: error %lld", "", index, -err);
	printf("save at %llu (%llu bytes): %s\n", (unsigned long long)index,
	       (unsigned long long)size, err ? strerror(-err) : "ok");
	return 0;
}

static int cmd_read(const char *dev, uint64_t index, uint64_t size,
		    uint64_t seed, uint64_t n)
{
	struct raftlog_status st;
	struct raftlog_entry e;
	struct raftlog *rl;
	unsigned char *want;
	uint64_t i;
	int err;

	want = pattern(size, seed);
	if (!want)
		return fail("no memory%s%lld%lld", "", 0, 0);
	err = raftlog_open(dev, O_RDONLY, &rl);
	if (err)
		return fail("open %s: %lld%lld", dev, err, 0);
	err = raftlog_status(rl, &st);
	if (err || st.app_snap_index != index || st.app_snap_len != size)
		return fail("status: snapshot %s%lld, %lld bytes", "",
			    st.app_snap_index, st.app_snap_len);
	if (raftlog_tell(rl) != index)
		return fail("a new reader starts at %s%lld, not %lld", "",
			    raftlog_tell(rl), index);
	err = raftlog_next(rl, &e);
	if (err)
		return fail("first read: %s%lld%lld", "", err, 0);
	if (!raftlog_entry_is_snapshot(&e) || e.index != index)
		return fail("first record: flags %s%lld index %lld", "",
			    e.flags, e.index);
	if (e.len != size || memcmp(e.data, want, size))
		return fail("snapshot bytes differ (%s%lld of %lld)", "",
			    e.len, size);
	for (i = 1; i <= n; i++) {
		err = raftlog_next(rl, &e);
		if (err)
			return fail("entry %s%lld: %lld", "", index + i, err);
		if (raftlog_entry_is_snapshot(&e) || e.index != index + i)
			return fail("after the snapshot: %s%lld, want %lld", "",
				    e.index, index + i);
	}
	raftlog_close(rl);
	free(want);
	printf("snapshot at %llu (%llu bytes) then %llu entries\n",
	       (unsigned long long)index, (unsigned long long)size,
	       (unsigned long long)n);
	return 0;
}

static int cmd_none(const char *dev)
{
	struct raftlog_entry e;
	struct raftlog *rl;
	int err;

	err = raftlog_open(dev, O_RDONLY | O_NONBLOCK, &rl);
	if (err)
		return fail("open %s: %lld%lld", dev, err, 0);
	err = raftlog_next(rl, &e);
	raftlog_close(rl);
	if (err)
		return fail("read %s: %lld%lld", dev, err, 0);
	if (raftlog_entry_is_snapshot(&e))
		return fail("%s: a snapshot at %lld%lld", dev, e.index, 0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 6 && !strcmp(argv[1], "save"))
		return cmd_save(argv[2], strtoull(argv[3], NULL, 0),
				strtoull(argv[4], NULL, 0),
				strtoull(argv[5], NULL, 0),
				argc > 6 ? argv[6] : "0",
				argc > 7 ? argv[7] : "");
	if (argc == 7 && !strcmp(argv[1], "read"))
		return cmd_read(argv[2], strtoull(argv[3], NULL, 0),
				strtoull(argv[4], NULL, 0),
				strtoull(argv[5], NULL, 0),
				strtoull(argv[6], NULL, 0));
	if (argc == 3 && !strcmp(argv[1], "none"))
		return cmd_none(argv[2]);
	fprintf(stderr, "usage: rlappsnap save DEV INDEX SIZE SEED [ERRNO] [ro|uring|ro-uring]\n"
		"       rlappsnap read DEV INDEX SIZE SEED N\n"
		"       rlappsnap none DEV\n");
	return 2;
}
