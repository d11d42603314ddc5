// SPDX-License-Identifier: GPL-2.0
/*
 * Transport: dialed connections, the send side.  Each peer has one work
 * item that dials (connect timeout, capped exponential back-off with
 * jitter), runs the dialer's half of the handshake and then writes the
 * peer's queue without blocking; a lost connection is dialed again.
 * See transport_int.h.
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

void rl_tp_peer_queue(struct rl_tp_peer *p, unsigned long delay)
{
	queue_delayed_work(rl_tp_wq, &p->work, delay);
}

static void rl_tp_peer_write_space(struct sock *sk)
{
	struct rl_tp_peer *p;
	void (*orig)(struct sock *sk) = NULL;

	read_lock_bh(&sk->sk_callback_lock);
	p = sk->sk_user_data;
	if (p) {
		orig = p->orig_write_space;
		if (sk_stream_is_writeable(sk))
			rl_tp_peer_queue(p, 0);
	}
	read_unlock_bh(&sk->sk_callback_lock);
	if (orig)
		orig(sk);
}

static void rl_tp_peer_state_change(struct sock *sk)
{
	struct rl_tp_peer *p;
	void (*orig)(struct sock *sk) = NULL;

	read_lock_bh(&sk->sk_callback_lock);
	p = sk->sk_user_data;
	if (p) {
		orig = p->orig_state_change;
		rl_tp_peer_queue(p, 0);
	}
	read_unlock_bh(&sk->sk_callback_lock);
	if (orig)
		orig(sk);
}

static void rl_tp_peer_set_callbacks(struct rl_tp_peer *p, struct socket *sock)
{
	struct sock *sk = sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	p->orig_write_space = sk->sk_write_space;
	p->orig_state_change = sk->sk_state_change;
	sk->sk_user_data = p;
	sk->sk_write_space = rl_tp_peer_write_space;
	sk->sk_state_change = rl_tp_peer_state_change;
	write_unlock_bh(&sk->sk_callback_lock);
}

static void rl_tp_peer_restore_callbacks(struct rl_tp_peer *p,
					 struct socket *sock)
{
	struct sock *sk = sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	if (sk->sk_user_data == p) {
		sk->sk_user_data = NULL;
		sk->sk_write_space = p->orig_write_space;
		sk->sk_state_change = p->orig_state_change;
	}
	write_unlock_bh(&sk->sk_callback_lock);
}

/* Our HELLO to peer @p, with a fresh nonce. */
static void rl_tp_dial_hello(struct rl_tp_peer *p, const struct rl_wire_local *loc,
			     struct rl_wire_hello *d)
{
	d->version = RAFTLOG_WIRE_VERSION;
	d->flags = loc->has_secret ? RAFTLOG_HELLO_F_AUTH : 0;
	d->group_id = loc->group_id;
	d->cluster_id = loc->cluster_id;
	d->sender = loc->node_id;
	d->receiver = p->id;
	get_random_bytes(d->nonce, sizeof(d->nonce));
}

/*
 * Read the acceptor's answer into @buf: 0 with *@h for the caller to
 * check, 1 when it is a REJECT (*@reason says why), or a read error.
 */
static int rl_tp_dial_answer(struct socket *sock, struct rl_wire_hdr *h,
			     u8 *buf, u32 *reason)
{
	int err = rl_tp_hs_read(sock, h, buf);

	if (err)
		return err;
	if (h->type != RAFTLOG_FRAME_REJECT)
		return 0;
	if (rl_wire_reject_decode(buf, h->len, reason))
		*reason = RAFTLOG_REJECT_PROTOCOL;
	return 1;
}

/*
 * The dialer's side of the handshake on a connected socket.  Returns 0
 * when the acceptor said READY, else a negative errno with *reason set
 * when the handshake was refused (by either side).
 */
/* The dialer's proof (a zero MAC without a secret), in frame buffer f. */
static int rl_tp_dial_auth(struct rl_tp_ep *ep, struct socket *sock,
			   bool secret, const struct rl_wire_hello *d,
			   const struct rl_wire_hello *a, u8 *f)
{
	u8 mac[RAFTLOG_MAC_SIZE];
	int err;

	memset(mac, 0, sizeof(mac));
	if (secret) {
		err = rl_tp_mac(ep, RL_WIRE_ROLE_DIALER, d, a, mac);
		if (err)
			return err;
	}
	rl_wire_auth_encode(f, mac);
	memzero_explicit(mac, sizeof(mac));
	return rl_tp_send_all(sock, f, RL_WIRE_AUTH_FRAME, 0);
}

/* Every frame from now on is signed with the connection's session key. */
static int rl_tp_dial_session(struct rl_tp_peer *p,
			      const struct rl_wire_hello *d,
			      const struct rl_wire_hello *a)
{
	struct crypto_shash *tfm = rl_tp_session(p->ep, d, a);

	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	p->tx_mac = tfm;
	p->tx_seq = 0;
	return 0;
}

static int rl_tp_dial_handshake(struct rl_tp_peer *p, struct socket *sock,
				u32 *reason)
{
	struct rl_tp_ep *ep = p->ep;
	struct rl_wire_hello *d, *a;
	struct rl_wire_local loc;
	struct rl_wire_hdr h;
	u8 *buf, *f;
	int err;

	/* two hellos and a frame buffer: too much for the stack */
	buf = kzalloc(2 * sizeof(*d) + RL_WIRE_HELLO_FRAME, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	d = (struct rl_wire_hello *)buf;
	a = d + 1;
	f = (u8 *)(a + 1);
	*reason = RAFTLOG_REJECT_NONE;
	rl_tp_local(ep, &loc);
	rl_tp_dial_hello(p, &loc, d);
	rl_wire_hello_encode(f, d);
	err = rl_tp_send_all(sock, f, RL_WIRE_HELLO_FRAME, 0);
	if (err)
		goto out;

	err = rl_tp_dial_answer(sock, &h, f, reason);
	if (err)
		goto out_answer;
	err = -ECONNREFUSED;
	if (h.type != RAFTLOG_FRAME_HELLO || rl_wire_hello_decode(f, h.len, a)) {
		*reason = RAFTLOG_REJECT_PROTOCOL;
		goto out_refuse;
	}
	*reason = rl_wire_hello_check(a, &loc, p->id, 0, d->nonce);
	if (*reason)
		goto out_refuse;
	if (loc.has_secret &&
	    !rl_tp_mac_ok(ep, RL_WIRE_ROLE_ACCEPTOR, d, a, a->mac)) {
		*reason = RAFTLOG_REJECT_AUTH;
		goto out_refuse;
	}
	err = rl_tp_dial_auth(ep, sock, loc.has_secret, d, a, f);
	if (err)
		goto out;
	err = rl_tp_dial_answer(sock, &h, f, reason);
	if (err)
		goto out_answer;
	err = -ECONNREFUSED;
	if (h.type != RAFTLOG_FRAME_READY || rl_wire_ready_decode(NULL, h.len)) {
		*reason = RAFTLOG_REJECT_PROTOCOL;
		goto out_refuse;
	}
	err = loc.has_secret ? rl_tp_dial_session(p, d, a) : 0;
	goto out;

out_refuse:
	rl_tp_send_reject(sock, *reason, MSG_DONTWAIT);
	rl_tp_hs_failed(&p->cnt, *reason, p->id, "by us");
	goto out;
out_answer:
	if (err > 0) {
		err = -ECONNREFUSED;
		rl_tp_hs_failed(&p->cnt, *reason, p->id, "by the peer");
	}
out:
	kfree_sensitive(buf);
	return err;
}

/* Dial and authenticate; on success p->sock is the ready connection. */
static int rl_tp_dial(struct rl_tp_peer *p)
{
	struct rl_tp_ep *ep = p->ep;
	struct socket *sock;
	long timeo = msecs_to_jiffies(ep->cfg.connect_timeout_ms);
	u32 reason = RAFTLOG_REJECT_NONE;
	int err;

	err = rl_tp_sock_create(ep->cfg.net, p->addr.ss_family, &sock);
	if (err)
		return err;
	/* Blocking connect and handshake reads/writes time out. */
	sock->sk->sk_sndtimeo = timeo;
	sock->sk->sk_rcvtimeo = timeo;
	/* int in newer kernels, void in older ones: nothing to check */
	tcp_sock_set_user_timeout(sock->sk, ep->cfg.user_timeout_ms);

	mutex_lock(&p->dial_mutex);
	if (READ_ONCE(p->stopping)) {
		mutex_unlock(&p->dial_mutex);
		sock_release(sock);
		return -ESHUTDOWN;
	}
	p->dialing = sock;
	mutex_unlock(&p->dial_mutex);

	err = kernel_connect(sock, (struct sockaddr *)&p->addr,
			     rl_tp_addrlen(&p->addr), 0);
	if (!err)
		err = rl_tp_dial_handshake(p, sock, &reason);

	mutex_lock(&p->dial_mutex);
	p->dialing = NULL;
	mutex_unlock(&p->dial_mutex);
	if (err) {
		rl_tp_sock_close(sock);
		return err;
	}
	/* From now on sends never block the work item. */
	sock->sk->sk_sndtimeo = 0;
	rl_tp_peer_set_callbacks(p, sock);
	p->sock = sock;
	return 0;
}

/*
 * A peer that is down keeps only its newest frames (ep->lock held; the
 * dropped ones go to @dead, freed by the caller after unlocking): Raft
 * retransmits what matters, and a reconnect must not replay a queue of
 * stale heartbeats and appends ahead of the current ones.
 */
void rl_tp_peer_trim(struct rl_tp_peer *p, u32 keep,
		     struct list_head *dead)
{
	struct rl_tp_frame *f;

	while (p->q_frames > keep) {
		f = list_first_entry(&p->q, struct rl_tp_frame, node);
		list_move_tail(&f->node, dead);
		p->q_frames--;
		p->q_bytes -= f->len;
		atomic64_inc(&p->cnt.frames_dropped);
	}
}

void rl_tp_queue_free(struct list_head *q)
{
	struct rl_tp_frame *f, *tmp;

	list_for_each_entry_safe(f, tmp, q, node) {
		list_del(&f->node);
		kvfree(f);
	}
}

/*
 * Lose the dialed connection.  A frame partly written is dropped: the next
 * connection starts at a frame boundary, never in the middle of one.
 */
static void rl_tp_peer_disconnect(struct rl_tp_peer *p)
{
	struct rl_tp_ep *ep = p->ep;
	LIST_HEAD(dead);

	if (!p->sock)
		return;
	rl_tp_peer_restore_callbacks(p, p->sock);
	rl_tp_sock_close(p->sock);
	p->sock = NULL;
	if (p->cur && p->cur_off) {
		kvfree(p->cur);
		p->cur = NULL;
		p->cur_off = 0;
		atomic64_inc(&p->cnt.frames_dropped);
	}
	/* a frame not started yet is signed again for the next connection */
	p->cur_signed = false;
	if (p->tx_mac) {
		crypto_free_shash(p->tx_mac);
		p->tx_mac = NULL;
	}
	spin_lock_bh(&ep->lock);
	p->state = RL_PEER_DOWN;
	rl_tp_peer_trim(p, ep->cfg.down_frames, &dead);
	spin_unlock_bh(&ep->lock);
	rl_tp_queue_free(&dead);
	atomic64_inc(&p->cnt.disconnects);
}

static unsigned long rl_tp_backoff(struct rl_tp_peer *p)
{
	unsigned int ms = p->backoff_ms;

	p->backoff_ms = min(p->backoff_ms * 2, p->ep->cfg.backoff_max_ms);
	/* jitter: 75%..125% of the nominal delay, so peers don't dial in step */
	ms = ms - ms / 4 + get_random_u32_below(ms / 2 + 1);
	return msecs_to_jiffies(ms);
}

/* Write queued frames until the socket is full or the queue empty. */
static int rl_tp_peer_flush(struct rl_tp_peer *p)
{
	struct rl_tp_ep *ep = p->ep;

	for (;;) {
		struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
		struct kvec iov;
		int ret;

		if (!p->cur) {
			spin_lock_bh(&ep->lock);
			p->cur = list_first_entry_or_null(&p->q, struct rl_tp_frame,
							  node);
			if (p->cur) {
				list_del(&p->cur->node);
				p->q_frames--;
				p->q_bytes -= p->cur->len;
			}
			spin_unlock_bh(&ep->lock);
			if (!p->cur)
				return 0;
			p->cur_off = 0;
			p->cur_signed = false;
		}
		if (p->tx_mac && !p->cur_signed) {
			ret = rl_tp_frame_sign(p->tx_mac, p->cur->data,
					       p->cur->len, ++p->tx_seq);
			if (ret)
				return ret;
			p->cur_signed = true;
		}
		iov.iov_base = p->cur->data + p->cur_off;
		iov.iov_len = p->cur->len - p->cur_off;
		ret = kernel_sendmsg(p->sock, &msg, &iov, 1, iov.iov_len);
		if (ret == -EAGAIN)
			return 0;	/* write_space requeues us */
		if (ret <= 0)
			return ret ? ret : -EPIPE;
		p->cur_off += ret;
		if (p->cur_off < p->cur->len)
			continue;
		atomic64_inc(&p->cnt.frames_out);
		atomic64_add(p->cur->len, &p->cnt.bytes_out);
		kvfree(p->cur);
		p->cur = NULL;
		p->cur_off = 0;
		cond_resched();
	}
}

void rl_tp_peer_work(struct work_struct *work)
{
	struct rl_tp_peer *p = container_of(to_delayed_work(work),
					    struct rl_tp_peer, work);
	struct rl_tp_ep *ep = p->ep;
	int err;

	if (READ_ONCE(p->stopping))
		return;
	if (!p->sock) {
		err = rl_tp_dial(p);
		if (err) {
			atomic64_inc(&p->cnt.connect_failures);
			if (!READ_ONCE(p->stopping))
				rl_tp_peer_queue(p, rl_tp_backoff(p));
			return;
		}
		p->backoff_ms = ep->cfg.backoff_min_ms;
		atomic64_inc(&p->cnt.connects);
		spin_lock_bh(&ep->lock);
		p->state = RL_PEER_UP;
		spin_unlock_bh(&ep->lock);
	}
	if (p->sock->sk->sk_state != TCP_ESTABLISHED || p->sock->sk->sk_err) {
		rl_tp_peer_disconnect(p);
		rl_tp_peer_queue(p, rl_tp_backoff(p));
		return;
	}
	err = rl_tp_peer_flush(p);
	if (err) {
		rl_tp_peer_disconnect(p);
		rl_tp_peer_queue(p, rl_tp_backoff(p));
	}
}

/* Stop a peer that is no longer on ep->peers and free it. */
void rl_tp_peer_destroy(struct rl_tp_peer *p)
{
	struct rl_tp_ep *ep = p->ep;

	spin_lock_bh(&ep->lock);
	p->stopping = true;
	spin_unlock_bh(&ep->lock);
	/* abort a dial blocked in connect() or a handshake read */
	mutex_lock(&p->dial_mutex);
	if (p->dialing)
		kernel_sock_shutdown(p->dialing, SHUT_RDWR);
	mutex_unlock(&p->dial_mutex);
	cancel_delayed_work_sync(&p->work);
	/* the work is idle: p->sock is stable; no callback may requeue after */
	if (p->sock)
		rl_tp_peer_restore_callbacks(p, p->sock);
	cancel_delayed_work_sync(&p->work);
	if (p->sock) {
		rl_tp_sock_close(p->sock);
		p->sock = NULL;
	}
	if (p->tx_mac)
		crypto_free_shash(p->tx_mac);
	rl_tp_live_detach(p);
	kvfree(p->cur);
	rl_tp_queue_free(&p->q);
	kfree(p);
}
