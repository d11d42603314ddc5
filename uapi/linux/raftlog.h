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
 *   ENOSPC     the leader's log is full (all but an eighth of its ring is
 *              used): not appended; compact the log to make room
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
 * multiple of 8 bytes (RAFTLOG_RECORD_SIZE).  Whole records only, as many
 * as fit in len, but a call that has to read entries back from the
 * device returns after a bounded number of device reads (or on a signal)
 * with what it has: read again for more.  The position advances past
 * the records returned.  Blocks until at least one
 * entry is committed unless O_NONBLOCK.  Every index is returned, also
 * the leader's empty no-op entries and membership changes (see flags),
 * so indexes are consecutive.  Reads (and lseek) on one open file shared
 * by threads or processes are serialized on its position: each record
 * goes to exactly one of them.  pread() is refused (ESPIPE).  Errors:
 *   EAGAIN     O_NONBLOCK and nothing committed at the position yet
 *   EIO        the group failed and nothing more is committed at the
 *              position (a blocking read waiting there returns it)
 *   EINVAL     len is smaller than struct raftlog_record
 *   ENOBUFS    len cannot hold the next record (header + payload)
 *   ERANGE     the position is below the first index still in the log
 *              (compacted away) and there is no application snapshot;
 *              lseek to status.first_index
 *   EINTR, ENODEV, EIO (the entry could not be read back from storage)
 *
 * Application snapshots (RAFTLOG_IOC_SNAPSHOT below): while the group
 * holds one at index S, a read() at a position at or below S returns
 * first one record flagged RAFTLOG_RECORD_F_SNAPSHOT, whose index is S,
 * term the term of entry S and payload the application's bytes as given
 * (len up to RAFTLOG_SNAPSHOT_MAX; ENOBUFS when len cannot hold it:
 * status.app_snap_len says how large it is), then the entries from S + 1
 * on.  A new file starts at S (so its first record is the snapshot),
 * lseek may go down to S, and a reader above S never sees it.  A node
 * gets the snapshot when its own application takes one, or from the
 * leader (InstallSnapshot) when it is behind the leader's compacted
 * prefix (a new member, a lagging follower), or from its device when it
 * restarts.  A snapshot from a leader whose application took none
 * leaves the node without one (its readers get ERANGE below it).
 *
 * lseek(fd, off, whence): SEEK_SET sets the next index to off, SEEK_CUR
 * adds off, SEEK_END is relative to commit + 1 (so SEEK_END 0 is the next
 * entry to commit).  The target must lie in [first_index, commit + 1]
 * (with an application snapshot at S: [S, commit + 1]):
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
/*
 * Not an entry: the application's snapshot at index (payload: its bytes,
 * RAFTLOG_IOC_SNAPSHOT); the entries after index follow.
 */
#define RAFTLOG_RECORD_F_SNAPSHOT	0x4

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
/* with FAILED: this node's removal from the group committed: stopped */
#define RAFTLOG_STATUS_F_REMOVED	0x2

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
	__u32	n_learners;	/* members that replicate but do not vote */
	__u32	reserved32;	/* zero */
	__u64	app_snap_index;	/* the application's snapshot (0: none) */
	__u64	app_snap_len;	/* its bytes */
	__u64	reserved;	/* zero */
};

/*
 * RAFTLOG_IOC_BARRIER: linearizable read barrier (Raft's ReadIndex).
 * Returns once this node has applied (made readable) every entry that was
 * committed when the call was made; index is set to that commit index.
 * Errors: EAGAIN (no leader known, or leadership lost meanwhile: retry),
 * ETIMEDOUT (on a follower: the leader did not answer within two election
 * timeouts; retry), EINTR, EIO, ENODEV.
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
 * term set, or -1 with the errors of write() (EMSGSIZE, EFAULT, ...),
 * including EBADF on a file not open for writing (O_RDONLY): proposing
 * needs write access to the device, however it is asked for.
 */
struct raftlog_propose {
	__u64	data;		/* in: user pointer */
	__u32	len;		/* in */
	__u32	flags;		/* in: zero */
	__u64	index;		/* out */
	__u64	term;		/* out */
};

/*
 * RAFTLOG_IOC_SNAPSHOT: the application's state at index is the len bytes
 * at data: raftlog stores them as the group's snapshot at index (on the
 * device, in the snapshot area) and compacts its log up to index.  The
 * application says it has applied every entry up to index and nothing
 * after, so index must be applied (readable, status.applied).  Readers at
 * or below index then get the snapshot before the entries after it (see
 * read() above), also on followers and new members that the leader
 * brings up to date with it, and after a restart.  From then on the log
 * is never compacted past the application's latest snapshot: retention
 * stops there and RAFTLOG_CMD_COMPACT beyond it fails with EBUSY; the
 * application snapshots again to let the log shrink.  This holds on every
 * node that holds an application snapshot, also one installed from the
 * leader: the application there saves its own snapshots too (else the
 * node's ring fills and it refuses appends until it does).  The call copies
 * the bytes (up to RAFTLOG_SNAPSHOT_MAX; a group with a device holds that
 * copy only until it is written there, then reads it back from the device
 * for readers and followers) and returns once the snapshot is taken and
 * queued to the device.
 * flags and pad must be 0.  Errors:
 *   EBADF      the file is not open for writing
 *   EINVAL     flags or pad not zero, index 0, or index not applied yet
 *   EALREADY   index is not newer than the current application snapshot
 *              (or the log is compacted past it already)
 *   EFBIG      len is larger than RAFTLOG_SNAPSHOT_MAX
 *   ENOSPC     the device's snapshot area cannot hold it (raftctl format
 *              --snapshot-size sizes it; default an eighth of the device,
 *              at most RAFTLOG_SNAP_BODY_MAX)
 *   EFAULT, EINTR (fatal signal while copying), ENOMEM, EIO, ENODEV
 */
#define RAFTLOG_SNAPSHOT_MAX	(64U << 20)	/* bytes of state */

struct raftlog_snapshot {
	__u64	index;		/* in */
	__u64	data;		/* in: user pointer */
	__u64	len;		/* in */
	__u32	flags;		/* in: zero */
	__u32	pad;		/* zero */
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
 * EINVAL for flags, EBADF on a file not open for writing, checked
 * before anything else of the payload).  A proposal that finds the queue full completes at
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
 * RAFTLOG_URING_SNAPSHOT: the asynchronous RAFTLOG_IOC_SNAPSHOT.  The
 * command area holds a struct raftlog_uring_snapshot whose snapshot
 * field points to a struct raftlog_snapshot (size = its size, flags =
 * 0); both it and the state's bytes are read when the command is first
 * issued (the bytes copied then, as a proposal's payload).  Completes
 * once the snapshot is taken and queued to the device: res = 0 and
 * big_cqe[0] = the snapshot's index; or res = -errno as for the ioctl
 * (EINVAL also for a size or flags other than these).  A full proposal
 * queue refuses it as it refuses a proposal: res = -EAGAIN and
 * big_cqe[0] = RAFTLOG_URING_QUEUE_FULL (not taken; submit it again).
 *
 * Any other cmd_op fails with ENOTTY.  A command still waiting when its
 * ring is torn down completes with ECANCELED (an entry already proposed
 * may still commit) on Linux 6.7 and later, which cancel commands at
 * teardown; on 6.1 the teardown waits until the command has its outcome
 * (the ring keeps the device open until then; see README).
 */
#define RAFTLOG_URING_PROPOSE		1
#define RAFTLOG_URING_BARRIER		2
#define RAFTLOG_URING_SNAPSHOT		3

/* big_cqe[0] of a proposal refused with -EAGAIN for a full queue */
#define RAFTLOG_URING_QUEUE_FULL	1

/* 16 bytes: fits the command area of a plain 64-byte SQE. */
struct raftlog_uring_propose {
	__u64	data;		/* user pointer to the payload */
	__u32	len;
	__u32	flags;		/* zero */
};

/* 16 bytes too: RAFTLOG_URING_SNAPSHOT's command area. */
struct raftlog_uring_snapshot {
	__u64	snapshot;	/* user pointer to a struct raftlog_snapshot */
	__u32	size;		/* sizeof(struct raftlog_snapshot) */
	__u32	flags;		/* zero */
};

#define RAFTLOG_IOC_MAGIC	0xb7
#define RAFTLOG_IOC_STATUS	_IOR(RAFTLOG_IOC_MAGIC, 1, struct raftlog_status)
#define RAFTLOG_IOC_BARRIER	_IOR(RAFTLOG_IOC_MAGIC, 2, struct raftlog_barrier)
#define RAFTLOG_IOC_WAIT	_IOWR(RAFTLOG_IOC_MAGIC, 3, struct raftlog_wait)
#define RAFTLOG_IOC_PROPOSE	_IOWR(RAFTLOG_IOC_MAGIC, 4, struct raftlog_propose)
#define RAFTLOG_IOC_SNAPSHOT	_IOW(RAFTLOG_IOC_MAGIC, 5, struct raftlog_snapshot)

/* ------------------------------------------------------------------ */
/* Generic netlink family "raftlog"                                     */

/*
 * Documentation
 * =============
 *
 * Operators create, inspect, reconfigure and watch groups through the
 * generic netlink family RAFTLOG_GENL_NAME, version RAFTLOG_GENL_VERSION
 * (uapi/raftlog.yaml describes the same family as a YNL spec; a unit test
 * keeps the two in step).  Groups belong to the network namespace of the
 * socket that created them: every command sees only the groups of the
 * caller's namespace, and the family is usable in any namespace.
 *
 * Commands that change something (all but RAFTLOG_CMD_GROUP_GET) need
 * CAP_NET_ADMIN in the user namespace that owns the caller's network
 * namespace; otherwise they fail with EPERM.  A group with a block
 * device (RAFTLOG_A_DEVICE) also needs CAP_SYS_ADMIN in the initial user
 * namespace, of the caller and of whoever opened the netlink socket: the
 * module opens the device read-write and exclusively, which is what
 * opening a block device for writing takes; otherwise GROUP_NEW fails
 * with EPERM (before the path is looked up).  So a user in their own
 * user and network namespaces (unshare -U -r -n) can only create
 * volatile groups there.  A group without a device must say so with
 * RAFTLOG_A_VOLATILE (EINVAL otherwise): nothing it acknowledges is
 * durable.  A group that listens on a non-loopback address without a
 * secret needs RAFTLOG_A_INSECURE (EPERM otherwise: anyone who reaches
 * the port could rewrite its log) and is logged with a warning;
 * RAFTLOG_A_INSECURE with a secret is EINVAL.  Every attribute policy is
 * strict: unknown attributes, wrong lengths and out-of-range values are
 * refused with EINVAL or ERANGE and an extended ack that points at the
 * attribute.  Every other refusal also carries an extended ack message
 * naming the attribute and the reason (and, for a missing attribute, the
 * missing type), so `raftctl` can print it.
 *
 * Attributes
 * ----------
 *
 * The top-level attribute set, enum raftlog_attr:
 *
 *    RAFTLOG_A_GROUP_ID: NLA_U32, 1..
 *    RAFTLOG_A_NODE_ID: NLA_U64, 1..
 *    RAFTLOG_A_CLUSTER_ID: NLA_U64
 *    RAFTLOG_A_DEVICE: NLA_NUL_STRING, maxlen 127, the block device path
 *    RAFTLOG_A_LISTEN: NLA_NUL_STRING, maxlen 63, "a.b.c.d:port" or "[v6]:port"
 *    RAFTLOG_A_PEER: NLA_NESTED, repeated, enum raftlog_peer_attr
 *    RAFTLOG_A_SECRET: NLA_BINARY, 1..RAFTLOG_SECRET_MAX bytes
 *    RAFTLOG_A_TICK_MS: NLA_U32, 1..10000
 *    RAFTLOG_A_ELECTION_TICKS: NLA_U32, 2..1000
 *    RAFTLOG_A_HEARTBEAT_TICKS: NLA_U32, 1..999, below the election ticks
 *    RAFTLOG_A_MAX_ENTRY: NLA_U32, 1..1048576 bytes
 *    RAFTLOG_A_MAX_PENDING: NLA_U32, 1..65536
 *    RAFTLOG_A_CACHE_ENTRIES: NLA_U32, 1..1048576
 *    RAFTLOG_A_MEMBER_ID: NLA_U64, 1..
 *    RAFTLOG_A_MEMBER_ADDR: NLA_NUL_STRING, maxlen 63
 *    RAFTLOG_A_INDEX: NLA_U64, 1..
 *    RAFTLOG_A_CHARDEV: NLA_NUL_STRING, the node's name under /dev
 *    RAFTLOG_A_AUTH: NLA_FLAG, a cluster secret is set
 *    RAFTLOG_A_ROLE: NLA_U8, RAFTLOG_ROLE_*
 *    RAFTLOG_A_TERM: NLA_U64
 *    RAFTLOG_A_VOTE: NLA_U64
 *    RAFTLOG_A_LEADER: NLA_U64, 0 when none is known
 *    RAFTLOG_A_COMMIT: NLA_U64
 *    RAFTLOG_A_APPLIED: NLA_U64
 *    RAFTLOG_A_FIRST_INDEX: NLA_U64
 *    RAFTLOG_A_LAST_INDEX: NLA_U64
 *    RAFTLOG_A_PENDING: NLA_U32, proposals queued or in flight here
 *    RAFTLOG_A_FLAGS: NLA_U32, RAFTLOG_STATUS_F_*
 *    RAFTLOG_A_MEMBER: NLA_NESTED, repeated, enum raftlog_member_attr
 *    RAFTLOG_A_COUNTERS: NLA_NESTED, enum raftlog_counter_attr
 *    RAFTLOG_A_STORAGE: NLA_NESTED, enum raftlog_storage_attr
 *    RAFTLOG_A_EVENT: NLA_U32, RAFTLOG_EVENT_*
 *    RAFTLOG_A_ERROR: NLA_S32, a negative errno
 *    RAFTLOG_A_JOIN: NLA_FLAG, the node joins an existing cluster
 *    RAFTLOG_A_VOLATILE: NLA_FLAG, no device: nothing is durable (asked
 *        for at GROUP_NEW, reported by GROUP_GET)
 *    RAFTLOG_A_INSECURE: NLA_FLAG, listening without a secret (asked for
 *        at GROUP_NEW when the address is not loopback, reported by
 *        GROUP_GET whenever the group listens without one)
 *    RAFTLOG_A_LOG_MEM: NLA_U64, 65536..17179869184 bytes, durable, applied
 *        entries the core keeps in memory for followers
 *    RAFTLOG_A_RETAIN: NLA_U64, 1..1099511627776 entries (default 5000): retention
 *        keeps at least the newest RETAIN applied entries on the device
 *    RAFTLOG_A_COMPACT_AT: NLA_U32, 10..100 percent (default 75): once
 *        that much of the device's ring is used (of what the log may
 *        fill: proposals get ENOSPC when an eighth of the ring and one
 *        record are all that is left), the log is compacted
 *        automatically up to RETAIN entries below the applied index,
 *        never past the application's snapshot (RAFTLOG_IOC_SNAPSHOT)
 *        (counted in RAFTLOG_COUNTER_A_AUTO_COMPACTIONS; followers behind
 *        the cut are caught up through a snapshot); 100: never, the ring
 *        then fills and proposals get ENOSPC until RAFTLOG_CMD_COMPACT
 *    RAFTLOG_A_PERSIST_HIST: NLA_NESTED, enum raftlog_hist_attr: how long
 *        batches of entries took to become durable on the device
 *    RAFTLOG_A_COMMIT_HIST: NLA_NESTED, enum raftlog_hist_attr: how long
 *        proposals made on this node took from submission to commit
 *    RAFTLOG_A_MEMORY: NLA_NESTED, enum raftlog_mem_attr: each of the
 *        group's memory users on this node, the bytes it holds now and
 *        the bound it is kept within (see enum raftlog_mem_attr)
 *
 * One initial peer, enum raftlog_peer_attr (both required):
 *
 *    RAFTLOG_PEER_A_ID: NLA_U64, 1..
 *    RAFTLOG_PEER_A_ADDR: NLA_NUL_STRING, maxlen 63
 *
 * One member of a group as reported, enum raftlog_member_attr.  Progress
 * (match, next, in flight, progress state) is only known to a leader;
 * connection state and counters only for members other than the node
 * itself, and only while the transport knows the member:
 *
 *    RAFTLOG_MEMBER_A_ID: NLA_U64
 *    RAFTLOG_MEMBER_A_ADDR: NLA_NUL_STRING, where this node dials it
 *    RAFTLOG_MEMBER_A_KIND: NLA_U8, RAFTLOG_MEMBER_VOTER or _LEARNER
 *    RAFTLOG_MEMBER_A_SELF: NLA_FLAG, this is the reporting node
 *    RAFTLOG_MEMBER_A_MATCH: NLA_U64, highest index known replicated
 *    RAFTLOG_MEMBER_A_NEXT: NLA_U64, next index to send
 *    RAFTLOG_MEMBER_A_INFLIGHT: NLA_U64, entries sent, not acknowledged
 *    RAFTLOG_MEMBER_A_PROGRESS: NLA_U8, RAFTLOG_PROGRESS_*
 *    RAFTLOG_MEMBER_A_CONTACT_MS: NLA_U64, ms since its last message
 *    RAFTLOG_MEMBER_A_CONNECTED: NLA_U8, 1 while the connection to it is up
 *    RAFTLOG_MEMBER_A_CONNECTS: NLA_U64
 *    RAFTLOG_MEMBER_A_DISCONNECTS: NLA_U64
 *    RAFTLOG_MEMBER_A_CONNECT_FAILURES: NLA_U64
 *    RAFTLOG_MEMBER_A_FRAMES_OUT: NLA_U64
 *    RAFTLOG_MEMBER_A_BYTES_OUT: NLA_U64
 *    RAFTLOG_MEMBER_A_FRAMES_IN: NLA_U64
 *    RAFTLOG_MEMBER_A_BYTES_IN: NLA_U64
 *    RAFTLOG_MEMBER_A_FRAMES_DROPPED: NLA_U64
 *    RAFTLOG_MEMBER_A_DECODE_ERRORS: NLA_U64
 *    RAFTLOG_MEMBER_A_HANDSHAKE_FAILURES: NLA_U64
 *
 * The group's counters since it started, enum raftlog_counter_attr:
 *
 *    RAFTLOG_COUNTER_A_ELECTIONS_STARTED: NLA_U64, campaigns (new terms)
 *    RAFTLOG_COUNTER_A_ELECTIONS_WON: NLA_U64
 *    RAFTLOG_COUNTER_A_PROPOSALS: NLA_U64, handed to the core here
 *    RAFTLOG_COUNTER_A_PROPOSALS_FAILED: NLA_U64, completed with an error
 *    RAFTLOG_COUNTER_A_COMMITS: NLA_U64, entries applied
 *    RAFTLOG_COUNTER_A_COMMIT_BYTES: NLA_U64, their payload bytes
 *    RAFTLOG_COUNTER_A_FSYNCS: NLA_U64, durability completions
 *    RAFTLOG_COUNTER_A_FSYNC_USEC_TOTAL: NLA_U64, summed durability latency
 *    RAFTLOG_COUNTER_A_FSYNC_USEC_MAX: NLA_U64
 *    RAFTLOG_COUNTER_A_FSYNC_SAMPLES: NLA_U64, latencies summed
 *    RAFTLOG_COUNTER_A_DECODE_ERRORS: NLA_U64, bad frames from peers
 *    RAFTLOG_COUNTER_A_HANDSHAKE_FAILURES: NLA_U64
 *    RAFTLOG_COUNTER_A_MSGS_DROPPED: NLA_U64, outbound, queue full
 *    RAFTLOG_COUNTER_A_MSGS_IN_DROPPED: NLA_U64, inbound, queue full
 *    RAFTLOG_COUNTER_A_FETCHED: NLA_U64, entries read back from the
 *        device for followers behind the in-memory log
 *    RAFTLOG_COUNTER_A_FETCH_ERRORS: NLA_U64, such reads that failed
 *    RAFTLOG_COUNTER_A_LOG_MEM_USED: NLA_U64, bytes the in-memory log
 *        holds now (a gauge, bounded by LOG_MEM once entries are durable
 *        and applied)
 *    RAFTLOG_COUNTER_A_LOG_MEM_PEAK: NLA_U64, the most bytes the
 *        in-memory log held since the group started (its restart
 *        included: a restart reads back only the entries after the
 *        durable commit, however long the log)
 *    RAFTLOG_COUNTER_A_AUTO_COMPACTIONS: NLA_U64, compactions retention
 *        made (RAFTLOG_A_COMPACT_AT)
 *    RAFTLOG_COUNTER_A_MAC_ERRORS: NLA_U64, authenticated frames with a
 *        wrong or missing MAC (each closed its connection; part of
 *        DECODE_ERRORS)
 *    RAFTLOG_COUNTER_A_SEQ_ERRORS: NLA_U64, authenticated frames out of
 *        sequence (replays; part of DECODE_ERRORS)
 *    RAFTLOG_COUNTER_A_CONNS_REFUSED: NLA_U64, inbound connections closed
 *        at accept because too many were still in their handshake
 *    RAFTLOG_COUNTER_A_DISK_STALLS: NLA_U64, times the storage had writes
 *        outstanding and completed none for ten election timeouts (at
 *        least 2 s): a hung disk.  A leader then hands its leadership to
 *        the voter with the most of the log, since its clients' answers
 *        wait on its own disk; a slow disk that still completes writes
 *        never counts.
 *    RAFTLOG_COUNTER_A_NOMEM_RETRIES: NLA_U64, allocations of the data
 *        path (the store's copy of new entries, the bookkeeping of a
 *        write, the readers' copy of a committed entry) that failed and
 *        were tried again after a wait.  Memory pressure slows a group
 *        down; only about 10 s of failures in a row at one place fail it.
 *    RAFTLOG_COUNTER_A_QUIESCED: NLA_U64, 1 while the group is quiesced
 *        (a gauge): its leader saw nothing to do for an election timeout
 *        with every member caught up, told the followers, and neither
 *        sends heartbeats nor runs a timer until a proposal, a read, a
 *        control request, a message or a lost peer wakes it
 *    RAFTLOG_COUNTER_A_QUIESCES: NLA_U64, times this node quiesced
 *    RAFTLOG_COUNTER_A_WAKES: NLA_U64, times it woke again
 *    RAFTLOG_COUNTER_A_PEERS_LOST: NLA_U64, times the transport reported
 *        a peer lost (not heard from, or its connection down, for the
 *        module's lost_ms: one liveness probe per remote node serves
 *        every group)
 *
 * A latency histogram since the group started, enum raftlog_hist_attr:
 *
 *    RAFTLOG_HIST_A_COUNT: NLA_U64, samples
 *    RAFTLOG_HIST_A_SUM_USEC: NLA_U64, their sum in microseconds
 *    RAFTLOG_HIST_A_BUCKETS: NLA_BINARY, an array of u64 in host order,
 *        one per log2 bucket: element i counts the samples of more than
 *        2^(i-1) and at most 2^i microseconds (element 0: at most 1 us),
 *        the last element also those above its bound.  Readers take as
 *        many elements as the attribute holds (RAFTLOG_HIST_BUCKETS now).
 *
 * The group's storage, enum raftlog_storage_attr (the indexes and block
 * counts only with a device):
 *
 *    RAFTLOG_STORAGE_A_STATE: NLA_U8, RAFTLOG_STORAGE_*
 *    RAFTLOG_STORAGE_A_ERROR: NLA_S32, why it failed
 *    RAFTLOG_STORAGE_A_FIRST_INDEX: NLA_U64
 *    RAFTLOG_STORAGE_A_LAST_INDEX: NLA_U64
 *    RAFTLOG_STORAGE_A_DURABLE_INDEX: NLA_U64
 *    RAFTLOG_STORAGE_A_SNAP_INDEX: NLA_U64
 *    RAFTLOG_STORAGE_A_SNAP_TERM: NLA_U64
 *    RAFTLOG_STORAGE_A_RING_BLOCKS: NLA_U64
 *    RAFTLOG_STORAGE_A_USED_BLOCKS: NLA_U64
 *    RAFTLOG_STORAGE_A_RECORDS: NLA_U64
 *    RAFTLOG_STORAGE_A_RING_LAPS: NLA_U64
 *    RAFTLOG_STORAGE_A_BAD_READS: NLA_U64, records read back from the
 *        device (for a reader or a follower) that failed their checksum or
 *        a field check: never handed on (the reader gets EIO, the
 *        follower is served later or from a snapshot), each one logged and
 *        announced by RAFTLOG_EVENT_CORRUPT
 *    RAFTLOG_STORAGE_A_MAX_RECORDS: NLA_U64, the bound on RECORDS: the
 *        record index's memory (module parameter index_mem, bytes per
 *        group) over its slot size, at most a record per ring block.
 *        Retention compacts when either the ring or the index crosses
 *        compact-at; a full index refuses appends (ENOSPC) as a full
 *        ring does
 *
 * Commands
 * --------
 *
 * RAFTLOG_CMD_GROUP_NEW: create a group and its /dev/raftlog<GROUP_ID>
 * (/dev/raftlog<GROUP_ID>.<NODE_ID> outside the initial namespace).
 * Required: GROUP_ID, NODE_ID.  Optional: CLUSTER_ID (0), DEVICE (without
 * one the log is volatile: for tests only), LISTEN (required with peers),
 * PEER (each with PEER_A_ID and PEER_A_ADDR; the initial voters besides
 * this node, at most 15, distinct, not NODE_ID), SECRET (the cluster's
 * shared secret: peers prove knowledge of it; never reported back),
 * TICK_MS (50), ELECTION_TICKS (10), HEARTBEAT_TICKS (2), MAX_ENTRY
 * (65536), MAX_PENDING (1024), CACHE_ENTRIES (8192), LOG_MEM (16 MiB:
 * a follower further behind has its entries read back from the device,
 * so the log's length never bounds memory), JOIN (the node boots
 * with an empty configuration, never campaigns, and waits for the leader
 * to add it with MEMBER_ADD; needs a PEER to reach the cluster through;
 * EINVAL without one).  Errors: EEXIST
 * the namespace has the group already; ENOENT, ENOTBLK, EBUSY, EUCLEAN,
 * ESTALE, ENOSPC, EIO on the device (missing, not a block device, held
 * by someone else, not formatted by `raftctl format`, formatted for
 * other ids, too small); EADDRINUSE, EADDRNOTAVAIL on LISTEN; EINVAL on
 * an address that does not parse or an inconsistent set of parameters.
 *
 * RAFTLOG_CMD_GROUP_DEL: stop and remove group GROUP_ID (required).
 * Proposals still waiting fail with ENODEV, readers are woken with
 * ENODEV.  ENOENT when the namespace has no such group.
 *
 * RAFTLOG_CMD_GROUP_GET: with GROUP_ID, the status of that group (ENOENT
 * if none); as a dump (NLM_F_DUMP), one message per group of the
 * namespace, by rising id.  A reply holds GROUP_ID, NODE_ID, CLUSTER_ID,
 * DEVICE (if any), LISTEN (if any), CHARDEV, AUTH, the tunables (TICK_MS
 * to CACHE_ENTRIES, and LOG_MEM), ROLE, TERM, VOTE, LEADER, COMMIT, APPLIED,
 * FIRST_INDEX, LAST_INDEX, PENDING, FLAGS, one MEMBER per voter and
 * learner of the current configuration (KIND tells which; ADDR is the
 * address the node reaches it at: the initial peers' and that of each
 * MEMBER_ADD, as of the log's end), COUNTERS and STORAGE.  The
 * status is taken on the group's worker, so it is one consistent view.
 *
 * RAFTLOG_CMD_GROUP_SET: change tunables of a running group where that
 * is safe: MAX_PENDING and MAX_ENTRY (GROUP_ID and at least one of them
 * required).  A smaller MAX_PENDING does not fail what is queued already.
 *
 * RAFTLOG_CMD_MEMBER_ADD: add MEMBER_ID, reachable at MEMBER_ADDR, to
 * group GROUP_ID as a learner: it receives the log but does not vote
 * until promoted.  Leader only.  All three required.
 *
 * RAFTLOG_CMD_MEMBER_PROMOTE: make learner MEMBER_ID of GROUP_ID a voter.
 *
 * RAFTLOG_CMD_MEMBER_REMOVE: remove voter or learner MEMBER_ID from
 * GROUP_ID.
 *
 * RAFTLOG_CMD_LEADER_TRANSFER: hand leadership of GROUP_ID to voter
 * MEMBER_ID (it is brought up to date first).  Leader only.
 *
 * RAFTLOG_CMD_COMPACT: drop the log of GROUP_ID up to INDEX (at most the
 * applied index, and at most the application's snapshot once it took one:
 * RAFTLOG_IOC_SNAPSHOT).
 *
 * The membership commands return once the change is committed (the
 * MEMBERS event follows); LEADER_TRANSFER returns once this node sees
 * MEMBER_ID lead.  Errors, each with an extended ack message:
 *   EREMOTE    this node is not the leader; the message names the leader
 *              when the kernel can format one, else GROUP_GET's LEADER
 *   EAGAIN     no leader known right now (an election): retry
 *   EBUSY      another change or a transfer is in progress, or the leader
 *              has not committed an entry of its term yet: retry;
 *              COMPACT: INDEX is past the application's snapshot
 *   EEXIST     MEMBER_ADD: already a member, or this node
 *   ENOENT     no such group, or MEMBER_ID is not a member
 *   EALREADY   PROMOTE: already a voter; TRANSFER: MEMBER_ID leads
 *              already; COMPACT: at or below the current snapshot
 *   ERANGE     REMOVE: MEMBER_ID is the last voter
 *   ENOSPC     no room for another voter or learner
 *   EINVAL     TRANSFER to a learner or to this node; COMPACT: INDEX 0
 *              or beyond the applied index
 *   EOPNOTSUPP MEMBER_ADD on a group without a transport (no LISTEN)
 *   ETIMEDOUT  no outcome in time (the change may still commit)
 *   ECANCELED  the change was overwritten: leadership was lost
 *   EINTR      interrupted while waiting (the change may still happen)
 *   ENODEV     the group is stopping; EIO it failed or this node was
 *              removed from it
 *
 * RAFTLOG_CMD_EVENT: notifications on the multicast group
 * RAFTLOG_MCGRP_EVENTS, never a request.  Each holds GROUP_ID, NODE_ID,
 * EVENT and, by event:
 *   RAFTLOG_EVENT_GROUP_UP, _GROUP_DOWN: a group started or stopped
 *   RAFTLOG_EVENT_ROLE: ROLE, TERM, LEADER after a role change
 *   RAFTLOG_EVENT_LEADER: LEADER, TERM, ROLE after a change of leader
 *   RAFTLOG_EVENT_MEMBERS: the new configuration, one MEMBER (ID, KIND)
 *                          per voter and learner
 *   RAFTLOG_EVENT_PEER_UP, _PEER_DOWN: MEMBER_ID, the connection this
 *                          node dialed to it came up or went down
 *   RAFTLOG_EVENT_FAILED:  ERROR, the group stopped on a storage error
 *   RAFTLOG_EVENT_CORRUPT: ERROR (-EBADMSG), records read back from the
 *                          device failed their check since the last tick
 *                          (RAFTLOG_STORAGE_A_BAD_READS counts them); the
 *                          group runs on, the device needs attention
 * Events are sent from the group's worker without blocking; under memory
 * pressure one may be lost.
 */
#define RAFTLOG_GENL_NAME		"raftlog"
#define RAFTLOG_GENL_VERSION		1
#define RAFTLOG_MCGRP_EVENTS		"events"

enum raftlog_cmd {
	RAFTLOG_CMD_UNSPEC,
	RAFTLOG_CMD_GROUP_NEW,
	RAFTLOG_CMD_GROUP_DEL,
	RAFTLOG_CMD_GROUP_GET,
	RAFTLOG_CMD_GROUP_SET,
	RAFTLOG_CMD_MEMBER_ADD,
	RAFTLOG_CMD_MEMBER_PROMOTE,
	RAFTLOG_CMD_MEMBER_REMOVE,
	RAFTLOG_CMD_LEADER_TRANSFER,
	RAFTLOG_CMD_COMPACT,
	RAFTLOG_CMD_EVENT,
	__RAFTLOG_CMD_MAX
};

#define RAFTLOG_CMD_MAX (__RAFTLOG_CMD_MAX - 1)

enum raftlog_attr {
	RAFTLOG_A_UNSPEC,
	RAFTLOG_A_PAD,
	RAFTLOG_A_GROUP_ID,
	RAFTLOG_A_NODE_ID,
	RAFTLOG_A_CLUSTER_ID,
	RAFTLOG_A_DEVICE,
	RAFTLOG_A_LISTEN,
	RAFTLOG_A_PEER,
	RAFTLOG_A_SECRET,
	RAFTLOG_A_TICK_MS,
	RAFTLOG_A_ELECTION_TICKS,
	RAFTLOG_A_HEARTBEAT_TICKS,
	RAFTLOG_A_MAX_ENTRY,
	RAFTLOG_A_MAX_PENDING,
	RAFTLOG_A_CACHE_ENTRIES,
	RAFTLOG_A_MEMBER_ID,
	RAFTLOG_A_MEMBER_ADDR,
	RAFTLOG_A_INDEX,
	RAFTLOG_A_CHARDEV,
	RAFTLOG_A_AUTH,
	RAFTLOG_A_ROLE,
	RAFTLOG_A_TERM,
	RAFTLOG_A_VOTE,
	RAFTLOG_A_LEADER,
	RAFTLOG_A_COMMIT,
	RAFTLOG_A_APPLIED,
	RAFTLOG_A_FIRST_INDEX,
	RAFTLOG_A_LAST_INDEX,
	RAFTLOG_A_PENDING,
	RAFTLOG_A_FLAGS,
	RAFTLOG_A_MEMBER,
	RAFTLOG_A_COUNTERS,
	RAFTLOG_A_STORAGE,
	RAFTLOG_A_EVENT,
	RAFTLOG_A_ERROR,
	RAFTLOG_A_JOIN,
	RAFTLOG_A_VOLATILE,
	RAFTLOG_A_INSECURE,
	RAFTLOG_A_LOG_MEM,
	RAFTLOG_A_RETAIN,
	RAFTLOG_A_COMPACT_AT,
	RAFTLOG_A_PERSIST_HIST,
	RAFTLOG_A_COMMIT_HIST,
	RAFTLOG_A_MEMORY,
	__RAFTLOG_A_MAX
};

#define RAFTLOG_A_MAX (__RAFTLOG_A_MAX - 1)

enum raftlog_peer_attr {
	RAFTLOG_PEER_A_UNSPEC,
	RAFTLOG_PEER_A_PAD,
	RAFTLOG_PEER_A_ID,
	RAFTLOG_PEER_A_ADDR,
	__RAFTLOG_PEER_A_MAX
};

#define RAFTLOG_PEER_A_MAX (__RAFTLOG_PEER_A_MAX - 1)

enum raftlog_member_attr {
	RAFTLOG_MEMBER_A_UNSPEC,
	RAFTLOG_MEMBER_A_PAD,
	RAFTLOG_MEMBER_A_ID,
	RAFTLOG_MEMBER_A_ADDR,
	RAFTLOG_MEMBER_A_KIND,
	RAFTLOG_MEMBER_A_SELF,
	RAFTLOG_MEMBER_A_MATCH,
	RAFTLOG_MEMBER_A_NEXT,
	RAFTLOG_MEMBER_A_INFLIGHT,
	RAFTLOG_MEMBER_A_PROGRESS,
	RAFTLOG_MEMBER_A_CONTACT_MS,
	RAFTLOG_MEMBER_A_CONNECTED,
	RAFTLOG_MEMBER_A_CONNECTS,
	RAFTLOG_MEMBER_A_DISCONNECTS,
	RAFTLOG_MEMBER_A_CONNECT_FAILURES,
	RAFTLOG_MEMBER_A_FRAMES_OUT,
	RAFTLOG_MEMBER_A_BYTES_OUT,
	RAFTLOG_MEMBER_A_FRAMES_IN,
	RAFTLOG_MEMBER_A_BYTES_IN,
	RAFTLOG_MEMBER_A_FRAMES_DROPPED,
	RAFTLOG_MEMBER_A_DECODE_ERRORS,
	RAFTLOG_MEMBER_A_HANDSHAKE_FAILURES,
	__RAFTLOG_MEMBER_A_MAX
};

#define RAFTLOG_MEMBER_A_MAX (__RAFTLOG_MEMBER_A_MAX - 1)

enum raftlog_counter_attr {
	RAFTLOG_COUNTER_A_UNSPEC,
	RAFTLOG_COUNTER_A_PAD,
	RAFTLOG_COUNTER_A_ELECTIONS_STARTED,
	RAFTLOG_COUNTER_A_ELECTIONS_WON,
	RAFTLOG_COUNTER_A_PROPOSALS,
	RAFTLOG_COUNTER_A_PROPOSALS_FAILED,
	RAFTLOG_COUNTER_A_COMMITS,
	RAFTLOG_COUNTER_A_COMMIT_BYTES,
	RAFTLOG_COUNTER_A_FSYNCS,
	RAFTLOG_COUNTER_A_FSYNC_USEC_TOTAL,
	RAFTLOG_COUNTER_A_FSYNC_USEC_MAX,
	RAFTLOG_COUNTER_A_FSYNC_SAMPLES,
	RAFTLOG_COUNTER_A_DECODE_ERRORS,
	RAFTLOG_COUNTER_A_HANDSHAKE_FAILURES,
	RAFTLOG_COUNTER_A_MSGS_DROPPED,
	RAFTLOG_COUNTER_A_MSGS_IN_DROPPED,
	RAFTLOG_COUNTER_A_FETCHED,
	RAFTLOG_COUNTER_A_FETCH_ERRORS,
	RAFTLOG_COUNTER_A_LOG_MEM_USED,
	RAFTLOG_COUNTER_A_LOG_MEM_PEAK,
	RAFTLOG_COUNTER_A_AUTO_COMPACTIONS,
	RAFTLOG_COUNTER_A_MAC_ERRORS,
	RAFTLOG_COUNTER_A_SEQ_ERRORS,
	RAFTLOG_COUNTER_A_CONNS_REFUSED,
	RAFTLOG_COUNTER_A_DISK_STALLS,
	RAFTLOG_COUNTER_A_NOMEM_RETRIES,
	RAFTLOG_COUNTER_A_QUIESCED,
	RAFTLOG_COUNTER_A_QUIESCES,
	RAFTLOG_COUNTER_A_WAKES,
	RAFTLOG_COUNTER_A_PEERS_LOST,
	__RAFTLOG_COUNTER_A_MAX
};

#define RAFTLOG_COUNTER_A_MAX (__RAFTLOG_COUNTER_A_MAX - 1)

/* Log2 latency buckets the kernel reports (RAFTLOG_HIST_A_BUCKETS). */
#define RAFTLOG_HIST_BUCKETS 32

enum raftlog_hist_attr {
	RAFTLOG_HIST_A_UNSPEC,
	RAFTLOG_HIST_A_PAD,
	RAFTLOG_HIST_A_COUNT,
	RAFTLOG_HIST_A_SUM_USEC,
	RAFTLOG_HIST_A_BUCKETS,
	__RAFTLOG_HIST_A_MAX
};

#define RAFTLOG_HIST_A_MAX (__RAFTLOG_HIST_A_MAX - 1)

enum raftlog_storage_attr {
	RAFTLOG_STORAGE_A_UNSPEC,
	RAFTLOG_STORAGE_A_PAD,
	RAFTLOG_STORAGE_A_STATE,
	RAFTLOG_STORAGE_A_ERROR,
	RAFTLOG_STORAGE_A_FIRST_INDEX,
	RAFTLOG_STORAGE_A_LAST_INDEX,
	RAFTLOG_STORAGE_A_DURABLE_INDEX,
	RAFTLOG_STORAGE_A_SNAP_INDEX,
	RAFTLOG_STORAGE_A_SNAP_TERM,
	RAFTLOG_STORAGE_A_RING_BLOCKS,
	RAFTLOG_STORAGE_A_USED_BLOCKS,
	RAFTLOG_STORAGE_A_RECORDS,
	RAFTLOG_STORAGE_A_RING_LAPS,
	RAFTLOG_STORAGE_A_BAD_READS,
	RAFTLOG_STORAGE_A_MAX_RECORDS,
	__RAFTLOG_STORAGE_A_MAX
};

#define RAFTLOG_STORAGE_A_MAX (__RAFTLOG_STORAGE_A_MAX - 1)

/*
 * A group's memory on one node (RAFTLOG_A_MEMORY), enum raftlog_mem_attr:
 * each user as the bytes it holds now and, in the _LIMIT attribute after
 * it, the bound it is kept within.  Nothing a group holds grows with the
 * length of its log or with what a peer sends; the bounds are per group.
 *
 *    RAFTLOG_MEM_A_LOG: NLA_U64, the core's in-memory log; the limit is GROUP_NEW's LOG_MEM and
 *        applies to durable, applied entries (the others are bounded by
 *        the pending proposals and, on a follower, by the leader's
 *        replication window)
 *    RAFTLOG_MEM_A_LOG_LIMIT: NLA_U64
 *    RAFTLOG_MEM_A_CACHE: NLA_U64, committed entries kept for the readers of
 *        /dev/raftlog<N>
 *    RAFTLOG_MEM_A_CACHE_LIMIT: NLA_U64
 *    RAFTLOG_MEM_A_RECV: NLA_U64, messages received and not yet stepped (the limit is four
 *        of RAFTLOG_MSG_MAX_SIZE)
 *    RAFTLOG_MEM_A_RECV_LIMIT: NLA_U64
 *    RAFTLOG_MEM_A_SEND: NLA_U64, frames queued to the peers (the limit is a bound per peer
 *        times the peers)
 *    RAFTLOG_MEM_A_SEND_LIMIT: NLA_U64
 *    RAFTLOG_MEM_A_WINDOW: NLA_U64, the storage's entries not yet written and the recent
 *        ones it keeps to read back (the limit is for the latter)
 *    RAFTLOG_MEM_A_WINDOW_LIMIT: NLA_U64
 *    RAFTLOG_MEM_A_PIPELINE: NLA_U64, the storage's record buffers for writes in flight
 *    RAFTLOG_MEM_A_PIPELINE_LIMIT: NLA_U64
 *    RAFTLOG_MEM_A_INDEX: NLA_U64, the storage's index of the records on the ring (the limit is
 *        the module parameter index_mem)
 *    RAFTLOG_MEM_A_INDEX_LIMIT: NLA_U64
 *    RAFTLOG_MEM_A_SNAPSHOT: NLA_U64, snapshot bytes held.  With a
 *        device a snapshot streams through it: a chunk received and one
 *        handed on, and an application's save while it is written;
 *        without one, the latest snapshot, one being received and the
 *        application's state for its readers
 *    RAFTLOG_MEM_A_SNAPSHOT_LIMIT: NLA_U64
 */
enum raftlog_mem_attr {
	RAFTLOG_MEM_A_UNSPEC,
	RAFTLOG_MEM_A_PAD,
	RAFTLOG_MEM_A_LOG,
	RAFTLOG_MEM_A_LOG_LIMIT,
	RAFTLOG_MEM_A_CACHE,
	RAFTLOG_MEM_A_CACHE_LIMIT,
	RAFTLOG_MEM_A_RECV,
	RAFTLOG_MEM_A_RECV_LIMIT,
	RAFTLOG_MEM_A_SEND,
	RAFTLOG_MEM_A_SEND_LIMIT,
	RAFTLOG_MEM_A_WINDOW,
	RAFTLOG_MEM_A_WINDOW_LIMIT,
	RAFTLOG_MEM_A_PIPELINE,
	RAFTLOG_MEM_A_PIPELINE_LIMIT,
	RAFTLOG_MEM_A_INDEX,
	RAFTLOG_MEM_A_INDEX_LIMIT,
	RAFTLOG_MEM_A_SNAPSHOT,
	RAFTLOG_MEM_A_SNAPSHOT_LIMIT,
	__RAFTLOG_MEM_A_MAX
};

#define RAFTLOG_MEM_A_MAX (__RAFTLOG_MEM_A_MAX - 1)

/* RAFTLOG_MEMBER_A_KIND */
enum raftlog_member_kind {
	RAFTLOG_MEMBER_VOTER,
	RAFTLOG_MEMBER_LEARNER,
};

/* RAFTLOG_MEMBER_A_PROGRESS: how the leader replicates to the member */
enum raftlog_progress {
	RAFTLOG_PROGRESS_PROBE,		/* finding the matching index */
	RAFTLOG_PROGRESS_REPLICATE,	/* streaming entries */
	RAFTLOG_PROGRESS_SNAPSHOT,	/* sending a snapshot */
};

/* RAFTLOG_STORAGE_A_STATE */
enum raftlog_storage_state {
	RAFTLOG_STORAGE_OK,		/* the log is on its block device */
	RAFTLOG_STORAGE_VOLATILE,	/* no device: nothing is durable */
	RAFTLOG_STORAGE_FAILED,		/* stopped after a device error */
};

/* RAFTLOG_A_EVENT */
enum raftlog_event {
	RAFTLOG_EVENT_UNSPEC,
	RAFTLOG_EVENT_GROUP_UP,
	RAFTLOG_EVENT_GROUP_DOWN,
	RAFTLOG_EVENT_ROLE,
	RAFTLOG_EVENT_LEADER,
	RAFTLOG_EVENT_MEMBERS,
	RAFTLOG_EVENT_PEER_UP,
	RAFTLOG_EVENT_PEER_DOWN,
	RAFTLOG_EVENT_FAILED,
	RAFTLOG_EVENT_CORRUPT,
};

#endif /* _UAPI_LINUX_RAFTLOG_H */
