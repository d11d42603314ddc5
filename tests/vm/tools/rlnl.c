// SPDX-License-Identifier: GPL-2.0
/*
 * rlnl CMD [TYPE=KIND:VALUE]...: send one raw request of the raftlog
 * generic netlink family, for the malformed-request checks of the guest
 * scripts (raftctl only sends well-formed ones).  CMD and TYPE are the
 * numbers of uapi/linux/raftlog.h; KIND is u8, u16, u32, u64, str (NUL
 * terminated), raw (no NUL), flag, or nest:TYPE=KIND:VALUE (one nested
 * attribute).  Prints "ok", or "error ENAME" followed by the extended
 * ack: msg="...", offs=<type of the attribute at the offset>,
 * miss=<missing type>.  Exit 0 on ok, 1 on an error reply, 2 on misuse.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/raftlog.h>

static char sbuf[8192], rbuf[65536];
static uint16_t family;

static const char *ename(int e)
{
	static const struct { int e; const char *n; } t[] = {
		{ EINVAL, "EINVAL" }, { ERANGE, "ERANGE" }, { EPERM, "EPERM" },
		{ ENOENT, "ENOENT" }, { EEXIST, "EEXIST" }, { EOPNOTSUPP, "EOPNOTSUPP" },
		{ EADDRINUSE, "EADDRINUSE" }, { ENOTBLK, "ENOTBLK" }, { EBUSY, "EBUSY" },
		{ E2BIG, "E2BIG" }, { EUCLEAN, "EUCLEAN" }, { EMSGSIZE, "EMSGSIZE" },
		{ EADDRNOTAVAIL, "EADDRNOTAVAIL" }, { ESTALE, "ESTALE" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].e == e)
			return t[i].n;
	return "E?";
}

static int family_cb(const struct nlmsghdr *nlh, void *data __attribute__((unused)))
{
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			family = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static int put(struct nlmsghdr *nlh, char *spec)
{
	char *eq = strchr(spec, '='), *colon;
	unsigned long type;
	struct nlattr *nest;

	if (!eq)
		return -1;
	*eq = 0;
	type = strtoul(spec, NULL, 0);
	colon = strchr(eq + 1, ':');
	if (!strcmp(eq + 1, "flag")) {
		mnl_attr_put(nlh, type, 0, NULL);
		return 0;
	}
	if (!colon)
		return -1;
	*colon = 0;
	spec = eq + 1;
	if (!strcmp(spec, "u8"))
		mnl_attr_put_u8(nlh, type, strtoul(colon + 1, NULL, 0));
	else if (!strcmp(spec, "u16"))
		mnl_attr_put_u16(nlh, type, strtoul(colon + 1, NULL, 0));
	else if (!strcmp(spec, "u32"))
		mnl_attr_put_u32(nlh, type, strtoul(colon + 1, NULL, 0));
	else if (!strcmp(spec, "u64"))
		mnl_attr_put_u64(nlh, type, strtoull(colon + 1, NULL, 0));
	else if (!strcmp(spec, "str"))
		mnl_attr_put_strz(nlh, type, colon + 1);
	else if (!strcmp(spec, "raw"))
		mnl_attr_put(nlh, type, strlen(colon + 1), colon + 1);
	else if (!strcmp(spec, "nest")) {
		nest = mnl_attr_nest_start(nlh, type);
		if (put(nlh, colon + 1))
			return -1;
		mnl_attr_nest_end(nlh, nest);
	} else
		return -1;
	return 0;
}

/* Which attribute of the request starts at offset off (top level only). */
static int attr_at(const struct nlmsghdr *req, uint32_t off)
{
	const struct nlattr *a, *x;

	mnl_attr_for_each(a, req, sizeof(struct genlmsghdr)) {
		if ((uint32_t)((const char *)a - (const char *)req) == off)
			return mnl_attr_get_type(a);
		if (!(a->nla_type & NLA_F_NESTED) && mnl_attr_get_payload_len(a) < 4)
			continue;
		mnl_attr_for_each_nested(x, a)
			if ((uint32_t)((const char *)x - (const char *)req) == off)
				return 1000 * mnl_attr_get_type(a) + mnl_attr_get_type(x);
	}
	return -1;
}

static int talk(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
		bool report)
{
	unsigned int portid = mnl_socket_get_portid(nl), seq = nlh->nlmsg_seq;
	const struct nlmsgerr *e;
	const struct nlattr *a;
	ssize_t n;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(nl, rbuf, sizeof(rbuf));
		if (n < 0)
			return -errno;
		for (struct nlmsghdr *r = (void *)rbuf; mnl_nlmsg_ok(r, n);
		     r = mnl_nlmsg_next(r, (int *)&n)) {
			if (r->nlmsg_seq != seq || r->nlmsg_pid != portid)
				continue;
			if (r->nlmsg_type == NLMSG_DONE)
				return 0;
			if (r->nlmsg_type != NLMSG_ERROR) {
				if (cb)
					cb(r, NULL);
				continue;
			}
			e = mnl_nlmsg_get_payload(r);
			if (!report)
				return e->error;
			if (!e->error) {
				printf("ok\n");
				return 0;
			}
			printf("error %s", ename(-e->error));
			if (r->nlmsg_flags & NLM_F_ACK_TLVS) {
				unsigned int off = sizeof(*e);

				if (!(r->nlmsg_flags & NLM_F_CAPPED))
					off += e->msg.nlmsg_len - sizeof(e->msg);
				mnl_attr_for_each(a, r, off) {
					switch (mnl_attr_get_type(a)) {
					case NLMSGERR_ATTR_MSG:
						printf(" msg=\"%s\"", mnl_attr_get_str(a));
						break;
					case NLMSGERR_ATTR_OFFS:
						printf(" offs=%d", attr_at(nlh, mnl_attr_get_u32(a)));
						break;
					case NLMSGERR_ATTR_MISS_TYPE:
						printf(" miss=%u", mnl_attr_get_u32(a));
						break;
					}
				}
			}
			printf("\n");
			return e->error;
		}
	}
}

static struct nlmsghdr *req(uint16_t type, uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(sbuf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = time(NULL) + cmd;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

int main(int argc, char **argv)
{
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	int one = 1;

	if (argc < 2) {
		fprintf(stderr, "usage: rlnl CMD [TYPE=KIND:VALUE]...\n");
		return 2;
	}
	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("rlnl: netlink");
		return 2;
	}
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	nlh = req(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, RAFTLOG_GENL_NAME);
	if (talk(nl, nlh, family_cb, false) || !family) {
		fprintf(stderr, "rlnl: no raftlog family\n");
		return 2;
	}
	nlh = req(family, strtoul(argv[1], NULL, 0), RAFTLOG_GENL_VERSION);
	for (int i = 2; i < argc; i++) {
		if (put(nlh, argv[i])) {
			fprintf(stderr, "rlnl: bad attribute \"%s\"\n", argv[i]);
			return 2;
		}
	}
	return talk(nl, nlh, NULL, true) ? 1 : 0;
}
