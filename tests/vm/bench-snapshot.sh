#!/bin/sh
# Figures, not a test (no rl-test header): a 64 MiB application snapshot
# on its way to a new member.  Three nodes in network namespaces run group
# 1 on raw virtio disks; each node's application saves 64 MiB of state
# (RAFTLOG_IOC_SNAPSHOT) at the same index after some entries, which
# compacts the logs; then a fourth node joins and is brought up to date
# through InstallSnapshot.  Printed: the saves' time, whether they cost
# an election, the time from "member add" to the new node
# having applied the leader's commit, the time its reader takes to read
# the snapshot back (checked byte for byte), and the guest's slab and
# vmalloc before and after (and vmalloc once node 4's group exists,
# before the snapshot).  Run it by hand on the bench kernel with four
# disk images on the host:
#   set -- $(scripts/prepare-guest.sh bench | tail -1)
#   for i in 1 2 3 4; do truncate -s 1G /var/tmp/rs$i.img; done
#   RAFTLOG_QEMU_EXTRA="-drive file=/var/tmp/rs1.img,format=raw,if=virtio
#     -drive file=/var/tmp/rs2.img,format=raw,if=virtio
#     -drive file=/var/tmp/rs3.img,format=raw,if=virtio
#     -drive file=/var/tmp/rs4.img,format=raw,if=virtio" \
#   scripts/run-vm.sh -k "$1" -i "$2" -t 1800 bench-snapshot.sh
# rlargs: size=BYTES (67108864), entries=N (2000, before the snapshot)
set -u
. ./lib.sh

size=67108864 entries=2000
for a in "$@"; do
	case $a in
	size=*) size=${a#size=} ;;
	entries=*) entries=${a#entries=} ;;
	esac
done
for d in vda vdb vdc vdd; do
	[ -b /dev/$d ] || { echo "# no /dev/$d: attach four disks (see the header)"; exit 1; }
done
CTL=$(rl_debugfs raftlog/control)
addr() { echo "10.79.0.$1:7000"; }
dev() { echo "/dev/raftlog1.$1"; }
disk() { echo "/dev/vd$(echo "$1" | tr 1234 abcd)"; }
st() { rlprobe status "$(dev "$1")" | sed -n "s/^$2=//p"; }
create() { ip netns exec n$1 sh -c "echo 'create $2' > $CTL"; }
spec() { n=$1; shift; rl_spec "$n" "$(disk "$n")" "" "$@"; }
meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }

modprobe_deps
for n in 1 2 3 4; do
	raftctl format "$(disk "$n")" --cluster-id 7 --group 1 --node $n \
		--force >/dev/null || exit 1
done
insmod /lib/raftlog/raftlog.ko || exit 1
rl_netns_bridge 10.79.0 1 2 3 4
create 1 "$(spec 1 2 3)"
create 2 "$(spec 2 1 3)"
create 3 "$(spec 3 1 2)"
wait_for 60 agreed_leader 1 2 3 >/dev/null || { echo "# no leader"; exit 1; }
L=$(agreed_leader 1 2 3)
echo "# kernel $(uname -r), $(nproc) CPUs; leader node $L; snapshot of $size bytes after $entries entries"
raftlog-bench -d "$(dev "$L")" -m uring -q 64 -s 256 -n "$entries" >/dev/null ||
	{ echo "# proposals failed"; exit 1; }
X=$(st "$L" applied)
T=$(st "$L" term)
wait_for 60 caught_up "$L" 1 2 3 || { echo "# not caught up"; exit 1; }
# every node's application saves its state at X (as rlkv's do): whichever
# node leads next has compacted, and sends the snapshot
t0=$(ms)
pids=
for n in 1 2 3; do
	rlappsnap save "$(dev "$n")" "$X" "$size" 7 >/dev/null &
	pids="$pids $!"
done
fails=0
for p in $pids; do
	wait "$p" || fails=$((fails + 1))
done
[ "$fails" = 0 ] || { echo "# $fails saves failed"; exit 1; }
echo "# the three applications saved $size bytes at $X in $(($(ms) - t0)) ms (at once); logs first $(st 1 first) $(st 2 first) $(st 3 first)"
wait_for 60 agreed_leader 1 2 3 >/dev/null || { echo "# no leader after the save"; exit 1; }
L=$(agreed_leader 1 2 3)
echo "# after the save: leader node $L, term $(st "$L" term) (was $T)"
sync
s0=$(meminfo Slab) v0=$(meminfo VmallocUsed)
create 4 "$(spec 4 join 1 2 3)"
# node 4's group itself (its record index, buffers), before any snapshot
sleep 1
v1=$(meminfo VmallocUsed)
t0=$(ms)
if ! ip netns exec n$L rlprobe ctl "$CTL" 0 "member add 1 4@$(addr 4)" \
	>/tmp/add.out 2>&1; then
	sed 's/^/# /' /tmp/add.out
	echo "# member add failed"
	exit 1
fi
wait_for 600 caught_up "$L" 4 || { echo "# node 4 did not catch up"; exit 1; }
t1=$(ms)
echo "# node 4 added and caught up (snapshot installed, applied $(st 4 applied)) in $((t1 - t0)) ms: $(awk -v b="$size" -v t="$((t1 - t0))" 'BEGIN { printf "%.1f", b / 1048576 / (t / 1000) }') MiB/s"
dmesg | grep "node 4 installed a snapshot" | tail -1 | sed 's/^/# /'
t0=$(ms)
rlappsnap read "$(dev 4)" "$X" "$size" 7 0 >/dev/null || { echo "# node 4's reader failed"; exit 1; }
echo "# node 4's reader read the $size-byte snapshot back, byte for byte, in $(($(ms) - t0)) ms"
echo "# memory: slab $s0 -> $(meminfo Slab) kB, vmalloc $v0 -> $(meminfo VmallocUsed) kB ($v1 kB once node 4's group was created, before the snapshot)"
for n in 1 2 3 4; do
	ip netns exec n$n sh -c "echo 'destroy 1' > $CTL"
done
rmmod raftlog
