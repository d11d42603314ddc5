// SPDX-License-Identifier: GPL-2.0
/*
 * The linearizability checker of lincheck.h: Wing & Gong's search with
 * Lowe's memoization, as in Porcupine's checkSingle, per key.
 *
 * The calls and returns of one key's operations form a doubly linked
 * list in time order.  Walking it, a call whose operation the register
 * model accepts in the current state is "lifted" (its call and return
 * leave the list) and pushed on a stack, unless the pair (set of
 * operations linearized, resulting state) was already explored; reaching
 * a return means the operation it closes was not linearized before it
 * returned, so the search backtracks (pops the last lifted call, puts it
 * back and tries the next entry after it).  An empty list is a
 * linearization; backtracking with an empty stack means there is none.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "lincheck.h"

void lc_init(struct lc_history *h)
{
	memset(h, 0, sizeof(*h));
}

void lc_free(struct lc_history *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->ops[i].key);
		free(h->ops[i].arg1);
		free(h->ops[i].arg2);
	}
	free(h->ops);
	lc_init(h);
}

static struct lc_op *find_op(struct lc_history *h, long proc, long id)
{
	/* newest first: a response usually follows its invocation closely */
	for (size_t i = h->n; i-- > 0;)
		if (h->ops[i].proc == proc && h->ops[i].id == id)
			return &h->ops[i];
	return NULL;
}

static int bad(char *err, size_t errlen, const char *what, const char *line)
{
	snprintf(err, errlen, "%s: '%.120s'", what, line);
	return -1;
}

int lc_parse_line(struct lc_history *h, const char *line, char *err,
		  size_t errlen)
{
	char ev[4], kind[16], a[3][256];
	long proc, id;
	long long t;
	int n;
	struct lc_op *op;

	while (*line == ' ' || *line == '\t')
		line++;
	if (!*line || *line == '#' || *line == '\n')
		return 0;
	a[0][0] = a[1][0] = a[2][0] = 0;
	n = sscanf(line, "%3s %ld %ld %lld %15s %255s %255s %255s", ev, &proc,
		   &id, &t, kind, a[0], a[1], a[2]);
	if (n < 5)
		return bad(err, errlen, "too few fields", line);
	if (!strcmp(ev, "i")) {
		struct lc_op o = { .proc = proc, .id = id, .call = t,
				   .ret = INT64_MAX, .outcome = LC_PENDING };
		int need;

		if (find_op(h, proc, id))
			return bad(err, errlen, "operation invoked twice", line);
		if (!strcmp(kind, "put"))
			o.kind = LC_PUT, need = 7;
		else if (!strcmp(kind, "del"))
			o.kind = LC_DEL, need = 6;
		else if (!strcmp(kind, "cas"))
			o.kind = LC_CAS, need = 8;
		else if (!strcmp(kind, "get"))
			o.kind = LC_GET, need = 6;
		else
			return bad(err, errlen, "unknown operation", line);
		if (n < need)
			return bad(err, errlen, "missing arguments", line);
		o.key = strdup(a[0]);
		if (o.kind == LC_PUT || o.kind == LC_CAS)
			o.arg1 = strdup(a[1]);
		if (o.kind == LC_CAS)
			o.arg2 = strdup(a[2]);
		if (h->n == h->cap) {
			size_t cap = h->cap ? h->cap * 2 : 256;
			struct lc_op *p = realloc(h->ops, cap * sizeof(*p));

			if (!p)
				return bad(err, errlen, "out of memory", line);
			h->ops = p;
			h->cap = cap;
		}
		h->ops[h->n++] = o;
		return 0;
	}
	if (strcmp(ev, "r"))
		return bad(err, errlen, "event is neither i nor r", line);
	op = find_op(h, proc, id);
	if (!op)
		return bad(err, errlen, "response without invocation", line);
	if (op->outcome != LC_PENDING)
		return bad(err, errlen, "second response", line);
	if (t < op->call)
		return bad(err, errlen, "response before its invocation", line);
	if (!strcmp(kind, "ok"))
		op->outcome = LC_OK;
	else if (!strcmp(kind, "mismatch") && op->kind == LC_CAS)
		op->outcome = LC_MISMATCH;
	else if (!strcmp(kind, "fail"))
		op->outcome = LC_FAIL;
	else if (!strcmp(kind, "unknown"))
		op->outcome = LC_UNKNOWN;
	else
		return bad(err, errlen, "unknown outcome", line);
	if (op->kind == LC_GET && op->outcome == LC_OK) {
		if (n < 6)
			return bad(err, errlen, "get ok without a value", line);
		op->arg1 = strdup(a[0]);
	}
	op->ret = op->outcome == LC_UNKNOWN ? INT64_MAX : t;
	return 0;
}

int lc_parse(struct lc_history *h, FILE *f, char *err, size_t errlen)
{
	char line[1024];
	unsigned long no = 0;

	while (fgets(line, sizeof(line), f)) {
		char e[200];

		no++;
		line[strcspn(line, "\n")] = 0;
		if (lc_parse_line(h, line, e, sizeof(e))) {
			snprintf(err, errlen, "line %lu: %s", no, e);
			return -1;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* One key                                                             */

struct cop {			/* an operation of the key being checked */
	const struct lc_op *op;
	int kind, outcome;
	int v1, v2;		/* interned values: 0 is "no value" */
};

struct node {
	struct node *prev, *next;
	struct node *match;	/* a call's return */
	int op;			/* index into the key's cops */
	int is_call;
	int64_t t;
};

struct memo {
	uint64_t hash;
	int state;
	uint64_t *bits;		/* NULL: empty slot */
};

struct search {
	int nops, words;
	struct cop *ops;
	uint64_t *bits;
	struct memo *memo;
	size_t memo_cap, memo_n;
	unsigned long max_states;
};

static uint64_t hash_bits(const uint64_t *b, int words, int state)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)state;

	for (int i = 0; i < words; i++) {
		h ^= b[i];
		h *= 1099511628211ULL;
		h ^= h >> 29;
	}
	return h;
}

static int memo_grow(struct search *s)
{
	size_t cap = s->memo_cap ? s->memo_cap * 2 : 4096;
	struct memo *m = calloc(cap, sizeof(*m));

	if (!m)
		return -1;
	for (size_t i = 0; i < s->memo_cap; i++) {
		struct memo *o = &s->memo[i];
		size_t j;

		if (!o->bits)
			continue;
		for (j = o->hash & (cap - 1); m[j].bits; j = (j + 1) & (cap - 1))
			;
		m[j] = *o;
	}
	free(s->memo);
	s->memo = m;
	s->memo_cap = cap;
	return 0;
}

/* Add (bits, state); 1 if it was new, 0 if already there, -1 on ENOMEM. */
static int memo_add(struct search *s, int state)
{
	uint64_t h = hash_bits(s->bits, s->words, state);
	size_t j;

	if ((s->memo_n + 1) * 2 > s->memo_cap && memo_grow(s))
		return -1;
	for (j = h & (s->memo_cap - 1); s->memo[j].bits;
	     j = (j + 1) & (s->memo_cap - 1)) {
		struct memo *m = &s->memo[j];

		if (m->hash == h && m->state == state &&
		    !memcmp(m->bits, s->bits, s->words * sizeof(uint64_t)))
			return 0;
	}
	s->memo[j].bits = malloc(s->words * sizeof(uint64_t));
	if (!s->memo[j].bits)
		return -1;
	memcpy(s->memo[j].bits, s->bits, s->words * sizeof(uint64_t));
	s->memo[j].hash = h;
	s->memo[j].state = state;
	s->memo_n++;
	return 1;
}

static void memo_free(struct search *s)
{
	for (size_t i = 0; i < s->memo_cap; i++)
		free(s->memo[i].bits);
	free(s->memo);
	s->memo = NULL;
	s->memo_cap = s->memo_n = 0;
}

/* The register: may op take effect in state, and what state follows? */
static int step(const struct cop *c, int state, int *next)
{
	switch (c->kind) {
	case LC_PUT:
		*next = c->v1;
		return 1;
	case LC_DEL:
		*next = 0;
		return 1;
	case LC_GET:
		*next = state;
		return state == c->v1;
	case LC_CAS:
		if (c->outcome == LC_OK) {
			*next = c->v2;
			return state == c->v1;
		}
		if (c->outcome == LC_MISMATCH) {
			*next = state;
			return state != c->v1;
		}
		/* unknown: applied as the comparison says */
		*next = state == c->v1 ? c->v2 : state;
		return 1;
	}
	return 0;
}

static void lift(struct node *call)
{
	call->prev->next = call->next;
	call->next->prev = call->prev;
	call->match->prev->next = call->match->next;
	if (call->match->next)
		call->match->next->prev = call->match->prev;
}

static void unlift(struct node *call)
{
	call->match->prev->next = call->match;
	if (call->match->next)
		call->match->next->prev = call->match;
	call->prev->next = call;
	call->next->prev = call;
}

static int cmp_node(const void *a, const void *b)
{
	const struct node *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	/* at the same instant calls come first: the lenient reading */
	if (x->is_call != y->is_call)
		return x->is_call ? -1 : 1;
	return x->op - y->op;
}

static const char *outcome_name(int o)
{
	static const char *const names[] = {
		"pending", "ok", "mismatch", "fail", "unknown",
	};

	return names[o];
}

static void print_op(FILE *r, const struct lc_op *o, int64_t t0)
{
	static const char *const kinds[] = { "put", "del", "cas", "get" };

	fprintf(r, "#   p%ld/%ld %s %s", o->proc, o->id, kinds[o->kind], o->key);
	if (o->kind == LC_PUT || o->kind == LC_CAS)
		fprintf(r, " %s", o->arg1);
	if (o->kind == LC_CAS)
		fprintf(r, " %s", o->arg2);
	fprintf(r, " -> %s", outcome_name(o->outcome));
	if (o->kind == LC_GET && o->outcome == LC_OK)
		fprintf(r, " %s", o->arg1);
	if (o->ret == INT64_MAX)
		fprintf(r, "  [%.3f, inf) s\n", (o->call - t0) / 1e9);
	else
		fprintf(r, "  [%.3f, %.3f] s\n", (o->call - t0) / 1e9,
			(o->ret - t0) / 1e9);
}

/* Check the operations ops[0..n) of one key. */
static int check_key(struct lc_op **ops, int n, FILE *report,
		     unsigned long max_states, int64_t t0)
{
	struct search s = { .max_states = max_states };
	struct node *nodes, head = { 0 };
	struct node **stack;
	int *states;
	char **vals;
	int nvals = 1, sp = 0, state = 0, rc = LC_VIOLATION, best = 0;
	int *best_order = NULL, best_stuck = -1;
	unsigned long explored = 0;
	struct node *e;

	s.nops = n;
	s.words = (n + 63) / 64;
	s.ops = calloc(n, sizeof(*s.ops));
	s.bits = calloc(s.words, sizeof(uint64_t));
	nodes = calloc(2 * n, sizeof(*nodes));
	stack = calloc(n + 1, sizeof(*stack));
	states = calloc(n + 1, sizeof(*states));
	vals = calloc(2 * n + 1, sizeof(*vals));
	best_order = calloc(n + 1, sizeof(*best_order));
	if (!s.ops || !s.bits || !nodes || !stack || !states || !vals ||
	    !best_order) {
		rc = LC_GAVE_UP;
		goto out;
	}
	vals[0] = "-";
	for (int i = 0; i < n; i++) {
		const char *v[2] = { ops[i]->kind == LC_DEL ? NULL : ops[i]->arg1,
				     ops[i]->arg2 };
		int id[2] = { 0, 0 };

		for (int k = 0; k < 2; k++) {
			int j;

			if (!v[k] || !strcmp(v[k], "-"))
				continue;
			for (j = 1; j < nvals && strcmp(vals[j], v[k]); j++)
				;
			if (j == nvals)
				vals[nvals++] = (char *)v[k];
			id[k] = j;
		}
		s.ops[i] = (struct cop){ ops[i], ops[i]->kind, ops[i]->outcome,
					 id[0], id[1] };
		nodes[2 * i] = (struct node){ .op = i, .is_call = 1,
					      .t = ops[i]->call };
		nodes[2 * i + 1] = (struct node){ .op = i, .is_call = 0,
						  .t = ops[i]->ret };
	}
	qsort(nodes, 2 * n, sizeof(*nodes), cmp_node);
	{
		/* after sorting: link the list and each call to its return */
		struct node **ret = calloc(n, sizeof(*ret));

		if (!ret) {
			rc = LC_GAVE_UP;
			goto out;
		}
		for (int i = 0; i < 2 * n; i++)
			if (!nodes[i].is_call)
				ret[nodes[i].op] = &nodes[i];
		for (int i = 0; i < 2 * n; i++) {
			if (nodes[i].is_call)
				nodes[i].match = ret[nodes[i].op];
			nodes[i].prev = i ? &nodes[i - 1] : &head;
			nodes[i].next = i + 1 < 2 * n ? &nodes[i + 1] : NULL;
		}
		head.next = &nodes[0];
		free(ret);
	}

	e = head.next;
	while (head.next) {
		if (e->is_call) {
			const struct cop *c = &s.ops[e->op];
			int next, added;

			if (step(c, state, &next)) {
				s.bits[e->op / 64] |= 1ULL << (e->op % 64);
				added = memo_add(&s, next);
				if (added < 0) {
					rc = LC_GAVE_UP;
					goto out;
				}
				if (added) {
					if (++explored > s.max_states) {
						rc = LC_GAVE_UP;
						goto out;
					}
					stack[sp] = e;
					states[sp++] = state;
					state = next;
					lift(e);
					if (sp > best) {
						best = sp;
						for (int k = 0; k < sp; k++)
							best_order[k] = stack[k]->op;
						best_stuck = -1;
					}
					e = head.next;
					continue;
				}
				s.bits[e->op / 64] &= ~(1ULL << (e->op % 64));
			}
			e = e->next;
		} else {
			if (sp == best && best_stuck < 0)
				best_stuck = e->op;
			if (!sp)
				goto out;	/* no linearization */
			e = stack[--sp];
			state = states[sp];
			s.bits[e->op / 64] &= ~(1ULL << (e->op % 64));
			unlift(e);
			e = e->next;
		}
	}
	rc = LC_LINEARIZABLE;
out:
	if (rc == LC_VIOLATION && report) {
		fprintf(report, "# key %s: no linearization of its %d operations\n",
			ops[0]->key, n);
		fprintf(report, "# longest linearizable prefix (%d operations), in order:\n",
			best);
		for (int k = best > 12 ? best - 12 : 0; k < best; k++)
			print_op(report, s.ops[best_order[k]].op, t0);
		if (best_stuck >= 0) {
			fprintf(report, "# ... after which this operation returned without any order that fits:\n");
			print_op(report, s.ops[best_stuck].op, t0);
		}
		fprintf(report, "# the operations of key %s (by invocation time):\n",
			ops[0]->key);
		for (int i = 0; i < n && i < 60; i++)
			print_op(report, ops[i], t0);
		if (n > 60)
			fprintf(report, "#   ... %d more\n", n - 60);
	}
	if (rc == LC_GAVE_UP && report)
		fprintf(report, "# key %s: gave up after %lu states (%d operations)\n",
			ops[0]->key, explored, n);
	memo_free(&s);
	free(s.ops);
	free(s.bits);
	free(nodes);
	free(stack);
	free(states);
	free(vals);
	free(best_order);
	return rc;
}

static int cmp_key_call(const void *a, const void *b)
{
	const struct lc_op *x = *(const struct lc_op *const *)a;
	const struct lc_op *y = *(const struct lc_op *const *)b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	if (x->call != y->call)
		return x->call < y->call ? -1 : 1;
	return 0;
}

int lc_check(struct lc_history *h, FILE *report, unsigned long max_states)
{
	struct lc_op **ops = calloc(h->n + 1, sizeof(*ops));
	size_t n = 0, dropped = 0, keys = 0, unknown = 0;
	int64_t t0 = INT64_MAX;
	int rc = LC_LINEARIZABLE;

	if (!ops)
		return LC_GAVE_UP;
	if (!max_states)
		max_states = 10000000;
	for (size_t i = 0; i < h->n; i++) {
		struct lc_op *o = &h->ops[i];

		if (o->call < t0)
			t0 = o->call;
		if (o->outcome == LC_PENDING) {
			o->outcome = LC_UNKNOWN;
			o->ret = INT64_MAX;
		}
		/* no effect, or nothing observed: nothing to linearize */
		if (o->outcome == LC_FAIL ||
		    (o->kind == LC_GET && o->outcome != LC_OK)) {
			dropped++;
			continue;
		}
		if (o->outcome == LC_UNKNOWN)
			unknown++;
		ops[n++] = o;
	}
	qsort(ops, n, sizeof(*ops), cmp_key_call);
	for (size_t i = 0, j; i < n; i = j) {
		int r;

		for (j = i + 1; j < n && !strcmp(ops[i]->key, ops[j]->key); j++)
			;
		keys++;
		r = check_key(ops + i, (int)(j - i), report, max_states, t0);
		if (r == LC_VIOLATION)
			rc = LC_VIOLATION;
		else if (r == LC_GAVE_UP && rc == LC_LINEARIZABLE)
			rc = LC_GAVE_UP;
	}
	if (report)
		fprintf(report, "%s: %zu operations on %zu keys (%zu of unknown outcome; %zu failed or unobserved left out)\n",
			rc == LC_LINEARIZABLE ? "linearizable" :
			rc == LC_VIOLATION ? "NOT linearizable" : "inconclusive",
			n, keys, unknown, dropped);
	free(ops);
	return rc;
}
