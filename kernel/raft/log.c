// SPDX-License-Identifier: GPL-2.0
/*
 * The Raft log as the core sees it: the entries after the latest snapshot,
 * with four marks that split them into what the caller has been handed to
 * persist (unstable), what is durable (persisted), committed and applied.
 *
 * The core knows the term of every entry (kept as runs of equal terms, one
 * run per leader change, so the table does not grow with the number of
 * entries) but keeps only a window of them in memory: entries leave the
 * window from the front once they are durable and applied (see
 * raft_log_shrink), and a leader asks its caller to read older ones back
 * from its log store when a slow peer needs them (struct raft_fetch).
 * The window is held in chunks of RAFT_LOG_CHUNK entries, so no allocation
 * grows with the length of the log.
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

static struct raft_entry *slot(const struct raft_log *l, u64 index)
{
	return &l->chunk[index / RAFT_LOG_CHUNK - l->chunk0]
			[index % RAFT_LOG_CHUNK];
}

void raft_log_init(struct raft_log *l, u64 snap_index, u64 snap_term)
{
	memset(l, 0, sizeof(*l));
	l->snap_index = snap_index;
	l->snap_term = snap_term;
	l->last = snap_index;
	l->mem_first = snap_index + 1;
	l->committed = snap_index;
	l->applied = snap_index;
	l->persisted = snap_index;
	l->unstable = snap_index + 1;
}

/* Free the payloads of the window's entries lo..hi. */
static void free_slots(struct raft_log *l, u64 lo, u64 hi)
{
	u64 i;

	for (i = lo; i <= hi; i++) {
		struct raft_entry *e = slot(l, i);

		l->mem_bytes -= e->len + RAFT_LOG_ENTRY_COST;
		raft_entry_free(e);
	}
}

/* Release the chunks that hold no entry of the window any more. */
static void trim_chunks(struct raft_log *l)
{
	u32 drop = 0;

	if (l->mem_first > l->last) {
		while (l->n_chunk)
			rl_free(l->chunk[--l->n_chunk]);
		return;
	}
	while (l->n_chunk &&
	       l->chunk0 + l->n_chunk - 1 > l->last / RAFT_LOG_CHUNK)
		rl_free(l->chunk[--l->n_chunk]);
	while (drop < l->n_chunk &&
	       l->chunk0 + drop < l->mem_first / RAFT_LOG_CHUNK)
		rl_free(l->chunk[drop++]);
	if (!drop)
		return;
	memmove(l->chunk, l->chunk + drop, (l->n_chunk - drop) *
		sizeof(*l->chunk));
	l->n_chunk -= drop;
	l->chunk0 += drop;
}

void raft_log_free(struct raft_log *l)
{
	raft_log_evict(l, l->last);
	rl_free(l->chunk);
	l->chunk = NULL;
	l->cap_chunk = 0;
	rl_free(l->runs);
	l->runs = NULL;
	l->n_runs = 0;
	l->cap_runs = 0;
}

struct raft_entry *raft_log_entry(const struct raft_log *l, u64 index)
{
	if (index < l->mem_first || index > l->last)
		return NULL;
	return slot(l, index);
}

u64 raft_log_span(const struct raft_log *l, u64 index)
{
	u64 n = RAFT_LOG_CHUNK - index % RAFT_LOG_CHUNK;

	if (index < l->mem_first || index > l->last)
		return 0;
	return n < l->last - index + 1 ? n : l->last - index + 1;
}

/* The run holding index (snap_index < index <= last). */
static u32 run_of(const struct raft_log *l, u64 index)
{
	u32 lo = 0, hi = l->n_runs - 1;

	if (l->runs[hi].index <= index)
		return hi;
	while (lo < hi) {
		u32 mid = lo + (hi - lo + 1) / 2;

		if (l->runs[mid].index <= index)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

int raft_log_term(const struct raft_log *l, u64 index, u64 *term)
{
	if (index == l->snap_index) {
		*term = l->snap_term;
		return 0;
	}
	if (index < l->snap_index || index > l->last)
		return -ENOENT;
	*term = l->runs[run_of(l, index)].term;
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

/* Forget the terms of index >= from. */
static void runs_truncate(struct raft_log *l, u64 from)
{
	while (l->n_runs && l->runs[l->n_runs - 1].index >= from)
		l->n_runs--;
}

void raft_log_truncate(struct raft_log *l, u64 from)
{
	rl_assert(from > l->snap_index);
	rl_assert(from > l->committed);
	if (from > raft_log_last(l))
		return;
	/* only applied entries leave the window, and these are not */
	rl_assert(from >= l->mem_first);
	free_slots(l, from, l->last);
	l->last = from - 1;
	runs_truncate(l, from);
	trim_chunks(l);
	if (l->unstable > from)
		l->unstable = from;
	if (l->persisted >= from)
		l->persisted = from - 1;
}

static int push_run(struct raft_log *l, u64 index, u64 term)
{
	if (l->n_runs && l->runs[l->n_runs - 1].term == term)
		return 0;
	if (raft_vec_reserve((void **)&l->runs, &l->cap_runs, l->n_runs + 1,
			     sizeof(*l->runs)))
		return -ENOMEM;
	l->runs[l->n_runs].index = index;
	l->runs[l->n_runs].term = term;
	l->n_runs++;
	return 0;
}

/* Make room in the window for index last + 1. */
static int grow_window(struct raft_log *l)
{
	u64 index = l->last + 1;
	struct raft_entry *c;

	if (l->mem_first > l->last) {
		/* an empty window restarts at the next index */
		l->chunk0 = index / RAFT_LOG_CHUNK;
		l->mem_first = index;
	}
	if (index / RAFT_LOG_CHUNK < l->chunk0 + l->n_chunk)
		return 0;
	if (raft_vec_reserve((void **)&l->chunk, &l->cap_chunk,
			     l->n_chunk + 1, sizeof(*l->chunk)))
		return -ENOMEM;
	c = rl_calloc(RAFT_LOG_CHUNK, sizeof(*c));
	if (!c)
		return -ENOMEM;
	l->chunk[l->n_chunk++] = c;
	return 0;
}

static int append_one(struct raft_log *l, const struct raft_entry *src)
{
	u64 index = l->last + 1;
	struct raft_entry *e;
	int err;

	err = grow_window(l);
	if (err)
		return err;
	err = push_run(l, index, src->term);
	if (err)
		return err;
	e = slot(l, index);
	err = raft_entry_copy(e, src);
	if (err) {
		runs_truncate(l, index);
		return err;
	}
	e->index = index;
	l->mem_bytes += e->len + RAFT_LOG_ENTRY_COST;
	if (l->mem_bytes > l->mem_peak)
		l->mem_peak = l->mem_bytes;
	l->last = index;
	return 0;
}

int raft_log_append(struct raft_log *l, const struct raft_entry *ents, u64 n)
{
	u64 i;

	if (!n)
		return 0;
	rl_assert(ents[0].index == raft_log_last(l) + 1);
	for (i = 0; i < n; i++) {
		int err = append_one(l, &ents[i]);

		if (err) {
			trim_chunks(l);
			return err;
		}
	}
	return 0;
}

int raft_log_append_gap(struct raft_log *l, const struct raft_term_run *runs,
			u32 n, u64 last)
{
	u32 i;

	rl_assert(l->last == l->snap_index && l->mem_first > l->last);
	for (i = 0; i < n; i++)
		if (push_run(l, runs[i].index, runs[i].term))
			return -ENOMEM;
	l->last = last;
	l->mem_first = last + 1;
	return 0;
}

u64 raft_entries_fit(const struct raft_entry *ents, u64 n, u64 max_bytes)
{
	u64 i, bytes = 0;

	for (i = 0; i < n; i++) {
		bytes += ents[i].len + 32;
		if (i && bytes > max_bytes)
			break;
	}
	return i;
}

u64 raft_log_slice(const struct raft_log *l, u64 lo, u64 max_bytes,
		   u64 max_count, struct raft_entry **out)
{
	u64 span = raft_log_span(l, lo);

	*out = raft_log_entry(l, lo);
	if (!*out)
		return 0;
	return raft_entries_fit(*out, min(max_count, span), max_bytes);
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

/*
 * Largest index <= index whose term is <= term: walks back one run at a
 * time, so a long log of one term costs one step.
 */
u64 raft_log_find_conflict_by_term(const struct raft_log *l, u64 index,
				   u64 term, u64 *hint_term)
{
	u32 k;

	if (index > raft_log_last(l))
		index = raft_log_last(l);
	while (index > l->snap_index) {
		k = run_of(l, index);
		if (l->runs[k].term <= term) {
			*hint_term = l->runs[k].term;
			return index;
		}
		index = l->runs[k].index - 1;
	}
	*hint_term = index == l->snap_index ? l->snap_term : 0;
	return index;
}

/* Entries up to index leave the window (they stay in the log). */
void raft_log_evict(struct raft_log *l, u64 index)
{
	if (index > l->last)
		index = l->last;
	if (index < l->mem_first)
		return;
	free_slots(l, l->mem_first, index);
	l->mem_first = index + 1;
	trim_chunks(l);
}

/*
 * Keep the window within max_bytes by dropping its oldest entries that
 * are durable and applied (the others are still needed here).  It shrinks
 * to three quarters of the bound, so that it does not run at every entry.
 */
void raft_log_shrink(struct raft_log *l, u64 max_bytes)
{
	u64 keep = max_bytes - max_bytes / 4, to = l->mem_first - 1;
	u64 bytes = l->mem_bytes;
	u64 limit = l->applied < l->persisted ? l->applied : l->persisted;

	if (!max_bytes || bytes <= max_bytes)
		return;
	if (limit > l->last)
		limit = l->last;
	while (to < limit && bytes > keep) {
		to++;
		bytes -= slot(l, to)->len + RAFT_LOG_ENTRY_COST;
	}
	raft_log_evict(l, to);
}

/* Drop entries up to index (which must be in the log); keep its term. */
void raft_log_compact(struct raft_log *l, u64 index)
{
	u64 term = 0;
	u32 k = 0;

	if (index <= l->snap_index || index > raft_log_last(l))
		return;
	raft_log_term(l, index, &term);
	raft_log_evict(l, index);
	if (index == l->last) {
		l->n_runs = 0;
	} else {
		k = run_of(l, index + 1);
		memmove(l->runs, l->runs + k, (l->n_runs - k) * sizeof(*l->runs));
		l->n_runs -= k;
		l->runs[0].index = index + 1;
	}
	l->snap_index = index;
	l->snap_term = term;
}

/* Replace the whole log by a snapshot at index/term. */
void raft_log_restore(struct raft_log *l, u64 index, u64 term)
{
	raft_log_evict(l, l->last);
	l->n_runs = 0;
	l->last = index;
	l->mem_first = index + 1;
	l->snap_index = index;
	l->snap_term = term;
	l->committed = index;
	if (l->persisted > index)
		l->persisted = index;
	l->unstable = index + 1;
}
