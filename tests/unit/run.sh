#!/bin/sh
# Build and run every host-side unit test area (tests/unit/*/Makefile with a
# "run" target), then print one "N passed, N failed" line for all of them.
set -u
cd "$(dirname "$0")"
total_p=0
total_f=0
for mk in */Makefile; do
	[ -f "$mk" ] || continue
	area=${mk%/Makefile}
	echo "# unit: $area"
	out=$(make -s -C "$area" run 2>&1)
	rc=$?
	echo "$out"
	line=$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -1)
	if [ -z "$line" ]; then
		echo "not ok - unit/$area: no result line (build failed or crashed, rc $rc)"
		total_f=$((total_f + 1))
		continue
	fi
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed}
	[ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
	total_p=$((total_p + p))
	total_f=$((total_f + f))
done
echo "$total_p passed, $total_f failed"
[ $total_f -eq 0 ]
