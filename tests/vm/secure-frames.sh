#!/bin/sh
# rl-test: kernels=debug timeout=420 group=cluster
# Per-frame authentication and receive-side limits of the transport
# (issue 15, peers), through raftlog_tpctl.ko and rltp-auth, a dialer
# that knows the secret (so it completes the handshake) and then sends
# what an on-path attacker or a misbehaving member could:
#   two endpoints with a secret exchange authenticated frames, small and
#   large (the receive buffer grows as the bytes arrive), in order, with
#   no MAC or sequence error;
#   good frames from rltp-auth are delivered; a tampered frame (crc
#   recomputed), a replayed one, one that skips a sequence number, one
#   without a MAC, one signed with another key, and one whose message
#   claims another sender each close the connection, are counted
#   (mac_errors, seq_errors, decode_errors) and are never delivered;
#   a wrong secret is refused at the handshake;
#   idle connections that never authenticate get a bounded share of the
#   listener (conns_refused) and the listener still serves its peers.
set -u
. ./lib.sh

CTL=$(rl_debugfs raftlog_tpctl/ctl)
PORT=7600

ctl() { echo "$*" >"$CTL"; }
st() { cat "$CTL"; }
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
recv_ge() { ge "$(epfield a1 received)" "$1"; }
# auth EXPECT ACTION...: rltp-auth as node 3 towards node 1 prints EXPECT
auth() {
	want=$1
	shift
	out=$(rltp-auth 127.0.0.1 $PORT 7 1 3 1 k3y "$@")
	echo "rltp-auth $*: $out"
	[ "$out" = "$want" ]
}
# counters of peer 3 at a1, before/after
p3() { field a1 peer 3 "$1"; }

tap_plan 20
modprobe_deps
insmod /lib/raftlog/raftlog.ko || exit 1
insmod /lib/raftlog/raftlog_tpctl.ko || exit 1
ip link set lo up

ctl open a1 1 127.0.0.1:$PORT 7 k3y
ctl open b2 2 127.0.0.1:7601 7 k3y
ctl peer a1 2 127.0.0.1:7601
ctl peer b2 1 127.0.0.1:$PORT
# node 3 is rltp-auth; a1 dials it in vain (nothing listens there)
ctl peer a1 3 127.0.0.1:7699

link_up() { eq "$(field b2 peer 1 up)" 1 && eq "$(field a1 peer 2 up)" 1; }
tap_ok "nodes 1 and 2 connect, authenticated" wait_for 60 link_up
ctl send b2 1 300 100
tap_ok "300 small authenticated frames from node 2 arrive" wait_for 60 recv_ge 300
ctl send b2 1 20 300000
tap_ok "20 frames of 300 KB (buffer grown as bytes arrive) arrive" wait_for 60 recv_ge 320
tap_ok "in order, intact, no MAC or sequence error" sh -c \
	"[ $(epfield a1 out_of_order) = 0 ] && [ $(epfield a1 bad_payload) = 0 ] &&
	 [ $(field a1 peer 2 mac_errors) = 0 ] && [ $(field a1 peer 2 seq_errors) = 0 ] &&
	 [ $(field a1 peer 2 decode_errors) = 0 ]"

base=$(epfield a1 received)
tap_ok "rltp-auth: two good frames, the connection stays open" auth open good good
tap_ok "both delivered" wait_for 10 recv_ge $((base + 2))

m0=$(p3 mac_errors) s0=$(p3 seq_errors) d0=$(p3 decode_errors)
base=$(epfield a1 received)
tap_ok "a tampered frame (crc recomputed) closes the connection" auth closed good tamper
tap_ok "counted as a MAC error" wait_for 10 eval "ge \$(p3 mac_errors) $((m0 + 1))"
tap_ok "a replayed frame closes it" auth closed good replay
tap_ok "counted as a sequence error" wait_for 10 eval "ge \$(p3 seq_errors) $((s0 + 1))"
tap_ok "a skipped sequence number closes it" auth closed skip
tap_ok "a frame without a MAC closes it" auth closed nomac
tap_ok "a frame signed with another key closes it" auth closed forged
tap_ok "a message claiming another sender closes it" auth closed good other
tap_ok "counters: 3 MAC errors, 2 sequence errors, 6 decode errors in all" \
	eval "ge \$(p3 mac_errors) $((m0 + 3)) && ge \$(p3 seq_errors) $((s0 + 2)) &&
	      ge \$(p3 decode_errors) $((d0 + 6))"
# only the good frames in front of each refused one arrived: good tamper,
# good replay, good other = 3
tap_ok "only the good frames were delivered" sh -c \
	"[ $(epfield a1 received) -eq $((base + 3)) ] && [ $(epfield a1 bad_payload) = 0 ]"
tap_ok "a wrong secret is refused at the handshake (auth)" sh -c \
	"rltp-auth 127.0.0.1 $PORT 7 1 3 1 wrong good | grep -qx 'reject 6'"

# ---- connections that never authenticate -----------------------------------
r0=$(field a1 listener 0 conns_refused)
# one process opens them all at once (spawning 48 under TCG would take
# longer than the 10 s handshake deadline that frees the slots)
rltp-inject idle 127.0.0.1 $PORT 48 >/tmp/idle.out &
idle=$!
sleep 1
base=$(epfield a1 received)
ctl send b2 1 10 100
tap_ok "the established peer is served while 48 idle ones are held" \
	wait_for 30 recv_ge $((base + 10))
wait_for 20 grep -q closed /tmp/idle.out
tap_ok "48 idle connections: the 16 beyond 32 are closed at once, counted" eval \
	"cat /tmp/idle.out; grep -qx 'closed 16 of 48' /tmp/idle.out &&
	 [ \$(field a1 listener 0 conns_refused) = $((r0 + 16)) ]"
wait $idle
tap_ok "once they are gone a new dialer authenticates" \
	wait_for 30 auth open good

ctl close a1
ctl close b2
rmmod raftlog_tpctl
rmmod raftlog
tap_done
