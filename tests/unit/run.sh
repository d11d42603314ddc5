#!/bin/sh
# Build and run every host-side unit test area (tests/unit/*/Makefile with a
# "run" target), then the Raft core's mutants (make -C raft mutants: each
# RAFT_BUG_* build must fail a test), and print one line
# "N passed, N failed[, N skipped]" for all of them.
# An area fails when it exits non-zero, prints no result line, or counts
# no test at all.
set -u
cd "$(dirname "$0")"
total_p=0
total_f=0
total_s=0
# add AREA RC OUTPUT: count an area's result line
add() {
	line=$(echo "$3" | grep -E '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' | tail -1)
	if [ -z "$line" ]; then
		echo "not ok - unit/$1: no result line (build failed or crashed, rc $2)"
		total_f=$((total_f + 1))
		return
	fi
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed*}
	s=0
	case $line in *skipped) s=${line##*failed, }; s=${s%% skipped} ;; esac
	if [ $((p + f)) -eq 0 ]; then
		echo "not ok - unit/$1: ran no test"
		f=1
	fi
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - unit/$1: exit $2 but no failure counted"
		f=1
	fi
	total_p=$((total_p + p))
	total_f=$((total_f + f))
	total_s=$((total_s + s))
}
for mk in */Makefile; do
	[ -f "$mk" ] || continue
	area=${mk%/Makefile}
	echo "# unit: $area"
	out=$(make -s -C "$area" run 2>&1)
	rc=$?
	echo "$out"
	add "$area" "$rc" "$out"
done

# Mutants: each known-bad core must be caught by at least one test.
echo "# unit: raft mutants"
t0=$(date +%s)
out=$(make -s -C raft mutants 2>&1)
rc=$?
echo "$out" | grep -E '^(ok|not ok) ' | sed 's/caught by: not ok [0-9]* /caught by: /'
p=$(echo "$out" | grep -c '^ok - ')
f=$(echo "$out" | grep -c '^not ok ')
if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
	echo "$out" | tail -20 | sed 's/^/# /'
	f=1
fi
echo "# mutants: $p caught, $f not ($(($(date +%s) - t0))s)"
add "raft mutants" "$rc" "$p passed, $f failed"

res="$total_p passed, $total_f failed"
[ "$total_s" -gt 0 ] && res="$res, $total_s skipped"
echo "$res"
[ $total_f -eq 0 ]
