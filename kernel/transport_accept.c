// SPDX-License-Identifier: GPL-2.0
/*
 * Transport: accepted connections, the receive side.  A listener's accept
 * work takes new connections; each has a receive work item that reads
 * frames without blocking, runs the acceptor's half of the handshake
 * (finding the group and the peer the dialer names) and then hands
 * checked Raft messages to the endpoint's callback.  See transport_int.h.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/inet.h>
#include <linux/tcp.h>
#include <linux/uio.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/net_namespace.h>
#include <crypto/hash.h>
#include <crypto/algapi.h>
#include "transport_int.h"

static void rl_tp_conn_data_ready(struct sock *sk)
{
	struct rl_tp_conn *c;

	read_lock_bh(&sk->sk_callback_lock);
	c = sk->sk_user_data;
	if (c)
		queue_work(rl_tp_wq, &c->rx_work);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void rl_tp_conn_state_change(struct sock *sk)
{
	struct rl_tp_conn *c;
	void (*orig)(struct sock *sk) = NULL;

	read_lock_bh(&sk->sk_callback_lock);
	c = sk->sk_user_data;
	if (c) {
		orig = c->orig_state_change;
		queue_work(rl_tp_wq, &c->rx_work);
	}
	read_unlock_bh(&sk->sk_callback_lock);
	if (orig)
		orig(sk);
}

static void rl_tp_conn_restore_callbacks(struct rl_tp_conn *c)
{
	struct sock *sk = c->sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	if (sk->sk_user_data == c) {
		sk->sk_user_data = NULL;
		sk->sk_data_ready = c->orig_data_ready;
		sk->sk_state_change = c->orig_state_change;
	}
	write_unlock_bh(&sk->sk_callback_lock);
}

/* Free a conn nobody else can reach any more (off the list, reaped). */
static void rl_tp_conn_free(struct rl_tp_conn *c)
{
	rl_tp_conn_restore_callbacks(c);
	cancel_delayed_work_sync(&c->hs_timer);
	rl_tp_sock_close(c->sock);
	if (c->unauth)
		atomic_dec(&c->l->unauth);
	if (c->payload != c->small)
		kvfree(c->payload);
	memzero_explicit(&c->dhello, sizeof(c->dhello));
	memzero_explicit(&c->ahello, sizeof(c->ahello));
	if (c->rx_mac)
		crypto_free_shash(c->rx_mac);
	kfree(c);
}

/* Teardown of a conn by someone else than its receive work. */
static void rl_tp_conn_reap(struct rl_tp_conn *c)
{
	rl_tp_conn_restore_callbacks(c);
	cancel_work_sync(&c->rx_work);
	rl_tp_conn_free(c);
}

static struct rl_tp_counters *rl_tp_conn_cnt(struct rl_tp_conn *c)
{
	return c->peer ? &c->peer->cnt : &c->l->cnt;
}

/*
 * The receive work closes its own connection.  If a teardown already
 * took the conn off the list, that teardown frees it (after waiting for
 * this work); otherwise this work does, and must not touch the conn, its
 * peer or its listener after the unlock.
 */
static void rl_tp_conn_close_self(struct rl_tp_conn *c)
{
	struct rl_tp_listener *l = c->l;
	bool mine = false;

	if (c->state == RL_CONN_READY)
		atomic64_inc(&rl_tp_conn_cnt(c)->in_disconnects);
	spin_lock_bh(&l->lock);
	if (!c->reaped) {
		c->reaped = true;
		list_del(&c->node);
		mine = true;
		/*
		 * Here, not in rl_tp_conn_free(): once off the list and
		 * unlocked, the listener may be freed under us (its last
		 * endpoint closing: KASAN in transport-netns.sh).
		 */
		if (c->unauth) {
			atomic_dec(&l->unauth);
			c->unauth = false;
		}
	}
	spin_unlock_bh(&l->lock);
	if (!mine)
		return;
	/* a callback may have queued us again before the restore */
	rl_tp_conn_restore_callbacks(c);
	cancel_work(&c->rx_work);
	rl_tp_conn_free(c);
}

static void rl_tp_conn_refuse(struct rl_tp_conn *c, u32 reason)
{
	rl_tp_send_reject(c->sock, reason, MSG_DONTWAIT);
	rl_tp_hs_failed(rl_tp_conn_cnt(c), reason,
			c->dhello.sender, "by us");
}

/* HELLO from a dialer: find the group and the peer, answer with ours. */
static int rl_tp_conn_hello(struct rl_tp_conn *c, const u8 *pl, u32 len)
{
	struct rl_tp_listener *l = c->l;
	struct rl_wire_local loc;
	struct rl_tp_ep *ep, *found = NULL;
	struct rl_tp_peer *peer = NULL;
	u8 f[RL_WIRE_HELLO_FRAME];
	u32 reason;

	if (rl_wire_hello_decode(pl, len, &c->dhello)) {
		atomic64_inc(&l->cnt.decode_errors);
		rl_tp_conn_refuse(c, RAFTLOG_REJECT_PROTOCOL);
		return -EPROTO;
	}
	spin_lock_bh(&l->lock);
	list_for_each_entry(ep, &l->eps, lnode) {
		if (ep->cfg.group_id == c->dhello.group_id && !ep->dead) {
			found = ep;
			break;
		}
	}
	if (found) {
		spin_lock(&found->lock);
		peer = rl_tp_peer_find(found, c->dhello.sender);
		spin_unlock(&found->lock);
		c->ep = found;
		c->peer = peer;
	}
	spin_unlock_bh(&l->lock);
	if (!found) {
		rl_tp_conn_refuse(c, RAFTLOG_REJECT_GROUP);
		return -ECONNREFUSED;
	}
	ep = found;
	rl_tp_local(ep, &loc);
	reason = rl_wire_hello_check(&c->dhello, &loc, 0, 1, NULL);
	if (!reason && !peer)
		reason = RAFTLOG_REJECT_NODE;
	if (reason) {
		rl_tp_conn_refuse(c, reason);
		return -ECONNREFUSED;
	}

	c->ahello.version = RAFTLOG_WIRE_VERSION;
	c->ahello.group_id = loc.group_id;
	c->ahello.cluster_id = loc.cluster_id;
	c->ahello.sender = loc.node_id;
	c->ahello.receiver = c->dhello.sender;
	do {
		get_random_bytes(c->ahello.nonce, sizeof(c->ahello.nonce));
	} while (!memcmp(c->ahello.nonce, c->dhello.nonce, RAFTLOG_NONCE_SIZE));
	if (loc.has_secret) {
		c->ahello.flags = RAFTLOG_HELLO_F_AUTH | RAFTLOG_HELLO_F_MAC;
		if (rl_tp_mac(ep, RL_WIRE_ROLE_ACCEPTOR, &c->dhello, &c->ahello,
			      c->ahello.mac))
			return -ENOMEM;
	}
	rl_wire_hello_encode(f, &c->ahello);
	c->state = RL_CONN_AUTH;
	/* a fresh socket's send buffer takes a handshake frame at once */
	return rl_tp_send_all(c->sock, f, sizeof(f), MSG_DONTWAIT);
}

static int rl_tp_conn_auth(struct rl_tp_conn *c, const u8 *pl, u32 len)
{
	u8 mac[RAFTLOG_MAC_SIZE];
	u8 f[RL_WIRE_READY_FRAME];
	int err;

	if (rl_wire_auth_decode(pl, len, mac)) {
		atomic64_inc(&rl_tp_conn_cnt(c)->decode_errors);
		rl_tp_conn_refuse(c, RAFTLOG_REJECT_PROTOCOL);
		return -EPROTO;
	}
	if (c->ep->cfg.secret_len &&
	    !rl_tp_mac_ok(c->ep, RL_WIRE_ROLE_DIALER, &c->dhello, &c->ahello,
			  mac)) {
		memzero_explicit(mac, sizeof(mac));
		rl_tp_conn_refuse(c, RAFTLOG_REJECT_AUTH);
		return -EACCES;
	}
	memzero_explicit(mac, sizeof(mac));
	if (c->ep->cfg.secret_len) {
		/* every frame from now on must be signed with the session key */
		struct crypto_shash *tfm = rl_tp_session(c->ep, &c->dhello,
							 &c->ahello);

		if (IS_ERR(tfm))
			return PTR_ERR(tfm);
		c->rx_mac = tfm;
		c->rx_seq = 0;
	}
	rl_wire_ready_encode(f);
	err = rl_tp_send_all(c->sock, f, sizeof(f), MSG_DONTWAIT);
	if (err)
		return err;
	c->state = RL_CONN_READY;
	cancel_delayed_work(&c->hs_timer);
	atomic_dec(&c->l->unauth);
	c->unauth = false;
	atomic64_inc(&c->peer->cnt.accepts);
	return 0;
}

static int rl_tp_conn_rejected(struct rl_tp_conn *c, const u8 *pl, u32 len)
{
	u32 reason;

	if (rl_wire_reject_decode(pl, len, &reason)) {
		atomic64_inc(&rl_tp_conn_cnt(c)->decode_errors);
		reason = RAFTLOG_REJECT_PROTOCOL;
	}
	rl_tp_hs_failed(rl_tp_conn_cnt(c), reason, c->dhello.sender,
			"by the peer");
	return -ECONNREFUSED;
}

/*
 * The authentication of a RAFT frame (crc verified): on a connection with
 * a session key, the flag, the MAC over header and payload, and the next
 * sequence number; without one, no flag.  Sets *@len to the message's
 * bytes.  A refusal is counted and closes the connection.
 */
static int rl_tp_conn_unseal(struct rl_tp_conn *c, u32 *len)
{
	struct rl_tp_counters *cnt = &c->peer->cnt;
	const u8 *mac;
	u64 seq;
	int err;

	err = rl_wire_auth_split(&c->h, c->payload, !!c->rx_mac, len, &seq,
				 &mac);
	if (!err && c->rx_mac &&
	    !rl_tp_frame_mac_ok(c->rx_mac, c->hdr, c->payload, *len + 8, mac))
		err = -RL_WIRE_EMAC;
	if (!err && c->rx_mac)
		err = rl_wire_auth_seq(c->rx_seq, seq);
	if (!err) {
		c->rx_seq = seq;
		return 0;
	}
	atomic64_inc(&cnt->decode_errors);
	atomic64_inc(err == -RL_WIRE_ESEQ ? &cnt->seq_errors : &cnt->mac_errors);
	pr_info_ratelimited("raftlog: frame from node %llu refused: %s\n",
			    c->peer->id, rl_wire_strerror(err));
	return -EPROTO;
}

static int rl_tp_conn_raft(struct rl_tp_conn *c, const u8 *pl, u32 len)
{
	struct rl_tp_ep *ep = c->ep;
	struct raft_msg m;
	int err;

	err = rl_tp_conn_unseal(c, &len);
	if (err)
		return err;
	err = rl_wire_msg_decode(pl, len, &m);
	if (err == -RL_WIRE_ENOMEM)
		return -ENOMEM;
	/* only what the authenticated peer says, addressed to us */
	if (err || m.from != c->peer->id || m.to != ep->cfg.node_id) {
		if (!err)
			rl_wire_msg_free(&m);
		atomic64_inc(&c->peer->cnt.decode_errors);
		pr_info_ratelimited("raftlog: bad message from node %llu: %s\n",
				    c->peer->id,
				    err ? rl_wire_strerror(err) : "wrong ids");
		return -EPROTO;
	}
	atomic64_inc(&c->peer->cnt.frames_in);
	atomic64_add(RAFTLOG_FRAME_HDR_SIZE + c->h.len, &c->peer->cnt.bytes_in);
	rl_tp_live_heard(c->peer);
	if (!rl_tp_live_probe(&m))
		ep->cfg.recv(ep->cfg.ctx, &m);
	rl_wire_msg_free(&m);
	return 0;
}

/* Check a header against what the connection's state allows. */
static int rl_tp_conn_hdr(struct rl_tp_conn *c)
{
	int err = rl_wire_hdr_decode(c->hdr, sizeof(c->hdr), &c->h);

	if (err) {
		atomic64_inc(&rl_tp_conn_cnt(c)->decode_errors);
		pr_info_ratelimited("raftlog: bad frame header: %s\n",
				    rl_wire_strerror(err));
		return -EPROTO;
	}
	switch (c->state) {
	case RL_CONN_HELLO:
		if (c->h.type == RAFTLOG_FRAME_HELLO && c->h.len == RAFTLOG_HELLO_SIZE)
			return 0;
		break;
	case RL_CONN_AUTH:
		if (c->h.type == RAFTLOG_FRAME_AUTH && c->h.len == RAFTLOG_AUTH_SIZE)
			return 0;
		/* the dialer refused our HELLO (e.g. our proof) */
		if (c->h.type == RAFTLOG_FRAME_REJECT &&
		    c->h.len == RAFTLOG_REJECT_SIZE)
			return 0;
		break;
	default:
		if (c->h.type == RAFTLOG_FRAME_RAFT)
			return 0;
		break;
	}
	atomic64_inc(&rl_tp_conn_cnt(c)->decode_errors);
	if (c->state != RL_CONN_READY)
		rl_tp_conn_refuse(c, RAFTLOG_REJECT_PROTOCOL);
	return -EPROTO;
}

/* what rl_tp_conn_read() found */
enum {
	RL_TP_RX_MORE,		/* part of a frame: read again */
	RL_TP_RX_FRAME,		/* a whole frame, header checked */
	RL_TP_RX_WAIT,		/* nothing more for now */
	RL_TP_RX_EOF,		/* the peer closed or reset */
};

/*
 * Room for the next payload bytes.  The buffer grows with what arrived
 * (64 KiB, then doubling up to the frame's length), so a header that
 * announces 4 MiB costs 64 KiB until the bytes are really there.
 */
static int rl_tp_conn_room(struct rl_tp_conn *c)
{
	u32 cap;
	u8 *buf;

	if (c->pl_got < c->pl_cap)
		return 0;
	cap = c->pl_cap ? min_t(u32, 2 * c->pl_cap, c->h.len) :
			  min_t(u32, RL_TP_RX_CHUNK, c->h.len);
	buf = kvmalloc(cap, GFP_KERNEL | __GFP_NOWARN);
	if (!buf)
		return -ENOMEM;
	if (c->pl_got)
		memcpy(buf, c->payload, c->pl_got);
	if (c->payload != c->small)
		kvfree(c->payload);
	c->payload = buf;
	c->pl_cap = cap;
	return 0;
}

/* Read what the socket has of the frame being received (or -errno). */
static int rl_tp_conn_read(struct rl_tp_conn *c)
{
	int ret, err;

	if (c->hdr_got < sizeof(c->hdr)) {
		ret = rl_tp_recv_some(c->sock, c->hdr + c->hdr_got,
				      sizeof(c->hdr) - c->hdr_got,
				      MSG_DONTWAIT);
		if (ret == -EAGAIN)
			return RL_TP_RX_WAIT;
		if (ret <= 0)
			return RL_TP_RX_EOF;
		c->hdr_got += ret;
		if (c->hdr_got < sizeof(c->hdr))
			return RL_TP_RX_MORE;
		err = rl_tp_conn_hdr(c);
		if (err)
			return err;
		c->pl_got = 0;
		c->payload = c->small;
		c->pl_cap = c->h.len <= sizeof(c->small) ? sizeof(c->small) : 0;
	}
	if (c->pl_got < c->h.len) {
		err = rl_tp_conn_room(c);
		if (err)
			return err;
		ret = rl_tp_recv_some(c->sock, c->payload + c->pl_got,
				      min(c->h.len, c->pl_cap) - c->pl_got,
				      MSG_DONTWAIT);
		if (ret == -EAGAIN)
			return RL_TP_RX_WAIT;
		if (ret <= 0)
			return RL_TP_RX_EOF;
		c->pl_got += ret;
		if (c->pl_got < c->h.len)
			return RL_TP_RX_MORE;
	}
	return RL_TP_RX_FRAME;
}

/* Verify the frame received and act on it as the state says. */
static int rl_tp_conn_frame(struct rl_tp_conn *c)
{
	int err;

	if (rl_wire_frame_verify(c->hdr, c->payload, &c->h)) {
		atomic64_inc(&rl_tp_conn_cnt(c)->decode_errors);
		pr_info_ratelimited("raftlog: frame checksum mismatch\n");
		if (c->state != RL_CONN_READY)
			rl_tp_conn_refuse(c, RAFTLOG_REJECT_PROTOCOL);
		return -EPROTO;
	}
	switch (c->state) {
	case RL_CONN_HELLO:
		err = rl_tp_conn_hello(c, c->payload, c->h.len);
		break;
	case RL_CONN_AUTH:
		if (c->h.type == RAFTLOG_FRAME_REJECT)
			err = rl_tp_conn_rejected(c, c->payload, c->h.len);
		else
			err = rl_tp_conn_auth(c, c->payload, c->h.len);
		break;
	default:
		err = rl_tp_conn_raft(c, c->payload, c->h.len);
		break;
	}
	if (c->payload != c->small)
		kvfree(c->payload);
	c->payload = NULL;
	c->pl_cap = 0;
	c->hdr_got = 0;
	return err;
}

/*
 * Receive: read what the socket has, frame by frame, without blocking.
 * No wake-up is lost: data_ready runs after data is queued on the socket
 * and queue_work() on a running work item queues it again, so data that
 * arrives after a read returned -EAGAIN always causes another run.
 */
static void rl_tp_conn_rx(struct work_struct *work)
{
	struct rl_tp_conn *c = container_of(work, struct rl_tp_conn, rx_work);
	int budget = RL_TP_RX_BUDGET;
	int ret;

	while (budget) {
		ret = rl_tp_conn_read(c);
		if (ret == RL_TP_RX_WAIT)
			return;
		if (ret == RL_TP_RX_EOF)
			goto eof;
		if (ret < 0)
			goto close;
		if (ret == RL_TP_RX_MORE)
			continue;
		if (rl_tp_conn_frame(c))
			goto close;
		budget--;
	}
	/* fairness with other connections: continue in a fresh run */
	queue_work(rl_tp_wq, &c->rx_work);
	return;

eof:
	/* the peer closed or reset; mid-frame, that is a broken frame */
	if (c->hdr_got || c->state != RL_CONN_READY)
		atomic64_inc(&rl_tp_conn_cnt(c)->decode_errors);
close:
	rl_tp_conn_close_self(c);
}

/* The handshake took too long: shut the socket, the rx work closes it. */
static void rl_tp_conn_hs_timeout(struct work_struct *work)
{
	struct rl_tp_conn *c = container_of(to_delayed_work(work),
					    struct rl_tp_conn, hs_timer);

	if (READ_ONCE(c->state) != RL_CONN_READY)
		kernel_sock_shutdown(c->sock, SHUT_RDWR);
}

void rl_tp_listen_data_ready(struct sock *sk)
{
	struct rl_tp_listener *l;

	read_lock_bh(&sk->sk_callback_lock);
	l = sk->sk_user_data;
	/* accepted sockets inherit this callback until we replace it */
	if (l && sk->sk_state == TCP_LISTEN)
		queue_work(rl_tp_wq, &l->accept_work);
	read_unlock_bh(&sk->sk_callback_lock);
}

void rl_tp_accept_work(struct work_struct *work)
{
	struct rl_tp_listener *l = container_of(work, struct rl_tp_listener,
						accept_work);

	for (;;) {
		struct socket *sock;
		struct rl_tp_conn *c;
		struct sock *sk;
		int err;

		err = kernel_accept(l->sock, &sock, O_NONBLOCK);
		if (err)
			return;
		/* who has not authenticated gets a bounded share */
		if (atomic_read(&l->unauth) >= RL_TP_MAX_UNAUTH) {
			atomic64_inc(&l->cnt.conns_refused);
			pr_info_ratelimited("raftlog: too many connections in handshake, one closed\n");
			rl_tp_sock_close(sock);
			continue;
		}
		c = kzalloc(sizeof(*c), GFP_KERNEL);
		if (!c) {
			rl_tp_sock_close(sock);
			continue;
		}
		rl_tp_sock_setup(sock);
		c->l = l;
		c->sock = sock;
		c->state = RL_CONN_HELLO;
		c->unauth = true;
		atomic_inc(&l->unauth);
		INIT_WORK(&c->rx_work, rl_tp_conn_rx);
		INIT_DELAYED_WORK(&c->hs_timer, rl_tp_conn_hs_timeout);
		spin_lock_bh(&l->lock);
		list_add_tail(&c->node, &l->conns);
		spin_unlock_bh(&l->lock);
		queue_delayed_work(rl_tp_wq, &c->hs_timer, RL_TP_HS_TIMEOUT);
		/*
		 * Once the callbacks are in, data can queue the receive work,
		 * which may refuse the peer and free the conn at once: the
		 * conn is on the list and its timer queued before, and its
		 * first run is queued under the callback lock, which the free
		 * takes first (rl_tp_conn_restore_callbacks).  Nothing here
		 * touches the conn after the unlock.
		 */
		sk = sock->sk;
		write_lock_bh(&sk->sk_callback_lock);
		c->orig_data_ready = l->orig_data_ready;
		c->orig_state_change = sk->sk_state_change;
		sk->sk_user_data = c;
		sk->sk_data_ready = rl_tp_conn_data_ready;
		sk->sk_state_change = rl_tp_conn_state_change;
		queue_work(rl_tp_wq, &c->rx_work);
		write_unlock_bh(&sk->sk_callback_lock);
	}
}

/* Tear down the conns for which @match says so (rl_tp_mutex held). */
void rl_tp_reap_conns(struct rl_tp_listener *l,
		      bool (*match)(struct rl_tp_conn *c, void *arg),
		      void *arg)
{
	struct rl_tp_conn *c, *tmp;
	LIST_HEAD(dead);

	spin_lock_bh(&l->lock);
	list_for_each_entry_safe(c, tmp, &l->conns, node) {
		if (match(c, arg)) {
			c->reaped = true;
			list_move(&c->node, &dead);
		}
	}
	spin_unlock_bh(&l->lock);
	list_for_each_entry_safe(c, tmp, &dead, node) {
		list_del(&c->node);
		rl_tp_conn_reap(c);
	}
}

bool rl_tp_match_all(struct rl_tp_conn *c, void *arg)
{
	return true;
}

bool rl_tp_match_ep(struct rl_tp_conn *c, void *arg)
{
	return c->ep == arg;
}

bool rl_tp_match_peer(struct rl_tp_conn *c, void *arg)
{
	return c->peer == arg;
}
