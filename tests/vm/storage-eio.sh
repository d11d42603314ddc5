#!/bin/sh
# rl-test: kernels=debug timeout=600 group=single
# Real block-layer I/O errors (CONFIG_FAIL_MAKE_REQUEST): /dev/ram3 fails
# every bio once 1 MiB has gone through.  The KUnit case
# st_block_layer_eio formats and opens it, appends until the device
# fails, and checks EIO is reported and the storage stays failed.  Then,
# with the device healthy again, raftctl inspect finds a consistent log
# holding exactly the entries reported durable, and the guest's kmemleak
# scan and the console scan find nothing.
# Debug kernel only: Debian's stock 6.1 has neither CONFIG_FAULT_INJECTION
# (so no fail_make_request, no make-it-fail) nor KUnit (no
# raftlog_test.ko).  On it the fault campaign's power cut covers a disk
# that fails every I/O under a running node (a dm "error" table).
set -u
. ./lib.sh

DEV=/dev/ram3
tap_plan 5
modprobe_deps
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
F=/sys/kernel/debug/fail_make_request
echo 0 >$F/verbose
echo 100 >$F/probability
echo -1 >$F/times
echo $((1024 * 1024)) >$F/space
echo 1 >/sys/block/ram3/make-it-fail

insmod /lib/raftlog/raftlog.ko
printf '%s' 'raftlog_storage.st_block_layer_eio' >/sys/module/kunit/parameters/filter_glob
insmod /lib/raftlog/raftlog_test.ko storage_eio_dev=$DEV
rmmod raftlog_test
rmmod raftlog
echo 0 >/sys/block/ram3/make-it-fail
echo 0 >$F/probability

dmesg | grep -E 'device failed after|storage failed|storage-eio' | sed 's/^/# /'
tap_ok "KUnit case st_block_layer_eio passed" \
	sh -c "dmesg | grep -E 'ok [0-9]+ st_block_layer_eio\$' | grep -qv 'not ok'"
tap_ok "the storage logged its failure" sh -c "dmesg | grep -q 'storage failed (error -5)'"
durable=$(dmesg | sed -n 's/.*storage-eio durable \([0-9]*\).*/\1/p' | tail -1)
raftctl inspect $DEV >/tmp/inspect.out 2>&1
rc=$?
sed 's/^/# /' /tmp/inspect.out
tap_ok "inspect finds the device consistent" test $rc -eq 0
tap_ok "durable index reported ($durable) > 0" test "${durable:-0}" -gt 0
tap_ok "log on the device ends at the durable index" grep -q "last index ${durable:-x}," /tmp/inspect.out
tap_done
