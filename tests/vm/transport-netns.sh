#!/bin/sh
# rl-test: kernels=debug timeout=900 group=cluster
# The transport between three endpoints in three network namespaces joined
# by veth through a bridge, driven through raftlog_tpctl.ko (test-only
# debugfs control of the real kernel/transport*.c):
#   in-order delivery on every connection, small and 64 KiB frames;
#   a peer restart is redialed; a wrong secret and a wrong cluster id are
#   refused and counted; random bytes, an oversized length, a bad checksum,
#   a bad version and a peer killed mid-frame (rltp-inject, userspace)
#   close that connection and bump a counter, nothing else;
#   a namespace deleted under a live endpoint, and module unload with live
#   connections, leave KASAN/kmemleak/lockdep silent (init and host scan).
set -u
. ./lib.sh

CTL=$(rl_debugfs raftlog_tpctl/ctl)
# iproute2, not busybox's applet of the same name (no netns support)
PORT=7100

ctl() {	# ctl NS COMMAND...: one command, in namespace NS
	ns=$1
	shift
	ip netns exec "$ns" sh -c "echo '$*' > $CTL"
}
st() { cat $CTL; }
# field NAME WHAT ID KEY: a counter from the status
field() {
	st | awk -v n="$1" -v w="$2=$3" -v k="$4" '$1 == n && $2 == w {
		for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }'
}
epfield() {
	st | awk -v n="$1" -v k="$2" '$1 == n && $2 ~ /^node=/ {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }'
}
ge() { [ "${1:-0}" -ge "$2" ]; }
eq() { [ "${1:-x}" = "$2" ]; }
# checks that re-read the status each time they run
ep_is() { eq "$(epfield "$1" "$2")" "$3"; }
peer_is() { eq "$(field "$1" peer "$2" "$3")" "$4"; }
peer_ge() { ge "$(field "$1" peer "$2" "$3")" "$4"; }
no_disorder() {
	for n in "$@"; do
		eq "$(epfield "$n" out_of_order)" 0 || return 1
		eq "$(epfield "$n" bad_payload)" 0 || return 1
	done
}
tap_plan 23
modprobe_deps
insmod /lib/raftlog/raftlog.ko || exit 1
insmod /lib/raftlog/raftlog_tpctl.ko || exit 1

rl_netns_bridge 10.77.0 1 2 3
tap_ok "namespaces reach each other" ip netns exec n1 ping -c1 -W5 10.77.0.3

# three nodes, full mesh, one shared secret
for i in 1 2 3; do
	ctl n$i open a$i $i 10.77.0.$i:$PORT 7 k3y
done
for i in 1 2 3; do
	for j in 1 2 3; do
		[ $i = $j ] || ctl n$i peer a$i $j 10.77.0.$j:$PORT
	done
done
up_all() {
	for i in 1 2 3; do for j in 1 2 3; do
		[ $i = $j ] || eq "$(field a$i peer $j up)" 1 || return 1
	done; done
}
tap_ok "all six connections come up" wait_for 60 up_all

ctl n1 send a1 2 500 100
ctl n1 send a1 3 300 65536
ctl n2 send a2 1 500 1
ctl n3 send a3 1 50 65536
ctl n3 send a3 2 400 200
tap_ok "a2 received 900 (500 from 1, 400 from 3)" wait_for 180 ep_is a2 received 900
tap_ok "a3 received 300 frames of 64 KiB" wait_for 180 ep_is a3 received 300
tap_ok "a1 received 550" wait_for 180 ep_is a1 received 550
tap_ok "every connection delivered in order, payloads intact" no_disorder a1 a2 a3
tap_ok "frame counters agree (1->3: 300 out, 300 in)" sh -c \
	"[ $(field a1 peer 3 frames_out) = 300 ] && [ $(field a3 peer 1 frames_in) = 300 ]"

# peer restart: node 3 goes away with live connections and comes back
ctl n3 close a3
tap_ok "node 1 sees node 3 go" wait_for 30 peer_is a1 3 up 0
tap_ok "node 1 keeps redialing" wait_for 30 peer_ge a1 3 connect_failures 1
ctl n3 open a3 3 10.77.0.3:$PORT 7 k3y
ctl n3 peer a3 1 10.77.0.1:$PORT
ctl n3 peer a3 2 10.77.0.2:$PORT
tap_ok "node 1 reconnects to the restarted node 3" wait_for 60 peer_is a1 3 connects 2
ctl n1 send a1 3 100 1000
tap_ok "the restarted node 3 receives 100 in order" sh -c \
	"t=0; while [ \$t -lt 300 ]; do grep -q '^a3 node=3 received=100 out_of_order=0 bad_payload=0' $CTL && exit 0; sleep 0.2; t=\$((t+1)); done; exit 1"

# wrong secret, wrong cluster: a fourth endpoint in n2 on another port
ctl n2 open bad 4 10.77.0.2:7200 7 wrong-key
ctl n2 peer bad 1 10.77.0.1:$PORT
ctl n1 peer a1 4 10.77.0.2:7200
tap_ok "wrong secret refused by node 1, counted" wait_for 60 peer_ge a1 4 hs_auth 1
tap_ok "and by the wrong-secret node, counted" wait_for 60 peer_ge bad 1 hs_auth 1
tap_ok "nothing from the wrong-secret node was delivered" sh -c \
	"[ $(field a1 peer 4 frames_in) = 0 ] && [ $(field a1 peer 4 accepts) = 0 ]"
ctl n2 close bad
ctl n2 open bad 4 10.77.0.2:7200 8 k3y
ctl n2 peer bad 1 10.77.0.1:$PORT
tap_ok "wrong cluster refused, counted" wait_for 60 peer_ge a1 4 hs_cluster 1
ctl n2 close bad

# hostile bytes from userspace in namespace n3 to node 1
hostile() {
	before=$(field a1 listener 0 decode_errors)
	out=$(ip netns exec n3 rltp-inject "$1" 10.77.0.1 $PORT 7 1 3 1) || return 1
	echo "rltp-inject $1: $out"
	case $1 in truncated) ;; *) case $out in closed*|reject*) ;; *) return 1 ;; esac ;; esac
	# listener_ge N: read the counter anew on every try
	wait_for 10 listener_ge $((before + 1))
}
listener_ge() { ge "$(field a1 listener 0 decode_errors)" "$1"; }
for m in random oversized badcrc badversion truncated; do
	tap_ok "$m input closes the connection and is counted" hostile $m
done
ctl n2 send a2 1 10 10
tap_ok "real peers unaffected: 2 -> 1 still delivers" wait_for 30 ep_is a1 received 560

# a namespace deleted under a live endpoint (pernet pre_exit), then module
# unload with the remaining connections up
ip netns del n3
sleep 2
tap_ok "node 1 sees the deleted namespace's node go" wait_for 30 peer_is a1 3 up 0
rmmod raftlog_tpctl
tap_ok "rmmod raftlog_tpctl with live connections" sh -c "! test -d /sys/module/raftlog_tpctl"
rmmod raftlog
for i in 1 2; do ip netns del n$i; done
ip link del rlbr0
umount /tmp/rldbg
tap_done
