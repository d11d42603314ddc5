// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/raftlog<group id>: read/write/lseek/poll/ioctl on a group's
 * committed log.  The device model creates the node (class "raftlog"),
 * so udev or devtmpfs name it; the mode comes from a module parameter.
 * The ABI (record layout, errors, ioctls) is documented in
 * uapi/linux/raftlog.h.
 *
 * An open file holds a reference on its group (the memory, not the
 * device or the worker): after the group is destroyed every operation
 * returns -ENODEV and poll() reports EPOLLHUP.  File operations carry the
 * module's owner, so the module cannot be unloaded while a file is open.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/xarray.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include <net/net_namespace.h>
#include <linux/raftlog.h>
#include "group.h"
#include "chardev.h"

/*
 * io_uring command support, by feature probe (Kbuild):
 *   RL_HAVE_URING_TW_FLAGS   io_uring_cmd_done() and task-work callbacks
 *                            take issue_flags (6.3; Debian's 6.1.y too);
 *                            without it there is no .uring_cmd
 *   RL_HAVE_URING_CMD_H      <linux/io_uring/cmd.h> (6.8; before, the API
 *                            is in <linux/io_uring.h>)
 *   RL_HAVE_URING_SQE        the payload is io_uring_sqe_cmd(cmd->sqe)
 *                            (6.5; before, cmd->cmd)
 *   RL_HAVE_URING_CANCEL     io_uring_cmd_mark_cancelable() and
 *                            IO_URING_F_CANCEL (6.7)
 */
#ifdef RL_HAVE_URING_TW_FLAGS
#ifdef RL_HAVE_URING_CMD_H
#include <linux/io_uring/cmd.h>
#else
#include <linux/io_uring.h>
#endif
#define RL_URING 1
#endif

#define RL_MINORS	1024

static umode_t dev_mode = 0600;
module_param(dev_mode, ushort, 0444);
MODULE_PARM_DESC(dev_mode, "Permissions of /dev/raftlog<N> (default 0600)");

struct rl_cdev {
	struct rl_group *g;
	struct device *dev;
	u32 minor;
	char name[RL_CDEV_NAME_MAX];
};

/*
 * An open file: its group and its cursor.  The cursor is kept here, not
 * in f_pos: read() (and lseek) on a file shared by threads or processes
 * take pos_lock for the whole call, so two readers never return the same
 * records or skip any.  f_pos cannot do this: the VFS copies it before
 * ->read and writes the copy back after, outside any lock of ours; and
 * its own lock (FMODE_ATOMIC_POS) would also hold every write() on the
 * file behind a read() blocked waiting for the entry that write makes.
 * f_pos only mirrors the cursor.  pread() is refused (no FMODE_PREAD):
 * it would read from an index without moving the cursor.
 */
struct rl_file {
	struct rl_group *g;
	struct mutex pos_lock;	/* serializes read() and lseek() on pos */
	u64 pos;		/* index of the next entry read() returns */
};

static struct rl_group *rl_fgroup(const struct file *file)
{
	return ((struct rl_file *)file->private_data)->g;
}

static dev_t rl_devt;
static struct cdev rl_cdev;
static DEFINE_MUTEX(rl_cdev_lock);
static DEFINE_XARRAY_ALLOC(rl_minors);	/* minor -> struct rl_cdev */

/*
 * The devnode callback took a const struct device in 6.2; the build
 * probes the kernel's header (Kbuild: RL_HAVE_CONST_DEVNODE).
 */
#ifdef RL_HAVE_CONST_DEVNODE
static char *rl_devnode(const struct device *dev, umode_t *mode)
#else
static char *rl_devnode(struct device *dev, umode_t *mode)
#endif
{
	if (mode)
		*mode = dev_mode & 0777;
	return NULL;
}

static struct class rl_class = {
	.name = "raftlog",
	.devnode = rl_devnode,
};

static int rl_open(struct inode *inode, struct file *file)
{
	struct rl_cdev *c;
	struct rl_group *g = NULL;
	struct rl_file *rf;

	rf = kzalloc(sizeof(*rf), GFP_KERNEL_ACCOUNT);
	if (!rf)
		return -ENOMEM;
	mutex_lock(&rl_cdev_lock);
	c = xa_load(&rl_minors, iminor(inode));
	if (c) {
		g = c->g;
		rl_group_get(g);
	}
	mutex_unlock(&rl_cdev_lock);
	if (!g) {
		kfree(rf);
		return -ENODEV;
	}
	rf->g = g;
	mutex_init(&rf->pos_lock);
	/* the position is an index: start at the first one still kept */
	rf->pos = rl_group_first_index(g);
	file->f_pos = rf->pos;
	file->f_mode &= ~FMODE_PREAD;
	file->private_data = rf;
	return 0;
}

static int rl_release(struct inode *inode, struct file *file)
{
	struct rl_file *rf = file->private_data;

	rl_group_put(rf->g);
	mutex_destroy(&rf->pos_lock);
	kfree(rf);
	return 0;
}

static ssize_t rl_read(struct file *file, char __user *buf, size_t len,
		       loff_t *ppos)
{
	struct rl_file *rf = file->private_data;
	ssize_t ret;
	u64 pos;

	if (mutex_lock_interruptible(&rf->pos_lock))
		return -ERESTARTSYS;
	pos = rf->pos;
	ret = rl_group_read(rf->g, &pos, buf, len,
			    file->f_flags & O_NONBLOCK);
	rf->pos = pos;
	*ppos = pos;
	mutex_unlock(&rf->pos_lock);
	return ret;
}

static ssize_t rl_write(struct file *file, const char __user *buf,
			size_t len, loff_t *ppos)
{
	u64 index, term;
	int err;

	if (len > U32_MAX)
		return -EMSGSIZE;
	err = rl_group_propose(rl_fgroup(file), buf, len,
			       file->f_flags & O_NONBLOCK, &index, &term);
	return err ? err : len;
}

static loff_t rl_llseek_locked(struct rl_file *rf, loff_t off, int whence)
{
	loff_t base, pos;
	int err;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = rf->pos;
		break;
	case SEEK_END:
		base = rl_group_applied(rf->g) + 1;
		break;
	default:
		return -EINVAL;
	}
	if (check_add_overflow(base, off, &pos) || pos <= 0)
		return -EINVAL;
	err = rl_group_check_pos(rf->g, pos);
	if (err)
		return err;
	rf->pos = pos;
	return pos;
}

static loff_t rl_llseek(struct file *file, loff_t off, int whence)
{
	struct rl_file *rf = file->private_data;
	loff_t ret;

	if (mutex_lock_interruptible(&rf->pos_lock))
		return -ERESTARTSYS;
	ret = rl_llseek_locked(rf, off, whence);
	if (ret > 0)
		file->f_pos = ret;
	mutex_unlock(&rf->pos_lock);
	return ret;
}

static __poll_t rl_poll(struct file *file, poll_table *pt)
{
	struct rl_file *rf = file->private_data;

	poll_wait(file, rl_group_waitq(rf->g), pt);
	return rl_group_poll_mask(rf->g, READ_ONCE(rf->pos));
}

/* The arguments of an application snapshot (ioctl and io_uring alike). */
/*
 * Whatever changes the log (a proposal, a snapshot that compacts it) is
 * allowed, as write(), only on a file open for writing.
 */
static int rl_may_write(struct file *file)
{
	return file->f_mode & FMODE_WRITE ? 0 : -EBADF;
}

static int rl_snapshot_args(const void __user *uarg,
			    struct raftlog_snapshot *s)
{
	if (copy_from_user(s, uarg, sizeof(*s)))
		return -EFAULT;
	if (s->flags || s->pad)
		return -EINVAL;
	return 0;
}

static long rl_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct rl_group *g = rl_fgroup(file);
	void __user *uarg = (void __user *)arg;
	int err;

	switch (cmd) {
	case RAFTLOG_IOC_STATUS: {
		struct raftlog_status st;

		rl_group_status(g, &st);
		return copy_to_user(uarg, &st, sizeof(st)) ? -EFAULT : 0;
	}
	case RAFTLOG_IOC_BARRIER: {
		struct raftlog_barrier b = {};

		err = rl_group_barrier(g, &b.index);
		if (err)
			return err;
		return copy_to_user(uarg, &b, sizeof(b)) ? -EFAULT : 0;
	}
	case RAFTLOG_IOC_WAIT: {
		struct raftlog_wait w;

		if (copy_from_user(&w, uarg, sizeof(w)))
			return -EFAULT;
		if (w.reserved)
			return -EINVAL;
		err = rl_group_wait(g, w.index, w.timeout_ms, &w.applied);
		if (copy_to_user(uarg, &w, sizeof(w)))
			return -EFAULT;
		return err;
	}
	case RAFTLOG_IOC_PROPOSE: {
		struct raftlog_propose p;

		err = rl_may_write(file);
		if (err)
			return err;
		if (copy_from_user(&p, uarg, sizeof(p)))
			return -EFAULT;
		if (p.flags)
			return -EINVAL;
		err = rl_group_propose(g, u64_to_user_ptr(p.data), p.len,
				       file->f_flags & O_NONBLOCK, &p.index,
				       &p.term);
		if (err)
			return err;
		return copy_to_user(uarg, &p, sizeof(p)) ? -EFAULT : 0;
	}
	case RAFTLOG_IOC_SNAPSHOT: {
		struct raftlog_snapshot s;

		err = rl_may_write(file) ?: rl_snapshot_args(uarg, &s);
		if (err)
			return err;
		return rl_group_snapshot(g, s.index, u64_to_user_ptr(s.data),
					 s.len);
	}
	default:
		return -ENOTTY;
	}
}

#ifdef RL_URING
/* Per-command state in the command's 32-byte pdu. */
struct rl_updu {
	struct rl_req *rq;
	u64 res2;
	int res;
};

static struct rl_updu *rl_updu(struct io_uring_cmd *cmd)
{
	BUILD_BUG_ON(sizeof(struct rl_updu) > sizeof(cmd->pdu));
	return (struct rl_updu *)cmd->pdu;
}

static const void *rl_ucmd_payload(struct io_uring_cmd *cmd)
{
#ifdef RL_HAVE_URING_SQE
	return io_uring_sqe_cmd(cmd->sqe);
#else
	return cmd->cmd;
#endif
}

/* Runs in the submitter's task: post the CQE, drop our reference. */
static void rl_uring_tw(struct io_uring_cmd *cmd, unsigned int issue_flags)
{
	struct rl_updu *pdu = rl_updu(cmd);
	struct rl_req *rq = pdu->rq;

	io_uring_cmd_done(cmd, pdu->res, pdu->res2, issue_flags);
	rl_group_req_put(rq);
}

/*
 * The outcome, from the group's worker (or from the group being
 * destroyed): never complete there, bounce to the submitter's task.
 */
static void rl_uring_result(struct rl_updu *pdu, int err, u64 index,
			    u64 term)
{
	if (err) {
		pdu->res = err;
		pdu->res2 = 0;
	} else {
		/* a barrier has no term: res 0 */
		pdu->res = min_t(u64, term, S32_MAX);
		pdu->res2 = index;
	}
}

static void rl_uring_done(void *ctx, int err, u64 index, u64 term)
{
	struct io_uring_cmd *cmd = ctx;

	rl_uring_result(rl_updu(cmd), err, index, term);
	io_uring_cmd_complete_in_task(cmd, rl_uring_tw);
}

/*
 * The command failed at issue.  A proposal (or an application snapshot)
 * refused for a full queue on the inline (IO_URING_F_NONBLOCK) issue
 * completes here with -EAGAIN and RAFTLOG_URING_QUEUE_FULL in
 * big_cqe[0]: returning -EAGAIN would have io_uring issue it again from a
 * worker, and some kernels (6.12's
 * io_uring_cmd() copies the SQE on -EAGAIN but leaves cmd->sqe on the SQ
 * ring slot) let that second issue read the payload from a slot that
 * userspace may have filled with another command since: entries lost and
 * duplicated.  So the SQE of a proposal is read at its first issue only.
 * A barrier has no payload (cmd_op is latched at prep): it may still
 * wait for room in the worker.
 */
static int rl_uring_refuse(struct io_uring_cmd *cmd, int err,
			   unsigned int issue_flags)
{
	if (err != -EAGAIN || cmd->cmd_op == RAFTLOG_URING_BARRIER)
		return err;
	io_uring_cmd_done(cmd, -EAGAIN, RAFTLOG_URING_QUEUE_FULL,
			  issue_flags);
	return -EIOCBQUEUED;
}

/*
 * RAFTLOG_URING_SNAPSHOT: the struct raftlog_snapshot the SQE points to,
 * read (and its bytes copied) at the first issue, as a proposal's.
 */
static struct rl_req *rl_uring_snapshot(struct io_uring_cmd *cmd,
					struct rl_group *g, bool nonblock)
{
	const struct raftlog_uring_snapshot *us = rl_ucmd_payload(cmd);
	u64 uptr = READ_ONCE(us->snapshot);
	struct raftlog_snapshot s;
	int err;

	err = rl_may_write(cmd->file);
	if (err)
		return ERR_PTR(err);
	if (READ_ONCE(us->flags) || READ_ONCE(us->size) != sizeof(s))
		return ERR_PTR(-EINVAL);
	err = rl_snapshot_args(u64_to_user_ptr(uptr), &s);
	if (err)
		return ERR_PTR(err);
	return rl_group_snapshot_async(g, s.index, u64_to_user_ptr(s.data),
				       s.len, nonblock);
}

static int rl_uring_cmd(struct io_uring_cmd *cmd, unsigned int issue_flags)
{
	struct rl_group *g = rl_fgroup(cmd->file);
	struct rl_updu *pdu = rl_updu(cmd);
	bool nonblock = issue_flags & IO_URING_F_NONBLOCK;
	struct rl_req *rq;

#ifdef RL_HAVE_URING_CANCEL
	if (issue_flags & IO_URING_F_CANCEL) {
		/* the ring is going away: detach, unless already completing */
		if (rl_group_req_cancel(pdu->rq)) {
			io_uring_cmd_done(cmd, -ECANCELED, 0, issue_flags);
			rl_group_req_put(pdu->rq);
		}
		return 0;
	}
#endif
	if (!(issue_flags & IO_URING_F_CQE32))
		return -EINVAL;
	switch (cmd->cmd_op) {
	case RAFTLOG_URING_PROPOSE: {
		const struct raftlog_uring_propose *up = rl_ucmd_payload(cmd);
		u64 data = READ_ONCE(up->data);
		u32 len = READ_ONCE(up->len);

		if (rl_may_write(cmd->file))
			return -EBADF;
		if (READ_ONCE(up->flags))
			return -EINVAL;
		rq = rl_group_propose_async(g, u64_to_user_ptr(data), len,
					    nonblock);
		break;
	}
	case RAFTLOG_URING_BARRIER:
		rq = rl_group_barrier_async(g, nonblock);
		break;
	case RAFTLOG_URING_SNAPSHOT:
		rq = rl_uring_snapshot(cmd, g, nonblock);
		break;
	default:
		return -ENOTTY;
	}
	if (IS_ERR(rq))
		return rl_uring_refuse(cmd, PTR_ERR(rq), issue_flags);
	/*
	 * The request is queued but nothing completes the command until it
	 * is armed: so pdu->rq and the cancelable mark are in place before
	 * any completion can run.  Already finished: complete right here.
	 */
	pdu->rq = rq;
#ifdef RL_HAVE_URING_CANCEL
	io_uring_cmd_mark_cancelable(cmd, issue_flags);
#endif
	if (!rl_group_req_arm(rq, rl_uring_done, cmd)) {
		u64 index, term;
		int err = rl_group_req_result(rq, &index, &term);

		rl_uring_result(pdu, err, index, term);
		io_uring_cmd_done(cmd, pdu->res, pdu->res2, issue_flags);
		rl_group_req_put(rq);
	}
	return -EIOCBQUEUED;
}
#endif /* RL_URING */

static const struct file_operations rl_fops = {
	.owner = THIS_MODULE,
	.open = rl_open,
	.release = rl_release,
	.read = rl_read,
	.write = rl_write,
	.llseek = rl_llseek,
	.poll = rl_poll,
	.unlocked_ioctl = rl_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
#ifdef RL_URING
	.uring_cmd = rl_uring_cmd,
#endif
};

/*
 * A host runs one node of a group, in the initial namespace: its device
 * is raftlog<group>.  Nodes in other namespaces (containers, a cluster
 * tested on one machine) are told apart by node id.  A namespace owned
 * by a user namespace other than the initial one (unprivileged users
 * make those) also carries the namespace's inode number, so such a user
 * cannot take a name an administrator's namespace will want.
 */
void rl_chardev_name(struct rl_group *g, char *buf, size_t len)
{
	struct net *net = rl_group_net(g);

	if (net_eq(net, &init_net))
		snprintf(buf, len, "raftlog%u", rl_group_id(g));
	else if (net->user_ns == &init_user_ns)
		snprintf(buf, len, "raftlog%u.%llu", rl_group_id(g),
			 rl_group_node(g));
	else
		snprintf(buf, len, "raftlog%u.%llu.ns%u", rl_group_id(g),
			 rl_group_node(g), net->ns.inum);
}

u32 rl_chardev_count(struct net *net, u32 *in_net)
{
	struct rl_cdev *c;
	unsigned long minor;
	u32 n = 0;

	*in_net = 0;
	mutex_lock(&rl_cdev_lock);
	xa_for_each(&rl_minors, minor, c) {
		n++;
		if (net_eq(rl_group_net(c->g), net))
			(*in_net)++;
	}
	mutex_unlock(&rl_cdev_lock);
	return n;
}

/* Whether a device has @name (rl_cdev_lock held). */
static bool rl_chardev_taken(const char *name)
{
	struct rl_cdev *c;
	unsigned long minor;

	xa_for_each(&rl_minors, minor, c)
		if (!strcmp(c->name, name))
			return true;
	return false;
}

int rl_chardev_add(struct rl_group *g)
{
	struct rl_cdev *c;
	u32 minor;
	int err;

	c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
	if (!c)
		return -ENOMEM;
	c->g = g;
	rl_chardev_name(g, c->name, sizeof(c->name));
	mutex_lock(&rl_cdev_lock);
	/*
	 * Two namespaces made by the administrator may run the same node of
	 * the same group: the second is refused here, before the device
	 * model would (with a stack dump for a duplicate sysfs name).
	 */
	if (rl_chardev_taken(c->name)) {
		mutex_unlock(&rl_cdev_lock);
		kfree(c);
		return -EEXIST;
	}
	err = xa_alloc(&rl_minors, &minor, c, XA_LIMIT(0, RL_MINORS - 1),
		       GFP_KERNEL);
	if (err) {
		mutex_unlock(&rl_cdev_lock);
		kfree(c);
		return err == -EBUSY ? -ENOSPC : err;
	}
	c->minor = minor;
	c->dev = device_create(&rl_class, NULL, MKDEV(MAJOR(rl_devt), minor),
			       NULL, "%s", c->name);
	if (IS_ERR(c->dev)) {
		err = PTR_ERR(c->dev);
		xa_erase(&rl_minors, minor);
		mutex_unlock(&rl_cdev_lock);
		kfree(c);
		return err;
	}
	rl_group_get(g);
	mutex_unlock(&rl_cdev_lock);
	return 0;
}

void rl_chardev_remove(struct rl_group *g)
{
	struct rl_cdev *c, *found = NULL;
	unsigned long minor;

	mutex_lock(&rl_cdev_lock);
	xa_for_each(&rl_minors, minor, c) {
		if (c->g == g) {
			found = c;
			xa_erase(&rl_minors, minor);
			device_destroy(&rl_class,
				       MKDEV(MAJOR(rl_devt), c->minor));
			break;
		}
	}
	mutex_unlock(&rl_cdev_lock);
	if (!found)
		return;
	rl_group_put(found->g);
	kfree(found);
}

int rl_chardev_init(void)
{
	int err;

	err = alloc_chrdev_region(&rl_devt, 0, RL_MINORS, "raftlog");
	if (err)
		return err;
	cdev_init(&rl_cdev, &rl_fops);
	rl_cdev.owner = THIS_MODULE;
	err = cdev_add(&rl_cdev, rl_devt, RL_MINORS);
	if (err)
		goto out_region;
	err = class_register(&rl_class);
	if (err)
		goto out_cdev;
	return 0;

out_cdev:
	cdev_del(&rl_cdev);
out_region:
	unregister_chrdev_region(rl_devt, RL_MINORS);
	return err;
}

void rl_chardev_exit(void)
{
	WARN_ON(!xa_empty(&rl_minors));
	class_unregister(&rl_class);
	cdev_del(&rl_cdev);
	unregister_chrdev_region(rl_devt, RL_MINORS);
}
