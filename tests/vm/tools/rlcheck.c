// SPDX-License-Identifier: GPL-2.0
/*
 * rlcheck: the checker of the fault campaign.
 *
 *   rlcheck dump DEV OUT [FROM]
 *	Write the committed log of a group device, from its first index to
 *	its applied index, as lines "index term flags payload" (payload as
 *	text when printable, "hex:..." otherwise, "-" when empty).  With
 *	FROM: append to OUT from index FROM on (an archive of what is about
 *	to be compacted away; fails with status 3 when the device's log no
 *	longer holds FROM).
 *
 *   rlcheck verify [-f FAULTS] [-s] -l LOG... [-a ARCHIVE...] -h HISTORY...
 *	Hold the logs of every node (rlcheck dump) and archives of their
 *	compacted prefixes (dump ... FROM) to the histories of every
 *	client (rlclient) and to each other; the reference log is their
 *	union (every index from the lowest to the highest must be in one):
 *	  1. the logs agree: at every index present in two logs, the same
 *	     term and payload (one committed prefix);
 *	  2. -s: every node's log (-l) ends at the same index (all caught
 *	     up after healing);
 *	  3. every acknowledged proposal is in the log exactly once, at the
 *	     index and with the term its client was told;
 *	  4. a proposal that failed definitely is not in the log;
 *	  5. nothing is in the log that no client proposed, nothing twice.
 *	Prints the figures (attempted, acknowledged, failed, indeterminate
 *	and how many of those committed, faults injected) and a verdict line
 *	"rlcheck: PASS" or "rlcheck: FAIL (n violations)"; exits 0 or 1.
 *
 * Built for the guest (static) and for the host, where tests/unit/check
 * proves on made-up histories that each rule catches what it should.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/raftlog.h>

/* ---- dump ---------------------------------------------------------- */

static int printable(const unsigned char *p, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		if (p[i] <= ' ' || p[i] >= 127)
			return 0;
	return 1;
}

static int cmd_dump(const char *dev, const char *out, const char *from)
{
	struct raftlog_status st;
	size_t cap = 1 << 20;
	char *buf = malloc(cap);
	uint64_t next;
	FILE *f;
	int fd;

	fd = open(dev, O_RDONLY | O_NONBLOCK);
	if (fd < 0 || !buf) {
		perror(dev);
		return 2;
	}
	if (ioctl(fd, RAFTLOG_IOC_STATUS, &st)) {
		perror("RAFTLOG_IOC_STATUS");
		return 2;
	}
	next = st.first_index;
	if (from) {
		uint64_t want = strtoull(from, NULL, 0);

		if (want < next) {
			fprintf(stderr, "rlcheck: %s: index %llu compacted away (first index %llu)\n",
				dev, (unsigned long long)want,
				(unsigned long long)next);
			return 3;
		}
		next = want;
		if (next > st.applied) {	/* nothing new */
			printf("%s: nothing from %llu\n", dev,
			       (unsigned long long)next);
			return 0;
		}
	}
	if (lseek(fd, next, SEEK_SET) != (off_t)next) {
		perror("lseek");
		return 2;
	}
	f = fopen(out, from ? "a" : "w");
	if (!f) {
		perror(out);
		return 2;
	}
	for (;;) {
		ssize_t r = read(fd, buf, cap);
		size_t off = 0;

		if (r < 0 && errno == EAGAIN)
			break;
		if (r <= 0) {
			fprintf(stderr, "rlcheck: read %s at %llu: %s\n", dev,
				(unsigned long long)next, strerror(errno));
			return 2;
		}
		while (off + sizeof(struct raftlog_record) <= (size_t)r) {
			struct raftlog_record h;
			const unsigned char *p;
			uint32_t i;

			memcpy(&h, buf + off, sizeof(h));
			p = (const unsigned char *)buf + off + sizeof(h);
			fprintf(f, "%llu %llu %u ", (unsigned long long)h.index,
				(unsigned long long)h.term, h.flags);
			if (!h.len)
				fputs("-", f);
			else if (printable(p, h.len))
				fwrite(p, 1, h.len, f);
			else
				for (fputs("hex:", f), i = 0; i < h.len; i++)
					fprintf(f, "%02x", p[i]);
			fputc('\n', f);
			off += RAFTLOG_RECORD_SIZE(h.len);
			next = h.index + 1;
		}
	}
	fclose(f);
	close(fd);
	printf("%s: %llu..%llu\n", dev,
	       (unsigned long long)(from ? strtoull(from, NULL, 0) :
					   st.first_index),
	       (unsigned long long)(next - 1));
	return 0;
}

/* ---- verify -------------------------------------------------------- */

enum { OP_OK, OP_FAIL, OP_UNKNOWN };

struct op {
	long client, seq;
	int status;
	uint64_t index, term;
	int seen;		/* times found in the reference log */
	uint64_t at;		/* where */
};

struct ent {
	uint64_t index, term;
	unsigned int flags;
	char *payload;
};

struct log {
	const char *name;
	struct ent *e;
	size_t n;
};

static struct op *ops;
static size_t n_ops, cap_ops;
static struct op **table;	/* open addressing on (client, seq) */
static size_t table_size;
static long violations;

static void violation(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void violation(const char *fmt, ...)
{
	va_list ap;

	violations++;
	if (violations > 20)
		return;
	fputs("rlcheck: VIOLATION: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

static size_t slot(long client, long seq)
{
	uint64_t k = ((uint64_t)client << 40) ^ (uint64_t)seq;

	k *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(k >> 20) & (table_size - 1);
}

static struct op *find_op(long client, long seq)
{
	size_t i;

	for (i = slot(client, seq); table[i]; i = (i + 1) & (table_size - 1))
		if (table[i]->client == client && table[i]->seq == seq)
			return table[i];
	return NULL;
}

static void index_ops(void)
{
	size_t i, j;

	for (table_size = 64; table_size < 2 * n_ops + 2; table_size *= 2)
		;
	table = calloc(table_size, sizeof(*table));
	for (i = 0; i < n_ops; i++) {
		if (find_op(ops[i].client, ops[i].seq)) {
			violation("history: client %ld seq %ld twice",
				  ops[i].client, ops[i].seq);
			continue;
		}
		for (j = slot(ops[i].client, ops[i].seq); table[j];
		     j = (j + 1) & (table_size - 1))
			;
		table[j] = &ops[i];
	}
}

static int load_history(const char *path)
{
	char line[256], st[16];
	long client = -1, seq;
	unsigned long long a, b;
	FILE *f = fopen(path, "r");

	if (!f) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		struct op o = { 0 };
		int n;

		if (sscanf(line, "client %ld", &client) == 1)
			continue;
		n = sscanf(line, "%ld %15s %llu %llu", &seq, st, &a, &b);
		if (n < 3 || client < 0) {
			/* a line cut short by a killed client: ignore it */
			continue;
		}
		o.client = client;
		o.seq = seq;
		if (!strcmp(st, "ok") && n == 4) {
			o.status = OP_OK;
			o.index = a;
			o.term = b;
		} else if (!strcmp(st, "fail")) {
			o.status = OP_FAIL;
		} else if (!strcmp(st, "unknown")) {
			o.status = OP_UNKNOWN;
		} else {
			continue;
		}
		if (n_ops == cap_ops) {
			cap_ops = cap_ops ? 2 * cap_ops : 1024;
			ops = realloc(ops, cap_ops * sizeof(*ops));
		}
		ops[n_ops++] = o;
	}
	fclose(f);
	return 0;
}

static int load_log(const char *path, struct log *l)
{
	char *line = NULL;
	size_t lcap = 0, cap = 0;
	FILE *f = fopen(path, "r");

	l->name = path;
	if (!f) {
		perror(path);
		return -1;
	}
	while (getline(&line, &lcap, f) > 0) {
		unsigned long long idx, term;
		unsigned int flags;
		int pos = 0;
		struct ent *e;

		if (sscanf(line, "%llu %llu %u %n", &idx, &term, &flags,
			   &pos) != 3 || !pos)
			continue;
		line[strcspn(line, "\n")] = 0;
		if (l->n == cap) {
			cap = cap ? 2 * cap : 1024;
			l->e = realloc(l->e, cap * sizeof(*l->e));
		}
		e = &l->e[l->n];
		if (l->n && idx != l->e[l->n - 1].index + 1)
			violation("%s: index %llu follows %llu", path, idx,
				  (unsigned long long)l->e[l->n - 1].index);
		e->index = idx;
		e->term = term;
		e->flags = flags;
		e->payload = strdup(line + pos);
		l->n++;
	}
	free(line);
	fclose(f);
	return 0;
}

static struct ent *log_at(struct log *l, uint64_t index)
{
	if (!l->n || index < l->e[0].index || index > l->e[l->n - 1].index)
		return NULL;
	return &l->e[index - l->e[0].index];
}

/* "c<client>-<seq>" then only '.' padding; 0 when it parses. */
static int parse_payload(const char *p, long *client, long *seq)
{
	char *end;

	if (*p != 'c')
		return -1;
	*client = strtol(p + 1, &end, 10);
	if (end == p + 1 || *end != '-')
		return -1;
	p = end + 1;
	*seq = strtol(p, &end, 10);
	if (end == p)
		return -1;
	while (*end == '.')
		end++;
	return *end ? -1 : 0;
}

static void check_agreement(struct log *logs, size_t n)
{
	size_t i;
	uint64_t x;

	for (i = 1; i < n * n; i++) {
		struct log *a = &logs[i / n], *b = &logs[i % n];
		uint64_t lo, hi;
		long bad = 0;

		if (i / n >= i % n)	/* every pair once */
			continue;

		if (!a->n || !b->n)
			continue;
		lo = a->e[0].index > b->e[0].index ? a->e[0].index :
						     b->e[0].index;
		hi = a->e[a->n - 1].index < b->e[b->n - 1].index ?
			a->e[a->n - 1].index : b->e[b->n - 1].index;
		for (x = lo; x <= hi; x++) {
			struct ent *ea = log_at(a, x), *eb = log_at(b, x);

			if (ea->term != eb->term ||
			    strcmp(ea->payload, eb->payload)) {
				if (!bad++)
					violation("%s and %s differ at index %llu: %llu/%s vs %llu/%s",
						  a->name, b->name,
						  (unsigned long long)x,
						  (unsigned long long)ea->term,
						  ea->payload,
						  (unsigned long long)eb->term,
						  eb->payload);
			}
		}
	}
}

/* every node's log (not the archives) ends at the same index */
static void check_length(struct log *logs, size_t n)
{
	size_t j;

	for (j = 1; j < n; j++) {
		uint64_t la = logs[0].n ? logs[0].e[logs[0].n - 1].index : 0;
		uint64_t lb = logs[j].n ? logs[j].e[logs[j].n - 1].index : 0;

		if (la != lb)
			violation("%s ends at %llu, %s at %llu: not caught up",
				  logs[0].name, (unsigned long long)la,
				  logs[j].name, (unsigned long long)lb);
	}
}

static int cmd_verify(int argc, char **argv)
{
	struct log logs[16], nodes[16], all, *ref = &all;
	size_t n_logs = 0, n_nodes = 0, i;
	long faults = -1, acked = 0, failed = 0, unknown = 0, unknown_in = 0;
	long entries = 0, user = 0, unverifiable = 0;
	int same_length = 0, mode = 0;

	memset(logs, 0, sizeof(logs));
	for (i = 0; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "-f") && i + 1 < (size_t)argc)
			faults = atol(argv[++i]);
		else if (!strcmp(argv[i], "-s"))
			same_length = 1;
		else if (!strcmp(argv[i], "-l"))
			mode = 'l';
		else if (!strcmp(argv[i], "-h"))
			mode = 'h';
		else if (!strcmp(argv[i], "-a"))
			mode = 'a';
		else if ((mode == 'l' || mode == 'a') && n_logs < 16) {
			if (load_log(argv[i], &logs[n_logs]))
				return 2;
			if (mode == 'l')
				nodes[n_nodes++] = logs[n_logs];
			n_logs++;
		} else if (mode == 'h') {
			if (load_history(argv[i]))
				return 2;
		} else {
			fprintf(stderr, "rlcheck: unexpected %s\n", argv[i]);
			return 2;
		}
	}
	if (!n_logs) {
		fprintf(stderr, "rlcheck verify: no logs\n");
		return 2;
	}
	index_ops();
	check_agreement(logs, n_logs);
	if (same_length)
		check_length(nodes, n_nodes);

	/*
	 * The reference: the union of the logs (they agree where they
	 * overlap, checked above), from the lowest index any of them holds
	 * to the highest, with no index missing.
	 */
	memset(&all, 0, sizeof(all));
	all.name = "the union of the logs";
	{
		uint64_t lo = UINT64_MAX, hi = 0, x;
		size_t j;

		for (i = 0; i < n_logs; i++) {
			if (!logs[i].n)
				continue;
			if (logs[i].e[0].index < lo)
				lo = logs[i].e[0].index;
			if (logs[i].e[logs[i].n - 1].index > hi)
				hi = logs[i].e[logs[i].n - 1].index;
		}
		if (hi >= lo)
			all.e = calloc(hi - lo + 1, sizeof(*all.e));
		for (x = lo; hi >= lo && x <= hi; x++) {
			struct ent *e = NULL;

			for (j = 0; j < n_logs && !e; j++)
				e = log_at(&logs[j], x);
			if (!e) {
				violation("index %llu is in none of the logs",
					  (unsigned long long)x);
				/* keep the array dense: an empty no-op */
				all.e[all.n].index = x;
				all.e[all.n].flags = RAFTLOG_RECORD_F_NOOP;
				all.e[all.n++].payload = NULL;
				continue;
			}
			all.e[all.n++] = *e;
		}
	}

	for (i = 0; i < ref->n; i++) {
		struct ent *e = &ref->e[i];
		long c, s;
		struct op *o;

		entries++;
		if (e->flags & (RAFTLOG_RECORD_F_NOOP | RAFTLOG_RECORD_F_CONF))
			continue;
		user++;
		if (parse_payload(e->payload, &c, &s)) {
			violation("index %llu holds \"%s\", which no client proposed",
				  (unsigned long long)e->index, e->payload);
			continue;
		}
		o = find_op(c, s);
		if (!o) {
			violation("index %llu holds c%ld-%ld, never proposed (or its history is missing)",
				  (unsigned long long)e->index, c, s);
			continue;
		}
		if (o->seen++) {
			violation("c%ld-%ld committed twice: at %llu and %llu",
				  c, s, (unsigned long long)o->at,
				  (unsigned long long)e->index);
			continue;
		}
		o->at = e->index;
	}
	for (i = 0; i < n_ops; i++) {
		struct op *o = &ops[i];

		switch (o->status) {
		case OP_OK:
			acked++;
			if (o->seen) {
				struct ent *e = log_at(ref, o->at);

				if (o->at != o->index || e->term != o->term)
					violation("c%ld-%ld acknowledged at %llu term %llu, committed at %llu term %llu",
						  o->client, o->seq,
						  (unsigned long long)o->index,
						  (unsigned long long)o->term,
						  (unsigned long long)o->at,
						  (unsigned long long)e->term);
			} else if (ref->n && o->index < ref->e[0].index) {
				unverifiable++;	/* compacted away */
			} else {
				violation("c%ld-%ld acknowledged at %llu term %llu is not in the log",
					  o->client, o->seq,
					  (unsigned long long)o->index,
					  (unsigned long long)o->term);
			}
			break;
		case OP_FAIL:
			failed++;
			if (o->seen)
				violation("c%ld-%ld failed definitely but is committed at %llu",
					  o->client, o->seq,
					  (unsigned long long)o->at);
			break;
		default:
			unknown++;
			unknown_in += o->seen ? 1 : 0;
			break;
		}
	}
	printf("rlcheck: %zu logs, %ld entries (%ld from clients) up to index %llu\n",
	       n_logs, entries, user,
	       ref->n ? (unsigned long long)ref->e[ref->n - 1].index : 0ULL);
	printf("rlcheck: operations attempted %zu, acknowledged %ld, failed %ld, indeterminate %ld (%ld of them committed)",
	       n_ops, acked, failed, unknown, unknown_in);
	if (unverifiable)
		printf(", %ld acknowledged below the compacted prefix", unverifiable);
	printf("\n");
	if (faults >= 0)
		printf("rlcheck: faults injected %ld\n", faults);
	free(all.e);	/* its payloads are the logs' */
	for (i = 0; i < n_logs; i++) {
		while (logs[i].n)
			free(logs[i].e[--logs[i].n].payload);
		free(logs[i].e);
	}
	free(table);
	free(ops);
	if (violations) {
		printf("rlcheck: FAIL (%ld violations)\n", violations);
		return 1;
	}
	printf("rlcheck: PASS\n");
	return 0;
}

int main(int argc, char **argv)
{
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "dump"))
		return cmd_dump(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	if (argc >= 2 && !strcmp(argv[1], "verify"))
		return cmd_verify(argc - 2, argv + 2);
	fprintf(stderr, "usage: rlcheck dump DEV OUT [FROM] | rlcheck verify [-f FAULTS] [-s] -l LOG... [-a ARCHIVE...] -h HISTORY...\n");
	return 2;
}
