// SPDX-License-Identifier: GPL-2.0
/*
 * Small helpers every file of the core uses: growable arrays, freeing and
 * cloning messages, and the names of message types and roles.
 */
#include "raft_int.h"

int raft_vec_reserve(void **p, u32 *cap, u32 need, u32 elem)
{
	u32 n = *cap ? *cap : 4;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = rl_realloc(*p, (size_t)n * elem);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

void raft_msg_free(struct raft_msg *m)
{
	u32 i;

	if (m->entries) {
		for (i = 0; i < m->n_entries; i++)
			raft_entry_free(&m->entries[i]);
		rl_free(m->entries);
	}
	rl_big_free(m->snap_data);
	m->entries = NULL;
	m->n_entries = 0;
	m->snap_data = NULL;
	m->snap_len = 0;
}

int raft_msg_clone(struct raft_msg *dst, const struct raft_msg *src)
{
	u32 i;

	*dst = *src;
	dst->entries = NULL;
	dst->n_entries = 0;
	dst->snap_data = NULL;
	dst->snap_len = 0;
	if (src->n_entries) {
		dst->entries = rl_calloc(src->n_entries, sizeof(*dst->entries));
		if (!dst->entries)
			return -ENOMEM;
		for (i = 0; i < src->n_entries; i++) {
			if (raft_entry_copy(&dst->entries[i], &src->entries[i])) {
				raft_msg_free(dst);
				return -ENOMEM;
			}
			dst->n_entries = i + 1;
		}
	}
	/* a chunk the caller fills at send time has no data yet */
	if (src->snap_len && src->snap_data) {
		dst->snap_data = rl_big_alloc(src->snap_len);
		if (!dst->snap_data) {
			raft_msg_free(dst);
			return -ENOMEM;
		}
		memcpy(dst->snap_data, src->snap_data, src->snap_len);
	}
	dst->snap_len = src->snap_len;
	return 0;
}

const char *raft_msg_type_name(u8 type)
{
	static const char * const names[] = {
		[RAFT_MSG_VOTE] = "VOTE",
		[RAFT_MSG_VOTE_RESP] = "VOTE_RESP",
		[RAFT_MSG_PREVOTE] = "PREVOTE",
		[RAFT_MSG_PREVOTE_RESP] = "PREVOTE_RESP",
		[RAFT_MSG_APPEND] = "APPEND",
		[RAFT_MSG_APPEND_RESP] = "APPEND_RESP",
		[RAFT_MSG_HEARTBEAT] = "HEARTBEAT",
		[RAFT_MSG_HEARTBEAT_RESP] = "HEARTBEAT_RESP",
		[RAFT_MSG_SNAPSHOT] = "SNAPSHOT",
		[RAFT_MSG_SNAPSHOT_RESP] = "SNAPSHOT_RESP",
		[RAFT_MSG_TIMEOUT_NOW] = "TIMEOUT_NOW",
		[RAFT_MSG_PROPOSE] = "PROPOSE",
		[RAFT_MSG_PROPOSE_RESP] = "PROPOSE_RESP",
		[RAFT_MSG_READ_INDEX] = "READ_INDEX",
		[RAFT_MSG_READ_INDEX_RESP] = "READ_INDEX_RESP",
	};

	if (type == 0 || type > RAFT_MSG_TYPE_MAX)
		return "?";
	return names[type];
}

const char *raft_role_name(u8 role)
{
	switch (role) {
	case RAFT_FOLLOWER:
		return "follower";
	case RAFT_PRE_CANDIDATE:
		return "pre-candidate";
	case RAFT_CANDIDATE:
		return "candidate";
	case RAFT_LEADER:
		return "leader";
	}
	return "?";
}
