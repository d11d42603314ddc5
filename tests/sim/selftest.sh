#!/bin/sh
# Prove the simulator finds bugs: for each RAFT_BUG_<NAME> given, the core
# built with that switch (./rlsim-bug-<NAME>) must fail a seed within the
# first MAX seeds where the normal build (./rlsim-fast) passes the same
# seed, so the failure is the planted bug's, not some other defect's; and
# the failure must be a safety violation (the switches break safety rules),
# not a liveness timeout.
# An argument starting with "--" instead names simulator flags (commas
# between them) that make the simulated caller break the contract, e.g.
# --ack-before-persist,--no-electable-check: the normal build with those
# flags must fail the same way, where it passes with the same flags but
# the first (the broken caller) and --no-electable-check, on the volatile
# cache when the broken caller needs it (so the seed runs on the disk it
# failed on, with every check).
# Prints one TAP line per switch and "N passed, N failed".  One more check:
# $UNLISTED (from the Makefile) names the switches the core uses that raft.h
# does not list (so nothing builds or tries them): it must be empty.
# NAME@SEED or FLAGS@SEED gives the seed that caught it when last
# searched for (the first within MAX): that one run is tried first, the
# search from seed 1 only when it no longer catches it (the core changed).
# Usage: selftest.sh MAX NAME[@SEED]|FLAGS[@SEED]...
set -u
cd "$(dirname "$0")"
max=$1
shift
passed=0
failed=0
n=0
# The normal run a caller's failing seed must pass: see above.
baseline() {
	set -- $(echo "$1" | tr , ' ')
	bl_bug=$1
	shift
	bl_out=./rlsim-fast
	for bl_f in "$@"; do
		[ "$bl_f" = --no-electable-check ] || bl_out="$bl_out $bl_f"
	done
	case $bl_bug in
	--no-flush | --report-unordered | --flush-inflight | --eio-ignore)
		bl_out="$bl_out --disk cache"
		;;
	esac
	echo "$bl_out"
}
# A seed that fails: 0 when it counts (a safety violation the same run
# without the bug does not show), with $why set.
counts() {
	why=$(echo "$out" | sed -n 's/^# seed [0-9]* FAILED: //p' | head -1)
	case $why in
	liveness*)
		echo "# $bug: seed $1 fails on liveness only; not counted"
		return 1
		;;
	esac
	if ! $base --seed "$1" >/dev/null 2>&1; then
		echo "# $bug: seed $1 also fails without the bug; not counted"
		return 1
	fi
	return 0
}
for arg in "$@"; do
	n=$((n + 1))
	bug=${arg%@*}
	hint=
	[ "$bug" = "$arg" ] || hint=${arg##*@}
	case $bug in
	--*)
		bin="./rlsim-fast $(echo "$bug" | tr , ' ')"
		base=$(baseline "$bug")
		label="caller $bug"
		;;
	*)
		bin=./rlsim-bug-$bug
		base=./rlsim-fast
		label=RAFT_BUG_$bug
		;;
	esac
	caught=
	how=
	start=$(date +%s)
	# the seed that caught it when it was last searched for: one run
	if [ -n "$hint" ]; then
		if out=$($bin --seed "$hint" 2>&1); then
			echo "# $bug: its known seed $hint passes now; searching"
		elif counts "$hint"; then
			caught=$hint
			how=", its known seed"
		fi
	fi
	seed=1
	while [ -z "$caught" ] && [ "$seed" -le "$max" ]; do
		out=$($bin --seed "$seed" --seeds $((max - seed + 1)) 2>&1)
		first=$(echo "$out" | sed -n 's/^# first failing seed: //p')
		[ -n "$first" ] || break
		if counts "$first"; then
			caught=$first
			break
		fi
		seed=$((first + 1))
	done
	secs=$(( $(date +%s) - start ))
	if [ -n "$caught" ]; then
		echo "ok $n - $label caught at seed $caught of $max$how (${secs}s): $why"
		echo "#   replay: tests/sim/${bin#./} --seed $caught --verbose"
		passed=$((passed + 1))
	else
		echo "not ok $n - $label not caught within $max seeds (${secs}s)"
		failed=$((failed + 1))
	fi
done
n=$((n + 1))
if [ -n "${UNLISTED:-}" ]; then
	echo "not ok $n - switches used in the core but not listed in raft.h (never tried): $UNLISTED"
	failed=$((failed + 1))
else
	echo "ok $n - every RAFT_BUG switch the core uses is listed in raft.h"
	passed=$((passed + 1))
fi
echo "1..$n"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
