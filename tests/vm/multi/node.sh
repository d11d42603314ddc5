#!/bin/sh
# One node of the multi-VM cluster (scripts/multi-vm.sh boots three guests,
# each its own kernel, joined by a QEMU socket network on their eth0).
# Arguments: node=I n=N count=K.  The node brings eth0 up as 10.1.0.I,
# creates group 1 with the others as peers, proposes K entries tagged
# with its id, waits until all N*K are committed, then prints a digest
# of the committed log up to the last of them, which the host compares
# across the guests.  It stays up a while so the slower nodes finish.
set -u
. ./lib.sh
node=1 n=3 count=20
for a in "$@"; do
	case $a in
	node=*) node=${a#node=} ;;
	n=*) n=${a#n=} ;;
	count=*) count=${a#count=} ;;
	esac
done
ip() { /usr/sbin/ip "$@"; }
DEV=/dev/raftlog1
now() { cut -d' ' -f1 /proc/uptime; }

tap_plan 4
ip link set eth0 up
ip addr add "10.1.0.$node/24" dev eth0
spec="id=1,node=$node,cluster=9,dev=/dev/ram0,listen=10.1.0.$node:7000,tick_ms=50"
for j in $(seq 1 "$n"); do
	[ "$j" = "$node" ] || spec="$spec,peer=$j@10.1.0.$j:7000"
done
raftctl format /dev/ram0 --cluster-id 9 --group 1 --node "$node" --force >/dev/null
modprobe_deps
insmod /lib/raftlog/raftlog.ko groups="$spec"
tap_ok "node $node: group 1 created over eth0" test -c $DEV

# wait for a leader (the other guests may still be booting)
t=0
until [ "$(rlprobe status $DEV | sed -n 's/^leader=//p')" != 0 ] || [ $t -ge 600 ]; do
	sleep 0.5
	t=$((t + 1))
done
echo "# [$(now)] leader: $(rlprobe status $DEV | sed -n 's/^leader=//p')"
tap_ok "node $node: proposes $count entries" rlprobe propose $DEV "$count" "vm$node" 16

# every node's entries committed here: count them in the dump
t=0
while :; do
	rlcheck dump $DEV /tmp/log >/dev/null 2>&1
	got=$(grep -c ' vm[0-9]*-' /tmp/log)
	[ "$got" -ge $((n * count)) ] || [ $t -ge 600 ] || { sleep 0.5; t=$((t + 1)); continue; }
	break
done
tap_ok "node $node: all $((n * count)) entries of the $n nodes committed here ($got)" \
	test "$got" -ge $((n * count))
last=$(grep -n ' vm[0-9]*-' /tmp/log | tail -1 | cut -d: -f1)
digest=$(head -n "$last" /tmp/log | cut -d' ' -f1,4 | md5sum | cut -d' ' -f1)
echo "MULTIVM-DIGEST node=$node entries=$last digest=$digest"
tap_ok "node $node: each node's own entries are in its order" \
	rlprobe check $DEV "vm$node" "$count" 16
# let the others finish before this node goes away
sleep 20
rmmod raftlog
tap_done
