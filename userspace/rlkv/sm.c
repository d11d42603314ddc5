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
