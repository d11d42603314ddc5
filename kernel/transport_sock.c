// SPDX-License-Identifier: GPL-2.0
/*
 * Transport: what both sides of a connection use.  Counters, addresses,
 * socket setup and blocking send/receive, the handshake's proofs (HMAC
 * over the transcript, docs/wire.md) and its frame reads and refusals.
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

void rl_tp_cnt_stats(struct rl_tp_counters *c, struct rl_tp_stats *st)
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
	st->mac_errors = atomic64_read(&c->mac_errors);
	st->seq_errors = atomic64_read(&c->seq_errors);
	st->conns_refused = atomic64_read(&c->conns_refused);
	for (i = 0; i <= RAFTLOG_REJECT_MAX; i++)
		st->hs_fail[i] = atomic64_read(&c->hs_fail[i]);
}

void rl_tp_hs_failed(struct rl_tp_counters *c, u32 reason, u64 peer,
		     const char *who)
{
	if (reason > RAFTLOG_REJECT_MAX)
		reason = RAFTLOG_REJECT_PROTOCOL;
	atomic64_inc(&c->hs_fail[reason]);
	pr_info_ratelimited("raftlog: handshake with node %llu refused (%s): %s\n",
			    peer, who, rl_wire_reject_name(reason));
}

int rl_tp_addrlen(const struct sockaddr_storage *ss)
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

bool rl_tp_addr_eq(const struct sockaddr_storage *a,
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
 * keepalive as a backstop for dead peers, and no use of the current
 * task's page frag (the socket is written from work items of different
 * tasks).  Allocations may recurse into I/O (GFP_KERNEL): raftlog is
 * never in the writeback path.
 */
void rl_tp_sock_setup(struct socket *sock)
{
	struct sock *sk = sock->sk;

	sk->sk_allocation = GFP_KERNEL;
#ifdef RL_HAVE_SK_USE_TASK_FRAG
	sk->sk_use_task_frag = false;
#endif
	tcp_sock_set_nodelay(sk);
	sock_set_keepalive(sk);
	tcp_sock_set_keepidle(sk, RL_TP_KEEPIDLE);
	tcp_sock_set_keepintvl(sk, RL_TP_KEEPINTVL);
	tcp_sock_set_keepcnt(sk, RL_TP_KEEPCNT);
}

int rl_tp_sock_create(struct net *net, int family, struct socket **out)
{
	int err;

	err = sock_create_kern(net, family, SOCK_STREAM, IPPROTO_TCP, out);
	if (!err)
		rl_tp_sock_setup(*out);
	return err;
}

void rl_tp_sock_close(struct socket *sock)
{
	if (!sock)
		return;
	kernel_sock_shutdown(sock, SHUT_RDWR);
	sock_release(sock);
}

/* Send all of @len bytes (blocking up to the socket's send timeout). */
int rl_tp_send_all(struct socket *sock, const void *buf, size_t len,
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

int rl_tp_recv_some(struct socket *sock, void *buf, size_t len, int flags)
{
	struct msghdr msg = { .msg_flags = flags | MSG_NOSIGNAL };
	struct kvec iov = { .iov_base = buf, .iov_len = len };

	return kernel_recvmsg(sock, &msg, &iov, 1, len, msg.msg_flags);
}

int rl_tp_mac(struct rl_tp_ep *ep, int role,
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
bool rl_tp_mac_ok(struct rl_tp_ep *ep, int role,
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

/*
 * The session key of a connection whose handshake used the secret:
 * HMAC-SHA256(secret, transcript labelled "RLSESS-K"), so fresh for each
 * connection (both nonces) and bound to both node ids.  Returns a keyed
 * hmac(sha256) transform for the frames of that connection.
 */
struct crypto_shash *rl_tp_session(struct rl_tp_ep *ep,
				   const struct rl_wire_hello *d,
				   const struct rl_wire_hello *a)
{
	struct crypto_shash *tfm;
	u8 key[RAFTLOG_MAC_SIZE];
	int err;

	err = rl_tp_mac(ep, RL_WIRE_ROLE_SESSION, d, a, key);
	if (err)
		goto out;
	tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(tfm)) {
		err = PTR_ERR(tfm);
		goto out;
	}
	err = crypto_shash_setkey(tfm, key, sizeof(key));
	if (err)
		crypto_free_shash(tfm);
out:
	memzero_explicit(key, sizeof(key));
	return err ? ERR_PTR(err) : tfm;
}

/* Authenticate the whole RAFT frame @frame (@len bytes, trailer room last). */
int rl_tp_frame_sign(struct crypto_shash *tfm, u8 *frame, u32 len, u64 seq)
{
	u8 mac[RAFTLOG_MAC_SIZE];
	u32 cover;
	int err;

	cover = rl_wire_auth_begin(frame, len, seq);
	err = crypto_shash_tfm_digest(tfm, frame, cover, mac);
	if (!err)
		rl_wire_auth_end(frame, len, mac);
	memzero_explicit(mac, sizeof(mac));
	return err;
}

/*
 * Is @mac the MAC of header @hdr and the first @n bytes of @payload?
 * Constant-time compare.
 */
bool rl_tp_frame_mac_ok(struct crypto_shash *tfm, const u8 *hdr,
			const u8 *payload, u32 n, const u8 *mac)
{
	SHASH_DESC_ON_STACK(desc, tfm);
	u8 hz[RAFTLOG_FRAME_HDR_SIZE];
	u8 want[RAFTLOG_MAC_SIZE];
	bool ok;

	desc->tfm = tfm;
	rl_wire_auth_hdr(hz, hdr);
	ok = !crypto_shash_init(desc) &&
	     !crypto_shash_update(desc, hz, sizeof(hz)) &&
	     !crypto_shash_finup(desc, payload, n, want) &&
	     !crypto_memneq(want, mac, RAFTLOG_MAC_SIZE);
	shash_desc_zero(desc);
	memzero_explicit(want, sizeof(want));
	return ok;
}

void rl_tp_local(struct rl_tp_ep *ep, struct rl_wire_local *loc)
{
	loc->cluster_id = ep->cfg.cluster_id;
	loc->group_id = ep->cfg.group_id;
	loc->node_id = ep->cfg.node_id;
	loc->has_secret = ep->cfg.secret_len > 0;
}

/* Read one handshake frame (blocking, within the socket's timeout). */
int rl_tp_hs_read(struct socket *sock, struct rl_wire_hdr *h,
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

void rl_tp_send_reject(struct socket *sock, u32 reason, int flags)
{
	u8 f[RL_WIRE_REJECT_FRAME];

	rl_wire_reject_encode(f, reason);
	rl_tp_send_all(sock, f, sizeof(f), flags);
}

struct rl_tp_peer *rl_tp_peer_find(struct rl_tp_ep *ep, u64 node)
{
	struct rl_tp_peer *p;

	list_for_each_entry(p, &ep->peers, node)
		if (p->id == node)
			return p;
	return NULL;
}
