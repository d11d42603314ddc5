#!/bin/sh
# Harness self-test: prove that the harness reports failures instead of
# passing them.  Each check provokes one kind of failure and expects the
# harness to flag it:
#   - a failing KUnit case (raftlog_test.ko selftest_fail=1) -> ktap.py fails
#   - a leaked allocation (selftest_leak=1) -> kmemleak report -> run-vm fails
#   - a kernel WARN (selftest_warn=1) -> console scan -> run-vm fails
#   - a guest that never finishes -> killed at the timeout, reported (124)
#   - a module built with RL_BUG=ACK_EARLY -> the fault campaign's checker
#     reports acknowledged entries missing from the log
#   - synthetic logs: truncated KTAP, missing plan, each kernel report kind
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
n=0 passed=0 failed=0
check() {
	desc=$1
	shift
	n=$((n + 1))
	if "$@"; then
		passed=$((passed + 1))
		echo "ok $n - $desc"
	else
		failed=$((failed + 1))
		echo "not ok $n - $desc"
	fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- host-only checks of the parsers ---------------------------------------
cat >"$tmp/good.log" <<'LOG'
[    1.0] RAFTLOG-KTAP-BEGIN
[    1.1] KTAP version 1
[    1.1] 1..1
[    1.2]     KTAP version 1
[    1.2]     # Subtest: raftlog_x
[    1.2]     1..2
[    1.3]     ok 1 a
[    1.3] random kernel message
[    1.3]     ok 2 b # SKIP not today
[    1.4] # raftlog_x: pass:1 fail:0 skip:1 total:2
[    1.4] ok 1 raftlog_x
[    1.5] RAFTLOG-KTAP-END
LOG
ktap_ok() { "$here/scripts/ktap.py" "$1" >"$tmp/out" 2>&1; }
ktap_fails() { ! ktap_ok "$1"; }
check "ktap: a passing run passes" ktap_ok "$tmp/good.log"
check "ktap: counts 1 passed, 0 failed, 1 skipped (a skip is not a pass)" grep -qx "1 passed, 0 failed, 1 skipped" "$tmp/out"
sed 's/    ok 1 a/    not ok 1 a/; s/^\(\[    1.4\]\) ok 1/\1 not ok 1/' "$tmp/good.log" >"$tmp/fail.log"
check "ktap: a failed case fails the run" ktap_fails "$tmp/fail.log"
grep -v 'ok 1 raftlog_x$' "$tmp/good.log" >"$tmp/trunc.log"
check "ktap: a truncated run (suite result missing) fails" ktap_fails "$tmp/trunc.log"
grep -v '\] 1\.\.1$' "$tmp/good.log" >"$tmp/noplan.log"
check "ktap: a missing plan fails" ktap_fails "$tmp/noplan.log"
printf 'RAFTLOG-KTAP-BEGIN\nRAFTLOG-KTAP-END\n' >"$tmp/empty.log"
check "ktap: no output at all fails" ktap_fails "$tmp/empty.log"

scan_ok() { "$here/scripts/scan-console.sh" "$1" >/dev/null; }
check "scan: a clean log passes" scan_ok "$tmp/good.log"
for report in "BUG: KASAN: slab-use-after-free in rl_x+0x1" \
	"WARNING: CPU: 0 PID: 1 at kernel/x.c:1 rl_x" \
	"WARNING: possible circular locking dependency detected" \
	"unreferenced object 0xffff888001 (size 96):" \
	"UBSAN: array-index-out-of-bounds in x.c:1:2" \
	"Oops: general protection fault, probably for non-canonical address" \
	"INFO: task kworker/0:1:12 blocked for more than 120 seconds." \
	"Kernel panic - not syncing: Fatal exception"; do
	{ cat "$tmp/good.log"; echo "[    2.0] $report"; } >"$tmp/bad.log"
	check "scan: flags '$(echo "$report" | cut -c1-40)...'" sh -c "! '$here/scripts/scan-console.sh' '$tmp/bad.log' >/dev/null"
done

{ echo "[    0.5] BUG: KASAN: wild-memory-access in do_raw_spin_lock+0x1"; echo "raftlog-guest: kernel 6.12, 2 cpu(s), running x.sh"; cat "$tmp/good.log"; } >"$tmp/boot.log"
check "scan: a report during the kernel's boot, before the test starts, is noted, not counted" scan_ok "$tmp/boot.log"
{ echo "raftlog-guest: kernel 6.12, 2 cpu(s), running x.sh"; cat "$tmp/good.log"; echo "[    2.0] BUG: KASAN: slab-out-of-bounds in rl_x+0x1"; } >"$tmp/late.log"
check "scan: ... but one after it fails the run" sh -c "! '$here/scripts/scan-console.sh' '$tmp/late.log' >/dev/null"

# --- guest checks --------------------------------------------------------------
set -- $("$here/scripts/prepare-guest.sh" debug | tail -1) || { echo "not ok - prepare guest"; echo "$passed passed, $((failed + 1)) failed"; exit 1; }
kernel=$1 initrd=$2
vm() { "$here/scripts/run-vm.sh" -k "$kernel" -i "$initrd" "$@" >"$tmp/vm.log" 2>&1; }

# the harness suite alone: the others are proven by the kunit tier
vm -t 600 -l "$tmp/fail.console" kunit.sh selftest_fail=1 glob=raftlog_harness
check "guest: the deliberately failing KUnit case is reported failed" \
	sh -c "! '$here/scripts/ktap.py' '$tmp/fail.console' >'$tmp/k.out' && grep -q '^not ok .*raftlog_harness.deliberate_failure' '$tmp/k.out'"
check "guest: ... and the other cases still pass" \
	grep -q '^ok .*raftlog_harness.version_is_semver' "$tmp/k.out"

vm -t 600 -l "$tmp/leak.console" kunit.sh selftest_leak=1 glob=raftlog_harness
rc=$?
check "guest: a leaked allocation is found by kmemleak and fails the run (exit $rc)" \
	sh -c "[ $rc -ne 0 ] && grep -q 'unreferenced object' '$tmp/leak.console'"

vm -t 600 -l "$tmp/warn.console" kunit.sh selftest_warn=1 glob=raftlog_harness
rc=$?
check "guest: a kernel WARN fails the run (exit $rc)" \
	sh -c "[ $rc -ne 0 ] && grep -q 'deliberate warning' '$tmp/warn.console'"

# the fault campaign with a module whose leader acknowledges a proposal as
# soon as it appended it: partitioning that leader loses acknowledged
# entries, which the checker must find (the script passes when it does)
vm -t 900 -l "$tmp/bug.console" fault-campaign.sh module=/lib/raftlog/bug/raftlog.ko \
	expect=fail faults=partition_leader
rc=$?
check "guest: the campaign's checker catches a leader that acknowledges before a majority has the entry (exit $rc)" \
	sh -c "[ $rc -eq 0 ] && grep -q 'acknowledged at .* is not in the log' '$tmp/bug.console'"

start=$(date +%s)
vm -t 45 selftest-hang.sh
rc=$?
secs=$(($(date +%s) - start))
check "guest: a hanging guest is killed and reported as a timeout (exit $rc after ${secs}s)" \
	sh -c "[ $rc -eq 124 ] && [ $secs -lt 90 ]"

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
