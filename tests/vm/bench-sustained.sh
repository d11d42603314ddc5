#!/bin/sh
# Figures, not a test (no rl-test header): a 3-node group under sustained
# load on raw virtio disks with retention on (no manual compaction), one
# raftlog-bench run a minute, printing per minute its throughput,
# latency and failures, the guest's slab and vmalloc use, the leader's
# ring use, laps and automatic compactions and its in-memory log.  A
# follower is cut off for a while in the middle and comes back; its
# catch-up time and the commit rate meanwhile are printed.  First the
# device floor in the same guest: an O_DIRECT write of the entry size
# (at least 4 KiB) + fdatasync on one disk, then on the three at once
# (raftlog-bench -m floor), with the bandwidths of both.
# Run it by hand on the bench kernel, with three disk images on the host:
#   set -- $(scripts/prepare-guest.sh bench | tail -1)
#   for i in 1 2 3; do truncate -s 512M /var/tmp/rl$i.img; done
#   RAFTLOG_QEMU_EXTRA="-drive file=/var/tmp/rl1.img,format=raw,if=virtio
#     -drive file=/var/tmp/rl2.img,format=raw,if=virtio
#     -drive file=/var/tmp/rl3.img,format=raw,if=virtio" \
#   scripts/run-vm.sh -k "$1" -i "$2" -t 1800 bench-sustained.sh \
#     minutes=10 cut=4 back=6
# rlargs: minutes=N (runs of 60 s), size=BYTES (256), depth=N (1024),
# retain=N (entries retention keeps, default the module's), cut=M and
# back=M (minutes at which a follower's link goes down and up again;
# cut=0: none), secs=N (seconds per run, 60).
set -u
. ./lib.sh
minutes=10 size=256 depth=1024 retain="" cut=4 back=6 secs=60
for a in "$@"; do
	case $a in
	minutes=*) minutes=${a#minutes=} ;;
	size=*) size=${a#size=} ;;
	depth=*) depth=${a#depth=} ;;
	retain=*) retain=${a#retain=} ;;
	cut=*) cut=${a#cut=} ;;
	back=*) back=${a#back=} ;;
	secs=*) secs=${a#secs=} ;;
	esac
done
DISKS="vda vdb vdc"
for d in $DISKS; do
	[ -b /dev/$d ] || { echo "# no /dev/$d: attach three disks (see the header)"; exit 1; }
done
echo "# kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs; disks: $(for d in $DISKS; do echo "$d $(($(cat /sys/block/$d/size) / 2048)) MiB"; done | tr "\n" " ")"

# figure LINE FILE: "ops/s p50 p99" of a raftlog-bench text output
figure() {
	awk '/throughput:/ { ops = $2 } /latency us:/ { p50 = $6; p99 = $8 }
	     END { printf "%s %s %s", ops, p50, p99 }' "$1"
}
# ops/s of BYTES each as MB/s
mbs() { awk -v o="$1" -v b="$2" 'BEGIN { printf "%.1f", o * b / 1e6 }'; }
FS=$(( (size + 4095) / 4096 * 4096 ))
echo "# ---- floor: $FS B O_DIRECT write + fdatasync, 10 s"
raftlog-bench -m floor -d /dev/vda -s $FS -t 10 >/tmp/floor1
set -- $(figure /tmp/floor1)
echo "# floor, one writer: $1 ops/s ($(mbs "$1" $FS) MB/s), p50 $2 us, p99 $3 us"
F1=$2
for d in $DISKS; do
	raftlog-bench -m floor -d /dev/$d -s $FS -t 10 >/tmp/floor3.$d &
done
wait
for d in $DISKS; do
	set -- $(figure /tmp/floor3.$d)
	echo "# floor, three writers at once, $d: $1 ops/s ($(mbs "$1" $FS) MB/s), p50 $2 us, p99 $3 us"
done
F3=$2
F3OPS=$1

CTL=$(rl_debugfs raftlog/control)
modprobe_deps
insmod /lib/raftlog/raftlog.ko || exit 1
rl_netns_bridge 10.0.0 1 2 3
i=0
for d in $DISKS; do
	i=$((i + 1))
	raftctl format /dev/$d --cluster-id 7 --group 1 --node $i --force >/dev/null || exit 1
done
for i in 1 2 3; do
	d=$(echo $DISKS | cut -d' ' -f$i)
	s="id=1,node=$i,cluster=7,dev=/dev/$d,listen=10.0.0.$i:7000"
	[ -n "$retain" ] && s="$s,retain=$retain"
	for j in 1 2 3; do
		[ "$j" = "$i" ] || s="$s,peer=$j@10.0.0.$j:7000"
	done
	ip netns exec "n$i" sh -c "echo 'create $s' > $CTL"
done
st() { rlprobe status "/dev/raftlog1.$1" | sed -n "s/^$2=//p"; }
L=""
for t in $(seq 1 300); do
	for i in 1 2 3; do [ "$(st $i role)" = 3 ] && L=$i; done
	[ -n "$L" ] && break
	sleep 0.2
done
[ -n "$L" ] || { echo "# no leader"; exit 1; }
F=$((L % 3 + 1))
show() { ip netns exec "n$1" raftctl group show 1 -j >/tmp/show.json; jget "0.$2" </tmp/show.json; }
meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
# busy and total jiffies of all CPUs so far
cpustat() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat; }
if [ "$cut" != 0 ]; then
	echo "# leader node $L; follower $F is cut off at minute $cut and back at minute $back"
else
	echo "# leader node $L; no follower is cut off"
fi
echo "# min  ops/s    p50us    p99us  failed  slab_kB  vmalloc_kB  ring_used%  laps  autocompact  first  logmem_kB  cpu%"
rc=0
catch=""
for m in $(seq 1 "$minutes"); do
	if [ "$m" = "$cut" ]; then
		ip link set v$F down
	fi
	if [ "$m" = "$back" ] && [ "$cut" != 0 ]; then
		ip link set v$F up
		catch=$(date +%s.%N)
		c0=$(st "$L" commit)
		(	target=$(st "$L" commit)
			until [ "$(st "$F" applied)" -ge "$target" ]; do sleep 0.2; done
			t1=$(date +%s.%N)
			c1=$(st "$L" commit)
			awk -v a="$catch" -v b="$t1" -v c0="$c0" -v c1="$c1" -v n="$target" 'BEGIN {
				printf "# follower caught up to %d in %.1f s after its link came back; the leader committed %.0f entries/s meanwhile\n",
				       n, b - a, (c1 - c0) / (b - a) }'
		) &
	fi
	set -- $(cpustat)
	b0=$1 t0=$2
	ip netns exec "n$L" raftlog-bench -d "/dev/raftlog1.$L" -m uring \
		-q "$depth" -s "$size" -t "$secs" >/tmp/run.$m 2>&1 || rc=1
	set -- $(cpustat)
	cpu=$(( 100 * ($1 - b0) / ($2 - t0 > 0 ? $2 - t0 : 1) ))
	set -- $(figure /tmp/run.$m)
	failed=$(awk '/proposals:/ { print $8 }' /tmp/run.$m)
	used=$(show "$L" storage.used_blocks)
	ring=$(show "$L" storage.ring_blocks)
	printf "# %3d %7s %8s %8s %7s %8s %11s %11s %5s %12s %6s %10s %5s\n" "$m" "$1" "$2" "$3" \
		"${failed:-?}" "$(meminfo Slab)" "$(meminfo VmallocUsed)" \
		"$((100 * used / (ring ? ring : 1)))" "$(show "$L" storage.ring_laps)" \
		"$(show "$L" counters.auto_compactions)" "$(st "$L" first)" \
		"$(($(show "$L" counters.log_mem_used) / 1024))" "$cpu"
	grep "errors:" /tmp/run.$m | sed 's/^/#     /'
	[ "$m" = 1 ] && first_ops=$1
	last_ops=$1
	last_p50=$2
done
wait
echo "# first minute $first_ops ops/s, last minute $last_ops ops/s ($(awk -v a="$last_ops" -v b="$first_ops" 'BEGIN { printf "%.0f", 100 * a / b }')% of the first)"
echo "# last minute $(mbs "$last_ops" "$size") MB/s of entries against the three-writer floor's $(mbs "$F3OPS" $FS) MB/s per disk ($(awk -v a="$last_ops" -v s="$size" -v b="$F3OPS" -v f=$FS 'BEGIN { printf "%.0f", 100 * a * s / (b * f) }')%)"
echo "# last minute's p50 $last_p50 us against the three-writer floor's p50 $F3 us ($(awk -v a="$last_p50" -v b="$F3" 'BEGIN { printf "%.1f", a / b }')x; one writer: $F1 us)"
for i in 1 2 3; do
	ip netns exec "n$i" sh -c "echo 'destroy 1' > $CTL"
done
rmmod raftlog
exit $rc
