/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A linearizability checker for histories of a key-value store (rlkv),
 * in the style of Wing & Gong with Lowe's memoization (what Knossos and
 * Porcupine do): the history is split by key (a KV store is a set of
 * independent registers, so it is linearizable if every key's history
 * is), and for each key a depth-first search looks for an order of the
 * operations that respects real time and the register's semantics,
 * remembering (linearized set, state) pairs already explored.
 *
 * History text, one event per line (several clients' files may simply be
 * concatenated; blank lines and lines starting with '#' are skipped):
 *
 *   i <proc> <op-id> <time-ns> put <key> <value>
 *   i <proc> <op-id> <time-ns> del <key>
 *   i <proc> <op-id> <time-ns> cas <key> <old> <new>
 *   i <proc> <op-id> <time-ns> get <key>
 *   r <proc> <op-id> <time-ns> <outcome> [<value>]
 *
 * "i" is the invocation, "r" the response of operation <op-id> of process
 * <proc>.  Outcomes: ok (for get: ok <value>, "-" for no value),
 * mismatch (a cas whose comparison failed: applied as a no-op), fail (the
 * operation definitely did not take effect) and unknown (it may or may
 * not have taken effect).  An invocation without a response is unknown.
 * Unknown operations may take effect at any time after their invocation
 * (their response is at infinity); failed ones and reads without a value
 * are left out.  Values are tokens without white space; "-" means none.
 */
#ifndef RLKV_LINCHECK_H
#define RLKV_LINCHECK_H

#include <stdint.h>
#include <stdio.h>

enum lc_kind { LC_PUT, LC_DEL, LC_CAS, LC_GET };
enum lc_outcome { LC_PENDING, LC_OK, LC_MISMATCH, LC_FAIL, LC_UNKNOWN };

struct lc_op {
	long proc;
	long id;
	int kind;		/* enum lc_kind */
	int outcome;		/* enum lc_outcome */
	int64_t call, ret;	/* ns; ret INT64_MAX for unknown */
	char *key;
	char *arg1;		/* put: value; cas: old; get: value read */
	char *arg2;		/* cas: new */
};

struct lc_history {
	struct lc_op *ops;
	size_t n, cap;
};

void lc_init(struct lc_history *h);
void lc_free(struct lc_history *h);

/*
 * Add the events of f to h.  Returns 0, or -1 with a message in err
 * (errlen bytes) naming the line that did not parse.
 */
int lc_parse(struct lc_history *h, FILE *f, char *err, size_t errlen);

/* Add one event line (as above, without the newline); as lc_parse. */
int lc_parse_line(struct lc_history *h, const char *line, char *err,
		  size_t errlen);

#define LC_LINEARIZABLE		0
#define LC_VIOLATION		1
#define LC_GAVE_UP		2	/* the search exceeded max_states */

/*
 * Check h.  Writes a summary and, for a violation, the key's operations
 * and the longest partial linearization found to report (may be NULL).
 * max_states bounds the states explored per key (0: 10 million).
 * Returns LC_LINEARIZABLE, LC_VIOLATION or LC_GAVE_UP.
 */
int lc_check(struct lc_history *h, FILE *report, unsigned long max_states);

#endif /* RLKV_LINCHECK_H */
