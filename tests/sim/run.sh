#!/bin/sh
# "make run": seeds with the sanitizer build and more seeds with the
# optimised build (different seeds), both at once, then the bug-switch
# self-test; one final "N passed, N failed" line sums all three (a seed or
# a caught bug counts 1).
# Usage: run.sh ASAN_SEEDS FAST_SEEDS SELFTEST_SEEDS BUG...
set -u
REGRESS_SEEDS=${REGRESS_SEEDS:-}
cd "$(dirname "$0")"
asan=$1
fast=$2
max=$3
shift 3
tp=0
tf=0
add() {
	line=$(echo "$1" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -1)
	if [ -z "$line" ]; then
		echo "not ok - $2: no result line"
		tf=$((tf + 1))
		return
	fi
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed}
	tp=$((tp + p))
	tf=$((tf + f))
}
# the two builds run side by side (two cores)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
./rlsim --seeds "$asan" --keep-going >"$tmp/asan" 2>&1 &
pa=$!
./rlsim-fast --seed $((asan + 1)) --seeds "$fast" --keep-going >"$tmp/fast" 2>&1 &
pf=$!
wait $pa
wait $pf
echo "# rlsim (ASan/UBSan): seeds 1..$asan"
grep -v -E '^([0-9]+ passed, [0-9]+ failed|1\.\.[0-9]+)$' "$tmp/asan"
add "$(cat "$tmp/asan")" rlsim
echo "# rlsim-fast (-O2): seeds $((asan + 1))..$((asan + fast))"
grep -v -E '^([0-9]+ passed, [0-9]+ failed|1\.\.[0-9]+)$' "$tmp/fast"
add "$(cat "$tmp/fast")" rlsim-fast
echo "# regression seeds: $REGRESS_SEEDS"
out=$(./regress.sh $REGRESS_SEEDS 2>&1)
echo "$out" | grep -v -E '^[0-9]+ passed, [0-9]+ failed$'
add "$out" regress
echo "# selftest: each bug switch caught within $max seeds"
out=$(./selftest.sh "$max" "$@" 2>&1)
echo "$out" | grep -v -E '^([0-9]+ passed, [0-9]+ failed|1\.\.[0-9]+)$'
add "$out" selftest
echo "$tp passed, $tf failed"
[ "$tf" -eq 0 ]
