// SPDX-License-Identifier: GPL-2.0
/*
 * Storage: the in-memory indexes.  rix, the live records on the ring in
 * ring order (a ring of ring_blocks slots), and the window, the entries
 * [win_first, acc_last] kept in memory.  See storage_int.h.
 */
#include <linux/bug.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "storage_int.h"

void rl_st_rix_push(struct rl_storage *s, const struct rl_st_rix *r)
{
	/* appends reserve their records (rl_st_accept) */
	if (WARN_ON_ONCE(s->rix_n >= s->rix_cap))
		return;
	*rl_st_rix_at(s, s->rix_n) = *r;
	s->rix_n++;
}

/*
 * Recovery only: a ring written under a larger bound (or with another
 * module) may hold more records than ours; take them all, doubling the
 * index as it fills (up to a slot per ring block, which always suffices).
 * Appends then wait until compaction brings the records under the bound.
 */
int rl_st_rix_grow(struct rl_storage *s)
{
	u64 cap = min(s->rix_cap * 2, s->sb.ring_blocks), k;
	struct rl_st_rix *rix;

	if (cap <= s->rix_cap)
		return -EUCLEAN;
	rix = vmalloc(array_size(cap, sizeof(*rix)));
	if (!rix)
		return -ENOMEM;
	for (k = 0; k < s->rix_n; k++)
		rix[k] = *rl_st_rix_at(s, k);
	vfree(s->rix);
	s->rix = rix;
	s->rix_cap = cap;
	s->rix_head = 0;
	return 0;
}

/* the record holding @index, or NULL */
struct rl_st_rix *rl_st_rix_find(struct rl_storage *s, u64 index)
{
	u64 lo = 0, hi = s->rix_n;

	while (lo < hi) {		/* first record with first > index */
		u64 mid = lo + (hi - lo) / 2;

		if (rl_st_rix_at(s, mid)->first > index)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (!lo || rl_st_rix_at(s, lo - 1)->last < index)
		return NULL;
	return rl_st_rix_at(s, lo - 1);
}

/* entries above @last are dead: drop whole records, shorten the last one */
void rl_st_rix_cut(struct rl_storage *s, u64 last)
{
	struct rl_st_rix *r;

	while ((r = rl_st_rix_last(s)) && r->first > last)
		s->rix_n--;
	if (r && r->last > last)
		r->last = last;
}

/* the oldest record is no longer live */
void rl_st_rix_drop_first(struct rl_storage *s)
{
	s->rix_head = (s->rix_head + 1) % s->rix_cap;
	s->rix_n--;
}

/* tail, next_seq and used from the index and metadata @m */
void rl_st_recompute_tail(struct rl_storage *s, const struct rl_meta *m)
{
	struct rl_st_rix *r = rl_st_rix_last(s);
	u64 ring = s->sb.ring_blocks;

	if (r) {
		u64 head = rl_st_rix_at(s, 0)->off;

		s->tail = rl_st_ring_norm(s, r->off + r->blocks);
		s->next_seq = r->seq + 1;
		s->used = (s->tail + ring - head) % ring;
		if (!s->used)
			s->used = ring;
	} else {
		s->tail = m->head_off;
		s->next_seq = m->head_seq;
		s->used = 0;
	}
}

void rl_st_win_free(struct rl_storage *s, u64 index)
{
	struct rl_st_cent **slot = &s->win[index & (RL_ST_WIN - 1)];

	if (*slot) {
		s->win_bytes -= (*slot)->len;
		kvfree(*slot);
		*slot = NULL;
	}
}

/* free every entry in memory (nothing queued needs them any more) */
void rl_st_win_clear(struct rl_storage *s)
{
	u64 i;

	for (i = s->win_first; i <= s->acc_last; i++)
		rl_st_win_free(s, i);
	s->win_first = s->acc_last + 1;
}

/* drop durable entries from the front while over budget */
void rl_st_win_evict(struct rl_storage *s, u64 room)
{
	u64 durable = rl_st_reported_durable(s);

	while (s->win_first <= s->acc_last && s->win_first <= durable &&
	       (s->win_bytes > s->cfg.cache_bytes ||
		s->acc_last - s->win_first + 1 + room > RL_ST_WIN)) {
		rl_st_win_free(s, s->win_first);
		s->win_first++;
	}
}
