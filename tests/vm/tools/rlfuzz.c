// SPDX-License-Identifier: GPL-2.0
/*
 * rlfuzz: a guest fuzzer of raftlog's user-facing surfaces, for a kernel
 * with KASAN, lockdep and kmemleak watching (tests/vm/fuzz-guest.sh).
 *
 *   rlfuzz [-s SEED] [-t SECONDS] [-p PROCS] GROUP...
 *
 * PROCS processes (default 3), each with its own seed, run random
 * operations on groups GROUP... until the time is up:
 *   - generic netlink requests: every command and some that do not
 *     exist, random attributes (known and unknown types, right and wrong
 *     sizes, strings with and without their NUL, nests), dumps, each
 *     answered with an error or an acknowledgement;
 *   - the character devices: open in every mode, write and read of odd
 *     sizes (0, 1, around the record header, past max-entry), bad user
 *     pointers, lseek with every whence, pread/pwrite, poll, mmap, every
 *     ioctl and unknown ones with good, NULL and bad argument pointers,
 *     blocking calls interrupted by a signal;
 *   - io_uring commands (known and unknown cmd_op, random command areas),
 *     rings torn down with commands in flight;
 *   - groups deleted and created again (volatile, single node) while the
 *     others use them.
 * The kernel must answer everything with an errno or a result; the test
 * is what the kernel's checkers say and that the module still unloads.
 * Prints per process the operations run and how many failed, and
 * "rlfuzz: N operations" at the end; exits 1 if a process died.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>
#include <liburing.h>
#include <linux/raftlog.h>

#define MAX_GROUPS	8
#define MAX_FDS		8
#define BIG		(1200 * 1024)	/* past the largest entry */

enum { OP_NL, OP_DEV, OP_URING, OP_CHURN, OP_N };
static const char *const op_names[OP_N] = { "netlink", "chardev",
					    "io_uring", "churn" };

static uint64_t rng;
static uint32_t groups[MAX_GROUPS];
static int n_groups;
static int nl_fd = -1, family;
static int fds[MAX_FDS];
static unsigned char *buf;	/* BIG bytes, some of them random */
static void *bad_ptr;		/* an address that is not mapped */
static unsigned long n_ops[OP_N], n_err[OP_N];

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint32_t below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

static uint64_t interesting(void)
{
	static const uint64_t v[] = {
		0, 1, 2, 3, 4, 7, 8, 64, 255, 4096, 65535, 65536, 1 << 20,
		0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
		0x7fffffffffffffffull, ~0ull,
	};

	if (below(4) == 0)
		return rnd();
	return v[below(sizeof(v) / sizeof(v[0]))];
}

static uint32_t some_group(void)
{
	return below(8) ? groups[below(n_groups)] : (uint32_t)interesting();
}

/* ------------------------------------------------------------------ */
/* netlink                                                             */

struct nlbuf {
	unsigned char b[8192];
	size_t len;
};

static void nl_put(struct nlbuf *m, uint16_t type, const void *data,
		   uint16_t len)
{
	struct nlattr *a = (struct nlattr *)(m->b + m->len);
	size_t need = NLA_ALIGN(NLA_HDRLEN + len);

	if (m->len + need > sizeof(m->b))
		return;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((unsigned char *)a + NLA_HDRLEN, data, len);
	memset((unsigned char *)a + NLA_HDRLEN + len, 0,
	       need - NLA_HDRLEN - len);
	m->len += need;
}

static void nl_start(struct nlbuf *m, uint16_t type, uint16_t flags,
		     uint8_t cmd)
{
	struct nlmsghdr *h = (struct nlmsghdr *)m->b;
	struct genlmsghdr *g = NLMSG_DATA(h);

	memset(m->b, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | flags;
	h->nlmsg_seq = (uint32_t)rnd();
	g->cmd = cmd;
	g->version = below(8) ? RAFTLOG_GENL_VERSION : below(256);
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

/* Send and read until the answer ends: its error (0: an ack), -errno. */
static int nl_talk(struct nlbuf *m, int *family_id)
{
	static unsigned char r[65536];
	struct nlmsghdr *h = (struct nlmsghdr *)m->b;
	int err = -ETIMEDOUT, n;

	h->nlmsg_len = m->len;
	if (send(nl_fd, m->b, m->len, 0) < 0)
		return -errno;
	for (;;) {
		n = recv(nl_fd, r, sizeof(r), 0);
		if (n < 0)
			return errno == EAGAIN ? err : -errno;
		for (h = (struct nlmsghdr *)r; NLMSG_OK(h, n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				return e->error;
			}
			if (h->nlmsg_type == NLMSG_DONE)
				err = 0;	/* an ack may follow */
			else if (family_id)
				*family_id = h->nlmsg_type;
		}
	}
}

static int nl_open(void)
{
	struct timeval tv = { .tv_usec = 300000 };
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct nlbuf m;
	unsigned char *p, *end;
	struct nlattr *a;
	static unsigned char r[8192];
	struct nlmsghdr *h;
	ssize_t n;

	nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl_fd < 0 || bind(nl_fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	setsockopt(nl_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	nl_start(&m, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY);
	((struct genlmsghdr *)(m.b + NLMSG_HDRLEN))->version = 1;
	nl_put(&m, CTRL_ATTR_FAMILY_NAME, RAFTLOG_GENL_NAME,
	       sizeof(RAFTLOG_GENL_NAME));
	((struct nlmsghdr *)m.b)->nlmsg_len = m.len;
	if (send(nl_fd, m.b, m.len, 0) < 0)
		return -1;
	n = recv(nl_fd, r, sizeof(r), 0);
	h = (struct nlmsghdr *)r;
	if (n < 0 || !NLMSG_OK(h, (size_t)n) || h->nlmsg_type != GENL_ID_CTRL)
		return -1;
	p = (unsigned char *)NLMSG_DATA(h) + GENL_HDRLEN;
	end = (unsigned char *)h + h->nlmsg_len;
	while (p + NLA_HDRLEN <= end) {
		a = (struct nlattr *)p;
		if (a->nla_len < NLA_HDRLEN)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
			family = *(uint16_t *)(p + NLA_HDRLEN);
		p += NLA_ALIGN(a->nla_len);
	}
	return family ? 0 : -1;
}

static const char *const strs[] = {
	"/dev/ram0", "/dev/ram1", "/dev/null", "/dev/raftlog1", "/nonexistent",
	"10.0.0.1:7000", "127.0.0.1:1", "[::1]:7000", "[::1", "1.2.3.4:99999",
	"x", "", "2@10.0.0.2:7000",
};

/* A random payload for attribute type t (of an nest when nested). */
static void nl_rand_attr(struct nlbuf *m, int depth)
{
	uint16_t t = below(10) ? 1 + below(RAFTLOG_A_MAX + 3) : below(0x4000);
	unsigned char v[320];
	uint64_t x = interesting();
	uint16_t len;

	if (!below(6))
		t = RAFTLOG_A_GROUP_ID;
	switch (below(depth < 2 ? 8 : 7)) {
	case 0: len = 1; break;
	case 1: len = 2; break;
	case 2: len = 4; break;
	case 3: len = 8; break;
	case 4:			/* a string, with its NUL */
		len = snprintf((char *)v, sizeof(v), "%s",
			       strs[below(sizeof(strs) / sizeof(strs[0]))]) + 1;
		nl_put(m, t, v, len);
		return;
	case 5:			/* bytes: a string without NUL, junk, long */
		len = below(sizeof(v));
		memcpy(v, buf + below(4096), len);
		nl_put(m, t, v, len);
		return;
	case 6:
		len = 0;
		break;
	default: {		/* a nest of a few */
		struct nlattr *a = (struct nlattr *)(m->b + m->len);
		size_t start = m->len;
		int i, n = 1 + below(3);

		nl_put(m, t | NLA_F_NESTED, NULL, 0);
		if (m->len == start)
			return;
		for (i = 0; i < n; i++)
			nl_rand_attr(m, depth + 1);
		a->nla_len = m->len - start;
		return;
	}
	}
	if (t == RAFTLOG_A_GROUP_ID && len == 4)
		x = some_group();
	memcpy(v, &x, sizeof(x));
	nl_put(m, t, v, len);
}

static int op_netlink(void)
{
	static const uint16_t flags[] = { 0, NLM_F_ACK, NLM_F_DUMP | NLM_F_ACK,
					  NLM_F_ACK | NLM_F_ACK_TLVS };
	struct nlbuf m;
	int i, n = below(7);
	uint8_t cmd = below(12) ? 1 + below(RAFTLOG_CMD_MAX) : below(256);

	nl_start(&m, below(40) ? (uint16_t)family : below(0x10000),
		 flags[below(4)] | NLM_F_ACK, cmd);
	for (i = 0; i < n; i++)
		nl_rand_attr(&m, 0);
	return nl_talk(&m, NULL);
}

/* A well-formed GROUP_NEW of a volatile single-node group, or DEL. */
static int op_churn(void)
{
	uint32_t g = groups[below(n_groups)], tick = 20;
	uint64_t node = 1, cluster = 7;
	struct nlbuf m;

	nl_start(&m, family, NLM_F_ACK,
		 below(2) ? RAFTLOG_CMD_GROUP_NEW : RAFTLOG_CMD_GROUP_DEL);
	nl_put(&m, RAFTLOG_A_GROUP_ID, &g, 4);
	nl_put(&m, RAFTLOG_A_NODE_ID, &node, 8);
	nl_put(&m, RAFTLOG_A_CLUSTER_ID, &cluster, 8);
	nl_put(&m, RAFTLOG_A_TICK_MS, &tick, 4);
	nl_put(&m, RAFTLOG_A_VOLATILE, NULL, 0);
	return nl_talk(&m, NULL);
}

/* ------------------------------------------------------------------ */
/* character devices                                                   */

static void on_alarm(int sig)
{
	(void)sig;
}

/* Interrupt whatever blocks within a few milliseconds. */
static void arm(void)
{
	struct itimerval it = { .it_value.tv_usec = 2000 + below(20000) };

	setitimer(ITIMER_REAL, &it, NULL);
}

static void disarm(void)
{
	struct itimerval it = { 0 };

	setitimer(ITIMER_REAL, &it, NULL);
}

static int some_fd(void)
{
	int i = below(MAX_FDS);
	char path[64];

	if (fds[i] < 0 || !below(16)) {
		static const int modes[] = { O_RDONLY, O_WRONLY, O_RDWR };

		if (fds[i] >= 0)
			close(fds[i]);
		snprintf(path, sizeof(path), "/dev/raftlog%u",
			 groups[below(n_groups)]);
		fds[i] = open(path, modes[below(3)] |
			      (below(2) ? O_NONBLOCK : 0) | O_CLOEXEC);
	}
	return fds[i];
}

static void *some_ptr(void)
{
	switch (below(12)) {
	case 0: return NULL;
	case 1: return bad_ptr;
	case 2: return (void *)1;
	default: return buf + below(4096);
	}
}

static size_t some_len(void)
{
	static const size_t v[] = {
		0, 1, 7, sizeof(struct raftlog_record) - 1,
		sizeof(struct raftlog_record), 64, 4096, 65536, 1 << 20,
		(1 << 20) + 1, BIG - 4096,
	};

	return v[below(sizeof(v) / sizeof(v[0]))];
}

static long op_ioctl(int fd)
{
	static const unsigned long cmds[] = {
		RAFTLOG_IOC_STATUS, RAFTLOG_IOC_BARRIER, RAFTLOG_IOC_WAIT,
		RAFTLOG_IOC_PROPOSE, RAFTLOG_IOC_SNAPSHOT,
	};
	unsigned long cmd = below(6) ? cmds[below(5)] :
			    _IOC(below(4), RAFTLOG_IOC_MAGIC, below(16),
				 below(256));
	unsigned char *arg = buf + 8192 + below(64) * 8;
	struct raftlog_propose *p = (void *)arg;
	struct raftlog_snapshot *s = (void *)arg;

	memcpy(arg, buf + below(4096), 64);
	if (cmd == RAFTLOG_IOC_PROPOSE && below(2)) {
		p->data = (uintptr_t)some_ptr();
		p->len = some_len();
		p->flags = below(4) ? 0 : rnd();
	}
	/* an application snapshot: mostly refused, sometimes compacting */
	if (cmd == RAFTLOG_IOC_SNAPSHOT && below(2)) {
		s->index = below(2) ? interesting() : below(64);
		s->data = (uintptr_t)some_ptr();
		s->len = below(8) ? some_len() : interesting();
		s->flags = below(4) ? 0 : rnd();
		s->pad = below(4) ? 0 : rnd();
	}
	return ioctl(fd, cmd, below(10) ? (void *)arg : some_ptr());
}

static long op_dev(void)
{
	int fd = some_fd();
	struct pollfd pfd;
	long r;

	if (fd < 0)
		return -errno;
	arm();		/* a blocking call ends with EINTR */
	switch (below(9)) {
	case 0:
	case 1:
		r = write(fd, below(8) ? buf : some_ptr(), some_len());
		break;
	case 2:
	case 3:
		r = read(fd, below(8) ? buf : some_ptr(), some_len());
		break;
	case 4:
		r = lseek(fd, (off_t)interesting(), below(6));
		break;
	case 5:
		r = below(2) ? pread(fd, buf, 64, 0) : pwrite(fd, buf, 64, 0);
		break;
	case 6:
		pfd.fd = fd;
		pfd.events = POLLIN | POLLOUT | POLLPRI;
		r = poll(&pfd, 1, below(3));
		break;
	case 7: {
		void *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);

		r = p == MAP_FAILED ? -1 : 0;
		if (p != MAP_FAILED)
			munmap(p, 4096);
		break;
	}
	default:
		r = op_ioctl(fd);
		break;
	}
	if (r < 0)
		r = -errno;
	disarm();
	return r;
}

/* ------------------------------------------------------------------ */
/* io_uring                                                            */

static long op_uring(void)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	unsigned int i, n = 1 + below(8), setup;
	long bad = 0;
	int fd = some_fd(), r;

	if (fd < 0)
		return -errno;
	setup = below(6) ? IORING_SETUP_CQE32 : 0;
	if (!below(3))
		setup |= IORING_SETUP_SQE128;
	r = io_uring_queue_init(8, &ring, setup);
	if (r)
		return r;
	for (i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
		struct raftlog_uring_propose up = {
			.data = (uintptr_t)(below(8) ? buf : some_ptr()),
			.len = some_len(),
			.flags = below(6) ? 0 : rnd(),
		};

		if (!sqe)
			break;
		io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
		sqe->cmd_op = below(8) ? 1 + below(2) : (uint32_t)rnd();
		if (below(4))
			memcpy(sqe->cmd, &up, sizeof(up));
		else
			memcpy(sqe->cmd, buf + below(4096), 16);
		sqe->user_data = i;
	}
	io_uring_submit(&ring);
	/* reap some, then tear the ring down with the rest in flight */
	for (i = below(n + 1); i; i--) {
		struct __kernel_timespec ts = { .tv_nsec = 20000000 };

		if (io_uring_wait_cqe_timeout(&ring, &cqe, &ts))
			break;
		bad += cqe->res < 0;
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);
	return bad ? -EIO : 0;
}

/* ------------------------------------------------------------------ */

static int run(uint64_t seed, time_t until, int proc)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	unsigned long total = 0;
	int i, k;
	long r;

	rng = seed * 0x9e3779b97f4a7c15ull + proc + 1;
	sigaction(SIGALRM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < MAX_FDS; i++)
		fds[i] = -1;
	if (nl_open()) {
		fprintf(stderr, "rlfuzz[%d]: no raftlog netlink family\n", proc);
		return 2;
	}
	while (time(NULL) < until) {
		k = below(20);
		k = k < 6 ? OP_NL : k < 16 ? OP_DEV : k < 19 ? OP_URING : OP_CHURN;
		switch (k) {
		case OP_NL: r = op_netlink(); break;
		case OP_DEV: r = op_dev(); break;
		case OP_URING: r = op_uring(); break;
		default: r = op_churn(); break;
		}
		n_ops[k]++;
		n_err[k] += r < 0;
		total++;
	}
	for (i = 0; i < MAX_FDS; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	printf("rlfuzz[%d]: %lu operations:", proc, total);
	for (k = 0; k < OP_N; k++)
		printf(" %s %lu (%lu failed)", op_names[k], n_ops[k], n_err[k]);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t seed = time(NULL);
	int opt, procs = 3, i, st, bad = 0;
	long secs = 10;
	time_t until;

	while ((opt = getopt(argc, argv, "s:t:p:")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 't': secs = strtol(optarg, NULL, 0); break;
		case 'p': procs = atoi(optarg); break;
		default: return 2;
		}
	}
	for (; optind < argc && n_groups < MAX_GROUPS; optind++)
		groups[n_groups++] = strtoul(argv[optind], NULL, 0);
	if (!n_groups || procs < 1 || procs > 16) {
		fprintf(stderr, "usage: rlfuzz [-s SEED] [-t SECONDS] [-p PROCS] GROUP...\n");
		return 2;
	}
	buf = mmap(NULL, BIG + 3 * 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return 2;
	/* the last page is unmapped: bad_ptr faults */
	bad_ptr = buf + BIG + 2 * 4096;
	munmap(bad_ptr, 4096);
	rng = seed | 1;
	for (i = 0; i < 8192; i++)
		buf[i] = rnd();
	printf("rlfuzz: seed %llu, %ld s, %d processes, %d groups\n",
	       (unsigned long long)seed, secs, procs, n_groups);
	fflush(stdout);
	until = time(NULL) + secs;
	for (i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(run(seed, until, i));
		if (pid < 0)
			return 2;
	}
	while (wait(&st) > 0)
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			bad++;
	printf("rlfuzz: %d of %d processes failed\n", bad, procs);
	return bad ? 1 : 0;
}
