// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the in-kernel transport (kernel/transport*.c): real
 * endpoints on 127.0.0.1 in the initial network namespace, talking TCP to
 * each other through the real listen/dial/handshake/send/receive paths.
 * Hostile input comes from plain kernel TCP sockets that speak bytes
 * rather than the protocol.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/net.h>
#include <linux/in.h>
#include <linux/inet.h>
#include <linux/delay.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <kunit/test.h>
#include "port.h"
#include "wire.h"
#include "transport.h"

#define TP_WAIT		(20 * HZ)	/* TCG guests are slow */
#define TP_CLUSTER	0xc0ffee
#define TP_GROUP	5

struct tp_node {
	struct rl_tp_ep *ep;
	u64 id;
	u16 port;
	spinlock_t lock;	/* the receive counters */
	wait_queue_head_t wq;
	u64 received;		/* APPENDs received */
	u64 next_index;		/* the index expected next (0: any) */
	u64 out_of_order;
	u64 bad_payload;
	u64 bytes;
};

static void tp_recv(void *ctx, struct raft_msg *m)
{
	struct tp_node *n = ctx;
	u32 i;
	bool ok = true;

	if (m->type == RAFT_MSG_APPEND && m->n_entries == 1) {
		const struct raft_entry *e = &m->entries[0];

		for (i = 0; i < e->len; i++)
			if (e->data[i] != (u8)(m->index + i))
				ok = false;
	}
	spin_lock_bh(&n->lock);
	if (!ok)
		n->bad_payload++;
	if (n->next_index && m->index != n->next_index)
		n->out_of_order++;
	n->next_index = m->index + 1;
	n->received++;
	if (m->n_entries)
		n->bytes += m->entries[0].len;
	spin_unlock_bh(&n->lock);
	wake_up(&n->wq);
}

static void tp_addr(struct sockaddr_storage *ss, u16 port)
{
	struct sockaddr_in *a = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a->sin_port = htons(port);
}

static int tp_open(struct tp_node *n, u64 id, u16 port, u64 cluster,
		   const char *secret, u32 qframes)
{
	struct rl_tp_config *cfg;
	int err;

	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return -ENOMEM;
	if (!n->id) {
		spin_lock_init(&n->lock);
		init_waitqueue_head(&n->wq);
	}
	n->id = id;
	n->port = port;
	cfg->net = &init_net;
	tp_addr(&cfg->listen, port);
	cfg->cluster_id = cluster;
	cfg->group_id = TP_GROUP;
	cfg->node_id = id;
	if (secret) {
		cfg->secret_len = strlen(secret);
		memcpy(cfg->secret, secret, cfg->secret_len);
	}
	cfg->queue_frames = qframes;
	cfg->connect_timeout_ms = 2000;
	cfg->backoff_min_ms = 50;
	cfg->backoff_max_ms = 400;
	cfg->recv = tp_recv;
	cfg->ctx = n;
	n->ep = rl_tp_open(cfg, &err);
	kfree_sensitive(cfg);
	return n->ep ? 0 : err;
}

static int tp_link(struct tp_node *from, struct tp_node *to)
{
	struct sockaddr_storage ss;

	tp_addr(&ss, to->port);
	return rl_tp_peer_add(from->ep, to->id, &ss);
}

static int tp_send(struct tp_node *from, u64 to, u64 index, u32 len)
{
	struct raft_entry e = { .term = 1, .index = index, .len = len };
	struct raft_msg m = {
		.type = RAFT_MSG_APPEND, .from = from->id, .to = to,
		.term = 1, .index = index, .n_entries = 1, .entries = &e,
	};
	u32 i;
	int err;

	e.data = kmalloc(len ? len : 1, GFP_KERNEL);
	if (!e.data)
		return -ENOMEM;
	for (i = 0; i < len; i++)
		e.data[i] = (u8)(index + i);
	err = rl_tp_send(from->ep, &m);
	kfree(e.data);
	return err;
}

static u64 tp_received(struct tp_node *n)
{
	u64 v;

	spin_lock_bh(&n->lock);
	v = n->received;
	spin_unlock_bh(&n->lock);
	return v;
}

static void tp_stats(struct tp_node *n, u64 peer, struct rl_tp_stats *st)
{
	if (rl_tp_peer_stats(n->ep, peer, st))
		memset(st, 0, sizeof(*st));
}

/* Poll @cond (an expression) every 20 ms until true or TP_WAIT passes. */
#define tp_wait_until(cond)						\
	({								\
		unsigned long __end = jiffies + TP_WAIT;		\
		bool __ok;						\
		while (!(__ok = (cond)) && time_before(jiffies, __end))	\
			msleep(20);					\
		__ok;							\
	})

static u64 tp_peer_field(struct tp_node *n, u64 peer, size_t off)
{
	struct rl_tp_stats st;

	tp_stats(n, peer, &st);
	return *(u64 *)((u8 *)&st + off);
}

#define PF(n, peer, field) \
	tp_peer_field(n, peer, offsetof(struct rl_tp_stats, field))

static u64 tp_hs_fail(struct tp_node *n, u64 peer, u32 reason)
{
	struct rl_tp_stats st;

	tp_stats(n, peer, &st);
	return st.hs_fail[reason];
}

static void tp_close(struct tp_node *n)
{
	rl_tp_close(n->ep);
	n->ep = NULL;
}

/* Messages arrive complete and in order, both directions. */
static void tp_delivers_in_order(struct kunit *test)
{
	struct tp_node *a, *b;
	u64 i, sent = 0;
	int err;

	a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, tp_open(a, 1, 17101, TP_CLUSTER, "s3cret", 0), 0);
	KUNIT_ASSERT_EQ(test, tp_open(b, 2, 17102, TP_CLUSTER, "s3cret", 0), 0);
	KUNIT_EXPECT_EQ(test, tp_link(a, b), 0);
	KUNIT_EXPECT_EQ(test, tp_link(b, a), 0);
	KUNIT_EXPECT_EQ(test, tp_link(a, b), -EEXIST);
	KUNIT_EXPECT_TRUE(test, tp_wait_until(PF(a, 2, up) && PF(b, 1, up)));

	for (i = 1; i <= 1000; i++) {
		/* sizes from 0 to 70 KiB: partial sends and multi-read frames */
		u32 len = (i % 50 == 0) ? 70000 : (u32)(i % 300);

		/* queue full: wait and resend, as Raft would */
		while ((err = tp_send(a, 2, i, len)) == -ENOBUFS)
			usleep_range(5000, 6000);
		if (!err)
			sent++;
		else
			KUNIT_FAIL(test, "send: %d", err);
	}
	KUNIT_EXPECT_EQ(test, tp_send(b, 1, 1, 10), 0);
	KUNIT_EXPECT_EQ(test, tp_send(a, 9, 1, 10), -ENOENT);
	KUNIT_EXPECT_TRUE(test, tp_wait_until(tp_received(b) == sent));
	KUNIT_EXPECT_TRUE(test, tp_wait_until(tp_received(a) == 1));
	KUNIT_EXPECT_EQ(test, b->out_of_order, 0);
	KUNIT_EXPECT_EQ(test, b->bad_payload, 0);
	KUNIT_EXPECT_EQ(test, PF(a, 2, frames_out), sent);
	KUNIT_EXPECT_EQ(test, PF(b, 1, frames_in), sent);
	KUNIT_EXPECT_EQ(test, PF(a, 2, bytes_out), PF(b, 1, bytes_in));
	KUNIT_EXPECT_EQ(test, PF(a, 2, connects), 1);
	KUNIT_EXPECT_EQ(test, PF(b, 1, accepts), 1);
	KUNIT_EXPECT_EQ(test, PF(b, 1, decode_errors), 0);
	KUNIT_EXPECT_EQ(test, sent, 1000);
	kunit_info(test, "%llu delivered in order, %llu refused by a full queue",
		   sent, PF(a, 2, frames_dropped));
	tp_close(a);
	tp_close(b);
}

/* A peer that goes away is redialed when it comes back. */
static void tp_peer_restart_reconnects(struct kunit *test)
{
	struct tp_node *a, *b;

	a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, tp_open(a, 1, 17111, TP_CLUSTER, NULL, 0), 0);
	KUNIT_ASSERT_EQ(test, tp_open(b, 2, 17112, TP_CLUSTER, NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, tp_link(a, b), 0);
	KUNIT_EXPECT_EQ(test, tp_link(b, a), 0);
	KUNIT_EXPECT_TRUE(test, tp_wait_until(PF(a, 2, up)));
	KUNIT_EXPECT_EQ(test, tp_send(a, 2, 1, 100), 0);
	KUNIT_EXPECT_TRUE(test, tp_wait_until(tp_received(b) == 1));

	tp_close(b);		/* with a live connection in both directions */
	KUNIT_EXPECT_TRUE(test, tp_wait_until(PF(a, 2, disconnects) == 1));
	KUNIT_EXPECT_TRUE(test, tp_wait_until(PF(a, 2, connect_failures) >= 1));
	KUNIT_ASSERT_EQ(test, tp_open(b, 2, 17112, TP_CLUSTER, NULL, 0), 0);
	b->next_index = 0;
	KUNIT_EXPECT_EQ(test, tp_link(b, a), 0);
	KUNIT_EXPECT_TRUE(test, tp_wait_until(PF(a, 2, connects) == 2));
	KUNIT_EXPECT_EQ(test, tp_send(a, 2, 2, 100), 0);
	KUNIT_EXPECT_TRUE(test, tp_wait_until(tp_received(b) == 2));
	KUNIT_EXPECT_EQ(test, b->bad_payload, 0);
	tp_close(a);
	tp_close(b);
}

/* Wrong secret, no secret vs secret, wrong cluster: refused, counted. */
static void tp_refusals(struct kunit *test)
{
	static const struct {
		const char *sa, *sb;
		u64 cb;
		u32 a_reason, b_reason;
	} cases[] = {
		/* a (dialer) checks b's proof first, so a refuses */
		{ "secret-one", "secret-two", TP_CLUSTER,
		  RAFTLOG_REJECT_AUTH, RAFTLOG_REJECT_AUTH },
		{ "secret-one", NULL, TP_CLUSTER,
		  RAFTLOG_REJECT_AUTH_MODE, RAFTLOG_REJECT_AUTH_MODE },
		{ "secret-one", "secret-one", TP_CLUSTER + 1,
		  RAFTLOG_REJECT_CLUSTER, RAFTLOG_REJECT_CLUSTER },
	};
	struct tp_node *a, *b;
	int i;

	a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		KUNIT_ASSERT_EQ(test, tp_open(a, 1, 17121, TP_CLUSTER, cases[i].sa, 0), 0);
		KUNIT_ASSERT_EQ(test, tp_open(b, 2, 17122, cases[i].cb, cases[i].sb, 0), 0);
		b->received = 0;
		KUNIT_EXPECT_EQ(test, tp_link(b, a), 0);
		KUNIT_EXPECT_EQ(test, tp_link(a, b), 0);
		KUNIT_EXPECT_EQ(test, tp_send(a, 2, 1, 10), 0);
		KUNIT_EXPECT_TRUE(test, tp_wait_until(tp_hs_fail(a, 2, cases[i].a_reason) >= 2));
		KUNIT_EXPECT_TRUE(test, tp_wait_until(tp_hs_fail(b, 1, cases[i].b_reason) >= 2));
		KUNIT_EXPECT_EQ(test, PF(a, 2, connects), 0);
		KUNIT_EXPECT_EQ(test, PF(b, 1, accepts), 0);
		KUNIT_EXPECT_EQ(test, tp_received(b), 0);
		KUNIT_EXPECT_EQ(test, PF(a, 2, up), 0);
		tp_close(a);
		tp_close(b);
	}
}

/*
 * Sends never block.  To a peer that is down, only the newest frames
 * wait (the oldest are dropped and counted); once connected, a full
 * queue refuses new frames with -ENOBUFS.
 */
static void tp_queue_overflow_drops(struct kunit *test)
{
	struct tp_node *a;
	struct sockaddr_storage ss;
	int i, queued = 0, dropped = 0, err;

	a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_EQ(test, tp_open(a, 1, 17131, TP_CLUSTER, NULL, 8), 0);
	tp_addr(&ss, 17139);	/* nobody listens there */
	KUNIT_EXPECT_EQ(test, rl_tp_peer_add(a->ep, 2, &ss), 0);
	for (i = 0; i < 20; i++) {
		err = tp_send(a, 2, i + 1, 64);
		if (!err)
			queued++;
		else if (err == -ENOBUFS)
			dropped++;
	}
	KUNIT_EXPECT_EQ(test, queued, 20);
	KUNIT_EXPECT_EQ(test, dropped, 0);
	KUNIT_EXPECT_EQ(test, PF(a, 2, frames_dropped), 12);
	KUNIT_EXPECT_TRUE(test, tp_wait_until(PF(a, 2, connect_failures) >= 2));
	KUNIT_EXPECT_EQ(test, rl_tp_peer_remove(a->ep, 2), 0);
	KUNIT_EXPECT_EQ(test, rl_tp_peer_remove(a->ep, 2), -ENOENT);
	tp_close(a);
}

/*
 * A peer that comes up after 200 frames were sent to it gets the newest
 * 64 (the default down_frames), in order, and the rest are counted as
 * dropped: no replay of stale messages ahead of current ones.
 */
static void tp_down_peer_gets_newest(struct kunit *test)
{
	struct tp_node *a, *b, later = { .id = 2, .port = 17142 };
	u64 i;

	a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, tp_open(a, 1, 17141, TP_CLUSTER, NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, tp_link(a, &later), 0);
	for (i = 1; i <= 200; i++)
		KUNIT_EXPECT_EQ(test, tp_send(a, 2, i, 32), 0);
	KUNIT_EXPECT_EQ(test, PF(a, 2, frames_dropped), 136);
	b->next_index = 137;	/* what must arrive first */
	KUNIT_ASSERT_EQ(test, tp_open(b, 2, 17142, TP_CLUSTER, NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, tp_link(b, a), 0);
	KUNIT_EXPECT_TRUE(test, tp_wait_until(tp_received(b) == 64));
	KUNIT_EXPECT_EQ(test, b->next_index, 201);
	KUNIT_EXPECT_EQ(test, b->out_of_order, 0);
	KUNIT_EXPECT_EQ(test, b->bad_payload, 0);
	/*
	 * the sender counts a frame once sendmsg returned, which can be after
	 * the receiver got it: wait for the count, don't race it
	 */
	KUNIT_EXPECT_TRUE(test, tp_wait_until(PF(a, 2, frames_out) == 64));
	KUNIT_EXPECT_EQ(test, PF(a, 2, frames_out), 64);
	tp_close(a);
	tp_close(b);
}

/* ---- hostile bytes from a plain TCP client ---- */

static struct socket *tp_raw_connect(struct kunit *test, u16 port)
{
	struct sockaddr_storage ss;
	struct socket *s;
	int err;

	err = sock_create_kern(&init_net, AF_INET, SOCK_STREAM, IPPROTO_TCP, &s);
	KUNIT_ASSERT_EQ(test, err, 0);
	s->sk->sk_rcvtimeo = TP_WAIT;
	s->sk->sk_sndtimeo = TP_WAIT;
	tp_addr(&ss, port);
	err = kernel_connect(s, (struct sockaddr *)&ss, sizeof(struct sockaddr_in), 0);
	if (err) {
		sock_release(s);
		KUNIT_FAIL(test, "connect: %d", err);
		return NULL;
	}
	return s;
}

static void tp_raw_send(struct socket *s, const void *buf, size_t len)
{
	struct msghdr msg = { .msg_flags = MSG_NOSIGNAL };
	struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };

	kernel_sendmsg(s, &msg, &iov, 1, len);
}

/* Read until the server closes; returns the bytes it sent, < 0 on timeout. */
static int tp_raw_until_closed(struct socket *s, u8 *buf, size_t cap)
{
	size_t got = 0;

	for (;;) {
		struct msghdr msg = { .msg_flags = MSG_NOSIGNAL };
		struct kvec iov;
		u8 junk[64];
		int ret;

		iov.iov_base = got < cap ? buf + got : junk;
		iov.iov_len = got < cap ? cap - got : sizeof(junk);
		ret = kernel_recvmsg(s, &msg, &iov, 1, iov.iov_len, 0);
		if (ret == 0 || ret == -ECONNRESET)
			return got;
		if (ret < 0)
			return ret;	/* -EAGAIN: timed out, still open */
		got += ret;
	}
}

enum { TP_RANDOM, TP_OVERSIZED, TP_BADCRC, TP_BADVERSION, TP_TRUNCATED,
	TP_WRONG_GROUP, TP_RAFT_FIRST, TP_NCASES };

static void tp_hostile_input(struct kunit *test)
{
	static const char *const names[TP_NCASES] = {
		"random bytes", "oversized length", "bad checksum",
		"bad version", "truncated frame", "unknown group",
		"raft frame before handshake",
	};
	struct tp_node *b;
	struct rl_tp_stats st0, st1;
	struct rl_wire_hello h = {
		.version = RAFTLOG_WIRE_VERSION, .group_id = TP_GROUP,
		.cluster_id = TP_CLUSTER, .sender = 1, .receiver = 2,
	};
	u8 *f = kunit_kzalloc(test, 8192, GFP_KERNEL);
	u8 *reply = kunit_kzalloc(test, 256, GFP_KERNEL);
	struct socket *s;
	int i, n;

	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_NOT_NULL(test, reply);
	KUNIT_ASSERT_EQ(test, tp_open(b, 2, 17141, TP_CLUSTER, NULL, 0), 0);
	for (i = 0; i < TP_NCASES; i++) {
		size_t len = RL_WIRE_HELLO_FRAME;

		rl_wire_hello_encode(f, &h);
		switch (i) {
		case TP_RANDOM:
			get_random_bytes(f, 4096);
			f[0] = 'G';	/* never the magic */
			len = 4096;
			break;
		case TP_OVERSIZED:
			rl_put_le32(f + 8, 0xfffffff0U);
			len = RAFTLOG_FRAME_HDR_SIZE;
			break;
		case TP_BADCRC:
			f[RAFTLOG_FRAME_HDR_SIZE + 20] ^= 1;
			break;
		case TP_BADVERSION:
			f[4] = 9;
			break;
		case TP_TRUNCATED:
			len = RL_WIRE_HELLO_FRAME / 2;
			break;
		case TP_WRONG_GROUP:
			h.group_id = TP_GROUP + 1;
			rl_wire_hello_encode(f, &h);
			h.group_id = TP_GROUP;
			break;
		case TP_RAFT_FIRST:
			rl_wire_frame_seal(f, RAFTLOG_FRAME_RAFT, RAFTLOG_HELLO_SIZE);
			break;
		}
		rl_tp_listener_stats(b->ep, &st0);
		s = tp_raw_connect(test, 17141);
		if (!s)
			continue;
		tp_raw_send(s, f, len);
		if (i == TP_TRUNCATED)
			kernel_sock_shutdown(s, SHUT_WR);	/* killed mid-frame */
		n = tp_raw_until_closed(s, reply, 256);
		sock_release(s);
		KUNIT_EXPECT_GE_MSG(test, n, 0, "%s: server kept the connection", names[i]);
		rl_tp_listener_stats(b->ep, &st1);
		if (i == TP_WRONG_GROUP) {
			KUNIT_EXPECT_EQ_MSG(test, st1.hs_fail[RAFTLOG_REJECT_GROUP],
					    st0.hs_fail[RAFTLOG_REJECT_GROUP] + 1, "%s", names[i]);
			/* and it was told why */
			KUNIT_EXPECT_EQ(test, n, RL_WIRE_REJECT_FRAME);
			KUNIT_EXPECT_EQ(test, reply[5], RAFTLOG_FRAME_REJECT);
			KUNIT_EXPECT_EQ(test, rl_get_le32(reply + 16), RAFTLOG_REJECT_GROUP);
		} else {
			KUNIT_EXPECT_EQ_MSG(test, st1.decode_errors, st0.decode_errors + 1,
					    "%s", names[i]);
		}
	}
	/* the endpoint still works for a real peer afterwards */
	{
		struct tp_node *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, a);
		KUNIT_ASSERT_EQ(test, tp_open(a, 1, 17142, TP_CLUSTER, NULL, 0), 0);
		KUNIT_EXPECT_EQ(test, tp_link(a, b), 0);
		KUNIT_EXPECT_EQ(test, tp_link(b, a), 0);
		KUNIT_EXPECT_EQ(test, tp_send(a, 2, 1, 10), 0);
		KUNIT_EXPECT_TRUE(test, tp_wait_until(tp_received(b) == 1));
		tp_close(a);
	}
	tp_close(b);
}

/* Authenticated peer sending a message that claims another sender. */
static void tp_spoofed_sender_rejected(struct kunit *test)
{
	struct tp_node *a, *b;
	struct raft_msg m = { .type = RAFT_MSG_HEARTBEAT, .from = 3, .to = 2 };

	a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, tp_open(a, 1, 17151, TP_CLUSTER, "k", 0), 0);
	KUNIT_ASSERT_EQ(test, tp_open(b, 2, 17152, TP_CLUSTER, "k", 0), 0);
	KUNIT_EXPECT_EQ(test, tp_link(a, b), 0);
	KUNIT_EXPECT_EQ(test, tp_link(b, a), 0);
	KUNIT_EXPECT_TRUE(test, tp_wait_until(PF(a, 2, up)));
	KUNIT_EXPECT_EQ(test, rl_tp_send(a->ep, &m), 0);
	KUNIT_EXPECT_TRUE(test, tp_wait_until(PF(b, 1, decode_errors) == 1));
	KUNIT_EXPECT_EQ(test, tp_received(b), 0);
	KUNIT_EXPECT_TRUE(test, tp_wait_until(PF(a, 2, disconnects) == 1));
	tp_close(a);
	tp_close(b);
}

static int tp_suite_init(struct kunit_suite *suite)
{
	return rl_tp_init();
}

static void tp_suite_exit(struct kunit_suite *suite)
{
	rl_tp_exit();
}

static struct kunit_case tp_cases[] = {
	KUNIT_CASE(tp_delivers_in_order),
	KUNIT_CASE(tp_peer_restart_reconnects),
	KUNIT_CASE(tp_refusals),
	KUNIT_CASE(tp_queue_overflow_drops),
	KUNIT_CASE(tp_down_peer_gets_newest),
	KUNIT_CASE(tp_hostile_input),
	KUNIT_CASE(tp_spoofed_sender_rejected),
	{}
};

static struct kunit_suite tp_suite = {
	.name = "raftlog_transport",
	.suite_init = tp_suite_init,
	.suite_exit = tp_suite_exit,
	.test_cases = tp_cases,
};

kunit_test_suite(tp_suite);
