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
#   nothing; insecure with a secret is refused;
#   processes sharing one open file read each record exactly once (the
#   position is serialized), and pread() is refused;
#   group show counts what the transport refused: frames with a bad MAC,
#   replayed frames, connections beyond the handshaking bound;
#   group show for a user without CAP_NET_ADMIN leaves out the device;
#   two namespaces running the same node of the same group: the second
#   gets EEXIST with an extended ack, no sysfs stack dump; a namespace of
#   an unprivileged user names its devices with the namespace's inode;
#   caps on groups per namespace (EMFILE) and per host (ENFILE).
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

tap_plan 26
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

tap_ok "group show without CAP_NET_ADMIN: no device path; with it: the path" sh -c \
	"rl-asuser 1000 raftctl group show 1 -j >/tmp/show1 && cat /tmp/show1 &&
	 [ \$(jget 0.group </tmp/show1) = 1 ] && ! grep -q '/dev/ram0' /tmp/show1 &&
	 [ \$(raftctl group show 1 -j | jget 0.device) = /dev/ram0 ]"

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
tap_ok "... and its device is named with the namespace's inode" sh -c \
	"rl-asuser 1000 unshare -U -r -n sh -c 'raftctl group add 8 node 1 volatile &&
	   raftctl group show 8 -j | jget 0.chardev' | tee /dev/stderr |
	 grep -qx 'raftlog8\.1\.ns[0-9][0-9]*'"

# ---- namespaces: one node name each; caps on groups ---------------------------
ip netns add rlsa
ip netns add rlsb
ip netns exec rlsa raftctl group add 20 node 1 volatile
dmesg -c >/dev/null
ns_dup() {
	! ip netns exec rlsb raftctl group add 20 node 1 volatile >/tmp/dup 2>&1
	cat /tmp/dup
	dmesg >/tmp/dmesg
	grep -q 'File exists' /tmp/dup &&
		grep -q 'another namespace runs this node of this group' /tmp/dup &&
		! grep -qE 'duplicate filename|Call Trace' /tmp/dmesg
}
tap_ok "same group and node in two namespaces: EEXIST, extack, no stack dump" ns_dup
P=/sys/module/raftlog/parameters
echo 2 >$P/max_groups_per_net
capped() {
	want=$1 msg=$2
	shift 2
	! "$@" >/tmp/cap 2>&1
	cat /tmp/cap
	grep -q -- "$want" /tmp/cap && grep -q -- "$msg" /tmp/cap
}
two_in_rlsb() {
	ip netns exec rlsb raftctl group add 21 node 1 volatile &&
		ip netns exec rlsb raftctl group add 22 node 1 volatile
}
tap_ok "max_groups_per_net 2: two groups in a namespace" two_in_rlsb
tap_ok "... the third: EMFILE with an extended ack" capped \
	"Too many open files" "too many groups in this network namespace" \
	ip netns exec rlsb raftctl group add 23 node 1 volatile
echo 64 >$P/max_groups_per_net
echo 1 >$P/max_groups
tap_ok "max_groups 1: ENFILE with an extended ack" capped \
	"Too many open files in system" "too many groups on this host" \
	ip netns exec rlsa raftctl group add 24 node 1 volatile
echo 256 >$P/max_groups
ip netns del rlsa
ip netns del rlsb

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

# ---- one open file shared by readers ---------------------------------------------
# (a fresh single-voter group: it must lead before it takes proposals)
wait_for 20 sh -c "rlprobe status /dev/raftlog5 | grep -qx role=3"
rlprobe propose /dev/raftlog5 600 s >/dev/null
tap_ok "4 processes reading one shared file: each record once; pread ESPIPE" \
	rlprobe sharedread /dev/raftlog5 4

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

# ---- what the transport refused, in group show ---------------------------------
raftctl group add 9 node 1 volatile cluster-id 7 listen 127.0.0.1:7509 \
	secret-file /tmp/secret peer 2@127.0.0.1:7599 tick-ms 20
counter() { raftctl group show 9 -j | jget "0.counters.$1"; }
auth9() { [ "$(rltp-auth 127.0.0.1 7509 7 9 2 1 s3cret "$@")" = closed ]; }
counted() { [ "$(counter mac_errors)" = 1 ] && [ "$(counter seq_errors)" = 1 ]; }
tap_ok "a tampered frame, then a replayed one: mac_errors, seq_errors 1" \
	eval "auth9 tamper && auth9 good replay && wait_for 10 counted"
rltp-inject idle 127.0.0.1 7509 40 >/tmp/idle.out
tap_ok "40 idle connections: the 8 beyond the bound counted in conns_refused" \
	sh -c "cat /tmp/idle.out; [ \$(raftctl group show 9 -j | jget 0.counters.conns_refused) = 8 ]"
tap_ok "group show prints them" sh -c \
	"raftctl group show 9 | grep -q 'frames refused: bad MAC 1 out of sequence 1  connections refused 8'"

for g in 1 5 6 7 9; do raftctl group del $g; done
rmmod raftlog
ip addr del 10.99.0.1/32 dev lo
tap_done
