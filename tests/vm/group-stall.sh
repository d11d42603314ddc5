#!/bin/sh
# rl-test: kernels=debug timeout=300 group=cluster
# A hung disk hands the leadership over; a slow one does not.  Three
# nodes in three network namespaces, each on a RAM disk behind a
# device-mapper linear device, form group 1 with tick_ms=20 (an election
# timeout of 200-400 ms; a store is stalled after 2 s without completing
# a write).  The leader's disk is made slow for 4 s (suspended 150 ms,
# resumed 50 ms, over and over) while proposals run: they commit and
# nobody is elected.  Then the leader's disk hangs (suspended, its writes
# held) under a proposal: the leader counts a disk stall and hands the
# leadership to another node, which commits.  The disk comes back: the
# old leader catches up and its held proposal ends.
set -u
. ./lib.sh

CTL=$(rl_debugfs raftlog/control)
addr() { echo "10.78.0.$1:7000"; }
dev() { echo "/dev/raftlog1.$1"; }
st() { rlprobe status "$(dev "$1")" | sed -n "s/^$2=//p"; }
create() { ip netns exec "n$1" sh -c "echo 'create $2' > $CTL"; }
spec() {	# spec NODE PEER...
	n=$1
	shift
	s=id=1,node=$n,cluster=7,dev=/dev/mapper/st$n,listen=$(addr "$n"),tick_ms=20
	for p in "$@"; do
		s=$s,peer=$p@$(addr "$p")
	done
	echo "$s"
}
propose() { rlprobe propose "$(dev "$1")" "$2" "$3" 64; }
# slow NODE SECONDS: its disk stops 150 ms of every 200
slow() {
	end=$(($(uptime_s) + $2))
	while [ "$(uptime_s)" -lt $end ]; do
		dmsetup suspend --noflush "st$1"
		sleep 0.15
		dmsetup resume "st$1"
		sleep 0.05
	done
}
stalls() {
	ip netns exec "n$1" raftctl group show 1 -j | jget 0.counters.disk_stalls
}

tap_plan 9
modprobe_deps
rl_need ram=3 veth bridge dm
for n in 1 2 3; do
	sz=$(blockdev --getsz /dev/ram$((n - 1)))
	DM_DISABLE_UDEV=1 dmsetup create "st$n" \
		--table "0 $sz linear /dev/ram$((n - 1)) 0" || exit 1
	[ -b "/dev/mapper/st$n" ] || dmsetup mknodes "st$n"
	raftctl format "/dev/mapper/st$n" --cluster-id 7 --group 1 --node $n \
		>/dev/null || exit 1
done
insmod /lib/raftlog/raftlog.ko || exit 1
rl_netns_bridge 10.78.0 1 2 3
create 1 "$(spec 1 2 3)"
create 2 "$(spec 2 1 3)"
create 3 "$(spec 3 1 2)"
tap_ok "three nodes elect one leader" wait_for 60 agreed_leader 1 2 3
L=$(agreed_leader 1 2 3)
T=$(st "$L" term)
echo "# leader $L in term $T"

propose "$L" 100 slow >/tmp/slow.out 2>&1 &
pid=$!
slow "$L" 4
tap_ok "proposals commit while the leader's disk is slow" wait $pid
same_term() {
	for n in 1 2 3; do
		[ "$(st $n term)" = "$T" ] && [ "$(st $n leader)" = "$L" ] || return 1
	done
}
tap_ok "... and nobody was elected (leader $L, term $T everywhere)" same_term
no_stall() { [ "$(stalls "$L")" = 0 ]; }
tap_ok "... and no stall was counted" no_stall

O1=$((L % 3 + 1))
O2=$((O1 % 3 + 1))
dmsetup suspend --noflush "st$L"
propose "$L" 1 held >/tmp/held.out 2>&1 &
held=$!
moved() { l=$(agreed_leader $O1 $O2) && [ "$l" != "$L" ]; }
tap_ok "the leader's disk hangs under a proposal: another node leads within 20 s" \
	wait_for 20 moved
NL=$(agreed_leader $O1 $O2)
echo "# new leader $NL; stalls counted on $L: $(stalls "$L")"
stalled() { [ "$(stalls "$L")" -ge 1 ]; }
tap_ok "... the old leader counted a disk stall" stalled
tap_ok "... and the new leader commits" propose "$NL" 20 after
dmsetup resume "st$L"
back() { caught_up "$NL" 1 2 3 && ! kill -0 $held 2>/dev/null; }
tap_ok "the disk is back: the old leader catches up, its held proposal ends" \
	wait_for 60 back
cat /tmp/held.out
tap_ok "the module unloads with its groups running" rmmod raftlog
tap_done
