#!/bin/sh
# make torture: the fault campaign (tests/vm/fault-campaign.sh) for ROUNDS
# nemesis rounds, or for MINUTES minutes of rounds, in one guest of the
# debug kernel, then the checker; then the guest fuzzer for FUZZ_MINUTES
# (default 10) in another (scripts/fuzz-guest.sh).
#   torture.sh [ROUNDS [MINUTES]]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-10}
minutes=${2:-0}
set -- $("$here/scripts/prepare-guest.sh" debug | tail -1)
mkdir -p "$here/build/debug"
log=$here/build/debug/torture.log
# a round (nine faults) takes about 200-300 s on a 2-core host, 800 s
# when three guests share it; then setup, the last round started in
# time, healing and checking
if [ "$minutes" -gt 0 ]; then
	what="$minutes minutes"
	arg="minutes=$minutes"
	timeout=$((minutes * 60 + 1500))
else
	what="$rounds rounds"
	arg="rounds=$rounds"
	timeout=$((rounds * 900 + 900))
fi
echo "# torture: $what, timeout ${timeout}s, console in build/debug/torture.log"
rc=0
"$here/scripts/run-vm.sh" -k "$1" -i "$2" -t "$timeout" -l "$log" \
	fault-campaign.sh "$arg" >/dev/null || rc=$?
grep -E '^(ok|not ok|# )' "$log"
frc=0
"$here/scripts/fuzz-guest.sh" "${FUZZ_MINUTES:-10}" >"$here/build/debug/fuzz-guest.out" || frc=$?
sed '$d' "$here/build/debug/fuzz-guest.out"
p=0 f=0
if [ $rc -eq 0 ]; then p=$((p + 1)); else f=$((f + 1)); fi
if [ $frc -eq 0 ]; then p=$((p + 1)); else f=$((f + 1)); fi
echo "$p passed, $f failed"
[ $f -eq 0 ]
