#!/bin/sh
# rl-test: kernels=stock timeout=300 group=single
# Quiescing idle groups (kernel/raft/quiesce.c, kernel/transport_live.c).
# Three nodes in three network namespaces on RAM disks form group 1
# (tick_ms=50, election=10: an election timeout of 0.5-1 s):
#   with nothing to do, every node says quiesced (raftctl group show)
#   within a few election timeouts, and over 5 s the nodes hand not one
#   Raft message to the transport (the raftlog_msg_send tracepoint: no
#   heartbeat; only the transport's per-node liveness probes flow);
#   a proposal on the quiet leader commits at once (well within one
#   election timeout) and the group quiesces again afterwards;
#   the quiet leader's link goes down: the followers learn from the
#   transport that its node is lost (peers_lost) and elect a new leader
#   within a few election timeouts, which commits; the cut-off leader,
#   told its peers are lost, steps down; back, it catches up.
set -u
. ./lib.sh

CTL=$(rl_debugfs raftlog/control)
T=/sys/kernel/tracing
addr() { echo "10.76.0.$1:7000"; }
dev() { echo "/dev/raftlog1.$1"; }
st() { rlprobe status "$(dev "$1")" | sed -n "s/^$2=//p"; }
create() { ip netns exec "n$1" sh -c "echo 'create $2' > $CTL"; }
others() { for i in 1 2 3; do [ "$i" = "$1" ] || echo "$i"; done; }
spec() {
	rl_spec "$1" "/dev/ram$(($1 - 1))" ",tick_ms=50,election=10,heartbeat=2" \
		$(others "$1")
}
counter() {	# counter NODE NAME
	ip netns exec "n$1" raftctl group show 1 -j | jget "0.counters.$2"
}
quiet() {	# quiet NODE...: each says quiesced
	for n in "$@"; do
		[ "$(counter "$n" quiesced)" = 1 ] || return 1
	done
}
since() { awk "BEGIN { printf \"%.2f\", $(now) - $1 }"; }

tap_plan 13
rl_need ram=3 veth bridge
for i in 1 2 3; do
	raftctl format /dev/ram$((i - 1)) --cluster-id 7 --group 1 --node $i \
		>/dev/null || exit 1
done
insmod /lib/raftlog/raftlog.ko verbose=1 || exit 1
rl_netns_bridge 10.76.0 1 2 3
for i in 1 2 3; do create $i "$(spec $i)"; done
L=$(wait_for 30 agreed_leader 1 2 3 && agreed_leader 1 2 3)
tap_ok "one leader, followed by all three (node ${L:-none})" [ -n "$L" ]
tap_ok "proposals commit" rlprobe propose "$(dev "$L")" 10 q 64

t0=$(now)
tap_ok "the idle group quiesces on every node" wait_for 15 quiet 1 2 3
echo "# quiet $(since "$t0") s after the last proposal"
ip netns exec "n$L" raftctl group show 1 | sed 's/^/# /'

mountpoint -q $T || mount -t tracefs tracefs $T
echo 0 >$T/tracing_on
echo >$T/trace
echo 1 >$T/events/raftlog/raftlog_msg_send/enable
echo 1 >$T/tracing_on
sleep 5
echo 0 >$T/events/raftlog/raftlog_msg_send/enable
sent=$(grep -c ' raftlog_msg_send: ' $T/trace)
hb=$(grep -c ' raftlog_msg_send: .*type=HEARTBEAT' $T/trace)
echo "# over 5 s: $sent messages sent, $hb heartbeats"
grep ' raftlog_msg_send: ' $T/trace | head -5 | sed 's/^/# /'
tap_ok "5 s quiet: no heartbeat, no Raft message at all ($sent sent)" \
	[ "$sent" = 0 ]
tap_ok "still quiesced after 5 s" quiet 1 2 3

w0=$(counter "$L" wakes)
t0=$(now)
rlprobe propose "$(dev "$L")" 1 wake 64 >/tmp/p.out 2>&1
took=$(since "$t0")
echo "# a proposal on the quiet leader committed in $took s"
tap_ok "a proposal on the quiet leader commits at once (${took} s < 0.5 s)" \
	awk "BEGIN { exit !($took < 0.5) }"
more_wakes() { [ "$(counter "$L" wakes)" -gt "$w0" ]; }
tap_ok "the leader counted a wake" more_wakes
tap_ok "and quiesces again" wait_for 15 quiet 1 2 3

set -- $(others "$L")
A=$1
B=$2
OLD=$L
a0=$(counter "$A" peers_lost)
b0=$(counter "$B" peers_lost)
t0=$(now)
ip link set v"$OLD" down
# a leader of A and B other than the cut-off one (which leads until it
# learns it is alone)
new_leader() { l=$(agreed_leader "$A" "$B") && [ "$l" != "$OLD" ] && echo "$l"; }
wait_for 30 new_leader >/dev/null
took=$(since "$t0")
L=$(new_leader)
echo "# quiet leader $OLD cut off: node ${L:-none} elected after $took s; peers lost: $(counter "$A" peers_lost) on $A, $(counter "$B" peers_lost) on $B"
tap_ok "the followers elect a new leader within 10 election timeouts ($took s)" \
	sh -c "[ -n '$L' ] && [ '$L' != $OLD ] && awk 'BEGIN { exit !($took < 10) }'"
told() { [ "$(counter "$A" peers_lost)" -gt "$a0" ] && [ "$(counter "$B" peers_lost)" -gt "$b0" ]; }
tap_ok "the transport told them the leader's node is lost" told
tap_ok "the new leader commits" rlprobe propose "$(dev "$L")" 5 n 64
stepped() { [ "$(st "$OLD" role)" != 3 ]; }
tap_ok "the cut-off quiet leader steps down" wait_for 20 stepped
ip link set v"$OLD" up
tap_ok "back, node $OLD catches up" wait_for 60 caught_up "$L" "$OLD"
rmmod raftlog
tap_done
