#!/bin/sh
# "make sim-long": many seeds with the optimised build, split over every
# core, each worker its own range of seeds; prints every failing seed's
# replay command, the seeds per second and one "N passed, N failed" line.
# FLAGS go to every run (e.g. --disk cache: "make long-cache").
# Usage: long.sh SEEDS [FIRST [FLAGS...]]
set -u
cd "$(dirname "$0")"
seeds=${1:-100000}
first=${2:-1}
shift $(($# < 2 ? $# : 2))
jobs=$(nproc 2>/dev/null || echo 1)
[ "$jobs" -ge 1 ] || jobs=1
per=$(((seeds + jobs - 1) / jobs))
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)
j=0 s=$first left=$seeds
while [ "$left" -gt 0 ]; do
	n=$per
	[ "$n" -gt "$left" ] && n=$left
	./rlsim-fast --seed "$s" --seeds "$n" --keep-going "$@" >"$tmp/$j" 2>&1 &
	s=$((s + n)) left=$((left - n)) j=$((j + 1))
done
wait
secs=$(($(date +%s) - start))
tp=0 tf=0 k=0
while [ "$k" -lt "$j" ]; do
	grep -E '^# (first failing seed|reproduce)|^not ok' "$tmp/$k"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$tmp/$k" | tail -1)
	if [ -z "$line" ]; then
		echo "not ok - worker $k printed no result"
		tail -5 "$tmp/$k"
		tf=$((tf + 1))
	else
		tp=$((tp + ${line%% passed*}))
		f=${line#*passed, }
		tf=$((tf + ${f%% failed}))
	fi
	k=$((k + 1))
done
[ "$secs" -gt 0 ] || secs=1
echo "# sim-long${*:+ ($*)}: seeds $first..$((first + seeds - 1)) on $j cores in ${secs} s ($((seeds / secs)) seeds/s)"
echo "$tp passed, $tf failed"
[ "$tf" -eq 0 ]
