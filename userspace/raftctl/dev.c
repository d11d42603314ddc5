// SPDX-License-Identifier: GPL-2.0
/*
 * raftctl propose|tail: the character device of a group, for scripts.
 * The device is found through the group's status (its name differs
 * outside the initial network namespace: raftlog<G>.<node>).
 *
 *	raftctl propose GROUP DATA|-     one entry; prints "index N term T"
 *	raftctl tail GROUP [-f] [-n COUNT] [--from INDEX] [-j]
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/raftlog.h>

#include "raftctl.h"
#include "status.h"

#define RC_MAX_ENTRY	(1U << 20)

static int open_group(const char *arg, int flags, char *path, size_t len)
{
	uint64_t id;
	int rc, fd;

	if (rc_parse_u64(arg, &id, false) || !id || id > UINT32_MAX) {
		rc_err("\"%s\" is not a group id", arg);
		return -RC_USAGE;
	}
	rc = rc_group_chardev(id, path, len);
	if (rc)
		return -rc;
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0) {
		rc_err("%s: %s", path, strerror(errno));
		return -rc_exit_code(-errno);
	}
	return fd;
}

int cmd_propose(int argc, char **argv)
{
	static const char u[] = "usage: raftctl propose GROUP DATA|-\n";
	struct raftlog_propose p = { 0 };
	char path[96], *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int fd, rc;

	if (argc >= 2 && rc_is_help(argv[1])) {
		fputs(u, stdout);
		return RC_OK;
	}
	if (argc != 3) {
		fputs(u, stderr);
		return RC_USAGE;
	}
	if (!strcmp(argv[2], "-")) {
		buf = malloc(RC_MAX_ENTRY + 1);
		if (!buf)
			return RC_FAIL;
		while (len <= RC_MAX_ENTRY &&
		       (n = read(0, buf + len, RC_MAX_ENTRY + 1 - len)) > 0)
			len += n;
		if (len > RC_MAX_ENTRY) {
			rc_err("propose: stdin holds more than %u bytes", RC_MAX_ENTRY);
			free(buf);
			return RC_USAGE;
		}
		p.data = (uintptr_t)buf;
	} else {
		len = strlen(argv[2]);
		p.data = (uintptr_t)argv[2];
	}
	p.len = len;
	fd = open_group(argv[1], O_RDWR, path, sizeof(path));
	if (fd < 0) {
		free(buf);
		return -fd;
	}
	rc = RC_OK;
	if (ioctl(fd, RAFTLOG_IOC_PROPOSE, &p) < 0) {
		rc_err("propose: %s: %s", path, strerror(errno));
		rc = rc_exit_code(-errno);
	} else {
		printf("index %" PRIu64 " term %" PRIu64 "\n",
		       (uint64_t)p.index, (uint64_t)p.term);
	}
	close(fd);
	free(buf);
	return rc;
}

static bool printable(const uint8_t *d, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		if (!isprint(d[i]))
			return false;
	return true;
}

static void print_record(const struct raftlog_record *r, const uint8_t *d,
			 bool json)
{
	const char *type = r->flags & RAFTLOG_RECORD_F_NOOP ? "noop" :
			   r->flags & RAFTLOG_RECORD_F_CONF ? "conf" : "data";
	bool text = printable(d, r->len);
	struct rc_json j = { 0 };
	char *s;

	if (json) {
		j_begin(&j, NULL, '{');
		j_u64(&j, "index", r->index);
		j_u64(&j, "term", r->term);
		j_str(&j, "type", type);
		j_u64(&j, "len", r->len);
	} else {
		printf("%" PRIu64 " %" PRIu64 " %s %u", (uint64_t)r->index,
		       (uint64_t)r->term, type, r->len);
	}
	if (r->len && !(r->flags & RAFTLOG_RECORD_F_CONF)) {
		s = malloc(text ? r->len + 1 : 2 * r->len + 1);
		if (s) {
			if (text) {
				memcpy(s, d, r->len);
				s[r->len] = 0;
			} else {
				for (uint32_t i = 0; i < r->len; i++)
					sprintf(s + 2 * i, "%02x", d[i]);
			}
			if (json)
				j_str(&j, text ? "data" : "hex", s);
			else
				printf(" %s%s", text ? "" : "0x", s);
			free(s);
		}
	}
	if (json)
		j_end(&j, '}');
	else
		putchar('\n');
}

int cmd_tail(int argc, char **argv)
{
	static const char u[] =
		"usage: raftctl tail GROUP [-f] [-n COUNT] [--from INDEX] [-j]\n";
	uint64_t count = 0, from = 0, seen = 0;
	bool follow = false, json = false;
	const char *group = NULL;
	char path[96];
	uint8_t *buf;
	size_t cap = RC_MAX_ENTRY + 4096;
	int fd, rc = RC_OK;

	for (int i = 1; i < argc; i++) {
		if (rc_is_help(argv[i])) {
			fputs(u, stdout);
			return RC_OK;
		} else if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--follow")) {
			follow = true;
		} else if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			if (rc_parse_u64(argv[++i], &count, false))
				goto bad;
		} else if (!strcmp(argv[i], "--from") && i + 1 < argc) {
			if (rc_parse_u64(argv[++i], &from, false) || !from)
				goto bad;
		} else if (!group) {
			group = argv[i];
		} else {
			goto bad;
		}
	}
	if (!group)
		goto bad;
	fd = open_group(group, O_RDONLY | (follow ? 0 : O_NONBLOCK), path,
			sizeof(path));
	if (fd < 0)
		return -fd;
	if (from && lseek(fd, from, SEEK_SET) < 0) {
		rc_err("tail: %s: index %" PRIu64 ": %s", path, from,
		       strerror(errno));
		close(fd);
		return rc_exit_code(-errno);
	}
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return RC_FAIL;
	}
	while (!count || seen < count) {
		ssize_t n = read(fd, buf, cap);
		size_t off = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN && !follow)
			break;
		if (n <= 0) {
			rc_err("tail: %s: %s", path, n ? strerror(errno) : "end of file");
			rc = rc_exit_code(n ? -errno : -EIO);
			break;
		}
		while (off + sizeof(struct raftlog_record) <= (size_t)n &&
		       (!count || seen < count)) {
			const struct raftlog_record *r = (const void *)(buf + off);

			if (off + RAFTLOG_RECORD_SIZE(r->len) > (size_t)n)
				break;
			print_record(r, buf + off + sizeof(*r), json);
			off += RAFTLOG_RECORD_SIZE(r->len);
			seen++;
		}
		fflush(stdout);
	}
	free(buf);
	close(fd);
	return rc;
bad:
	fputs(u, stderr);
	return RC_USAGE;
}
