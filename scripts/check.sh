#!/bin/sh
# Run every test tier and end with one line "N passed, N failed" summing
# them all (", N skipped" added when a tier skipped something).  Exit status
# 0 only when nothing failed.  Each tier's own output is shown as it runs.
#
# A tier fails (counts at least one failure) when
#   - it exits non-zero, whatever its result line says;
#   - it prints no result line "N passed, N failed[, N skipped]";
#   - its result line counts no test at all (0 passed, 0 failed).
# Skipped checks count as neither passed nor failed.  make check installs
# every tool first (scripts/install-deps.sh), so it exports RAFTLOG_STRICT=1:
# a tier that would skip a check because a tool it needs is missing
# (python3, checkpatch, sparse, the kernel tree) fails it instead
# (RAFTLOG_STRICT=0 to count such skips apart).  Skips by design (a KUnit
# case that only runs in one guest scenario) stay skips.
# At the end: each tier's counts and time, the time of every script that
# printed one ("ok N - NAME ... (Ns)" lines), and the total.
#
#   check.sh [TIER...]    (default: all tiers, in order)
#
# RAFTLOG_CHECK_MAKEFILE=FILE runs the tiers as targets of another makefile
# and RAFTLOG_CHECK_NO_KERNEL=1 skips the kernel build (the harness
# self-test uses both to try check.sh on tiers made to misbehave).
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
tiers=${*:-"unit sim fuzz-smoke hygiene package kunit vm selftest"}
RAFTLOG_STRICT=${RAFTLOG_STRICT:-1}
export RAFTLOG_STRICT
mk=${RAFTLOG_CHECK_MAKEFILE:-}
logdir=${RAFTLOG_CHECK_LOGDIR:-build}
mkdir -p "$logdir"
start=$(date +%s)

if [ "${RAFTLOG_CHECK_NO_KERNEL:-0}" != 1 ]; then
	echo "# check: building the test kernel (cached after the first run)"
	if ! scripts/build-kernel.sh debug >/dev/null; then
		echo "not ok - build the test kernel"
		echo "0 passed, 1 failed"
		exit 1
	fi
fi

total_p=0 total_f=0 total_s=0 summary="" times=""
for t in $tiers; do
	echo "# ---- tier: $t"
	t0=$(date +%s)
	log=$logdir/tier-$t.log
	# the tier's exit status, past the pipe into tee
	{
		if [ -n "$mk" ]; then make -s -f "$mk" "$t" 2>&1; else make -s "$t" 2>&1; fi
		echo $? >"$log.rc"
	} | tee "$log"
	rc=$(cat "$log.rc" 2>/dev/null || echo 255)
	rm -f "$log.rc"
	secs=$(($(date +%s) - t0))
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$log" | tail -1)
	p=0 f=0 s=0 why=""
	if [ -z "$line" ]; then
		why="printed no result line"
	else
		p=${line%% passed*}
		f=${line#*passed, }
		f=${f%% failed*}
		case $line in *skipped) s=${line##*failed, }; s=${s%% skipped} ;; esac
		if [ $((p + f)) -eq 0 ]; then
			why="ran no test"
		elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			why="exited with status $rc but counted no failure"
		fi
	fi
	if [ -n "$why" ]; then
		echo "not ok - tier $t $why (exit $rc)"
		f=$((f + 1))
	fi
	res="$p passed, $f failed"
	[ "$s" -gt 0 ] && res="$res, $s skipped"
	summary="$summary
#   $(printf '%-10s %5ss  %s' "$t" "$secs" "$res")"
	# per-script times the tier printed: "ok N - what (12s)", and boots
	times="$times$(awk -v t="$t" '
		/^(not )?ok [0-9]+ - .*\([0-9]+s\)/ {
			f = ($1 == "not") ? "FAILED " : ""
			sub(/^(not )?ok [0-9]+ - /, "")
			sub(/: exit [0-9]+ \(/, " (")
			print "#   " t ": " f $0
		}
		/^# boot / { sub(/^# /, ""); print "#   " t ": " $0 }' "$log")
"
	total_p=$((total_p + p))
	total_f=$((total_f + f))
	total_s=$((total_s + s))
done
total=$(($(date +%s) - start))
if [ -n "$(echo "$times" | tr -d '\n')" ]; then
	echo "# ---- script times"
	echo "$times" | grep -v '^$'
fi
echo "# ---- tiers$summary"
echo "# ---- total $((total / 60))m$((total % 60))s (${total}s)"
res="$total_p passed, $total_f failed"
[ "$total_s" -gt 0 ] && res="$res, $total_s skipped"
echo "$res"
[ "$total_f" -eq 0 ]
