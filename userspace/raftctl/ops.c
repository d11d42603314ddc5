// SPDX-License-Identifier: GPL-2.0
/*
 * raftctl up|down|adjust|showconf|checkconf|status|udev-name: groups run
 * from configuration files (raftlog.conf(5)), the way drbdadm and wg-quick
 * run theirs.
 *
 *	raftctl [-c DIR] up NAME          create the group of DIR/NAME.conf
 *	raftctl [-c DIR] down NAME        stop it
 *	raftctl [-c DIR] adjust NAME      apply changed run-time tunables
 *	raftctl [-c DIR] showconf NAME    the running group as a config file
 *	raftctl [-c DIR] checkconf NAME|FILE [-q]   validate, print canonical
 *	raftctl [-c DIR] status [NAME]    every group, one line each
 *	raftctl [-c DIR] udev-name KERNEL-NAME      properties for udev
 *
 * DIR is -c's, else $RAFTLOG_CONFDIR, else /etc/raftlog.
 */
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/raftlog.h>

#include "raftctl.h"
#include "conf.h"
#include "status.h"

static int load(const char *cmd, const char *name, struct rc_conf *c)
{
	if (rc_conf_load(rc_conf_dir(NULL), name, c, stderr)) {
		rc_err("%s %s: the configuration has errors; nothing done", cmd, name);
		return RC_USAGE;
	}
	return RC_OK;
}

static int one_name(int argc, char **argv, const char *usage_line)
{
	if (argc == 2 && rc_is_help(argv[1])) {
		printf("usage: raftctl %s\n", usage_line);
		return -1;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: raftctl %s\n", usage_line);
		return RC_USAGE;
	}
	return 0;
}

/* A user or group: a name, or a number. */
static int resolve_id(const char *s, bool group, unsigned int *id)
{
	char *end;
	unsigned long v;

	if (group) {
		struct group *gr = getgrnam(s);

		if (gr) {
			*id = gr->gr_gid;
			return 0;
		}
	} else {
		struct passwd *pw = getpwnam(s);

		if (pw) {
			*id = pw->pw_uid;
			return 0;
		}
	}
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || !*s)
		return -1;
	*id = v;
	return 0;
}

/*
 * Give /dev/<chardev> the owner, group and mode of [access] (udev does
 * the same from 60-raftlog.rules; this covers a system without udev).
 */
static int apply_access(const struct rc_conf *c, const char *chardev)
{
	char path[128];
	unsigned int uid = -1, gid = -1;
	struct stat st;

	if (!c->owner[0] && !c->devgroup[0] && !c->mode)
		return 0;
	snprintf(path, sizeof(path), "/dev/%s", chardev);
	if (stat(path, &st))
		return 0;	/* no node (yet): udev will make it */
	if (c->owner[0] && resolve_id(c->owner, false, &uid)) {
		rc_err("%s: [access] owner %s: no such user", c->name, c->owner);
		return RC_FAIL;
	}
	if (c->devgroup[0] && resolve_id(c->devgroup, true, &gid)) {
		rc_err("%s: [access] group %s: no such group", c->name, c->devgroup);
		return RC_FAIL;
	}
	if ((c->owner[0] || c->devgroup[0]) && chown(path, uid, gid)) {
		rc_err("%s: chown %s: %s", c->name, path, strerror(errno));
		return RC_FAIL;
	}
	if (c->mode && chmod(path, c->mode & 0777)) {
		rc_err("%s: chmod %s: %s", c->name, path, strerror(errno));
		return RC_FAIL;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* up, down                                                            */

int cmd_up(int argc, char **argv)
{
	uint8_t secret[RAFTLOG_SECRET_MAX];
	size_t secret_len = 0;
	static struct rc_status st;
	struct rc_conf c;
	struct rc_nl nl;
	struct nlmsghdr *nlh;
	int rc, err;

	rc = one_name(argc, argv, "up NAME");
	if (rc)
		return rc < 0 ? RC_OK : rc;
	rc = load("up", argv[1], &c);
	if (rc)
		return rc;
	if (c.secret_file[0] && rc_read_secret(c.secret_file, secret, &secret_len))
		return RC_USAGE;
	rc = rc_nl_open(&nl, false);
	if (rc)
		goto out;
	nlh = rc_nl_req(&nl, RAFTLOG_CMD_GROUP_NEW, 0);
	mnl_attr_put_u32(nlh, RAFTLOG_A_GROUP_ID, c.group_id);
	mnl_attr_put_u64(nlh, RAFTLOG_A_NODE_ID, c.node_id);
	mnl_attr_put_u64(nlh, RAFTLOG_A_CLUSTER_ID, c.cluster_id);
	mnl_attr_put_strz(nlh, RAFTLOG_A_DEVICE, c.device);
	if (c.listen[0])
		mnl_attr_put_strz(nlh, RAFTLOG_A_LISTEN, c.listen);
	for (int i = 0; i < c.n_peers; i++) {
		struct nlattr *nest = mnl_attr_nest_start(nlh, RAFTLOG_A_PEER);

		mnl_attr_put_u64(nlh, RAFTLOG_PEER_A_ID, c.peers[i].id);
		mnl_attr_put_strz(nlh, RAFTLOG_PEER_A_ADDR, c.peers[i].addr);
		mnl_attr_nest_end(nlh, nest);
	}
	if (secret_len)
		mnl_attr_put(nlh, RAFTLOG_A_SECRET, secret_len, secret);
	for (int i = 0; i < rc_conf_n_keys; i++)
		if (rc_conf_keys[i].attr && rc_conf_keys[i].type == RC_T_U64)
			mnl_attr_put_u64(nlh, rc_conf_keys[i].attr,
					 rc_conf_num(&c, &rc_conf_keys[i]));
		else if (rc_conf_keys[i].attr)
			mnl_attr_put_u32(nlh, rc_conf_keys[i].attr,
					 rc_conf_num(&c, &rc_conf_keys[i]));
	if (c.join)
		mnl_attr_put(nlh, RAFTLOG_A_JOIN, 0, NULL);
	if (c.insecure)
		mnl_attr_put(nlh, RAFTLOG_A_INSECURE, 0, NULL);
	err = rc_nl_talk(&nl, nlh, NULL, NULL);
	explicit_bzero(nl.buf, sizeof(nl.buf));
	explicit_bzero(nl.req, sizeof(nl.req));
	if (err == -EEXIST) {
		rc_err("up %s: group %u is up already (raftctl adjust %s applies changes)",
		       c.name, c.group_id, c.name);
		rc = RC_ALREADY;
	} else if (err) {
		char what[256];

		snprintf(what, sizeof(what), "up %s: group %u on %s", c.name,
			 c.group_id, c.device);
		rc = rc_nl_perror(&nl, what, err);
		switch (-err) {
		case ENOENT: case ENOTBLK: case EUCLEAN: case ESTALE:
		case ENOSPC: case EIO:
			rc = RC_DISK;
			break;
		}
	} else {
		rc = RC_OK;
		if (!rc_group_status(c.group_id, &st))
			rc = apply_access(&c, st.chardev);
	}
	rc_nl_close(&nl);
out:
	explicit_bzero(secret, sizeof(secret));
	return rc;
}

int cmd_down(int argc, char **argv)
{
	struct rc_conf c;
	struct rc_nl nl;
	struct nlmsghdr *nlh;
	int rc, err;

	rc = one_name(argc, argv, "down NAME");
	if (rc)
		return rc < 0 ? RC_OK : rc;
	rc = load("down", argv[1], &c);
	if (rc)
		return rc;
	rc = rc_nl_open(&nl, false);
	if (rc)
		return rc;
	nlh = rc_nl_req(&nl, RAFTLOG_CMD_GROUP_DEL, 0);
	mnl_attr_put_u32(nlh, RAFTLOG_A_GROUP_ID, c.group_id);
	err = rc_nl_talk(&nl, nlh, NULL, NULL);
	if (err == -ENOENT) {
		rc_err("down %s: group %u is not up", c.name, c.group_id);
		rc = RC_NOENT;
	} else {
		rc = err ? rc_nl_perror(&nl, "down", err) : RC_OK;
	}
	rc_nl_close(&nl);
	return rc;
}

/* ------------------------------------------------------------------ */
/* showconf, adjust                                                    */

/* The running group as a config: what the kernel says, and from the
 * file what it does not keep (secret file, join, access). */
static void running_conf(const struct rc_conf *file, const struct rc_status *st,
			 struct rc_conf *c)
{
	*c = *file;
	memset(c->line, 0, sizeof(c->line));
	c->group_id = st->group_id;
	c->cluster_id = st->cluster_id;
	c->node_id = st->node_id;
	snprintf(c->device, sizeof(c->device), "%s", st->device);
	snprintf(c->listen, sizeof(c->listen), "%s", st->listen);
	if (!st->auth)
		c->secret_file[0] = 0;
	c->tick_ms = st->tick_ms;
	c->election_ticks = st->election_ticks;
	c->heartbeat_ticks = st->heartbeat_ticks;
	c->max_entry = st->max_entry;
	c->max_pending = st->max_pending;
	c->cache_entries = st->cache_entries;
	c->log_mem = st->log_mem;
	c->retain = st->retain;
	c->compact_at = st->compact_at;
	c->n_peers = 0;
	for (int i = 0; i < st->n_members; i++) {
		const struct rc_member *m = &st->members[i];

		if (m->self || m->kind != RAFTLOG_MEMBER_VOTER ||
		    c->n_peers == RC_CONF_PEERS_MAX)
			continue;
		c->peers[c->n_peers].id = m->id;
		snprintf(c->peers[c->n_peers].addr, sizeof(c->peers[0].addr),
			 "%s", m->addr);
		c->n_peers++;
	}
	/* the file's order of peers, then any others by id (as listed) */
	for (int i = 0, k = 0; i < file->n_peers; i++)
		for (int j = k; j < c->n_peers; j++)
			if (c->peers[j].id == file->peers[i].id) {
				struct rc_conf_peer t = c->peers[k];

				c->peers[k] = c->peers[j];
				c->peers[j] = t;
				k++;
				break;
			}
}

static int get_running(const char *cmd, const struct rc_conf *c,
		       struct rc_status *st)
{
	int err = rc_group_status(c->group_id, st);

	if (err == -ENOENT && !access("/sys/module/raftlog", F_OK)) {
		rc_err("%s %s: group %u is not up (raftctl up %s)", cmd, c->name,
		       c->group_id, c->name);
		return RC_NOENT;
	}
	if (err == -ENOENT) {
		rc_err("%s %s: raftlog.ko is not loaded", cmd, c->name);
		return RC_NOMOD;
	}
	if (err) {
		rc_err("%s %s: group %u: %s", cmd, c->name, c->group_id, strerror(-err));
		return rc_exit_code(err);
	}
	if (st->node_id != c->node_id) {
		rc_err("%s %s: group %u runs node %" PRIu64 " here, the file says node %" PRIu64,
		       cmd, c->name, c->group_id, st->node_id, c->node_id);
		return RC_INVAL;
	}
	return RC_OK;
}

int cmd_showconf(int argc, char **argv)
{
	static struct rc_status st;
	struct rc_conf file, run;
	int rc;

	rc = one_name(argc, argv, "showconf NAME");
	if (rc)
		return rc < 0 ? RC_OK : rc;
	rc = load("showconf", argv[1], &file);
	if (rc)
		return rc;
	rc = get_running("showconf", &file, &st);
	if (rc)
		return rc;
	running_conf(&file, &st, &run);
	printf("# %s: group %u as it runs on node %" PRIu64 " (raftctl showconf)\n",
	       file.name, st.group_id, st.node_id);
	if (st.auth && !run.secret_file[0])
		printf("# a secret is set, from no secret-file this file names\n");
	for (int i = 0; i < st.n_members; i++)
		if (st.members[i].kind == RAFTLOG_MEMBER_LEARNER)
			printf("# learner %" PRIu64 " at %s (not a [peer]: raftctl member promote)\n",
			       st.members[i].id, st.members[i].addr);
	rc_conf_print(stdout, &run);
	return RC_OK;
}

int cmd_checkconf(int argc, char **argv)
{
	struct rc_conf c;
	bool quiet = false;
	const char *name = NULL;

	for (int i = 1; i < argc; i++) {
		if (rc_is_help(argv[i])) {
			printf("usage: raftctl checkconf NAME|FILE [-q]\n");
			return RC_OK;
		}
		if (!strcmp(argv[i], "-q"))
			quiet = true;
		else if (!name)
			name = argv[i];
		else
			name = "";
	}
	if (!name || !*name) {
		fprintf(stderr, "usage: raftctl checkconf NAME|FILE [-q]\n");
		return RC_USAGE;
	}
	if (rc_conf_load(rc_conf_dir(NULL), name, &c, stderr))
		return RC_USAGE;
	if (!quiet)
		rc_conf_print(stdout, &c);
	return RC_OK;
}

static const char *key_line(const struct rc_conf *c, int ki, char *buf, size_t len)
{
	if (c->line[ki])
		snprintf(buf, len, "%s:%d: ", c->path, c->line[ki]);
	else
		snprintf(buf, len, "%s: ", c->path);
	return buf;
}

int cmd_adjust(int argc, char **argv)
{
	static struct rc_status st;
	struct rc_conf c, run;
	struct rc_nl nl;
	struct nlmsghdr *nlh;
	char where[600];
	int rc, err, restart = 0, changes = 0;

	rc = one_name(argc, argv, "adjust NAME");
	if (rc)
		return rc < 0 ? RC_OK : rc;
	rc = load("adjust", argv[1], &c);
	if (rc)
		return rc;
	rc = get_running("adjust", &c, &st);
	if (rc)
		return rc;
	running_conf(&c, &st, &run);

	/* what a running group cannot take: say each, change nothing */
	for (int i = 0; i < rc_conf_n_keys; i++) {
		const struct rc_conf_key *k = &rc_conf_keys[i];
		const char *a = (const char *)&c + k->off;
		const char *b = (const char *)&run + k->off;
		char fv[300], rv[300];

		switch (k->type) {
		case RC_T_U32:
			if (*(uint32_t *)a == *(uint32_t *)b)
				continue;
			snprintf(fv, sizeof(fv), "%u", *(uint32_t *)a);
			snprintf(rv, sizeof(rv), "%u", *(uint32_t *)b);
			break;
		case RC_T_U64:
			if (*(uint64_t *)a == *(uint64_t *)b)
				continue;
			snprintf(fv, sizeof(fv), "%" PRIu64, *(uint64_t *)a);
			snprintf(rv, sizeof(rv), "%" PRIu64, *(uint64_t *)b);
			break;
		case RC_T_STR:
			if (k->off == offsetof(struct rc_conf, secret_file)) {
				if (!!c.secret_file[0] == st.auth)
					continue;
				snprintf(fv, sizeof(fv), "%s", c.secret_file[0] ? c.secret_file : "(none)");
				snprintf(rv, sizeof(rv), "%s", st.auth ? "a secret" : "no secret");
				break;
			}
			if (!strcmp(a, b))
				continue;
			snprintf(fv, sizeof(fv), "%s", *a ? a : "(none)");
			snprintf(rv, sizeof(rv), "%s", *b ? b : "(none)");
			break;
		default:
			continue;	/* join: boot only; access: below */
		}
		if (k->runtime) {
			changes++;
			continue;
		}
		rc_err("adjust %s: %s%s: running %s, file %s: needs a restart "
		       "(raftctl down %s; raftctl up %s)", c.name,
		       key_line(&c, i, where, sizeof(where)), k->key, rv, fv,
		       c.name, c.name);
		restart++;
	}
	if (restart) {
		rc_err("adjust %s: %d change%s need%s a restart; nothing changed",
		       c.name, restart, restart > 1 ? "s" : "", restart > 1 ? "" : "s");
		return RC_INVAL;
	}
	/* membership is the log's, changed with raftctl member: only say so */
	for (int i = 0; i < c.n_peers; i++) {
		int j;

		for (j = 0; j < run.n_peers; j++)
			if (run.peers[j].id == c.peers[i].id)
				break;
		if (j == run.n_peers)
			fprintf(stderr, "raftctl: adjust %s: %s:%d: peer %" PRIu64
				" is not a voter of the running group (raftctl member add/promote on the leader)\n",
				c.name, c.path, c.peers[i].line, c.peers[i].id);
		else if (strcmp(run.peers[j].addr, c.peers[i].addr))
			fprintf(stderr, "raftctl: adjust %s: %s:%d: peer %" PRIu64
				" runs at %s (an address changes by member remove and add)\n",
				c.name, c.path, c.peers[i].line, c.peers[i].id,
				run.peers[j].addr);
	}
	for (int j = 0; j < run.n_peers; j++) {
		int i;

		for (i = 0; i < c.n_peers; i++)
			if (run.peers[j].id == c.peers[i].id)
				break;
		if (i == c.n_peers)
			fprintf(stderr, "raftctl: adjust %s: voter %" PRIu64
				" is not a [peer] of the file (raftctl member remove on the leader)\n",
				c.name, run.peers[j].id);
	}

	if (changes) {
		rc = rc_nl_open(&nl, false);
		if (rc)
			return rc;
		nlh = rc_nl_req(&nl, RAFTLOG_CMD_GROUP_SET, 0);
		mnl_attr_put_u32(nlh, RAFTLOG_A_GROUP_ID, c.group_id);
		for (int i = 0; i < rc_conf_n_keys; i++) {
			const struct rc_conf_key *k = &rc_conf_keys[i];
			uint64_t a = rc_conf_num(&c, k);
			uint64_t b = rc_conf_num(&run, k);

			if (!k->runtime || a == b)
				continue;
			if (k->type == RC_T_U64)
				mnl_attr_put_u64(nlh, k->attr, a);
			else
				mnl_attr_put_u32(nlh, k->attr, a);
			printf("%s: %s %" PRIu64 " -> %" PRIu64 "\n", c.name,
			       k->key, b, a);
		}
		err = rc_nl_talk(&nl, nlh, NULL, NULL);
		rc = err ? rc_nl_perror(&nl, "adjust", err) : RC_OK;
		rc_nl_close(&nl);
		if (rc)
			return rc;
	} else {
		printf("%s: no run-time tunable changed\n", c.name);
	}
	return apply_access(&c, st.chardev);
}

/* ------------------------------------------------------------------ */
/* status                                                              */

struct status_ctx {
	const char *only;	/* a name, or NULL */
	int n;
	bool json;
	struct rc_json j;
};

static int status_cb(const struct nlmsghdr *nlh, void *data)
{
	struct status_ctx *x = data;
	static struct rc_status st;
	struct rc_conf c;
	const char *name = "-";
	int voters = 0, learners = 0;
	char leader[32];

	if (rc_status_parse(nlh, &st))
		return MNL_CB_ERROR;
	if (!rc_conf_find(rc_conf_dir(NULL), st.group_id, st.node_id, &c))
		name = c.name;
	if (x->only && strcmp(x->only, name))
		return MNL_CB_OK;
	if (x->json) {
		/* the objects of `group show -j`, named */
		if (strcmp(name, "-"))
			snprintf(st.name, sizeof(st.name), "%s", name);
		rc_status_json(&x->j, &st);
		x->n++;
		return MNL_CB_OK;
	}
	for (int i = 0; i < st.n_members; i++) {
		voters += st.members[i].kind == RAFTLOG_MEMBER_VOTER;
		learners += st.members[i].kind == RAFTLOG_MEMBER_LEARNER;
	}
	if (st.leader)
		snprintf(leader, sizeof(leader), "%" PRIu64, st.leader);
	else
		snprintf(leader, sizeof(leader), "none");
	printf("%s group %u node %" PRIu64 " %s term %" PRIu64 " leader %s"
	       " commit %" PRIu64 " applied %" PRIu64 " voters %d learners %d"
	       " /dev/%s %s\n", name, st.group_id, st.node_id,
	       rc_role_name(st.role), st.term, leader, st.commit, st.applied,
	       voters, learners, st.chardev,
	       st.flags & RAFTLOG_STATUS_F_FAILED ? "FAILED" :
	       st.storage_state == RAFTLOG_STORAGE_VOLATILE ? "volatile" : "ok");
	x->n++;
	return MNL_CB_OK;
}

int cmd_status(int argc, char **argv)
{
	struct status_ctx x = { 0 };
	struct rc_nl nl;
	struct nlmsghdr *nlh;
	int rc, err;

	for (int i = 1; i < argc; i++) {
		if (rc_is_help(argv[i])) {
			printf("usage: raftctl status [NAME] [-j]\n");
			return RC_OK;
		}
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			x.json = true;
		} else if (!x.only && argv[i][0] != '-') {
			x.only = argv[i];
		} else {
			fprintf(stderr, "usage: raftctl status [NAME] [-j]\n");
			return RC_USAGE;
		}
	}
	rc = rc_nl_open(&nl, false);
	if (rc)
		return rc;
	nlh = rc_nl_req(&nl, RAFTLOG_CMD_GROUP_GET, NLM_F_DUMP);
	if (x.json)
		j_begin(&x.j, NULL, '[');
	err = rc_nl_talk(&nl, nlh, status_cb, &x);
	if (x.json)
		j_end(&x.j, ']');
	fflush(stdout);
	rc = err ? rc_nl_perror(&nl, "status", err) : RC_OK;
	rc_nl_close(&nl);
	if (!rc && x.only && !x.n) {
		rc_err("status: %s is not up", x.only);
		rc = RC_NOENT;
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* udev                                                                */

int cmd_udev_name(int argc, char **argv)
{
	if (argc == 2 && rc_is_help(argv[1])) {
		printf("usage: raftctl udev-name KERNEL-NAME   (IMPORT{program} in 60-raftlog.rules)\n");
		return RC_OK;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: raftctl udev-name KERNEL-NAME\n");
		return RC_USAGE;
	}
	if (rc_conf_udev(stdout, rc_conf_dir(NULL), argv[1])) {
		rc_err("udev-name: \"%s\" is not a raftlog device name", argv[1]);
		return RC_USAGE;
	}
	return RC_OK;
}
