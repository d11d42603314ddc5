#!/bin/sh
# raftlog-bench figures (not a test; not run by `make vm`), best on the
# bench kernel:
#   scripts/prepare-guest.sh bench      # prints KERNEL INITRD
#   scripts/run-vm.sh -k KERNEL -i INITRD -t 900 bench-figures.sh [SECONDS]
# A single-node group on /dev/ram0; io_uring and blocking write()
# proposals of 100 B and 4 KiB, 1, 16 and 64 in flight (256 for
# io_uring), SECONDS (default 5) each; one JSON line per run (prefixed
# "# json ") and the text summary.  On TCG the absolute numbers say
# little; the comparisons between modes and depths are the point.
set -u
. ./lib.sh
SECS=${1:-5}
D=/dev/raftlog1
# libcrc32c's init needs the crc32c algorithm loaded first (stock kernel)
modprobe -q crc32c_generic 2>/dev/null || true
modprobe_deps
[ -b /dev/ram0 ] || modprobe brd rd_nr=1 rd_size=65536
# a fresh group for each run: the log is never compacted, so a run must
# not fill the device (64 MiB; COUNT caps a run at about 48 MiB even when
# every entry takes a 4 KiB record of its own)
fresh_group() {
	rmmod raftlog 2>/dev/null
	raftctl format /dev/ram0 --cluster-id 7 --group 1 --node 1 --force \
		>/dev/null || return 1
	insmod /lib/raftlog/raftlog.ko \
		groups=id=1,node=1,cluster=7,dev=/dev/ram0,tick_ms=20 || return 1
	i=0
	until rlprobe status $D 2>/dev/null | grep -qx role=3; do
		i=$((i + 1))
		[ $i -lt 150 ] || return 1
		sleep 0.1
	done
}
echo "# kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs, ${SECS}s per run"
rc=0
for size in 100 4096; do
	for run in "uring 1" "uring 16" "uring 64" "uring 256" \
		   "write 1" "write 16" "write 64"; do
		# shellcheck disable=SC2086
		set -- $run
		fresh_group || { echo "no group"; exit 1; }
		cap=$((48 * 1024 * 1024 / (4096 * ((size + 4095) / 4096 + 1))))
		raftlog-bench -d $D -m "$1" -q "$2" -s $size -t "$SECS" -n $cap \
			--json >/tmp/b.json || rc=1
		echo "# json $(cat /tmp/b.json)"
		# shellcheck disable=SC2046
		set -- $(rljson /tmp/b.json mode depth size ops_per_s mb_per_s \
			latency_us.p50 latency_us.p99 latency_us.p999 \
			latency_us.max failed)
		echo "# $1 q=$2 s=$3: $4 ops/s $5 MB/s; us p50 $6 p99 $7 p999 $8 max $9; failed ${10}"
	done
done
rmmod raftlog
exit $rc
