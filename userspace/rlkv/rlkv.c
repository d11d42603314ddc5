// SPDX-License-Identifier: GPL-2.0
/*
 * rlkv: a replicated key-value store with locks and leader election on a
 * raftlog group, and the tools that check it.
 *
 *   rlkv serve DEV ADDR [--snapshot-every N] [--bug-no-barrier]
 *                                            run a node's server (a snapshot
 *                                            every N entries, default 10000,
 *                                            0: never; see server.c)
 *   rlkv [-s ADDR] put K V | get K | sget K | del K | cas K OLD NEW
 *   rlkv [-s ADDR] lock NAME OWNER TTL-MS | renew NAME OWNER TOKEN TTL-MS |
 *                  unlock NAME OWNER TOKEN | lockinfo NAME | status |
 *                  snapshot                  (save one now)
 *   rlkv [-s ADDR] batch                     requests on stdin, one a line,
 *                                            answers on stdout
 *   rlkv [-s ADDR] campaign NAME OWNER TTL-MS LOG [RESOURCE]
 *   rlkv [-s ADDR] observe NAME
 *   rlkv [-s ADDR] resign NAME OWNER TOKEN
 *   rlkv [-s ADDR] load PROC SECONDS HISTORY [KEYS]
 *   rlkv [-s ADDR] locker NAME OWNER TTL-MS SECONDS LOG [RESOURCE]
 *   rlkv [-s ADDR] bench [-s ADDR] [-c CONNS] [-d SECONDS] [-k KEYS]
 *                  [-v VALUE-BYTES] [-j] put|get|sget|cas
 *                                            throughput and latency of
 *                                            CONNS connections sending OP
 *                                            back to back (see bench.c)
 *   rlkv resource ADDR LOG
 *   rlkv check [-m MAX-STATES] HISTORY...
 *   rlkv lockcheck [-r RESOURCE-LOG] HOLDER-LOG...
 *
 * ADDR is a Unix socket path (or unix:PATH) or HOST:PORT for TCP; the
 * default is $RLKV_ADDR, else /run/rlkv.sock.  The server's protocol is
 * described in server.c; the check's history format in lincheck.h.
 *
 * One-shot commands print the server's answer and exit 0 when it is ok
 * (ok, granted, renewed, released, held for lockinfo), 1 when the command
 * was refused (mismatch, held, lost, free), 3 for a definite error, 4
 * when the outcome is unknown (or the server did not answer), 2 for bad
 * usage.  batch exits 0 when the server answered every request (whatever
 * the answers), 4 if not.  bench exits 0 when no request failed
 * (backpressure aside) and one at least was answered, 1 if not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bench.h"
#include "lincheck.h"
#include "net.h"
#include "rlkv.h"

const char *rlkv_errname(int err)
{
	static const struct { int e; const char *n; } names[] = {
		{ EAGAIN, "EAGAIN" }, { ENOBUFS, "ENOBUFS" }, { EBUSY, "EBUSY" },
		{ EMSGSIZE, "EMSGSIZE" }, { ECANCELED, "ECANCELED" },
		{ ENOSPC, "ENOSPC" }, { ETIMEDOUT, "ETIMEDOUT" },
		{ EINTR, "EINTR" }, { EIO, "EIO" }, { ENODEV, "ENODEV" },
		{ ENOENT, "ENOENT" }, { EINVAL, "EINVAL" }, { ENOMEM, "ENOMEM" },
		{ EALREADY, "EALREADY" }, { EFBIG, "EFBIG" }, { EBADF, "EBADF" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == err)
			return names[i].n;
	return "EOTHER";
}

static int usage(void)
{
	fprintf(stderr,
		"usage: rlkv serve DEV ADDR [--snapshot-every N] [--bug-no-barrier]\n"
		"       rlkv [-s ADDR] put K V | get K | sget K | del K | cas K OLD NEW\n"
		"       rlkv [-s ADDR] lock NAME OWNER TTL-MS | renew NAME OWNER TOKEN TTL-MS\n"
		"       rlkv [-s ADDR] unlock NAME OWNER TOKEN | lockinfo NAME | status\n"
		"       rlkv [-s ADDR] snapshot | batch\n"
		"       rlkv [-s ADDR] campaign NAME OWNER TTL-MS LOG [RESOURCE]\n"
		"       rlkv [-s ADDR] observe NAME | resign NAME OWNER TOKEN\n"
		"       rlkv [-s ADDR] load PROC SECONDS HISTORY [KEYS]\n"
		"       rlkv [-s ADDR] locker NAME OWNER TTL-MS SECONDS LOG [RESOURCE]\n"
		"       rlkv [-s ADDR] bench [-s ADDR] [-c CONNS] [-d SECONDS] [-k KEYS]\n"
		"                      [-v VALUE-BYTES] [-j] put|get|sget|cas\n"
		"       rlkv resource ADDR LOG\n"
		"       rlkv check [-m MAX-STATES] HISTORY...\n"
		"       rlkv lockcheck [-r RESOURCE-LOG] HOLDER-LOG...\n");
	return 2;
}

static int check(int argc, char **argv)
{
	struct lc_history h;
	unsigned long max = 0;
	int i = 0, rc;

	if (argc > 1 && !strcmp(argv[0], "-m")) {
		max = strtoul(argv[1], NULL, 10);
		i = 2;
	}
	if (i >= argc)
		return usage();
	lc_init(&h);
	for (; i < argc; i++) {
		FILE *f = strcmp(argv[i], "-") ? fopen(argv[i], "r") : stdin;
		char err[256];

		if (!f) {
			perror(argv[i]);
			return 2;
		}
		if (lc_parse(&h, f, err, sizeof(err))) {
			fprintf(stderr, "rlkv check: %s: %s\n", argv[i], err);
			return 2;
		}
		if (f != stdin)
			fclose(f);
	}
	rc = lc_check(&h, stdout, max);
	lc_free(&h);
	return rc;
}

/* A one-shot request: print the answer, exit as the header says. */
static int oneshot(const char *addr, int argc, char **argv)
{
	char req[RLKV_LINE_MAX] = "", reply[RLKV_LINE_MAX];
	struct lbuf b;
	size_t off = 0;
	int fd;

	for (int i = 0; i < argc; i++)
		off += snprintf(req + off, sizeof(req) - off, "%s%s",
				i ? " " : "", argv[i]);
	fd = net_connect(addr);
	if (fd < 0) {
		fprintf(stderr, "rlkv: %s: %s\n", addr, strerror(errno));
		return 4;
	}
	lbuf_init(&b, fd);
	if (net_call(&b, req, reply, sizeof(reply), 60000) <= 0) {
		fprintf(stderr, "rlkv: no answer from %s\n", addr);
		return 4;
	}
	close(fd);
	printf("%s\n", reply);
	if (!strncmp(reply, "err ", 4))
		return strstr(reply, " definite") ? 3 : 4;
	if (!strncmp(reply, "ok", 2) || !strncmp(reply, "granted", 7) ||
	    !strncmp(reply, "renewed", 7) || !strncmp(reply, "released", 8) ||
	    !strncmp(reply, "applied", 7) || !strncmp(reply, "snapshot ", 9) ||
	    (!strncmp(reply, "held", 4) && !strcmp(argv[0], "lockinfo")))
		return 0;
	return 1;
}

/* Requests from stdin, one a line; each answer on stdout. */
static int batch(const char *addr)
{
	char req[RLKV_LINE_MAX], reply[RLKV_LINE_MAX];
	struct lbuf *b = malloc(sizeof(*b));
	int fd = net_connect(addr);

	if (fd < 0 || !b) {
		fprintf(stderr, "rlkv: %s: %s\n", addr, strerror(errno));
		return 4;
	}
	lbuf_init(b, fd);
	while (fgets(req, sizeof(req), stdin)) {
		req[strcspn(req, "\n")] = 0;
		if (!req[0])
			continue;
		if (net_call(b, req, reply, sizeof(reply), 60000) <= 0) {
			fprintf(stderr, "rlkv: no answer from %s to \"%s\"\n",
				addr, req);
			return 4;
		}
		printf("%s\n", reply);
	}
	close(fd);
	free(b);
	return 0;
}

static int serve(int argc, char **argv)
{
	unsigned long long every = 10000;
	int bug = 0;

	for (int i = 3; i < argc; i++) {
		char *end;

		if (!strcmp(argv[i], "--bug-no-barrier")) {
			bug = 1;
		} else if (!strcmp(argv[i], "--snapshot-every") && i + 1 < argc) {
			every = strtoull(argv[++i], &end, 10);
			if (*end || !*argv[i])
				return usage();
		} else {
			return usage();
		}
	}
	return rlkv_serve(argv[1], argv[2], bug, every);
}

int main(int argc, char **argv)
{
	const char *addr = getenv("RLKV_ADDR");
	const char *cmd;

	if (!addr)
		addr = "/run/rlkv.sock";
	argv++;
	argc--;
	if (argc >= 2 && !strcmp(argv[0], "-s")) {
		addr = argv[1];
		argv += 2;
		argc -= 2;
	}
	if (argc < 1)
		return usage();
	cmd = argv[0];
	if (!strcmp(cmd, "serve")) {
		if (argc < 3)
			return usage();
		return serve(argc, argv);
	}
	if (!strcmp(cmd, "check"))
		return check(argc - 1, argv + 1);
	if (!strcmp(cmd, "lockcheck"))
		return rlkv_lockcheck(argc - 1, argv + 1);
	if (!strcmp(cmd, "resource"))
		return argc < 3 ? usage() : rlkv_resource(argv[1], argv[2]);
	/* the rest talk to a server: argv[0] becomes its address */
	if (!strcmp(cmd, "load")) {
		argv[0] = (char *)addr;
		return rlkv_load(argc, argv);
	}
	if (!strcmp(cmd, "bench")) {
		argv[0] = (char *)addr;
		return rlkv_bench(argc, argv);
	}
	if (!strcmp(cmd, "locker") || !strcmp(cmd, "campaign")) {
		argv[0] = (char *)addr;
		return rlkv_holder(argc, argv, cmd[0] == 'c');
	}
	if (!strcmp(cmd, "batch"))
		return argc != 1 ? usage() : batch(addr);
	if (!strcmp(cmd, "observe"))
		return argc < 2 ? usage() : rlkv_observe(addr, argv[1]);
	if (!strcmp(cmd, "resign")) {
		if (argc != 4)
			return usage();
		argv[0] = "unlock";
		return oneshot(addr, argc, argv);
	}
	if (!strcmp(cmd, "put") || !strcmp(cmd, "get") || !strcmp(cmd, "sget") ||
	    !strcmp(cmd, "del") || !strcmp(cmd, "cas") || !strcmp(cmd, "lock") ||
	    !strcmp(cmd, "renew") || !strcmp(cmd, "unlock") ||
	    !strcmp(cmd, "lockinfo") || !strcmp(cmd, "status") ||
	    !strcmp(cmd, "snapshot"))
		return oneshot(addr, argc, argv);
	return usage();
}
