#!/bin/sh
# Run every test tier and end with one line "N passed, N failed" summing
# them all.  Exit status 0 only when nothing failed.  Each tier's own
# output is shown as it runs; a tier that prints no result line counts as
# one failure.
#   check.sh [TIER...]    (default: all tiers, in order)
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
tiers=${*:-"unit sim fuzz-smoke hygiene kunit vm selftest"}
mkdir -p build
start=$(date +%s)

echo "# check: building the test kernel (cached after the first run)"
if ! scripts/build-kernel.sh debug >/dev/null; then
	echo "not ok - build the test kernel"
	echo "0 passed, 1 failed"
	exit 1
fi

total_p=0 total_f=0 summary=""
for t in $tiers; do
	echo "# ---- tier: $t"
	t0=$(date +%s)
	make -s "$t" 2>&1 | tee "build/tier-$t.log"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "build/tier-$t.log" | tail -1)
	secs=$(($(date +%s) - t0))
	if [ -z "$line" ]; then
		echo "not ok - tier $t printed no result"
		p=0 f=1
	else
		p=${line%% passed*}
		f=${line#*passed, }
		f=${f%% failed}
	fi
	summary="$summary
#   $t: $p passed, $f failed (${secs}s)"
	total_p=$((total_p + p))
	total_f=$((total_f + f))
done
echo "# ---- summary (total $(( $(date +%s) - start ))s)$summary"
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
