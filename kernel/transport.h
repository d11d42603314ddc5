/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-kernel TCP transport between the nodes of Raft groups (docs/wire.md).
 *
 * A group opens one endpoint: its ids, its listen address, the cluster
 * secret (optional) and a receive callback.  Endpoints in the same network
 * namespace that listen on the same address share one listening socket;
 * the dialer's HELLO names the group.  The group adds its peers; the
 * endpoint dials each one (connect timeout, capped exponential back-off
 * with jitter), authenticates, and sends that peer's messages on it.
 * Messages from a peer arrive on the connection the peer dialed.
 *
 * Sending never blocks: rl_tp_send() encodes the message, queues it on the
 * peer's bounded queue and returns; when the queue is full the message is
 * dropped and counted (Raft retransmits).  Receiving runs in a work item;
 * every frame is length checked and checksummed and the message decoded
 * and checked (it must come from the authenticated peer, addressed to this
 * node) before the callback sees it.  A peer that sends anything else is
 * disconnected and counted.
 *
 * Every socket is created in the endpoint's network namespace.  Sockets
 * do not hold a reference on it; when the namespace goes away its
 * endpoints are stopped (pernet pre_exit) and only their memory remains
 * until the owner calls rl_tp_close().
 */
#ifndef RL_TRANSPORT_H
#define RL_TRANSPORT_H

#include <linux/types.h>
#include <linux/socket.h>
#include <linux/raftlog_wire.h>

struct net;
struct raft_msg;
struct rl_tp_ep;

/*
 * Receive callback, in process context on the transport's workqueue (it
 * must not block for long).  @m was decoded by rl_wire_msg_decode(): the
 * callback may take its entries and chunk by copying *m and zeroing it;
 * whatever is left in *m is freed by the transport after the call.
 */
typedef void (*rl_tp_recv_fn)(void *ctx, struct raft_msg *m);

struct rl_tp_config {
	struct net *net;
	struct sockaddr_storage listen;	/* address and port to accept on */
	u64 cluster_id;
	u32 group_id;
	u64 node_id;
	u8 secret[RAFTLOG_SECRET_MAX];	/* copied, wiped at close */
	u32 secret_len;			/* 0: no authentication */
	u32 queue_frames;		/* per-peer send queue (0: 1024) */
	u32 queue_bytes;		/* per-peer queued bytes (0: 16 MiB) */
	/*
	 * While a peer is unreachable only the newest down_frames frames
	 * wait for it (0: 64; at most queue_frames): a reconnect then
	 * delivers recent messages at once instead of replaying a full
	 * queue of stale ones ahead of them.
	 */
	u32 down_frames;
	u32 connect_timeout_ms;		/* dial + handshake (0: 3000) */
	u32 backoff_min_ms;		/* first retry delay (0: 100) */
	u32 backoff_max_ms;		/* cap (0: 5000) */
	/*
	 * A dialed connection whose sent data stays unacknowledged this
	 * long is dropped and redialed (TCP_USER_TIMEOUT; 0: 5000), so a
	 * peer back from a partition is reached again in about backoff_max
	 * rather than at TCP's next retransmission, which backs off to
	 * minutes.
	 */
	u32 user_timeout_ms;
	rl_tp_recv_fn recv;
	/*
	 * Optional: @node's address has not been heard from for a while, or
	 * our connection to it stayed down (transport_live.c); called on
	 * rl_tp_wq, once per loss, under the transport's configuration
	 * mutex (it must not block nor call back into the transport).
	 */
	void (*lost)(void *ctx, u64 node);
	void *ctx;
};

/* Counters of one peer (both directions) or of an endpoint's listener. */
struct rl_tp_stats {
	u64 connects;		/* dialed connections that became ready */
	u64 disconnects;	/* ready dialed connections lost */
	u64 connect_failures;	/* dials or handshakes that failed */
	u64 accepts;		/* inbound connections that became ready */
	u64 in_disconnects;	/* inbound connections closed */
	/* handshake refusals by reason, ours and the peer's */
	u64 hs_fail[RAFTLOG_REJECT_MAX + 1];
	u64 frames_out, bytes_out;
	u64 frames_in, bytes_in;
	u64 frames_dropped;	/* queue full, or lost with a connection */
	u64 decode_errors;	/* bad frames or messages received */
	/*
	 * of those, authenticated frames with a wrong or missing MAC, and
	 * with a sequence number other than the next (replays)
	 */
	u64 mac_errors, seq_errors;
	/* listener: connections closed at accept, too many in handshake */
	u64 conns_refused;
	u64 q_bytes, q_limit;	/* frames queued to the peer, and the bound */
	u8 up;			/* the dialed connection is ready now */
};

int rl_tp_init(void);
void rl_tp_exit(void);

/* Open an endpoint; NULL with *err (-EINVAL, -EADDRINUSE, -ENOMEM, ...). */
struct rl_tp_ep *rl_tp_open(const struct rl_tp_config *cfg, int *err);
/* Stop and free: waits for in-flight work; no callback runs after it. */
void rl_tp_close(struct rl_tp_ep *ep);

/* Start dialing @node at @addr.  -EEXIST, -EINVAL, -ENOMEM, -ENETDOWN. */
int rl_tp_peer_add(struct rl_tp_ep *ep, u64 node,
		   const struct sockaddr_storage *addr);
/* Drop @node, its connections and its queue.  0 or -ENOENT. */
int rl_tp_peer_remove(struct rl_tp_ep *ep, u64 node);

/*
 * Queue @m (borrowed) for m->to.  0 when queued (to a peer that is down,
 * the oldest queued frame may be dropped for it, counted); -ENOBUFS when
 * dropped (queue full, counted); -ENOENT unknown peer; -EINVAL a message
 * the wire cannot carry; -ENOMEM; -ENETDOWN when the namespace is gone.
 */
int rl_tp_send(struct rl_tp_ep *ep, const struct raft_msg *m);

/* Counters of @node (-ENOENT), or of connections no peer owns. */
int rl_tp_peer_stats(struct rl_tp_ep *ep, u64 node, struct rl_tp_stats *st);
void rl_tp_listener_stats(struct rl_tp_ep *ep, struct rl_tp_stats *st);

/* "a.b.c.d:port" or "[v6]:port" -> sockaddr.  0 or -EINVAL. */
int rl_tp_parse_addr(const char *s, struct sockaddr_storage *ss);

#endif /* RL_TRANSPORT_H */
