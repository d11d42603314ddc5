#!/bin/sh
# rl-test: kernels=debug timeout=300 group=single
# Group creation under failslab (issue 15): a "create" on the debugfs
# control runs with the N-th slab allocation of its thread failing
# (/proc/thread-self/fail-nth), for N = 1, 2, ... until a create no
# longer reaches an N-th allocation.  The group listens, so the error
# paths after the transport opened are among them.  Every attempt either
# creates the group (destroyed at once) or fails with an errno, leaving
# no group and no device behind; KASAN, kmemleak and lockdep stay quiet
# (the console scan) and the module unloads.  Debug kernel only: the
# stock 6.1 has no CONFIG_FAILSLAB.
set -u
. ./lib.sh

tap_plan 3
modprobe_deps
insmod /lib/raftlog/raftlog.ko || exit 1
ip link set lo up
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
F=/sys/kernel/debug/failslab
CTL=/sys/kernel/debug/raftlog/control
echo 0 >$F/verbose
echo N >$F/ignore-gfp-wait
SPEC="create id=30,node=1,listen=127.0.0.1:7530,tick_ms=20"

n=1 ok=0 failed=0 left=0 leak=""
while [ $n -le 600 ]; do
	set -- $(rlprobe failnth $CTL $n "$SPEC")
	err=${1:-x} left=${2:-0}
	if [ "$err" = 0 ]; then
		ok=$((ok + 1))
		echo "destroy 30" >$CTL || leak="$leak $n(destroy)"
	else
		failed=$((failed + 1))
		echo "# nth $n: errno $err"
	fi
	[ -e /dev/raftlog30 ] && leak="$leak $n(dev)"
	[ "$left" -gt 0 ] && break
	n=$((n + 1))
done
echo Y >$F/ignore-gfp-wait
echo "# $n points: $failed creates failed, $ok succeeded"
tap_ok "every allocation of create failed once, until one reached none ($n)" \
	[ "$left" -gt 0 ]
tap_ok "failed creates leave nothing; created groups are destroyed" \
	sh -c "echo 'leftovers: $leak'; [ -z '$leak' ] &&
	       rlprobe ctl $CTL ENOENT 'destroy 30' >/dev/null"
tap_ok "a create without faults works, and the module unloads" sh -c \
	"echo '$SPEC' >$CTL && echo 'destroy 30' >$CTL && rmmod raftlog"
tap_done
