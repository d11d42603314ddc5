#!/bin/sh
# rl-test: kernels=debug timeout=600 group=cluster
# A log bounded by memory, not by its length: three nodes in three
# network namespaces run group 1 with log-mem at its floor (64 KiB).  One
# follower is cut off while the leader commits 6000 entries, about four
# times what its in-memory log holds; the leader's in-memory log stays
# within the bound.  When the follower comes back, the leader reads the
# entries it no longer holds back from its device (the fetched counter
# grows) and the follower catches up with a log identical to the others'.
# An entry larger than a record holds (max-entry asked at 1 MiB) is
# refused with EMSGSIZE on the leader and on a follower instead of failing
# every node's store.  The leader restarts on its device: it reads back
# only the entries after its durable commit (its peak in-memory log stays
# within log-mem) and its log reads back whole.  Unloading with the group running leaves KASAN/kmemleak/lockdep silent.
set -u
. ./lib.sh

CTL=$(rl_debugfs raftlog/control)
PORT=7000
MEM=65536
addr() { echo "10.78.0.$1:$PORT"; }
dev() { echo "/dev/raftlog1.$1"; }
st() { rlprobe status "$(dev "$1")" | sed -n "s/^$2=//p"; }
create() { ip netns exec n$1 sh -c "echo 'create $2' > $CTL"; }
spec() {	# spec NODE PEER...
	n=$1
	shift
	s=id=1,node=$n,cluster=7,dev=/dev/ram$((n - 1)),listen=$(addr "$n")
	s=$s,log_mem=$MEM,max_entry=1048576,max_pending=16
	for p in "$@"; do
		s=$s,peer=$p@$(addr "$p")
	done
	echo "$s"
}
# counter NODE NAME: a counter of the node's group (raftctl group show -j)
counter() {
	ip netns exec n$1 raftctl group show 1 -j | jget "0.counters.$2"
}
agreed_leader() {
	l=$(st 1 leader)
	[ "${l:-0}" != 0 ] || return 1
	for n in 1 2 3; do
		[ "$(st "$n" leader)" = "$l" ] || return 1
	done
	echo "$l"
}
same_log() {	# same_log LAST NODE...
	last=$1
	shift
	d0=$(rlprobe digest "$(dev "$1")" "$last") || return 1
	for n in "$@"; do
		[ "$(rlprobe digest "$(dev "$n")" "$last")" = "$d0" ] || return 1
	done
}

tap_plan 13
modprobe_deps
for n in 1 2 3; do
	raftctl format /dev/ram$((n - 1)) --cluster-id 7 --group 1 --node $n \
		>/dev/null || exit 1
done
insmod /lib/raftlog/raftlog.ko || exit 1
rl_netns_bridge 10.78.0 1 2 3
create 1 "$(spec 1 2 3)"
create 2 "$(spec 2 1 3)"
create 3 "$(spec 3 1 2)"
tap_ok "three nodes with log-mem $MEM elect a leader" wait_for 60 agreed_leader
LEAD=$(agreed_leader)
F=1
[ "$LEAD" = 1 ] && F=2
echo "# leader $LEAD, follower $F is cut off"
show_mem() {
	[ "$(ip netns exec n1 raftctl group show 1 -j | jget 0.log_mem)" = $MEM ]
}
tap_ok "group show reports log-mem" show_mem
ip link set v$F down
tap_ok "the leader commits 6000 entries (io_uring, 64 in flight) without node $F" \
	rlprobe uring-flood "$(dev "$LEAD")" 6000 64 far
used=$(counter "$LEAD" log_mem_used)
echo "# leader's in-memory log: $used bytes"
tap_ok "the leader's in-memory log stays within log-mem" \
	test "${used:-999999999}" -le $MEM
tap_ok "the cut-off follower is behind the leader's in-memory log" \
	test "$(st "$F" applied)" -lt 100

ip link set v$F up
tap_ok "node $F catches up after it is back" \
	wait_for 300 caught_up "$LEAD" "$F"
fetched=$(counter "$LEAD" fetched)
echo "# entries read back from the leader's device: $fetched"
tap_ok "the leader read the entries back from its device" \
	test "${fetched:-0}" -gt 3000
C=$(st "$LEAD" commit)
tap_ok "the three logs are identical up to $C" same_log "$C" 1 2 3
# max-entry 1 MiB asked: a record holds a little less, and the group says so
MAXE=$(ip netns exec n$LEAD raftctl group show 1 -j | jget 0.max_entry)
echo "# max-entry 1048576 asked, $MAXE in force"
big_refused() {
	[ "${MAXE:-1048576}" -lt 1048576 ] || return 1
	! rlprobe propose "$(dev "$LEAD")" 1 big $((MAXE + 1)) &&
		! rlprobe propose "$(dev "$F")" 1 big 1048500 &&
		rlprobe propose "$(dev "$LEAD")" 1 fits "$MAXE"
}
tap_ok "an entry larger than a record is refused, one that fits commits" \
	big_refused

# a restart reads back only what follows the durable commit: the rest
# stays on the device (readers and lagging peers read it from there)
# (small entries last: the last one is always read back whole)
R=$LEAD
rlprobe propose "$(dev "$R")" 5 small 0 >/dev/null
ip netns exec n$R sh -c "echo 'destroy 1' > $CTL"
create $R "$(spec $R $(echo 1 2 3 | tr -d "$R"))"
tap_ok "node $R restarts on its device and catches up" \
	wait_for 120 caught_up "$F" "$R"
peak=$(counter "$R" log_mem_peak)
echo "# node $R's in-memory log at most $peak bytes since its restart"
tap_ok "its restart held at most log-mem of its log in memory" \
	test "${peak:-999999999}" -le $MEM
# (up to the entry of a record's size, which digest cannot read)
tap_ok "its log reads back identical to the others' up to $C" \
	same_log "$C" 1 2 3

tap_ok "unload with the group running" rmmod raftlog
tap_done
