#!/bin/sh
# rl-test: kernels=debug,stock timeout=300 group=single
# The guest fuzzer (tools/rlfuzz.c) against three volatile groups:
# random and hostile generic netlink requests, character device calls
# (odd sizes, bad pointers, every ioctl, interrupted blocking calls) and
# io_uring commands (rings torn down with commands in flight), from three
# processes, while groups are deleted and created again under them.
# Passes when every fuzzer process ends by itself, a group created
# afterwards commits proposals, and the module unloads; the console scan
# (KASAN, lockdep, kmemleak, WARN, hung tasks) judges the rest.
# Arguments (rlargs): secs=S (default 4: a short pass for make check),
# minutes=M (make fuzz-guest MINUTES=M, make torture), seed=N.
set -u
. ./lib.sh

secs=4 seed=$(date +%s)
for a in "$@"; do
	case $a in
	secs=*) secs=${a#secs=} ;;
	minutes=*) secs=$((${a#minutes=} * 60)) ;;
	seed=*) seed=${a#seed=} ;;
	esac
done

leads() { rlprobe status "$1" | grep -qx role=3; }

tap_plan 5
modprobe_deps
insmod /lib/raftlog/raftlog.ko || exit 1
for g in 41 42 43; do
	raftctl group add $g node 1 volatile tick-ms 20 >/dev/null || exit 1
done
echo "# rlfuzz -s $seed -t $secs (to replay: rlargs seed=$seed,secs=$secs)"
rc=0
timeout $((secs + 120)) rlfuzz -s "$seed" -t "$secs" -p 3 41 42 43 \
	>/tmp/rlfuzz.out 2>&1 || rc=$?
sed 's/^/# /' /tmp/rlfuzz.out
tap_ok "rlfuzz: $secs s, 3 processes, each ended by itself (exit $rc)" [ $rc = 0 ]
created_leads() {
	raftctl group add 44 node 1 volatile tick-ms 20 >/dev/null &&
		wait_for 30 leads /dev/raftlog44
}
tap_ok "a group created afterwards leads" created_leads
tap_ok "... and commits proposals" rlprobe propose /dev/raftlog44 20 after 64
dels() {
	for g in 41 42 43 44; do
		raftctl group del $g 2>/dev/null
	done
	for g in 41 42 43 44; do
		! raftctl group show $g >/dev/null 2>&1 || return 1
	done
}
tap_ok "every group is deleted" dels
tap_ok "the module unloads" rmmod raftlog
tap_done
