/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * raftlog: the user-visible ABI of the raftlog module.
 *
 * Everything a program outside the module depends on is defined here or in
 * the headers this one includes:
 *   raftlog_disk.h  the on-disk format of a group's block device
 *   raftlog_wire.h  the peer-to-peer wire protocol
 * and, in this file, the character device (/dev/raftlog<N>) record header,
 * ioctls and uring_cmd opcodes, and the generic netlink family.
 */
#ifndef _UAPI_LINUX_RAFTLOG_H
#define _UAPI_LINUX_RAFTLOG_H

#include <linux/types.h>
#include <linux/raftlog_disk.h>
#include <linux/raftlog_wire.h>

/* Version of the peer wire protocol spoken by this module. */
#define RAFTLOG_PROTOCOL_VERSION	RAFTLOG_WIRE_VERSION
/* Version of the on-disk format written by this module. */
#define RAFTLOG_FORMAT_VERSION		RAFTLOG_DISK_VERSION

/* ------------------------------------------------------------------ */
/* Character device /dev/raftlog<group id>                             */

#include <linux/ioctl.h>

/*
 * One open file of /dev/raftlog<N> is a cursor on group N's committed log.
 * The file position is the index of the next entry read() returns (not a
 * byte offset).  A new file starts at the first index still in the log.
 *
 * write(fd, buf, len): propose buf as one entry.  Returns len once the
 * entry is committed (on a follower the proposal is forwarded to the
 * leader).  0 < len <= the group's max_entry (status below); the file
 * position is not used or moved.  Errors:
 *   EMSGSIZE   len is 0 or larger than max_entry
 *   EAGAIN     O_NONBLOCK and the proposal queue is full, or no leader is
 *              known now, or the leader refused: definitely not appended
 *   ENOBUFS    the leader's uncommitted budget is full: not appended
 *   EBUSY      leadership transfer running: not appended
 *   ECANCELED  appended but overwritten after a leadership change: it
 *              will never commit
 *   ETIMEDOUT  outcome unknown: the leader did not answer in time
 *   EINTR      a signal arrived while waiting: outcome unknown (the
 *              entry may still commit)
 *   EIO        the group failed (its storage returned an error)
 *   ENODEV     the group was destroyed
 *
 * read(fd, buf, len): committed entries from the file position, each as a
 * struct raftlog_record followed by its payload, padded with zeros to a
 * multiple of 8 bytes (RAFTLOG_RECORD_SIZE).  As many whole records as fit
 * in len; the position advances past them.  Blocks until at least one
 * entry is committed unless O_NONBLOCK.  Every index is returned, also
 * the leader's empty no-op entries and membership changes (see flags),
 * so indexes are consecutive.  Errors:
 *   EAGAIN     O_NONBLOCK and nothing committed at the position yet
 *   EINVAL     len is smaller than struct raftlog_record
 *   ENOBUFS    len cannot hold the next record (header + payload)
 *   ERANGE     the position is below the first index still in the log
 *              (compacted away); lseek to status.first_index
 *   EINTR, ENODEV, EIO (the entry could not be read back from storage)
 *
 * lseek(fd, off, whence): SEEK_SET sets the next index to off, SEEK_CUR
 * adds off, SEEK_END is relative to commit + 1 (so SEEK_END 0 is the next
 * entry to commit).  The target must lie in [first_index, commit + 1]:
 * EINVAL for index 0 or a negative result, ERANGE below first_index
 * (compacted), ENXIO beyond commit + 1.  Returns the new index.
 *
 * poll(): EPOLLIN when the entry at the position is committed; EPOLLOUT
 * while the proposal queue has room; EPOLLERR when the group failed;
 * EPOLLHUP when it was destroyed.
 */

/* One record of read(): this header, then len bytes of payload. */
struct raftlog_record {
	__u64	index;
	__u64	term;
	__u32	len;		/* payload bytes that follow */
	__u32	flags;		/* RAFTLOG_RECORD_F_* */
};

/* The leader's empty entry appended when it takes over (len 0). */
#define RAFTLOG_RECORD_F_NOOP		0x1
/* A membership change entry (payload: the core's encoding). */
#define RAFTLOG_RECORD_F_CONF		0x2

/* Bytes one record of payload length len occupies in read()'s buffer. */
#define RAFTLOG_RECORD_SIZE(len) \
	(sizeof(struct raftlog_record) + (((__u64)(len) + 7) & ~7ULL))

/* struct raftlog_status.role */
#define RAFTLOG_ROLE_FOLLOWER		0
#define RAFTLOG_ROLE_PRE_CANDIDATE	1
#define RAFTLOG_ROLE_CANDIDATE		2
#define RAFTLOG_ROLE_LEADER		3

/* struct raftlog_status.flags */
#define RAFTLOG_STATUS_F_FAILED		0x1	/* storage error: stopped */

struct raftlog_status {
	__u64	group_id;
	__u64	node_id;
	__u64	term;
	__u64	vote;
	__u64	leader;		/* 0 when none is known */
	__u64	commit;		/* highest index known committed */
	__u64	applied;	/* highest index readable with read() */
	__u64	first_index;	/* first index still in the log */
	__u64	last_index;	/* last index in the local log */
	__u32	role;		/* RAFTLOG_ROLE_* */
	__u32	flags;		/* RAFTLOG_STATUS_F_* */
	__u32	max_entry;	/* largest payload write() accepts */
	__u32	n_voters;
	__u32	pending;	/* proposals queued or in flight here */
	__u32	max_pending;	/* the proposal queue's capacity */
	__u64	reserved[4];	/* zero */
};

/*
 * RAFTLOG_IOC_BARRIER: linearizable read barrier (Raft's ReadIndex).
 * Returns once this node has applied (made readable) every entry that was
 * committed when the call was made; index is set to that commit index.
 * Errors: EAGAIN (no leader known, or leadership lost meanwhile: retry),
 * EINTR, EIO, ENODEV.
 */
struct raftlog_barrier {
	__u64	index;		/* out */
};

/*
 * RAFTLOG_IOC_WAIT: wait until entry index is committed and readable
 * (applied >= index).  timeout_ms 0 waits without limit.  Errors:
 * ETIMEDOUT, EINTR, EIO, ENODEV, EINVAL (index 0).
 */
struct raftlog_wait {
	__u64	index;		/* in */
	__u32	timeout_ms;	/* in */
	__u32	reserved;	/* zero */
	__u64	applied;	/* out: applied index on return */
};

/*
 * RAFTLOG_IOC_PROPOSE: as write(), but returns where the entry committed.
 * data points to len bytes; flags must be 0.  Returns 0 with index and
 * term set, or -1 with the errors of write() (EMSGSIZE, EFAULT, ...).
 */
struct raftlog_propose {
	__u64	data;		/* in: user pointer */
	__u32	len;		/* in */
	__u32	flags;		/* in: zero */
	__u64	index;		/* out */
	__u64	term;		/* out */
};

/*
 * io_uring: IORING_OP_URING_CMD on an open /dev/raftlog<N>, with cmd_op
 * one of the opcodes below.  The ring must be created with
 * IORING_SETUP_CQE32 (the completion carries a 64-bit index in
 * big_cqe[0]); without it every command fails with EINVAL.  Commands
 * complete asynchronously, so one thread can keep many proposals in
 * flight; the proposal queue (status.max_pending) bounds them.
 *
 * RAFTLOG_URING_PROPOSE: the SQE's command area holds a struct
 * raftlog_uring_propose, read once, when the command is first issued
 * (the SQE may be reused as soon as the submit returns).  Completes when
 * the entry is committed: res = the entry's term (capped at INT32_MAX)
 * and big_cqe[0] = its index; or res = -errno as for write() (EMSGSIZE,
 * EAGAIN, ENOBUFS, EBUSY, ECANCELED, ETIMEDOUT, EIO, ENODEV, EFAULT,
 * EINVAL for flags).  A proposal that finds the queue full completes at
 * once with res = -EAGAIN and big_cqe[0] = RAFTLOG_URING_QUEUE_FULL:
 * definitely not appended; submit it again once another command of the
 * group completed (or after a short wait), as with write() on
 * O_NONBLOCK.  Otherwise big_cqe[0] is 0 with an error (-EAGAIN then
 * means no leader known or the leader refused, as for write()).  Issued
 * from an io_uring worker (IOSQE_ASYNC) a proposal waits for room
 * instead.
 *
 * RAFTLOG_URING_BARRIER: the command area is ignored.  A full queue
 * makes io_uring issue it again from a worker that waits for room.
 * Completes as RAFTLOG_IOC_BARRIER returns: res = 0 and big_cqe[0] =
 * the read index, already applied; or res = -errno (EAGAIN, EIO,
 * ENODEV).
 *
 * Any other cmd_op fails with ENOTTY.  A command still waiting when its
 * ring is torn down completes with ECANCELED (an entry already proposed
 * may still commit).
 */
#define RAFTLOG_URING_PROPOSE		1
#define RAFTLOG_URING_BARRIER		2

/* big_cqe[0] of a proposal refused with -EAGAIN for a full queue */
#define RAFTLOG_URING_QUEUE_FULL	1

/* 16 bytes: fits the command area of a plain 64-byte SQE. */
struct raftlog_uring_propose {
	__u64	data;		/* user pointer to the payload */
	__u32	len;
	__u32	flags;		/* zero */
};

#define RAFTLOG_IOC_MAGIC	0xb7
#define RAFTLOG_IOC_STATUS	_IOR(RAFTLOG_IOC_MAGIC, 1, struct raftlog_status)
#define RAFTLOG_IOC_BARRIER	_IOR(RAFTLOG_IOC_MAGIC, 2, struct raftlog_barrier)
#define RAFTLOG_IOC_WAIT	_IOWR(RAFTLOG_IOC_MAGIC, 3, struct raftlog_wait)
#define RAFTLOG_IOC_PROPOSE	_IOWR(RAFTLOG_IOC_MAGIC, 4, struct raftlog_propose)

#endif /* _UAPI_LINUX_RAFTLOG_H */
