// SPDX-License-Identifier: GPL-2.0
/*
 * Majority arithmetic over the voters of a configuration: the largest index
 * a majority has durably matched, and the outcome of a vote.
 */
#include "raft_int.h"

/*
 * match[0..n) are the voters' durable match indexes (the leader's own is
 * its persisted index).  Returns the largest index held by a majority.
 */
u64 raft_quorum_committed(const u64 *match, u32 n)
{
	u64 s[RAFT_MAX_MEMBERS];
	u32 i, j;

	if (n == 0 || n > RAFT_MAX_MEMBERS)
		return 0;
	/* insertion sort, descending; n is small */
	for (i = 0; i < n; i++) {
		u64 v = match[i];

		for (j = i; j > 0 && s[j - 1] < v; j--)
			s[j] = s[j - 1];
		s[j] = v;
	}
	return s[raft_quorum(n) - 1];
}

int raft_quorum_vote(u32 voters, u32 granted, u32 rejected)
{
	u32 q = raft_quorum(voters);

	if (granted >= q)
		return RAFT_VOTE_WON;
	if (voters - rejected < q)
		return RAFT_VOTE_LOST;
	return RAFT_VOTE_PENDING;
}
