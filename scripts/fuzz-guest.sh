#!/bin/sh
# make fuzz-guest: the guest fuzzer (tests/vm/fuzz-guest.sh, tools/rlfuzz.c)
# for MINUTES minutes in one guest of the debug kernel (KASAN, lockdep,
# kmemleak), then the console scan.  SEED replays a run.
#   fuzz-guest.sh [MINUTES [SEED]]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
minutes=${1:-10}
seed=${2:-}
set -- $("$here/scripts/prepare-guest.sh" debug | tail -1)
mkdir -p "$here/build/debug"
log=$here/build/debug/fuzz-guest.log
echo "# fuzz-guest: $minutes minutes, console in build/debug/fuzz-guest.log"
rc=0
"$here/scripts/run-vm.sh" -k "$1" -i "$2" -t $((minutes * 60 + 600)) -l "$log" \
	fuzz-guest.sh "minutes=$minutes${seed:+,seed=$seed}" >/dev/null || rc=$?
grep -E '^(ok|not ok|# )' "$log" || true
if [ $rc -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit $rc
