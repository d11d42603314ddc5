#!/bin/sh
# Figures, not a test (no rl-test header): rlkv (userspace/rlkv, issue 18)
# on a 3-node group (three network namespaces on a bridge, a RAM disk
# each, as services.sh), an rlkv server on every node snapshotting every
# snap=N entries (so the log is compacted as it grows).  For each number
# of connections CONNS in conns= (1, 16, 64), secs= seconds each:
#   rlkv bench put   on the leader's server   (proposals; puts/s)
#   rlkv bench get   on the leader's server   (linearizable: the read barrier)
#   rlkv bench sget  on the leader's server   (stale: no raftlog call)
#   rlkv bench get   on a follower's server   (the barrier through the leader)
#   rlkv bench cas   on the leader's server   (a proposal as put, a key per
#                                              connection)
#   raftlog-bench -m uring -q CONNS           (raw proposals of about a put
#                                              entry's size, one thread)
#   raftlog-bench -m ioctl -q CONNS           (CONNS threads with blocking
#                                              RAFTLOG_IOC_PROPOSE: what the
#                                              rlkv server does a connection)
# on the leader's device, and first the device floor: raftlog-bench -m
# floor (4 KiB O_DIRECT write + fdatasync, one at a time) on the spare
# RAM disk /dev/ram3, as bench-sustained.sh does on its disks (at most
# 15000 writes, 60 MiB of its 64: a fast run ends before secs=).  Output:
# one JSON line per run ("# json {...}": rlkv bench -j or raftlog-bench
# --json, with "run" and "node" added in front) and a text table at the
# end.  Exit status 1 if a run failed (rlkv bench: a failure other than
# backpressure; raftlog-bench: a failed proposal) or the group had no
# leader.
#
# Run it by hand on the bench kernel (the figures for the README):
#   set -- $(scripts/prepare-guest.sh bench | tail -1)
#   flock /tmp/raftlog-guest.lock \
#     scripts/run-vm.sh -k "$1" -i "$2" -t 1800 bench-rlkv.sh secs=10
# (22 runs: about 4 minutes at secs=10, after the boot.)  On the
# debug kernel, to see it work (the figures mean nothing there):
#   scripts/prepare-guest.sh debug
#   flock /tmp/raftlog-guest.lock scripts/run-vm.sh -t 900 bench-rlkv.sh secs=1
# rlargs: secs=N (seconds per run, 10), conns=A+B+... (1+16+64),
# value=BYTES (rlkv value bytes, 16), keys=N (1000), snap=N (the servers'
# --snapshot-every, 5000).
set -u
. ./lib.sh
secs=10 conns="1 16 64" value=16 keys=1000 snap=5000
for a in "$@"; do
	case $a in
	secs=*) secs=${a#secs=} ;;
	conns=*) conns=$(echo "${a#conns=}" | tr '+' ' ') ;;
	value=*) value=${a#value=} ;;
	keys=*) keys=${a#keys=} ;;
	snap=*) snap=${a#snap=} ;;
	esac
done
CTL=$(rl_debugfs raftlog/control)
W=/tmp/rlkvbench
mkdir -p $W
addr() { echo "10.82.0.$1:7000"; }
dev() { echo "/dev/raftlog1.$1"; }
sock() { echo "$W/kv$1.sock"; }
st() { rlprobe status "$(dev "$1")" | sed -n "s/^$2=//p"; }
spec() {
	s=id=1,node=$1,cluster=7,dev=/dev/ram$(($1 - 1)),listen=$(addr "$1"),tick_ms=50
	for p in 1 2 3; do
		[ "$p" = "$1" ] || s=$s,peer=$p@$(addr "$p")
	done
	echo "$s"
}
# an rlkv put entry: "<ms> put bk<i> <value>"
esize=$((13 + 5 + 2 + ${#keys} + 1 + value))
rc=0
t0=$(uptime_s)
rl_need ram=4 veth bridge
echo "# kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs; ${secs} s a run, connections: $conns; values $value B, $keys keys, entries about $esize B"

TABLE=$W/table
printf "# %-28s %5s %10s %9s %9s %9s %7s %7s\n" run conns ops/s "p50 us" \
	"p99 us" "max us" failed backpr >$TABLE
# row NAME CONNS JSONFILE BACKPRESSURE-KEY: a table row from a JSON line
row() {
	v=$(rljson "$3" ops_per_s latency_us.p50 latency_us.p99 latency_us.max \
		failed "$4") || v="- - - - ? ?"
	# shellcheck disable=SC2086
	set -- "$1" "$2" $v
	printf "# %-28s %5s %10s %9s %9s %9s %7s %7s\n" "$@" >>$TABLE
}
# show RUN NODE JSONFILE: the JSON line with the run's name and node
show() {
	if [ -s "$3" ]; then
		echo "# json {\"run\":\"$1\",\"node\":$2,$(cut -c2- "$3")"
	else
		echo "# json {\"run\":\"$1\",\"node\":$2,\"error\":\"no output\"}"
	fi
}

# --- the floor (before the group: it overwrites /dev/ram3's first MiBs) ---
# 4 KiB writes, at most 15000 (60 MiB: the RAM disk holds 64)
raftlog-bench -m floor -d /dev/ram3 -s 4096 -t "$secs" -n 15000 --json \
	>$W/floor.json || rc=1
show floor 0 $W/floor.json
row "floor 4K write+fdatasync" 1 $W/floor.json queue_full_retries

# --- the group and the servers ---------------------------------------------
for n in 1 2 3; do
	raftctl format /dev/ram$((n - 1)) --cluster-id 7 --group 1 --node $n \
		--force >/dev/null || exit 1
done
insmod /lib/raftlog/raftlog.ko || exit 1
rl_netns_bridge 10.82.0 1 2 3
for n in 1 2 3; do
	ip netns exec n$n sh -c "echo 'create $(spec $n)' > $CTL"
done
wait_for 60 agreed_leader 1 2 3 >/dev/null
L=$(agreed_leader 1 2 3) || { echo "# no leader"; exit 1; }
F=$((L % 3 + 1))
for n in 1 2 3; do
	rlkv serve "$(dev $n)" "$(sock $n)" --snapshot-every "$snap" \
		2>"$W/srv$n.err" &
	echo $! >"$W/srv$n.pid"
done
up() { for n in 1 2 3; do rlkv -s "$(sock $n)" status >/dev/null || return 1; done; }
wait_for 30 up >/dev/null || { echo "# the rlkv servers did not come up"; exit 1; }
echo "# leader node $L, follower node $F"
settle() { wait_for 30 caught_up "$L" 1 2 3 >/dev/null; }

# kv NAME NODE CONNS OP: one rlkv bench run on NODE's server
kv() {
	settle
	rlkv -s "$(sock "$2")" bench -c "$3" -d "$secs" -k "$keys" -v "$value" -j \
		"$4" >"$W/r.json" || rc=1
	show "$1" "$2" $W/r.json
	row "$1" "$3" $W/r.json backpressure
}
# raw NAME MODE CONNS: one raftlog-bench run on the leader's device
raw() {
	settle
	raftlog-bench -d "$(dev "$L")" -m "$2" -q "$3" -s "$esize" -t "$secs" \
		--json >"$W/r.json" || rc=1
	show "$1" "$L" $W/r.json
	row "$1" "$3" $W/r.json queue_full_retries
}
for nc in $conns; do	# (not $c: lib.sh's caught_up sets it)
	kv "rlkv put (leader)" "$L" "$nc" put
	kv "rlkv get (leader)" "$L" "$nc" get
	kv "rlkv sget (leader)" "$L" "$nc" sget
	kv "rlkv get (follower)" "$F" "$nc" get
	kv "rlkv cas (leader)" "$L" "$nc" cas
	raw "raftlog-bench uring" uring "$nc"
	raw "raftlog-bench ioctl" ioctl "$nc"
done
L2=$(agreed_leader 1 2 3)
[ "$L2" = "$L" ] || echo "# NOTE: the leader changed during the runs (now ${L2:-none}): figures after it are not the leader's"
echo "# leader's log: first $(st "$L" first) commit $(st "$L" commit) app_snap_index $(st "$L" app_snap_index)"
for n in 1 2 3; do
	echo "# srv$n: $(grep -c 'saved snapshot' "$W/srv$n.err") snapshots saved"
	grep -v 'saved snapshot' "$W/srv$n.err" | sed "s/^/# srv$n: /"
	kill "$(cat "$W/srv$n.pid")" 2>/dev/null
done
wait
echo "# runs took $(($(uptime_s) - t0)) s"
echo "# ---- rlkv on 3 nodes, $(uname -r): ops/s and latency per run (backpr: rlkv backpressure answers; raftlog-bench proposals sent again after a full queue)"
cat $TABLE
for n in 1 2 3; do
	ip netns exec n$n sh -c "echo 'destroy 1' > $CTL"
done
rmmod raftlog
exit $rc
