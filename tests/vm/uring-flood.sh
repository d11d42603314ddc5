#!/bin/sh
# rl-test: kernels=debug,stock timeout=400 group=single
# Raw io_uring against a full proposal queue, SQEs reused the way liburing
# hands them out (an 8-entry SQ, each slot rewritten right after a
# submit): 1000 proposals, each with its own payload, 64 in flight on a
# group whose queue holds 8.  Every proposal must end with its outcome
# (ok with an index, or -EAGAIN: queue full, not appended, proposed
# again), and the log read back must hold every acknowledged payload
# exactly once, at the index its completion reported.  A driver whose
# non-blocking issue returns -EAGAIN lets io_uring reissue the command
# from a worker; some kernels (6.12.117) then read the payload from the
# reused SQ slot: entries lost and duplicated.
set -eu
. ./lib.sh

D=/dev/raftlog1
DISK=/dev/ram0
SPEC=id=1,node=1,cluster=7,dev=$DISK,tick_ms=20,max_pending=8

wait_leader() {
	i=0
	while [ $i -lt 150 ]; do
		rlprobe status "$1" 2>/dev/null | grep -qx role=3 && return 0
		sleep 0.1
		i=$((i + 1))
	done
	rlprobe status "$1"
	return 1
}

tap_plan 4
modprobe -q crc32c_generic 2>/dev/null || true
modprobe_deps
[ -b $DISK ] || modprobe brd rd_nr=1 rd_size=65536
raftctl format $DISK --cluster-id 7 --group 1 --node 1 >/dev/null
insmod /lib/raftlog/raftlog.ko groups="$SPEC"
tap_ok "single-voter group with max_pending=8 elects itself" wait_leader $D
tap_ok "1000 proposals, 64 in flight, SQEs reused: each once at its index" \
	rlprobe uring-flood $D 1000 64 fl
sed 's/^/# /' /tmp/tap.out
tap_ok "again on the same log (2000 more, 128 in flight)" \
	rlprobe uring-flood $D 2000 128 fm
sed 's/^/# /' /tmp/tap.out
rmmod raftlog
tap_ok "rmmod" sh -c "! test -d /sys/module/raftlog"
tap_done
