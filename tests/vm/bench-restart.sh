#!/bin/sh
# Figures, not a test (no rl-test header): how long a node with a long
# log takes to restart.  A single-node group on a raw virtio disk, with
# retention off, gets N entries (raftlog-bench, io_uring), then is
# destroyed and created again on its device: the time from create to
# leading again, and the memory the restart took (slab and vmalloc
# before and after, the core's peak in-memory log).  Run it by hand on
# the bench kernel with one disk image on the host:
#   set -- $(scripts/prepare-guest.sh bench | tail -1)
#   truncate -s 2G /var/tmp/rl1.img
#   RAFTLOG_QEMU_EXTRA="-drive file=/var/tmp/rl1.img,format=raw,if=virtio" \
#   scripts/run-vm.sh -k "$1" -i "$2" -t 3600 bench-restart.sh n=2000000
# rlargs: n=ENTRIES (2000000), size=BYTES (256), depth=N (1024)
set -u
. ./lib.sh
n=2000000 size=256 depth=1024
for a in "$@"; do
	case $a in
	n=*) n=${a#n=} ;;
	size=*) size=${a#size=} ;;
	depth=*) depth=${a#depth=} ;;
	esac
done
DISK=/dev/vda
[ -b $DISK ] || { echo "# no $DISK: attach a disk (see the header)"; exit 1; }
CTL=/sys/kernel/debug/raftlog/control
D=/dev/raftlog1
SPEC="id=1,node=1,cluster=7,dev=$DISK,compact_at=100"
st() { rlprobe status $D | sed -n "s/^$1=//p"; }
leads() { [ "$(st role)" = 3 ]; }
meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }

modprobe_deps
raftctl format $DISK --cluster-id 7 --group 1 --node 1 --force >/dev/null || exit 1
insmod /lib/raftlog/raftlog.ko || exit 1
echo "create $SPEC" >$CTL
wait_for 30 leads || { echo "# no leader"; exit 1; }
t0=$(ms)
raftlog-bench -d $D -m uring -q "$depth" -s "$size" -n "$n" -t 36000 |
	sed 's/^/# load: /'
echo "# loaded $(st applied) entries in $((($(ms) - t0) / 1000)) s; $(raftctl group show 1 -j | jget 0.storage.used_blocks) blocks used"
echo "destroy 1" >$CTL
sync
echo 3 >/proc/sys/vm/drop_caches
s0=$(meminfo Slab) v0=$(meminfo VmallocUsed)
t0=$(ms)
echo "create $SPEC" >$CTL
t1=$(ms)
wait_for 600 leads || { echo "# did not lead again"; exit 1; }
t2=$(ms)
echo "# restart: create returned after $((t1 - t0)) ms, leading after $((t2 - t0)) ms"
echo "# memory: slab $s0 -> $(meminfo Slab) kB, vmalloc $v0 -> $(meminfo VmallocUsed) kB, the core's peak in-memory log $(raftctl group show 1 -j | jget 0.counters.log_mem_peak) bytes"
echo "# log after restart: first $(st first) applied $(st applied) last $(st last)"
echo "destroy 1" >$CTL
rmmod raftlog
