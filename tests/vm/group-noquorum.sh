#!/bin/sh
# rl-test: kernels=debug,stock timeout=300 group=single
# Two groups in one module are independent: group 1 has three voters whose
# two peers never answer (nothing listens on their ports), so it can elect
# no leader and every request fails with a definite errno; group 2, a
# single voter, elects itself and commits meanwhile.  Both tear down
# cleanly with the transport dialing in the background.  Group 2 caches
# only 8 committed entries, so read() takes older ones from the device.
set -eu
. ./lib.sh

G1=/dev/raftlog1
G2=/dev/raftlog2
CTL=/sys/kernel/debug/raftlog/control
S1=id=1,node=1,cluster=7,dev=/dev/ram0,listen=127.0.0.1:7101,peer=2@127.0.0.1:7102,peer=3@127.0.0.1:7103,tick_ms=20
S2=id=2,node=1,cluster=7,dev=/dev/ram1,tick_ms=20,cache=8

status_of() { rlprobe status "$1" | sed -n "s/^$2=//p"; }

wait_leader() {
	i=0
	while [ $i -lt 150 ]; do
		[ "$(status_of "$1" role)" = 3 ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# write one entry; succeed only if it fails with errno $2
write_fails() {
	out=$(printf 'x' 2>&1 | dd of="$1" bs=1 count=1 2>&1) && return 1
	echo "$out"
	echo "$out" | grep -q "$2"
}

tap_plan 9
modprobe -q crc32c_generic 2>/dev/null || true
modprobe_deps
[ -b /dev/ram1 ] || modprobe brd rd_nr=2 rd_size=65536
raftctl format /dev/ram0 --cluster-id 7 --group 1 --node 1 >/dev/null
raftctl format /dev/ram1 --cluster-id 7 --group 2 --node 1 >/dev/null
insmod /lib/raftlog/raftlog.ko groups="$S1;$S2"
tap_ok "two groups, two devices" sh -c "test -c $G1 && test -c $G2"
tap_ok "the single-voter group 2 elects itself" wait_leader $G2
sleep 2
tap_ok "group 1 (3 voters, 2 unreachable) has no leader after 2 s" \
	sh -c "[ $(status_of $G1 leader) = 0 ] && [ $(status_of $G1 role) != 3 ] &&
	       [ $(status_of $G1 voters) = 3 ]"
tap_ok "write() without a leader fails with EAGAIN" \
	write_fails $G1 "Resource temporarily unavailable"
tap_ok "nothing was committed in group 1" sh -c "[ $(status_of $G1 commit) = 0 ]"
tap_ok "group 2 commits while group 1 is stuck; entries beyond its 8-entry cache read back from the device" \
	sh -c "rlprobe propose $G2 50 g2 20 && rlprobe check $G2 g2 50 20"
tap_ok "destroying group 1 while it dials its peers" \
	sh -c "echo 'destroy 1' >$CTL && ! test -e $G1"
tap_ok "group 2 unaffected" sh -c "rlprobe propose $G2 5 more 0 && rlprobe check $G2 more 5"
rmmod raftlog
tap_ok "rmmod with group 2 running" sh -c "! test -d /sys/module/raftlog"
tap_done
