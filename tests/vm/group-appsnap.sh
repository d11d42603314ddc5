#!/bin/sh
# rl-test: kernels=debug timeout=480 group=cluster
# Application snapshots (RAFTLOG_IOC_SNAPSHOT through libraftlog's
# raftlog_snapshot_save, and RAFTLOG_URING_SNAPSHOT through its ring;
# tests/vm/tools/rlappsnap.c).  Three nodes in
# three network namespaces run group 1; the leader's application saves a
# 5,000,003-byte snapshot (more than kmalloc gives) at an applied index X:
#  - the leader's log is compacted up to X, and a new reader there gets
#    the snapshot first, byte for byte, then the entries after X;
#  - a read-only file is refused (EBADF), more than 64 MiB (EFBIG), an
#    index not newer (EALREADY) or not applied (EINVAL), more than the
#    device's snapshot area holds (ENOSPC);
#  - neither an operator (raftctl compact: EBUSY with a message) nor
#    retention (compact-at 10%, retain 1, 340 entries, 8 MiB) compacts
#    past X;
#  - node 4, added after the compaction, gets the snapshot through
#    InstallSnapshot, and its reader gets it first, byte for byte, then
#    the entries after X; a follower that saved none has no snapshot;
#  - node 4's raftctl group show lists every memory user of the group
#    within its bound (the snapshot it installed not among what it holds)
#    and the bounds the module parameters set (cache_mem, queue_mem at
#    its least);
#  - memory stays bounded by a chunk while node 4 receives the snapshot:
#    the guest's vmalloc (where anything of several MiB goes), sampled
#    every 50 ms from before it is added until the snapshot is installed,
#    never grows by half the snapshot's size (it is staged on the device
#    chunk by chunk, the leader sends it from its device, and readers
#    read it from there: nobody holds it whole; slab is only printed:
#    KASAN's quarantine and kmemleak make it noisy);
#  - the leader restarts from its device with the snapshot: its readers
#    get it again;
#  - through io_uring (RAFTLOG_URING_SNAPSHOT, raftlog_ring_snapshot) the
#    same refusals hold, and a save there compacts and reads back.
# Unloading with the group running leaves KASAN/kmemleak/lockdep silent.
set -u
. ./lib.sh

CTL=$(rl_debugfs raftlog/control)
SIZE=5000003
addr() { echo "10.79.0.$1:7000"; }
dev() { echo "/dev/raftlog1.$1"; }
st() { rlprobe status "$(dev "$1")" | sed -n "s/^$2=//p"; }
ctl() { ip netns exec n$1 rlprobe ctl $CTL "$2" "$3"; }
create() { ip netns exec n$1 sh -c "echo 'create $2' > $CTL"; }
destroy() { ip netns exec n$1 sh -c "echo 'destroy 1' > $CTL"; }
spec() { n=$1; shift; rl_spec "$n" "/dev/ram$((n - 1))" ",max_entry=262144" "$@"; }
counter() {
	ip netns exec n$1 raftctl group show 1 -j | jget "0.counters.$2"
}
others() { for o in 1 2 3; do [ "$o" = "$1" ] || echo "$o"; done; }
save() { rlappsnap save "$(dev "$1")" "$2" "$3" 7 "${4:-0}" ${5:-}; }
# reads NODE N: a new reader of NODE gets the snapshot at X, then N entries
reads() { rlappsnap read "$(dev "$1")" "$X" $SIZE 7 "$2"; }

tap_plan 19
modprobe_deps
[ -b /dev/ram0 ] || modprobe brd rd_nr=4 rd_size=65536
[ -b /dev/ram3 ] || mknod /dev/ram3 b 1 3
for n in 1 2 3 4; do
	raftctl format /dev/ram$((n - 1)) --cluster-id 7 --group 1 --node $n \
		>/dev/null || exit 1
done
# small memory bounds: readers read from the device, queues at their least;
# no quiescing: a quiet group releases its write pipeline's buffers and
# takes them again when it wakes, which the vmalloc check below would see
insmod /lib/raftlog/raftlog.ko cache_mem=1048576 queue_mem=1 quiesce=0 ||
	exit 1
rl_netns_bridge 10.79.0 1 2 3 4

create 1 "$(spec 1 2 3)"
create 2 "$(spec 2 1 3)"
create 3 "$(spec 3 1 2)"
tap_ok "three nodes elect one leader" wait_for 60 agreed_leader 1 2 3
L=$(agreed_leader 1 2 3)
A=1
[ "$L" = 1 ] && A=2
echo "# leader $L, follower $A"
rlprobe propose "$(dev "$L")" 20 a 100 >/dev/null
X=$(st "$L" applied)
tap_ok "the leader's application saves $SIZE bytes at $X" save "$L" "$X" $SIZE
tap_ok "its log is compacted up to $X" test "$(st "$L" first)" = $((X + 1))

refusals() {
	save "$L" "$X" 100 EBADF ro &&
		save "$L" "$X" $((64 * 1024 * 1024 + 1)) EFBIG &&
		save "$L" "$X" 100 EALREADY &&
		save "$L" $((X - 1)) 100 EALREADY &&
		save "$L" $((X + 1000)) 100 EINVAL &&
		save "$L" 0 100 EINVAL &&
		rlprobe propose "$(dev "$L")" 5 b 100 &&
		save "$L" "$(st "$L" applied)" $((12 * 1024 * 1024)) ENOSPC &&
		test "$(st "$L" first)" = $((X + 1))
}
tap_ok "refused: EBADF, EFBIG, EALREADY, EINVAL, ENOSPC; nothing compacted" \
	refusals
tap_ok "a new reader gets the snapshot, byte for byte, then 5 entries" \
	reads "$L" 5

busy() {
	out=$(ip netns exec n$L raftctl compact 1 upto "$(st "$L" applied)" 2>&1)
	echo "$out"
	case "$out" in
	*"application's snapshot"*) test "$(st "$L" first)" = $((X + 1)) ;;
	*) return 1 ;;
	esac
}
tap_ok "raftctl compact past the snapshot: EBUSY, said why" busy
storage() {
	ip netns exec n$1 raftctl group show 1 -j | jget "0.storage.$2"
}
# more than retention's step (256 entries) and 8 MiB of the ring: well
# past compact-at, so retention would compact but for the snapshot
retained() {
	ip netns exec n$L raftctl group set 1 compact-at 10 retain 1 &&
		rlprobe propose "$(dev "$L")" 300 c 100 &&
		rlprobe propose "$(dev "$L")" 40 d 200000 &&
		sleep 2 &&
		used=$(storage "$L" used_blocks) &&
		ring=$(storage "$L" ring_blocks) &&
		echo "# ring: $used of $ring blocks used" &&
		test $((used * 100 / ring)) -ge 12 &&
		test "$(counter "$L" auto_compactions)" = 0 &&
		test "$(st "$L" first)" = $((X + 1))
}
tap_ok "retention (compact-at 10, retain 1) keeps the entries after $X" \
	retained
N=$(($(st "$L" applied) - X))

create 4 "$(spec 4 join 1 2 3)"
# kB of vmalloc (or slab) in use
mem() { awk "/^${1:-VmallocUsed}:/ { print \$2 }" /proc/meminfo; }
installed() { dmesg | grep -q "group 1: node 4 installed a snapshot at $X "; }
sleep 1
M0=$(mem)
S0=$(mem Slab)
# the most in use, sampled until the snapshot is installed
(
	peak=$M0
	until installed; do
		m=$(mem)
		[ "$m" -gt "$peak" ] && peak=$m
		echo "$peak" >/tmp/peak
		sleep 0.05
	done
	m=$(mem)
	[ "$m" -gt "$peak" ] && peak=$m
	echo "$peak" >/tmp/peak
) &
SAMPLER=$!
grow() {
	ctl "$L" 0 "member add 1 4@$(addr 4)" &&
		wait_for 60 caught_up "$L" 4
}
tap_ok "node 4 is added after the compaction and catches up" grow
wait "$SAMPLER"
GROW=$(($(cat /tmp/peak) - M0))
# node 4's write pipeline allocates its record buffers at its first write
PIPE=$(($(ip netns exec n4 raftctl group show 1 -j | jget 0.memory.pipeline.limit) / 1024))
echo "# vmalloc: +$GROW kB at most while node 4 received the $SIZE-byte snapshot, its pipeline's $PIPE kB included (slab $S0 -> $(mem Slab) kB)"
tap_ok "memory stays well under the snapshot's size while it is received" \
	test "$GROW" -lt $((SIZE / 2048 + PIPE))
tap_ok "node 4 installed the snapshot at $X" \
	sh -c "dmesg | grep -q 'group 1: node 4 installed a snapshot at $X '"
tap_ok "node 4's reader gets it byte for byte, then the $N entries after" \
	reads 4 "$N"
# every memory user is listed, within its bound; the snapshot is not held
mem_listed() {
	j=$(ip netns exec n$1 raftctl group show 1 -j) || return 1
	for u in log cache recv send window pipeline index snapshot; do
		used=$(echo "$j" | jget "0.memory.$u.used") || return 1
		lim=$(echo "$j" | jget "0.memory.$u.limit") || return 1
		echo "# node $1 memory $u $used of $lim"
		[ "$lim" -gt 0 ] && [ "$used" -le "$lim" ] || return 1
	done
	[ "$(echo "$j" | jget 0.memory.snapshot.used)" -lt $SIZE ] &&
		[ "$(echo "$j" | jget 0.memory.send.limit)" = $((3 << 23)) ] &&
		[ "$(echo "$j" | jget 0.memory.cache.limit)" = 1048576 ] &&
		ip netns exec n$1 raftctl group show 1 |
		grep -q '^  memory .* of at most .* log .*/'
}
tap_ok "node 4's group show lists each memory user and its bound" \
	mem_listed 4
tap_ok "a follower whose application saved none has no snapshot" \
	rlappsnap none "$(dev "$A")"

destroy "$L"
tap_ok "the others elect a leader without $L" \
	wait_for 60 agreed_leader $(others "$L")
create "$L" "$(spec "$L" $(others "$L"))"
tap_ok "node $L restarts from its device and catches up" \
	wait_for 60 caught_up "$A" "$L"
tap_ok "its reader gets the snapshot again, then the $N entries after" \
	reads "$L" "$N"

# the same through io_uring (RAFTLOG_URING_SNAPSHOT), on the restarted node
uring_refusals() {
	save "$L" "$(st "$L" applied)" 100 EBADF ro-uring &&
		save "$L" "$X" 100 EALREADY uring &&
		save "$L" 0 100 EINVAL uring
}
tap_ok "io_uring: refused on a read-only file (EBADF), at $X (EALREADY), at 0 (EINVAL)" \
	uring_refusals
Y=$(st "$L" applied)
uring_save() {
	save "$L" "$Y" 300000 0 uring &&
		test "$(st "$L" first)" = $((Y + 1)) &&
		rlappsnap read "$(dev "$L")" "$Y" 300000 7 0
}
tap_ok "io_uring: node $L's application saves 300,000 bytes at $Y; compacted there, read back" \
	uring_save

tap_ok "unload with the group running" rmmod raftlog
tap_done
