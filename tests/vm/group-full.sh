#!/bin/sh
# rl-test: kernels=debug timeout=400 group=single
# A log that fills up: a single-node group on a 2 MiB device (a
# device-mapper slice of a RAM disk: a ring of 381 blocks).  Proposals the
# ring cannot take get ENOSPC and the group stays up: nothing fails, what
# was committed reads back; compacting the log lets proposals in again,
# round after round until the ring has wrapped; a restart recovers it.
set -u
. ./lib.sh
export DM_DISABLE_UDEV=1	# no udev in the guest: dmsetup makes its nodes
CTL=/sys/kernel/debug/raftlog/control
D=/dev/raftlog1
SMALL=/dev/mapper/rlsmall
SPEC=id=1,node=1,cluster=7,dev=$SMALL,tick_ms=20
st() { rlprobe status $D | sed -n "s/^$1=//p"; }
leads() { [ "$(st role)" = 3 ]; }

tap_plan 9
modprobe_deps
dmsetup create rlsmall --table "0 4096 linear /dev/ram0 0"
raftctl format $SMALL --cluster-id 7 --group 1 --node 1 --force
insmod /lib/raftlog/raftlog.ko
echo "create $SPEC" >$CTL
tap_ok "a single-node group on a 2 MiB device leads" wait_for 20 leads

# fill ROUND: propose 100-byte entries until the log is full; prints how
# many went in, which all must read back
fill() {
	rlprobe propose $D 5000 "r$1" 100 >/tmp/fill.out 2>&1 && return 1
	sed -n 's/.*write \([0-9]*\) .*/\1/p' /tmp/fill.out
}
round() {
	n=$(fill "$1") || { echo "5000 entries fit"; return 1; }
	grep -q "No space left on device" /tmp/fill.out || { cat /tmp/fill.out; return 1; }
	[ "$n" -gt 50 ] || { echo "only $n entries before ENOSPC"; return 1; }
	echo "round $1: $n entries, then ENOSPC" >>/tmp/rounds
	[ $(($(st flags) & 1)) = 0 ] || { echo "group failed"; return 1; }
	rlprobe check $D "r$1" "$n" 100 || return 1
	# the ring is not filled up to its last block: an eighth stays free
	ip=$(st applied)
	echo "compact 1 $ip" >$CTL
}
rm -f /tmp/rounds
tap_ok "round 1: the log fills, proposals get ENOSPC, the group stays up and reads back all it committed; compacted" round 1
tap_ok "a proposal after compaction commits" rlprobe propose $D 1 x 100
tap_ok "round 2: fills and compacts again" round 2
tap_ok "round 3: the ring has wrapped" round 3
cat /tmp/rounds | sed 's/^/# /'
tap_ok "the status shows the ring wrapped (laps)" sh -c "raftctl group show 1 -j | jget 0.storage.ring_laps | grep -qv '^0$'"
rlprobe propose $D 20 z 100
echo "destroy 1" >$CTL
echo "create $SPEC" >$CTL
tap_ok "recreated on the device: it leads again" wait_for 20 leads
tap_ok "and still has the entries after the last compaction" rlprobe check $D z 20 100
echo "destroy 1" >$CTL
rmmod raftlog
tap_ok "module unloaded" sh -c "! test -d /sys/module/raftlog"
dmsetup remove rlsmall
tap_done
