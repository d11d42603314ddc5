// SPDX-License-Identifier: GPL-2.0
/*
 * libraftlog: asynchronous proposals, read barriers and application
 * snapshots as io_uring IORING_OP_URING_CMD commands on /dev/raftlog<N>.
 *
 * The ABI (uapi/linux/raftlog.h): the ring needs IORING_SETUP_CQE32, the
 * index of a committed entry comes back in big_cqe[0] and its term in
 * res; the proposal's struct raftlog_uring_propose (16 bytes) sits in the
 * SQE's command area, which a plain 64-byte SQE has room for, so no
 * SQE128 (the kernel reads it from cmd->cmd on 6.1 and through
 * io_uring_sqe_cmd() on later kernels; both are that area, copied by
 * io_uring when the command is deferred).
 *
 * Each command in flight owns a slot; the SQE's user_data is the slot
 * number, so a completion finds its kind, the caller's user_data and the
 * callback without trusting anything but our own table.
 *
 * A proposal that finds the group's proposal queue full completes with
 * -EAGAIN and RAFTLOG_URING_QUEUE_FULL (not appended): the slot keeps it
 * on the retry list and it is submitted again, one per completion of
 * ours (room freed), and all of them after RL_RETRY_WAIT_MS without:
 * never in a spin.  The caller only sees its final outcome.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <liburing.h>
#include "libraftlog.h"
#include "internal.h"

#define RL_RING_MAX_DEPTH	32768
/* refused proposals with nothing else of ours to wait for: resend after */
#define RL_RETRY_WAIT_MS	1
#define RL_NONE			UINT_MAX

struct rl_slot {
	uint64_t user_data;
	raftlog_cb cb;
	void *arg;
	int kind;		/* 0 when free */
	unsigned int next_free;	/* also the retry list's link */
	int fd;			/* to send a refused proposal again */
	union {
		struct raftlog_uring_propose up;
		/* what the SQE of a snapshot points to, until it completes */
		struct raftlog_snapshot snap;
	} cmd;
};

struct raftlog_ring {
	struct io_uring ring;
	struct rl_slot *slots;
	unsigned int depth;
	unsigned int free_head;	/* depth when none is free */
	unsigned int inflight;
	/* proposals refused for a full queue, to send again (FIFO) */
	unsigned int retry_head, retry_tail;
	unsigned int nretry;
	uint64_t retry_since_ns;	/* first refusal or last resend */
	uint64_t retries;
};

int raftlog_ring_create(unsigned int depth, struct raftlog_ring **out)
{
	struct raftlog_ring *r;
	int err;

	if (!depth || depth > RL_RING_MAX_DEPTH)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->slots = calloc(depth, sizeof(*r->slots));
	if (!r->slots) {
		free(r);
		return -ENOMEM;
	}
	/*
	 * At least depth SQEs (slot i uses sqes[i]); io_uring's default CQ
	 * is twice the SQ, so never fewer CQEs than commands in flight.
	 */
	err = io_uring_queue_init(depth, &r->ring, IORING_SETUP_CQE32);
	if (err) {
		free(r->slots);
		free(r);
		return err;
	}
	if (r->ring.sq.ring_entries < depth) {
		io_uring_queue_exit(&r->ring);
		free(r->slots);
		free(r);
		return -EINVAL;
	}
	r->depth = depth;
	for (unsigned int i = 0; i < depth; i++)
		r->slots[i].next_free = i + 1;
	r->free_head = 0;
	r->retry_head = RL_NONE;
	r->retry_tail = RL_NONE;
	*out = r;
	return 0;
}

void raftlog_ring_destroy(struct raftlog_ring *ring)
{
	if (!ring)
		return;
	io_uring_queue_exit(&ring->ring);
	free(ring->slots);
	free(ring);
}

unsigned int raftlog_ring_inflight(const struct raftlog_ring *ring)
{
	return ring->inflight;
}

uint64_t raftlog_ring_retries(const struct raftlog_ring *ring)
{
	return ring->retries;
}

int raftlog_ring_fd(const struct raftlog_ring *ring)
{
	return ring->ring.ring_fd;
}

int raftlog_ring_submit(struct raftlog_ring *ring)
{
	return io_uring_submit(&ring->ring);
}

/*
 * The SQE of the command in slot: always sqes[slot], whatever SQ ring
 * position carries it, and rewritten only once its command completed.
 * The current module never reads a proposal's SQE after its first issue
 * (a full queue completes it with -EAGAIN); older modules answered that
 * inline issue with EAGAIN, io_uring issued the command again from a
 * worker, and Debian's 6.12.117 io_uring_cmd() (it copies the SQE into
 * its async data but leaves ioucmd->sqe on the ring) made that second
 * issue read a slot that liburing's round-robin SQEs had refilled: the
 * kernel proposed another command's payload (duplicated and missing
 * entries).  Keeping one SQE per slot leaves this library correct on
 * such a module too, at no cost.
 */
static struct io_uring_sqe *rl_get_sqe(struct raftlog_ring *ring,
				       unsigned int slot)
{
	struct io_uring_sq *sq = &ring->ring.sq;
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring->ring);

	if (!sqe && io_uring_submit(&ring->ring) >= 0)
		sqe = io_uring_get_sqe(&ring->ring);
	if (!sqe)
		return NULL;
	/* liburing maps ring position i to sqes[i]: point it at ours */
	sq->array[sqe - sq->sqes] = slot;
	return &sq->sqes[slot];
}

/* Fill slot's SQE with its command. */
static void rl_prep(struct io_uring_sqe *sqe, const struct rl_slot *s,
		    unsigned int slot)
{
	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, s->fd, NULL, 0, 0);
	sqe->cmd_op = s->kind;
	/* addr3 and the command area share the SQE's last 16 bytes */
	memset(sqe->cmd, 0, sizeof(s->cmd.up));
	if (s->kind == RAFTLOG_URING_PROPOSE) {
		memcpy(sqe->cmd, &s->cmd.up, sizeof(s->cmd.up));
	} else if (s->kind == RAFTLOG_URING_SNAPSHOT) {
		struct raftlog_uring_snapshot us = {
			.snapshot = (uintptr_t)&s->cmd.snap,
			.size = sizeof(s->cmd.snap),
		};

		memcpy(sqe->cmd, &us, sizeof(us));
	}
	io_uring_sqe_set_data64(sqe, slot);
}

static int rl_queue(struct raftlog_ring *ring, struct raftlog *rl, int kind,
		    const void *cmd, size_t cmd_len,
		    uint64_t user_data, raftlog_cb cb, void *arg)
{
	struct io_uring_sqe *sqe;
	unsigned int slot = ring->free_head;
	struct rl_slot *s;

	if (slot >= ring->depth)
		return -EBUSY;
	sqe = rl_get_sqe(ring, slot);
	if (!sqe)
		return -EBUSY;
	s = &ring->slots[slot];
	ring->free_head = s->next_free;
	s->kind = kind;
	s->user_data = user_data;
	s->cb = cb;
	s->arg = arg;
	s->fd = rl->fd;
	memset(&s->cmd, 0, sizeof(s->cmd));
	if (cmd)
		memcpy(&s->cmd, cmd, cmd_len);
	ring->inflight++;
	rl_prep(sqe, s, slot);
	return 0;
}

static uint64_t rl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A proposal refused for a full queue: keep its slot, send it later. */
static void rl_retry_add(struct raftlog_ring *ring, struct rl_slot *s)
{
	unsigned int slot = (unsigned int)(s - ring->slots);

	if (!ring->nretry)
		ring->retry_since_ns = rl_now_ns();
	s->next_free = RL_NONE;
	if (ring->retry_tail == RL_NONE)
		ring->retry_head = slot;
	else
		ring->slots[ring->retry_tail].next_free = slot;
	ring->retry_tail = slot;
	ring->nretry++;
	ring->retries++;
}

/* Queue up to n refused proposals again (sent by the caller's submit). */
static void rl_retry_send(struct raftlog_ring *ring, unsigned int n)
{
	while (n-- && ring->retry_head != RL_NONE) {
		unsigned int slot = ring->retry_head;
		struct rl_slot *s = &ring->slots[slot];
		struct io_uring_sqe *sqe = rl_get_sqe(ring, slot);

		if (!sqe)
			return;	/* stays listed: tried on the next reap */
		ring->retry_head = s->next_free;
		if (ring->retry_head == RL_NONE)
			ring->retry_tail = RL_NONE;
		ring->nretry--;
		rl_prep(sqe, s, slot);
	}
}

/*
 * Is this CQE a proposal (or snapshot) refused for a full queue, to send
 * again?
 */
static bool rl_refused(const struct rl_slot *s, const struct io_uring_cqe *cqe)
{
	return s->kind != RAFTLOG_URING_BARRIER && cqe->res == -EAGAIN &&
	       cqe->big_cqe[0] == RAFTLOG_URING_QUEUE_FULL;
}

static int rl_queue_propose(struct raftlog_ring *ring, struct raftlog *rl,
			    const void *data, size_t len, uint64_t user_data,
			    raftlog_cb cb, void *arg)
{
	struct raftlog_uring_propose up = {
		.data = (uintptr_t)data,
		.len = (uint32_t)len,
	};

	if (!len || len > UINT32_MAX)
		return -EMSGSIZE;
	return rl_queue(ring, rl, RAFTLOG_URING_PROPOSE, &up, sizeof(up),
			user_data, cb, arg);
}

int raftlog_ring_propose(struct raftlog_ring *ring, struct raftlog *rl,
			 const void *data, size_t len, uint64_t user_data)
{
	return rl_queue_propose(ring, rl, data, len, user_data, NULL, NULL);
}

int raftlog_ring_propose_cb(struct raftlog_ring *ring, struct raftlog *rl,
			    const void *data, size_t len,
			    raftlog_cb cb, void *arg)
{
	if (!cb)
		return -EINVAL;
	return rl_queue_propose(ring, rl, data, len, 0, cb, arg);
}

int raftlog_ring_barrier(struct raftlog_ring *ring, struct raftlog *rl,
			 uint64_t user_data)
{
	return rl_queue(ring, rl, RAFTLOG_URING_BARRIER, NULL, 0, user_data,
			NULL, NULL);
}

int raftlog_ring_barrier_cb(struct raftlog_ring *ring, struct raftlog *rl,
			    raftlog_cb cb, void *arg)
{
	if (!cb)
		return -EINVAL;
	return rl_queue(ring, rl, RAFTLOG_URING_BARRIER, NULL, 0, 0, cb, arg);
}

static int rl_queue_snapshot(struct raftlog_ring *ring, struct raftlog *rl,
			     uint64_t index, const void *data, size_t len,
			     uint64_t user_data, raftlog_cb cb, void *arg)
{
	struct raftlog_snapshot snap = {
		.index = index,
		.data = (uintptr_t)data,
		.len = len,
	};

	return rl_queue(ring, rl, RAFTLOG_URING_SNAPSHOT, &snap, sizeof(snap),
			user_data, cb, arg);
}

int raftlog_ring_snapshot(struct raftlog_ring *ring, struct raftlog *rl,
			  uint64_t index, const void *data, size_t len,
			  uint64_t user_data)
{
	return rl_queue_snapshot(ring, rl, index, data, len, user_data,
				 NULL, NULL);
}

int raftlog_ring_snapshot_cb(struct raftlog_ring *ring, struct raftlog *rl,
			     uint64_t index, const void *data, size_t len,
			     raftlog_cb cb, void *arg)
{
	if (!cb)
		return -EINVAL;
	return rl_queue_snapshot(ring, rl, index, data, len, 0, cb, arg);
}

/* Decode a CQE of ours into c and free its slot; returns the slot. */
static struct rl_slot *rl_complete(struct raftlog_ring *ring,
				   const struct io_uring_cqe *cqe,
				   struct raftlog_completion *c)
{
	uint64_t slot = cqe->user_data;
	struct rl_slot *s;

	if (slot >= ring->depth || !ring->slots[slot].kind)
		return NULL;	/* not a command we queued */
	s = &ring->slots[slot];
	c->user_data = s->user_data;
	c->kind = s->kind;
	c->err = cqe->res < 0 ? cqe->res : 0;
	c->index = cqe->res < 0 ? 0 : cqe->big_cqe[0];
	/* a barrier completes with res 0: it has no term */
	c->term = cqe->res < 0 ? 0 : (uint64_t)cqe->res;
	return s;
}

static void rl_slot_free(struct raftlog_ring *ring, struct rl_slot *s)
{
	s->kind = 0;
	s->next_free = ring->free_head;
	ring->free_head = (unsigned int)(s - ring->slots);
	ring->inflight--;
}

/*
 * Send refused proposals again: as many as completions of ours made room
 * (room), not all of them for each (most would be refused again); all
 * once the oldest waited RL_RETRY_WAIT_MS (others' room, or none of ours
 * in flight).  Then submit what is queued.
 */
static int rl_retry_submit(struct raftlog_ring *ring, unsigned int room)
{
	int r;

	if (ring->nretry && rl_now_ns() - ring->retry_since_ns >=
			    RL_RETRY_WAIT_MS * 1000000ull)
		room = ring->nretry;
	if (ring->nretry && room) {
		rl_retry_send(ring, room);
		ring->retry_since_ns = rl_now_ns();
	}
	if (!io_uring_sq_ready(&ring->ring))
		return 0;
	r = io_uring_submit(&ring->ring);
	return r < 0 ? r : 0;
}

/* Wait for a completion; only a short while when refused ones wait. */
static int rl_wait(struct raftlog_ring *ring)
{
	struct __kernel_timespec ts = {
		.tv_nsec = RL_RETRY_WAIT_MS * 1000000,
	};
	struct io_uring_cqe *cqe;
	int r;

	if (!ring->nretry)
		return io_uring_wait_cqe(&ring->ring, &cqe);
	r = io_uring_wait_cqe_timeout(&ring->ring, &cqe, &ts);
	return r == -ETIME ? 0 : r;
}

int raftlog_ring_reap(struct raftlog_ring *ring,
		      struct raftlog_completion *out, unsigned int max,
		      unsigned int flags)
{
	unsigned int stored = 0, handled = 0;
	struct io_uring_cqe *cqe;
	unsigned int room = 0;
	bool full = false;
	int r;

	r = rl_retry_submit(ring, 0);
	if (r < 0)
		return r;
	for (;;) {
		while (io_uring_peek_cqe(&ring->ring, &cqe) == 0) {
			struct raftlog_completion c;
			struct rl_slot *s = rl_complete(ring, cqe, &c);
			raftlog_cb cb;
			void *arg;

			if (!s) {
				io_uring_cqe_seen(&ring->ring, cqe);
				continue;
			}
			if (rl_refused(s, cqe)) {
				/* not appended: the caller never sees it */
				rl_retry_add(ring, s);
				io_uring_cqe_seen(&ring->ring, cqe);
				continue;
			}
			room++;
			if (!s->cb && stored >= max) {
				full = true;	/* it stays for the next call */
				break;
			}
			cb = s->cb;
			arg = s->arg;
			/* free first: the callback may queue the next one */
			rl_slot_free(ring, s);
			io_uring_cqe_seen(&ring->ring, cqe);
			if (cb)
				cb(&c, arg);
			else
				out[stored++] = c;
			handled++;
		}
		r = rl_retry_submit(ring, room);
		if (r < 0)
			return r;
		room = 0;
		if (handled || full || !(flags & RAFTLOG_REAP_WAIT) ||
		    !ring->inflight)
			return (int)stored;
		r = rl_wait(ring);
		if (r < 0)
			return r;
	}
}
