#!/bin/sh
# rl-test: kernels=stock timeout=120 group=single
# What a local user makes the kernel hold through /dev/raftlog<N> is
# charged to its memory cgroup (the debug kernel has no CONFIG_MEMCG: this
# runs on the stock one).  Two single-voter groups on device-mapper
# linear devices over RAM disks; a device suspended (its writes held)
# leaves its group unable to commit, so requests stay pending.  The
# processes run in a child cgroup "rlm" (memory controller on); its
# memory.stat (slab_unreclaimable) and memory.current are read:
#  - group 1 (max_pending=1): writers of an entry of the largest size
#    the group takes (max_entry, up to 1 MiB), enough for 8 MiB; one
#    proposal is pending, the others wait for room holding their
#    payload copies: slab_unreclaimable grows by at least their bytes,
#    and drops by as much once the device resumes and the writes end;
#  - group 2 (max_pending=4096): raftlog-bench keeps 4096 io_uring
#    proposals in flight: slab_unreclaimable grows by at least what
#    io_uring itself charges for them (an io_kiocb each) plus 128 bytes
#    for each request of ours (a struct rl_req is larger);
#  - a 5,000,003-byte application snapshot saved from the cgroup is
#    charged to it while it is taken, and no longer once the saving
#    process has exited: the group keeps it on its device only (its
#    readers read it from there), and so does it a later one saved from
#    outside.
set -eu
. ./lib.sh

D1=/dev/raftlog1
D2=/dev/raftlog2
CG=/sys/fs/cgroup
MB=1048576
N=4096
SNAP=5000003

st() { rlprobe status "$1" | sed -n "s/^$2=//p"; }
slab() { sed -n 's/^slab_unreclaimable //p' $CG/rlm/memory.stat; }
cur() { cat $CG/rlm/memory.current; }
# incg CMD...: run CMD in the cgroup rlm
incg() { sh -c 'echo $$ >'"$CG/rlm/cgroup.procs"' && exec "$@"' sh "$@"; }
# memory.stat is flushed every 2 s: wait for a fresh one
settle() { sleep 3; }
note() { echo "# $*"; }

tap_plan 12
rl_need ram=2 dm
for n in 1 2; do
	sz=$(blockdev --getsz /dev/ram$((n - 1)))
	DM_DISABLE_UDEV=1 dmsetup create "rlmc$n" \
		--table "0 $sz linear /dev/ram$((n - 1)) 0" || exit 1
	[ -b "/dev/mapper/rlmc$n" ] || dmsetup mknodes "rlmc$n"
	raftctl format "/dev/mapper/rlmc$n" --cluster-id 7 --group $n \
		--node 1 >/dev/null || exit 1
done
grep -q " $CG cgroup2 " /proc/mounts || mount -t cgroup2 none $CG
echo +memory >$CG/cgroup.subtree_control
mkdir -p $CG/rlm
tap_ok "cgroup2 with the memory controller, a child cgroup" \
	test -f $CG/rlm/memory.stat
insmod /lib/raftlog/raftlog.ko groups="id=1,node=1,cluster=7,dev=/dev/mapper/rlmc1,tick_ms=20,max_pending=1,max_entry=$MB;id=2,node=1,cluster=7,dev=/dev/mapper/rlmc2,tick_ms=20,max_pending=$N"
leader() { [ "$(st "$1" role)" = 3 ]; }
up() {
	wait_for 15 leader $D1 && wait_for 15 leader $D2 &&
		rlprobe propose $D1 3 pre 0 && rlprobe propose $D2 3 pre 0
}
tap_ok "both groups elect themselves and commit" up

# --- blocked writers holding their payloads ------------------------------
# grown BASE BYTES: slab_unreclaimable is at least BASE + BYTES
grown() { [ "$(slab)" -ge $(($1 + $2)) ]; }
# shrunk PEAK BYTES: slab_unreclaimable is at most PEAK - BYTES
shrunk() { [ "$(slab)" -le $(($1 - $2)) ]; }

S=$(st $D1 max_entry)
K=$((8 * MB / S + 1))
H=$(((K - 1) * S))
settle
b0=$(slab)
note "rlm idle: slab_unreclaimable $b0, memory.current $(cur)"
dmsetup suspend --noflush rlmc1
pids=""
for _ in $(seq $K); do
	incg dd if=/dev/zero of=$D1 bs="$S" count=1 2>/dev/null &
	pids="$pids $!"
done
tap_ok "$K writers of $S bytes, disk held: one proposal pending, the others wait" \
	wait_for 20 sh -c "[ \$(rlprobe status $D1 | sed -n 's/^pending=//p') = 1 ] &&
		[ \$(cat $CG/rlm/cgroup.procs | wc -l) = $K ]"
tap_ok "the cgroup's slab_unreclaimable grew by the $((K - 1)) payloads waiting (>= $H bytes)" \
	wait_for 20 grown "$b0" $H
settle
b1=$(slab)
note "held: slab_unreclaimable $b1 (+$((b1 - b0))), memory.current $(cur)"
dmsetup resume rlmc1
ok=0
for p in $pids; do
	wait "$p" || ok=1
done
tap_ok "the disk back, every write commits" test $ok = 0
tap_ok "the charge is gone with them (>= $H bytes less)" \
	wait_for 20 shrunk "$b1" $H
note "after: slab_unreclaimable $(slab), memory.current $(cur)"

# --- io_uring proposals in flight ------------------------------------------
kiocb=$(cat /sys/kernel/slab/io_kiocb/slab_size 2>/dev/null || echo 256)
settle
b0=$(slab)
dmsetup suspend --noflush rlmc2
incg raftlog-bench -d $D2 -m uring -q $N -s 16 -n $N -t 60 >/tmp/memcg-bench.out 2>&1 &
bench=$!
tap_ok "$N io_uring proposals pending on the held disk" \
	wait_for 30 sh -c "[ \$(rlprobe status $D2 | sed -n 's/^pending=//p') = $N ]"
settle
b1=$(slab)
note "io_kiocb slab_size $kiocb; slab_unreclaimable $b0 -> $b1 (+$((b1 - b0)), $(((b1 - b0) / N)) per proposal), memory.current $(cur)"
tap_ok "slab_unreclaimable grew by >= $N x ($kiocb io_uring + 128 ours)" \
	grown "$b0" $((N * (kiocb + 128)))
dmsetup resume rlmc2
benchdone() { wait "$bench" || { cat /tmp/memcg-bench.out; return 1; }; }
tap_ok "the disk back, the bench's proposals all commit" benchdone

# --- an application snapshot saved from the cgroup -------------------------
settle
c0=$(cur)
x=$(st $D2 applied)
tap_ok "a $SNAP-byte snapshot at $x saved from the cgroup" \
	incg rlappsnap save $D2 "$x" $SNAP 7
settle
c1=$(cur)
note "memory.current $c0 -> $c1 (+$((c1 - c0))) after the saver exited"
tap_ok "none of its bytes stay charged to the cgroup after the saver exited (< $SNAP / 2): the group keeps them on its device" \
	test "$c1" -lt $((c0 + SNAP / 2))
rlprobe propose $D2 2 post 0
x=$(st $D2 applied)
rlappsnap save $D2 "$x" 100 8
tap_ok "a later snapshot saved from outside replaces it: nothing charged to the cgroup" \
	wait_for 20 sh -c "[ \$(cat $CG/rlm/memory.current) -lt $((c0 + SNAP / 2)) ]"
note "memory.current $(cur)"
rmmod raftlog
for n in 1 2; do dmsetup remove "rlmc$n"; done
rmdir $CG/rlm
tap_done
