#!/bin/sh
# rl-test: kernels=debug timeout=400 group=single
# A log that fills up: a single-node group on a 2 MiB device (a
# device-mapper slice of a RAM disk: a ring of 381 blocks).  Proposals the
# ring cannot take get ENOSPC and the group stays up: nothing fails, what
# was committed reads back; compacting the log lets proposals in again,
# round after round until the ring has wrapped; a restart recovers it.
# All that with retention off (compact_at=100).  Then retention: with
# "keep 50, compact at 75%" 1500 proposals all commit, the log compacting
# itself as the ring wraps, the newest 50 entries kept; turned off at run
# time (raftctl group set) the ring fills and proposals get ENOSPC, turned
# back on they commit again; a restart recovers the compacted log.
# Last, the record index bounded by the module's index_mem, not by the
# device: retention compacts by it too, and no proposal fails.
set -u
. ./lib.sh
export DM_DISABLE_UDEV=1	# no udev in the guest: dmsetup makes its nodes
CTL=/sys/kernel/debug/raftlog/control
D=/dev/raftlog1
SMALL=/dev/mapper/rlsmall
SPEC=id=1,node=1,cluster=7,dev=$SMALL,tick_ms=20,compact_at=100
st() { rlprobe status $D | sed -n "s/^$1=//p"; }
leads() { [ "$(st role)" = 3 ]; }

tap_plan 17
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

# retention
echo "destroy 1" >$CTL
echo "create ${SPEC%,compact_at=100},retain=50" >$CTL
tap_ok "with retention (keep 50, compact at 75%) it leads" wait_for 20 leads
tap_ok "1500 proposals all commit on a ring of 381 blocks" \
	rlprobe propose $D 1500 k 100
js() { raftctl group show 1 -j | jget "0.$1"; }
kept() {
	f=$(st first) a=$(st applied) n=$(js counters.auto_compactions)
	echo "# first $f applied $a, $n automatic compactions, $(js storage.ring_laps) laps"
	[ "${n:-0}" -gt 0 ] && [ "$f" -gt 1000 ] && [ $((a - f + 1)) -ge 50 ] &&
		[ "$(rlprobe dump $D | wc -l)" = $((a - f + 1)) ]
}
tap_ok "the log compacted itself, keeping at least the newest 50 entries, which read back" kept
says() {
	raftctl group show 1 >/tmp/show.txt
	cat /tmp/show.txt
	grep -q 'retention: keeps 50 applied entries, compacts at 75% of the ring' /tmp/show.txt
}
tap_ok "group show says what retention does" says
raftctl group set 1 compact-at 100
full() {
	rlprobe propose $D 1000 f 100 >/tmp/full.out 2>&1 && return 1
	grep -q "No space left on device" /tmp/full.out
}
tap_ok "retention off at run time: the ring fills, proposals get ENOSPC" full
raftctl group set 1 compact-at 50 retain 20
tap_ok "back on (compact at 50%, keep 20): proposals commit again" \
	wait_for 20 rlprobe propose $D 1 again 100
echo "destroy 1" >$CTL
echo "create ${SPEC%,compact_at=100}" >$CTL
restarted() { wait_for 20 leads && rlprobe dump $D >/dev/null; }
tap_ok "a restart recovers the compacted log" restarted
echo "destroy 1" >$CTL
rmmod raftlog
tap_ok "module unloaded" sh -c "! test -d /sys/module/raftlog"
dmsetup remove rlsmall

# the record index: bounded by index_mem (here its least, 2048 records of
# 56 bytes), not by the 64 MiB device; retention compacts by it as by
# the ring (one-block records: the index fills first)
raftctl format /dev/ram1 --cluster-id 7 --group 1 --node 1 --force >/dev/null
insmod /lib/raftlog/raftlog.ko index_mem=1
echo "create id=1,node=1,cluster=7,dev=/dev/ram1,tick_ms=20,retain=50" >$CTL
indexed() {
	wait_for 20 leads && rlprobe propose $D 2000 i 100 >/dev/null || return 1
	r=$(js storage.records) m=$(js storage.max_records)
	u=$(js storage.used_blocks) b=$(js storage.ring_blocks)
	n=$(js counters.auto_compactions)
	echo "# $r of $m records, $u of $b blocks, $n automatic compactions"
	raftctl group show 1 | grep -q "$r/2048 records" &&
		[ "$m" = 2048 ] && [ "$r" -le "$m" ] && [ $((u * 2)) -lt "$b" ] &&
		[ "$n" -gt 0 ]
}
tap_ok "index_mem bounds the index to 2048 records: 2000 one-record proposals commit, compacted by it, most of the ring free" \
	indexed
echo "destroy 1" >$CTL
rmmod raftlog
tap_done
