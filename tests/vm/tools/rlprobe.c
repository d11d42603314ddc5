// SPDX-License-Identifier: GPL-2.0
/*
 * rlprobe: exercise /dev/raftlog<N> from the guest test scripts.  Every
 * subcommand checks one behaviour of the ABI in uapi/linux/raftlog.h and
 * exits 0 when it holds, 1 (with a diagnostic on stderr) when it does not.
 *
 *   rlprobe status DEV                 print the status as key=value lines
 *   rlprobe propose DEV N TAG [SIZE]   write() N entries "TAG-i" padded to
 *                                      SIZE bytes; each returns its length
 *   rlprobe ipropose DEV N TAG         the same through RAFTLOG_IOC_PROPOSE,
 *                                      checking index/term rise and commit
 *   rlprobe check DEV TAG N [SIZE]     read the whole log from the start:
 *                                      indexes consecutive, terms > 0 and
 *                                      not decreasing; the entries tagged
 *                                      TAG are exactly TAG-0..TAG-(N-1),
 *                                      in order, with their payloads
 *   rlprobe seek DEV                   lseek rules: SET/CUR/END, 0, past
 *                                      the end, read after a seek
 *   rlprobe errors DEV                 oversize/zero write EMSGSIZE, tiny
 *                                      read buffers EINVAL/ENOBUFS,
 *                                      O_NONBLOCK EAGAIN, bad ioctl ENOTTY
 *   rlprobe poll DEV                   poll() is quiet at the end, then
 *                                      wakes with POLLIN on a new commit
 *   rlprobe barrier DEV                RAFTLOG_IOC_BARRIER and _WAIT
 *   rlprobe blockread DEV ERRNO        block reading at the end; succeed
 *                                      if the read fails with ERRNO
 *   rlprobe uring DEV N TAG            io_uring: N proposals in flight at
 *                                      once, each completing with its
 *                                      term and index; a barrier; bad
 *                                      opcode, flags, size and ring setup
 *   rlprobe dump DEV [FROM]            print every committed record from
 *                                      FROM (default: first index) as
 *                                      "index term flags len hash" lines,
 *                                      so logs of several nodes compare
 *                                      with cmp
 *   rlprobe wait DEV INDEX MS          RAFTLOG_IOC_WAIT for INDEX
 *   rlprobe roles DEV...               one line per device: "node role
 *                                      leader term commit applied first"
 *   rlprobe tryprop DEV SECS           write() one entry that must not
 *                                      commit: succeed if it fails (or
 *                                      is still blocked after SECS)
 *   rlprobe holdread DEV POS FILE ERRNO
 *                                      open at POS, print "ready", wait
 *                                      for FILE to exist, then read: the
 *                                      read must fail with ERRNO (0: it
 *                                      must return records from POS);
 *                                      a seek that fails with ERRNO
 *                                      already succeeds
 *   rlprobe digest DEV LAST            print a hash of the log's records
 *                                      1..LAST (index, term, flags,
 *                                      payload); fails unless all of them
 *                                      are readable
 *   rlprobe ctl FILE ERRNO COMMAND     write COMMAND to FILE (the debugfs
 *                                      control) in one write(); succeed
 *                                      if it fails with ERRNO (a number
 *                                      or a name such as EEXIST; 0: must
 *                                      succeed)
 *   rlprobe uring-flood DEV N DEPTH TAG
 *                                      io_uring with liburing's usual SQE
 *                                      reuse (an 8-entry SQ): N distinct
 *                                      proposals, DEPTH in flight (far
 *                                      above max_pending); each ends ok
 *                                      or -EAGAIN (queue full: proposed
 *                                      again after a completion); then
 *                                      the whole log read back: each
 *                                      TAG-i exactly once, at its index
 *   rlprobe sharedread DEV NPROC       NPROC processes read one shared
 *                                      open file (O_NONBLOCK, small
 *                                      buffers) to the end: every
 *                                      committed record reaches exactly
 *                                      one of them; pread() is ESPIPE
 *   rlprobe failnth FILE N COMMAND     write COMMAND to FILE (the debugfs
 *                                      control) with the N-th fault
 *                                      injection point of this thread
 *                                      failing (/proc/thread-self/
 *                                      fail-nth); prints "ERRNO LEFT":
 *                                      the write's errno (0: ok) and
 *                                      what is left of N (LEFT > 0: the
 *                                      write reached fewer than N points)
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <liburing.h>
#include <linux/raftlog.h>

static const char *dev;

static int fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "rlprobe: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static int open_dev(int flags)
{
	int fd = open(dev, flags);

	if (fd < 0) {
		fprintf(stderr, "rlprobe: open %s: %s\n", dev, strerror(errno));
		exit(1);
	}
	return fd;
}

static int get_status(int fd, struct raftlog_status *st)
{
	memset(st, 0xa5, sizeof(*st));
	if (ioctl(fd, RAFTLOG_IOC_STATUS, st))
		return fail("RAFTLOG_IOC_STATUS: %s", strerror(errno));
	return 0;
}

static void payload(char *buf, size_t size, const char *tag, long i)
{
	size_t n = snprintf(buf, size, "%s-%ld", tag, i);

	/* pad with a pattern that depends on i, so a mixup shows */
	for (; n < size; n++)
		buf[n] = 'a' + (i + n) % 26;
}

static size_t entry_size(const char *tag, long i, size_t size)
{
	char tmp[64];
	size_t n = snprintf(tmp, sizeof(tmp), "%s-%ld", tag, i);

	return size > n ? size : n;
}

static int cmd_status(void)
{
	struct raftlog_status st;
	int fd = open_dev(O_RDONLY);

	if (get_status(fd, &st))
		return 1;
	printf("group=%llu\nnode=%llu\nterm=%llu\nvote=%llu\nleader=%llu\n"
	       "commit=%llu\napplied=%llu\nfirst=%llu\nlast=%llu\nrole=%u\n"
	       "flags=%u\nmax_entry=%u\nvoters=%u\npending=%u\nmax_pending=%u\n"
	       "learners=%u\napp_snap_index=%llu\napp_snap_len=%llu\n",
	       (unsigned long long)st.group_id, (unsigned long long)st.node_id,
	       (unsigned long long)st.term, (unsigned long long)st.vote,
	       (unsigned long long)st.leader, (unsigned long long)st.commit,
	       (unsigned long long)st.applied,
	       (unsigned long long)st.first_index,
	       (unsigned long long)st.last_index, st.role, st.flags,
	       st.max_entry, st.n_voters, st.pending, st.max_pending,
	       st.n_learners, (unsigned long long)st.app_snap_index,
	       (unsigned long long)st.app_snap_len);
	if (st.reserved32)
		return fail("reserved32 not zero");
	if (st.reserved)
		return fail("reserved not zero");
	return 0;
}

static int cmd_propose(long n, const char *tag, size_t size)
{
	int fd = open_dev(O_RDWR);
	char *buf = malloc(size + 64);

	for (long i = 0; i < n; i++) {
		size_t len = entry_size(tag, i, size);
		ssize_t r;

		payload(buf, len, tag, i);
		r = write(fd, buf, len);
		if (r != (ssize_t)len)
			return fail("write %ld (%zu bytes): %zd %s", i, len, r,
				    r < 0 ? strerror(errno) : "short");
	}
	free(buf);
	close(fd);
	return 0;
}

static int cmd_ipropose(long n, const char *tag)
{
	int fd = open_dev(O_RDWR);
	struct raftlog_propose p;
	struct raftlog_status st;
	uint64_t last = 0, lterm = 0;
	char buf[64];

	for (long i = 0; i < n; i++) {
		size_t len = entry_size(tag, i, 0);

		payload(buf, len, tag, i);
		memset(&p, 0, sizeof(p));
		p.data = (uintptr_t)buf;
		p.len = len;
		if (ioctl(fd, RAFTLOG_IOC_PROPOSE, &p))
			return fail("PROPOSE %ld: %s", i, strerror(errno));
		if (p.index <= last || p.term < lterm || !p.term)
			return fail("PROPOSE %ld: index %llu term %llu after %llu/%llu",
				    i, (unsigned long long)p.index,
				    (unsigned long long)p.term,
				    (unsigned long long)last,
				    (unsigned long long)lterm);
		last = p.index;
		lterm = p.term;
		if (get_status(fd, &st))
			return 1;
		if (st.commit < p.index || st.applied < p.index)
			return fail("PROPOSE returned index %llu but commit %llu applied %llu",
				    (unsigned long long)p.index,
				    (unsigned long long)st.commit,
				    (unsigned long long)st.applied);
	}
	p.flags = 1;
	if (ioctl(fd, RAFTLOG_IOC_PROPOSE, &p) == 0 || errno != EINVAL)
		return fail("PROPOSE with flags: want EINVAL, got %s",
			    strerror(errno));
	close(fd);
	return 0;
}

/* Read everything from the first index; verify the stream. */
static int cmd_check(const char *tag, long n, size_t size)
{
	int fd = open_dev(O_RDONLY | O_NONBLOCK);
	struct raftlog_status st;
	size_t cap = 256 * 1024;
	char *buf = malloc(cap), *want = malloc(size + 64);
	uint64_t next, lterm = 0;
	long seen = 0, calls = 0, records = 0;
	size_t taglen = strlen(tag) + 1;	/* with the '-' */

	if (get_status(fd, &st))
		return 1;
	next = st.first_index;
	if (lseek(fd, 0, SEEK_CUR) != (off_t)next)
		return fail("new file at %lld, first index %llu",
			    (long long)lseek(fd, 0, SEEK_CUR),
			    (unsigned long long)next);
	for (;;) {
		ssize_t r = read(fd, buf, cap);
		size_t off = 0;

		if (r < 0 && errno == EAGAIN)
			break;
		if (r <= 0)
			return fail("read at %llu: %zd %s",
				    (unsigned long long)next, r, strerror(errno));
		calls++;
		while (off < (size_t)r) {
			struct raftlog_record h;

			if (r - off < sizeof(h))
				return fail("partial header at %zu", off);
			memcpy(&h, buf + off, sizeof(h));
			if (off + RAFTLOG_RECORD_SIZE(h.len) > (size_t)r)
				return fail("record %llu overruns the read",
					    (unsigned long long)h.index);
			if (h.index != next)
				return fail("index %llu, expected %llu",
					    (unsigned long long)h.index,
					    (unsigned long long)next);
			if (!h.term || h.term < lterm)
				return fail("index %llu: term %llu after %llu",
					    (unsigned long long)h.index,
					    (unsigned long long)h.term,
					    (unsigned long long)lterm);
			for (size_t p = h.len; p < ((h.len + 7) & ~7u); p++)
				if (buf[off + sizeof(h) + p])
					return fail("index %llu: padding not zero",
						    (unsigned long long)h.index);
			lterm = h.term;
			records++;
			if (h.flags & RAFTLOG_RECORD_F_NOOP) {
				if (h.len)
					return fail("noop with payload");
			} else if (!(h.flags & RAFTLOG_RECORD_F_CONF) &&
				   h.len > taglen &&
				   !memcmp(buf + off + sizeof(h), tag, taglen - 1) &&
				   buf[off + sizeof(h) + taglen - 1] == '-') {
				size_t len = entry_size(tag, seen, size);

				if (seen >= n)
					return fail("extra entry at %llu",
						    (unsigned long long)h.index);
				payload(want, len, tag, seen);
				if (h.len != len ||
				    memcmp(buf + off + sizeof(h), want, len))
					return fail("index %llu: payload is not %s-%ld",
						    (unsigned long long)h.index,
						    tag, seen);
				seen++;
			}
			off += RAFTLOG_RECORD_SIZE(h.len);
			next++;
		}
		if (lseek(fd, 0, SEEK_CUR) != (off_t)next)
			return fail("position %lld after reading to %llu",
				    (long long)lseek(fd, 0, SEEK_CUR),
				    (unsigned long long)next);
	}
	if (seen != n)
		return fail("found %ld entries of %s, expected %ld", seen, tag, n);
	if (get_status(fd, &st))
		return 1;
	if (next != st.applied + 1)
		return fail("stopped at %llu, applied %llu",
			    (unsigned long long)next,
			    (unsigned long long)st.applied);
	printf("records=%ld reads=%ld last=%llu\n", records, calls,
	       (unsigned long long)(next - 1));
	if (records > 8 && calls >= records)
		return fail("one record per read: several should fit");
	free(buf);
	free(want);
	close(fd);
	return 0;
}

static int expect_err(long r, int err, const char *what)
{
	if (r >= 0)
		return fail("%s: succeeded (%ld), want %s", what, r,
			    strerror(err));
	if (errno != err)
		return fail("%s: %s, want %s", what, strerror(errno),
			    strerror(err));
	return 0;
}

static int cmd_seek(void)
{
	int fd = open_dev(O_RDONLY | O_NONBLOCK);
	struct raftlog_status st;
	struct raftlog_record h;
	char buf[4096];
	off_t end;
	int bad = 0;

	if (get_status(fd, &st))
		return 1;
	if (st.applied < 3)
		return fail("need at least 3 applied entries");
	end = lseek(fd, 0, SEEK_END);
	if (end != (off_t)st.applied + 1)
		return fail("SEEK_END 0 = %lld, applied %llu", (long long)end,
			    (unsigned long long)st.applied);
	bad |= expect_err(read(fd, buf, sizeof(buf)), EAGAIN,
			  "O_NONBLOCK read at the end");
	bad |= expect_err(lseek(fd, 1, SEEK_END), ENXIO, "SEEK_END +1");
	bad |= expect_err(lseek(fd, st.applied + 100, SEEK_SET), ENXIO,
			  "SEEK_SET past the end");
	bad |= expect_err(lseek(fd, 0, SEEK_SET), EINVAL, "SEEK_SET 0");
	bad |= expect_err(lseek(fd, -1, SEEK_SET), EINVAL, "SEEK_SET -1");
	bad |= expect_err(lseek(fd, 0, 42), EINVAL, "whence 42");
	if (lseek(fd, 0, SEEK_CUR) != end)
		return fail("failed seeks moved the position");
	if (lseek(fd, -1, SEEK_CUR) != end - 1)
		return fail("SEEK_CUR -1");
	if (read(fd, &h, sizeof(h)) < 0 && errno != ENOBUFS)
		return fail("read of last entry: %s", strerror(errno));
	if (lseek(fd, 2, SEEK_SET) != 2)
		return fail("SEEK_SET 2: %s", strerror(errno));
	if (read(fd, buf, sizeof(buf)) <= 0)
		return fail("read at 2: %s", strerror(errno));
	memcpy(&h, buf, sizeof(h));
	if (h.index != 2)
		return fail("read at 2 returned index %llu",
			    (unsigned long long)h.index);
	close(fd);
	return bad;
}

static int cmd_errors(void)
{
	int fd = open_dev(O_RDWR | O_NONBLOCK);
	struct raftlog_status st;
	char small[8];
	char *big;
	int bad = 0;
	off_t at;

	if (get_status(fd, &st))
		return 1;
	big = calloc(1, st.max_entry + 64);
	bad |= expect_err(write(fd, big, st.max_entry + 1), EMSGSIZE,
			  "write of max_entry + 1");
	bad |= expect_err(write(fd, big, 0), EMSGSIZE, "write of 0 bytes");
	if (write(fd, big, st.max_entry) != (ssize_t)st.max_entry)
		bad |= fail("write of max_entry bytes: %s", strerror(errno));
	bad |= expect_err(read(fd, small, sizeof(small)), EINVAL,
			  "read into 8 bytes");
	/* the max_entry record just written cannot fit a header-only buffer */
	at = lseek(fd, -1, SEEK_END);
	if (at < 0)
		return fail("SEEK_END -1: %s", strerror(errno));
	{
		struct raftlog_record h[2];

		bad |= expect_err(read(fd, h, sizeof(h)), ENOBUFS,
				  "read of a big record into 48 bytes");
	}
	if (lseek(fd, 0, SEEK_CUR) != at)
		bad |= fail("ENOBUFS moved the position");
	if (read(fd, big, st.max_entry + 64) <= 0)
		bad |= fail("read of the big record: %s", strerror(errno));
	bad |= expect_err(ioctl(fd, _IO(0xb7, 99), 0), ENOTTY, "ioctl 99");
	bad |= expect_err(ioctl(fd, _IO('T', 1), 0), ENOTTY, "foreign ioctl");
	bad |= expect_err(ioctl(fd, RAFTLOG_IOC_STATUS, (void *)16), EFAULT,
			  "STATUS to a bad pointer");
	{
		struct raftlog_wait w = { .index = 0 };

		bad |= expect_err(ioctl(fd, RAFTLOG_IOC_WAIT, &w), EINVAL,
				  "WAIT for index 0");
		w.index = st.applied + 1000;
		w.timeout_ms = 200;
		bad |= expect_err(ioctl(fd, RAFTLOG_IOC_WAIT, &w), ETIMEDOUT,
				  "WAIT for a far index");
	}
	free(big);
	close(fd);
	return bad;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmd_poll(void)
{
	int fd = open_dev(O_RDONLY | O_NONBLOCK);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	double t0;
	pid_t pid;
	int r, status;

	lseek(fd, 0, SEEK_END);
	r = poll(&pfd, 1, 300);
	if (r != 0)
		return fail("poll at the end: %d revents %#x, want timeout", r,
			    pfd.revents);
	pid = fork();
	if (pid == 0) {
		usleep(500 * 1000);
		_exit(cmd_propose(1, "poll", 0));
	}
	t0 = now();
	r = poll(&pfd, 1, 10000);
	if (r != 1 || !(pfd.revents & POLLIN))
		return fail("poll after a proposal: %d revents %#x", r,
			    pfd.revents);
	if (now() - t0 < 0.3)
		return fail("poll woke after %.3fs, before the proposal",
			    now() - t0);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return fail("proposer failed");
	pfd.events = POLLOUT;
	if (poll(&pfd, 1, 0) != 1 || !(pfd.revents & POLLOUT))
		return fail("not writable with an empty queue");
	close(fd);
	return 0;
}

static int cmd_barrier(void)
{
	int fd = open_dev(O_RDWR);
	struct raftlog_barrier b = { 0 };
	struct raftlog_status st;
	struct raftlog_wait w = { 0 };

	if (cmd_propose(1, "barrier", 0))
		return 1;
	if (get_status(fd, &st))
		return 1;
	if (ioctl(fd, RAFTLOG_IOC_BARRIER, &b))
		return fail("BARRIER: %s", strerror(errno));
	if (b.index < st.commit)
		return fail("BARRIER index %llu below commit %llu seen before",
			    (unsigned long long)b.index,
			    (unsigned long long)st.commit);
	if (get_status(fd, &st))
		return 1;
	if (st.applied < b.index)
		return fail("BARRIER returned before applying %llu (applied %llu)",
			    (unsigned long long)b.index,
			    (unsigned long long)st.applied);
	w.index = st.applied;
	w.timeout_ms = 1000;
	if (ioctl(fd, RAFTLOG_IOC_WAIT, &w) || w.applied < st.applied)
		return fail("WAIT for applied index: %s", strerror(errno));
	close(fd);
	return 0;
}

static void on_signal(int sig)
{
	(void)sig;
}

static int cmd_blockread(int want)
{
	int fd = open_dev(O_RDONLY);
	struct sigaction sa = { .sa_handler = on_signal };
	char buf[4096];
	ssize_t r;

	/* no SA_RESTART: a signal makes the read fail with EINTR */
	sigaction(SIGINT, &sa, NULL);

	lseek(fd, 0, SEEK_END);
	printf("blocking\n");
	fflush(stdout);
	r = read(fd, buf, sizeof(buf));
	if (r >= 0)
		return fail("blocked read returned %zd", r);
	if (errno != want)
		return fail("blocked read: %s, want %s", strerror(errno),
			    strerror(want));
	close(fd);
	return 0;
}

/* One reader of cmd_sharedread: count each record it gets in seen[]. */
static int sharedread_child(int fd, uint64_t first, uint64_t last,
			    unsigned int *seen)
{
	char buf[sizeof(struct raftlog_record) + 64];
	ssize_t r, off;

	for (;;) {
		r = read(fd, buf, sizeof(buf));
		if (r < 0)
			return errno == EAGAIN ? 0 : 1;
		for (off = 0; off < r;) {
			struct raftlog_record *h = (void *)(buf + off);

			if (h->index >= first && h->index <= last)
				__atomic_fetch_add(&seen[h->index - first], 1,
						   __ATOMIC_RELAXED);
			off += RAFTLOG_RECORD_SIZE(h->len);
		}
	}
}

static int cmd_sharedread(long nproc)
{
	int fd = open_dev(O_RDONLY | O_NONBLOCK);
	struct raftlog_status st;
	unsigned int *seen;
	long dup = 0, skip = 0, bad = 0;
	uint64_t first, last, n, i;
	char buf[256];
	int status;

	if (get_status(fd, &st))
		return 1;
	if (pread(fd, buf, sizeof(buf), 1) != -1 || errno != ESPIPE)
		return fail("pread: want ESPIPE, got %s", strerror(errno));
	first = st.first_index;
	last = st.applied;
	if (last < first + 100)
		return fail("only %llu records to read",
			    (unsigned long long)(last + 1 - first));
	n = last - first + 1;
	seen = mmap(NULL, n * sizeof(*seen), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (seen == MAP_FAILED)
		return fail("mmap: %s", strerror(errno));
	for (long k = 0; k < nproc; k++) {
		pid_t pid = fork();

		if (pid < 0)
			return fail("fork: %s", strerror(errno));
		if (!pid)
			_exit(sharedread_child(fd, first, last, seen));
	}
	for (long k = 0; k < nproc; k++) {
		if (wait(&status) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			bad++;
	}
	for (i = 0; i < n; i++) {
		if (seen[i] > 1)
			dup++;
		else if (!seen[i])
			skip++;
	}
	printf("records %llu readers %ld duplicated %ld skipped %ld\n",
	       (unsigned long long)n, nproc, dup, skip);
	if (bad)
		return fail("%ld readers failed", bad);
	return dup || skip ? fail("records duplicated or skipped") : 0;
}

static void prep_cmd(struct io_uring_sqe *sqe, int fd, __u32 op,
		     const struct raftlog_uring_propose *up, __u64 tag)
{
	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
	sqe->cmd_op = op;
	if (up)
		memcpy(sqe->cmd, up, sizeof(*up));
	sqe->user_data = tag;
}

/* Submit one command and return its CQE's res (and big_cqe[0]). */
static int one_cmd(struct io_uring *ring, int fd, __u32 op,
		   const struct raftlog_uring_propose *up, __u64 *extra)
{
	struct io_uring_cqe *cqe;
	int res;

	prep_cmd(io_uring_get_sqe(ring), fd, op, up, 1);
	if (io_uring_submit(ring) != 1 || io_uring_wait_cqe(ring, &cqe))
		return -9999;
	res = cqe->res;
	if (extra)
		*extra = cqe->big_cqe[0];
	io_uring_cqe_seen(ring, cqe);
	return res;
}

static int cmd_uring(long n, const char *tag)
{
	int fd = open_dev(O_RDWR);
	struct raftlog_uring_propose up = { 0 };
	struct raftlog_status st;
	struct io_uring ring, plain;
	struct io_uring_cqe *cqe;
	char (*bufs)[64] = calloc(n, 64);
	uint64_t *index = calloc(n, sizeof(*index));
	__u64 extra = 0, maxidx = 0;
	long done = 0, i;
	int r, bad = 0;

	if (get_status(fd, &st))
		return 1;
	if (n > (long)st.max_pending || n > 4096)
		return fail("N above the proposal queue");
	r = io_uring_queue_init(4096, &ring, IORING_SETUP_CQE32);
	if (r)
		return fail("io_uring_queue_init: %s", strerror(-r));
	/* every proposal submitted before any completion is reaped */
	for (i = 0; i < n; i++) {
		size_t len = entry_size(tag, i, 0);

		payload(bufs[i], len, tag, i);
		up.data = (uintptr_t)bufs[i];
		up.len = len;
		prep_cmd(io_uring_get_sqe(&ring), fd, RAFTLOG_URING_PROPOSE,
			 &up, i);
	}
	r = io_uring_submit(&ring);
	if (r != n)
		return fail("submitted %d of %ld", r, n);
	while (done < n) {
		if (io_uring_wait_cqe(&ring, &cqe))
			return fail("wait_cqe");
		i = cqe->user_data;
		if (i < 0 || i >= n || index[i])
			return fail("bad or duplicate completion %ld", i);
		if (cqe->res <= 0)
			return fail("proposal %ld: res %d (%s)", i, cqe->res,
				    strerror(-cqe->res));
		index[i] = cqe->big_cqe[0];
		if (!index[i])
			return fail("proposal %ld: no index", i);
		if (index[i] > maxidx)
			maxidx = index[i];
		io_uring_cqe_seen(&ring, cqe);
		done++;
	}
	/* each index holds exactly the payload proposed for it */
	for (i = 0; i < n; i++) {
		char rec[256];
		struct raftlog_record h;
		size_t len = entry_size(tag, i, 0);

		if (lseek(fd, index[i], SEEK_SET) != (off_t)index[i] ||
		    read(fd, rec, sizeof(rec)) <= 0)
			return fail("read back %llu: %s",
				    (unsigned long long)index[i], strerror(errno));
		memcpy(&h, rec, sizeof(h));
		if (h.index != index[i] || h.len != len ||
		    memcmp(rec + sizeof(h), bufs[i], len))
			return fail("index %llu does not hold %s-%ld",
				    (unsigned long long)index[i], tag, i);
	}
	r = one_cmd(&ring, fd, RAFTLOG_URING_BARRIER, NULL, &extra);
	if (r != 0 || extra < maxidx)
		bad |= fail("barrier: res %d index %llu, want 0 and >= %llu", r,
			    (unsigned long long)extra,
			    (unsigned long long)maxidx);
	if (get_status(fd, &st) || st.applied < extra)
		bad |= fail("barrier index %llu not applied",
			    (unsigned long long)extra);
	r = one_cmd(&ring, fd, 77, NULL, NULL);
	if (r != -ENOTTY)
		bad |= fail("opcode 77: res %d, want -ENOTTY", r);
	up.flags = 1;
	r = one_cmd(&ring, fd, RAFTLOG_URING_PROPOSE, &up, NULL);
	if (r != -EINVAL)
		bad |= fail("flags 1: res %d, want -EINVAL", r);
	up.flags = 0;
	up.len = st.max_entry + 1;
	r = one_cmd(&ring, fd, RAFTLOG_URING_PROPOSE, &up, NULL);
	if (r != -EMSGSIZE)
		bad |= fail("len max_entry + 1: res %d, want -EMSGSIZE", r);
	up.len = 8;
	up.data = 16;
	r = one_cmd(&ring, fd, RAFTLOG_URING_PROPOSE, &up, NULL);
	if (r != -EFAULT)
		bad |= fail("bad data pointer: res %d, want -EFAULT", r);
	io_uring_queue_exit(&ring);
	if (io_uring_queue_init(8, &plain, 0))
		return fail("plain ring");
	up.data = (uintptr_t)bufs[0];
	up.len = 4;
	r = one_cmd(&plain, fd, RAFTLOG_URING_PROPOSE, &up, NULL);
	if (r != -EINVAL)
		bad |= fail("ring without CQE32: res %d, want -EINVAL", r);
	io_uring_queue_exit(&plain);
	printf("%ld proposals in flight at once, indexes up to %llu\n", n,
	       (unsigned long long)maxidx);
	free(bufs);
	free(index);
	close(fd);
	return bad;
}

/* Parse "TAG-i" (exactly TAG, a dash, digits): i, or -1. */
static long tag_number(const char *p, size_t len, const char *tag)
{
	size_t t = strlen(tag);
	long i = 0;

	if (len <= t + 1 || memcmp(p, tag, t) || p[t] != '-')
		return -1;
	for (size_t k = t + 1; k < len; k++) {
		if (p[k] < '0' || p[k] > '9' || i > 100000000)
			return -1;
		i = i * 10 + (p[k] - '0');
	}
	return i;
}

/*
 * Every entry of the log tagged TAG: each TAG-i for i < n exactly once,
 * at index[i] (its completion's index), and nothing else tagged TAG.
 */
static int flood_check(int fd, const char *tag, long n, const uint64_t *index)
{
	size_t cap = 256 * 1024;
	char *buf = malloc(cap);
	unsigned char *seen = calloc(n, 1);
	struct raftlog_status st;
	long found = 0, bad = 0;

	if (!buf || !seen || get_status(fd, &st))
		return fail("check setup");
	if (lseek(fd, st.first_index, SEEK_SET) != (off_t)st.first_index)
		return fail("seek to %llu", (unsigned long long)st.first_index);
	for (;;) {
		ssize_t r = read(fd, buf, cap);
		size_t off = 0;

		if (r < 0 && errno == EAGAIN)
			break;
		if (r <= 0)
			return fail("read back: %zd %s", r, strerror(errno));
		while (off + sizeof(struct raftlog_record) <= (size_t)r) {
			struct raftlog_record h;
			long i;

			memcpy(&h, buf + off, sizeof(h));
			i = tag_number(buf + off + sizeof(h), h.len, tag);
			off += RAFTLOG_RECORD_SIZE(h.len);
			if (h.flags & (RAFTLOG_RECORD_F_NOOP |
				       RAFTLOG_RECORD_F_CONF))
				continue;
			if (i < 0 || i >= n) {
				if (i >= n)
					bad |= fail("index %llu: %s-%ld was never proposed",
						    (unsigned long long)h.index,
						    tag, i);
				continue;
			}
			found++;
			if (seen[i]++) {
				bad |= fail("index %llu: %s-%ld again (duplicate)",
					    (unsigned long long)h.index, tag, i);
				continue;
			}
			if (h.index != index[i])
				bad |= fail("%s-%ld at index %llu, its completion said %llu",
					    tag, i, (unsigned long long)h.index,
					    (unsigned long long)index[i]);
		}
	}
	for (long i = 0; i < n; i++)
		if (!seen[i])
			bad |= fail("%s-%ld acknowledged at %llu, not in the log",
				    tag, i, (unsigned long long)index[i]);
	printf("log: %ld entries tagged %s for %ld proposals\n", found, tag, n);
	free(buf);
	free(seen);
	return bad ? 1 : 0;
}

/*
 * Many more proposals in flight than the queue holds, SQEs handed out by
 * liburing as usual (an 8-entry SQ: each slot is rewritten as soon as
 * the previous submit consumed it).  A proposal that ends with -EAGAIN
 * (queue full, not appended) is proposed again with the same payload
 * once another completion came in, or after 1 ms with none in flight.
 */
static int cmd_uring_flood(long n, long depth, const char *tag)
{
	int fd = open_dev(O_RDWR | O_NONBLOCK);
	struct io_uring_params p = { .flags = IORING_SETUP_CQE32 |
					      IORING_SETUP_CQSIZE };
	struct raftlog_uring_propose up = { 0 };
	struct raftlog_status st;
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	char (*bufs)[32] = calloc(n, 32);
	uint64_t *index = calloc(n, sizeof(*index));
	long *retry = calloc(n, sizeof(*retry));
	long next = 0, nretry = 0, inflight = 0, done = 0, eagain = 0;
	long submits = 0;
	int r, redo = 1;

	if (!bufs || !index || !retry || n <= 0 || depth <= 0)
		return fail("bad arguments");
	if (get_status(fd, &st))
		return 1;
	if (depth <= 2 * (long)st.max_pending)
		return fail("depth %ld is not far above max_pending %u", depth,
			    st.max_pending);
	p.cq_entries = 2 * depth;
	r = io_uring_queue_init_params(8, &ring, &p);
	if (r)
		return fail("io_uring_queue_init: %s", strerror(-r));
	for (long i = 0; i < n; i++)
		snprintf(bufs[i], sizeof(bufs[i]), "%s-%ld", tag, i);
	while (done < n) {
		long progress = 0;

		if (!inflight && nretry) {
			usleep(1000);	/* all to redo, none in flight */
			redo = 1;
		}
		/* fill up to depth: the proposals to redo first, once room */
		while (inflight < depth && ((redo && nretry) || next < n)) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
			long i;

			if (!sqe) {
				r = io_uring_submit(&ring);
				if (r < 0)
					return fail("submit: %s", strerror(-r));
				submits++;
				continue;
			}
			i = redo && nretry ? retry[--nretry] : next++;
			up.data = (uintptr_t)bufs[i];
			up.len = strlen(bufs[i]);
			prep_cmd(sqe, fd, RAFTLOG_URING_PROPOSE, &up, i);
			inflight++;
		}
		r = io_uring_submit(&ring);
		if (r < 0)
			return fail("submit: %s", strerror(-r));
		submits++;
		r = io_uring_wait_cqe(&ring, &cqe);
		if (r)
			return fail("wait_cqe: %s", strerror(-r));
		do {
			long i = (long)cqe->user_data;

			if (i < 0 || i >= n || index[i])
				return fail("bad or duplicate completion %ld", i);
			inflight--;
			if (cqe->res == -EAGAIN) {
				if (cqe->big_cqe[0] != RAFTLOG_URING_QUEUE_FULL)
					return fail("proposal %ld: -EAGAIN, big_cqe[0] %llu (no leader?)",
						    i, (unsigned long long)cqe->big_cqe[0]);
				eagain++;
				retry[nretry++] = i;
			} else if (cqe->res <= 0) {
				return fail("proposal %ld: res %d (%s)", i,
					    cqe->res, strerror(-cqe->res));
			} else if (!cqe->big_cqe[0]) {
				return fail("proposal %ld: no index", i);
			} else {
				index[i] = cqe->big_cqe[0];
				done++;
				progress++;
			}
			io_uring_cqe_seen(&ring, cqe);
		} while (io_uring_peek_cqe(&ring, &cqe) == 0);
		/* redo after a completion made room, not in a spin */
		redo = progress > 0;
	}
	io_uring_queue_exit(&ring);
	printf("%ld proposals, %ld in flight, max_pending %u: %ld -EAGAIN completions redone, %ld submits\n",
	       n, depth, st.max_pending, eagain, submits);
	r = flood_check(fd, tag, n, index);
	free(bufs);
	free(index);
	free(retry);
	close(fd);
	return r;
}

/* Leave proposals in flight and exit: the ring teardown must cope. */
/*
 * uring-abandon DEV N [b [MS]]: submit N proposals (and, with "b", one
 * read barrier), give them MS milliseconds, then exit without reaping
 * what is still in flight; prints how many proposals and barriers were
 * still waiting at exit.  The ring is torn down with them: 6.7+ cancels
 * them (the module completes them with ECANCELED), 6.1 cannot, and the
 * exiting task waits for their outcome.
 */
static int cmd_uring_abandon(long n, int barrier, long ms)
{
	int fd = open_dev(O_RDWR);
	struct raftlog_uring_propose up = { 0 };
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	static char buf[] = "abandoned";
	long props = n, barriers = barrier;

	if (io_uring_queue_init(1024, &ring, IORING_SETUP_CQE32))
		return fail("io_uring_queue_init");
	up.data = (uintptr_t)buf;
	up.len = sizeof(buf) - 1;
	for (long i = 0; i < n; i++)
		prep_cmd(io_uring_get_sqe(&ring), fd, RAFTLOG_URING_PROPOSE,
			 &up, i);
	if (barrier)
		prep_cmd(io_uring_get_sqe(&ring), fd, RAFTLOG_URING_BARRIER,
			 NULL, n);
	if (io_uring_submit(&ring) != n + barrier)
		return fail("submit");
	if (ms)
		usleep(ms * 1000);
	while (io_uring_peek_cqe(&ring, &cqe) == 0) {
		if (cqe->user_data == (__u64)n && barrier)
			barriers--;
		else
			props--;
		io_uring_cqe_seen(&ring, cqe);
	}
	printf("in flight at exit: %ld proposal(s) of %ld, %ld barrier(s)\n",
	       props, n, barriers);
	fflush(stdout);
	/* no reaping: exit with the rest in flight */
	return 0;
}

/* FNV-1a: enough to tell payloads apart in a dump */
static uint64_t hash64(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (n--) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int cmd_dump(uint64_t from)
{
	int fd = open_dev(O_RDONLY | O_NONBLOCK);
	size_t cap = 256 * 1024;
	char *buf = malloc(cap);
	struct raftlog_status st;
	uint64_t next;

	if (get_status(fd, &st))
		return 1;
	next = from ? from : st.first_index;
	if (lseek(fd, next, SEEK_SET) != (off_t)next)
		return fail("seek to %llu: %s", (unsigned long long)next,
			    strerror(errno));
	for (;;) {
		ssize_t r = read(fd, buf, cap);
		size_t off = 0;

		if (r < 0 && errno == EAGAIN)
			break;
		if (r <= 0)
			return fail("read at %llu: %zd %s",
				    (unsigned long long)next, r, strerror(errno));
		while (off < (size_t)r) {
			struct raftlog_record h;

			memcpy(&h, buf + off, sizeof(h));
			if (h.index != next)
				return fail("index %llu, expected %llu",
					    (unsigned long long)h.index,
					    (unsigned long long)next);
			printf("%llu %llu %u %u %016llx\n",
			       (unsigned long long)h.index,
			       (unsigned long long)h.term, h.flags, h.len,
			       (unsigned long long)hash64((unsigned char *)buf +
							  off + sizeof(h),
							  h.len));
			off += RAFTLOG_RECORD_SIZE(h.len);
			next++;
		}
	}
	free(buf);
	close(fd);
	return 0;
}

static int cmd_roles(char **devs, int n)
{
	struct raftlog_status st;

	for (int i = 0; i < n; i++) {
		int fd;

		dev = devs[i];
		fd = open_dev(O_RDONLY);
		if (get_status(fd, &st))
			return 1;
		printf("%llu %u %llu %llu %llu %llu %llu\n",
		       (unsigned long long)st.node_id, st.role,
		       (unsigned long long)st.leader,
		       (unsigned long long)st.term,
		       (unsigned long long)st.commit,
		       (unsigned long long)st.applied,
		       (unsigned long long)st.first_index);
		close(fd);
	}
	return 0;
}

static int cmd_wait(uint64_t index, unsigned int ms)
{
	int fd = open_dev(O_RDONLY);
	struct raftlog_wait w = { .index = index, .timeout_ms = ms };

	if (ioctl(fd, RAFTLOG_IOC_WAIT, &w))
		return fail("WAIT %llu: %s (applied %llu)",
			    (unsigned long long)index, strerror(errno),
			    (unsigned long long)w.applied);
	close(fd);
	return 0;
}

static int cmd_tryprop(unsigned int secs)
{
	int fd = open_dev(O_RDWR);
	struct sigaction sa = { .sa_handler = on_signal };
	static const char buf[] = "minority";
	ssize_t r;

	sigaction(SIGALRM, &sa, NULL);
	alarm(secs);
	r = write(fd, buf, sizeof(buf) - 1);
	alarm(0);
	if (r >= 0)
		return fail("write on the minority side committed");
	printf("write failed: %s\n", strerror(errno));
	close(fd);
	return 0;
}

static int cmd_holdread(uint64_t pos, const char *file, int want)
{
	int fd = open_dev(O_RDONLY | O_NONBLOCK);
	struct raftlog_record h;
	char buf[4096];
	ssize_t r;
	int i;

	if (lseek(fd, pos, SEEK_SET) != (off_t)pos) {
		if (want && errno == want) {
			printf("seek to %llu: %s\n", (unsigned long long)pos,
			       strerror(errno));
			return 0;
		}
		return fail("seek to %llu: %s", (unsigned long long)pos,
			    strerror(errno));
	}
	printf("ready\n");
	fflush(stdout);
	for (i = 0; access(file, F_OK); i++) {
		if (i > 6000)
			return fail("%s never appeared", file);
		usleep(100 * 1000);
	}
	r = read(fd, buf, sizeof(buf));
	if (!want) {
		if (r <= 0)
			return fail("read at %llu: %s", (unsigned long long)pos,
				    strerror(errno));
		memcpy(&h, buf, sizeof(h));
		if (h.index != pos)
			return fail("read at %llu returned %llu",
				    (unsigned long long)pos,
				    (unsigned long long)h.index);
	} else {
		if (expect_err(r, want, "held read"))
			return 1;
	}
	printf("read at %llu: %s\n", (unsigned long long)pos,
	       r < 0 ? strerror(errno) : "records");
	close(fd);
	return 0;
}

/* FNV-1a, 64 bit: enough to tell two logs apart */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--) {
		h ^= *b++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int cmd_digest(uint64_t last)
{
	int fd = open_dev(O_RDONLY | O_NONBLOCK);
	size_t cap = 256 * 1024;
	char *buf = malloc(cap);
	uint64_t h = 0xcbf29ce484222325ULL, next = 1;

	if (lseek(fd, 1, SEEK_SET) != 1)
		return fail("lseek to 1: %s", strerror(errno));
	while (next <= last) {
		ssize_t r = read(fd, buf, cap);
		size_t off = 0;

		if (r <= 0)
			return fail("read at %llu of %llu: %zd %s",
				    (unsigned long long)next,
				    (unsigned long long)last, r,
				    r < 0 ? strerror(errno) : "");
		while (off < (size_t)r && next <= last) {
			struct raftlog_record hd;

			memcpy(&hd, buf + off, sizeof(hd));
			if (hd.index != next)
				return fail("index %llu, expected %llu",
					    (unsigned long long)hd.index,
					    (unsigned long long)next);
			h = fnv(h, &hd.index, sizeof(hd.index));
			h = fnv(h, &hd.term, sizeof(hd.term));
			h = fnv(h, &hd.flags, sizeof(hd.flags));
			h = fnv(h, buf + off + sizeof(hd), hd.len);
			off += RAFTLOG_RECORD_SIZE(hd.len);
			next++;
		}
	}
	printf("%016llx\n", (unsigned long long)h);
	free(buf);
	close(fd);
	return 0;
}

static const struct {
	const char *name;
	int err;
} errnames[] = {
	{ "EEXIST", EEXIST }, { "ENOENT", ENOENT }, { "EINVAL", EINVAL },
	{ "EBUSY", EBUSY }, { "EAGAIN", EAGAIN }, { "EREMOTE", EREMOTE },
	{ "ERANGE", ERANGE }, { "EALREADY", EALREADY }, { "ENOSPC", ENOSPC },
	{ "EOPNOTSUPP", EOPNOTSUPP }, { "ETIMEDOUT", ETIMEDOUT },
	{ "EIO", EIO }, { "ENODEV", ENODEV }, { "ESTALE", ESTALE },
};

static int cmd_ctl(const char *want_s, const char *cmd)
{
	int want = -1, fd, got = 0;
	size_t i;

	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (!strcmp(want_s, errnames[i].name))
			want = errnames[i].err;
	if (want < 0)
		want = atoi(want_s);
	fd = open(dev, O_WRONLY);
	if (fd < 0)
		return fail("open %s: %s", dev, strerror(errno));
	if (write(fd, cmd, strlen(cmd)) < 0)
		got = errno;
	close(fd);
	if (got != want)
		return fail("\"%s\": %s, expected %s", cmd,
			    got ? strerror(got) : "success",
			    want ? strerror(want) : "success");
	printf("\"%s\": %s\n", cmd, got ? strerror(got) : "ok");
	return 0;
}

static int cmd_failnth(const char *n, const char *cmd)
{
	int fd, nth, got = 0;
	char left[32] = "";
	ssize_t r;

	fd = open(dev, O_WRONLY);
	nth = open("/proc/thread-self/fail-nth", O_RDWR);
	if (fd < 0 || nth < 0)
		return fail("open %s or fail-nth: %s", dev, strerror(errno));
	if (write(nth, n, strlen(n)) < 0)
		return fail("fail-nth %s: %s", n, strerror(errno));
	if (write(fd, cmd, strlen(cmd)) < 0)
		got = errno;
	r = pread(nth, left, sizeof(left) - 1, 0);
	/* nothing may fail after the command */
	if (write(nth, "0", 1) < 0 || r <= 0)
		return fail("fail-nth: %s", strerror(errno));
	left[r] = 0;
	printf("%d %s", got, left);
	close(fd);
	close(nth);
	return 0;
}

/*
 * rdonly: a file open O_RDONLY may read, wait and take barriers but not
 * propose by any route: write() (the VFS), RAFTLOG_IOC_PROPOSE and the
 * io_uring proposal all fail with EBADF and append nothing.
 */
static int cmd_rdonly(void)
{
	int fd = open_dev(O_RDONLY);
	struct raftlog_propose p = { 0 };
	struct raftlog_uring_propose up = { 0 };
	struct raftlog_status st, st2;
	struct raftlog_barrier b;
	struct io_uring ring;
	char data[16] = "rdonly";
	__u64 extra = 0;
	int r, bad = 0;

	if (get_status(fd, &st))
		return 1;
	bad |= expect_err(write(fd, data, sizeof(data)), EBADF,
			  "write() on O_RDONLY");
	p.data = (uintptr_t)data;
	p.len = sizeof(data);
	bad |= expect_err(ioctl(fd, RAFTLOG_IOC_PROPOSE, &p), EBADF,
			  "IOC_PROPOSE on O_RDONLY");
	r = io_uring_queue_init(8, &ring, IORING_SETUP_CQE32);
	if (r)
		return fail("io_uring_queue_init: %s", strerror(-r));
	up.data = (uintptr_t)data;
	up.len = sizeof(data);
	r = one_cmd(&ring, fd, RAFTLOG_URING_PROPOSE, &up, &extra);
	if (r != -EBADF)
		bad |= fail("uring propose on O_RDONLY: res %d, want %d", r,
			    -EBADF);
	r = one_cmd(&ring, fd, RAFTLOG_URING_BARRIER, NULL, &extra);
	if (r < 0)
		bad |= fail("uring barrier on O_RDONLY: res %d", r);
	io_uring_queue_exit(&ring);
	if (ioctl(fd, RAFTLOG_IOC_BARRIER, &b))
		bad |= fail("IOC_BARRIER on O_RDONLY: %s", strerror(errno));
	if (get_status(fd, &st2))
		return 1;
	if (st2.last_index != st.last_index)
		bad |= fail("last index moved from %llu to %llu",
			    (unsigned long long)st.last_index,
			    (unsigned long long)st2.last_index);
	close(fd);
	return bad;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: rlprobe CMD DEV [ARGS] (see source)\n");
		return 2;
	}
	dev = argv[2];
	if (!strcmp(argv[1], "status"))
		return cmd_status();
	if (!strcmp(argv[1], "propose") && argc >= 5)
		return cmd_propose(atol(argv[3]), argv[4],
				   argc > 5 ? atol(argv[5]) : 0);
	if (!strcmp(argv[1], "ipropose") && argc >= 5)
		return cmd_ipropose(atol(argv[3]), argv[4]);
	if (!strcmp(argv[1], "check") && argc >= 5)
		return cmd_check(argv[3], atol(argv[4]),
				 argc > 5 ? atol(argv[5]) : 0);
	if (!strcmp(argv[1], "seek"))
		return cmd_seek();
	if (!strcmp(argv[1], "errors"))
		return cmd_errors();
	if (!strcmp(argv[1], "rdonly"))
		return cmd_rdonly();
	if (!strcmp(argv[1], "poll"))
		return cmd_poll();
	if (!strcmp(argv[1], "barrier"))
		return cmd_barrier();
	if (!strcmp(argv[1], "blockread") && argc >= 4)
		return cmd_blockread(atoi(argv[3]));
	if (!strcmp(argv[1], "uring") && argc >= 5)
		return cmd_uring(atol(argv[3]), argv[4]);
	if (!strcmp(argv[1], "uring-flood") && argc >= 6)
		return cmd_uring_flood(atol(argv[3]), atol(argv[4]), argv[5]);
	if (!strcmp(argv[1], "uring-abandon") && argc >= 4)
		return cmd_uring_abandon(atol(argv[3]),
					 argc > 4 && !strcmp(argv[4], "b"),
					 argc > 5 ? atol(argv[5]) : 0);
	if (!strcmp(argv[1], "dump"))
		return cmd_dump(argc > 3 ? strtoull(argv[3], NULL, 0) : 0);
	if (!strcmp(argv[1], "roles"))
		return cmd_roles(argv + 2, argc - 2);
	if (!strcmp(argv[1], "wait") && argc >= 5)
		return cmd_wait(strtoull(argv[3], NULL, 0), atoi(argv[4]));
	if (!strcmp(argv[1], "tryprop") && argc >= 4)
		return cmd_tryprop(atoi(argv[3]));
	if (!strcmp(argv[1], "holdread") && argc >= 6)
		return cmd_holdread(strtoull(argv[3], NULL, 0), argv[4],
				    atoi(argv[5]));
	if (!strcmp(argv[1], "digest") && argc >= 4)
		return cmd_digest(strtoull(argv[3], NULL, 0));
	if (!strcmp(argv[1], "failnth") && argc >= 5)
		return cmd_failnth(argv[3], argv[4]);
	if (!strcmp(argv[1], "sharedread") && argc >= 4)
		return cmd_sharedread(atol(argv[3]));
	if (!strcmp(argv[1], "ctl") && argc >= 5)
		return cmd_ctl(argv[3], argv[4]);
	fprintf(stderr, "rlprobe: bad command\n");
	return 2;
}
