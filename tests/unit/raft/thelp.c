// SPDX-License-Identifier: GPL-2.0
/* Helpers for the Raft core's tests (see thelp.h). */
#include "thelp.h"

/* Lone test nodes time out after exactly election_tick ticks. */
static u32 fixed_rand(void *cookie)
{
	return 0;
}

struct raft *th_node(u64 id, u32 voters, const u64 *terms, u32 n, u64 hs_term,
		     void (*tweak)(struct raft_config *c))
{
	struct raft_config cfg;
	struct raft_boot *b = rl_zalloc(sizeof(*b));
	struct raft_entry *ents = n ? rl_calloc(n, sizeof(*ents)) : NULL;
	struct raft *r = NULL;
	u32 i;
	int err;

	if (!b || (n && !ents))
		goto out;
	tnet_default_config(&cfg, id);
	cfg.rand = fixed_rand;
	if (tweak)
		tweak(&cfg);
	for (i = 0; i < voters; i++)
		b->snap.conf.voters[b->snap.conf.n_voters++] = i + 1;
	for (i = 0; i < n; i++) {
		ents[i].index = i + 1;
		ents[i].term = terms[i];
	}
	b->entries = ents;
	b->n_entries = n;
	b->hs.term = hs_term;
	r = raft_create(&cfg, b, &err);
out:
	rl_free(ents);
	rl_free(b);
	return r;
}

void th_no_prevote(struct raft_config *c)
{
	c->pre_vote = 0;
	c->check_quorum = 0;
}

void th_msg(struct raft_msg *m, u8 type, u64 from, u64 to, u64 term)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->from = from;
	m->to = to;
	m->term = term;
}

const struct raft_msg *th_find(const struct raft_ready *rd, u8 type, u64 to,
			       int *after)
{
	u32 i;

	for (i = 0; i < rd->n_msgs; i++)
		if (rd->msgs[i].type == type && (!to || rd->msgs[i].to == to)) {
			if (after)
				*after = 0;
			return &rd->msgs[i];
		}
	for (i = 0; i < rd->n_msgs_after_persist; i++)
		if (rd->msgs_after_persist[i].type == type &&
		    (!to || rd->msgs_after_persist[i].to == to)) {
			if (after)
				*after = 1;
			return &rd->msgs_after_persist[i];
		}
	return NULL;
}
