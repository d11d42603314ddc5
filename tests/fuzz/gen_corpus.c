// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpora of the wire fuzzers from valid encodings:
 *   corpus/frame/      mode byte + one RAFT frame per message type, and
 *                      a stream of them (see fuzz_frame.c for the mode)
 *   corpus/handshake/  role byte + the frames a peer sends in a handshake
 * Run by `make corpus`; the output is committed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "port.h"
#include "wire.h"

static void put(const char *dir, const char *name, const void *a, size_t na,
		const void *b, size_t nb)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(a, 1, na, f) != na || (nb && fwrite(b, 1, nb, f) != nb)) {
		perror(path);
		exit(1);
	}
	fclose(f);
}

static const char *type_name(int t)
{
	static const char *const names[] = {
		"", "vote", "vote-resp", "prevote", "prevote-resp", "append",
		"append-resp", "heartbeat", "heartbeat-resp", "snapshot",
		"snapshot-resp", "timeout-now", "propose", "propose-resp",
		"read-index", "read-index-resp",
	};

	return t < (int)(sizeof(names) / sizeof(names[0])) ? names[t] : "x";
}

static size_t enc(u8 *buf, size_t cap, u8 type)
{
	static u8 data[64];
	struct raft_entry e[2] = {
		{ 3, 10, RAFT_ENTRY_NORMAL, 5, data },
		{ 3, 11, RAFT_ENTRY_CONF_CHANGE, 10, data + 5 },
	};
	struct raft_msg m;
	long n;

	memset(data, 'x', sizeof(data));
	memset(&m, 0, sizeof(m));
	m.type = type;
	m.from = 1;
	m.to = 2;
	m.term = 3;
	m.log_term = 3;
	m.index = 9;
	m.commit = 8;
	m.context = 42;
	if (type == RAFT_MSG_APPEND || type == RAFT_MSG_PROPOSE) {
		m.entries = e;
		m.n_entries = type == RAFT_MSG_APPEND ? 2 : 1;
	}
	if (type == RAFT_MSG_APPEND_RESP) {
		m.reject = 1;
		m.reject_hint = 4;
		m.hint_term = 2;
	}
	if (type == RAFT_MSG_PROPOSE_RESP || type == RAFT_MSG_READ_INDEX_RESP)
		m.error = -11;
	if (type == RAFT_MSG_SNAPSHOT) {
		m.snap.index = 7;
		m.snap.term = 2;
		m.snap.conf.n_voters = 3;
		m.snap.conf.voters[0] = 1;
		m.snap.conf.voters[1] = 2;
		m.snap.conf.voters[2] = 3;
		m.snap.conf.n_learners = 1;
		m.snap.conf.learners[0] = 4;
		m.snap_len = 32;
		m.snap_data = data;
		m.snap_done = 1;
	}
	n = rl_wire_msg_encode(buf, cap, &m);
	if (n < 0) {
		fprintf(stderr, "encode type %u: %s\n", type, rl_wire_strerror(n));
		exit(1);
	}
	return n;
}

int main(int argc, char **argv)
{
	const char *top = argc > 1 ? argv[1] : "corpus";
	char fdir[200], hdir[200], name[64];
	u8 buf[1024], stream[2048], hs[512];
	size_t n, sn = 0, hn;
	struct rl_wire_hello h;
	u8 mac[RAFTLOG_MAC_SIZE];
	int t;

	snprintf(fdir, sizeof(fdir), "%s/frame", top);
	snprintf(hdir, sizeof(hdir), "%s/handshake", top);
	for (t = 1; t <= RAFT_MSG_TYPE_MAX; t++) {
		n = enc(buf, sizeof(buf), t);
		snprintf(name, sizeof(name), "%02d-%s", t, type_name(t));
		put(fdir, name, "\1", 1, buf, n);
		snprintf(name, sizeof(name), "%02d-%s-raw", t, type_name(t));
		put(fdir, name, "\0", 1, buf, n);
		if (sn + n <= sizeof(stream)) {
			memcpy(stream + sn, buf, n);
			sn += n;
		}
	}
	put(fdir, "stream", "\1", 1, stream, sn);

	/* acceptor role: the dialer's HELLO then its AUTH */
	memset(&h, 0, sizeof(h));
	h.version = RAFTLOG_WIRE_VERSION;
	h.flags = RAFTLOG_HELLO_F_AUTH;
	h.group_id = 7;
	h.cluster_id = 0x1122334455667788ULL;
	h.sender = 1;
	h.receiver = 2;
	memset(h.nonce, 0x5c, sizeof(h.nonce));
	hs[0] = 0;
	rl_wire_hello_encode(hs + 1, &h);
	hn = 1 + RL_WIRE_HELLO_FRAME;
	memset(mac, 0x77, sizeof(mac));
	rl_wire_auth_encode(hs + hn, mac);
	hn += RL_WIRE_AUTH_FRAME;
	put(hdir, "acceptor-hello-auth", hs, hn, NULL, 0);

	/* dialer role: the acceptor's HELLO (with proof) then READY / REJECT */
	h.flags = RAFTLOG_HELLO_F_AUTH | RAFTLOG_HELLO_F_MAC;
	h.sender = 1;
	h.receiver = 2;
	memset(h.mac, 0x99, sizeof(h.mac));
	hs[0] = 1;
	rl_wire_hello_encode(hs + 1, &h);
	hn = 1 + RL_WIRE_HELLO_FRAME;
	rl_wire_ready_encode(hs + hn);
	put(hdir, "dialer-hello-ready", hs, hn + RL_WIRE_READY_FRAME, NULL, 0);
	rl_wire_reject_encode(hs + hn, RAFTLOG_REJECT_AUTH);
	put(hdir, "dialer-hello-reject", hs, hn + RL_WIRE_REJECT_FRAME, NULL, 0);
	rl_wire_reject_encode(hs + 1, RAFTLOG_REJECT_CLUSTER);
	put(hdir, "dialer-reject", hs, 1 + RL_WIRE_REJECT_FRAME, NULL, 0);
	return 0;
}
