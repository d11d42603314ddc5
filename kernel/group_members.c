// SPDX-License-Identifier: GPL-2.0
/*
 * Membership on the worker: the address book that lets every node dial
 * every member (see the comment on struct rl_members in group_int.h),
 * the address sections of snapshot blobs, and the transport's peer set,
 * which follows the configuration.  The run loop calls the rl_members_*
 * hooks; they report to it through their return values.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/socket.h>
#include "raft/raft.h"
#include "disk.h"
#include "transport.h"
#include "group.h"
#include "group_int.h"

/* Encode addr into ctx (RL_ADDR_MAX + 1 bytes); returns the length. */
u32 rl_members_ctx_encode(u8 *ctx, const char *addr)
{
	size_t n = strnlen(addr, RL_ADDR_MAX - 1);

	ctx[0] = RL_CTX_ADDR;
	ctx[1] = n;
	memcpy(ctx + 2, addr, n);
	return n + 2;
}

/*
 * Decode the address in a conf-change context (from the log: a leader's
 * bytes, checked like any input).  0 with addr set, or -EINVAL.
 */
static int rl_addr_ctx_decode(const u8 *ctx, u32 len, char *addr)
{
	struct sockaddr_storage ss;

	if (len < 3 || ctx[0] != RL_CTX_ADDR || ctx[1] + 2 != len ||
	    ctx[1] >= RL_ADDR_MAX || memchr(ctx + 2, 0, ctx[1]))
		return -EINVAL;
	memcpy(addr, ctx + 2, ctx[1]);
	addr[ctx[1]] = 0;
	return rl_tp_parse_addr(addr, &ss);
}

static int rl_book_add(struct rl_group *g, u64 index, u64 node,
		       const char *addr)
{
	struct rl_members *mb = &g->mb;
	struct rl_addr *a;

	if (mb->n_book == mb->cap_book) {
		u32 cap = mb->cap_book ? 2 * mb->cap_book : 16;

		a = krealloc_array(mb->book, cap, sizeof(*a), GFP_KERNEL);
		if (!a)
			return -ENOMEM;
		mb->book = a;
		mb->cap_book = cap;
	}
	a = &mb->book[mb->n_book++];
	a->index = index;
	a->node = node;
	strscpy(a->addr, addr, sizeof(a->addr));
	return 0;
}

/* Entries from index `from` on left the log: so do their addresses. */
static void rl_book_truncate(struct rl_group *g, u64 from)
{
	while (g->mb.n_book && g->mb.book[g->mb.n_book - 1].index >= from)
		g->mb.n_book--;
}

/* The address of node as of the log's end, or NULL. */
const char *rl_members_addr(struct rl_group *g, u64 node)
{
	u32 i = g->mb.n_book;

	while (i--)
		if (g->mb.book[i].node == node)
			return g->mb.book[i].addr;
	if (node == g->p.node_id && g->p.listen[0])
		return g->p.listen;
	return NULL;
}

/*
 * The log was compacted up to index: keep, of the entries up to index,
 * only the latest per node (at index), then the later ones.
 */
void rl_members_compact(struct rl_group *g, u64 index)
{
	struct rl_members *mb = &g->mb;
	u32 i, j, n = 0;

	for (i = 0; i < mb->n_book; i++) {
		struct rl_addr *a = &mb->book[i];

		if (a->index <= index) {
			for (j = i + 1; j < mb->n_book; j++)
				if (mb->book[j].node == a->node &&
				    mb->book[j].index <= index)
					break;
			if (j < mb->n_book)
				continue;	/* superseded */
			a->index = index;
		}
		mb->book[n++] = *a;
	}
	mb->n_book = n;
}

/*
 * The snapshot blob's address section for the snapshot at index with
 * configuration conf: le32 count, then per member le64 id, u8 length,
 * the address text.  Returns the bytes written (buf NULL: needed), or
 * -ENOBUFS, -ENOENT when a member's address is unknown.
 */
ssize_t rl_members_snap_encode(struct rl_group *g, u64 index,
			       const struct raft_conf *conf, u8 *buf,
			       size_t len)
{
	u32 i, n = conf->n_voters + conf->n_learners;
	size_t off = 4;

	if (buf && len < 4)
		return -ENOBUFS;
	for (i = 0; i < n; i++) {
		u64 id = i < conf->n_voters ? conf->voters[i] :
			 conf->learners[i - conf->n_voters];
		const char *a = NULL;
		u32 k = g->mb.n_book;
		size_t al;

		while (k--) {
			if (g->mb.book[k].node == id &&
			    g->mb.book[k].index <= index) {
				a = g->mb.book[k].addr;
				break;
			}
		}
		if (!a && id == g->p.node_id && g->p.listen[0])
			a = g->p.listen;
		if (!a)
			return -ENOENT;
		al = strlen(a);
		if (buf) {
			if (len - off < 9 + al)
				return -ENOBUFS;
			rl_put_le64(buf + off, id);
			buf[off + 8] = al;
			memcpy(buf + off + 9, a, al);
		}
		off += 9 + al;
	}
	if (buf)
		rl_put_le32(buf, n);
	return off;
}

/*
 * The member at off of an address section of len bytes (from a disk or
 * a leader: hostile): its id and address; returns its size, or -EINVAL.
 */
static int rl_snap_addr_decode(const u8 *buf, size_t len, size_t off,
			       u64 *id, char *addr)
{
	struct sockaddr_storage ss;
	u8 al;

	if (len - off < 9)
		return -EINVAL;
	*id = rl_get_le64(buf + off);
	al = buf[off + 8];
	if (!*id || !al || al >= RL_ADDR_MAX || len - off - 9 < al ||
	    memchr(buf + off + 9, 0, al))
		return -EINVAL;
	memcpy(addr, buf + off + 9, al);
	addr[al] = 0;
	if (rl_tp_parse_addr(addr, &ss))
		return -EINVAL;
	return 9 + al;
}

/*
 * Replace the book by a snapshot blob's address section (see above),
 * all at index.  The section is checked whole first: a refused one
 * leaves the book as it was.
 */
int rl_members_snap_load(struct rl_group *g, u64 index, const u8 *buf,
			 size_t len)
{
	char addr[RL_ADDR_MAX];
	size_t off;
	u32 i, n;
	int pass, err;
	u64 id;

	if (len < 4)
		return -EINVAL;
	n = rl_get_le32(buf);
	if (n > RL_MAX_PEERS)
		return -EINVAL;
	for (pass = 0; pass < 2; pass++) {
		if (pass)
			g->mb.n_book = 0;
		for (i = 0, off = 4; i < n; i++, off += err) {
			err = rl_snap_addr_decode(buf, len, off, &id, addr);
			if (err < 0)
				return err;
			if (pass && rl_book_add(g, index, id, addr))
				return -ENOMEM;
		}
		if (off != len)
			return -EINVAL;
	}
	return 0;
}

/* Learn the address an appended conf-change entry carries, if any. */
static int rl_book_learn(struct rl_group *g, const struct raft_entry *e)
{
	char addr[RL_ADDR_MAX];
	const u8 *ctx;
	u32 clen;
	u64 node;
	u8 type;

	if (e->type != RAFT_ENTRY_CONF_CHANGE ||
	    raft_conf_change_decode_ctx(e->data, e->len, &type, &node, NULL,
					&ctx, &clen) || !clen)
		return 0;
	if (rl_addr_ctx_decode(ctx, clen, addr)) {
		pr_warn_ratelimited("group %u: bad address context at %llu\n",
				    g->p.group_id, e->index);
		return 0;
	}
	return rl_book_add(g, e->index, node, addr);
}

/*
 * A committed configuration: remember it, and whether this node is still
 * in it.  Returns true when it is a configuration.
 */
static bool rl_members_committed(struct rl_group *g,
				 const struct raft_entry *e)
{
	struct raft_conf *c = &g->mb.committed;
	u64 node, self = g->p.node_id;
	u32 i;
	u8 type;
	bool in = false;

	if (e->type != RAFT_ENTRY_CONF_CHANGE ||
	    raft_conf_change_decode_full(e->data, e->len, &type, &node,
					 &g->mb.cc) || !g->mb.cc.n_voters)
		return false;
	*c = g->mb.cc;
	for (i = 0; i < c->n_voters; i++)
		in |= c->voters[i] == self;
	for (i = 0; i < c->n_learners; i++)
		in |= c->learners[i] == self;
	if (in)
		g->mb.was_member = true;
	else if (g->mb.was_member)
		g->mb.removed = true;
	return true;
}

bool rl_ids_has(const u64 *ids, u32 n, u64 id)
{
	while (n--)
		if (ids[n] == id)
			return true;
	return false;
}

bool rl_conf_has(const struct raft_conf *c, u64 id)
{
	return rl_ids_has(c->voters, c->n_voters, id) ||
	       rl_ids_has(c->learners, c->n_learners, id);
}

/*
 * Whom to keep a transport peer for: the members of the configuration in
 * force (c, the latest appended) and of the latest committed one.  A
 * member whose removal is appended but not committed still counts: its
 * acknowledgements (a removed leader's, for one) commit the removal.
 */
static bool rl_wanted(struct rl_group *g, const struct raft_conf *c, u64 id)
{
	u32 i;

	if (id == g->p.node_id)
		return false;
	if (c->n_voters)
		return rl_conf_has(c, id) || rl_conf_has(&g->mb.committed, id);
	/* joined with an empty configuration: reach the cluster by spec */
	for (i = 0; i < g->p.n_peers; i++)
		if (g->p.peers[i].id == id)
			return true;
	return false;
}

static void rl_members_peer_drop(struct rl_group *g, u32 i)
{
	struct rl_members *mb = &g->mb;

	rl_tp_peer_remove(g->ep, mb->peers[i].node);
	mb->peers[i] = mb->peers[--mb->n_peers];
}

static void rl_members_peer_add(struct rl_group *g, u64 id)
{
	struct rl_members *mb = &g->mb;
	struct sockaddr_storage ss;
	const char *addr = rl_members_addr(g, id);
	int err;

	if (!addr) {
		pr_warn_ratelimited("group %u: no address for member %llu\n",
				    g->p.group_id, id);
		return;
	}
	if (mb->n_peers >= RL_MAX_PEERS)
		return;
	err = rl_tp_parse_addr(addr, &ss);
	if (!err)
		err = rl_tp_peer_add(g->ep, id, &ss);
	if (err == -EEXIST)	/* we lost track of it: take it over */
		err = 0;
	if (err) {
		pr_warn_ratelimited("group %u: cannot add peer %llu at %s: %d\n",
				    g->p.group_id, id, addr, err);
		return;
	}
	mb->peers[mb->n_peers].node = id;
	strscpy(mb->peers[mb->n_peers].addr, addr, RL_ADDR_MAX);
	mb->n_peers++;
}

static void rl_members_sync_add(struct rl_group *g, const struct raft_conf *c)
{
	struct rl_members *mb = &g->mb;
	u32 i, k;

	for (i = 0; i < c->n_voters + c->n_learners; i++) {
		u64 id = i < c->n_voters ? c->voters[i] :
			 c->learners[i - c->n_voters];

		if (id == g->p.node_id)
			continue;
		for (k = 0; k < mb->n_peers; k++)
			if (mb->peers[k].node == id)
				break;
		if (k == mb->n_peers)
			rl_members_peer_add(g, id);
	}
}

/* Make the transport dial exactly whom rl_wanted() names (worker only). */
static void rl_members_sync(struct rl_group *g, const struct raft_conf *c)
{
	struct rl_members *mb = &g->mb;
	u32 i;

	if (!g->ep)
		return;
	/* drop who left, and who moved (re-added at another address) */
	for (i = 0; i < mb->n_peers;) {
		const char *addr = rl_members_addr(g, mb->peers[i].node);

		if (!rl_wanted(g, c, mb->peers[i].node) ||
		    (addr && strcmp(addr, mb->peers[i].addr)))
			rl_members_peer_drop(g, i);
		else
			i++;
	}
	rl_members_sync_add(g, c);
	if (c->n_voters)
		rl_members_sync_add(g, &mb->committed);
}

/*
 * Check a snapshot blob (from the device or a leader: hostile) against
 * the snapshot it came with.  0 with *addrs and *addrs_len set to its
 * address section (NULL/0 for a version 1 blob, which has none), or
 * -EUCLEAN.  The section itself is checked by rl_members_snap_load.
 */
int rl_members_snap_check(struct rl_group *g, const u8 *data, u64 len,
			  u64 index, u64 term, const u8 **addrs,
			  u32 *addrs_len)
{
	if (rl_snapblob_decode(data, len, g->p.group_id, index, term, addrs,
			       addrs_len))
		return -EUCLEAN;
	return 0;
}

/*
 * A snapshot replaces the log up to its index (booting from one, or
 * installing the leader's): the book becomes the blob's address section
 * at that index, or, for a version 1 blob, what the book knew up to
 * there, folded.  Its configuration is committed.
 */
static int rl_members_snap_apply(struct rl_group *g,
				 const struct raft_snapshot_meta *meta,
				 const u8 *data, u64 len)
{
	const u8 *addrs;
	u32 alen;
	int err;

	/* streamed: only its first bytes are at hand, checked as it came */
	if (!data)
		err = rl_snap_rx_check(g, meta->index, meta->term, len, &addrs,
				       &alen, NULL, NULL);
	else
		err = rl_members_snap_check(g, data, len, meta->index,
					    meta->term, &addrs, &alen);
	if (!err && addrs)
		err = rl_members_snap_load(g, meta->index, addrs, alen);
	if (err) {
		pr_err("group %u: bad snapshot blob at %llu: %d\n",
		       g->p.group_id, meta->index, err);
		return err == -ENOMEM ? err : -EUCLEAN;
	}
	if (!addrs) {
		rl_book_truncate(g, meta->index + 1);
		rl_members_compact(g, meta->index);
	}
	g->mb.committed = meta->conf;
	return 0;
}

/*
 * Before the core starts: the book from the create spec (index 0) and
 * the durable log's conf changes.  Nothing runs concurrently yet.
 */
int rl_members_boot(struct rl_group *g, const struct raft_boot *boot)
{
	struct rl_members *mb = &g->mb;
	u64 i;
	int err;

	mb->was_member = !g->p.join;
	/* committed entries are handed out again from the start */
	mb->committed = boot->snap.conf;
	for (i = 0; i < g->p.n_peers; i++) {
		err = rl_book_add(g, 0, g->p.peers[i].id, g->p.peers[i].addr);
		if (err)
			return err;
		/* the transport starts with the spec's peers */
		mb->peers[mb->n_peers].node = g->p.peers[i].id;
		strscpy(mb->peers[mb->n_peers].addr, g->p.peers[i].addr,
			RL_ADDR_MAX);
		mb->n_peers++;
	}
	if (boot->snap.index) {
		err = rl_members_snap_apply(g, &boot->snap, boot->snap_data,
					    boot->snap_len);
		if (err)
			return err;
	}
	/* a bounded boot's changes before its entries are all committed */
	for (i = 0; i < boot->n_confs; i++) {
		err = rl_book_learn(g, &boot->confs[i]);
		if (err)
			return err;
		rl_members_committed(g, &boot->confs[i]);
	}
	for (i = 0; i < boot->n_entries; i++) {
		err = rl_book_learn(g, &boot->entries[i]);
		if (err)
			return err;
	}
	/* the worker's first step dials what the recovered log needs */
	mb->need_sync = true;
	return 0;
}

/*
 * Dial as of the last entry this ready hands out.  A ready carries at
 * most one chunk of the log: a conf change appended past it names a
 * member whose address the book learns only from the next ready, which
 * syncs again.
 */
static void rl_members_sync_ready(struct rl_group *g,
				  const struct raft_ready *rd)
{
	struct raft_status *st = &g->mb.st;
	u64 end;

	raft_status(g->raft, st);
	if (rd->n_entries) {
		end = rd->entries[rd->n_entries - 1].index;
		if (end < st->last_index)
			raft_conf_at_index(g->raft, end, &st->conf);
	}
	rl_members_sync(g, &st->conf);
}

/*
 * A ready was taken out (worker, before its messages go): note the
 * configurations it commits (and whether one left this node out), learn
 * the addresses its entries carry (after dropping those of the suffix
 * they overwrite), and bring the transport in line.
 */
int rl_members_ready(struct rl_group *g, const struct raft_ready *rd)
{
	bool sync = rd->n_entries;
	u64 i;
	int err;

	if (rd->snapshot) {
		err = rl_members_snap_apply(g, &rd->snapshot->meta,
					    rd->snapshot->data,
					    rd->snapshot->len);
		if (err)
			return err;
		sync = true;
	}
	for (i = 0; i < rd->n_committed; i++)
		sync |= rl_members_committed(g, &rd->committed[i]);
	if (rd->n_entries) {
		rl_book_truncate(g, rd->entries[0].index);
		for (i = 0; i < rd->n_entries; i++) {
			err = rl_book_learn(g, &rd->entries[i]);
			if (err)
				return err;
		}
	}
	if (sync && g->ep)
		rl_members_sync_ready(g, rd);
	return 0;
}

/*
 * After a step: the first one dials the members the recovered log names.
 * A node that saw its own removal commit returns -EIDRM: the run loop
 * stops it like a failed group
 * (requests get a definite error, the status says so), once the step's
 * messages (a removed leader's TIMEOUT_NOW) were handed over.  Its
 * transport stays until the group is destroyed: the others dropped it
 * already and refuse its connections.  (A removed follower usually never
 * sees its removal: the leader stops replicating to it on append.  It
 * idles until destroyed; it cannot disturb the others, who refuse it.)
 */
int rl_members_after_step(struct rl_group *g)
{
	struct rl_members *mb = &g->mb;

	if (mb->need_sync && g->raft && !g->fail_err) {
		mb->need_sync = false;
		raft_status(g->raft, &mb->st);
		rl_members_sync(g, &mb->st.conf);
	}
	if (!mb->removed || g->fail_err)
		return 0;
	pr_info("group %u: node %llu was removed from the configuration; stopped\n",
		g->p.group_id, g->p.node_id);
	return -EIDRM;
}

void rl_members_free(struct rl_group *g)
{
	kfree(g->mb.book);
	g->mb.book = NULL;
	g->mb.n_book = 0;
	g->mb.cap_book = 0;
	g->mb.n_peers = 0;
}
