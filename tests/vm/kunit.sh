#!/bin/sh
# Run raftlog's KUnit suites: load raftlog.ko, then raftlog_test.ko (whose
# suites run as it loads), then unload both.  The host parses the KTAP that
# KUnit prints between the markers; this script only reports whether the
# modules loaded and unloaded.  Arguments are passed to raftlog_test.ko,
# except glob=PATTERN, which runs only the suites whose names match
# (KUnit's filter_glob; the harness self-test needs only its own suite),
# and module=PATH, a raftlog.ko to test instead of the usual one (the
# self-test's planted bugs).
set -u
. ./lib.sh
modprobe_deps
args="" module=/lib/raftlog/raftlog.ko
for a in "$@"; do
	case $a in
	module=*) module=${a#module=} ;;
	# printf, not echo: a trailing newline would be part of the glob
	glob=*) printf '%s' "${a#glob=}" >/sys/module/kunit/parameters/filter_glob || exit 1 ;;
	*) args="$args $a" ;;
	esac
done
insmod "$module" || exit 1
echo RAFTLOG-KTAP-BEGIN
# shellcheck disable=SC2086
insmod /lib/raftlog/raftlog_test.ko $args
rc=$?
echo RAFTLOG-KTAP-END
rmmod raftlog_test || rc=1
rmmod raftlog || rc=1
exit $rc
