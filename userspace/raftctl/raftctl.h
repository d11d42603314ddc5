/* SPDX-License-Identifier: GPL-2.0 */
/*
 * raftctl: administration tool of raftlog.  Subcommands live in their own
 * files and are listed in the table in main.c.
 */
#ifndef RAFTCTL_H
#define RAFTCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* exit codes shared by all subcommands (raftctl.8, EXIT STATUS) */
#define RC_OK		0
#define RC_CORRUPT	1	/* inspect: a check failed */
#define RC_FAIL		1	/* the operation failed (other reasons) */
#define RC_USAGE	2	/* bad usage, or an I/O or system error */
#define RC_NOENT	3	/* no such group, member or device */
#define RC_PERM		4	/* permission denied (CAP_NET_ADMIN) */
#define RC_NOMOD	5	/* raftlog.ko is not loaded */
#define RC_INVAL	6	/* the kernel refused the parameters */
#define RC_AGAIN	7	/* not now: no leader (election), busy; retry */
#define RC_NOTLEADER	8	/* this node is not the leader: ask the one named */
#define RC_UNSURE	9	/* no outcome known: the change may still happen */
#define RC_ALREADY	10	/* nothing to do: already so (a voter, the leader) */
#define RC_DISK		11	/* up: the device is missing, not raftlog's, for other ids, or failing */

struct rc_cmd {
	const char *name;
	int (*run)(int argc, char **argv);	/* argv[0] is the subcommand */
	const char *usage;
	const char *help;
};

int cmd_format(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_group(int argc, char **argv);
int cmd_member(int argc, char **argv);
int cmd_leader(int argc, char **argv);
int cmd_compact(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_propose(int argc, char **argv);
int cmd_tail(int argc, char **argv);
int cmd_up(int argc, char **argv);
int cmd_down(int argc, char **argv);
int cmd_adjust(int argc, char **argv);
int cmd_showconf(int argc, char **argv);
int cmd_checkconf(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_udev_name(int argc, char **argv);

/* Read a secret file: 1..RAFTLOG_SECRET_MAX bytes, trailing newlines cut. */
int rc_read_secret(const char *path, uint8_t *buf, size_t *len);

/* true if argv[i] is -h/--help/help */
bool rc_is_help(const char *arg);

/* ---- generic netlink (nl.c) ---- */
struct mnl_socket;
struct nlmsghdr;
typedef int (*rc_nl_cb)(const struct nlmsghdr *nlh, void *data);

struct rc_nl {
	struct mnl_socket *sock;
	uint16_t family;
	uint32_t mcgrp_events;
	unsigned int seq, portid;
	char ext_msg[256];		/* the last error's extended ack */
	char ext_attr[64];		/* the attribute it points at */
	char ext_miss[64];		/* the attribute it says is missing */
	bool ext_miss_nest;
	char req[4096];			/* the last request, for offsets */
	char buf[8192] __attribute__((aligned(8)));
	char rbuf[65536] __attribute__((aligned(8)));
};

/* Open and resolve the family: RC_OK, RC_NOMOD or RC_FAIL (printed). */
int rc_nl_open(struct rc_nl *nl, bool quiet);
void rc_nl_close(struct rc_nl *nl);
int rc_nl_family_cb(const struct nlmsghdr *nlh, void *data);
/* Start a request of @cmd in nl->buf. */
struct nlmsghdr *rc_nl_req(struct rc_nl *nl, uint8_t cmd, uint16_t flags);
/* Send it, feed replies to cb; 0 or -errno (extack kept in nl). */
int rc_nl_talk(struct rc_nl *nl, struct nlmsghdr *nlh, rc_nl_cb cb, void *data);
/* Print "raftctl: WHAT: strerror: extack"; returns the exit code. */
int rc_nl_perror(struct rc_nl *nl, const char *what, int err);
int rc_exit_code(int err);

/* print "raftctl: ..." to stderr */
void rc_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* print the usage line of subcommand @name to stderr; returns RC_USAGE */
int rc_usage(const char *name);

/* parse an unsigned number (decimal or 0x hex) with an optional K/M/G suffix */
int rc_parse_u64(const char *s, uint64_t *out, bool suffix);

/* devices and image files */
int rc_dev_open(const char *path, bool write, uint64_t *size);
int rc_pread(int fd, void *buf, size_t len, uint64_t off);
int rc_pwrite(int fd, const void *buf, size_t len, uint64_t off);

/* minimal JSON emitter (for -j): keeps track of commas */
struct rc_json {
	bool on;
	int depth;
	bool first[16];
};

void j_begin(struct rc_json *j, const char *key, char open);
void j_end(struct rc_json *j, char close);
void j_u64(struct rc_json *j, const char *key, uint64_t v);
void j_str(struct rc_json *j, const char *key, const char *v);
void j_bool(struct rc_json *j, const char *key, bool v);
void j_s64(struct rc_json *j, const char *key, int64_t v);

#endif
