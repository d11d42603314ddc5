// SPDX-License-Identifier: GPL-2.0
/*
 * libraftlog: opening a group's device, the synchronous calls (status,
 * propose, barrier, wait, seek) and the buffered reader.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "libraftlog.h"
#include "internal.h"

/* First read buffer; grown when one record does not fit. */
#define RL_READ_BUF	(64 * 1024)
/* Larger than any entry the ABI can carry (len is 32 bits). */
#define RL_READ_BUF_MAX	((size_t)RAFTLOG_RECORD_SIZE(UINT32_MAX))

int raftlog_open(const char *path, int oflags, struct raftlog **out)
{
	struct raftlog *rl = calloc(1, sizeof(*rl));
	off_t pos;
	int fd;

	if (!rl)
		return -ENOMEM;
	fd = open(path, oflags | O_CLOEXEC);
	if (fd < 0) {
		int err = -errno;

		free(rl);
		return err;
	}
	/* a new file starts at the first index still in the log */
	pos = lseek(fd, 0, SEEK_CUR);
	if (pos < 0) {
		int err = -errno;

		close(fd);
		free(rl);
		return err;
	}
	rl->fd = fd;
	rl->next = (uint64_t)pos;
	*out = rl;
	return 0;
}

int raftlog_open_group(uint64_t group, int oflags, struct raftlog **out)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/raftlog%llu",
		 (unsigned long long)group);
	return raftlog_open(path, oflags, out);
}

void raftlog_close(struct raftlog *rl)
{
	if (!rl)
		return;
	close(rl->fd);
	free(rl->buf);
	free(rl);
}

int raftlog_fd(const struct raftlog *rl)
{
	return rl->fd;
}

static int rl_ioctl(struct raftlog *rl, unsigned long req, void *arg)
{
	int r;

	do {
		r = ioctl(rl->fd, req, arg);
	} while (r < 0 && errno == EINTR && req == RAFTLOG_IOC_STATUS);
	return r < 0 ? -errno : 0;
}

int raftlog_status(struct raftlog *rl, struct raftlog_status *st)
{
	memset(st, 0, sizeof(*st));
	return rl_ioctl(rl, RAFTLOG_IOC_STATUS, st);
}

int raftlog_propose(struct raftlog *rl, const void *data, size_t len,
		    uint64_t *index, uint64_t *term)
{
	struct raftlog_propose p = {
		.data = (uintptr_t)data,
		.len = (uint32_t)len,
	};
	int err;

	if (len > UINT32_MAX)
		return -EMSGSIZE;
	err = rl_ioctl(rl, RAFTLOG_IOC_PROPOSE, &p);
	if (err)
		return err;
	if (index)
		*index = p.index;
	if (term)
		*term = p.term;
	return 0;
}

int raftlog_snapshot_save(struct raftlog *rl, uint64_t index,
			  const void *buf, size_t len)
{
	struct raftlog_snapshot s = {
		.index = index,
		.data = (uintptr_t)buf,
		.len = len,
	};

	return rl_ioctl(rl, RAFTLOG_IOC_SNAPSHOT, &s);
}

int raftlog_write(struct raftlog *rl, const void *data, size_t len)
{
	ssize_t n = write(rl->fd, data, len);

	if (n < 0)
		return -errno;
	/* the device takes an entry whole or not at all */
	return (size_t)n == len ? 0 : -EIO;
}

int raftlog_barrier(struct raftlog *rl, uint64_t *index)
{
	struct raftlog_barrier b = { 0 };
	int err = rl_ioctl(rl, RAFTLOG_IOC_BARRIER, &b);

	if (!err && index)
		*index = b.index;
	return err;
}

int raftlog_wait(struct raftlog *rl, uint64_t index, uint32_t timeout_ms,
		 uint64_t *applied)
{
	struct raftlog_wait w = { .index = index, .timeout_ms = timeout_ms };
	int err = rl_ioctl(rl, RAFTLOG_IOC_WAIT, &w);

	if (applied)
		*applied = w.applied;
	return err;
}

int64_t raftlog_seek(struct raftlog *rl, int64_t off, int whence)
{
	off_t r;

	/* the kernel's position is past what we buffered: SEEK_CUR is ours */
	if (whence == SEEK_CUR) {
		if (off < 0 && (uint64_t)-off > rl->next)
			return -EINVAL;
		off += (int64_t)rl->next;
		whence = SEEK_SET;
	}
	r = lseek(rl->fd, off, whence);
	if (r < 0)
		return -errno;
	rl->head = rl->tail = 0;
	rl->next = (uint64_t)r;
	return r;
}

uint64_t raftlog_tell(const struct raftlog *rl)
{
	return rl->next;
}

/* Read more records into the (empty) buffer; grow it on ENOBUFS. */
static int rl_fill(struct raftlog *rl)
{
	for (;;) {
		ssize_t n;

		if (!rl->buf) {
			rl->cap = RL_READ_BUF;
			rl->buf = malloc(rl->cap);
			if (!rl->buf)
				return -ENOMEM;
		}
		n = read(rl->fd, rl->buf, rl->cap);
		if (n > 0) {
			rl->head = 0;
			rl->tail = (size_t)n;
			return 0;
		}
		if (n == 0)		/* the device never says end of file */
			return -EBADMSG;
		if (errno != ENOBUFS || rl->cap >= RL_READ_BUF_MAX)
			return -errno;
		/* the next record is larger than the buffer */
		{
			size_t cap = rl->cap * 2;
			unsigned char *nb;

			if (cap > RL_READ_BUF_MAX)
				cap = RL_READ_BUF_MAX;
			nb = realloc(rl->buf, cap);
			if (!nb)
				return -ENOMEM;
			rl->buf = nb;
			rl->cap = cap;
		}
	}
}

int raftlog_next(struct raftlog *rl, struct raftlog_entry *e)
{
	ssize_t n;

	if (rl->head == rl->tail) {
		int err = rl_fill(rl);

		if (err)
			return err;
	}
	n = raftlog_parse_record(rl->buf + rl->head, rl->tail - rl->head, e);
	if (n <= 0)
		return -EBADMSG;
	/*
	 * indexes are consecutive from the position (an application
	 * snapshot at or above it comes first): anything else is a bug
	 */
	if (e->index != rl->next &&
	    !(raftlog_entry_is_snapshot(e) && e->index > rl->next))
		return -EBADMSG;
	rl->head += (size_t)n;
	rl->next = e->index + 1;
	return 0;
}
