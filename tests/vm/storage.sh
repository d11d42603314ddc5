#!/bin/sh
# rl-test: kernels=debug timeout=600 group=single
# The kernel and raftctl share one on-disk format: raftctl formats a RAM
# disk, the kernel's storage (KUnit case st_userspace_format) opens it and
# writes a log, raftctl inspect verifies what the kernel wrote, and flags
# damage done to it with dd.
set -u
. ./lib.sh

DEV=/dev/ram2
tap_plan 15
modprobe_deps
tap_ok "raftctl format $DEV" raftctl format $DEV --cluster-id 4242 --group 7 --node 3
tap_ok "format refuses a formatted device" sh -c "! raftctl format $DEV --cluster-id 1 --group 1 --node 1"
tap_ok "fresh format inspects clean" raftctl inspect $DEV

insmod /lib/raftlog/raftlog.ko
# st_ring_wraparound leaves /dev/ram0 with a ring lapped 4 times
printf '%s' 'raftlog_storage.st_[ur]*' >/sys/module/kunit/parameters/filter_glob
insmod /lib/raftlog/raftlog_test.ko
tap_ok "kernel opened raftctl's format and wrote a log (KUnit case passed)" \
	sh -c "dmesg | grep -E 'ok [0-9]+ st_userspace_format\$' | grep -qv 'not ok'"
rmmod raftlog_test
rmmod raftlog

raftctl inspect $DEV >/tmp/inspect.out 2>&1
rc=$?
sed 's/^/# /' /tmp/inspect.out
tap_ok "raftctl inspect passes the kernel-written device" test $rc -eq 0
tap_ok "log recovered as the kernel left it (11..17)" grep -q "first index 11, last index 17" /tmp/inspect.out
tap_ok "hard state term 2 vote 3 commit 12" sh -c \
	"raftctl inspect -j $DEV | grep -q '\"term\":2,\"vote\":3,\"commit\":12'"
tap_ok "snapshot at 10 is current and valid" sh -c \
	"raftctl inspect $DEV | grep -A1 'snapshot area .*(current)' | grep -q 'status *ok'"

tap_ok "KUnit case st_ring_wraparound passed" \
	sh -c "dmesg | grep -E 'ok [0-9]+ st_ring_wraparound\$' | grep -qv 'not ok'"
raftctl inspect /dev/ram0 >/tmp/inspect0.out 2>&1
rc=$?
grep -E '^(log|  @)' /tmp/inspect0.out | sed 's/^/# /'
tap_ok "raftctl inspect accepts the kernel's lapped ring" test $rc -eq 0
tap_ok "... and recovers the same log (813..840)" grep -q "first index 813, last index 840" /tmp/inspect0.out

# damage: one byte in the data of the first live record
ring_off=$(awk '$1 == "ring_off" { print $2 }' /tmp/inspect.out)
rec=$(awk '$1 ~ /^@/ { sub("@", "", $1); print $1; exit }' /tmp/inspect.out)
off=$(( (ring_off + rec) * 4096 + 300 ))
b=$(dd if=$DEV bs=1 skip=$off count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
printf "$(printf '\\%03o' $(( (b + 1) % 256 )))" | dd of=$DEV bs=1 seek=$off conv=notrunc 2>/dev/null
raftctl inspect $DEV >/tmp/inspect.out 2>&1
rc=$?
sed 's/^/# /' /tmp/inspect.out
tap_ok "damaged record: inspect exits 1" test $rc -eq 1
tap_ok "damaged record flagged" grep -q "FAIL: body checksum mismatch" /tmp/inspect.out

# damage: the superblock
printf 'X' | dd of=$DEV bs=1 seek=20 conv=notrunc 2>/dev/null
raftctl inspect $DEV >/tmp/inspect.out 2>&1
rc=$?
tap_ok "damaged superblock: inspect exits 1" test $rc -eq 1
tap_ok "damaged superblock flagged" grep -q "FAIL: header checksum mismatch" /tmp/inspect.out
tap_done
