#!/bin/sh
# rl-test: kernels=debug timeout=900
# A long log: a single-node group on a RAM disk that caches only 256
# committed entries gets 100,000 entries (io_uring, raftlog-bench), then
# one read() loop from index 1 returns every one of them in order, almost
# all read back from the device (rlprobe check with a 256 KiB buffer, and
# rlcheck dump with the campaign's 1 MiB one): before, such a read never
# slept and the soft-lockup detector panicked the guest.  Then the other
# long loops over the whole log: a restart with a cache as large as the
# log (recovery, the core's boot copy freed, the whole log published to
# readers at once), a compaction that drops half of that cache, and
# teardown with the other half; the debug kernel panics on any soft
# lockup.
set -u
. ./lib.sh

D=/dev/raftlog1
CTL=/sys/kernel/debug/raftlog/control
DISK=/dev/ram0
N=100000
SPEC=id=1,node=1,cluster=7,dev=$DISK,tick_ms=20
st() { rlprobe status $D | sed -n "s/^$1=//p"; }
leads() { [ "$(st role)" = 3 ]; }
log() { echo "# [$(now)] $*"; }

# readall: one read() loop over the whole log, at least N records
readall() {
	rlprobe check $D none 0 >/tmp/check.out || { cat /tmp/check.out; return 1; }
	cat /tmp/check.out
	grep -q "^records=" /tmp/check.out &&
		[ "$(sed -n 's/^records=\([0-9]*\).*/\1/p' /tmp/check.out)" -ge $N ]
}

tap_plan 9
modprobe_deps
raftctl format $DISK --cluster-id 7 --group 1 --node 1 --force >/dev/null
insmod /lib/raftlog/raftlog.ko
echo "create $SPEC,cache=256" >$CTL
tap_ok "a single-node group caching 256 entries leads" wait_for 20 leads
log "loading $N entries"
tap_ok "$N entries of 16 bytes through io_uring, 256 in flight" \
	raftlog-bench -d $D -m uring -q 256 -s 16 -t 3600 -n $N
log "loaded: applied $(st applied); reading"
tap_ok "one read() loop from index 1 returns all of them in order (256 KiB reads)" \
	readall
log "read; dumping"
tap_ok "rlcheck dump reads the whole log (1 MiB reads)" sh -c \
	"rlcheck dump $D /tmp/log1 && [ \$(wc -l </tmp/log1) -ge $N ]"
log "dumped"
last=$(st applied)
half=$((last / 2))

log "destroying"
echo "destroy 1" >$CTL
log "destroyed; restarting with a cache as large as the log"
echo "create $SPEC,cache=131072" >$CTL
tap_ok "restarted with cache=131072 (recovery publishes all $last entries at once): leads again" \
	wait_for 300 leads
log "restarted; reading from the cache"
tap_ok "the whole log reads back from the cache, in order" readall
log "read; compacting up to $half"
tap_ok "a compaction drops the first $half cached entries" sh -c \
	"echo 'compact 1 $half' >$CTL && rlprobe status $D | grep -qx first=$((half + 1))"
log "compacted; destroying with the rest cached"
echo "destroy 1" >$CTL
log "destroyed"
tap_ok "teardown with the rest of the log cached" sh -c "! test -e $D"
rmmod raftlog
tap_ok "module unloaded" sh -c "! test -d /sys/module/raftlog"
tap_done
