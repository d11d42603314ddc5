// SPDX-License-Identifier: GPL-2.0
/*
 * raftctl group|member|leader|compact: the netlink control commands.
 *
 *	raftctl group add ID [dev PATH] node N [cluster-id N] [listen ADDR]
 *		[peer N@ADDR]... [secret-file F] [tick-ms N] [election-ticks N]
 *		[heartbeat-ticks N] [max-entry N] [max-pending N]
 *		[cache-entries N] [log-mem BYTES] [retain N] [compact-at PERCENT]
 *	raftctl group del ID
 *	raftctl group show [ID] [-j]
 *	raftctl group set ID [max-entry N] [max-pending N] [retain N]
 *		[compact-at PERCENT]
 *	raftctl member add GROUP N@ADDR
 *	raftctl member promote|remove GROUP N
 *	raftctl leader transfer GROUP to N
 *	raftctl compact GROUP upto INDEX
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/raftlog.h>

#include "raftctl.h"
#include "status.h"

/* ------------------------------------------------------------------ */
/* Usage                                                               */

static const char group_usage[] =
	"usage: raftctl group add ID dev PATH|volatile node N [cluster-id N]\n"
	"                 [listen IP:PORT] [peer N@IP:PORT]...\n"
	"                 [secret-file FILE|insecure] [tick-ms N]\n"
	"                 [election-ticks N] [heartbeat-ticks N] [max-entry BYTES]\n"
	"                 [max-pending N] [cache-entries N] [log-mem BYTES]\n"
	"                 [retain N] [compact-at PERCENT] [join]\n"
	"         (join: start with no configuration and wait for the leader's\n"
	"          `raftctl member add`; needs a peer to reach the cluster)\n"
	"         (volatile: no device, nothing acknowledged is durable;\n"
	"          insecure: listen beyond loopback without a secret, so anyone\n"
	"          reaching the port can rewrite the log)\n"
	"       raftctl group del ID\n"
	"       raftctl group show [ID] [-j]\n"
	"       raftctl group set ID [max-entry BYTES] [max-pending N]\n"
	"                 [retain N] [compact-at PERCENT]\n"
	"         (retention: once PERCENT of the device's ring is used, the log\n"
	"          is compacted keeping the newest N applied entries; 100: never)\n";

static const char member_usage[] =
	"usage: raftctl member add GROUP NODE@IP:PORT   (joins as a learner)\n"
	"       raftctl member promote GROUP NODE       (learner -> voter)\n"
	"       raftctl member remove GROUP NODE\n";

static int usage(FILE *f, const char *text, int rc)
{
	fputs(text, f);
	return rc;
}

static int parse_num(const char *what, const char *s, uint64_t *v,
		     uint64_t min, uint64_t max)
{
	if (rc_parse_u64(s, v, false) || *v < min || *v > max) {
		rc_err("%s: \"%s\" is not a number in %llu..%llu", what,
		       s ? s : "", (unsigned long long)min,
		       (unsigned long long)max);
		return -1;
	}
	return 0;
}

static int parse_group_id(const char *s, uint32_t *id)
{
	uint64_t v;

	if (parse_num("group id", s, &v, 1, UINT32_MAX))
		return -1;
	*id = v;
	return 0;
}

/* ------------------------------------------------------------------ */
/* group add                                                           */

/* Read a secret file: 1..RAFTLOG_SECRET_MAX bytes, trailing newlines cut. */
int rc_read_secret(const char *path, uint8_t *buf, size_t *len)
{
	uint8_t tmp[RAFTLOG_SECRET_MAX + 2];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc_err("secret-file %s: %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, tmp, sizeof(tmp));
	close(fd);
	if (n < 0) {
		rc_err("secret-file %s: %s", path, strerror(errno));
		return -1;
	}
	while (n > 0 && (tmp[n - 1] == '\n' || tmp[n - 1] == '\r'))
		n--;
	if (n < 1 || n > RAFTLOG_SECRET_MAX) {
		rc_err("secret-file %s: the secret must be 1 to %d bytes",
		       path, RAFTLOG_SECRET_MAX);
		explicit_bzero(tmp, sizeof(tmp));
		return -1;
	}
	memcpy(buf, tmp, n);
	*len = n;
	explicit_bzero(tmp, sizeof(tmp));
	return 0;
}

struct u32_opt {
	const char *name;
	int attr;
	uint64_t min, max;
	bool runtime;		/* group set may change it */
	bool u64;		/* an NLA_U64 */
};

static const struct u32_opt add_opts[] = {
	{ "tick-ms", RAFTLOG_A_TICK_MS, 1, 10000, false, false },
	{ "election-ticks", RAFTLOG_A_ELECTION_TICKS, 2, 1000, false, false },
	{ "heartbeat-ticks", RAFTLOG_A_HEARTBEAT_TICKS, 1, 999, false, false },
	{ "max-entry", RAFTLOG_A_MAX_ENTRY, 1, 1048576, true, false },
	{ "max-pending", RAFTLOG_A_MAX_PENDING, 1, 65536, true, false },
	{ "cache-entries", RAFTLOG_A_CACHE_ENTRIES, 1, 1048576, false, false },
	{ "retain", RAFTLOG_A_RETAIN, 1, 1ULL << 40, true, true },
	{ "compact-at", RAFTLOG_A_COMPACT_AT, 10, 100, true, false },
};

static void put_opt(struct nlmsghdr *nlh, const struct u32_opt *o, uint64_t v)
{
	if (o->u64)
		mnl_attr_put_u64(nlh, o->attr, v);
	else
		mnl_attr_put_u32(nlh, o->attr, v);
}

static const struct u32_opt *find_opt(const char *name, bool set_only)
{
	for (size_t i = 0; i < sizeof(add_opts) / sizeof(add_opts[0]); i++) {
		if (set_only && !add_opts[i].runtime)
			continue;
		if (!strcmp(add_opts[i].name, name))
			return &add_opts[i];
	}
	return NULL;
}

static int group_add(int argc, char **argv)
{
	struct rc_nl nl;
	struct nlmsghdr *nlh;
	uint8_t secret[RAFTLOG_SECRET_MAX];
	size_t secret_len = 0;
	bool have_node = false;
	uint32_t id;
	uint64_t v;
	int i, rc, err;
	struct nlattr *nest;

	if (argc < 2 || rc_is_help(argv[1]))
		return usage(argc < 2 ? stderr : stdout, group_usage,
			     argc < 2 ? RC_USAGE : RC_OK);
	if (parse_group_id(argv[1], &id))
		return RC_USAGE;
	rc = rc_nl_open(&nl, false);
	if (rc)
		return rc;
	nlh = rc_nl_req(&nl, RAFTLOG_CMD_GROUP_NEW, 0);
	mnl_attr_put_u32(nlh, RAFTLOG_A_GROUP_ID, id);
	for (i = 2; i < argc; i += 2) {
		const char *k = argv[i], *val = argv[i + 1];
		const struct u32_opt *o;

		if (rc_is_help(k)) {
			rc_nl_close(&nl);
			return usage(stdout, group_usage, RC_OK);
		}
		if (!strcmp(k, "join") || !strcmp(k, "volatile") ||
		    !strcmp(k, "insecure")) {
			/* a flag: no value follows */
			mnl_attr_put(nlh, k[0] == 'j' ? RAFTLOG_A_JOIN :
				     k[0] == 'v' ? RAFTLOG_A_VOLATILE :
				     RAFTLOG_A_INSECURE, 0, NULL);
			i--;
			continue;
		}
		if (!val) {
			rc_err("group add: \"%s\" needs a value", k);
			goto bad;
		}
		if (!strcmp(k, "dev")) {
			mnl_attr_put_strz(nlh, RAFTLOG_A_DEVICE, val);
		} else if (!strcmp(k, "node")) {
			if (parse_num("node", val, &v, 1, UINT64_MAX))
				goto bad;
			mnl_attr_put_u64(nlh, RAFTLOG_A_NODE_ID, v);
			have_node = true;
		} else if (!strcmp(k, "cluster-id")) {
			if (parse_num("cluster-id", val, &v, 0, UINT64_MAX))
				goto bad;
			mnl_attr_put_u64(nlh, RAFTLOG_A_CLUSTER_ID, v);
		} else if (!strcmp(k, "listen")) {
			mnl_attr_put_strz(nlh, RAFTLOG_A_LISTEN, val);
		} else if (!strcmp(k, "peer")) {
			const char *at = strchr(val, '@');
			char num[32];

			if (!at || at == val || (size_t)(at - val) >= sizeof(num)) {
				rc_err("peer \"%s\": expected NODE@IP:PORT", val);
				goto bad;
			}
			memcpy(num, val, at - val);
			num[at - val] = 0;
			if (parse_num("peer node", num, &v, 1, UINT64_MAX))
				goto bad;
			nest = mnl_attr_nest_start(nlh, RAFTLOG_A_PEER);
			mnl_attr_put_u64(nlh, RAFTLOG_PEER_A_ID, v);
			mnl_attr_put_strz(nlh, RAFTLOG_PEER_A_ADDR, at + 1);
			mnl_attr_nest_end(nlh, nest);
		} else if (!strcmp(k, "secret-file")) {
			if (rc_read_secret(val, secret, &secret_len))
				goto bad;
			mnl_attr_put(nlh, RAFTLOG_A_SECRET, secret_len, secret);
			explicit_bzero(secret, sizeof(secret));
		} else if (!strcmp(k, "log-mem")) {
			if (rc_parse_u64(val, &v, true) || v < 65536 ||
			    v > 17179869184ULL) {
				rc_err("log-mem: \"%s\" is not a size in 64K..16G", val);
				goto bad;
			}
			mnl_attr_put_u64(nlh, RAFTLOG_A_LOG_MEM, v);
		} else if ((o = find_opt(k, false))) {
			if (parse_num(k, val, &v, o->min, o->max))
				goto bad;
			put_opt(nlh, o, v);
		} else {
			rc_err("group add: unknown argument \"%s\"", k);
			goto bad;
		}
	}
	if (!have_node) {
		rc_err("group add: node N is required");
		goto bad;
	}
	err = rc_nl_talk(&nl, nlh, NULL, NULL);
	/* the request held the secret */
	explicit_bzero(nl.buf, sizeof(nl.buf));
	explicit_bzero(nl.req, sizeof(nl.req));
	rc = err ? rc_nl_perror(&nl, "group add", err) : RC_OK;
	rc_nl_close(&nl);
	return rc;
bad:
	explicit_bzero(nl.buf, sizeof(nl.buf));
	rc_nl_close(&nl);
	fputs(group_usage, stderr);
	return RC_USAGE;
}

/* ------------------------------------------------------------------ */
/* One-attribute commands                                              */

/* Send a request built by the caller; print the error if any. */
static int simple(struct rc_nl *nl, struct nlmsghdr *nlh, const char *what,
		  uint32_t id)
{
	static struct rc_status st;
	int err, rc;

	err = rc_nl_talk(nl, nlh, NULL, NULL);
	/* a kernel that cannot format the leader into the message: ask */
	if (err == -EREMOTE && !strstr(nl->ext_msg, " leads") && id &&
	    !rc_group_status(id, &st) && st.leader)
		snprintf(nl->ext_msg, sizeof(nl->ext_msg),
			 "node %" PRIu64 " leads", st.leader);
	rc = err ? rc_nl_perror(nl, what, err) : RC_OK;

	rc_nl_close(nl);
	return rc;
}

static int group_del(int argc, char **argv)
{
	struct rc_nl nl;
	struct nlmsghdr *nlh;
	uint32_t id;
	int rc;

	if (argc == 2 && rc_is_help(argv[1]))
		return usage(stdout, group_usage, RC_OK);
	if (argc != 2 || parse_group_id(argv[1], &id))
		return usage(stderr, group_usage, RC_USAGE);
	rc = rc_nl_open(&nl, false);
	if (rc)
		return rc;
	nlh = rc_nl_req(&nl, RAFTLOG_CMD_GROUP_DEL, 0);
	mnl_attr_put_u32(nlh, RAFTLOG_A_GROUP_ID, id);
	return simple(&nl, nlh, "group del", id);
}

static int group_set(int argc, char **argv)
{
	const struct u32_opt *o;
	struct rc_nl nl;
	struct nlmsghdr *nlh;
	uint32_t id;
	uint64_t v;
	int i, rc;

	if (argc >= 2 && rc_is_help(argv[1]))
		return usage(stdout, group_usage, RC_OK);
	if (argc < 4 || argc % 2 || parse_group_id(argv[1], &id))
		return usage(stderr, group_usage, RC_USAGE);
	rc = rc_nl_open(&nl, false);
	if (rc)
		return rc;
	nlh = rc_nl_req(&nl, RAFTLOG_CMD_GROUP_SET, 0);
	mnl_attr_put_u32(nlh, RAFTLOG_A_GROUP_ID, id);
	for (i = 2; i < argc; i += 2) {
		o = find_opt(argv[i], true);
		if (!o) {
			rc_err("group set: unknown tunable \"%s\"", argv[i]);
			rc_nl_close(&nl);
			return usage(stderr, group_usage, RC_USAGE);
		}
		if (parse_num(o->name, argv[i + 1], &v, o->min, o->max)) {
			rc_nl_close(&nl);
			return RC_USAGE;
		}
		put_opt(nlh, o, v);
	}
	return simple(&nl, nlh, "group set", id);
}

/* ------------------------------------------------------------------ */
/* group show                                                          */

struct show_ctx {
	struct rc_json j;
	bool json;
	int n;
};

static int show_cb(const struct nlmsghdr *nlh, void *data)
{
	struct show_ctx *c = data;
	struct rc_status st;

	if (rc_status_parse(nlh, &st))
		return MNL_CB_ERROR;
	if (c->json)
		rc_status_json(&c->j, &st);
	else
		rc_status_print(&st, c->n);
	c->n++;
	return MNL_CB_OK;
}

static int group_show(int argc, char **argv)
{
	struct show_ctx c = { 0 };
	struct rc_nl nl;
	struct nlmsghdr *nlh;
	uint32_t id = 0;
	int i, rc, err;

	for (i = 1; i < argc; i++) {
		if (rc_is_help(argv[i]))
			return usage(stdout, group_usage, RC_OK);
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			c.json = true;
		else if (!id && !parse_group_id(argv[i], &id))
			;
		else
			return usage(stderr, group_usage, RC_USAGE);
	}
	rc = rc_nl_open(&nl, false);
	if (rc)
		return rc;
	nlh = rc_nl_req(&nl, RAFTLOG_CMD_GROUP_GET, id ? 0 : NLM_F_DUMP);
	if (id)
		mnl_attr_put_u32(nlh, RAFTLOG_A_GROUP_ID, id);
	if (c.json)
		j_begin(&c.j, NULL, '[');
	err = rc_nl_talk(&nl, nlh, show_cb, &c);
	if (c.json)
		j_end(&c.j, ']');
	fflush(stdout);
	rc = err ? rc_nl_perror(&nl, "group show", err) : RC_OK;
	rc_nl_close(&nl);
	return rc;
}

int cmd_group(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr, group_usage, RC_USAGE);
	if (rc_is_help(argv[1]))
		return usage(stdout, group_usage, RC_OK);
	if (!strcmp(argv[1], "add"))
		return group_add(argc - 1, argv + 1);
	if (!strcmp(argv[1], "del") || !strcmp(argv[1], "delete"))
		return group_del(argc - 1, argv + 1);
	if (!strcmp(argv[1], "show") || !strcmp(argv[1], "list"))
		return group_show(argc - 1, argv + 1);
	if (!strcmp(argv[1], "set"))
		return group_set(argc - 1, argv + 1);
	rc_err("group: unknown subcommand \"%s\"", argv[1]);
	return usage(stderr, group_usage, RC_USAGE);
}

/* ------------------------------------------------------------------ */
/* member, leader, compact                                             */

int cmd_member(int argc, char **argv)
{
	struct rc_nl nl;
	struct nlmsghdr *nlh;
	const char *addr = NULL, *what;
	char num[32];
	uint64_t node;
	uint32_t id;
	uint8_t cmd;
	int rc;

	if (argc >= 2 && rc_is_help(argv[1]))
		return usage(stdout, member_usage, RC_OK);
	if (argc >= 3 && rc_is_help(argv[2]))
		return usage(stdout, member_usage, RC_OK);
	if (argc != 4)
		return usage(stderr, member_usage, RC_USAGE);
	what = argv[1];
	if (!strcmp(what, "add"))
		cmd = RAFTLOG_CMD_MEMBER_ADD;
	else if (!strcmp(what, "promote"))
		cmd = RAFTLOG_CMD_MEMBER_PROMOTE;
	else if (!strcmp(what, "remove") || !strcmp(what, "del"))
		cmd = RAFTLOG_CMD_MEMBER_REMOVE;
	else
		return usage(stderr, member_usage, RC_USAGE);
	if (parse_group_id(argv[2], &id))
		return RC_USAGE;
	snprintf(num, sizeof(num), "%s", argv[3]);
	if (cmd == RAFTLOG_CMD_MEMBER_ADD) {
		char *at = strchr(num, '@');

		addr = strchr(argv[3], '@');
		if (!at || !addr) {
			rc_err("member add: expected NODE@IP:PORT");
			return usage(stderr, member_usage, RC_USAGE);
		}
		*at = 0;
		addr++;
	}
	if (parse_num("node", num, &node, 1, UINT64_MAX))
		return RC_USAGE;
	rc = rc_nl_open(&nl, false);
	if (rc)
		return rc;
	nlh = rc_nl_req(&nl, cmd, 0);
	mnl_attr_put_u32(nlh, RAFTLOG_A_GROUP_ID, id);
	mnl_attr_put_u64(nlh, RAFTLOG_A_MEMBER_ID, node);
	if (addr)
		mnl_attr_put_strz(nlh, RAFTLOG_A_MEMBER_ADDR, addr);
	snprintf(num, sizeof(num), "member %s", what);
	return simple(&nl, nlh, num, id);
}

int cmd_leader(int argc, char **argv)
{
	static const char u[] = "usage: raftctl leader transfer GROUP to NODE\n";
	struct rc_nl nl;
	struct nlmsghdr *nlh;
	uint64_t node;
	uint32_t id;
	int rc;

	if (argc >= 2 && (rc_is_help(argv[1]) ||
			  (argc >= 3 && rc_is_help(argv[2]))))
		return usage(stdout, u, RC_OK);
	if (argc != 5 || strcmp(argv[1], "transfer") || strcmp(argv[3], "to"))
		return usage(stderr, u, RC_USAGE);
	if (parse_group_id(argv[2], &id) ||
	    parse_num("node", argv[4], &node, 1, UINT64_MAX))
		return RC_USAGE;
	rc = rc_nl_open(&nl, false);
	if (rc)
		return rc;
	nlh = rc_nl_req(&nl, RAFTLOG_CMD_LEADER_TRANSFER, 0);
	mnl_attr_put_u32(nlh, RAFTLOG_A_GROUP_ID, id);
	mnl_attr_put_u64(nlh, RAFTLOG_A_MEMBER_ID, node);
	return simple(&nl, nlh, "leader transfer", id);
}

int cmd_compact(int argc, char **argv)
{
	static const char u[] = "usage: raftctl compact GROUP upto INDEX\n";
	struct rc_nl nl;
	struct nlmsghdr *nlh;
	uint64_t index;
	uint32_t id;
	int rc;

	if (argc >= 2 && rc_is_help(argv[1]))
		return usage(stdout, u, RC_OK);
	if (argc != 4 || strcmp(argv[2], "upto"))
		return usage(stderr, u, RC_USAGE);
	if (parse_group_id(argv[1], &id) ||
	    parse_num("index", argv[3], &index, 1, UINT64_MAX))
		return RC_USAGE;
	rc = rc_nl_open(&nl, false);
	if (rc)
		return rc;
	nlh = rc_nl_req(&nl, RAFTLOG_CMD_COMPACT, 0);
	mnl_attr_put_u32(nlh, RAFTLOG_A_GROUP_ID, id);
	mnl_attr_put_u64(nlh, RAFTLOG_A_INDEX, index);
	return simple(&nl, nlh, "compact", id);
}
