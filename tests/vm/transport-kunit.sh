#!/bin/sh
# Only the transport's KUnit suites (for quick runs; the kunit tier runs
# them with all the others):  scripts/run-vm.sh transport-kunit.sh
set -u
. ./lib.sh
modprobe_deps
# (no newline: the parameter is taken verbatim)
printf '%s' 'raftlog_[tw][ri][ar]*' > /sys/module/kunit/parameters/filter_glob
insmod /lib/raftlog/raftlog.ko || exit 1
echo RAFTLOG-KTAP-BEGIN
insmod /lib/raftlog/raftlog_test.ko
rc=$?
echo RAFTLOG-KTAP-END
rmmod raftlog_test || rc=1
rmmod raftlog || rc=1
exit $rc
