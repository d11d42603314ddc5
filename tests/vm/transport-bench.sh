#!/bin/sh
# Transport benchmark (not a pass/fail test, so no rl-test header; run it
# with scripts/run-vm.sh [-k BENCH-KERNEL] transport-bench.sh): frames/s and
# MB/s from one network namespace to another over veth, for small and
# 64 KiB frames, through the kernel transport (raftlog_tpctl.ko driving
# kernel/transport*.c) and, in the same guest and run, through userspace
# TCP sockets moving the same framing (rltp-bench).  Kernel numbers count
# whole frames: 16-byte header + 120-byte message + 24-byte entry header
# + payload.  With an argument, both endpoints use it as the cluster
# secret, so every frame is authenticated (HMAC-SHA256, docs/wire.md);
# run both in one boot to compare:
#   run-vm.sh -g transport-bench.sh transport-bench.sh,SECRET
set -u
secret=${1:-}
mode=${secret:+mac}
mode=${mode:-plain}
. ./lib.sh
CTL=$(rl_debugfs raftlog_tpctl/ctl)	# /sys is remounted by ip netns exec
ctl() { ns=$1; shift; ip netns exec "$ns" sh -c "echo '$*' > $CTL"; }
received() { awk '$1 == "a2" && $2 ~ /^node=/ { split($3, kv, "="); print kv[2] }' $CTL; }
# busybox date has no %N: /proc/uptime (10 ms resolution) is enough here
now_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }

modprobe_deps
insmod /lib/raftlog/raftlog.ko || exit 1
insmod /lib/raftlog/raftlog_tpctl.ko || exit 1
ip netns add b1
ip netns add b2
ip link add x1 type veth peer name x2
ip link set x1 netns b1
ip link set x2 netns b2
ip -n b1 addr add 10.78.0.1/24 dev x1
ip -n b2 addr add 10.78.0.2/24 dev x2
ip -n b1 link set x1 up
ip -n b2 link set x2 up
ctl b1 open a1 1 10.78.0.1:7100 ${secret:+1 $secret}
ctl b2 open a2 2 10.78.0.2:7100 ${secret:+1 $secret}
ctl b1 peer a1 2 10.78.0.2:7100
ctl b2 peer a2 1 10.78.0.1:7100
t=0
until grep -q '^a1 peer=2 up=1' $CTL || [ $t -gt 300 ]; do sleep 0.2; t=$((t + 1)); done

rc=0
base=0
for spec in 64:20000 65536:1000; do
	size=${spec%:*}
	n=${spec#*:}
	ctl b1 send a1 2 1 $size	# warm up
	base=$((base + 1))
	while [ "$(received)" != $base ]; do sleep 0.05; done
	t0=$(now_ms)
	ctl b1 send a1 2 $n $size
	base=$((base + n))
	t=0
	while [ "$(received)" != $base ] && [ $t -lt 6000 ]; do sleep 0.02; t=$((t + 1)); done
	t1=$(now_ms)
	[ "$(received)" = $base ] || { echo "kernel: lost frames at size $size"; rc=1; }
	awk -v n=$n -v s=$size -v m=$mode -v dt=$((t1 - t0)) 'BEGIN {
		sec = dt / 1e3; b = n * (s + 160);
		printf "kernel %-5s size %6d: %7d frames in %.3f s: %9.0f frames/s %8.1f MB/s\n", m, s, n, sec, n / sec, b / sec / 1e6 }'
	ip netns exec b2 rltp-bench recv 7300 $n >/tmp/bench.out &
	sleep 0.5
	ip netns exec b1 rltp-bench send 10.78.0.2 7300 $n $((size + 144)) || rc=1
	wait $! || rc=1
	echo "userspace size $size (+144 to match): $(cat /tmp/bench.out)"
done
rmmod raftlog_tpctl
rmmod raftlog
ip netns del b1
ip netns del b2
exit $rc
