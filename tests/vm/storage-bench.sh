#!/bin/sh
# Storage append benchmark (not a test; not run by `make vm`):
#   scripts/run-vm.sh -t 1200 storage-bench.sh
# raftlog's storage (raftlog_test.ko storage_bench=1, see
# tests/kunit/storage_bench.c) appends 64 B, 1 KiB and 64 KiB entries to
# /dev/ram0, one FUA record per append (sync) or with up to 64 appends in
# flight (pipelined, group commit); then fio writes the same record sizes
# to the same device with the same flush policy (O_DIRECT|O_SYNC: every
# write FUA), one at a time and at queue depth 64.  On TCG and a RAM disk
# the absolute numbers say little; the comparison is the point.
set -u
. ./lib.sh
modprobe_deps
insmod /lib/raftlog/raftlog.ko || exit 1
printf '%s' 'raftlog_storage_bench' >/sys/module/kunit/parameters/filter_glob
insmod /lib/raftlog/raftlog_test.ko storage_bench=1
rmmod raftlog_test
rmmod raftlog
echo "# raftlog storage:"
dmesg | grep -o 'storage-bench: .*' | sed 's/^/# /'
dmesg | grep -q 'storage-bench: size=65536 mode=pipelined' || { echo "benchmark did not run"; exit 1; }

if ! command -v fio >/dev/null; then
	echo "# fio: not in this guest image (add it to the initramfs to compare)"
	exit 0
fi
echo "# fio, same device, every write O_DIRECT|O_SYNC (FUA):"
# record sizes raftlog writes for one entry of each size: 4 KiB, 4 KiB, 68 KiB
for bs in 4k:64B 4k:1KiB 68k:64KiB; do
	for depth in 1 64; do
		# the test kernel has io_uring but no AIO
		engine=psync
		[ $depth -gt 1 ] && engine=io_uring
		out=$(fio --name=b --filename=/dev/ram0 --rw=write --bs=${bs%%:*} \
			--direct=1 --sync=1 --ioengine=$engine --iodepth=$depth \
			--size=32m --number_ios=2000 --minimal 2>&1 | grep '^3;')
		# terse v3: 5 error, 48 write KiB/s, 49 write IOPS, 81 write latency mean (us)
		echo "$out" | awk -F';' -v n="${bs#*:}" -v b="${bs%%:*}" -v d=$depth -v e=$engine '
			$5 != 0 { printf "# fio: entry=%s bs=%s depth=%s: error %s\n", n, b, d, $5; next }
			{ printf "# fio: entry=%s bs=%s depth=%s engine=%s iops=%s KiB_per_s=%s lat_us avg=%.1f\n", n, b, d, e, $49, $48, $81 }'
	done
done
exit 0
