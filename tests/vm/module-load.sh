#!/bin/sh
# rl-test: kernels=debug,stock timeout=180 group=single
# The module loads, says who it is, takes its parameter, and unloads
# cleanly (the guest init then scans kmemleak; the host scans the console).
set -eu
. ./lib.sh

tap_plan 6
modprobe_deps
tap_ok "insmod raftlog.ko" insmod /lib/raftlog/raftlog.ko verbose=1
tap_ok "module is live" grep -qx live /sys/module/raftlog/initstate
v=$(cat /sys/module/raftlog/version)
tap_ok "version $v is x.y.z" sh -c "echo '$v' | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+$'"
tap_ok "parameter verbose reads back Y" grep -qx Y /sys/module/raftlog/parameters/verbose
tap_ok "load message in dmesg" sh -c "dmesg | grep -q 'raftlog $v loaded'"
rmmod raftlog
tap_ok "rmmod raftlog" sh -c "! test -d /sys/module/raftlog"
tap_done
