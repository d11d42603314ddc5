// SPDX-License-Identifier: GPL-2.0
/*
 * raftctl: administer raftlog, in the style of ip(8):
 *
 *	raftctl [-h] [-c CONFDIR] COMMAND [ARGS...]
 *
 * Commands are listed in the table below; each lives in its own file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "raftctl.h"

static const struct rc_cmd cmds[] = {
	{ "up", cmd_up,
	  "up NAME",
	  "create the group configured in CONFDIR/NAME.conf" },
	{ "down", cmd_down,
	  "down NAME",
	  "stop the group of NAME.conf" },
	{ "adjust", cmd_adjust,
	  "adjust NAME",
	  "apply NAME.conf's changed run-time tunables to its running group" },
	{ "showconf", cmd_showconf,
	  "showconf NAME",
	  "print the running group of NAME.conf as a config file" },
	{ "checkconf", cmd_checkconf,
	  "checkconf NAME|FILE [-q]",
	  "validate a config file and print it in canonical form" },
	{ "status", cmd_status,
	  "status [NAME] [-j]",
	  "every group of this network namespace, one line each" },
	{ "stats", cmd_stats,
	  "stats [-j] [--prometheus]",
	  "every counter and gauge of every group (Prometheus text format)" },
	{ "udev-name", cmd_udev_name,
	  "udev-name KERNEL-NAME",
	  "udev properties (name, owner, group, mode) of a raftlog device" },
	{ "format", cmd_format,
	  "format DEV --cluster-id ID --group N --node ID [--snapshot-size BYTES] [--force]",
	  "write a fresh raftlog superblock and empty log to DEV" },
	{ "inspect", cmd_inspect,
	  "inspect DEV [-j]",
	  "check and print the on-disk state of DEV (offline)" },
	{ "group", cmd_group,
	  "group { add | del | show | set } ...",
	  "create, destroy, show and tune groups" },
	{ "member", cmd_member,
	  "member { add | promote | remove } GROUP ...",
	  "change the membership of a group" },
	{ "leader", cmd_leader,
	  "leader transfer GROUP to NODE",
	  "hand leadership to another voter" },
	{ "compact", cmd_compact,
	  "compact GROUP upto INDEX",
	  "drop the log up to INDEX" },
	{ "monitor", cmd_monitor,
	  "monitor [-j]",
	  "print the events of the groups of this network namespace" },
	{ "propose", cmd_propose,
	  "propose GROUP DATA|-",
	  "propose one entry through /dev/raftlog<GROUP>; waits for its commit" },
	{ "tail", cmd_tail,
	  "tail GROUP [-f] [-n COUNT] [--from INDEX] [-j]",
	  "print committed entries of /dev/raftlog<GROUP>" },
};

bool rc_is_help(const char *arg)
{
	return arg && (!strcmp(arg, "-h") || !strcmp(arg, "--help") ||
		       !strcmp(arg, "help"));
}

static void usage_all(FILE *f)
{
	fprintf(f, "usage: raftctl [-c CONFDIR] COMMAND [ARGS...]\n"
		"  (CONFDIR: the group configs NAME.conf; default $RAFTLOG_CONFDIR, else /etc/raftlog)\n"
		"\ncommands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-10s %s\n             raftctl %s\n",
			cmds[i].name, cmds[i].help, cmds[i].usage);
}

void rc_err(const char *fmt, ...)
{
	va_list ap;

	fputs("raftctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int rc_usage(const char *name)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmds[i].name, name))
			fprintf(stderr, "usage: raftctl %s\n", cmds[i].usage);
	return RC_USAGE;
}

int rc_parse_u64(const char *s, uint64_t *out, bool suffix)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	if (suffix && *end) {
		switch (*end) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		default: return -EINVAL;
		}
		end++;
		if (v > (~0ULL >> shift))
			return -ERANGE;
		v <<= shift;
	}
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

int rc_dev_open(const char *path, bool write, uint64_t *size)
{
	struct stat st;
	int fd;

	/* O_EXCL on a block device: fail if it is mounted or held */
	fd = open(path, (write ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (fd < 0) {
		rc_err("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0)
		goto fail;
	if (S_ISBLK(st.st_mode)) {
		if (write) {
			int efd = open(path, O_RDWR | O_EXCL | O_CLOEXEC);

			if (efd < 0)
				goto fail;
			close(fd);
			fd = efd;
		}
		if (ioctl(fd, BLKGETSIZE64, size) < 0)
			goto fail;
	} else if (S_ISREG(st.st_mode)) {
		*size = st.st_size;
	} else {
		rc_err("%s: not a block device or regular file", path);
		close(fd);
		return -1;
	}
	return fd;
fail:
	rc_err("%s: %s", path, strerror(errno));
	close(fd);
	return -1;
}

int rc_pread(int fd, void *buf, size_t len, uint64_t off)
{
	char *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENODATA;	/* past the end */
		p += n;
		len -= n;
		off += n;
	}
	return 0;
}

int rc_pwrite(int fd, const void *buf, size_t len, uint64_t off)
{
	const char *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= n;
		off += n;
	}
	return 0;
}

/* ---- JSON ---- */

static void j_key(struct rc_json *j, const char *key)
{
	if (!j->first[j->depth])
		putchar(',');
	j->first[j->depth] = false;
	if (key)
		printf("\"%s\":", key);
}

void j_begin(struct rc_json *j, const char *key, char open)
{
	if (j->depth >= 15)
		abort();
	if (j->depth || key)
		j_key(j, key);
	putchar(open);
	j->first[++j->depth] = true;
}

void j_end(struct rc_json *j, char close)
{
	j->depth--;
	putchar(close);
	if (!j->depth)
		putchar('\n');
}

void j_u64(struct rc_json *j, const char *key, uint64_t v)
{
	j_key(j, key);
	printf("%llu", (unsigned long long)v);
}

void j_str(struct rc_json *j, const char *key, const char *v)
{
	j_key(j, key);
	putchar('"');
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			printf("\\%c", *v);
		else if ((unsigned char)*v < 0x20)
			printf("\\u%04x", *v);
		else
			putchar(*v);
	}
	putchar('"');
}

void j_s64(struct rc_json *j, const char *key, int64_t v)
{
	j_key(j, key);
	printf("%lld", (long long)v);
}

void j_bool(struct rc_json *j, const char *key, bool v)
{
	j_key(j, key);
	fputs(v ? "true" : "false", stdout);
}

int main(int argc, char **argv)
{
	/* -c DIR: the config directory, for this run (the commands read the
	 * environment variable) */
	while (argc >= 3 && (!strcmp(argv[1], "-c") || !strcmp(argv[1], "--confdir"))) {
		if (setenv("RAFTLOG_CONFDIR", argv[2], 1))
			return RC_USAGE;
		argc -= 2;
		argv += 2;
	}
	if (argc < 2) {
		usage_all(stderr);
		return RC_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage_all(stdout);
		return RC_OK;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmds[i].name, argv[1]))
			return cmds[i].run(argc - 1, argv + 1);
	rc_err("unknown command \"%s\"", argv[1]);
	usage_all(stderr);
	return RC_USAGE;
}
