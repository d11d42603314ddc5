#!/bin/sh
# Run raftlog's KUnit suites: load raftlog.ko, then raftlog_test.ko (whose
# suites run as it loads), then unload both.  The host parses the KTAP that
# KUnit prints between the markers; this script only reports whether the
# modules loaded and unloaded.  Arguments are passed to raftlog_test.ko.
set -u
. ./lib.sh
modprobe_deps
insmod /lib/raftlog/raftlog.ko || exit 1
echo RAFTLOG-KTAP-BEGIN
insmod /lib/raftlog/raftlog_test.ko "$@"
rc=$?
echo RAFTLOG-KTAP-END
rmmod raftlog_test || rc=1
rmmod raftlog || rc=1
exit $rc
