#!/bin/sh
# The guest half of `make demo`.
set -eu
. ./lib.sh
say() { printf '\n--> %s\n' "$*"; }
say "loading raftlog.ko"
modprobe_deps
insmod /lib/raftlog/raftlog.ko verbose=1
say "the module is live:"
echo "  version   $(cat /sys/module/raftlog/version)"
echo "  state     $(cat /sys/module/raftlog/initstate)"
echo "  params    verbose=$(cat /sys/module/raftlog/parameters/verbose)"
grep '^raftlog ' /proc/modules
say "unloading"
rmmod raftlog
