#!/bin/sh
# Replay the seeds that once failed, each by name with the ASan/UBSan
# build, on the FUA disk they failed with (the volatile-cache disk draws
# from its own stream and would change them): one TAP line per seed and a
# "N passed, N failed" line.
# Usage: regress.sh SEED:NODES...
set -u
cd "$(dirname "$0")"
p=0 f=0 n=0
for sn in "$@"; do
	seed=${sn%%:*}
	nodes=${sn#*:}
	n=$((n + 1))
	if out=$(./rlsim --seed "$seed" --nodes "$nodes" --steps 4500 --disk fua 2>&1); then
		p=$((p + 1))
		echo "ok $n - regression seed $seed ($nodes nodes)"
	else
		f=$((f + 1))
		echo "not ok $n - regression seed $seed ($nodes nodes)"
		echo "$out" | grep -E '^# (seed|reproduce)' | sed 's/^/#   /'
	fi
done
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
