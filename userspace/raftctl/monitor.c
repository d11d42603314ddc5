// SPDX-License-Identifier: GPL-2.0
/*
 * raftctl monitor [-j]: print the events of the groups of this network
 * namespace (RAFTLOG_CMD_EVENT on the "events" multicast group), one line
 * each, as they come, until interrupted.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/raftlog.h>

#include "raftctl.h"
#include "status.h"

static const char *const event_names[] = {
	[RAFTLOG_EVENT_GROUP_UP] = "group-up",
	[RAFTLOG_EVENT_GROUP_DOWN] = "group-down",
	[RAFTLOG_EVENT_ROLE] = "role",
	[RAFTLOG_EVENT_LEADER] = "leader",
	[RAFTLOG_EVENT_MEMBERS] = "members",
	[RAFTLOG_EVENT_PEER_UP] = "peer-up",
	[RAFTLOG_EVENT_PEER_DOWN] = "peer-down",
	[RAFTLOG_EVENT_FAILED] = "failed",
	[RAFTLOG_EVENT_CORRUPT] = "corrupt",
};

struct event {
	uint32_t type, group;
	uint64_t node, term, leader, peer;
	uint8_t role;
	int32_t error;
	int n_members;
	struct rc_member members[RC_MAX_MEMBERS];
};

static const char *event_name(uint32_t t)
{
	return t < sizeof(event_names) / sizeof(event_names[0]) &&
	       event_names[t] ? event_names[t] : "unknown";
}

static void print_members(const struct event *e, bool learners, bool json,
			  struct rc_json *j)
{
	bool first = true;

	for (int i = 0; i < e->n_members; i++) {
		if ((e->members[i].kind == RAFTLOG_MEMBER_LEARNER) != learners)
			continue;
		if (json)
			j_u64(j, NULL, e->members[i].id);
		else
			printf("%s%" PRIu64, first ? "" : ",", e->members[i].id);
		first = false;
	}
	if (!json && first)
		putchar('-');
}

static void print_event(const struct event *e, bool json)
{
	struct rc_json j = { 0 };

	if (json) {
		j_begin(&j, NULL, '{');
		j_str(&j, "event", event_name(e->type));
		j_u64(&j, "group", e->group);
		j_u64(&j, "node", e->node);
	} else {
		printf("group %u node %" PRIu64 ": %s", e->group, e->node,
		       event_name(e->type));
	}
	switch (e->type) {
	case RAFTLOG_EVENT_ROLE:
	case RAFTLOG_EVENT_LEADER:
		if (json) {
			j_str(&j, "role", rc_role_name(e->role));
			j_u64(&j, "term", e->term);
			j_u64(&j, "leader", e->leader);
		} else {
			printf(" %s term %" PRIu64 " leader ", rc_role_name(e->role),
			       e->term);
			if (e->leader)
				printf("%" PRIu64, e->leader);
			else
				printf("none");
		}
		break;
	case RAFTLOG_EVENT_PEER_UP:
	case RAFTLOG_EVENT_PEER_DOWN:
		if (json)
			j_u64(&j, "peer", e->peer);
		else
			printf(" %" PRIu64, e->peer);
		break;
	case RAFTLOG_EVENT_MEMBERS:
		if (json) {
			j_begin(&j, "voters", '[');
			print_members(e, false, true, &j);
			j_end(&j, ']');
			j_begin(&j, "learners", '[');
			print_members(e, true, true, &j);
			j_end(&j, ']');
		} else {
			printf(" voters ");
			print_members(e, false, false, NULL);
			printf(" learners ");
			print_members(e, true, false, NULL);
		}
		break;
	case RAFTLOG_EVENT_FAILED:
	case RAFTLOG_EVENT_CORRUPT:
		if (json)
			j_s64(&j, "error", e->error);
		else
			printf(" %s", strerror(-e->error));
		break;
	}
	if (json)
		j_end(&j, '}');
	else
		putchar('\n');
	fflush(stdout);
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	struct event e;
	bool *json = data;

	if (g->cmd != RAFTLOG_CMD_EVENT)
		return MNL_CB_OK;
	memset(&e, 0, sizeof(e));
	mnl_attr_for_each(a, nlh, sizeof(*g)) {
		switch (mnl_attr_get_type(a)) {
		case RAFTLOG_A_EVENT: e.type = mnl_attr_get_u32(a); break;
		case RAFTLOG_A_GROUP_ID: e.group = mnl_attr_get_u32(a); break;
		case RAFTLOG_A_NODE_ID: e.node = mnl_attr_get_u64(a); break;
		case RAFTLOG_A_ROLE: e.role = mnl_attr_get_u8(a); break;
		case RAFTLOG_A_TERM: e.term = mnl_attr_get_u64(a); break;
		case RAFTLOG_A_LEADER: e.leader = mnl_attr_get_u64(a); break;
		case RAFTLOG_A_MEMBER_ID: e.peer = mnl_attr_get_u64(a); break;
		case RAFTLOG_A_ERROR: e.error = (int32_t)mnl_attr_get_u32(a); break;
		case RAFTLOG_A_MEMBER:
			if (e.n_members < RC_MAX_MEMBERS)
				rc_member_parse(a, &e.members[e.n_members++]);
			break;
		}
	}
	print_event(&e, *json);
	return MNL_CB_OK;
}

int cmd_monitor(int argc, char **argv)
{
	static const char u[] = "usage: raftctl monitor [-j]\n";
	struct rc_nl nl;
	bool json = false;
	ssize_t n;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (rc_is_help(argv[i])) {
			fputs(u, stdout);
			return RC_OK;
		}
		if (strcmp(argv[i], "-j") && strcmp(argv[i], "--json")) {
			fputs(u, stderr);
			return RC_USAGE;
		}
		json = true;
	}
	rc = rc_nl_open(&nl, false);
	if (rc)
		return rc;
	if (!nl.mcgrp_events ||
	    mnl_socket_setsockopt(nl.sock, NETLINK_ADD_MEMBERSHIP,
				  &nl.mcgrp_events, sizeof(nl.mcgrp_events)) < 0) {
		rc_err("monitor: cannot join the events group: %s",
		       strerror(errno));
		rc_nl_close(&nl);
		return RC_FAIL;
	}
	for (;;) {
		n = mnl_socket_recvfrom(nl.sock, nl.rbuf, sizeof(nl.rbuf));
		if (n < 0 && errno == ENOBUFS) {
			rc_err("monitor: events were lost (receive buffer full)");
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc_err("monitor: %s", strerror(errno));
			break;
		}
		if (mnl_cb_run(nl.rbuf, n, 0, 0, event_cb, &json) < 0)
			break;
	}
	rc_nl_close(&nl);
	return RC_FAIL;
}
