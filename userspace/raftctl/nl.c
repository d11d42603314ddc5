// SPDX-License-Identifier: GPL-2.0
/*
 * raftctl's generic netlink plumbing on libmnl: resolve the "raftlog"
 * family and its "events" group, send one request, run the replies
 * through a callback, and turn an error into a message that names what
 * the kernel said (the extended ack's text, the attribute it points at
 * or the one it misses).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/raftlog.h>

#include "raftctl.h"

/* YNL names of the top-level attributes, for messages. */
static const char *const rc_attr_names[RAFTLOG_A_MAX + 1] = {
	[RAFTLOG_A_GROUP_ID] = "group-id",
	[RAFTLOG_A_NODE_ID] = "node-id",
	[RAFTLOG_A_CLUSTER_ID] = "cluster-id",
	[RAFTLOG_A_DEVICE] = "device",
	[RAFTLOG_A_LISTEN] = "listen",
	[RAFTLOG_A_PEER] = "peer",
	[RAFTLOG_A_SECRET] = "secret",
	[RAFTLOG_A_TICK_MS] = "tick-ms",
	[RAFTLOG_A_ELECTION_TICKS] = "election-ticks",
	[RAFTLOG_A_HEARTBEAT_TICKS] = "heartbeat-ticks",
	[RAFTLOG_A_MAX_ENTRY] = "max-entry",
	[RAFTLOG_A_MAX_PENDING] = "max-pending",
	[RAFTLOG_A_CACHE_ENTRIES] = "cache-entries",
	[RAFTLOG_A_LOG_MEM] = "log-mem",
	[RAFTLOG_A_MEMBER_ID] = "member-id",
	[RAFTLOG_A_MEMBER_ADDR] = "member-addr",
	[RAFTLOG_A_INDEX] = "index",
	[RAFTLOG_A_JOIN] = "join",
	[RAFTLOG_A_VOLATILE] = "volatile",
	[RAFTLOG_A_INSECURE] = "insecure",
	[RAFTLOG_A_RETAIN] = "retain",
	[RAFTLOG_A_COMPACT_AT] = "compact-at",
};

static const char *const rc_peer_names[RAFTLOG_PEER_A_MAX + 1] = {
	[RAFTLOG_PEER_A_ID] = "peer id",
	[RAFTLOG_PEER_A_ADDR] = "peer address",
};

static const char *rc_attr_name(int type, bool peer)
{
	const char *n = NULL;

	if (peer && type >= 0 && type <= RAFTLOG_PEER_A_MAX)
		n = rc_peer_names[type];
	else if (!peer && type >= 0 && type <= RAFTLOG_A_MAX)
		n = rc_attr_names[type];
	return n ? n : "?";
}

int rc_nl_open(struct rc_nl *nl, bool quiet)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	int one = 1, err;

	memset(nl, 0, sizeof(*nl));
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock || mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc_err("netlink: %s", strerror(errno));
		return RC_FAIL;
	}
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = time(NULL);

	/* resolve the family id and the events group */
	nlh = mnl_nlmsg_put_header(nl->buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, RAFTLOG_GENL_NAME);
	err = rc_nl_talk(nl, nlh, rc_nl_family_cb, nl);
	if (err || !nl->family) {
		if (!quiet)
			rc_err("generic netlink family \"%s\" not found: is raftlog.ko loaded?",
			       RAFTLOG_GENL_NAME);
		mnl_socket_close(nl->sock);
		nl->sock = NULL;
		return RC_NOMOD;
	}
	return RC_OK;
}

void rc_nl_close(struct rc_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

static int rc_mcgrp_cb(const struct nlattr *a, void *data)
{
	struct rc_nl *nl = data;
	struct nlattr *x;
	const char *name = NULL;
	uint32_t id = 0;

	mnl_attr_for_each_nested(x, a) {
		if (mnl_attr_get_type(x) == CTRL_ATTR_MCAST_GRP_NAME)
			name = mnl_attr_get_str(x);
		else if (mnl_attr_get_type(x) == CTRL_ATTR_MCAST_GRP_ID)
			id = mnl_attr_get_u32(x);
	}
	if (name && !strcmp(name, RAFTLOG_MCGRP_EVENTS))
		nl->mcgrp_events = id;
	return MNL_CB_OK;
}

int rc_nl_family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rc_nl *nl = data;
	struct nlattr *a, *x;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			nl->family = mnl_attr_get_u16(a);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			mnl_attr_for_each_nested(x, a)
				rc_mcgrp_cb(x, nl);
			break;
		}
	}
	return MNL_CB_OK;
}

struct nlmsghdr *rc_nl_req(struct rc_nl *nl, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = RAFTLOG_GENL_VERSION;
	return nlh;
}

/* Find which attribute of the request lies at byte offset @off. */
static void rc_name_offset(struct rc_nl *nl, uint32_t off)
{
	const struct nlmsghdr *req = (const struct nlmsghdr *)nl->req;
	const struct nlattr *a, *x;
	const char *base = nl->req;

	mnl_attr_for_each(a, req, sizeof(struct genlmsghdr)) {
		uint32_t ao = (const char *)a - base;

		if (ao == off) {
			snprintf(nl->ext_attr, sizeof(nl->ext_attr), "%s",
				 rc_attr_name(mnl_attr_get_type(a), false));
			return;
		}
		if (mnl_attr_get_type(a) != RAFTLOG_A_PEER)
			continue;
		mnl_attr_for_each_nested(x, a) {
			if ((uint32_t)((const char *)x - base) == off) {
				snprintf(nl->ext_attr, sizeof(nl->ext_attr), "%s",
					 rc_attr_name(mnl_attr_get_type(x), true));
				return;
			}
		}
	}
}

/* What one exchange passes through libmnl to both kinds of callback. */
struct rc_talk {
	struct rc_nl *nl;
	rc_nl_cb cb;
	void *data;
};

static int rc_data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rc_talk *t = data;

	return t->cb ? t->cb(nlh, t->data) : MNL_CB_OK;
}

static int rc_done_cb(const struct nlmsghdr *nlh, void *data)
{
	const int *e = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(int)) && *e < 0) {
		errno = -*e;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

static int rc_noop_cb(const struct nlmsghdr *nlh, void *data)
{
	return MNL_CB_OK;
}

static int rc_err_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct rc_nl *nl = ((struct rc_talk *)data)->nl;
	const struct nlattr *a;
	unsigned int off;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		/* the TLVs follow the (capped) request */
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(e->msg);
		mnl_attr_for_each(a, nlh, off) {
			switch (mnl_attr_get_type(a)) {
			case NLMSGERR_ATTR_MSG:
				snprintf(nl->ext_msg, sizeof(nl->ext_msg), "%s",
					 mnl_attr_get_str(a));
				break;
			case NLMSGERR_ATTR_OFFS:
				rc_name_offset(nl, mnl_attr_get_u32(a));
				break;
			case NLMSGERR_ATTR_MISS_TYPE:
				snprintf(nl->ext_miss, sizeof(nl->ext_miss), "%s",
					 rc_attr_name(mnl_attr_get_u32(a),
						      nl->ext_miss_nest));
				break;
			case NLMSGERR_ATTR_MISS_NEST:
				nl->ext_miss_nest = true;
				break;
			}
		}
	}
	if (e->error) {
		errno = -e->error;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

int rc_nl_talk(struct rc_nl *nl, struct nlmsghdr *nlh, rc_nl_cb cb, void *data)
{
	static mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_NOOP] = rc_noop_cb,
		[NLMSG_ERROR] = rc_err_cb,
		[NLMSG_DONE] = rc_done_cb,
		[NLMSG_OVERRUN] = rc_noop_cb,
	};
	struct rc_talk t = { .nl = nl, .cb = cb, .data = data };
	char *rbuf = nl->rbuf;
	unsigned int seq = ++nl->seq;
	ssize_t n;
	int ret;

	nl->ext_msg[0] = nl->ext_attr[0] = nl->ext_miss[0] = 0;
	nl->ext_miss_nest = false;
	nlh->nlmsg_seq = seq;
	memcpy(nl->req, nlh, nlh->nlmsg_len < sizeof(nl->req) ?
	       nlh->nlmsg_len : sizeof(nl->req));
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(nl->sock, rbuf, sizeof(nl->rbuf));
		if (n < 0)
			return -errno;
		errno = 0;
		ret = mnl_cb_run2(rbuf, n, seq, nl->portid, rc_data_cb, &t,
				  ctl, NLMSG_MIN_TYPE);
		if (ret == MNL_CB_ERROR)
			return errno ? -errno : -EIO;
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

/* Print why a request failed, extended ack included; returns an exit code. */
int rc_nl_perror(struct rc_nl *nl, const char *what, int err)
{
	char extra[400] = "";

	if (nl->ext_msg[0] && nl->ext_attr[0])
		snprintf(extra, sizeof(extra), ": %s (attribute %s)",
			 nl->ext_msg, nl->ext_attr);
	else if (nl->ext_msg[0] && nl->ext_miss[0])
		snprintf(extra, sizeof(extra), ": %s (missing attribute %s)",
			 nl->ext_msg, nl->ext_miss);
	else if (nl->ext_msg[0])
		snprintf(extra, sizeof(extra), ": %s", nl->ext_msg);
	else if (nl->ext_miss[0])
		snprintf(extra, sizeof(extra), ": missing attribute %s",
			 nl->ext_miss);
	else if (nl->ext_attr[0])
		snprintf(extra, sizeof(extra), ": attribute %s", nl->ext_attr);
	/* strerror(EREMOTE) is "Object is remote": say what it means here */
	if (err == -EREMOTE && !strncmp(nl->ext_msg, "not the leader", 14))
		rc_err("%s%s", what, extra);
	else
		rc_err("%s: %s%s", what,
		       err == -EREMOTE ? "not the leader" : strerror(-err),
		       extra);
	return rc_exit_code(err);
}

int rc_exit_code(int err)
{
	switch (-err) {
	case 0:
		return RC_OK;
	case ENOENT:
	case ENODEV:
		return RC_NOENT;
	case EPERM:
	case EACCES:
		return RC_PERM;
	case EINVAL:
	case ERANGE:
	case E2BIG:
		return RC_INVAL;
	case EAGAIN:
	case EBUSY:
		return RC_AGAIN;
	case EREMOTE:
		return RC_NOTLEADER;
	case ETIMEDOUT:
	case ECANCELED:
	case EINTR:
		return RC_UNSURE;
	case EALREADY:
		return RC_ALREADY;
	default:
		return RC_FAIL;
	}
}
