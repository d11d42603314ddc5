#!/bin/sh
# rl-test: kernels=debug,stock timeout=400 group=single
# Who may do what (issue 15, privileges):
#   a file open O_RDONLY cannot propose by any route (write(), the
#   PROPOSE ioctl, the io_uring proposal: EBADF) but may still read,
#   wait and take barriers;
#   a user in their own user and network namespaces (unshare -U -r -n)
#   cannot make the module open a block device, not even one that holds
#   a raftlog format for the ids asked (EPERM with an extended ack; no
#   group, device untouched), and may still create a volatile group;
#   a group without a device needs the explicit volatile word, and says
#   so in group show; volatile with a device is refused;
#   without a secret, listening on a non-loopback address needs the
#   explicit insecure word (EPERM otherwise), is shown in group show and
#   warned about in the kernel log, one line, no stack; loopback needs
#   nothing; insecure with a secret is refused.
set -u
. ./lib.sh

refused() {
	code=$1 etext=$2 ack=$3
	shift 3
	"$@" >/tmp/out 2>&1
	rc=$?
	cat /tmp/out
	[ $rc -eq "$code" ] && grep -qF -- "$etext" /tmp/out &&
		grep -qF -- "$ack" /tmp/out
}
field() { raftctl group show "$1" -j | jget "0.$2"; }
leader() { [ "$(field "$1" role 2>/dev/null)" = leader ]; }

tap_plan 16
modprobe -q crc32c_generic 2>/dev/null || true
modprobe_deps
[ -b /dev/ram2 ] || modprobe brd rd_nr=4 rd_size=65536
chmod 755 /
insmod /lib/raftlog/raftlog.ko || exit 1

# ---- file access mode -----------------------------------------------------
raftctl format /dev/ram0 --cluster-id 7 --group 1 --node 1 >/dev/null
raftctl group add 1 dev /dev/ram0 node 1 cluster-id 7 tick-ms 20
tap_ok "group 1 on /dev/ram0 elects itself" wait_for 30 leader 1
rlprobe propose /dev/raftlog1 5 w 10 >/dev/null
tap_ok "O_RDONLY: write, IOC_PROPOSE, io_uring propose EBADF; barriers work" \
	rlprobe rdonly /dev/raftlog1
tap_ok "O_RDWR still proposes through the ioctl and io_uring" sh -c \
	"rlprobe ipropose /dev/raftlog1 5 ip && rlprobe uring /dev/raftlog1 20 ur"

# ---- block devices from a user namespace ------------------------------------
# /dev/ram1 holds a raftlog format for group 3, node 1: before the fix a
# user namespace's owner booted a group from it
raftctl format /dev/ram1 --cluster-id 7 --group 3 --node 1 >/dev/null
chmod 660 /dev/ram1
sum_before=$(md5sum </dev/ram1)
userns_dev() {
	rl-asuser 1000 unshare -U -r -n \
		raftctl group add 3 dev /dev/ram1 node 1 cluster-id 7 >/tmp/userns 2>&1
	rc=$?
	cat /tmp/userns
	[ $rc = 4 ] && grep -q 'Operation not permitted' /tmp/userns &&
		grep -q 'needs CAP_SYS_ADMIN in the initial user namespace (attribute device)' /tmp/userns
}
tap_ok "unshare -U -r -n: group add with a device is EPERM, extack on device" userns_dev
tap_ok "no group was created and the device is untouched" sh -c \
	"! test -e /dev/raftlog3.1 && [ \"\$(md5sum </dev/ram1)\" = '$sum_before' ]"
tap_ok "unshare -U -r -n: a device that does not exist is EPERM too (no probing)" \
	sh -c "rl-asuser 1000 unshare -U -r -n raftctl group add 3 dev /dev/nonexistent node 1 2>&1 |
	       grep -q 'needs CAP_SYS_ADMIN'"
userns_volatile() {
	rl-asuser 1000 unshare -U -r -n sh -c \
		'raftctl group add 8 node 1 volatile tick-ms 20 &&
		 raftctl group show 8 -j | jget 0.volatile' >/tmp/userns 2>&1
	rc=$?
	cat /tmp/userns
	[ $rc = 0 ] && [ "$(tail -1 /tmp/userns)" = true ]
}
tap_ok "unshare -U -r -n: a volatile group is still allowed there" userns_volatile

# ---- volatile groups ----------------------------------------------------------
tap_ok "no device and no volatile word: EINVAL, says why" \
	refused 6 "Invalid argument" "no device: give one, or ask for a volatile group" \
	raftctl group add 5 node 1
tap_ok "volatile with a device: EINVAL, extack on volatile" \
	refused 6 "Invalid argument" "a group with a device is not volatile (attribute volatile)" \
	raftctl group add 5 dev /dev/ram2 node 1 volatile
tap_ok "group add 5 node 1 volatile: created" raftctl group add 5 node 1 volatile tick-ms 20
tap_ok "group show: volatile in JSON and text, group 1 is not" sh -c \
	"[ \$(raftctl group show 5 -j | jget 0.volatile) = true ] &&
	 [ \$(raftctl group show 1 -j | jget 0.volatile) = false ] &&
	 raftctl group show 5 | grep -q 'volatile (nothing is durable)'"

# ---- listening without a secret -------------------------------------------------
ip addr add 10.99.0.1/32 dev lo
ip link set lo up
dmesg -c >/dev/null
tap_ok "non-loopback listen without secret or insecure: EPERM, says why" \
	refused 4 "Operation not permitted" "listening beyond loopback without a secret" \
	raftctl group add 6 node 1 volatile listen 10.99.0.1:7500
tap_ok "loopback listen without a secret needs nothing" \
	raftctl group add 7 node 1 volatile listen 127.0.0.1:7501
printf 's3cret\n' >/tmp/secret
tap_ok "insecure with a secret: EINVAL" \
	refused 6 "Invalid argument" "insecure contradicts a secret" \
	raftctl group add 6 node 1 volatile listen 10.99.0.1:7500 \
	secret-file /tmp/secret insecure
tap_ok "with insecure: created, shown as insecure" sh -c \
	"raftctl group add 6 node 1 volatile listen 10.99.0.1:7500 insecure &&
	 [ \$(raftctl group show 6 -j | jget 0.insecure) = true ] &&
	 raftctl group show 6 | grep -q 'auth no (insecure'"
warned() {
	dmesg >/tmp/dmesg
	grep 'without a secret (insecure)' /tmp/dmesg
	[ "$(grep -c 'group 6 node 1 listens on 10.99.0.1:7500 without a secret (insecure)' /tmp/dmesg)" = 1 ] &&
		! grep -q 'Call Trace' /tmp/dmesg
}
tap_ok "the kernel log warns once, one line, no stack" warned

for g in 1 5 6 7; do raftctl group del $g; done
rmmod raftlog
ip addr del 10.99.0.1/32 dev lo
tap_done
