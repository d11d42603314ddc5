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

/* exit codes shared by all subcommands */
#define RC_OK		0
#define RC_CORRUPT	1	/* inspect: a check failed */
#define RC_USAGE	2	/* bad usage, or an I/O or system error */

struct rc_cmd {
	const char *name;
	int (*run)(int argc, char **argv);	/* argv[0] is the subcommand */
	const char *usage;
	const char *help;
};

int cmd_format(int argc, char **argv);
int cmd_inspect(int argc, char **argv);

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

#endif
