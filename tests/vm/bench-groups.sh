#!/bin/sh
# Figures, not a test (no rl-test header): many groups on one host.
# GROUPS groups (default 256) of 3 nodes each, the nodes in three network
# namespaces on a bridge (all groups of a node share its listener), then:
#   the idle CPU: once every group has a leader and nothing is proposed,
#   the guest's busy share of all CPUs over SECS seconds (default 30),
#   from /proc/stat (everything but idle and iowait), and how many nodes
#   say quiesced;
#   the memory per idle node: Slab + VmallocUsed (/proc/meminfo) once
#   idle, less before the module was loaded, over the nodes;
#   the aggregate throughput: raftlog-bench --groups GROUPS on node 1's
#   devices (io_uring, depth 4 each, 256 B, 10 s): a third of the groups
#   led there, the others' proposals forwarded.
# Storage: disk=none (default): volatile logs, no device; disk=ram: one
# RAM disk per node (brd, rd_size=RDKB KiB, default 8192, where brd is a
# module; pages are allocated as they are written), formatted,
# which needs memory for each node's storage (the write pipeline's record
# buffers are allocated on the first write and released while the group
# is quiesced).  Run it by hand, best on the bench kernel:
#   scripts/prepare-guest.sh bench      # prints KERNEL INITRD
#   scripts/run-vm.sh -k KERNEL -i INITRD -m 3072 -t 1800 \
#       bench-groups.sh [groups=256] [disk=none|ram] [secs=30] [quiesce=0|1]
# quiesce=0 loads the module with quiescing off (the figures before it).
set -u
. ./lib.sh
G=256 DISK=none SECS=30 RDKB=8192 Q=""
for a in "$@"; do
	case $a in
	groups=*) G=${a#groups=} ;;
	disk=*) DISK=${a#disk=} ;;
	secs=*) SECS=${a#secs=} ;;
	rdkb=*) RDKB=${a#rdkb=} ;;
	quiesce=*) Q="quiesce=${a#quiesce=}" ;;
	esac
done
CTL=$(rl_debugfs raftlog/control)
N=3
NODES=$((G * N))
mem() { awk '/^(Slab|VmallocUsed):/ { s += $2 } END { print s }' /proc/meminfo; }
# busy JIFFIES TOTAL of all CPUs from /proc/stat
cpu() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat; }
prom_sum() {	# prom_sum METRIC: the sum over every group of every node
	for i in $(seq 1 $N); do
		ip netns exec "n$i" raftctl stats --prometheus
	done | awk -v m="$1" 'index($1, m "{") == 1 { s += $2 } END { print s + 0 }'
}

modprobe_deps
echo "# kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs, $(awk '/MemTotal/ { print $2 }' /proc/meminfo) kB; $G groups x $N nodes, disk=$DISK ${Q:-quiesce=default}"
if [ "$DISK" = ram ]; then
	# a modular brd takes the count and size; a built-in one (the test
	# kernels: 4 devices of 64 MiB) creates /dev/ramN when it is opened
	modprobe brd rd_nr=$NODES rd_size=$RDKB max_part=0 2>/dev/null
	k=0
	while [ $k -lt $NODES ]; do
		[ -b /dev/ram$k ] || mknod /dev/ram$k b 1 $k || exit 1
		k=$((k + 1))
	done
fi
m0=$(mem)
# the caps on groups (ctl.c: 256 on the host, 64 per namespace) raised
insmod /lib/raftlog/raftlog.ko max_groups=$((NODES + 16)) \
	max_groups_per_net=$((G + 16)) $Q || exit 1
# what an earlier run in the same boot left
ip link del br0 2>/dev/null
for i in $(seq 1 $N); do ip netns del "n$i" 2>/dev/null; done
ip link add br0 type bridge
ip link set br0 up
for i in $(seq 1 $N); do
	ip netns add "n$i"
	ip link add "v$i" type veth peer name eth0 netns "n$i"
	ip link set "v$i" master br0 up
	ip -n "n$i" addr add "10.0.0.$i/24" dev eth0
	ip -n "n$i" link set eth0 up
	ip -n "n$i" link set lo up
done
t0=$(now)
for i in $(seq 1 $N); do
	peers=""
	for j in $(seq 1 $N); do
		[ "$j" = "$i" ] || peers="$peers,peer=$j@10.0.0.$j:7000"
	done
	g=1
	while [ $g -le "$G" ]; do
		s="id=$g,node=$i,cluster=7,listen=10.0.0.$i:7000,tick_ms=50,election=10$peers"
		if [ "$DISK" = ram ]; then
			d=/dev/ram$(((g - 1) * N + i - 1))
			raftctl format "$d" --cluster-id 7 --group "$g" --node "$i" \
				--force >/dev/null || exit 1
			s="$s,dev=$d"
		fi
		echo "create $s"
		g=$((g + 1))
	done | ip netns exec "n$i" sh -c "while read -r l; do echo \"\$l\" > $CTL || exit 1; done" ||
		{ echo "# creating the groups of node $i failed"; exit 1; }
done
echo "# $NODES nodes created in $(awk "BEGIN { print $(now) - $t0 }") s"
leaders() { prom_sum raftlog_role | awk -v g="$G" '{ print int($1 / 3) }'; }
k=0
while [ "$(leaders)" -lt "$G" ] && [ $k -lt 120 ]; do
	sleep 1
	k=$((k + 1))
done
echo "# $(leaders) of $G groups have a leader after $(awk "BEGIN { print $(now) - $t0 }") s"
# idle: let every group settle (quiesce) first
sleep 10
q=$(prom_sum raftlog_quiesced)
set -- $(cpu)
b0=$1 a0=$2
sleep "$SECS"
set -- $(cpu)
b1=$1 a1=$2
q1=$(prom_sum raftlog_quiesced)
m1=$(mem)
echo "# idle: $q then $q1 of $NODES nodes quiesced"
awk -v b=$((b1 - b0)) -v a=$((a1 - a0)) -v s="$SECS" -v g="$G" \
	'BEGIN { printf "# idle CPU over %d s, %d groups: %.2f%% of the guest busy\n", s, g, 100 * b / a }'
awk -v m0="$m0" -v m1="$m1" -v n="$NODES" \
	'BEGIN { printf "# memory: slab+vmalloc %d kB before, %d kB idle: %.1f kB per idle node\n", m0, m1, (m1 - m0) / n }'
echo "# wakes so far: $(prom_sum raftlog_wakes_total), peers lost: $(prom_sum raftlog_peers_lost_total), elections: $(prom_sum raftlog_elections_started_total)"
echo "# --- aggregate: raftlog-bench --groups $G on node 1 (io_uring, depth 4 each, 256 B, 10 s)"
ip netns exec n1 raftlog-bench -g 1 --groups "$G" --node 1 -m uring -q 4 -s 256 -t 10 |
	sed 's/^/# /'
m2=$(mem)
awk -v m0="$m0" -v m2="$m2" -v n="$NODES" \
	'BEGIN { printf "# memory after the run: %.1f kB per node\n", (m2 - m0) / n }'
sleep 10
set -- $(cpu)
b0=$1 a0=$2
sleep 10
set -- $(cpu)
echo "# idle again: $(prom_sum raftlog_quiesced) of $NODES nodes quiesced, $(awk -v b=$(($1 - b0)) -v a=$(($2 - a0)) 'BEGIN { printf "%.2f", 100 * b / a }')% busy over 10 s"
for i in $(seq 1 $N); do
	g=1
	while [ $g -le "$G" ]; do
		echo "destroy $g"
		g=$((g + 1))
	done | ip netns exec "n$i" sh -c "while read -r l; do echo \"\$l\" > $CTL; done"
done
rmmod raftlog
