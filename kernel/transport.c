// SPDX-License-Identifier: GPL-2.0
/*
 * raftlog in-kernel TCP transport: endpoints (the API of transport.h),
 * their peers and bounded send queues, the listeners they share per
 * (netns, address), network namespaces and module life.  The connections
 * themselves are in transport_dial.c (send side) and transport_accept.c
 * (receive side); transport_int.h describes the objects, contexts and
 * locks.  See docs/wire.md for the protocol.
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

struct workqueue_struct *rl_tp_wq;
DEFINE_MUTEX(rl_tp_mutex);		/* configuration changes */
static LIST_HEAD(rl_tp_listeners);
LIST_HEAD(rl_tp_eps);
static int rl_tp_users;		/* transport up; rl_tp_mutex */

/* ---- listeners ---- */

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
	l = kzalloc(sizeof(*l), GFP_KERNEL_ACCOUNT);
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

/* @cfg's zeros replaced by the defaults transport.h gives */
static void rl_tp_cfg_defaults(struct rl_tp_config *cfg)
{
	if (!cfg->queue_frames)
		cfg->queue_frames = 1024;
	if (!cfg->queue_bytes)
		cfg->queue_bytes = 16 << 20;
	if (!cfg->down_frames)
		cfg->down_frames = 64;
	cfg->down_frames = min(cfg->down_frames, cfg->queue_frames);
	if (!cfg->connect_timeout_ms)
		cfg->connect_timeout_ms = 3000;
	if (!cfg->backoff_min_ms)
		cfg->backoff_min_ms = 100;
	if (!cfg->backoff_max_ms)
		cfg->backoff_max_ms = 5000;
	if (!cfg->user_timeout_ms)
		cfg->user_timeout_ms = 5000;
	cfg->backoff_max_ms = max(cfg->backoff_max_ms, cfg->backoff_min_ms);
}

static void rl_tp_ep_free(struct rl_tp_ep *ep)
{
	if (ep->hmac)
		crypto_free_shash(ep->hmac);
	memzero_explicit(ep->cfg.secret, sizeof(ep->cfg.secret));
	kfree(ep);
}

/*
 * Bind @ep to the listener of its address, unless another endpoint there
 * serves the same group (rl_tp_mutex held).
 */
static int rl_tp_ep_attach(struct rl_tp_ep *ep)
{
	struct rl_tp_ep *o;
	int err;

	if (!rl_tp_users)
		return -ENODEV;
	ep->l = rl_tp_listener_get(ep->cfg.net, &ep->cfg.listen, &err);
	if (!ep->l)
		return err;
	spin_lock_bh(&ep->l->lock);
	list_for_each_entry(o, &ep->l->eps, lnode) {
		if (o->cfg.group_id == ep->cfg.group_id) {
			spin_unlock_bh(&ep->l->lock);
			rl_tp_listener_put(ep->l);
			return -EADDRINUSE;
		}
	}
	list_add_tail(&ep->lnode, &ep->l->eps);
	spin_unlock_bh(&ep->l->lock);
	list_add_tail(&ep->node, &rl_tp_eps);
	return 0;
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
	ep = kzalloc(sizeof(*ep), GFP_KERNEL_ACCOUNT);
	if (!ep)
		return NULL;
	ep->cfg = *cfg;
	rl_tp_cfg_defaults(&ep->cfg);
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
	*err = rl_tp_ep_attach(ep);
	mutex_unlock(&rl_tp_mutex);
	if (*err)
		goto fail;
	return ep;
fail:
	rl_tp_ep_free(ep);
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
	rl_tp_ep_free(ep);
}

int rl_tp_peer_add(struct rl_tp_ep *ep, u64 node,
		   const struct sockaddr_storage *addr)
{
	struct rl_tp_peer *p;
	int err = 0;

	if (!node || node == ep->cfg.node_id ||
	    (addr->ss_family != AF_INET && addr->ss_family != AF_INET6))
		return -EINVAL;
	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
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
	err = rl_tp_live_attach(p, ep->cfg.net);
	spin_lock_bh(&ep->lock);
	if (!err && ep->dead)
		err = -ENETDOWN;
	else if (!err && rl_tp_peer_find(ep, node))
		err = -EEXIST;
	else if (!err)
		list_add_tail(&p->node, &ep->peers);
	spin_unlock_bh(&ep->lock);
	if (!err)
		rl_tp_peer_queue(p, 0);
	else
		rl_tp_live_detach(p);
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
	size_t plen, trailer;
	long n;
	int err = 0;

	plen = rl_wire_msg_size(m);
	if (!plen)
		return -EINVAL;
	/* with a secret, room for the trailer: signed when it is sent */
	trailer = ep->cfg.secret_len ? RAFTLOG_FRAME_TRAILER_SIZE : 0;
	f = kvmalloc(sizeof(*f) + RAFTLOG_FRAME_HDR_SIZE + plen + trailer,
		     GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	n = rl_wire_msg_encode(f->data, RAFTLOG_FRAME_HDR_SIZE + plen, m);
	if (n < 0) {
		kvfree(f);
		return -EINVAL;
	}
	f->len = n + trailer;

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
		rl_tp_live_sent(p);
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
		st->q_bytes = p->q_bytes;
		st->q_limit = ep->cfg.queue_bytes;
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
	rl_tp_live_stop();
	destroy_workqueue(rl_tp_wq);
	rl_tp_wq = NULL;
	mutex_unlock(&rl_tp_init_mutex);
}
