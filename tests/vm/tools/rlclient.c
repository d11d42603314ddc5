// SPDX-License-Identifier: GPL-2.0
/*
 * rlclient: a client of the fault campaign.  Proposes entries to one
 * group device, one at a time, for a while, and writes down what each
 * proposal got back, so rlcheck can hold the cluster to it afterwards.
 *
 *   rlclient DEV CLIENT SECONDS HISTORY [SIZE [RATE]]
 *
 * Entry payloads are "c<CLIENT>-<seq>" padded with '.' to SIZE bytes
 * (default: no padding), unique across clients when client ids are.
 * RATE caps the proposals made per second (default 0: as fast as they
 * complete), so that a long campaign's log grows at a set pace.
 * The history file gets one line per proposal, flushed at once so a
 * client killed by the nemesis still leaves a complete record:
 *
 *   client <CLIENT>
 *   <seq> ok <index> <term>     committed at index in term (acknowledged)
 *   <seq> fail <errno>          definitely not committed (the uapi says
 *                               EAGAIN, ENOBUFS, EBUSY, EMSGSIZE and
 *                               ECANCELED mean that)
 *   <seq> unknown <errno>       outcome unknown (ETIMEDOUT, EINTR, ENODEV,
 *                               EIO, ...): it may or may not be in the log
 *
 * The device may disappear and come back while a node is restarted: the
 * client reopens it and goes on.  Exits 0 at the end of its time.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/raftlog.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Errors after which the entry is known not to be (or become) committed. */
static int definite(int err)
{
	return err == EAGAIN || err == ENOBUFS || err == EBUSY ||
	       err == EMSGSIZE || err == ECANCELED || err == ENOSPC;
}

int main(int argc, char **argv)
{
	struct raftlog_propose p;
	struct sigaction sa;
	char *buf;
	size_t size = 0, len;
	double end, start, rate = 0;
	long client, seq = 0, ok = 0, failed = 0, unknown = 0;
	FILE *h;
	int fd = -1;

	if (argc < 5) {
		fprintf(stderr, "usage: rlclient DEV CLIENT SECONDS HISTORY [SIZE [RATE]]\n");
		return 2;
	}
	client = atol(argv[2]);
	end = now() + atof(argv[3]);
	if (argc > 5)
		size = strtoul(argv[5], NULL, 0);
	if (argc > 6)
		rate = atof(argv[6]);
	h = fopen(argv[4], "w");
	if (!h) {
		perror(argv[4]);
		return 2;
	}
	buf = malloc(size + 64);
	if (!buf)
		return 2;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: interrupt the wait */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	fprintf(h, "client %ld\n", client);
	fflush(h);

	start = now();
	while (!stop && now() < end) {
		double due = rate > 0 ? start + seq / rate : 0;
		int err;

		if (due > now()) {
			pause_ms((long)((due - now()) * 1000) + 1);
			continue;
		}
		if (fd < 0) {
			fd = open(argv[1], O_RDWR);
			if (fd < 0) {
				pause_ms(50);
				continue;
			}
		}
		len = snprintf(buf, 64, "c%ld-%ld", client, seq);
		if (len < size) {
			memset(buf + len, '.', size - len);
			len = size;
		}
		memset(&p, 0, sizeof(p));
		p.data = (uintptr_t)buf;
		p.len = len;
		if (!ioctl(fd, RAFTLOG_IOC_PROPOSE, &p)) {
			fprintf(h, "%ld ok %llu %llu\n", seq,
				(unsigned long long)p.index,
				(unsigned long long)p.term);
			ok++;
		} else {
			err = errno;
			if (definite(err)) {
				fprintf(h, "%ld fail %d\n", seq, err);
				failed++;
			} else {
				fprintf(h, "%ld unknown %d\n", seq, err);
				unknown++;
			}
			if (err == ENODEV || err == EIO || err == EBADF) {
				/* the group went away: reopen the new one */
				close(fd);
				fd = -1;
			}
			/* no leader now: give the election a moment */
			pause_ms(err == EAGAIN ? 20 : 5);
		}
		fflush(h);
		seq++;
	}
	if (fd >= 0)
		close(fd);
	fclose(h);
	printf("client %ld: %ld proposals, %ld ok, %ld failed, %ld unknown\n",
	       client, seq, ok, failed, unknown);
	free(buf);
	return 0;
}
