// SPDX-License-Identifier: GPL-2.0
/*
 * raftlog in-kernel TCP transport: listeners shared per (netns, address),
 * dialed connections per peer (send side), accepted connections (receive
 * side), the authenticated handshake, bounded send queues and counters.
 * See transport.h for the contract and docs/wire.md for the protocol.
 *
 * Objects and who owns them:
 *   rl_tp_listener  one listening socket, shared by the endpoints bound to
 *                   the same (netns, address); owns the accepted conns.
 *   rl_tp_conn      one accepted connection: handshake, then receive.
 *   rl_tp_ep        one group's endpoint: ids, secret, peers, callback.
 *   rl_tp_peer      one remote node: its dialed socket and send queue.
 *
 * Contexts: socket callbacks (softirq) only queue work; everything else
 * runs in process context on rl_tp_wq (WQ_MEM_RECLAIM: the block layer
 * may wait on Raft progress) or in the caller of the API.  Memory is
 * allocated with I/O recursion disabled (GFP_NOIO or memalloc_noio_save).
 *
 * Locks: rl_tp_mutex (sleeping) orders configuration changes: open,
 * close, peer add/remove, netns exit.  listener->lock (spin, bh) protects
 * the listener's endpoint and conn lists and conn->ep/peer assignment.
 * ep->lock (spin, bh) protects the peer list and each peer's queue.
 * sk->sk_callback_lock is taken by the callbacks (read) and when they
 * are installed or restored (write).
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/random.h>
#include <linux/net.h>
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
#include "port.h"
#include "wire.h"
#include "transport.h"

#define RL_TP_BACKLOG		64
#define RL_TP_RX_BUDGET		64	/* frames per receive work run */
#define RL_TP_HS_TIMEOUT	(10 * HZ)	/* accepted: handshake deadline */
#define RL_TP_KEEPIDLE		10	/* s; keepalive is the backstop only */
#define RL_TP_KEEPINTVL		5
#define RL_TP_KEEPCNT		3
/* The largest handshake payload: anything longer is a protocol error. */
#define RL_TP_HS_MAX		RAFTLOG_HELLO_SIZE

static struct workqueue_struct *rl_tp_wq;
static DEFINE_MUTEX(rl_tp_mutex);
static LIST_HEAD(rl_tp_listeners);
static LIST_HEAD(rl_tp_eps);
static int rl_tp_users;		/* transport up; rl_tp_mutex */

struct rl_tp_counters {
	atomic64_t connects, disconnects, connect_failures, accepts,
		   in_disconnects, frames_out, bytes_out, frames_in, bytes_in,
		   frames_dropped, decode_errors;
	atomic64_t hs_fail[RAFTLOG_REJECT_MAX + 1];
};

struct rl_tp_listener {
	struct list_head node;		/* rl_tp_listeners */
	struct net *net;
	struct sockaddr_storage addr;
	struct socket *sock;
	struct work_struct accept_work;
	spinlock_t lock;		/* eps, conns, conn->ep/peer/reaped */
	struct list_head eps;		/* rl_tp_ep.lnode */
	struct list_head conns;		/* rl_tp_conn.node */
	int users;			/* endpoints; rl_tp_mutex */
	struct rl_tp_counters cnt;	/* conns no peer owns */
	void (*orig_data_ready)(struct sock *sk);
};

struct rl_tp_frame {
	struct list_head node;
	u32 len;
	u8 data[];
};

enum { RL_PEER_DOWN, RL_PEER_UP };

struct rl_tp_peer {
	struct list_head node;		/* ep->peers */
	struct rl_tp_ep *ep;
	u64 id;
	struct sockaddr_storage addr;
	/* ep->lock: */
	struct list_head q;
	u32 q_frames, q_bytes;
	int state;
	bool stopping;
	/* only the peer work touches these: */
	struct socket *sock;		/* ready dialed connection */
	struct rl_tp_frame *cur;	/* frame being written */
	size_t cur_off;
	unsigned int backoff_ms;
	struct delayed_work work;
	/* the socket being dialed, so close can abort a blocking connect */
	struct mutex dial_mutex;
	struct socket *dialing;
	struct rl_tp_counters cnt;
	void (*orig_write_space)(struct sock *sk);
	void (*orig_state_change)(struct sock *sk);
};

struct rl_tp_ep {
	struct list_head node;		/* rl_tp_eps */
	struct list_head lnode;		/* listener->eps */
	struct rl_tp_config cfg;	/* secret wiped at close */
	struct rl_tp_listener *l;
	struct crypto_shash *hmac;	/* when a secret is set */
	spinlock_t lock;		/* peers, their queues and state */
	struct list_head peers;
	bool dead;			/* stopped (close or netns exit) */
};

enum { RL_CONN_HELLO, RL_CONN_AUTH, RL_CONN_READY };

struct rl_tp_conn {
	struct list_head node;		/* listener->conns */
	struct rl_tp_listener *l;
	struct socket *sock;
	struct work_struct rx_work;
	struct delayed_work hs_timer;
	bool reaped;			/* taken off the list; listener->lock */
	int state;
	struct rl_tp_ep *ep;		/* set under listener->lock */
	struct rl_tp_peer *peer;
	struct rl_wire_hello dhello, ahello;
	/* the frame being received */
	u8 hdr[RAFTLOG_FRAME_HDR_SIZE];
	u32 hdr_got;
	struct rl_wire_hdr h;
	u8 *payload;
	u32 pl_got;
	u8 small[RL_TP_HS_MAX];
	void (*orig_data_ready)(struct sock *sk);
	void (*orig_state_change)(struct sock *sk);
};

static void rl_tp_cnt_stats(struct rl_tp_counters *c, struct rl_tp_stats *st)
{
	int i;

	st->connects = atomic64_read(&c->connects);
	st->disconnects = atomic64_read(&c->disconnects);
	st->connect_failures = atomic64_read(&c->connect_failures);
	st->accepts = atomic64_read(&c->accepts);
	st->in_disconnects = atomic64_read(&c->in_disconnects);
	st->frames_out = atomic64_read(&c->frames_out);
	st->bytes_out = atomic64_read(&c->bytes_out);
	st->frames_in = atomic64_read(&c->frames_in);
	st->bytes_in = atomic64_read(&c->bytes_in);
	st->frames_dropped = atomic64_read(&c->frames_dropped);
	st->decode_errors = atomic64_read(&c->decode_errors);
	for (i = 0; i <= RAFTLOG_REJECT_MAX; i++)
		st->hs_fail[i] = atomic64_read(&c->hs_fail[i]);
}

static void rl_tp_hs_failed(struct rl_tp_counters *c, u32 reason, u64 peer,
			    const char *who)
{
	if (reason > RAFTLOG_REJECT_MAX)
		reason = RAFTLOG_REJECT_PROTOCOL;
	atomic64_inc(&c->hs_fail[reason]);
	pr_info_ratelimited("raftlog: handshake with node %llu refused (%s): %s\n",
			    peer, who, rl_wire_reject_name(reason));
}

/* ------------------------------------------------------------------ */
/* Sockets                                                             */

static int rl_tp_addrlen(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
					   sizeof(struct sockaddr_in);
}

int rl_tp_parse_addr(const char *s, struct sockaddr_storage *ss)
{
	const char *end, *colon;
	unsigned int port;
	int err;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

		end = strchr(s, ']');
		if (!end || end[1] != ':')
			return -EINVAL;
		if (!in6_pton(s + 1, end - s - 1, a6->sin6_addr.s6_addr, -1, NULL))
			return -EINVAL;
		a6->sin6_family = AF_INET6;
		colon = end + 1;
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)ss;

		colon = strrchr(s, ':');
		if (!colon)
			return -EINVAL;
		if (!in4_pton(s, colon - s, (u8 *)&a4->sin_addr.s_addr, -1, NULL))
			return -EINVAL;
		a4->sin_family = AF_INET;
	}
	err = kstrtouint(colon + 1, 10, &port);
	if (err || port == 0 || port > 65535)
		return -EINVAL;
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	return 0;
}

static bool rl_tp_addr_eq(const struct sockaddr_storage *a,
			  const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       ipv6_addr_equal(&x->sin6_addr, &y->sin6_addr);
	}
	return false;
}

/*
 * Options of every socket: no Nagle (Raft messages are latency bound),
 * keepalive as a backstop for dead peers, no allocation that recurses
 * into I/O, and no use of the current task's page frag (the socket is
 * written from work items of different tasks).
 */
static void rl_tp_sock_setup(struct socket *sock)
{
	struct sock *sk = sock->sk;

	sk->sk_allocation = GFP_NOIO;
#ifdef RL_HAVE_SK_USE_TASK_FRAG
	sk->sk_use_task_frag = false;
#endif
	tcp_sock_set_nodelay(sk);
	sock_set_keepalive(sk);
	tcp_sock_set_keepidle(sk, RL_TP_KEEPIDLE);
	tcp_sock_set_keepintvl(sk, RL_TP_KEEPINTVL);
	tcp_sock_set_keepcnt(sk, RL_TP_KEEPCNT);
}

static int rl_tp_sock_create(struct net *net, int family, struct socket **out)
{
	unsigned int noio = memalloc_noio_save();
	int err;

	err = sock_create_kern(net, family, SOCK_STREAM, IPPROTO_TCP, out);
	memalloc_noio_restore(noio);
	if (!err)
		rl_tp_sock_setup(*out);
	return err;
}

static void rl_tp_sock_close(struct socket *sock)
{
	if (!sock)
		return;
	kernel_sock_shutdown(sock, SHUT_RDWR);
	sock_release(sock);
}

/* Send all of @len bytes (blocking up to the socket's send timeout). */
static int rl_tp_send_all(struct socket *sock, const void *buf, size_t len,
			  int flags)
{
	struct msghdr msg = { .msg_flags = flags | MSG_NOSIGNAL };
	struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };
	int ret;

	ret = kernel_sendmsg(sock, &msg, &iov, 1, len);
	if (ret < 0)
		return ret;
	return ret == len ? 0 : -EAGAIN;
}

static int rl_tp_recv_some(struct socket *sock, void *buf, size_t len, int flags)
{
	struct msghdr msg = { .msg_flags = flags | MSG_NOSIGNAL };
	struct kvec iov = { .iov_base = buf, .iov_len = len };

	return kernel_recvmsg(sock, &msg, &iov, 1, len, msg.msg_flags);
}

/* ------------------------------------------------------------------ */
/* Authentication                                                      */

static int rl_tp_mac(struct rl_tp_ep *ep, int role,
		     const struct rl_wire_hello *d, const struct rl_wire_hello *a,
		     u8 out[RAFTLOG_MAC_SIZE])
{
	u8 tr[RAFTLOG_TRANSCRIPT_SIZE];
	int err;

	rl_wire_transcript(tr, role, d, a);
	err = crypto_shash_tfm_digest(ep->hmac, tr, sizeof(tr), out);
	memzero_explicit(tr, sizeof(tr));
	return err;
}

/* Is @mac the right proof by @role?  Constant-time compare. */
static bool rl_tp_mac_ok(struct rl_tp_ep *ep, int role,
			 const struct rl_wire_hello *d,
			 const struct rl_wire_hello *a, const u8 *mac)
{
	u8 want[RAFTLOG_MAC_SIZE];
	bool ok;

	ok = !rl_tp_mac(ep, role, d, a, want) &&
	     !crypto_memneq(want, mac, RAFTLOG_MAC_SIZE);
	memzero_explicit(want, sizeof(want));
	return ok;
}

static void rl_tp_local(struct rl_tp_ep *ep, struct rl_wire_local *loc)
{
	loc->cluster_id = ep->cfg.cluster_id;
	loc->group_id = ep->cfg.group_id;
	loc->node_id = ep->cfg.node_id;
	loc->has_secret = ep->cfg.secret_len > 0;
}

/* ------------------------------------------------------------------ */
/* Dialed connections (send side)                                      */

static void rl_tp_peer_queue(struct rl_tp_peer *p, unsigned long delay)
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

/* Read one handshake frame (blocking, within the socket's timeout). */
static int rl_tp_hs_read(struct socket *sock, struct rl_wire_hdr *h,
			 u8 *payload)
{
	u8 hdr[RAFTLOG_FRAME_HDR_SIZE];
	int ret;

	ret = rl_tp_recv_some(sock, hdr, sizeof(hdr), MSG_WAITALL);
	if (ret != sizeof(hdr))
		return ret < 0 ? ret : -ECONNRESET;
	if (rl_wire_hdr_decode(hdr, sizeof(hdr), h) || h->len > RL_TP_HS_MAX)
		return -EPROTO;
	if (h->len) {
		ret = rl_tp_recv_some(sock, payload, h->len, MSG_WAITALL);
		if (ret != h->len)
			return ret < 0 ? ret : -ECONNRESET;
	}
	if (rl_wire_frame_verify(hdr, payload, h))
		return -EPROTO;
	return 0;
}

static void rl_tp_send_reject(struct socket *sock, u32 reason, int flags)
{
	u8 f[RL_WIRE_REJECT_FRAME];

	rl_wire_reject_encode(f, reason);
	rl_tp_send_all(sock, f, sizeof(f), flags);
}

/*
 * The dialer's side of the handshake on a connected socket.  Returns 0
 * when the acceptor said READY, else a negative errno with *reason set
 * when the handshake was refused (by either side).
 */
static int rl_tp_dial_handshake(struct rl_tp_peer *p, struct socket *sock,
				u32 *reason)
{
	struct rl_tp_ep *ep = p->ep;
	struct rl_wire_hello *d, *a;
	struct rl_wire_local loc;
	struct rl_wire_hdr h;
	u8 *buf;
	u8 mac[RAFTLOG_MAC_SIZE];
	int err;

	/* two hellos and a frame buffer: too much for the stack */
	buf = kzalloc(2 * sizeof(*d) + RL_WIRE_HELLO_FRAME, GFP_NOIO);
	if (!buf)
		return -ENOMEM;
	d = (struct rl_wire_hello *)buf;
	a = d + 1;
	*reason = RAFTLOG_REJECT_NONE;
	rl_tp_local(ep, &loc);

	d->version = RAFTLOG_WIRE_VERSION;
	d->flags = loc.has_secret ? RAFTLOG_HELLO_F_AUTH : 0;
	d->group_id = loc.group_id;
	d->cluster_id = loc.cluster_id;
	d->sender = loc.node_id;
	d->receiver = p->id;
	get_random_bytes(d->nonce, sizeof(d->nonce));
	rl_wire_hello_encode((u8 *)(a + 1), d);
	err = rl_tp_send_all(sock, a + 1, RL_WIRE_HELLO_FRAME, 0);
	if (err)
		goto out;

	err = rl_tp_hs_read(sock, &h, (u8 *)(a + 1));
	if (err)
		goto out;
	err = -ECONNREFUSED;
	if (h.type == RAFTLOG_FRAME_REJECT) {
		if (rl_wire_reject_decode((u8 *)(a + 1), h.len, reason))
			*reason = RAFTLOG_REJECT_PROTOCOL;
		goto out_told;
	}
	if (h.type != RAFTLOG_FRAME_HELLO ||
	    rl_wire_hello_decode((u8 *)(a + 1), h.len, a)) {
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
	memset(mac, 0, sizeof(mac));
	if (loc.has_secret) {
		err = rl_tp_mac(ep, RL_WIRE_ROLE_DIALER, d, a, mac);
		if (err)
			goto out;
	}
	rl_wire_auth_encode((u8 *)(a + 1), mac);
	memzero_explicit(mac, sizeof(mac));
	err = rl_tp_send_all(sock, a + 1, RL_WIRE_AUTH_FRAME, 0);
	if (err)
		goto out;
	err = rl_tp_hs_read(sock, &h, (u8 *)(a + 1));
	if (err)
		goto out;
	err = -ECONNREFUSED;
	if (h.type == RAFTLOG_FRAME_REJECT) {
		if (rl_wire_reject_decode((u8 *)(a + 1), h.len, reason))
			*reason = RAFTLOG_REJECT_PROTOCOL;
		goto out_told;
	}
	if (h.type != RAFTLOG_FRAME_READY || rl_wire_ready_decode(NULL, h.len)) {
		*reason = RAFTLOG_REJECT_PROTOCOL;
		goto out_refuse;
	}
	err = 0;
	goto out;

out_refuse:
	rl_tp_send_reject(sock, *reason, MSG_DONTWAIT);
	rl_tp_hs_failed(&p->cnt, *reason, p->id, "by us");
	goto out;
out_told:
	rl_tp_hs_failed(&p->cnt, *reason, p->id, "by the peer");
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
static void rl_tp_peer_trim(struct rl_tp_peer *p, u32 keep,
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

static void rl_tp_queue_free(struct list_head *q)
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

static void rl_tp_peer_work(struct work_struct *work)
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
static void rl_tp_peer_destroy(struct rl_tp_peer *p)
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
	kvfree(p->cur);
	rl_tp_queue_free(&p->q);
	kfree(p);
}

/* ------------------------------------------------------------------ */
/* Accepted connections (receive side)                                 */

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
	if (c->payload != c->small)
		kvfree(c->payload);
	memzero_explicit(&c->dhello, sizeof(c->dhello));
	memzero_explicit(&c->ahello, sizeof(c->ahello));
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
	struct rl_tp_peer *p, *peer = NULL;
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
		list_for_each_entry(p, &found->peers, node) {
			if (p->id == c->dhello.sender) {
				peer = p;
				break;
			}
		}
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
	rl_wire_ready_encode(f);
	err = rl_tp_send_all(c->sock, f, sizeof(f), MSG_DONTWAIT);
	if (err)
		return err;
	c->state = RL_CONN_READY;
	cancel_delayed_work(&c->hs_timer);
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

static int rl_tp_conn_raft(struct rl_tp_conn *c, const u8 *pl, u32 len)
{
	struct rl_tp_ep *ep = c->ep;
	struct raft_msg m;
	int err;

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
	atomic64_add(RAFTLOG_FRAME_HDR_SIZE + len, &c->peer->cnt.bytes_in);
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
	int ret, err = 0;

	while (budget) {
		if (c->hdr_got < sizeof(c->hdr)) {
			ret = rl_tp_recv_some(c->sock, c->hdr + c->hdr_got,
					      sizeof(c->hdr) - c->hdr_got,
					      MSG_DONTWAIT);
			if (ret == -EAGAIN)
				return;
			if (ret <= 0)
				goto eof;
			c->hdr_got += ret;
			if (c->hdr_got < sizeof(c->hdr))
				continue;
			err = rl_tp_conn_hdr(c);
			if (err)
				goto close;
			c->pl_got = 0;
			if (c->h.len <= sizeof(c->small)) {
				c->payload = c->small;
			} else {
				unsigned int noio = memalloc_noio_save();

				c->payload = kvmalloc(c->h.len, GFP_KERNEL);
				memalloc_noio_restore(noio);
				if (!c->payload) {
					err = -ENOMEM;
					goto close;
				}
			}
		}
		if (c->pl_got < c->h.len) {
			ret = rl_tp_recv_some(c->sock, c->payload + c->pl_got,
					      c->h.len - c->pl_got, MSG_DONTWAIT);
			if (ret == -EAGAIN)
				return;
			if (ret <= 0)
				goto eof;
			c->pl_got += ret;
			if (c->pl_got < c->h.len)
				continue;
		}
		if (rl_wire_frame_verify(c->hdr, c->payload, &c->h)) {
			atomic64_inc(&rl_tp_conn_cnt(c)->decode_errors);
			pr_info_ratelimited("raftlog: frame checksum mismatch\n");
			if (c->state != RL_CONN_READY)
				rl_tp_conn_refuse(c, RAFTLOG_REJECT_PROTOCOL);
			err = -EPROTO;
			goto close;
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
		c->hdr_got = 0;
		if (err)
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

static void rl_tp_listen_data_ready(struct sock *sk)
{
	struct rl_tp_listener *l;

	read_lock_bh(&sk->sk_callback_lock);
	l = sk->sk_user_data;
	/* accepted sockets inherit this callback until we replace it */
	if (l && sk->sk_state == TCP_LISTEN)
		queue_work(rl_tp_wq, &l->accept_work);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void rl_tp_accept_work(struct work_struct *work)
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
		c = kzalloc(sizeof(*c), GFP_NOIO);
		if (!c) {
			rl_tp_sock_close(sock);
			continue;
		}
		rl_tp_sock_setup(sock);
		c->l = l;
		c->sock = sock;
		c->state = RL_CONN_HELLO;
		INIT_WORK(&c->rx_work, rl_tp_conn_rx);
		INIT_DELAYED_WORK(&c->hs_timer, rl_tp_conn_hs_timeout);
		sk = sock->sk;
		write_lock_bh(&sk->sk_callback_lock);
		c->orig_data_ready = l->orig_data_ready;
		c->orig_state_change = sk->sk_state_change;
		sk->sk_user_data = c;
		sk->sk_data_ready = rl_tp_conn_data_ready;
		sk->sk_state_change = rl_tp_conn_state_change;
		write_unlock_bh(&sk->sk_callback_lock);
		spin_lock_bh(&l->lock);
		list_add_tail(&c->node, &l->conns);
		spin_unlock_bh(&l->lock);
		queue_delayed_work(rl_tp_wq, &c->hs_timer, RL_TP_HS_TIMEOUT);
		queue_work(rl_tp_wq, &c->rx_work);
	}
}

/* Tear down the conns for which @match says so (rl_tp_mutex held). */
static void rl_tp_reap_conns(struct rl_tp_listener *l,
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

static bool rl_tp_match_all(struct rl_tp_conn *c, void *arg)
{
	return true;
}

static bool rl_tp_match_ep(struct rl_tp_conn *c, void *arg)
{
	return c->ep == arg;
}

static bool rl_tp_match_peer(struct rl_tp_conn *c, void *arg)
{
	return c->peer == arg;
}

/* ------------------------------------------------------------------ */
/* Listeners                                                           */

static struct rl_tp_listener *rl_tp_listener_get(struct net *net,
						 const struct sockaddr_storage *a,
						 int *err)
{
	struct rl_tp_listener *l;
	struct sock *sk;

	list_for_each_entry(l, &rl_tp_listeners, node) {
		if (l->net == net && rl_tp_addr_eq(&l->addr, a)) {
			l->users++;
			return l;
		}
	}
	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l) {
		*err = -ENOMEM;
		return NULL;
	}
	l->net = net;
	l->addr = *a;
	spin_lock_init(&l->lock);
	INIT_LIST_HEAD(&l->eps);
	INIT_LIST_HEAD(&l->conns);
	INIT_WORK(&l->accept_work, rl_tp_accept_work);
	*err = rl_tp_sock_create(net, a->ss_family, &l->sock);
	if (*err)
		goto fail;
	sock_set_reuseaddr(l->sock->sk);
	*err = kernel_bind(l->sock, (struct sockaddr *)&l->addr,
			   rl_tp_addrlen(&l->addr));
	if (*err)
		goto fail_sock;
	*err = kernel_listen(l->sock, RL_TP_BACKLOG);
	if (*err)
		goto fail_sock;
	sk = l->sock->sk;
	write_lock_bh(&sk->sk_callback_lock);
	l->orig_data_ready = sk->sk_data_ready;
	sk->sk_user_data = l;
	sk->sk_data_ready = rl_tp_listen_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
	l->users = 1;
	list_add(&l->node, &rl_tp_listeners);
	/* connections may already wait in the backlog */
	queue_work(rl_tp_wq, &l->accept_work);
	return l;

fail_sock:
	sock_release(l->sock);
fail:
	kfree(l);
	return NULL;
}

static void rl_tp_listener_put(struct rl_tp_listener *l)
{
	struct sock *sk = l->sock->sk;

	if (--l->users)
		return;
	list_del(&l->node);
	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	sk->sk_data_ready = l->orig_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
	cancel_work_sync(&l->accept_work);
	rl_tp_reap_conns(l, rl_tp_match_all, NULL);
	sock_release(l->sock);
	kfree(l);
}

/* ------------------------------------------------------------------ */
/* Endpoints                                                           */

/* Stop everything of @ep that touches the network (rl_tp_mutex held). */
static void rl_tp_ep_stop(struct rl_tp_ep *ep)
{
	struct rl_tp_listener *l = ep->l;
	struct rl_tp_peer *p, *tmp;
	LIST_HEAD(dead);

	if (ep->dead)
		return;
	spin_lock_bh(&l->lock);
	ep->dead = true;
	list_del(&ep->lnode);
	spin_unlock_bh(&l->lock);
	/* no conn can find ep now; tear down those that did */
	rl_tp_reap_conns(l, rl_tp_match_ep, ep);
	spin_lock_bh(&ep->lock);
	list_splice_init(&ep->peers, &dead);
	spin_unlock_bh(&ep->lock);
	list_for_each_entry_safe(p, tmp, &dead, node) {
		list_del(&p->node);
		rl_tp_peer_destroy(p);
	}
	rl_tp_listener_put(l);
	ep->l = NULL;
}

struct rl_tp_ep *rl_tp_open(const struct rl_tp_config *cfg, int *err)
{
	struct rl_tp_ep *ep;

	*err = -EINVAL;
	if (!cfg->net || !cfg->recv || !cfg->node_id ||
	    cfg->secret_len > RAFTLOG_SECRET_MAX ||
	    (cfg->listen.ss_family != AF_INET &&
	     cfg->listen.ss_family != AF_INET6))
		return NULL;
	*err = -ENOMEM;
	ep = kzalloc(sizeof(*ep), GFP_KERNEL);
	if (!ep)
		return NULL;
	ep->cfg = *cfg;
	if (!ep->cfg.queue_frames)
		ep->cfg.queue_frames = 1024;
	if (!ep->cfg.queue_bytes)
		ep->cfg.queue_bytes = 16 << 20;
	if (!ep->cfg.down_frames)
		ep->cfg.down_frames = 64;
	ep->cfg.down_frames = min(ep->cfg.down_frames, ep->cfg.queue_frames);
	if (!ep->cfg.connect_timeout_ms)
		ep->cfg.connect_timeout_ms = 3000;
	if (!ep->cfg.backoff_min_ms)
		ep->cfg.backoff_min_ms = 100;
	if (!ep->cfg.backoff_max_ms)
		ep->cfg.backoff_max_ms = 5000;
	if (!ep->cfg.user_timeout_ms)
		ep->cfg.user_timeout_ms = 5000;
	ep->cfg.backoff_max_ms = max(ep->cfg.backoff_max_ms,
				     ep->cfg.backoff_min_ms);
	spin_lock_init(&ep->lock);
	INIT_LIST_HEAD(&ep->peers);
	if (ep->cfg.secret_len) {
		ep->hmac = crypto_alloc_shash("hmac(sha256)", 0, 0);
		if (IS_ERR(ep->hmac)) {
			*err = PTR_ERR(ep->hmac);
			ep->hmac = NULL;
			goto fail;
		}
		*err = crypto_shash_setkey(ep->hmac, ep->cfg.secret,
					   ep->cfg.secret_len);
		if (*err)
			goto fail;
	}

	mutex_lock(&rl_tp_mutex);
	*err = -ENODEV;
	if (!rl_tp_users)
		goto fail_unlock;
	ep->l = rl_tp_listener_get(cfg->net, &cfg->listen, err);
	if (!ep->l)
		goto fail_unlock;
	spin_lock_bh(&ep->l->lock);
	{
		struct rl_tp_ep *o;

		list_for_each_entry(o, &ep->l->eps, lnode) {
			if (o->cfg.group_id == ep->cfg.group_id) {
				spin_unlock_bh(&ep->l->lock);
				rl_tp_listener_put(ep->l);
				*err = -EADDRINUSE;
				goto fail_unlock;
			}
		}
	}
	list_add_tail(&ep->lnode, &ep->l->eps);
	spin_unlock_bh(&ep->l->lock);
	list_add_tail(&ep->node, &rl_tp_eps);
	mutex_unlock(&rl_tp_mutex);
	*err = 0;
	return ep;

fail_unlock:
	mutex_unlock(&rl_tp_mutex);
fail:
	if (ep->hmac)
		crypto_free_shash(ep->hmac);
	memzero_explicit(ep->cfg.secret, sizeof(ep->cfg.secret));
	kfree(ep);
	return NULL;
}

void rl_tp_close(struct rl_tp_ep *ep)
{
	if (!ep)
		return;
	mutex_lock(&rl_tp_mutex);
	rl_tp_ep_stop(ep);
	list_del(&ep->node);
	mutex_unlock(&rl_tp_mutex);
	if (ep->hmac)
		crypto_free_shash(ep->hmac);
	memzero_explicit(ep->cfg.secret, sizeof(ep->cfg.secret));
	kfree(ep);
}

static struct rl_tp_peer *rl_tp_peer_find(struct rl_tp_ep *ep, u64 node)
{
	struct rl_tp_peer *p;

	list_for_each_entry(p, &ep->peers, node)
		if (p->id == node)
			return p;
	return NULL;
}

int rl_tp_peer_add(struct rl_tp_ep *ep, u64 node,
		   const struct sockaddr_storage *addr)
{
	struct rl_tp_peer *p;
	int err = 0;

	if (!node || node == ep->cfg.node_id ||
	    (addr->ss_family != AF_INET && addr->ss_family != AF_INET6))
		return -EINVAL;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->ep = ep;
	p->id = node;
	p->addr = *addr;
	INIT_LIST_HEAD(&p->q);
	INIT_DELAYED_WORK(&p->work, rl_tp_peer_work);
	mutex_init(&p->dial_mutex);
	p->backoff_ms = ep->cfg.backoff_min_ms;

	mutex_lock(&rl_tp_mutex);
	spin_lock_bh(&ep->lock);
	if (ep->dead)
		err = -ENETDOWN;
	else if (rl_tp_peer_find(ep, node))
		err = -EEXIST;
	else
		list_add_tail(&p->node, &ep->peers);
	spin_unlock_bh(&ep->lock);
	if (!err)
		rl_tp_peer_queue(p, 0);
	mutex_unlock(&rl_tp_mutex);
	if (err)
		kfree(p);
	return err;
}

int rl_tp_peer_remove(struct rl_tp_ep *ep, u64 node)
{
	struct rl_tp_peer *p;

	mutex_lock(&rl_tp_mutex);
	spin_lock_bh(&ep->lock);
	p = rl_tp_peer_find(ep, node);
	if (p)
		list_del(&p->node);
	spin_unlock_bh(&ep->lock);
	if (p) {
		/* inbound conns from it point at p for their counters */
		rl_tp_reap_conns(ep->l, rl_tp_match_peer, p);
		rl_tp_peer_destroy(p);
	}
	mutex_unlock(&rl_tp_mutex);
	return p ? 0 : -ENOENT;
}

int rl_tp_send(struct rl_tp_ep *ep, const struct raft_msg *m)
{
	struct rl_tp_frame *f;
	struct rl_tp_peer *p;
	LIST_HEAD(dead);
	unsigned int noio;
	size_t plen;
	long n;
	int err = 0;

	plen = rl_wire_msg_size(m);
	if (!plen)
		return -EINVAL;
	noio = memalloc_noio_save();
	f = kvmalloc(sizeof(*f) + RAFTLOG_FRAME_HDR_SIZE + plen, GFP_KERNEL);
	memalloc_noio_restore(noio);
	if (!f)
		return -ENOMEM;
	n = rl_wire_msg_encode(f->data, RAFTLOG_FRAME_HDR_SIZE + plen, m);
	if (n < 0) {
		kvfree(f);
		return -EINVAL;
	}
	f->len = n;

	spin_lock_bh(&ep->lock);
	p = ep->dead ? NULL : rl_tp_peer_find(ep, m->to);
	if (p && p->state != RL_PEER_UP)
		rl_tp_peer_trim(p, ep->cfg.down_frames - 1, &dead);
	if (!p) {
		err = ep->dead ? -ENETDOWN : -ENOENT;
	} else if (p->q_frames >= ep->cfg.queue_frames ||
		   p->q_bytes + f->len > ep->cfg.queue_bytes) {
		atomic64_inc(&p->cnt.frames_dropped);
		err = -ENOBUFS;
	} else {
		list_add_tail(&f->node, &p->q);
		p->q_frames++;
		p->q_bytes += f->len;
		f = NULL;
		/* while down, the dial (and its back-off) runs the queue */
		if (p->state == RL_PEER_UP)
			rl_tp_peer_queue(p, 0);
	}
	spin_unlock_bh(&ep->lock);
	rl_tp_queue_free(&dead);
	kvfree(f);
	return err;
}

int rl_tp_peer_stats(struct rl_tp_ep *ep, u64 node, struct rl_tp_stats *st)
{
	struct rl_tp_peer *p;

	memset(st, 0, sizeof(*st));
	spin_lock_bh(&ep->lock);
	p = rl_tp_peer_find(ep, node);
	if (p) {
		rl_tp_cnt_stats(&p->cnt, st);
		st->up = p->state == RL_PEER_UP;
	}
	spin_unlock_bh(&ep->lock);
	return p ? 0 : -ENOENT;
}

void rl_tp_listener_stats(struct rl_tp_ep *ep, struct rl_tp_stats *st)
{
	memset(st, 0, sizeof(*st));
	mutex_lock(&rl_tp_mutex);
	if (ep->l)
		rl_tp_cnt_stats(&ep->l->cnt, st);
	mutex_unlock(&rl_tp_mutex);
}

/* ------------------------------------------------------------------ */
/* Network namespaces and module life                                  */

/*
 * Kernel sockets do not hold a reference on their namespace, so the
 * namespace can go away under an endpoint: stop the endpoints in it
 * before its devices and sockets are torn down.
 */
static void rl_tp_net_pre_exit(struct net *net)
{
	struct rl_tp_ep *ep;

	mutex_lock(&rl_tp_mutex);
	list_for_each_entry(ep, &rl_tp_eps, node)
		if (ep->cfg.net == net)
			rl_tp_ep_stop(ep);
	mutex_unlock(&rl_tp_mutex);
}

static struct pernet_operations rl_tp_net_ops = {
	.pre_exit = rl_tp_net_pre_exit,
};

/*
 * Counted, so the module and the test modules can all hold the transport
 * up: the first caller creates it, the last one removes it.  The pernet
 * hooks are (un)registered under rl_tp_init_mutex but not rl_tp_mutex:
 * pre_exit takes rl_tp_mutex under pernet_ops_rwsem.
 */
static DEFINE_MUTEX(rl_tp_init_mutex);
static int rl_tp_refs;

int rl_tp_init(void)
{
	int err = 0;

	mutex_lock(&rl_tp_init_mutex);
	if (rl_tp_refs++)
		goto out;
	rl_tp_wq = alloc_workqueue("raftlog_tp", WQ_MEM_RECLAIM | WQ_UNBOUND, 0);
	if (!rl_tp_wq) {
		err = -ENOMEM;
		goto fail;
	}
	err = register_pernet_subsys(&rl_tp_net_ops);
	if (err) {
		destroy_workqueue(rl_tp_wq);
		goto fail;
	}
	mutex_lock(&rl_tp_mutex);
	rl_tp_users = 1;
	mutex_unlock(&rl_tp_mutex);
	goto out;
fail:
	rl_tp_refs--;
out:
	mutex_unlock(&rl_tp_init_mutex);
	return err;
}

void rl_tp_exit(void)
{
	struct rl_tp_ep *ep;

	mutex_lock(&rl_tp_init_mutex);
	if (WARN_ON(!rl_tp_refs) || --rl_tp_refs) {
		mutex_unlock(&rl_tp_init_mutex);
		return;
	}
	mutex_lock(&rl_tp_mutex);
	rl_tp_users = 0;
	/* owners should have closed their endpoints; stop any left */
	list_for_each_entry(ep, &rl_tp_eps, node) {
		WARN_ONCE(1, "raftlog: transport endpoint left open at exit\n");
		rl_tp_ep_stop(ep);
	}
	mutex_unlock(&rl_tp_mutex);
	unregister_pernet_subsys(&rl_tp_net_ops);
	destroy_workqueue(rl_tp_wq);
	rl_tp_wq = NULL;
	mutex_unlock(&rl_tp_init_mutex);
}
