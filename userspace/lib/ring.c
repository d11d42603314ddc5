// SPDX-License-Identifier: GPL-2.0
/*
 * libraftlog: asynchronous proposals and read barriers as io_uring
 * IORING_OP_URING_CMD commands on /dev/raftlog<N>.
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
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <liburing.h>
#include "libraftlog.h"
#include "internal.h"

#define RL_RING_MAX_DEPTH	32768

struct rl_slot {
	uint64_t user_data;
	raftlog_cb cb;
	void *arg;
	int kind;		/* 0 when free */
	unsigned int next_free;
};

struct raftlog_ring {
	struct io_uring ring;
	struct rl_slot *slots;
	unsigned int depth;
	unsigned int free_head;	/* depth when none is free */
	unsigned int inflight;
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
 * position carries it.  When the group's proposal queue is full the
 * kernel answers the inline issue with EAGAIN and io_uring issues the
 * command again from a worker.  Some kernels make that second issue read
 * the command area from the SQ ring's SQE, not from a copy: Debian's
 * 6.12.117 io_uring_cmd() copies the SQE into its async data on EAGAIN
 * but leaves ioucmd->sqe pointing at the ring.  Were SQEs handed out
 * round-robin as liburing does, a later command would overwrite it and
 * the kernel would propose another command's payload (seen: duplicated
 * and missing entries).  A slot's SQE is rewritten only once its command
 * completed.
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

static int rl_queue(struct raftlog_ring *ring, struct raftlog *rl, int kind,
		    const struct raftlog_uring_propose *up,
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
	ring->inflight++;

	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, rl->fd, NULL, 0, 0);
	sqe->cmd_op = kind;
	/* addr3 and the command area share the SQE's last 16 bytes */
	memset(sqe->cmd, 0, sizeof(*up));
	if (up)
		memcpy(sqe->cmd, up, sizeof(*up));
	io_uring_sqe_set_data64(sqe, slot);
	return 0;
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
	return rl_queue(ring, rl, RAFTLOG_URING_PROPOSE, &up, user_data,
			cb, arg);
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
	return rl_queue(ring, rl, RAFTLOG_URING_BARRIER, NULL, user_data,
			NULL, NULL);
}

int raftlog_ring_barrier_cb(struct raftlog_ring *ring, struct raftlog *rl,
			    raftlog_cb cb, void *arg)
{
	if (!cb)
		return -EINVAL;
	return rl_queue(ring, rl, RAFTLOG_URING_BARRIER, NULL, 0, cb, arg);
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

int raftlog_ring_reap(struct raftlog_ring *ring,
		      struct raftlog_completion *out, unsigned int max,
		      unsigned int flags)
{
	unsigned int stored = 0, handled = 0;
	struct io_uring_cqe *cqe;
	int r;

	if (io_uring_sq_ready(&ring->ring)) {
		r = io_uring_submit(&ring->ring);
		if (r < 0)
			return r;
	}
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
			if (!s->cb && stored >= max)
				return (int)stored;
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
		if (handled || !(flags & RAFTLOG_REAP_WAIT) || !ring->inflight)
			return (int)stored;
		r = io_uring_wait_cqe(&ring->ring, &cqe);
		if (r < 0)
			return r;
	}
}
