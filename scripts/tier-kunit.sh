#!/bin/sh
# KUnit tier: boot the debug test kernel, load raftlog.ko and
# raftlog_test.ko (whose suites run as it loads), parse the KTAP from the
# console.  Fails on any failed case, a missing or truncated plan, or any
# kernel report (KASAN, lockdep, kmemleak, WARN, ...) in the guest log.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
# (not "set -- $(... | tail -1) || exit 1": set's status is 0 whatever
# the build did)
if ! out=$("$here/scripts/prepare-guest.sh" debug); then
	echo "not ok - prepare the debug guest"
	echo "0 passed, 1 failed"
	exit 1
fi
set -- $(echo "$out" | tail -1)
kernel=$1 initrd=$2
log=$here/build/debug/kunit.log
"$here/scripts/run-vm.sh" -k "$kernel" -i "$initrd" -t "${KUNIT_TIMEOUT:-900}" -l "$log" kunit.sh >/dev/null
vmrc=$?
"$here/scripts/ktap.py" "$log"
krc=$?
if [ $vmrc -ne 0 ]; then
	echo "not ok - kunit guest: run-vm exit $vmrc (console: build/debug/kunit.log)"
	"$here/scripts/scan-console.sh" "$log" | sed 's/^/# /'
	echo "0 passed, 1 failed"
	exit 1
fi
exit $krc
