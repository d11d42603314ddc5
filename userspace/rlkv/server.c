// SPDX-License-Identifier: GPL-2.0
/*
 * rlkv serve: one node of the replicated key-value store.
 *
 * An applier thread reads the group's committed log from the start
 * (raftlog_next) and applies every entry to the state machine (sm.h),
 * keeping the result of each of the last RESULTS entries.
 *
 * Snapshots: the server is the one process per node that saves them.
 * Every --snapshot-every N applied entries (default 10000, 0: never) and
 * on the "snapshot" request, it encodes its state machine at its applied
 * index (sm_encode) and gives it to raftlog (raftlog_snapshot_save), which
 * compacts the node's log up to there.  When its reader meets a snapshot
 * record (at start on a compacted log, or a node brought up to date by
 * the leader's InstallSnapshot), it replaces its state by the snapshot's
 * (sm_decode) and applies the entries after it; a snapshot that does not
 * decode is refused: the server says why and exits (status 1), as it
 * cannot apply the entries after it.  Run one server per node and device:
 * two would both save.  Each client
 * connection gets a thread with its own handle on the device.  Writes
 * (put, del, cas, lock, renew, unlock) are proposed with raftlog_propose;
 * once committed at index i, the thread waits until the applier reached
 * i and answers with the result of entry i.  A linearizable get takes
 * the read barrier first (its index is everything committed when the get
 * arrived), waits until the applier reached it and reads the state; a
 * stale get (sget) reads the state as it is.
 *
 * Protocol: one request per line, one answer per line.
 *   put K V            ok <index>
 *   del K              ok <index>
 *   cas K OLD NEW      ok <index> | mismatch <index> <current or ->
 *   get K              ok <value or ->          (linearizable)
 *   sget K             ok <value or ->          (this node's state, maybe stale)
 *   lock N OWNER TTL   granted <token> <expires-ms> | held <owner> <token> <expires-ms>
 *   renew N OWNER TOKEN TTL   renewed <expires-ms> | lost
 *   unlock N OWNER TOKEN      released | lost
 *   lockinfo N         held <owner> <token> <expires-ms> | free   (linearizable)
 *   status             applied <i> keys <n> time <ms> role <r> leader <id>
 *                      snapshot <i> restored <i>
 *                      (the last snapshot saved or restored here, the last
 *                      restored; 0: none)
 *   snapshot           snapshot <index> <bytes>    (saved now)
 *   error:             err <ERRNO-NAME> definite|unknown
 * "definite": the command did not and will not take effect; "unknown":
 * it may have (e.g. the leader did not answer in time).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "libraftlog.h"
#include "net.h"
#include "rlkv.h"
#include "sm.h"

#define RESULTS 4096

static struct {
	const char *dev;
	int bug_no_barrier;
	uint64_t snap_every;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct sm *sm;
	uint64_t applied;
	uint64_t snap_index;	/* the last snapshot saved or restored */
	uint64_t snap_tried;	/* the applier's last try (saved or not) */
	uint64_t restored;	/* the last snapshot restored */
	pthread_mutex_t save_lock;	/* a save at a time, on save_rl */
	struct raftlog *save_rl;
	struct {
		uint64_t index;
		char res[SM_RESULT_MAX];
	} ring[RESULTS];
} S = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
	.save_lock = PTHREAD_MUTEX_INITIALIZER,
};

/*
 * Save len bytes at buf as the snapshot at index (the state machine's at
 * index) on a handle opened for writing; 0 or -errno.
 */
static int save_snapshot(uint64_t index, const void *buf, size_t len)
{
	int err;

	pthread_mutex_lock(&S.save_lock);
	err = S.save_rl ? 0 : raftlog_open(S.dev, O_RDWR, &S.save_rl);
	if (err)
		S.save_rl = NULL;
	else
		err = raftlog_snapshot_save(S.save_rl, index, buf, len);
	if (err == -ENODEV || err == -EIO || err == -EBADF) {
		raftlog_close(S.save_rl);
		S.save_rl = NULL;
	}
	pthread_mutex_lock(&S.lock);
	if (!err && index > S.snap_index)
		S.snap_index = index;
	pthread_mutex_unlock(&S.lock);
	pthread_mutex_unlock(&S.save_lock);
	return err;
}

/* The applier's periodic snapshot, after applying index. */
static void periodic_snapshot(uint64_t index)
{
	static int64_t last_err_ns;
	void *buf;
	size_t len;
	int err;

	/* only the applier changes the state: no lock needed to read it */
	if (sm_encode(S.sm, &buf, &len)) {
		err = -ENOMEM;
	} else {
		err = save_snapshot(index, buf, len);
		free(buf);
	}
	if (!err) {
		fprintf(stderr, "rlkv: saved snapshot at index %llu (%zu bytes)\n",
			(unsigned long long)index, len);
		return;
	}
	/* a newer one is there already (the "snapshot" request): fine */
	if (err == -EALREADY)
		return;
	/* (the applier tries again after another snap_every entries) */
	if (mono_ns() - last_err_ns > 10000000000LL || !last_err_ns) {
		fprintf(stderr, "rlkv: saving the snapshot at index %llu: %s\n",
			(unsigned long long)index, strerror(-err));
		last_err_ns = mono_ns();
	}
}

/*
 * The reader met the snapshot record e: replace the state by it, or exit
 * if it is not one rlkv took (the entries after it cannot be applied).
 */
static void restore_snapshot(const struct raftlog_entry *e)
{
	char why[128];
	struct sm *n = sm_decode(e->data, e->len, e->index, why, sizeof(why));
	struct sm *old;

	if (!n) {
		fprintf(stderr, "rlkv: refusing the application snapshot at index %llu (%u bytes): %s\n",
			(unsigned long long)e->index, e->len, why);
		exit(1);
	}
	pthread_mutex_lock(&S.lock);
	old = S.sm;
	S.sm = n;
	S.applied = e->index;
	S.restored = e->index;
	S.snap_index = e->index;
	pthread_cond_broadcast(&S.cond);
	pthread_mutex_unlock(&S.lock);
	sm_free(old);
	fprintf(stderr, "rlkv: restored from snapshot at index %llu (%zu keys, %zu locks, %u bytes)\n",
		(unsigned long long)e->index, sm_keys(n), sm_locks(n), e->len);
}

static void *applier(void *arg)
{
	struct raftlog *rl = NULL;

	(void)arg;
	for (;;) {
		struct raftlog_entry e;
		int err, due;

		if (!rl) {
			if (raftlog_open(S.dev, O_RDONLY, &rl)) {
				rl = NULL;
				sleep_ms(100);
				continue;
			}
			if (S.applied) {
				int64_t r = raftlog_seek(rl, S.applied + 1, SEEK_SET);

				/*
				 * ERANGE: compacted past it meanwhile; a new
				 * file starts at the snapshot if there is one
				 * (checked below)
				 */
				if (r < 0 && r != -ERANGE) {	/* a restarted node not caught up yet */
					raftlog_close(rl);
					rl = NULL;
					sleep_ms(100);
					continue;
				}
			}
		}
		err = raftlog_next(rl, &e);
		if (err == -EINTR)
			continue;
		if (err == -ERANGE) {
			fprintf(stderr, "rlkv: the log was compacted past %llu and holds no application snapshot to restore from\n",
				(unsigned long long)S.applied + 1);
			exit(1);
		}
		if (err) {	/* the group went away (restart): reopen */
			raftlog_close(rl);
			rl = NULL;
			sleep_ms(100);
			continue;
		}
		if (raftlog_entry_is_snapshot(&e)) {
			restore_snapshot(&e);
			continue;
		}
		if (e.index != S.applied + 1) {
			fprintf(stderr, "rlkv: entry %llu after %llu (compacted, without a snapshot?)\n",
				(unsigned long long)e.index,
				(unsigned long long)S.applied);
			exit(1);
		}
		pthread_mutex_lock(&S.lock);
		if (!e.len || (e.flags & (RAFTLOG_RECORD_F_NOOP | RAFTLOG_RECORD_F_CONF))) {
			sm_skip(S.sm, e.index);
		} else {
			unsigned int k = e.index % RESULTS;

			sm_apply(S.sm, e.index, e.data, e.len, S.ring[k].res);
			S.ring[k].index = e.index;
		}
		S.applied = e.index;
		if (S.snap_tried < S.snap_index)
			S.snap_tried = S.snap_index;
		due = S.snap_every && e.index > S.snap_tried &&
		      e.index - S.snap_tried >= S.snap_every;
		if (due)
			S.snap_tried = e.index;
		pthread_cond_broadcast(&S.cond);
		pthread_mutex_unlock(&S.lock);
		if (due)
			periodic_snapshot(e.index);
	}
	return NULL;
}

/* Wait (locked) until index is applied; 0, or -1 after timeout_ms. */
static int wait_applied(uint64_t index, int timeout_ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	while (S.applied < index)
		if (pthread_cond_timedwait(&S.cond, &S.lock, &ts))
			return S.applied < index ? -1 : 0;
	return 0;
}

/* Errors after which a proposal is known not to take effect (uapi). */
static int definite(int err)
{
	return err == EAGAIN || err == ENOBUFS || err == EBUSY ||
	       err == EMSGSIZE || err == ECANCELED || err == ENOSPC ||
	       err == ENOENT;
}

struct conn {
	int fd;
	struct raftlog *rl;
};

static int conn_open(struct conn *c)
{
	if (c->rl)
		return 0;
	if (raftlog_open(S.dev, O_RDWR, &c->rl)) {
		c->rl = NULL;
		return -ENOENT;
	}
	return 0;
}

static void conn_drop(struct conn *c, int err)
{
	if (c->rl && (err == -ENODEV || err == -EIO || err == -EBADF)) {
		raftlog_close(c->rl);
		c->rl = NULL;
	}
}

static void reply_err(char *out, int err, int is_definite)
{
	snprintf(out, RLKV_LINE_MAX, "err %s %s", rlkv_errname(err),
		 is_definite ? "definite" : "unknown");
}

/*
 * Propose entry; on commit wait for it to be applied and copy its result.
 * Retries for a while as long as failures are definite (no leader yet).
 */
static void propose(struct conn *c, const char *entry, char *out)
{
	int64_t end = mono_ns() + 3000000000LL;
	uint64_t index;
	int err;

	for (;;) {
		err = conn_open(c);
		if (!err)
			err = raftlog_propose(c->rl, entry, strlen(entry), &index,
					      NULL);
		if (!err)
			break;
		conn_drop(c, err);
		if (!definite(-err) || mono_ns() > end ||
		    !(err == -EAGAIN || err == -EBUSY || err == -ENOENT)) {
			reply_err(out, -err, definite(-err));
			return;
		}
		sleep_ms(50);
	}
	pthread_mutex_lock(&S.lock);
	if (wait_applied(index, 30000)) {
		pthread_mutex_unlock(&S.lock);
		reply_err(out, ETIMEDOUT, 0);	/* committed, result unknown */
		return;
	}
	if (S.ring[index % RESULTS].index == index)
		snprintf(out, RLKV_LINE_MAX, "%s", S.ring[index % RESULTS].res);
	else
		reply_err(out, ETIMEDOUT, 0);
	pthread_mutex_unlock(&S.lock);
	/* put/del/cas answer with the index too */
	if (!strncmp(out, "ok", 2) && !out[2]) {
		snprintf(out, RLKV_LINE_MAX, "ok %llu", (unsigned long long)index);
	} else if (!strncmp(out, "mismatch ", 9)) {
		char cur[SM_RESULT_MAX];

		snprintf(cur, SM_RESULT_MAX, "%.300s", out + 9);
		snprintf(out, RLKV_LINE_MAX, "mismatch %llu %.300s",
			 (unsigned long long)index, cur);
	}
}

/* Take the read barrier and wait until it is applied (locked on success). */
static int read_barrier(struct conn *c, char *out, int linearizable)
{
	int64_t end = mono_ns() + 3000000000LL;
	uint64_t index = 0;
	int err;

	if (linearizable && !S.bug_no_barrier) {
		for (;;) {
			err = conn_open(c);
			if (!err)
				err = raftlog_barrier(c->rl, &index);
			if (!err)
				break;
			conn_drop(c, err);
			if ((err != -EAGAIN && err != -ENOENT) || mono_ns() > end) {
				reply_err(out, -err, 1);
				return -1;
			}
			sleep_ms(50);
		}
	}
	pthread_mutex_lock(&S.lock);
	if (wait_applied(index, 10000)) {
		pthread_mutex_unlock(&S.lock);
		reply_err(out, ETIMEDOUT, 1);
		return -1;
	}
	return 0;
}

/* a word longer than the state machine takes (it would cut it short) */
static int long_token(const char *s)
{
	while (*s) {
		size_t n;

		s += strspn(s, " \t");
		n = strcspn(s, " \t");
		if (n > SM_TOKEN_MAX)
			return 1;
		s += n;
	}
	return 0;
}

static void handle(struct conn *c, char *line, char *out)
{
	char cmd[16], a[4][SM_TOKEN_MAX + 1], entry[RLKV_LINE_MAX];
	int n = sscanf(line, "%15s %255s %255s %255s %255s", cmd, a[0], a[1],
		       a[2], a[3]);
	long long ms = real_ms();

	if (n < 1 || long_token(line)) {
		snprintf(out, RLKV_LINE_MAX, "err EINVAL definite");
		return;
	}
	n--;
	if ((!strcmp(cmd, "put") && n == 2 && strcmp(a[1], "-")) ||
	    (!strcmp(cmd, "del") && n == 1) ||
	    (!strcmp(cmd, "cas") && n == 3 && strcmp(a[2], "-")) ||
	    (!strcmp(cmd, "lock") && n == 3) ||
	    (!strcmp(cmd, "renew") && n == 4) ||
	    (!strcmp(cmd, "unlock") && n == 3)) {
		const char *p = line + strspn(line, " \t");

		snprintf(entry, sizeof(entry), "%lld %s", ms, p);
		propose(c, entry, out);
	} else if ((!strcmp(cmd, "get") || !strcmp(cmd, "sget")) && n == 1) {
		const char *v;

		if (read_barrier(c, out, cmd[0] == 'g'))
			return;
		v = sm_get(S.sm, a[0]);
		snprintf(out, RLKV_LINE_MAX, "ok %s", v ? v : "-");
		pthread_mutex_unlock(&S.lock);
	} else if (!strcmp(cmd, "lockinfo") && n == 1) {
		const char *owner;
		uint64_t token;
		int64_t exp;

		if (read_barrier(c, out, 1))
			return;
		if (sm_lock_info(S.sm, a[0], &owner, &token, &exp))
			snprintf(out, RLKV_LINE_MAX, "held %s %llu %lld", owner,
				 (unsigned long long)token, (long long)exp);
		else
			snprintf(out, RLKV_LINE_MAX, "free");
		pthread_mutex_unlock(&S.lock);
	} else if (!strcmp(cmd, "status") && n == 0) {
		struct raftlog_status st = { 0 };

		if (conn_open(c) || raftlog_status(c->rl, &st))
			memset(&st, 0, sizeof(st));
		pthread_mutex_lock(&S.lock);
		snprintf(out, RLKV_LINE_MAX, "applied %llu keys %zu time %lld role %u leader %llu snapshot %llu restored %llu",
			 (unsigned long long)S.applied, sm_keys(S.sm),
			 (long long)sm_time(S.sm), st.role,
			 (unsigned long long)st.leader,
			 (unsigned long long)S.snap_index,
			 (unsigned long long)S.restored);
		pthread_mutex_unlock(&S.lock);
	} else if (!strcmp(cmd, "snapshot") && n == 0) {
		uint64_t index;
		void *buf;
		size_t len;
		int err;

		pthread_mutex_lock(&S.lock);
		index = S.applied;
		err = !index ? -EINVAL : sm_encode(S.sm, &buf, &len) ? -ENOMEM : 0;
		pthread_mutex_unlock(&S.lock);
		if (!err) {
			err = save_snapshot(index, buf, len);
			free(buf);
		}
		if (err) {
			reply_err(out, -err, 1);
			return;
		}
		fprintf(stderr, "rlkv: saved snapshot at index %llu (%zu bytes, asked for)\n",
			(unsigned long long)index, len);
		snprintf(out, RLKV_LINE_MAX, "snapshot %llu %zu",
			 (unsigned long long)index, len);
	} else {
		snprintf(out, RLKV_LINE_MAX, "err EINVAL definite");
	}
}

static void *serve_conn(void *arg)
{
	struct conn c = { .fd = (int)(intptr_t)arg };
	struct lbuf *b = malloc(sizeof(*b));
	char line[RLKV_LINE_MAX], out[RLKV_LINE_MAX];

	if (!b)
		goto out;
	lbuf_init(b, c.fd);
	while (net_readline(b, line, sizeof(line), 0) > 0) {
		handle(&c, line, out);
		if (net_writeline(c.fd, out))
			break;
	}
out:
	free(b);
	if (c.rl)
		raftlog_close(c.rl);
	close(c.fd);
	return NULL;
}

int rlkv_serve(const char *dev, const char *addr, int bug_no_barrier,
	       uint64_t snap_every)
{
	pthread_t t;
	pthread_attr_t attr;
	int lfd;

	signal(SIGPIPE, SIG_IGN);
	S.dev = dev;
	S.bug_no_barrier = bug_no_barrier;
	S.snap_every = snap_every;
	S.sm = sm_new();
	if (!S.sm)
		return 1;
	lfd = net_listen(addr);
	if (lfd < 0)
		return 1;
	if (bug_no_barrier)
		fprintf(stderr, "rlkv: PLANTED BUG: get reads this node's state without the read barrier\n");
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, applier, NULL))
		return 1;
	fprintf(stderr, "rlkv: serving %s on %s, a snapshot every %llu entries\n",
		dev, addr, (unsigned long long)snap_every);
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			perror("rlkv: accept");
			return 1;
		}
		if (pthread_create(&t, &attr, serve_conn, (void *)(intptr_t)fd))
			close(fd);
	}
}
