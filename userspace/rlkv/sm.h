/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rlkv's state machine: what every node computes from the committed log,
 * entry by entry, in index order.  Pure: no I/O, no clock (the time a
 * lease is measured in comes from the entries themselves), so every node
 * that applies the same entries has the same state and returns the same
 * result for each.
 *
 * An entry is one line of text (no newline):
 *
 *   <ms> put <key> <value>
 *   <ms> del <key>
 *   <ms> cas <key> <old> <new>               old "-": the key must be absent
 *   <ms> lock <name> <owner> <ttl-ms>        acquire (or take an expired lock)
 *   <ms> renew <name> <owner> <token> <ttl-ms>
 *   <ms> unlock <name> <owner> <token>
 *
 * <ms> is the proposer's wall clock (CLOCK_REALTIME, ms) when it
 * proposed.  The log's time is the largest <ms> applied so far, so it
 * never goes backwards; a lock's lease expires when the log's time passes
 * it.  Keys, values, names and owners are tokens of 1..255 bytes without
 * white space; "-" is not a value (it means "none").
 *
 * A lock's fencing token is the log index of the entry that granted it:
 * strictly increasing from one holder to the next (renewals keep it).
 */
#ifndef RLKV_SM_H
#define RLKV_SM_H

#include <stddef.h>
#include <stdint.h>

#define SM_TOKEN_MAX	255
#define SM_RESULT_MAX	(2 * SM_TOKEN_MAX + 64)

struct sm;

struct sm *sm_new(void);
void sm_free(struct sm *sm);

/*
 * Apply the entry at index (len bytes of data; not NUL-terminated) and
 * write its result as a line into result (SM_RESULT_MAX bytes):
 *   put, del          "ok"
 *   cas               "ok" or "mismatch <current or ->"
 *   lock              "granted <token> <expires-ms>" or
 *                     "held <owner> <token> <expires-ms>"
 *   renew             "renewed <expires-ms>" or "lost"
 *   unlock            "released" or "lost"
 *   anything else     "bad <reason>" (the state does not change)
 * Entries that are not rlkv commands (empty no-ops, membership changes)
 * are the caller's to skip.
 */
void sm_apply(struct sm *sm, uint64_t index, const void *data, size_t len,
	      char *result);

/* The value of key, or NULL. */
const char *sm_get(const struct sm *sm, const char *key);

/*
 * The lock called name: 1 and its holder, token and expiry if one holds
 * it and its lease has not expired by the log's time, else 0.
 */
int sm_lock_info(const struct sm *sm, const char *name, const char **owner,
		 uint64_t *token, int64_t *expires);

/* The last index applied, the log's time (ms), the number of keys. */
uint64_t sm_applied(const struct sm *sm);
int64_t sm_time(const struct sm *sm);
size_t sm_keys(const struct sm *sm);

/* Note index as applied without applying anything (no-op entries). */
void sm_skip(struct sm *sm, uint64_t index);

/* The number of locks kept (held or with an expired lease). */
size_t sm_locks(const struct sm *sm);

/*
 * Snapshots: everything later entries' results depend on, at the
 * applied index.  Format (integers little-endian):
 *
 *   "RLKVSNAP"  u32 version (1)  u32 zero
 *   u64 applied  i64 log time (ms)  u64 keys  u64 locks
 *   keys times:  u8 len, key, u8 len, value
 *   locks times: u8 len, name, u8 len, owner, u64 token, i64 expires-ms
 *   u64 FNV-1a 64 of every byte before it
 *
 * Tokens (keys, values, names, owners) as in entries: 1..255 bytes, no
 * NUL or white space; a value is not "-"; no key or lock twice.
 *
 * sm_encode() puts a malloc'd buffer in *buf and its length in *len;
 * 0, or -1 without memory.
 */
int sm_encode(const struct sm *sm, void **buf, size_t *len);

/*
 * A new state machine from the snapshot's len bytes at buf, taken at
 * index; or NULL (without memory too) with the reason in err (errlen
 * bytes) if the bytes are not such a snapshot at index: any length, any
 * content is safe to give.
 */
struct sm *sm_decode(const void *buf, size_t len, uint64_t index, char *err,
		     size_t errlen);

#endif /* RLKV_SM_H */
