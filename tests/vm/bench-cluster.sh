#!/bin/sh
# Figures, not a test (no rl-test header): raftlog-bench against a 3-node
# group (three network namespaces on a bridge, one RAM disk each), from
# the leader and from a follower (proposals forwarded), io_uring and
# blocking write(), each run verified.  Run it by hand:
#   scripts/run-vm.sh -t 900 bench-cluster.sh        (debug kernel)
#   or with the bench kernel from scripts/prepare-guest.sh bench
set -u
. ./lib.sh
# rlargs: n=COUNT (proposals per run, default 3000)
n=3000
for a in "$@"; do
	case $a in n=*) n=${a#n=} ;; esac
done
CTL=$(rl_debugfs raftlog/control)
N=3
ip link add br0 type bridge
ip link set br0 up
modprobe_deps
insmod /lib/raftlog/raftlog.ko
for i in $(seq 1 $N); do
	ip netns add "n$i"
	ip link add "v$i" type veth peer name eth0 netns "n$i"
	ip link set "v$i" master br0 up
	ip -n "n$i" addr add "10.0.0.$i/24" dev eth0
	ip -n "n$i" link set eth0 up
	ip -n "n$i" link set lo up
	raftctl format "/dev/ram$((i - 1))" --cluster-id 7 --group 1 --node "$i" --force >/dev/null
done
for i in $(seq 1 $N); do
	s="id=1,node=$i,cluster=7,dev=/dev/ram$((i - 1)),listen=10.0.0.$i:7000,tick_ms=50,election=20"
	for j in $(seq 1 $N); do
		[ "$j" = "$i" ] || s="$s,peer=$j@10.0.0.$j:7000"
	done
	ip netns exec "n$i" sh -c "echo 'create $s' > $CTL"
done
role() { rlprobe status "/dev/raftlog1.$1" | sed -n 's/^role=//p'; }
t=0 l=""
while [ -z "$l" ] && [ $t -lt 300 ]; do
	for i in $(seq 1 $N); do [ "$(role "$i")" = 3 ] && l=$i; done
	sleep 0.2
	t=$((t + 1))
done
f=$((l % N + 1))
echo "# leader node $l, follower node $f"
for run in "$l uring 1" "$l uring 64" "$l write 1" "$l write 16" "$f uring 64" "$f write 16"; do
	set -- $run
	echo "# --- node $1 ($( [ "$1" = "$l" ] && echo leader || echo follower)), $2, depth $3, 100 B"
	ip netns exec "n$1" raftlog-bench -d "/dev/raftlog1.$1" -m "$2" -q "$3" -s 100 -t 20 -n "$n" --verify |
		sed 's/^/# /'
done
for i in $(seq 1 $N); do
	ip netns exec "n$i" sh -c "echo 'destroy 1' > $CTL"
done
rmmod raftlog
