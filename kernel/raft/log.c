// SPDX-License-Identifier: GPL-2.0
/*
 * The Raft log as the core sees it: the entries after the latest snapshot,
 * kept in memory, with three marks that split them into what the caller
 * has been handed to persist (unstable), what is durable (persisted) and
 * what is committed and applied.  Truncation after a conflict, term
 * lookup, and compaction into a snapshot live here.
 */
#include "raft_int.h"

void raft_entry_free(struct raft_entry *e)
{
	rl_free(e->data);
	e->data = NULL;
	e->len = 0;
}

int raft_entry_copy(struct raft_entry *dst, const struct raft_entry *src)
{
	*dst = *src;
	dst->data = NULL;
	if (src->len) {
		dst->data = rl_malloc(src->len);
		if (!dst->data)
			return -ENOMEM;
		memcpy(dst->data, src->data, src->len);
	}
	return 0;
}

int raft_log_init(struct raft_log *l, u64 snap_index, u64 snap_term,
		  const struct raft_entry *ents, u64 n)
{
	memset(l, 0, sizeof(*l));
	l->snap_index = snap_index;
	l->snap_term = snap_term;
	l->committed = snap_index;
	l->applied = snap_index;
	l->persisted = snap_index;
	l->unstable = snap_index + 1;
	if (n) {
		int err = raft_log_append(l, ents, n);

		if (err)
			return err;
	}
	/* recovered entries are durable by definition */
	l->persisted = raft_log_last(l);
	l->unstable = l->persisted + 1;
	return 0;
}

void raft_log_free(struct raft_log *l)
{
	u64 i;

	for (i = 0; i < l->n; i++)
		raft_entry_free(&l->ents[i]);
	rl_free(l->ents);
	l->ents = NULL;
	l->n = 0;
	l->cap = 0;
}

struct raft_entry *raft_log_entry(const struct raft_log *l, u64 index)
{
	if (index <= l->snap_index || index > raft_log_last(l))
		return NULL;
	return &l->ents[index - l->snap_index - 1];
}

int raft_log_term(const struct raft_log *l, u64 index, u64 *term)
{
	struct raft_entry *e;

	if (index == l->snap_index) {
		*term = l->snap_term;
		return 0;
	}
	e = raft_log_entry(l, index);
	if (!e)
		return -ENOENT;
	*term = e->term;
	return 0;
}

int raft_log_match(const struct raft_log *l, u64 index, u64 term)
{
	u64 t;

	return raft_log_term(l, index, &t) == 0 && t == term;
}

/* Raft 5.4.1: the candidate's log is at least as up to date as ours. */
int raft_log_up_to_date(const struct raft_log *l, u64 index, u64 term)
{
	u64 last = raft_log_last(l), last_term = 0;

	raft_log_term(l, last, &last_term);
	return term > last_term || (term == last_term && index >= last);
}

void raft_log_truncate(struct raft_log *l, u64 from)
{
	u64 i;

	rl_assert(from > l->snap_index);
	rl_assert(from > l->committed);
	if (from > raft_log_last(l))
		return;
	for (i = from - l->snap_index - 1; i < l->n; i++)
		raft_entry_free(&l->ents[i]);
	l->n = from - l->snap_index - 1;
	if (l->unstable > from)
		l->unstable = from;
	if (l->persisted >= from)
		l->persisted = from - 1;
}

int raft_log_append(struct raft_log *l, const struct raft_entry *ents, u64 n)
{
	u64 i, need = l->n + n;

	if (!n)
		return 0;
	rl_assert(ents[0].index == raft_log_last(l) + 1);
	if (need > l->cap) {
		u64 cap = l->cap ? l->cap : 16;
		struct raft_entry *p;

		while (cap < need)
			cap *= 2;
		p = rl_realloc(l->ents, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		l->ents = p;
		l->cap = cap;
	}
	for (i = 0; i < n; i++) {
		int err = raft_entry_copy(&l->ents[l->n], &ents[i]);

		if (err)
			return err;
		l->ents[l->n].index = raft_log_last(l) + 1;
		l->n++;
	}
	return 0;
}

u64 raft_log_slice(const struct raft_log *l, u64 lo, u64 max_bytes,
		   u64 max_count, struct raft_entry **out)
{
	u64 n = 0, bytes = 0, last = raft_log_last(l);
	struct raft_entry *first = raft_log_entry(l, lo);

	*out = first;
	if (!first)
		return 0;
	while (lo + n <= last && n < max_count) {
		u64 sz = first[n].len + 32;

		if (n && bytes + sz > max_bytes)
			break;
		bytes += sz;
		n++;
	}
	return n;
}

u64 raft_log_find_conflict(const struct raft_log *l,
			   const struct raft_entry *ents, u64 n)
{
	u64 i;

	for (i = 0; i < n; i++)
		if (!raft_log_match(l, ents[i].index, ents[i].term))
			return ents[i].index;
	return 0;
}

u64 raft_log_find_conflict_by_term(const struct raft_log *l, u64 index,
				   u64 term, u64 *hint_term)
{
	u64 t = 0;

	if (index > raft_log_last(l))
		index = raft_log_last(l);
	for (; index > l->snap_index; index--) {
		if (raft_log_term(l, index, &t) || t <= term)
			break;
	}
	if (raft_log_term(l, index, &t))
		t = 0;
	*hint_term = t;
	return index;
}

/* Drop entries up to index (which must be in the log); keep its term. */
void raft_log_compact(struct raft_log *l, u64 index)
{
	u64 i, drop, term = 0;

	if (index <= l->snap_index || index > raft_log_last(l))
		return;
	raft_log_term(l, index, &term);
	drop = index - l->snap_index;
	for (i = 0; i < drop; i++)
		raft_entry_free(&l->ents[i]);
	memmove(l->ents, l->ents + drop, (l->n - drop) * sizeof(*l->ents));
	l->n -= drop;
	l->snap_index = index;
	l->snap_term = term;
}

/* Replace the whole log by a snapshot at index/term. */
void raft_log_restore(struct raft_log *l, u64 index, u64 term)
{
	u64 i;

	for (i = 0; i < l->n; i++)
		raft_entry_free(&l->ents[i]);
	l->n = 0;
	l->snap_index = index;
	l->snap_term = term;
	l->committed = index;
	if (l->persisted > index)
		l->persisted = index;
	l->unstable = index + 1;
}
