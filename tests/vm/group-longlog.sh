#!/bin/sh
# rl-test: kernels=debug timeout=900 group=cluster
# A long log: a single-node group on a RAM disk that caches only 256
# committed entries gets two entries larger than read()'s bounce buffer,
# then 60,000 entries (io_uring, raftlog-bench), then
# one read() loop from index 1 returns every one of them in order, almost
# all read back from the device (rlprobe check with a 256 KiB buffer, and
# rlcheck dump with the campaign's 1 MiB one): before, such a read never
# slept and the soft-lockup detector panicked the guest; then teardown
# (the core's log freed in steps).  Then the other long loops over a
# whole log, on a second group of 20,000 entries: a restart (recovery
# reads every record back but keeps only what follows the durable commit:
# the log reads back from the device), then 20,000 more entries with a
# cache as large as them, a compaction that drops half of that cache, and
# teardown with the other half; the debug kernel panics on any soft
# lockup.
set -u
. ./lib.sh

D=/dev/raftlog1
CTL=/sys/kernel/debug/raftlog/control
DISK=/dev/ram0
N=60000
# larger than read()'s 128 KiB bounce buffer, smaller than rlprobe's reads
BIG=204800
SPEC=id=1,node=1,cluster=7,dev=$DISK,tick_ms=20,max_entry=262144
st() { rlprobe status $D | sed -n "s/^$1=//p"; }
leads() { [ "$(st role)" = 3 ]; }
log() { echo "# [$(now)] $*"; }

# readall: one read() loop over the whole log, at least N records, the
# two big entries among them
readall() {
	rlprobe check $D big 2 $BIG >/tmp/check.out || { cat /tmp/check.out; return 1; }
	cat /tmp/check.out
	grep -q "^records=" /tmp/check.out &&
		[ "$(sed -n 's/^records=\([0-9]*\).*/\1/p' /tmp/check.out)" -ge $N ]
}

tap_plan 11
modprobe_deps
raftctl format $DISK --cluster-id 7 --group 1 --node 1 --force >/dev/null
insmod /lib/raftlog/raftlog.ko
echo "create $SPEC,cache=256" >$CTL
tap_ok "a single-node group caching 256 entries leads" wait_for 20 leads
tap_ok "two entries of $BIG bytes first" rlprobe propose $D 2 big $BIG
log "loading $N entries"
tap_ok "$N entries of 16 bytes through io_uring, 1024 in flight" \
	raftlog-bench -d $D -m uring -q 1024 -s 16 -t 3600 -n $N
log "loaded: applied $(st applied); reading"
tap_ok "one read() loop from index 1 returns all of them in order (256 KiB reads)" \
	readall
log "read; dumping"
tap_ok "rlcheck dump reads the whole log (1 MiB reads)" sh -c \
	"rlcheck dump $D /tmp/log1 && [ \$(wc -l </tmp/log1) -ge $N ]"
log "dumped"
log "destroying with $(st applied) entries in the log"
echo "destroy 1" >$CTL
log "destroyed"
tap_ok "teardown of a group with the whole log in memory" sh -c "! test -e $D"

# the other loops on a second group: a restart, then a cache as large
# as what follows it
SPEC=id=1,node=1,cluster=7,dev=/dev/ram1,tick_ms=20,cache=131072
raftctl format /dev/ram1 --cluster-id 7 --group 1 --node 1 --force >/dev/null
echo "create $SPEC" >$CTL
wait_for 20 leads
M=20000
raftlog-bench -d $D -m uring -q 1024 -s 16 -t 3600 -n $M >/dev/null
last=$(st applied)
echo "destroy 1" >$CTL
log "$last entries; restarting with a cache as large as the log"
echo "create $SPEC" >$CTL
tap_ok "restarted on its $last entries: leads again" wait_for 300 leads
log "restarted; reading from the device"
# (the restarted leader appended its no-op: one record more)
tap_ok "the whole log reads back, in order" sh -c \
	"n=\$(rlprobe check $D none 0 | sed -n 's/^records=\([0-9]*\).*/\1/p') &&
	 echo \"records=\$n\" && [ \"\$n\" -gt $last ]"
raftlog-bench -d $D -m uring -q 1024 -s 16 -t 3600 -n $M >/dev/null
half=$(($(st applied) - M / 2))
log "$M more entries cached; compacting up to $half"
tap_ok "a compaction up to $half drops half of the cached entries" sh -c \
	"echo 'compact 1 $half' >$CTL && rlprobe status $D | grep -qx first=$((half + 1))"
log "compacted; destroying with the rest cached"
echo "destroy 1" >$CTL
log "destroyed"
tap_ok "teardown with the rest of the log cached" sh -c "! test -e $D"
rmmod raftlog
tap_ok "module unloaded" sh -c "! test -d /sys/module/raftlog"
tap_done
