/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by the Raft core's test files. */
#ifndef RL_THELP_H
#define RL_THELP_H

#include "tnet.h"
#include "rltest.h"

/*
 * RL_EXPECT_EQ evaluates its arguments twice (once to compare, once to
 * print): calls with side effects go through TH_EQ, which evaluates once.
 */
#define TH_EQ(expr, want)						\
	do {								\
		long long th_v_ = (long long)(expr);			\
		RL_EXPECT_EQ(th_v_, want);				\
	} while (0)

#define TH_ASSERT_EQ(expr, want)					\
	do {								\
		long long th_v_ = (long long)(expr);			\
		RL_ASSERT_EQ(th_v_, want);				\
	} while (0)

/* A lone node (id) booted from entries of the given terms (1-based). */
struct raft *th_node(u64 id, u32 voters, const u64 *terms, u32 n, u64 hs_term,
		     void (*tweak)(struct raft_config *c));
/* A message to node `to`, zeroed, with the basics filled. */
/* Neither pre-vote nor CheckQuorum: plain Raft elections. */
void th_no_prevote(struct raft_config *c);
void th_msg(struct raft_msg *m, u8 type, u64 from, u64 to, u64 term);
/* Find a message in a ready batch (now or after persist): NULL if none. */
const struct raft_msg *th_find(const struct raft_ready *rd, u8 type, u64 to,
			       int *after);

#endif
