// SPDX-License-Identifier: GPL-2.0
/* rlkv's state machine (sm.h): a hash table of keys and one of locks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sm.h"

struct item {
	struct item *next;
	char *key;
	char *val;		/* kv: the value; lock: the owner */
	uint64_t token;		/* lock */
	int64_t expires;	/* lock: ms of log time */
};

struct table {
	struct item **b;
	size_t nb, n;
};

struct sm {
	struct table kv, locks;
	uint64_t applied;
	int64_t now;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static struct item *lookup(const struct table *t, const char *key)
{
	if (!t->nb)
		return NULL;
	for (struct item *i = t->b[hash(key) % t->nb]; i; i = i->next)
		if (!strcmp(i->key, key))
			return i;
	return NULL;
}

static void grow(struct table *t)
{
	size_t nb = t->nb ? t->nb * 2 : 64;
	struct item **b = calloc(nb, sizeof(*b));

	if (!b)
		abort();
	for (size_t k = 0; k < t->nb; k++) {
		struct item *i = t->b[k], *next;

		for (; i; i = next) {
			next = i->next;
			i->next = b[hash(i->key) % nb];
			b[hash(i->key) % nb] = i;
		}
	}
	free(t->b);
	t->b = b;
	t->nb = nb;
}

static struct item *insert(struct table *t, const char *key)
{
	struct item *i = lookup(t, key);

	if (i)
		return i;
	if (t->n + 1 > t->nb)
		grow(t);
	i = calloc(1, sizeof(*i));
	if (!i || !(i->key = strdup(key)))
		abort();
	i->next = t->b[hash(key) % t->nb];
	t->b[hash(key) % t->nb] = i;
	t->n++;
	return i;
}

static void erase(struct table *t, const char *key)
{
	struct item **p;

	if (!t->nb)
		return;
	for (p = &t->b[hash(key) % t->nb]; *p; p = &(*p)->next) {
		if (!strcmp((*p)->key, key)) {
			struct item *i = *p;

			*p = i->next;
			free(i->key);
			free(i->val);
			free(i);
			t->n--;
			return;
		}
	}
}

static void set_val(struct item *i, const char *v)
{
	char *c = strdup(v);

	if (!c)
		abort();
	free(i->val);
	i->val = c;
}

static void clear(struct table *t)
{
	for (size_t k = 0; k < t->nb; k++) {
		struct item *i = t->b[k], *next;

		for (; i; i = next) {
			next = i->next;
			free(i->key);
			free(i->val);
			free(i);
		}
	}
	free(t->b);
}

struct sm *sm_new(void)
{
	return calloc(1, sizeof(struct sm));
}

void sm_free(struct sm *sm)
{
	if (!sm)
		return;
	clear(&sm->kv);
	clear(&sm->locks);
	free(sm);
}

/* a lock that is held now (by log time) */
static struct item *held(const struct sm *sm, const char *name)
{
	struct item *l = lookup(&sm->locks, name);

	return l && l->val && l->expires > sm->now ? l : NULL;
}

void sm_apply(struct sm *sm, uint64_t index, const void *data, size_t len,
	      char *result)
{
	char line[1024], cmd[16], a[4][SM_TOKEN_MAX + 1];
	long long ms;
	int n;

	sm->applied = index;
	if (len >= sizeof(line)) {
		snprintf(result, SM_RESULT_MAX, "bad too long");
		return;
	}
	memcpy(line, data, len);
	line[len] = 0;
	n = sscanf(line, "%lld %15s %255s %255s %255s %255s", &ms, cmd, a[0],
		   a[1], a[2], a[3]);
	if (n < 3) {
		snprintf(result, SM_RESULT_MAX, "bad entry");
		return;
	}
	if (ms > sm->now)
		sm->now = ms;
	n -= 2;		/* arguments */
	if (!strcmp(cmd, "put") && n == 2 && strcmp(a[1], "-")) {
		set_val(insert(&sm->kv, a[0]), a[1]);
		snprintf(result, SM_RESULT_MAX, "ok");
	} else if (!strcmp(cmd, "del") && n == 1) {
		erase(&sm->kv, a[0]);
		snprintf(result, SM_RESULT_MAX, "ok");
	} else if (!strcmp(cmd, "cas") && n == 3 && strcmp(a[2], "-")) {
		struct item *i = lookup(&sm->kv, a[0]);
		const char *cur = i ? i->val : "-";

		if (!strcmp(cur, a[1])) {
			set_val(insert(&sm->kv, a[0]), a[2]);
			snprintf(result, SM_RESULT_MAX, "ok");
		} else {
			snprintf(result, SM_RESULT_MAX, "mismatch %s", cur);
		}
	} else if (!strcmp(cmd, "lock") && n == 3) {
		struct item *l = held(sm, a[0]);

		if (l && strcmp(l->val, a[1])) {
			snprintf(result, SM_RESULT_MAX, "held %s %llu %lld",
				 l->val, (unsigned long long)l->token,
				 (long long)l->expires);
			return;
		}
		if (!l) {	/* a new grant: a new token */
			l = insert(&sm->locks, a[0]);
			set_val(l, a[1]);
			l->token = index;
		}
		/* the holder asking again keeps its token, renewed */
		l->expires = sm->now + atoll(a[2]);
		snprintf(result, SM_RESULT_MAX, "granted %llu %lld",
			 (unsigned long long)l->token, (long long)l->expires);
	} else if (!strcmp(cmd, "renew") && n == 4) {
		struct item *l = held(sm, a[0]);

		if (!l || strcmp(l->val, a[1]) ||
		    l->token != strtoull(a[2], NULL, 10)) {
			snprintf(result, SM_RESULT_MAX, "lost");
			return;
		}
		l->expires = sm->now + atoll(a[3]);
		snprintf(result, SM_RESULT_MAX, "renewed %lld",
			 (long long)l->expires);
	} else if (!strcmp(cmd, "unlock") && n == 3) {
		struct item *l = lookup(&sm->locks, a[0]);

		if (!l || !l->val || strcmp(l->val, a[1]) ||
		    l->token != strtoull(a[2], NULL, 10)) {
			snprintf(result, SM_RESULT_MAX, "lost");
			return;
		}
		erase(&sm->locks, a[0]);
		snprintf(result, SM_RESULT_MAX, "released");
	} else {
		snprintf(result, SM_RESULT_MAX, "bad command");
	}
}

const char *sm_get(const struct sm *sm, const char *key)
{
	struct item *i = lookup(&sm->kv, key);

	return i ? i->val : NULL;
}

int sm_lock_info(const struct sm *sm, const char *name, const char **owner,
		 uint64_t *token, int64_t *expires)
{
	struct item *l = held(sm, name);

	if (!l)
		return 0;
	*owner = l->val;
	*token = l->token;
	*expires = l->expires;
	return 1;
}

uint64_t sm_applied(const struct sm *sm)
{
	return sm->applied;
}

int64_t sm_time(const struct sm *sm)
{
	return sm->now;
}

size_t sm_keys(const struct sm *sm)
{
	return sm->kv.n;
}

void sm_skip(struct sm *sm, uint64_t index)
{
	sm->applied = index;
}

size_t sm_locks(const struct sm *sm)
{
	return sm->locks.n;
}

/* --- snapshots (format in sm.h) ------------------------------------------ */

#define SNAP_MAGIC	"RLKVSNAP"
#define SNAP_VERSION	1

struct wbuf {
	unsigned char *p;
	size_t len, cap;
};

static int put_bytes(struct wbuf *w, const void *b, size_t n)
{
	if (w->len + n > w->cap) {
		size_t cap = w->cap ? w->cap : 4096;
		unsigned char *p;

		while (cap < w->len + n)
			cap *= 2;
		p = realloc(w->p, cap);
		if (!p)
			return -1;
		w->p = p;
		w->cap = cap;
	}
	memcpy(w->p + w->len, b, n);
	w->len += n;
	return 0;
}

static int put_u64(struct wbuf *w, uint64_t v)
{
	unsigned char b[8];

	for (int i = 0; i < 8; i++)
		b[i] = v >> (8 * i);
	return put_bytes(w, b, 8);
}

static int put_u32(struct wbuf *w, uint32_t v)
{
	unsigned char b[4];

	for (int i = 0; i < 4; i++)
		b[i] = v >> (8 * i);
	return put_bytes(w, b, 4);
}

static int put_token(struct wbuf *w, const char *s)
{
	unsigned char n = strlen(s);

	return put_bytes(w, &n, 1) || put_bytes(w, s, n);
}

static uint64_t fnv64(const unsigned char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	while (n--)
		h = (h ^ *p++) * 1099511628211ULL;
	return h;
}

static int put_table(struct wbuf *w, const struct table *t, int lock)
{
	for (size_t k = 0; k < t->nb; k++)
		for (struct item *i = t->b[k]; i; i = i->next)
			if (put_token(w, i->key) || put_token(w, i->val) ||
			    (lock && (put_u64(w, i->token) ||
				      put_u64(w, (uint64_t)i->expires))))
				return -1;
	return 0;
}

int sm_encode(const struct sm *sm, void **buf, size_t *len)
{
	struct wbuf w = { 0 };

	if (put_bytes(&w, SNAP_MAGIC, 8) || put_u32(&w, SNAP_VERSION) ||
	    put_u32(&w, 0) || put_u64(&w, sm->applied) ||
	    put_u64(&w, (uint64_t)sm->now) || put_u64(&w, sm->kv.n) ||
	    put_u64(&w, sm->locks.n) || put_table(&w, &sm->kv, 0) ||
	    put_table(&w, &sm->locks, 1) || put_u64(&w, fnv64(w.p, w.len))) {
		free(w.p);
		return -1;
	}
	*buf = w.p;
	*len = w.len;
	return 0;
}

struct rbuf {
	const unsigned char *p;
	size_t left;
};

static int get_u64(struct rbuf *r, uint64_t *v)
{
	if (r->left < 8)
		return -1;
	*v = 0;
	for (int i = 0; i < 8; i++)
		*v |= (uint64_t)r->p[i] << (8 * i);
	r->p += 8;
	r->left -= 8;
	return 0;
}

/* a token: 1..255 bytes, no NUL or white space; into out (256 bytes) */
static int get_token(struct rbuf *r, char *out)
{
	size_t n;

	if (r->left < 1)
		return -1;
	n = r->p[0];
	if (n == 0 || r->left - 1 < n)
		return -1;
	for (size_t i = 1; i <= n; i++)
		if (!r->p[i] || strchr(" \t\n\v\f\r", r->p[i]))
			return -1;
	memcpy(out, r->p + 1, n);
	out[n] = 0;
	r->p += 1 + n;
	r->left -= 1 + n;
	return 0;
}

struct sm *sm_decode(const void *buf, size_t len, uint64_t index, char *err,
		     size_t errlen)
{
	const unsigned char *b = buf;
	struct rbuf r;
	uint64_t applied, now, nkv, nlocks, sum, want;
	char key[SM_TOKEN_MAX + 1], val[SM_TOKEN_MAX + 1];
	const char *why;
	struct sm *sm = NULL;

#define BAD(s) do { why = (s); goto bad; } while (0)
	if (len < 8 + 4 + 4 + 4 * 8 + 8)
		BAD("too short for a header");
	if (memcmp(b, SNAP_MAGIC, 8))
		BAD("not an rlkv snapshot (bad magic)");
	if (b[8] != SNAP_VERSION || b[9] || b[10] || b[11])
		BAD("unknown version");
	if (b[12] || b[13] || b[14] || b[15])
		BAD("reserved bytes not zero");
	r.p = b + len - 8;
	r.left = 8;
	get_u64(&r, &sum);
	want = fnv64(b, len - 8);
	if (sum != want)
		BAD("checksum mismatch");
	r.p = b + 16;
	r.left = len - 16 - 8;
	get_u64(&r, &applied);
	get_u64(&r, &now);
	get_u64(&r, &nkv);
	get_u64(&r, &nlocks);
	if (applied != index)
		BAD("taken at another index than its record's");
	/* each key takes 4 bytes at least, each lock 20: no huge counts */
	if (nkv > r.left / 4 || nlocks > r.left / 20)
		BAD("more keys or locks than bytes");
	sm = sm_new();
	if (!sm)
		BAD("out of memory");
	sm->applied = applied;
	sm->now = (int64_t)now;
	for (uint64_t k = 0; k < nkv; k++) {
		struct item *i;

		if (get_token(&r, key) || get_token(&r, val))
			BAD("a key or value is truncated or not a token");
		if (!strcmp(val, "-"))
			BAD("a value is \"-\"");
		if (lookup(&sm->kv, key))
			BAD("a key twice");
		i = insert(&sm->kv, key);
		set_val(i, val);
	}
	for (uint64_t k = 0; k < nlocks; k++) {
		struct item *i;
		uint64_t token, expires;

		if (get_token(&r, key) || get_token(&r, val) ||
		    get_u64(&r, &token) || get_u64(&r, &expires))
			BAD("a lock is truncated or its name or owner not a token");
		if (lookup(&sm->locks, key))
			BAD("a lock twice");
		if (!token || token > applied)
			BAD("a lock's token is not an applied index");
		i = insert(&sm->locks, key);
		set_val(i, val);
		i->token = token;
		i->expires = (int64_t)expires;
	}
	if (r.left)
		BAD("bytes after the last lock");
	return sm;
bad:
#undef BAD
	snprintf(err, errlen, "%s", why);
	sm_free(sm);
	return NULL;
}
