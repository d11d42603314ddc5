#!/bin/sh
# rl-test: kernels=debug,stock timeout=400 group=single
# A single-node group on /dev/ram0 and its /dev/raftlog1: it elects
# itself, write() and io_uring proposals commit, read() returns every entry
# in order behind its record header, lseek/poll/ioctls behave as
# uapi/linux/raftlog.h says, bad input gets its errno, the module unloads
# cleanly around blocked readers, and a reload recovers the log from the
# device.
set -eu
. ./lib.sh

D=/dev/raftlog1
CTL=/sys/kernel/debug/raftlog/control
DISK=/dev/ram0
SPEC=id=1,node=1,cluster=7,dev=$DISK,tick_ms=20

# wait_leader DEV: up to 15 s for the node to report itself leader
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

status_of() { rlprobe status "$1" | sed -n "s/^$2=//p"; }

tap_plan 30
# libcrc32c's init needs the crc32c algorithm loaded first (stock kernel)
modprobe -q crc32c_generic 2>/dev/null || true
modprobe_deps
# the stock kernel has brd as a module; the test kernel has it built in
[ -b $DISK ] || modprobe brd rd_nr=1 rd_size=65536
tap_ok "raftctl format $DISK for cluster 7, group 1, node 1" \
	raftctl format $DISK --cluster-id 7 --group 1 --node 1
insmod /lib/raftlog/raftlog.ko groups="$SPEC" dev_mode=0640
tap_ok "insmod with groups=$SPEC creates $D" test -c $D
tap_ok "dev_mode=0640 gives the node mode 640" \
	sh -c "stat -c %a $D | grep -qx 640"
tap_ok "the single voter elects itself leader" wait_leader $D
tap_ok "status names group 1, node 1, one voter" sh -c \
	"rlprobe status $D | grep -qx group=1 && rlprobe status $D | grep -qx node=1 &&
	 rlprobe status $D | grep -qx voters=1 && rlprobe status $D | grep -qx leader=1"
tap_ok "write() of 300 entries of 100 bytes each returns when committed" \
	rlprobe propose $D 300 w 100
tap_ok "read() returns the 300 entries in order, several per call" \
	rlprobe check $D w 300 100
tap_ok "RAFTLOG_IOC_PROPOSE returns rising index/term, already applied" \
	rlprobe ipropose $D 30 ip
tap_ok "lseek: SET/CUR/END, EINVAL at 0, ENXIO past the end" rlprobe seek $D
tap_ok "EMSGSIZE, EINVAL, ENOBUFS, EAGAIN, ENOTTY, EFAULT, ETIMEDOUT" \
	rlprobe errors $D
tap_ok "poll() waits at the end and wakes on a commit" rlprobe poll $D
tap_ok "read barrier and wait-for-index" rlprobe barrier $D
tap_ok "io_uring: 500 proposals in flight complete with term and index" \
	rlprobe uring $D 500 ur
tap_ok "io_uring: exiting with 200 proposals in flight" \
	rlprobe uring-abandon $D 200
tap_ok "the group still serves after the abandoned ring" \
	sh -c "rlprobe propose $D 5 post 0 && rlprobe check $D post 5"

# four writers at once, then everything is still in order
for t in a b c d; do rlprobe propose $D 50 "par$t" 10 & done
wait
tap_ok "4 concurrent writers: each one's entries in its own order" sh -c \
	"rlprobe check $D para 50 10 && rlprobe check $D parb 50 10 &&
	 rlprobe check $D parc 50 10 && rlprobe check $D pard 50 10"
tap_ok "applied equals commit and last index" sh -c \
	"[ $(status_of $D applied) -eq $(status_of $D commit) ] &&
	 [ $(status_of $D commit) -eq $(status_of $D last) ]"

# a reader blocked at the end keeps the module loaded
rlprobe blockread $D 4 >/tmp/br.out 2>&1 &
reader=$!
sleep 1
tap_ok "rmmod is refused (EBUSY) while a reader is blocked" \
	sh -c "! rmmod raftlog 2>/dev/null && test -d /sys/module/raftlog"
kill -INT $reader
rc=0
wait $reader || rc=$?
tap_ok "a signal ends the blocked read (EINTR)" sh -c "[ $rc -eq 0 ] || { cat /tmp/br.out; false; }"

# destroying the group wakes a blocked reader with ENODEV
rlprobe blockread $D 19 >/tmp/br.out 2>&1 &
reader=$!
sleep 1
echo "destroy 1" >$CTL
rc=0
wait $reader || rc=$?
tap_ok "destroying the group wakes a blocked reader with ENODEV" \
	sh -c "[ $rc -eq 0 ] || { cat /tmp/br.out; false; }"
tap_ok "$D is gone after destroy" sh -c "! test -e $D"
tap_ok "destroying it again says ENOENT" sh -c "! echo 'destroy 1' >$CTL"

# recreate at run time, then unload with the group running
echo "create $SPEC" >$CTL
tap_ok "create through the control file brings $D back" wait_leader $D
tap_ok "the recreated group still has every entry" sh -c \
	"rlprobe check $D w 300 100 && rlprobe check $D ip 30"
rlprobe propose $D 20 again 0 >/dev/null
last=$(status_of $D last)
term=$(status_of $D term)
rmmod raftlog
tap_ok "rmmod with the group running" sh -c "! test -d /sys/module/raftlog"

# restart from the device: a fresh module load recovers the log
insmod /lib/raftlog/raftlog.ko groups="$SPEC"
tap_ok "reloaded group elects itself again" wait_leader $D
tap_ok "recovered log: all 300 + 30 + 20 entries, in order" sh -c \
	"rlprobe check $D w 300 100 && rlprobe check $D ip 30 &&
	 rlprobe check $D again 20 && rlprobe check $D para 50 10"
tap_ok "recovered log reaches the old last index $last" \
	sh -c "[ $(status_of $D last) -gt $last ]"
tap_ok "the term rose across the restart (was $term)" \
	sh -c "[ $(status_of $D term) -gt $term ]"
rmmod raftlog
tap_ok "a group on another node id refuses the device (ESTALE)" \
	sh -c "! insmod /lib/raftlog/raftlog.ko groups=id=1,node=2,cluster=7,dev=$DISK"
tap_done
