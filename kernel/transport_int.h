/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the raftlog in-kernel TCP transport, shared by its files:
 *
 *   transport.c         endpoints (the API of transport.h), their peers
 *                       and send queues, listeners, network namespaces
 *                       and module life
 *   transport_dial.c    dialed connections (send side): dial, the
 *                       dialer's half of the handshake, writing the queue
 *   transport_accept.c  accepted connections (receive side): the
 *                       acceptor's half of the handshake, framing, receive
 *   transport_sock.c    sockets, addresses, counters and the handshake's
 *                       authentication, used by both sides
 *
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
 * runs in process context on rl_tp_wq or in the caller of the API.
 * Memory is allocated with GFP_KERNEL: raftlog is not a block device, no
 * writeback waits on it.
 *
 * Locks: rl_tp_mutex (sleeping) orders configuration changes: open,
 * close, peer add/remove, netns exit.  listener->lock (spin, bh) protects
 * the listener's endpoint and conn lists and conn->ep/peer assignment.
 * ep->lock (spin, bh) protects the peer list and each peer's queue.
 * sk->sk_callback_lock is taken by the callbacks (read) and when they
 * are installed or restored (write).
 */
#ifndef RL_TRANSPORT_INT_H
#define RL_TRANSPORT_INT_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include "port.h"
#include "wire.h"
#include "transport.h"

#define RL_TP_BACKLOG		64
#define RL_TP_RX_BUDGET		64	/* frames per receive work run */
#define RL_TP_HS_TIMEOUT	(10 * HZ)	/* accepted: handshake deadline */
/*
 * Accepted connections still in their handshake, per listener: more are
 * closed at once (counted as conns_refused).
 */
#define RL_TP_MAX_UNAUTH	32
/* A frame's payload buffer starts at this and doubles as bytes arrive. */
#define RL_TP_RX_CHUNK		(64 * 1024)
#define RL_TP_KEEPIDLE		10	/* s; keepalive is the backstop only */
#define RL_TP_KEEPINTVL		5
#define RL_TP_KEEPCNT		3
/* The largest handshake payload: anything longer is a protocol error. */
#define RL_TP_HS_MAX		RAFTLOG_HELLO_SIZE

/* transport.c: the workqueue everything runs on, configuration lock */
extern struct workqueue_struct *rl_tp_wq;
extern struct mutex rl_tp_mutex;
extern struct list_head rl_tp_eps;	/* rl_tp_mutex */

struct rl_tp_counters {
	atomic64_t connects, disconnects, connect_failures, accepts,
		   in_disconnects, frames_out, bytes_out, frames_in, bytes_in,
		   frames_dropped, decode_errors, mac_errors, seq_errors,
		   conns_refused;
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
	atomic_t unauth;		/* conns before READY */
	struct rl_tp_counters cnt;	/* conns no peer owns */
	void (*orig_data_ready)(struct sock *sk);
};

struct rl_tp_frame {
	struct list_head node;
	u32 len;
	u8 data[];
};

enum { RL_PEER_DOWN, RL_PEER_UP };

/* The liveness of one remote address (transport_live.c). */
struct rl_tp_live {
	struct list_head node;		/* rl_tp_lives; rl_tp_mutex */
	struct net *net;
	struct sockaddr_storage addr;
	int users;			/* peers attached */
	unsigned long last_rx;		/* jiffies: a frame from there */
	unsigned long last_tx;		/* jiffies: a frame queued to it */
	bool probe_due;			/* the pass: send a probe */
	bool lost;			/* the pass: not heard for lost_ms */
};

/* context of a liveness probe (a HEARTBEAT_RESP of term 0): "RLPROBE" */
#define RL_TP_PROBE_CTX		0x524c50524f4245ULL
/* peers of one endpoint the liveness pass looks at */
#define RL_TP_LIVE_PEERS	32

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
	/* with a secret: the connection's session key, last seq sent */
	struct crypto_shash *tx_mac;
	u64 tx_seq;
	struct rl_tp_frame *cur;	/* frame being written */
	size_t cur_off;
	bool cur_signed;		/* for this connection (tx_mac) */
	unsigned int backoff_ms;
	struct delayed_work work;
	/* the socket being dialed, so close can abort a blocking connect */
	struct mutex dial_mutex;
	struct socket *dialing;
	struct rl_tp_counters cnt;
	/* liveness: rl_tp_mutex, or the pass under ep->lock */
	struct rl_tp_live *live;
	unsigned long down_since;	/* jiffies, 0: up */
	bool lost_told;			/* the owner was told it is lost */
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
	bool unauth;			/* counted in l->unauth */
	int state;
	struct rl_tp_ep *ep;		/* set under listener->lock */
	struct rl_tp_peer *peer;
	struct rl_wire_hello dhello, ahello;
	/* with a secret, once READY: the session key, last seq received */
	struct crypto_shash *rx_mac;
	u64 rx_seq;
	/* the frame being received */
	u8 hdr[RAFTLOG_FRAME_HDR_SIZE];
	u32 hdr_got;
	struct rl_wire_hdr h;
	u8 *payload;
	u32 pl_got, pl_cap;		/* received, allocated */
	u8 small[RL_TP_HS_MAX];
	void (*orig_data_ready)(struct sock *sk);
	void (*orig_state_change)(struct sock *sk);
};

/* ---- transport_sock.c: sockets, counters, authentication ---- */

void rl_tp_cnt_stats(struct rl_tp_counters *c, struct rl_tp_stats *st);
void rl_tp_hs_failed(struct rl_tp_counters *c, u32 reason, u64 peer,
		     const char *who);
int rl_tp_addrlen(const struct sockaddr_storage *ss);
bool rl_tp_addr_eq(const struct sockaddr_storage *a,
		   const struct sockaddr_storage *b);
void rl_tp_sock_setup(struct socket *sock);
int rl_tp_sock_create(struct net *net, int family, struct socket **out);
void rl_tp_sock_close(struct socket *sock);
int rl_tp_send_all(struct socket *sock, const void *buf, size_t len,
		   int flags);
int rl_tp_recv_some(struct socket *sock, void *buf, size_t len, int flags);
int rl_tp_mac(struct rl_tp_ep *ep, int role,
	      const struct rl_wire_hello *d, const struct rl_wire_hello *a,
	      u8 out[RAFTLOG_MAC_SIZE]);
bool rl_tp_mac_ok(struct rl_tp_ep *ep, int role,
		  const struct rl_wire_hello *d,
		  const struct rl_wire_hello *a, const u8 *mac);
struct crypto_shash *rl_tp_session(struct rl_tp_ep *ep,
				   const struct rl_wire_hello *d,
				   const struct rl_wire_hello *a);
int rl_tp_frame_sign(struct crypto_shash *tfm, u8 *frame, u32 len, u64 seq);
bool rl_tp_frame_mac_ok(struct crypto_shash *tfm, const u8 *hdr,
			const u8 *payload, u32 n, const u8 *mac);
void rl_tp_local(struct rl_tp_ep *ep, struct rl_wire_local *loc);
int rl_tp_hs_read(struct socket *sock, struct rl_wire_hdr *h, u8 *payload);
void rl_tp_send_reject(struct socket *sock, u32 reason, int flags);
/* the peer @node of @ep, or NULL (ep->lock held) */
struct rl_tp_peer *rl_tp_peer_find(struct rl_tp_ep *ep, u64 node);

/* ---- transport_dial.c: dialed connections ---- */

void rl_tp_peer_queue(struct rl_tp_peer *p, unsigned long delay);
void rl_tp_peer_trim(struct rl_tp_peer *p, u32 keep, struct list_head *dead);
void rl_tp_queue_free(struct list_head *q);
void rl_tp_peer_work(struct work_struct *work);
void rl_tp_peer_destroy(struct rl_tp_peer *p);

/* ---- transport_accept.c: accepted connections ---- */

void rl_tp_listen_data_ready(struct sock *sk);
void rl_tp_accept_work(struct work_struct *work);
void rl_tp_reap_conns(struct rl_tp_listener *l,
		      bool (*match)(struct rl_tp_conn *c, void *arg),
		      void *arg);
bool rl_tp_match_all(struct rl_tp_conn *c, void *arg);
bool rl_tp_match_ep(struct rl_tp_conn *c, void *arg);
bool rl_tp_match_peer(struct rl_tp_conn *c, void *arg);

/* ---- transport_live.c: peer liveness shared by all endpoints ---- */

int rl_tp_live_attach(struct rl_tp_peer *p, struct net *net);
void rl_tp_live_detach(struct rl_tp_peer *p);
void rl_tp_live_heard(struct rl_tp_peer *p);
void rl_tp_live_sent(struct rl_tp_peer *p);
bool rl_tp_live_probe(const struct raft_msg *m);
void rl_tp_live_stop(void);

#endif /* RL_TRANSPORT_INT_H */
