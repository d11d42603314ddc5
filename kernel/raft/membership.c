// SPDX-License-Identifier: GPL-2.0
/*
 * Membership: configurations (voters and learners), the single-server
 * changes between them and their encoding as log entries, and the history
 * of configurations along the log.
 *
 * A configuration takes effect on a node as soon as its entry is appended
 * to that node's log (not when it commits), so the history must follow the
 * log: truncating a conf-change entry reverts to the previous
 * configuration, and compaction keeps the configuration as of the snapshot.
 */
#include "raft_int.h"

#define CC_VERSION 1
#define CC_VERSION_FULL 2
#define CC_VERSION_CTX 3

void raft_conf_change_encode(u8 buf[RAFT_CONF_CHANGE_SIZE], u8 type, u64 node)
{
	buf[0] = CC_VERSION;
	buf[1] = type;
	rl_put_le64(buf + 2, node);
}

u32 raft_conf_change_encode_full(u8 buf[RAFT_CONF_CHANGE_MAX_SIZE], u8 type,
				 u64 node, const struct raft_conf *result)
{
	u32 i, n = RAFT_CONF_CHANGE_SIZE + 2;

	raft_conf_change_encode(buf, type, node);
	buf[0] = CC_VERSION_FULL;
	buf[10] = result->n_voters;
	buf[11] = result->n_learners;
	for (i = 0; i < result->n_voters; i++, n += 8)
		rl_put_le64(buf + n, result->voters[i]);
	for (i = 0; i < result->n_learners; i++, n += 8)
		rl_put_le64(buf + n, result->learners[i]);
	return n;
}

u32 raft_conf_change_encode_ctx(u8 buf[RAFT_CONF_CHANGE_CTX_MAX_SIZE],
				u8 type, u64 node,
				const struct raft_conf *result,
				const void *ctx, u32 ctx_len)
{
	u32 n = raft_conf_change_encode_full(buf, type, node, result);

	if (!ctx_len)
		return n;
	buf[0] = CC_VERSION_CTX;
	rl_put_le16(buf + n, ctx_len);
	memcpy(buf + n + 2, ctx, ctx_len);
	return n + 2 + ctx_len;
}

int raft_conf_change_decode_ctx(const u8 *buf, u32 len, u8 *type, u64 *node,
				struct raft_conf *result, const u8 **ctx,
				u32 *ctx_len)
{
	struct raft_conf c;
	u32 i, end, clen = 0, n = RAFT_CONF_CHANGE_SIZE + 2;

	if (!buf || len < RAFT_CONF_CHANGE_SIZE)
		return -EINVAL;
	if (buf[1] < RAFT_CC_ADD_VOTER || buf[1] > RAFT_CC_REMOVE)
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	if (buf[0] == CC_VERSION) {
		if (len != RAFT_CONF_CHANGE_SIZE)
			return -EINVAL;
	} else if (buf[0] == CC_VERSION_FULL || buf[0] == CC_VERSION_CTX) {
		if (len < n || buf[10] > RAFT_MAX_MEMBERS ||
		    buf[11] > RAFT_MAX_MEMBERS)
			return -EINVAL;
		end = n + 8 * (u32)(buf[10] + buf[11]);
		if (buf[0] == CC_VERSION_CTX) {
			/* the context follows the ids: le16 length, bytes */
			if (len < end + 2)
				return -EINVAL;
			clen = rl_get_le16(buf + end);
			if (!clen || clen > RAFT_CONF_CHANGE_MAX_CONTEXT)
				return -EINVAL;
			end += 2 + clen;
		}
		if (len != end)
			return -EINVAL;
		c.n_voters = buf[10];
		c.n_learners = buf[11];
		for (i = 0; i < c.n_voters; i++, n += 8)
			c.voters[i] = rl_get_le64(buf + n);
		for (i = 0; i < c.n_learners; i++, n += 8)
			c.learners[i] = rl_get_le64(buf + n);
		if (!c.n_voters || !raft_conf_valid(&c))
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	*type = buf[1];
	*node = rl_get_le64(buf + 2);
	if (*node == RAFT_NONE)
		return -EINVAL;
	if (result)
		*result = c;
	if (ctx) {
		*ctx = clen ? buf + len - clen : NULL;
		*ctx_len = clen;
	}
	return 0;
}

int raft_conf_change_decode_full(const u8 *buf, u32 len, u8 *type, u64 *node,
				 struct raft_conf *result)
{
	return raft_conf_change_decode_ctx(buf, len, type, node, result,
					   NULL, NULL);
}

int raft_conf_change_decode(const u8 *buf, u32 len, u8 *type, u64 *node)
{
	return raft_conf_change_decode_full(buf, len, type, node, NULL);
}

static int find(const u64 *ids, u32 n, u64 id)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return i;
	return -1;
}

int raft_conf_has_voter(const struct raft_conf *c, u64 id)
{
	return find(c->voters, c->n_voters, id) >= 0;
}

int raft_conf_has_learner(const struct raft_conf *c, u64 id)
{
	return find(c->learners, c->n_learners, id) >= 0;
}

/* Bounded counts, non-zero distinct ids, no id both voter and learner. */
int raft_conf_valid(const struct raft_conf *c)
{
	u32 i;

	if (c->n_voters > RAFT_MAX_MEMBERS || c->n_learners > RAFT_MAX_MEMBERS)
		return 0;
	for (i = 0; i < c->n_voters; i++)
		if (c->voters[i] == RAFT_NONE ||
		    find(c->voters, i, c->voters[i]) >= 0)
			return 0;
	for (i = 0; i < c->n_learners; i++)
		if (c->learners[i] == RAFT_NONE ||
		    find(c->learners, i, c->learners[i]) >= 0 ||
		    raft_conf_has_voter(c, c->learners[i]))
			return 0;
	return 1;
}

static void del(u64 *ids, u32 *n, u64 id)
{
	int i = find(ids, *n, id);

	if (i >= 0)
		ids[i] = ids[--(*n)];
}

/*
 * Apply one single-server change to c.  Returns 0, or -EINVAL if it
 * changes nothing, would leave no voter, or exceeds RAFT_MAX_MEMBERS
 * (c is then unchanged).
 */
int raft_conf_apply(struct raft_conf *c, u8 type, u64 node)
{
	int voter = raft_conf_has_voter(c, node);
	int learner = raft_conf_has_learner(c, node);

	if (node == RAFT_NONE)
		return -EINVAL;
	switch (type) {
	case RAFT_CC_ADD_VOTER:
		if (voter || c->n_voters >= RAFT_MAX_MEMBERS)
			return -EINVAL;
		del(c->learners, &c->n_learners, node);
		c->voters[c->n_voters++] = node;
		return 0;
	case RAFT_CC_ADD_LEARNER:
		if (learner || c->n_learners >= RAFT_MAX_MEMBERS)
			return -EINVAL;
		if (voter && c->n_voters == 1)
			return -EINVAL;
		del(c->voters, &c->n_voters, node);
		c->learners[c->n_learners++] = node;
		return 0;
	case RAFT_CC_REMOVE:
		if (!voter && !learner)
			return -EINVAL;
		if (voter && c->n_voters == 1)
			return -EINVAL;
		del(c->voters, &c->n_voters, node);
		del(c->learners, &c->n_learners, node);
		return 0;
	}
	return -EINVAL;
}

int raft_hist_init(struct raft *r, u64 index, const struct raft_conf *c)
{
	if (raft_vec_reserve((void **)&r->hist, &r->cap_hist, 1,
			     sizeof(*r->hist)))
		return -ENOMEM;
	r->hist[0].index = index;
	r->hist[0].conf = *c;
	r->n_hist = 1;
	return 0;
}

void raft_hist_free(struct raft *r)
{
	rl_free(r->hist);
	r->hist = NULL;
	r->n_hist = 0;
	r->cap_hist = 0;
}

const struct raft_conf *raft_cur_conf(const struct raft *r)
{
#ifdef RAFT_BUG_CONF_AT_COMMIT
	return raft_conf_at(r, r->log.committed);
#endif
	return &r->hist[r->n_hist - 1].conf;
}

const struct raft_conf *raft_conf_at(const struct raft *r, u64 index)
{
	u32 i = r->n_hist;

	while (i > 1 && r->hist[i - 1].index > index)
		i--;
	return &r->hist[i - 1].conf;
}

/* An entry was appended to the log: a conf change takes effect now. */
int raft_hist_on_append(struct raft *r, const struct raft_entry *e)
{
	struct raft_conf_hist *h;
	struct raft_conf full;
	u8 type;
	u64 node;

	if (e->type != RAFT_ENTRY_CONF_CHANGE)
		return 0;
	if (raft_vec_reserve((void **)&r->hist, &r->cap_hist, r->n_hist + 1,
			     sizeof(*r->hist)))
		return -ENOMEM;
	h = &r->hist[r->n_hist];
	h->index = e->index;
	h->conf = r->hist[r->n_hist - 1].conf;
	/*
	 * A full payload states the resulting configuration; a bare change
	 * applies to the previous one.  An invalid change (a leader's bug)
	 * leaves the configuration as it was.
	 */
	if (raft_conf_change_decode_full(e->data, e->len, &type, &node,
					 &full)) {
		rl_warn("ignoring invalid conf change at %llu",
			(unsigned long long)e->index);
	} else if (full.n_voters) {
		h->conf = full;
	} else if (raft_conf_apply(&h->conf, type, node)) {
		rl_warn("ignoring inapplicable conf change at %llu",
			(unsigned long long)e->index);
	}
	r->n_hist++;
	return 0;
}

/* Entries from `from` on were dropped: forget their configurations. */
void raft_hist_truncate(struct raft *r, u64 from)
{
	while (r->n_hist > 1 && r->hist[r->n_hist - 1].index >= from)
		r->n_hist--;
}

/* The log was compacted up to index: fold older history into [0]. */
void raft_hist_compact(struct raft *r, u64 index)
{
	u32 keep = 0, i;

	while (keep + 1 < r->n_hist && r->hist[keep + 1].index <= index)
		keep++;
	for (i = 0; i + keep < r->n_hist; i++)
		r->hist[i] = r->hist[i + keep];
	r->n_hist -= keep;
	r->hist[0].index = index;
}

/*
 * Make the progress set match the current configuration: add members that
 * are new (a leader starts them at its last index + 1), drop the removed.
 */
void raft_sync_progress(struct raft *r)
{
	const struct raft_conf *c = raft_cur_conf(r);
	u32 i, j;

	for (i = 0; i < r->n_prs;) {
		struct raft_progress *pr = &r->prs[i];

		if (raft_conf_has_voter(c, pr->id)) {
			pr->learner = 0;
		} else if (raft_conf_has_learner(c, pr->id)) {
			pr->learner = 1;
		} else {
			raft_pr_free(pr);
			r->prs[i] = r->prs[--r->n_prs];
			continue;
		}
		i++;
	}
	for (j = 0; j < c->n_voters + c->n_learners; j++) {
		int learner = j >= c->n_voters;
		u64 id = learner ? c->learners[j - c->n_voters] : c->voters[j];
		struct raft_progress *pr;

		if (raft_pr_get(r, id) || r->n_prs >= RAFT_MAX_PRS)
			continue;
		pr = &r->prs[r->n_prs];
		if (raft_pr_init(pr, id, r->cfg.max_inflight_msgs)) {
			rl_warn("no memory for peer %llu", (unsigned long long)id);
			continue;
		}
		raft_pr_reset(pr, raft_log_last(&r->log) + 1);
		pr->learner = learner;
		r->n_prs++;
	}
}

void raft_conf_at_index(const struct raft *r, u64 index,
			struct raft_conf *conf)
{
	*conf = *raft_conf_at(r, index);
}
