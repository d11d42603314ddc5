// SPDX-License-Identifier: GPL-2.0
/*
 * rlkv's clients: the KV workload that records a history for the
 * linearizability checker (load), lock holders and election candidates
 * with fencing tokens (locker, campaign), an election observer, the
 * guarded resource that rejects older tokens, and the check of lock
 * holders' logs (lockcheck).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "net.h"
#include "rlkv.h"

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static void catch_stop(void)
{
	struct sigaction sa = { .sa_handler = on_stop };

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* ------------------------------------------------------------------ */
/* load: random operations on a few keys, every one written down        */

/*
 *   rlkv -s ADDR load PROC SECONDS HISTORY [KEYS]
 *
 * History lines as lincheck.h describes; times are CLOCK_MONOTONIC ns
 * (comparable between the clients of one machine).  Values are unique:
 * "p<PROC>.<seq>".
 */
int rlkv_load(int argc, char **argv)
{
	const char *addr = argv[0];
	long proc, keys = 3, id = 0, n_ok = 0, n_fail = 0, n_unk = 0;
	char last[64][64];
	int64_t end;
	FILE *h;
	struct client c = { .addr = addr, .fd = -1 };

	if (argc < 4) {
		fprintf(stderr, "usage: rlkv -s ADDR load PROC SECONDS HISTORY [KEYS]\n");
		return 2;
	}
	proc = atol(argv[1]);
	end = mono_ns() + (int64_t)(atof(argv[2]) * 1e9);
	if (argc > 4)
		keys = atol(argv[4]);
	if (keys < 1 || keys > 64)
		keys = 3;
	h = fopen(argv[3], "w");
	if (!h) {
		perror(argv[3]);
		return 2;
	}
	for (int k = 0; k < 64; k++)
		strcpy(last[k], "-");
	srandom(proc * 7919 + getpid());
	catch_stop();
	while (!stop && mono_ns() < end) {
		char req[256], reply[RLKV_LINE_MAX], v[64], w[64];
		int k = random() % keys, r = random() % 100, is_get = 0;
		int64_t t;

		id++;
		snprintf(v, sizeof(v), "p%ld.%ld", proc, id);
		if (r < 45) {
			snprintf(req, sizeof(req), "get k%d", k);
			is_get = 1;
		} else if (r < 75) {
			snprintf(req, sizeof(req), "put k%d %s", k, v);
		} else if (r < 95) {
			snprintf(req, sizeof(req), "cas k%d %s %s", k, last[k], v);
		} else {
			snprintf(req, sizeof(req), "del k%d", k);
		}
		fprintf(h, "i %ld %ld %lld %s\n", proc, id, (long long)mono_ns(), req);
		fflush(h);
		if (client_call(&c, req, reply, sizeof(reply), 20000) < 0) {
			t = mono_ns();
			fprintf(h, "r %ld %ld %lld unknown\n", proc, id, (long long)t);
			n_unk++;
			fflush(h);
			sleep_ms(100);
			continue;
		}
		t = mono_ns();
		if (!strncmp(reply, "ok", 2)) {
			if (is_get) {
				sscanf(reply, "ok %63s", w);
				fprintf(h, "r %ld %ld %lld ok %s\n", proc, id, (long long)t, w);
				snprintf(last[k], sizeof(last[k]), "%s", w);
			} else {
				fprintf(h, "r %ld %ld %lld ok\n", proc, id, (long long)t);
				snprintf(last[k], sizeof(last[k]), "%s",
					 req[0] == 'd' ? "-" : v);
			}
			n_ok++;
		} else if (!strncmp(reply, "mismatch", 8)) {
			fprintf(h, "r %ld %ld %lld mismatch\n", proc, id, (long long)t);
			if (sscanf(reply, "mismatch %*s %63s", w) == 1)
				snprintf(last[k], sizeof(last[k]), "%s", w);
			n_ok++;
		} else if (strstr(reply, " definite")) {
			fprintf(h, "r %ld %ld %lld fail\n", proc, id, (long long)t);
			n_fail++;
			sleep_ms(50);
		} else {
			fprintf(h, "r %ld %ld %lld unknown\n", proc, id, (long long)t);
			n_unk++;
			sleep_ms(50);
		}
		fflush(h);
	}
	fclose(h);
	printf("load %ld: %ld operations, %ld ok, %ld failed, %ld unknown\n",
	       proc, id, n_ok, n_fail, n_unk);
	return 0;
}

/* ------------------------------------------------------------------ */
/* locker and campaign: hold a lock, act under its token               */

/*
 *   rlkv -s ADDR locker NAME OWNER TTL-MS SECONDS LOG [RESOURCE]
 *   rlkv -s ADDR campaign NAME OWNER TTL-MS LOG [RESOURCE]
 *
 * Both acquire lock NAME as OWNER with a lease of TTL-MS, renew it every
 * third of the lease while they hold it and, holding it, act: write to
 * the guarded resource (if given) with the lock's token, once per
 * cycle of "check the lease, work 300-600 ms, write".  A locker lets go
 * after 0.2-0.8 s and tries again until SECONDS are over; a candidate
 * (campaign) keeps the leadership until it loses it or gets SIGTERM,
 * when it resigns (releases the lock) and exits.
 *
 * A holder considers itself holder from the moment the grant arrived
 * until a quarter of the lease before the lease would end, counted from
 * when it sent the request that got it (or renewed it); it stops acting
 * after that unless a renewal arrived in time.  The log gets:
 *   leader OWNER TOKEN T          (campaign: took the leadership; also stdout)
 *   hold OWNER TOKEN START END    (it held the lock from START to END)
 *   write OWNER TOKEN accepted|rejected|error T
 * with CLOCK_REALTIME ns (the lease is measured in that clock too).
 */
int rlkv_holder(int argc, char **argv, int campaign)
{
	const char *addr = argv[0], *name, *owner, *res = NULL;
	long ttl, seq = 0;
	int64_t end = INT64_MAX;
	FILE *log;
	struct client c = { .addr = addr, .fd = -1 };
	struct client rc = { .fd = -1 };
	int need = campaign ? 5 : 6;

	if (argc < need) {
		fprintf(stderr, campaign ?
			"usage: rlkv -s ADDR campaign NAME OWNER TTL-MS LOG [RESOURCE]\n" :
			"usage: rlkv -s ADDR locker NAME OWNER TTL-MS SECONDS LOG [RESOURCE]\n");
		return 2;
	}
	name = argv[1];
	owner = argv[2];
	ttl = atol(argv[3]);
	if (!campaign)
		end = real_ns() + (int64_t)(atof(argv[4]) * 1e9);
	log = fopen(argv[need - 1], "a");
	if (!log) {
		perror(argv[need - 1]);
		return 2;
	}
	setvbuf(log, NULL, _IOLBF, 0);
	if (argc > need) {
		res = argv[need];
		rc.addr = res;
	}
	srandom(getpid());
	catch_stop();
	while (!stop && real_ns() < end) {
		char req[256], reply[RLKV_LINE_MAX];
		unsigned long long token;
		int64_t sent = real_ns(), start, deadline, last_renew, hold_until;
		int lost = 0;

		snprintf(req, sizeof(req), "lock %s %s %ld", name, owner, ttl);
		if (client_call(&c, req, reply, sizeof(reply), ttl) < 0 ||
		    sscanf(reply, "granted %llu", &token) != 1) {
			sleep_ms(50 + random() % 100);
			continue;
		}
		start = real_ns();
		deadline = sent + (ttl - ttl / 4) * 1000000LL;
		if (start >= deadline)
			continue;	/* the answer came too late to use */
		last_renew = sent;
		hold_until = campaign ? INT64_MAX :
			start + (200 + random() % 600) * 1000000LL;
		if (campaign) {
			printf("leader %s %llu\n", owner, token);
			fflush(stdout);
			fprintf(log, "leader %s %llu %lld\n", owner, token,
				(long long)start);
		}
		while (!stop && real_ns() < hold_until && real_ns() < end) {
			int64_t now = real_ns();

			if (now - last_renew >= ttl / 3 * 1000000LL) {
				int64_t s = now;

				reply[0] = 0;
				snprintf(req, sizeof(req), "renew %s %s %llu %ld",
					 name, owner, token, ttl);
				if (client_call(&c, req, reply, sizeof(reply), ttl) > 0 &&
				    !strncmp(reply, "renewed", 7) &&
				    real_ns() < deadline) {
					deadline = s + (ttl - ttl / 4) * 1000000LL;
					last_renew = s;
				} else if (!strncmp(reply, "lost", 4)) {
					lost = 1;
				}
			}
			if (lost || real_ns() >= deadline)
				break;
			/* the lease holds: work, then act on it */
			sleep_ms(300 + random() % 300);
			if (res) {
				char w[256];
				const char *what = "error";

				snprintf(w, sizeof(w), "write %llu %s %ld", token,
					 owner, ++seq);
				if (client_call(&rc, w, reply, sizeof(reply), 5000) > 0)
					what = !strncmp(reply, "accepted", 8) ?
						"accepted" : "rejected";
				fprintf(log, "write %s %llu %s %lld\n", owner,
					token, what, (long long)real_ns());
			}
		}
		{
			int64_t now = real_ns();

			fprintf(log, "hold %s %llu %lld %lld\n", owner, token,
				(long long)start,
				(long long)(now < deadline ? now : deadline));
		}
		if (campaign && !stop) {
			printf("lost %s %llu\n", owner, token);
			fflush(stdout);
		}
		/*
		 * Let go (locker) or resign (campaign, on SIGTERM).  A holder
		 * that only missed its own deadline keeps the lock: asking
		 * again gets it back with the same token if the lease held.
		 */
		if (!lost && (stop || real_ns() < deadline)) {
			snprintf(req, sizeof(req), "unlock %s %s %llu", name,
				 owner, token);
			client_call(&c, req, reply, sizeof(reply), 2000);
		}
		if (!campaign)
			sleep_ms(50 + random() % 150);
	}
	fclose(log);
	return 0;
}

/* rlkv -s ADDR observe NAME: print the holder of NAME whenever it changes */
int rlkv_observe(const char *addr, const char *name)
{
	struct client c = { .addr = addr, .fd = -1 };
	char last[RLKV_LINE_MAX] = "", req[300], reply[RLKV_LINE_MAX];

	catch_stop();
	snprintf(req, sizeof(req), "lockinfo %s", name);
	while (!stop) {
		char owner[256];
		unsigned long long token;

		if (client_call(&c, req, reply, sizeof(reply), 5000) > 0) {
			char now[RLKV_LINE_MAX];

			if (sscanf(reply, "held %255s %llu", owner, &token) == 2)
				snprintf(now, sizeof(now), "leader %s %llu", owner,
					 token);
			else if (!strcmp(reply, "free"))
				snprintf(now, sizeof(now), "none");
			else
				now[0] = 0;
			if (now[0] && strcmp(now, last)) {
				printf("%s\n", now);
				fflush(stdout);
				strcpy(last, now);
			}
		}
		sleep_ms(500);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The guarded resource                                                */

/*
 *   rlkv resource ADDR LOG
 *
 * "write TOKEN WHO DATA": accepted if TOKEN is at least the largest token
 * seen so far (which it then becomes), else "rejected <largest>".  The
 * log gets "accept|reject TOKEN WHO DATA T" (T: CLOCK_REALTIME ns).
 */
static struct {
	pthread_mutex_t lock;
	unsigned long long max;
	FILE *log;
} R = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void *resource_conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	struct lbuf *b = malloc(sizeof(*b));
	char line[RLKV_LINE_MAX], out[128], who[256], data[256];

	if (!b)
		goto out;
	lbuf_init(b, fd);
	while (net_readline(b, line, sizeof(line), 0) > 0) {
		unsigned long long token;

		if (sscanf(line, "write %llu %255s %255s", &token, who, data) != 3) {
			snprintf(out, sizeof(out), "err EINVAL definite");
		} else {
			pthread_mutex_lock(&R.lock);
			if (token >= R.max) {
				R.max = token;
				snprintf(out, sizeof(out), "accepted");
			} else {
				snprintf(out, sizeof(out), "rejected %llu", R.max);
			}
			fprintf(R.log, "%s %llu %s %s %lld\n",
				out[0] == 'a' ? "accept" : "reject", token, who,
				data, (long long)real_ns());
			fflush(R.log);
			pthread_mutex_unlock(&R.lock);
		}
		if (net_writeline(fd, out))
			break;
	}
out:
	free(b);
	close(fd);
	return NULL;
}

int rlkv_resource(const char *addr, const char *logpath)
{
	pthread_attr_t attr;
	int lfd;

	signal(SIGPIPE, SIG_IGN);
	R.log = fopen(logpath, "a");
	if (!R.log) {
		perror(logpath);
		return 2;
	}
	lfd = net_listen(addr);
	if (lfd < 0)
		return 1;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (;;) {
		pthread_t t;
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return 1;
		}
		if (pthread_create(&t, &attr, resource_conn, (void *)(intptr_t)fd))
			close(fd);
	}
}

/* ------------------------------------------------------------------ */
/* lockcheck: the holders' logs and the resource's                     */

struct hold {
	unsigned long long token;
	long long start, end;
	char owner[64];
};

static int cmp_hold(const void *a, const void *b)
{
	const struct hold *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 *   rlkv lockcheck [-r RESOURCE-LOG] HOLDER-LOG...
 *
 * Holds of different tokens never overlap in time; a later grant always
 * has a larger token; the resource accepted tokens in non-decreasing
 * order.  Prints what it found; exit 0 if all holds, 1 if not.
 */
int rlkv_lockcheck(int argc, char **argv)
{
	struct hold *h = NULL;
	size_t n = 0, cap = 0;
	long bad = 0, accepted = 0, rejected = 0;
	const char *reslog = NULL;
	int i = 0;

	if (argc > 1 && !strcmp(argv[0], "-r")) {
		reslog = argv[1];
		i = 2;
	}
	for (; i < argc; i++) {
		FILE *f = fopen(argv[i], "r");
		char line[512];

		if (!f) {
			perror(argv[i]);
			return 2;
		}
		while (fgets(line, sizeof(line), f)) {
			struct hold x;

			if (sscanf(line, "hold %63s %llu %lld %lld", x.owner,
				   &x.token, &x.start, &x.end) != 4)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				h = realloc(h, cap * sizeof(*h));
				if (!h)
					return 2;
			}
			h[n++] = x;
		}
		fclose(f);
	}
	qsort(h, n, sizeof(*h), cmp_hold);
	for (size_t j = 1; j < n; j++) {
		for (size_t k = 0; k < j; k++) {
			if (h[k].token == h[j].token)
				continue;
			if (h[k].end > h[j].start) {
				printf("# OVERLAP: %s held token %llu until %.3f s, %s token %llu from %.3f s\n",
				       h[k].owner, h[k].token, h[k].end / 1e9,
				       h[j].owner, h[j].token, h[j].start / 1e9);
				bad++;
			}
			if (h[k].token > h[j].token) {
				printf("# BACKWARDS: token %llu (%s, from %.3f s) after token %llu (%s)\n",
				       h[j].token, h[j].owner, h[j].start / 1e9,
				       h[k].token, h[k].owner);
				bad++;
			}
		}
	}
	if (reslog) {
		FILE *f = fopen(reslog, "r");
		char line[512];
		unsigned long long max = 0;

		if (!f) {
			perror(reslog);
			return 2;
		}
		while (fgets(line, sizeof(line), f)) {
			unsigned long long t;
			char what[16];

			if (sscanf(line, "%15s %llu", what, &t) != 2)
				continue;
			if (!strcmp(what, "accept")) {
				accepted++;
				if (t < max) {
					printf("# RESOURCE accepted token %llu after %llu\n",
					       t, max);
					bad++;
				}
				max = t;
			} else {
				rejected++;
			}
		}
		fclose(f);
	}
	{
		unsigned long long distinct = 0, prev = 0;

		for (size_t j = 0; j < n; j++)
			if (h[j].token != prev) {
				distinct++;
				prev = h[j].token;
			}
		printf("lockcheck: %zu holds, %llu tokens, %ld writes accepted, %ld rejected: %s\n",
		       n, distinct, accepted, rejected,
		       bad ? "VIOLATIONS" : "no overlap, tokens only grow");
	}
	free(h);
	return bad ? 1 : 0;
}
