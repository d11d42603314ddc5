/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libraftlog: a C client for a raftlog group's character device
 * /dev/raftlog<N>, the ABI of uapi/linux/raftlog.h, with asynchronous
 * proposals on io_uring (liburing).
 *
 * Conventions: every function that can fail returns a negative errno
 * (-EAGAIN, -EMSGSIZE, ...) and leaves errno alone as far as the caller is
 * concerned; 0 or a count means success.  The errors a proposal can end
 * with, and what each says about the entry's fate, are listed in
 * uapi/linux/raftlog.h (write()).
 *
 * A struct raftlog is one open file of the device: a cursor on the
 * committed log (its read position) plus a way to propose.  It is not
 * thread-safe; threads that propose concurrently should each open their
 * own (opening is cheap).  A struct raftlog_ring is one io_uring for
 * asynchronous commands on any number of struct raftlog; it is not
 * thread-safe either.
 *
 *	struct raftlog *rl;
 *	struct raftlog_ring *ring;
 *	struct raftlog_completion c[64];
 *
 *	raftlog_open_group(1, O_RDWR, &rl);
 *	raftlog_ring_create(256, &ring);
 *	raftlog_ring_propose(ring, rl, buf, len, 42);	// queued
 *	n = raftlog_ring_reap(ring, c, 64, RAFTLOG_REAP_WAIT);
 *	// c[0].user_data == 42, c[0].err == 0, c[0].index, c[0].term
 */
#ifndef LIBRAFTLOG_H
#define LIBRAFTLOG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/raftlog.h>

#ifdef __cplusplus
extern "C" {
#endif

struct raftlog;
struct raftlog_ring;

/* ------------------------------------------------------------------ */
/* Opening a group                                                     */

/*
 * Open the device at path (e.g. "/dev/raftlog3") with open(2) flags
 * (O_RDWR to propose, O_RDONLY to only read; O_NONBLOCK makes read() and
 * write() fail with -EAGAIN instead of blocking).  O_CLOEXEC is added.
 * On success *out is the new handle.  Errors: those of open(2) (-ENOENT:
 * no such group here), -ENOMEM.
 */
int raftlog_open(const char *path, int oflags, struct raftlog **out);

/* The same for group id group: /dev/raftlog<group>. */
int raftlog_open_group(uint64_t group, int oflags, struct raftlog **out);

/* Close the file.  Commands still in flight on a ring keep their file. */
void raftlog_close(struct raftlog *rl);

/*
 * The file descriptor, for poll(2): POLLIN on a new commit at the read
 * position, POLLOUT while the proposal queue has room.
 */
int raftlog_fd(const struct raftlog *rl);

/* ------------------------------------------------------------------ */
/* Synchronous calls                                                   */

/* RAFTLOG_IOC_STATUS: role, term, leader, commit, queue size... */
int raftlog_status(struct raftlog *rl, struct raftlog_status *st);

/*
 * Propose one entry of len bytes (0 < len <= status.max_entry) with
 * RAFTLOG_IOC_PROPOSE and wait until it is committed.  Returns 0 and sets
 * *index and *term (either may be NULL), or -errno as for write().
 */
int raftlog_propose(struct raftlog *rl, const void *data, size_t len,
		    uint64_t *index, uint64_t *term);

/*
 * Propose with a plain write(2): the same semantics, without the index.
 * Returns 0 (the whole entry was committed) or -errno.
 */
int raftlog_write(struct raftlog *rl, const void *data, size_t len);

/*
 * Linearizable read barrier (RAFTLOG_IOC_BARRIER): returns 0 once every
 * entry committed at the time of the call is readable; *index (may be
 * NULL) is that commit index.  -EAGAIN: no leader now, retry.
 */
int raftlog_barrier(struct raftlog *rl, uint64_t *index);

/*
 * Wait until entry index is committed and readable (RAFTLOG_IOC_WAIT);
 * timeout_ms 0 waits without limit.  *applied (may be NULL) is the
 * applied index on return, also on -ETIMEDOUT.
 */
int raftlog_wait(struct raftlog *rl, uint64_t index, uint32_t timeout_ms,
		 uint64_t *applied);

/*
 * Move the read position (an entry index, not a byte offset): whence is
 * SEEK_SET (index off), SEEK_CUR (relative to the next entry
 * raftlog_next() returns) or SEEK_END (relative to commit + 1).  Returns
 * the new position, or -EINVAL (index 0 or negative), -ERANGE (below the
 * first index still kept: compacted), -ENXIO (beyond commit + 1).
 * Entries already buffered by raftlog_next() are dropped.
 */
int64_t raftlog_seek(struct raftlog *rl, int64_t off, int whence);

/* The index of the entry raftlog_next() returns next. */
uint64_t raftlog_tell(const struct raftlog *rl);

/* ------------------------------------------------------------------ */
/* Reading committed entries                                           */

/*
 * One committed entry.  data points into the handle's buffer and stays
 * valid until the next raftlog_next() or raftlog_seek() on the handle.
 */
struct raftlog_entry {
	uint64_t index;
	uint64_t term;
	uint32_t len;
	uint32_t flags;		/* RAFTLOG_RECORD_F_NOOP, _CONF, _SNAPSHOT */
	const void *data;
};

/*
 * The next committed entry at the read position.  Entries come in index
 * order with no gap, including the leader's empty no-op entries and
 * membership changes (see flags).  At or below the group's application
 * snapshot (raftlog_snapshot_save(), here or on another node that
 * brought this one up to date), the first "entry" is that snapshot
 * (raftlog_entry_is_snapshot(): index is the snapshot's, data the
 * application's state; replace the state with it), and the entries after
 * it follow.  The buffer grows to hold it.  Blocks until one is committed unless
 * the handle was opened with O_NONBLOCK (then -EAGAIN).  Returns 0, or
 * -ERANGE (position compacted away: seek to status.first_index), -EINTR,
 * -EIO, -ENODEV, -EBADMSG (the kernel's record stream did not parse),
 * -ENOMEM.
 */
int raftlog_next(struct raftlog *rl, struct raftlog_entry *e);

/*
 * The parser raftlog_next() uses, for a buffer filled by read(2) on the
 * device: decode the record at buf (len bytes left in the buffer) into
 * *e (e->data points into buf).  Returns the bytes the record occupies
 * (RAFTLOG_RECORD_SIZE(e->len)), 0 if len is 0 (nothing left), or
 * -EBADMSG if the buffer ends inside the record, its padding is not
 * zero, or its index is 0.  Pure: no I/O, no allocation.
 */
ssize_t raftlog_parse_record(const void *buf, size_t len,
			     struct raftlog_entry *e);

/* Whether e is the application's snapshot rather than an entry. */
static inline int raftlog_entry_is_snapshot(const struct raftlog_entry *e)
{
	return (e->flags & RAFTLOG_RECORD_F_SNAPSHOT) != 0;
}

/* ------------------------------------------------------------------ */
/* Application snapshots                                               */

/*
 * Tell raftlog that the application's state after applying every entry
 * up to index (and none after) is the len bytes at buf
 * (RAFTLOG_IOC_SNAPSHOT): raftlog keeps them as the group's snapshot and
 * compacts its log up to index.  Readers at or below index, here and on
 * nodes brought up to date from this one, get the snapshot first (see
 * raftlog_next()), also after a restart.  The log is never compacted
 * past the latest application snapshot: save one now and then to let it
 * shrink.  Needs a handle opened for writing.  Returns 0, or -EBADF (not
 * opened for writing), -EINVAL (index 0 or not applied yet), -EALREADY
 * (not newer than the current snapshot), -EFBIG (len above
 * RAFTLOG_SNAPSHOT_MAX, 64 MiB), -ENOSPC (larger than the device's
 * snapshot area), -ENOMEM, -EIO, -ENODEV.
 */
int raftlog_snapshot_save(struct raftlog *rl, uint64_t index,
			  const void *buf, size_t len);

/* ------------------------------------------------------------------ */
/* Asynchronous commands on io_uring                                   */

/* What a command ended with. */
struct raftlog_completion {
	uint64_t user_data;	/* as given when queued */
	int err;		/* 0 or -errno (as for raftlog_propose()) */
	int kind;		/* RAFTLOG_URING_PROPOSE, _BARRIER, _SNAPSHOT */
	uint64_t index;		/* proposal: its index; barrier: read index;
				 * snapshot: the snapshot's index
				 */
	uint64_t term;		/* proposal: its term (0 for a barrier) */
};

/* Called from raftlog_ring_reap() for a command queued with a callback. */
typedef void (*raftlog_cb)(const struct raftlog_completion *c, void *arg);

/*
 * A ring able to keep up to depth commands in flight (1..32768): an
 * io_uring created with IORING_SETUP_CQE32 (the completion carries the
 * 64-bit index).  Errors: -EINVAL (bad depth, or a kernel without
 * CQE32), -ENOMEM, those of io_uring_setup(2).
 */
int raftlog_ring_create(unsigned int depth, struct raftlog_ring **out);

/*
 * Tear the ring down.  Commands still in flight complete with ECANCELED
 * in the kernel (a proposal already queued may still commit); their
 * callbacks are not called.
 */
void raftlog_ring_destroy(struct raftlog_ring *ring);

/*
 * Queue an asynchronous proposal of len bytes on rl's group
 * (RAFTLOG_URING_PROPOSE); it is sent with the next raftlog_ring_submit()
 * or raftlog_ring_reap().  When the group's proposal queue is full the
 * kernel refuses the proposal (not appended) and raftlog_ring_reap()
 * sends it again once another command completed, or after a millisecond
 * (see raftlog_ring_retries()); the kernel copies the payload each time,
 * so data must stay valid and unchanged until the command completes.
 * The completion carries the entry's index and term, or an error (see
 * write() in the uapi header; -EAGAIN from a full queue never reaches
 * the caller, -EAGAIN for no leader does).
 *
 * The raftlog_ring_propose() variant reports the completion through
 * raftlog_ring_reap()'s array with user_data; the _cb variant calls
 * cb(completion, arg) from raftlog_ring_reap() instead.
 * Returns 0, -EBUSY (depth commands already in flight: reap first), or
 * -EMSGSIZE (len is 0 or does not fit the ABI's 32-bit length).
 */
int raftlog_ring_propose(struct raftlog_ring *ring, struct raftlog *rl,
			 const void *data, size_t len, uint64_t user_data);
int raftlog_ring_propose_cb(struct raftlog_ring *ring, struct raftlog *rl,
			    const void *data, size_t len,
			    raftlog_cb cb, void *arg);

/*
 * Queue an asynchronous read barrier (RAFTLOG_URING_BARRIER): completes
 * once this node has applied everything committed when the kernel took
 * the command; index is that commit index.  Returns 0 or -EBUSY.
 */
int raftlog_ring_barrier(struct raftlog_ring *ring, struct raftlog *rl,
			 uint64_t user_data);
int raftlog_ring_barrier_cb(struct raftlog_ring *ring, struct raftlog *rl,
			    raftlog_cb cb, void *arg);

/*
 * Queue an asynchronous application snapshot (RAFTLOG_URING_SNAPSHOT):
 * the state at index is the len bytes at data, as raftlog_snapshot_save()
 * but without waiting.  The kernel copies the bytes when it takes the
 * command (and again if a full queue made the library send it again), so
 * data must stay valid and unchanged until the command completes.  The
 * completion's index is the snapshot's (term 0), or err as for
 * raftlog_snapshot_save().  Returns 0, -EBUSY or -EINVAL (no cb).
 */
int raftlog_ring_snapshot(struct raftlog_ring *ring, struct raftlog *rl,
			  uint64_t index, const void *data, size_t len,
			  uint64_t user_data);
int raftlog_ring_snapshot_cb(struct raftlog_ring *ring, struct raftlog *rl,
			     uint64_t index, const void *data, size_t len,
			     raftlog_cb cb, void *arg);

/* Send every queued command to the kernel.  Returns how many, or -errno. */
int raftlog_ring_submit(struct raftlog_ring *ring);

/* Flag for raftlog_ring_reap(): wait for at least one completion. */
#define RAFTLOG_REAP_WAIT	0x1

/*
 * Submit what is queued, then collect completions: those of commands
 * queued with a callback are passed to it; the others are stored in
 * out[0..max).  With RAFTLOG_REAP_WAIT (and something in flight) waits
 * until at least one completion was handled.  Returns the number stored
 * in out (0 when only callbacks ran or nothing completed), or -errno
 * (-EINTR: a signal arrived while waiting).  Stops early when out is
 * full; the rest stay for the next call.  Proposals refused for a full
 * queue are sent again from here: a caller that polls raftlog_ring_fd()
 * instead of waiting here should call this at least every millisecond
 * while raftlog_ring_inflight() is not zero.
 */
int raftlog_ring_reap(struct raftlog_ring *ring,
		      struct raftlog_completion *out, unsigned int max,
		      unsigned int flags);

/* Commands queued or in flight (not yet reaped). */
unsigned int raftlog_ring_inflight(const struct raftlog_ring *ring);

/*
 * How many times a proposal found the group's proposal queue full and
 * was sent again (over the ring's life).
 */
uint64_t raftlog_ring_retries(const struct raftlog_ring *ring);

/* The ring's file descriptor, for poll(2) (POLLIN: completions ready). */
int raftlog_ring_fd(const struct raftlog_ring *ring);

#ifdef __cplusplus
}
#endif

#endif /* LIBRAFTLOG_H */
