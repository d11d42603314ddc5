#!/bin/sh
# The guest half of `make demo`: a 3-node raftlog cluster in one guest,
# each node in its own network namespace with its own RAM disk, brought up
# and driven with raftctl only.  Proposes from two nodes, tails from the
# third, kills the leader, shows the new one, brings the old leader back
# from its disk and shows that nothing committed was lost.
set -u
. ./lib.sh
N=3
say() { printf '\n--> %s\n' "$*"; }
run() {	# run NODE COMMAND...: show and run a command on node NODE
	n=$1
	shift
	echo "node$n# $*"
	ip netns exec "n$n" "$@"
}
field() {	# field NODE KEY: a value of the node's status
	rlprobe status "/dev/raftlog1.$1" 2>/dev/null | sed -n "s/^$2=//p"
}
leader() {
	for i in $(seq 1 $N); do
		[ "$(field "$i" role)" = 3 ] && { echo "$i"; return 0; }
	done
	return 1
}
wait_leader() {
	t=0
	while [ $t -lt 300 ]; do
		l=$(leader) && { echo "$l"; return 0; }
		sleep 0.2
		t=$((t + 1))
	done
	return 1
}
add_group() {
	i=$1
	peers=""
	for j in $(seq 1 $N); do
		[ "$j" = "$i" ] || peers="$peers peer $j@10.0.0.$j:7000"
	done
	# shellcheck disable=SC2086
	run "$i" raftctl group add 1 dev "/dev/ram$((i - 1))" node "$i" cluster-id 7 \
		listen "10.0.0.$i:7000" insecure $peers tick-ms 50 election-ticks 20
}

say "three hosts: network namespaces n1..n3 on a bridge, one RAM disk each"
ip link add br0 type bridge
ip link set br0 up
for i in $(seq 1 $N); do
	ip netns add "n$i"
	ip link add "v$i" type veth peer name eth0 netns "n$i"
	ip link set "v$i" master br0 up
	ip -n "n$i" addr add "10.0.0.$i/24" dev eth0
	ip -n "n$i" link set eth0 up
	ip -n "n$i" link set lo up
	echo "  n$i: 10.0.0.$i, /dev/ram$((i - 1))"
done

say "load raftlog.ko and format each node's disk"
modprobe_deps
insmod /lib/raftlog/raftlog.ko verbose=1
for i in $(seq 1 $N); do
	run "$i" raftctl format "/dev/ram$((i - 1))" --cluster-id 7 --group 1 --node "$i" --force
done

say "watch the cluster's events from node 1 (raftctl monitor)"
ip netns exec n1 raftctl monitor >/tmp/monitor.log 2>&1 &
mon=$!

say "bring up group 1 on every node"
for i in $(seq 1 $N); do
	add_group "$i"
done
l=$(wait_leader) || { echo "no leader elected"; exit 1; }
echo "  node $l was elected leader"
run "$l" raftctl group show 1

say "propose entries from node 1 and node 2"
for k in 1 2 3; do
	run 1 raftctl propose 1 "order-$k from node 1"
	run 2 raftctl propose 1 "order-$k from node 2"
done

say "tail the committed log from node 3"
run 3 raftctl tail 1

say "kill the leader (node $l): its group is torn down"
run "$l" raftctl group del 1
old=$l
t0=$(cut -d' ' -f1 /proc/uptime)
l=$(wait_leader) || { echo "no new leader"; exit 1; }
t1=$(cut -d' ' -f1 /proc/uptime)
echo "  node $l leads now (elected $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s after the kill)"
run "$l" raftctl group show 1

say "the survivors keep committing"
for i in $(seq 1 $N); do
	[ "$i" = "$old" ] && continue
	run "$i" raftctl propose 1 "after the failover, from node $i"
done

say "node $old comes back from its disk and catches up"
add_group "$old"
caught_up() {
	want=$(field "$l" commit)
	for i in $(seq 1 $N); do
		[ "$(field "$i" applied)" = "$want" ] || return 1
	done
}
t=0
while ! caught_up && [ $t -lt 300 ]; do
	sleep 0.2
	t=$((t + 1))
done
run "$old" raftctl tail 1

say "events seen by raftctl monitor on node 1"
kill "$mon" 2>/dev/null
sed 's/^/  /' /tmp/monitor.log | head -40

say "summary"
ok=1
for i in $(seq 1 $N); do
	ip netns exec "n$i" raftctl tail 1 >"/tmp/log$i"
	n=$(grep -c ' from node ' "/tmp/log$i")
	echo "  node $i: commit index $(field "$i" commit), $n application entries"
	[ "$n" = 8 ] || ok=0
	cmp -s /tmp/log1 "/tmp/log$i" || ok=0
done
if [ $ok = 1 ]; then
	echo "  all three nodes hold the same 8 entries in the same order: nothing was lost"
else
	echo "  the logs differ: something is wrong"
fi

for i in $(seq 1 $N); do
	ip netns exec "n$i" raftctl group del 1
done
rmmod raftlog
[ $ok = 1 ]
