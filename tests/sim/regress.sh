#!/bin/sh
# Replay the seeds that once failed, each by name with the ASan/UBSan
# build: one TAP line per seed and a "N passed, N failed" line.  A seed is
# SEED:NODES, replayed on the FIFO disk (the first disk, that the early
# seeds failed with: the other disks draw from their own stream and would
# change them), or SEED:NODES:FLAGS with the simulator flags it failed
# with, commas between them.
# Usage: regress.sh SEED:NODES[:FLAGS]...
set -u
cd "$(dirname "$0")"
p=0 f=0 n=0
for sn in "$@"; do
	seed=${sn%%:*}
	rest=${sn#*:}
	nodes=${rest%%:*}
	flags="--disk fifo"
	[ "$rest" = "$nodes" ] || flags=$(echo "${rest#*:}" | tr , ' ')
	n=$((n + 1))
	label="regression seed $seed ($nodes nodes${flags:+, $flags})"
	if out=$(./rlsim --seed "$seed" --nodes "$nodes" --steps 4500 $flags 2>&1); then
		p=$((p + 1))
		echo "ok $n - $label"
	else
		f=$((f + 1))
		echo "not ok $n - $label"
		echo "$out" | grep -E '^# (seed|reproduce)' | sed 's/^/#   /'
	fi
done
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
