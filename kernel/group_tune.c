// SPDX-License-Identifier: GPL-2.0
/*
 * Tunables of a running group that are safe to change: the largest entry
 * a proposal may carry and the capacity of the proposal queue.  Both are
 * only read when a request is submitted, so a new value applies to the
 * next request; what is queued already stays queued.
 */
#include <linux/kernel.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/poll.h>
#include "group.h"
#include "group_int.h"

int rl_group_tune(struct rl_group *g, u32 max_entry, u32 max_pending)
{
	int err = 0;

	spin_lock(&g->in_lock);
	if (g->stopping) {
		err = -ENODEV;
	} else {
		if (max_entry)
			WRITE_ONCE(g->p.max_entry, max_entry);
		if (max_pending)
			WRITE_ONCE(g->p.max_pending, max_pending);
	}
	spin_unlock(&g->in_lock);
	/* a larger queue has room for those waiting */
	if (!err && max_pending) {
		wake_up_interruptible(&g->room_wq);
		wake_up_interruptible_poll(&g->stream_wq, EPOLLOUT);
	}
	return err;
}
