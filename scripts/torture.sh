#!/bin/sh
# make torture: the fault campaign (tests/vm/fault-campaign.sh) for ROUNDS
# nemesis rounds in one guest of the debug kernel, then the checker.
#   torture.sh [ROUNDS]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-10}
set -- $("$here/scripts/prepare-guest.sh" debug | tail -1)
mkdir -p "$here/build/debug"
log=$here/build/debug/torture.log
# about 90 s a round on a loaded 2-core host, plus setup and checking
timeout=$((rounds * 150 + 300))
echo "# torture: $rounds rounds, timeout ${timeout}s, console in build/debug/torture.log"
rc=0
"$here/scripts/run-vm.sh" -k "$1" -i "$2" -t "$timeout" -l "$log" \
	fault-campaign.sh "rounds=$rounds" >/dev/null || rc=$?
grep -E '^(ok|not ok|# )' "$log"
if [ $rc -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit $rc
