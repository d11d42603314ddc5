// SPDX-License-Identifier: GPL-2.0
/*
 * raftlog-bench: proposal throughput and commit latency of a raftlog
 * group, through libraftlog.
 *
 *   raftlog-bench [-d DEV | -g GROUP [--groups N]] [-m uring|write|ioctl|floor]
 *                 [-q DEPTH] [-s SIZE] [-t SECONDS] [-n COUNT] [--json]
 *                 [--verify] [--cb]
 *
 *   -m uring   one thread keeps DEPTH proposals in flight on io_uring
 *              (RAFTLOG_URING_PROPOSE); the default
 *              (--cb: completions through libraftlog's callbacks
 *              rather than its reap array)
 *   --groups N (uring) groups GROUP..GROUP+N-1 at once, DEPTH in flight on
 *              each, all from one ring: the figures are the sum (and the
 *              least and most busy group's ops/s), as many groups on one
 *              host would see them
 *   --node N   with -g: the devices of node N of each group,
 *              /dev/raftlogGROUP.N (several nodes of a group on one host)
 *   -m write   DEPTH threads, each proposing with a blocking write()
 *   -m ioctl   DEPTH threads, each with RAFTLOG_IOC_PROPOSE
 *   -m floor   no raftlog at all: the device's floor, what the group's
 *              figures compare with.  DEV is a raw block device (or a
 *              file), overwritten: one writer writes SIZE bytes (rounded
 *              up to 4 KiB) with O_DIRECT at the next offset of its first
 *              256 MiB, then fdatasync() (a cache flush), one at a time;
 *              the latency of each write+flush is a "proposal".  Run one
 *              per device at once to see the floor of several writers
 *   -s SIZE    payload bytes per entry (>= 16: each entry carries this
 *              run's nonce and its sequence number), default 100
 *   -t / -n    stop proposing after SECONDS or COUNT entries, whichever
 *              comes first (default: -t 5); what is in flight then still
 *              completes
 *   --verify   afterwards, read the log back through libraftlog's reader
 *              (up to a read barrier) and check that every acknowledged
 *              entry is there exactly once with its payload and, in the
 *              uring and ioctl modes, at the index and term its
 *              completion reported
 *
 * Latency is per proposal, from its submission to its completion, on
 * CLOCK_MONOTONIC.  Throughput counts acknowledged entries over the time
 * from the first submission to the last completion.  The status ioctl is
 * sampled every 10 ms for the proposal queue's occupancy (pending_peak
 * against max_pending shows backpressure); in the uring mode
 * queue_full_retries counts the proposals libraftlog sent again after
 * the kernel refused them for a full queue.
 *
 * Exit status: 0 when every proposal was acknowledged (and verified), 1
 * if any failed (counts by errno are printed) or verification failed, 2
 * for bad usage or setup errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "latency.h"
#include "libraftlog.h"

#define BENCH_MAGIC	0x31424c52u	/* "RLB1" */
#define HDR_SIZE	16		/* magic, nonce, sequence number */
#define MAX_ERRNO	4096
#define SAMPLE_NS	10000000ull

enum mode { M_URING, M_WRITE, M_IOCTL, M_FLOOR };
static const char *const mode_names[] = { "uring", "write", "ioctl", "floor" };

struct opts {
	const char *dev;
	enum mode mode;
	unsigned int depth;
	uint32_t size;
	double seconds;		/* 0: no time limit */
	uint64_t count;		/* 0: no limit on the number */
	bool json;
	bool verify;
	bool cb;		/* uring: completions through callbacks */
	unsigned int groups;	/* uring: groups first_group.. at once */
	uint64_t first_group;	/* -g */
	bool by_group;		/* -g given */
	uint64_t node;		/* --node: /dev/raftlogG.N (0: /dev/raftlogG) */
};

/* One finished proposal. */
struct result {
	uint64_t seq;
	uint64_t lat_ns;
	uint64_t index;		/* 0 when the mode does not report it */
	uint64_t term;
	int err;
};

struct results {
	struct result *v;
	size_t n, cap;
};

static struct opts o = {
	.dev = "/dev/raftlog1", .mode = M_URING, .depth = 1, .size = 100,
	.groups = 1,
};
/* --groups: the groups' devices, and the proposals each acknowledged */
static struct raftlog **rls;
static uint64_t *acked_by;
static uint32_t nonce;
static struct raftlog_status st0;	/* before the run */
static uint64_t t_start, t_end, deadline;
static _Atomic uint64_t next_seq;	/* above every sequence number used */
static _Atomic uint64_t submitted;	/* proposals actually made */
static _Atomic unsigned int pending_peak;
static uint64_t queue_full_retries;	/* libraftlog's, uring mode */

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "raftlog-bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void push(struct results *r, const struct result *x)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 4096;
		struct result *v = realloc(r->v, cap * sizeof(*v));

		if (!v)
			die("out of memory");
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = *x;
}

/* ------------------------------------------------------------------ */
/* Payloads: nonce and sequence number, then bytes derived from both    */

static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static void fill_payload(unsigned char *p, uint32_t size, uint64_t seq)
{
	uint32_t magic = BENCH_MAGIC;
	uint64_t x = mix64(((uint64_t)nonce << 32) ^ seq);

	memcpy(p, &magic, 4);
	memcpy(p + 4, &nonce, 4);
	memcpy(p + 8, &seq, 8);
	for (uint32_t i = HDR_SIZE; i < size; i++) {
		if (!((i - HDR_SIZE) & 7))
			x = mix64(x);
		p[i] = (unsigned char)(x >> (8 * ((i - HDR_SIZE) & 7)));
	}
}

/* The sequence number of one of this run's entries, or -1. */
static int64_t payload_seq(const struct raftlog_entry *e)
{
	const unsigned char *p = e->data;
	uint32_t magic, n;
	uint64_t seq;

	if (e->len != o.size || e->flags)
		return -1;
	memcpy(&magic, p, 4);
	memcpy(&n, p + 4, 4);
	memcpy(&seq, p + 8, 8);
	if (magic != BENCH_MAGIC || n != nonce || seq > INT64_MAX)
		return -1;
	return (int64_t)seq;
}

static bool more_to_propose(uint64_t seq, uint64_t now)
{
	if (o.count && seq >= o.count)
		return false;
	return !o.seconds || now < deadline;
}

/* Queue occupancy, from the status ioctl (sampled). */
static void sample_pending(struct raftlog *rl)
{
	struct raftlog_status st;
	unsigned int peak;

	if (raftlog_status(rl, &st))
		return;
	peak = atomic_load(&pending_peak);
	while (st.pending > peak &&
	       !atomic_compare_exchange_weak(&pending_peak, &peak, st.pending))
		;
}

/* ------------------------------------------------------------------ */
/* io_uring mode                                                       */

struct uslot {
	uint64_t seq;
	uint64_t t_submit;	/* set when its batch goes to the kernel */
	unsigned char *buf;
};

/* The io_uring run's state, shared with the completion callback. */
static struct {
	struct uslot *slots;
	unsigned int *free_slots;
	unsigned int nfree;
	struct results *res;
} u;

static void uring_finished(unsigned int s, const struct raftlog_completion *c,
			   uint64_t now)
{
	struct uslot *sl = &u.slots[s];
	struct result x = {
		.seq = sl->seq, .lat_ns = now - sl->t_submit,
		.index = c->index, .term = c->term, .err = c->err,
	};

	push(u.res, &x);
	if (!c->err)
		acked_by[s % o.groups]++;
	u.free_slots[u.nfree++] = s;
	t_end = now;
}

/* --cb: completions come to this callback instead of the reap array */
static void uring_cb(const struct raftlog_completion *c, void *arg)
{
	uring_finished((unsigned int)((struct uslot *)arg - u.slots), c,
		       now_ns());
}

/*
 * Slot s proposes on group s % o.groups: each group has o.depth of them,
 * all in one ring.
 */
static void run_uring(struct results *res)
{
	unsigned int slots = o.depth * o.groups;
	struct raftlog_completion *c = calloc(slots, sizeof(*c));
	unsigned int *batch = calloc(slots, sizeof(*batch));
	struct raftlog *rl = rls[0];
	struct raftlog_ring *ring;
	uint64_t seq = 0, last_sample = 0, now;
	int err;

	u.slots = calloc(slots, sizeof(*u.slots));
	u.free_slots = calloc(slots, sizeof(*u.free_slots));
	u.nfree = slots;
	u.res = res;
	if (!c || !u.slots || !u.free_slots || !batch)
		die("out of memory");
	for (unsigned int i = 0; i < slots; i++) {
		u.free_slots[i] = slots - 1 - i;
		u.slots[i].buf = malloc(o.size);
		if (!u.slots[i].buf)
			die("out of memory");
	}
	err = raftlog_ring_create(slots, &ring);
	if (err)
		die("raftlog_ring_create(%u): %s", slots, strerror(-err));

	now = t_start = now_ns();
	for (;;) {
		unsigned int nb = 0;

		while (u.nfree && more_to_propose(seq, now)) {
			unsigned int s = u.free_slots[--u.nfree];
			struct uslot *sl = &u.slots[s];

			sl->seq = seq++;
			fill_payload(sl->buf, o.size, sl->seq);
			if (o.cb)
				err = raftlog_ring_propose_cb(ring,
							      rls[s % o.groups],
							      sl->buf, o.size,
							      uring_cb, sl);
			else
				err = raftlog_ring_propose(ring,
							   rls[s % o.groups],
							   sl->buf, o.size, s);
			if (err)
				die("raftlog_ring_propose: %s", strerror(-err));
			batch[nb++] = s;
		}
		if (!raftlog_ring_inflight(ring))
			break;
		/* the batch goes to the kernel in the reap below */
		now = now_ns();
		for (unsigned int i = 0; i < nb; i++)
			u.slots[batch[i]].t_submit = now;
		err = raftlog_ring_reap(ring, c, slots, RAFTLOG_REAP_WAIT);
		if (err < 0)
			die("raftlog_ring_reap: %s", strerror(-err));
		now = now_ns();
		if (o.cb && err)
			die("raftlog_ring_reap returned %d completions of callback commands",
			    err);
		for (int i = 0; i < err; i++)
			uring_finished((unsigned int)c[i].user_data, &c[i], now);
		if (now - last_sample >= SAMPLE_NS) {
			sample_pending(rl);
			last_sample = now;
		}
	}
	atomic_store(&next_seq, seq);
	atomic_store(&submitted, seq);
	queue_full_retries = raftlog_ring_retries(ring);
	raftlog_ring_destroy(ring);
	for (unsigned int i = 0; i < slots; i++)
		free(u.slots[i].buf);
	free(c);
	free(u.slots);
	free(u.free_slots);
	free(batch);
}

/* ------------------------------------------------------------------ */
/* Blocking modes: one thread per proposal in flight                   */

struct worker {
	pthread_t tid;
	struct results res;
	uint64_t t_last;	/* its last completion */
	int open_err;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned char *buf = malloc(o.size);
	struct raftlog *rl;

	if (!buf) {
		w->open_err = -ENOMEM;
		return NULL;
	}
	/* a handle per thread: libraftlog handles are not shared */
	w->open_err = raftlog_open(o.dev, O_RDWR, &rl);
	if (w->open_err) {
		free(buf);
		return NULL;
	}
	for (;;) {
		uint64_t seq = atomic_fetch_add(&next_seq, 1);
		struct result x = { .seq = seq };
		uint64_t t0 = now_ns();

		/* numbers taken but not proposed are just gaps */
		if (!more_to_propose(seq, t0))
			break;
		atomic_fetch_add(&submitted, 1);
		fill_payload(buf, o.size, seq);
		t0 = now_ns();
		if (o.mode == M_WRITE)
			x.err = raftlog_write(rl, buf, o.size);
		else
			x.err = raftlog_propose(rl, buf, o.size, &x.index,
						&x.term);
		w->t_last = now_ns();
		x.lat_ns = w->t_last - t0;
		push(&w->res, &x);
	}
	raftlog_close(rl);
	free(buf);
	return NULL;
}

static _Atomic bool workers_done;

/* Samples the queue from before the first worker until the last ended. */
static void *sampler_main(void *arg)
{
	while (!atomic_load(&workers_done)) {
		sample_pending(arg);
		usleep(SAMPLE_NS / 1000);
	}
	return NULL;
}

/* -m floor: O_DIRECT write + fdatasync, one at a time. */
static void run_floor(struct results *res)
{
	size_t len = (o.size + 4095) & ~(size_t)4095;
	const off_t span = 256 << 20;
	struct result x = { 0 };
	off_t off = 0;
	void *buf;
	int fd;

	fd = open(o.dev, O_WRONLY | O_DIRECT);
	if (fd < 0)
		die("open %s: %s", o.dev, strerror(errno));
	if (posix_memalign(&buf, 4096, len))
		die("out of memory");
	memset(buf, 0x5a, len);
	t_start = now_ns();
	for (uint64_t i = 0; !o.count || i < o.count; i++) {
		uint64_t t0 = now_ns();

		if (o.seconds && t0 >= deadline)
			break;
		atomic_fetch_add(&submitted, 1);
		x.seq = i;
		x.err = 0;
		if (pwrite(fd, buf, len, off) != (ssize_t)len ||
		    fdatasync(fd))
			x.err = -errno;
		x.lat_ns = now_ns() - t0;
		push(res, &x);
		off = off + (off_t)len >= span ? 0 : off + (off_t)len;
	}
	t_end = now_ns();
	free(buf);
	close(fd);
}

static void run_threads(struct raftlog *rl, struct results *res)
{
	struct worker *w = calloc(o.depth, sizeof(*w));
	pthread_t sampler;
	unsigned int i;

	if (!w)
		die("out of memory");
	if (pthread_create(&sampler, NULL, sampler_main, rl))
		die("pthread_create failed");
	t_start = now_ns();
	for (i = 0; i < o.depth; i++)
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]))
			die("pthread_create failed");
	for (i = 0; i < o.depth; i++) {
		pthread_join(w[i].tid, NULL);
		if (w[i].open_err)
			die("open %s: %s", o.dev, strerror(-w[i].open_err));
		for (size_t k = 0; k < w[i].res.n; k++)
			push(res, &w[i].res.v[k]);
		free(w[i].res.v);
		if (w[i].t_last > t_end)
			t_end = w[i].t_last;
	}
	atomic_store(&workers_done, true);
	pthread_join(sampler, NULL);
	free(w);
}

/* ------------------------------------------------------------------ */
/* Verification: read the log back                                     */

struct verify {
	uint64_t scanned;	/* entries read */
	uint64_t ours;		/* carrying this run's nonce */
	uint64_t missing;	/* acknowledged but not in the log */
	uint64_t duplicates;	/* a sequence number seen twice */
	uint64_t corrupt;	/* our header, wrong payload bytes */
	uint64_t misplaced;	/* not at the index/term reported */
	uint64_t first, last;	/* range read */
	int err;		/* reading failed (-errno) */
	bool ok;
};

static void barrier_cb(const struct raftlog_completion *c, void *arg)
{
	struct raftlog_completion *out = arg;

	*out = *c;
}

/* The last index to read: a read barrier, asynchronous in uring mode. */
static int verify_end(struct raftlog *rl, uint64_t *end)
{
	struct raftlog_completion c = { .err = 1 };
	struct raftlog_ring *ring;
	int err;

	if (o.mode != M_URING)
		return raftlog_barrier(rl, end);
	err = raftlog_ring_create(1, &ring);
	if (err)
		return err;
	err = raftlog_ring_barrier_cb(ring, rl, barrier_cb, &c);
	while (!err && raftlog_ring_inflight(ring)) {
		err = raftlog_ring_reap(ring, NULL, 0, RAFTLOG_REAP_WAIT);
		if (err > 0)
			err = 0;
	}
	raftlog_ring_destroy(ring);
	if (err)
		return err;
	if (c.err)
		return c.err;
	*end = c.index;
	return 0;
}

static void run_verify(struct raftlog *rl, const struct results *res,
		       uint64_t nseq, struct verify *v)
{
	uint64_t *idx = calloc(nseq ? nseq : 1, sizeof(*idx));
	uint64_t *term = calloc(nseq ? nseq : 1, sizeof(*term));
	unsigned char *want = malloc(o.size);
	struct raftlog *rd;
	struct raftlog_entry e;
	uint64_t end = 0, maxidx = 0, applied = 0;
	int64_t pos;

	memset(v, 0, sizeof(*v));
	if (!idx || !term || !want)
		die("out of memory");
	v->err = verify_end(rl, &end);
	if (v->err)
		goto out;
	/* the barrier's index covers every acknowledged entry... */
	for (size_t i = 0; i < res->n; i++)
		if (!res->v[i].err && res->v[i].index > maxidx)
			maxidx = res->v[i].index;
	if (end < maxidx) {
		v->err = -EPROTO;
		goto out;
	}
	/* ...which a wait for the highest one confirms is readable */
	if (maxidx) {
		v->err = raftlog_wait(rl, maxidx, 10000, &applied);
		if (!v->err && applied < maxidx)
			v->err = -EPROTO;
		if (v->err)
			goto out;
	}
	v->err = raftlog_open(o.dev, O_RDONLY, &rd);
	if (v->err)
		goto out;
	v->first = st0.commit + 1;
	v->last = end;
	pos = raftlog_seek(rd, (int64_t)v->first, SEEK_SET);
	if (pos < 0)
		v->err = (int)pos;
	while (!v->err && raftlog_tell(rd) <= end) {
		int64_t seq;

		v->err = raftlog_next(rd, &e);
		if (v->err)
			break;
		v->scanned++;
		seq = payload_seq(&e);
		if (seq < 0)
			continue;
		v->ours++;
		if ((uint64_t)seq >= nseq) {
			v->corrupt++;
			continue;
		}
		fill_payload(want, o.size, (uint64_t)seq);
		if (memcmp(want, e.data, o.size)) {
			v->corrupt++;
			continue;
		}
		if (idx[seq]) {
			v->duplicates++;
			continue;
		}
		idx[seq] = e.index;
		term[seq] = e.term;
	}
	raftlog_close(rd);
	if (v->err)
		goto out;
	for (size_t i = 0; i < res->n; i++) {
		const struct result *x = &res->v[i];
		uint64_t t;

		if (x->err)
			continue;	/* outcome unknown or definitely not */
		if (!idx[x->seq]) {
			v->missing++;
			continue;
		}
		if (o.mode == M_WRITE)
			continue;
		/* the uring completion's res caps the term at INT32_MAX */
		t = term[x->seq];
		if (o.mode == M_URING && t > INT32_MAX)
			t = INT32_MAX;
		if (x->index != idx[x->seq] || x->term != t)
			v->misplaced++;
	}
out:
	v->ok = !v->err && !v->missing && !v->duplicates && !v->corrupt &&
		!v->misplaced;
	free(idx);
	free(term);
	free(want);
}

/* ------------------------------------------------------------------ */
/* Figures                                                             */

struct figures {
	uint64_t submitted, completed, acked, errors;
	uint64_t err_count[MAX_ERRNO];
	double secs, ops, mbs;
	struct lat_summary lat;
	double group_min, group_max;	/* ops/s of the least and most busy */
	uint64_t min_index, max_index;
};

static void compute(const struct results *res, uint64_t submitted,
		    struct figures *f)
{
	uint64_t *lat = malloc((res->n ? res->n : 1) * sizeof(*lat));
	size_t n = 0;

	if (!lat)
		die("out of memory");
	memset(f, 0, sizeof(*f));
	f->submitted = submitted;
	f->completed = res->n;
	for (size_t i = 0; i < res->n; i++) {
		const struct result *x = &res->v[i];

		if (x->err) {
			int e = -x->err;

			f->errors++;
			f->err_count[e > 0 && e < MAX_ERRNO ? e : 0]++;
			continue;
		}
		f->acked++;
		lat[n++] = x->lat_ns;
		if (x->index && (!f->min_index || x->index < f->min_index))
			f->min_index = x->index;
		if (x->index > f->max_index)
			f->max_index = x->index;
	}
	lat_summarize(lat, n, &f->lat);
	f->secs = (double)(t_end > t_start ? t_end - t_start : 1) / 1e9;
	f->ops = (double)f->acked / f->secs;
	f->mbs = f->ops * o.size / 1e6;
	for (unsigned int g = 0; acked_by && g < o.groups; g++) {
		double ops = (double)acked_by[g] / f->secs;

		if (!g || ops < f->group_min)
			f->group_min = ops;
		if (!g || ops > f->group_max)
			f->group_max = ops;
	}
	free(lat);
}

static const char *errname(int e)
{
	const char *s = e ? strerrorname_np(e) : NULL;

	return s ? s : "other";
}

static void print_text(const struct figures *f, const struct verify *v)
{
	printf("raftlog-bench: %s mode=%s depth=%u size=%u\n", o.dev,
	       mode_names[o.mode], o.depth, o.size);
	printf("  proposals: %" PRIu64 " submitted, %" PRIu64
	       " completed, %" PRIu64 " acknowledged, %" PRIu64 " failed\n",
	       f->submitted, f->completed, f->acked, f->errors);
	for (int e = 0; e < MAX_ERRNO; e++)
		if (f->err_count[e])
			printf("  errors: %s (%d): %" PRIu64 "\n", errname(e),
			       e, f->err_count[e]);
	printf("  throughput: %.1f ops/s, %.3f MB/s over %.3f s\n", f->ops,
	       f->mbs, f->secs);
	printf("  latency us: ");
	lat_print_text(stdout, &f->lat);
	putchar('\n');
	if (o.groups > 1)
		printf("  groups: %u (%" PRIu64 "..%" PRIu64 "), %u in flight each; per group %.1f..%.1f ops/s\n",
		       o.groups, o.first_group, o.first_group + o.groups - 1,
		       o.depth, f->group_min, f->group_max);
	printf("  queue: max_pending %u, peak pending %u, %" PRIu64
	       " proposals sent again after a full queue\n", st0.max_pending,
	       atomic_load(&pending_peak), queue_full_retries);
	if (!o.verify)
		return;
	if (v->err)
		printf("  verify: reading failed: %s\n", strerror(-v->err));
	printf("  verify: %s: indexes %" PRIu64 "..%" PRIu64 ", %" PRIu64
	       " entries read, %" PRIu64 " ours, %" PRIu64 " missing, %"
	       PRIu64 " duplicated, %" PRIu64 " corrupt, %" PRIu64
	       " misplaced\n", v->ok ? "ok" : "FAILED", v->first, v->last,
	       v->scanned, v->ours, v->missing, v->duplicates, v->corrupt,
	       v->misplaced);
}

static void print_json(const struct figures *f, const struct verify *v)
{
	bool first = true;

	printf("{\"device\":");
	json_str(stdout, o.dev);
	printf(",\"mode\":\"%s\",\"callbacks\":%s,\"depth\":%u,\"size\":%u,",
	       mode_names[o.mode], o.cb ? "true" : "false", o.depth, o.size);
	printf("\"submitted\":%" PRIu64 ",\"completed\":%" PRIu64
	       ",\"acked\":%" PRIu64 ",\"failed\":%" PRIu64 ",\"errors\":{",
	       f->submitted, f->completed, f->acked, f->errors);
	for (int e = 0; e < MAX_ERRNO; e++) {
		if (!f->err_count[e])
			continue;
		printf("%s\"%s\":%" PRIu64, first ? "" : ",", errname(e),
		       f->err_count[e]);
		first = false;
	}
	printf("},\"seconds\":%.6f,\"ops_per_s\":%.1f,\"mb_per_s\":%.4f,",
	       f->secs, f->ops, f->mbs);
	lat_print_json(stdout, &f->lat);
	putchar(',');
	printf("\"groups\":%u,\"group_ops_min\":%.1f,\"group_ops_max\":%.1f,",
	       o.groups, f->group_min, f->group_max);
	printf("\"max_pending\":%u,\"pending_peak\":%u,"
	       "\"queue_full_retries\":%" PRIu64 ",\"term\":%" PRIu64
	       ",\"min_index\":%" PRIu64 ",\"max_index\":%" PRIu64,
	       st0.max_pending, atomic_load(&pending_peak), queue_full_retries,
	       (uint64_t)st0.term, f->min_index, f->max_index);
	if (o.verify)
		printf(",\"verify\":{\"ok\":%s,\"error\":\"%s\",\"first\":%"
		       PRIu64 ",\"last\":%" PRIu64 ",\"read\":%" PRIu64
		       ",\"ours\":%" PRIu64 ",\"missing\":%" PRIu64
		       ",\"duplicates\":%" PRIu64 ",\"corrupt\":%" PRIu64
		       ",\"misplaced\":%" PRIu64 "}",
		       v->ok ? "true" : "false",
		       v->err ? errname(-v->err) : "", v->first, v->last,
		       v->scanned, v->ours, v->missing, v->duplicates,
		       v->corrupt, v->misplaced);
	printf("}\n");
}

/* ------------------------------------------------------------------ */

static void usage(void)
{
	fprintf(stderr,
		"usage: raftlog-bench [-d DEV | -g GROUP [--groups N] [--node N]] [-m uring|write|ioctl|floor]\n"
		"                     [-q DEPTH] [-s SIZE] [-t SECONDS] [-n COUNT] [--json] [--verify] [--cb]\n");
	exit(2);
}

static uint64_t parse_u64(const char *s, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-')
		die("bad %s: %s", what, s);
	return v;
}

static void parse_args(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "group", required_argument, NULL, 'g' },
		{ "mode", required_argument, NULL, 'm' },
		{ "depth", required_argument, NULL, 'q' },
		{ "size", required_argument, NULL, 's' },
		{ "time", required_argument, NULL, 't' },
		{ "count", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "verify", no_argument, NULL, 'V' },
		{ "cb", no_argument, NULL, 'C' },
		{ "groups", required_argument, NULL, 'G' },
		{ "node", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static char path[64];
	int c;

	while ((c = getopt_long(argc, argv, "d:g:m:q:s:t:n:jVCG:N:h", lo,
				NULL)) != -1) {
		switch (c) {
		case 'd':
			o.dev = optarg;
			break;
		case 'g':
			o.first_group = parse_u64(optarg, "group");
			o.by_group = true;
			snprintf(path, sizeof(path), "/dev/raftlog%" PRIu64,
				 o.first_group);
			o.dev = path;
			break;
		case 'N':
			o.node = parse_u64(optarg, "node");
			break;
		case 'G':
			o.groups = (unsigned int)parse_u64(optarg, "groups");
			if (!o.groups || o.groups > 4096)
				die("groups must be 1..4096");
			break;
		case 'm':
			if (!strcmp(optarg, "uring"))
				o.mode = M_URING;
			else if (!strcmp(optarg, "write"))
				o.mode = M_WRITE;
			else if (!strcmp(optarg, "ioctl"))
				o.mode = M_IOCTL;
			else if (!strcmp(optarg, "floor"))
				o.mode = M_FLOOR;
			else
				die("bad mode %s (uring, write, ioctl, floor)",
				    optarg);
			break;
		case 'q':
			o.depth = (unsigned int)parse_u64(optarg, "depth");
			if (!o.depth || o.depth > 32768)
				die("depth must be 1..32768");
			break;
		case 's':
			o.size = (uint32_t)parse_u64(optarg, "size");
			break;
		case 't': {
			char *end;

			o.seconds = strtod(optarg, &end);
			if (*end || end == optarg || !(o.seconds > 0))
				die("bad duration %s", optarg);
			break;
		}
		case 'n':
			o.count = parse_u64(optarg, "count");
			if (!o.count)
				die("count must be > 0");
			break;
		case 'j':
			o.json = true;
			break;
		case 'V':
			o.verify = true;
			break;
		case 'C':
			o.cb = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (!o.count && !o.seconds)
		o.seconds = 5;
	if (o.size < HDR_SIZE)
		die("size must be >= %d (nonce and sequence number)",
		    HDR_SIZE);
	if (o.mode != M_URING && o.depth > 1024)
		die("depth of blocking modes (threads) must be <= 1024");
	if (o.groups > 1 && (o.mode != M_URING || !o.by_group || o.verify))
		die("--groups needs -m uring and -g FIRST, and no --verify");
	if ((uint64_t)o.depth * o.groups > 32768)
		die("depth x groups must be <= 32768 (one ring)");
}

int main(int argc, char **argv)
{
	struct results res = { 0 };
	struct figures *f = calloc(1, sizeof(*f));
	struct verify v = { 0 };
	struct raftlog_status st;
	struct raftlog *rl;
	int err;

	parse_args(argc, argv);
	if (!f)
		die("out of memory");
	if (o.mode == M_FLOOR) {
		deadline = now_ns() + (uint64_t)(o.seconds * 1e9);
		run_floor(&res);
		compute(&res, atomic_load(&submitted), f);
		if (o.json)
			print_json(f, &v);
		else
			print_text(f, &v);
		err = f->errors != 0;
		free(res.v);
		free(f);
		return err;
	}
	rls = calloc(o.groups, sizeof(*rls));
	acked_by = calloc(o.groups, sizeof(*acked_by));
	if (!rls || !acked_by)
		die("out of memory");
	for (unsigned int g = 0; g < o.groups; g++) {
		char path[64];
		const char *dev = o.dev;

		if (o.groups > 1 || o.node) {
			if (o.node)
				snprintf(path, sizeof(path), "/dev/raftlog%" PRIu64
					 ".%" PRIu64, o.first_group + g, o.node);
			else
				snprintf(path, sizeof(path), "/dev/raftlog%" PRIu64,
					 o.first_group + g);
			dev = path;
		}
		err = raftlog_open(dev, O_RDWR, &rls[g]);
		if (err)
			die("open %s: %s", dev, strerror(-err));
		err = raftlog_status(rls[g], g ? &st : &st0);
		if (err)
			die("status %s: %s", dev, strerror(-err));
		if (o.size > (g ? st : st0).max_entry)
			die("size %u is above %s's max_entry %u", o.size, dev,
			    (g ? st : st0).max_entry);
	}
	rl = rls[0];
	nonce = (uint32_t)mix64(now_ns() ^ ((uint64_t)getpid() << 32));

	deadline = now_ns() + (uint64_t)(o.seconds * 1e9);
	if (o.mode == M_URING)
		run_uring(&res);
	else
		run_threads(rl, &res);
	compute(&res, atomic_load(&submitted), f);
	if (o.verify)
		run_verify(rl, &res, atomic_load(&next_seq), &v);
	if (o.json)
		print_json(f, &v);
	else
		print_text(f, &v);
	for (unsigned int g = 0; g < o.groups; g++)
		raftlog_close(rls[g]);
	free(rls);
	free(acked_by);
	free(res.v);
	err = f->errors || f->completed != f->submitted ||
	      (o.verify && !v.ok);
	free(f);
	return err ? 1 : 0;
}
