#!/bin/sh
# rl-test: kernels=debug,stock timeout=600 group=cluster group.stock=single
# A real 3-node group: three network namespaces joined by veth through a
# bridge, each node with its own RAM disk, created through the debugfs
# control from inside its namespace (device /dev/raftlog1.<node>).
#   one leader is elected and every node agrees on it;
#   entries proposed on every node (write(), RAFTLOG_IOC_PROPOSE, io_uring)
#   read back identically and in the same order on all three;
#   the leader's link goes down: the other two elect a new leader within a
#   few election timeouts and keep committing, the cut-off node commits
#   nothing (its write fails) and steps down; it rejoins and catches up to
#   an identical log (its uncommitted entry overwritten);
#   a follower's group is destroyed and recreated on its device: it keeps
#   its log and catches up on what was committed while it was down;
#   compaction: "compact 1 INDEX" on the leader; a follower cut off over
#   the compacted range comes back through InstallSnapshot and then
#   entries, and read() below its new first index fails with ERANGE;
#   that follower restarts from a device holding the snapshot;
#   module unload with the cluster running.
set -u
. ./lib.sh

CTL=$(rl_debugfs raftlog/control)
TICK=50
ELECTION=20
# the longest randomized election timeout, in seconds
ETO=$(awk "BEGIN { print 2 * $ELECTION * $TICK / 1000 }")
ERANGE=34

spec() {
	s="id=1,node=$1,cluster=7,dev=/dev/ram$(($1 - 1)),listen=10.77.0.$1:7000"
	s="$s,tick_ms=$TICK,election=$ELECTION,heartbeat=2"
	for j in 1 2 3; do
		[ "$j" = "$1" ] || s="$s,peer=$j@10.77.0.$j:7000"
	done
	echo "$s"
}
ctl() {	# ctl NODE COMMAND...: a control command in NODE's namespace
	n=$1
	shift
	ip netns exec "n$n" sh -c "echo '$*' > $CTL"
}
dev() { echo "/dev/raftlog1.$1"; }
st() { rlprobe status "$(dev "$1")" | sed -n "s/^$2=//p"; }
since() { awk "BEGIN { printf \"%.2f\", $(now) - $1 }"; }
mark() { echo "# [$(now)] $*"; }
# the time the kernel logged the first "is leader" after uptime $1
leader_logged() {
	dmesg | awk -v t="$1" '/raftlog: group 1: node .* is leader in term/ {
		ts = substr($0, 2, index($0, "]") - 2) + 0
		if (ts > t) { print ts; exit } }'
}
# agreed NODE...: exactly one of NODEs leads and all of them follow it
agreed() {
	devs=
	for i in "$@"; do devs="$devs $(dev "$i")"; done
	rlprobe roles $devs >/tmp/roles || return 1
	awk '$2 == 3 { n++; ldr = $1 } END {
		if (n != 1) { print n + 0 " leaders"; exit 1 }
		print ldr }' /tmp/roles >/tmp/leader.new || { cat /tmp/roles; return 1; }
	awk -v l="$(cat /tmp/leader.new)" '$3 != l { bad = 1 } END { exit bad }' \
		/tmp/roles || { cat /tmp/roles; return 1; }
	mv /tmp/leader.new /tmp/leader
}
leader() { cat /tmp/leader; }
others() { for i in 1 2 3; do [ "$i" = "$1" ] || echo "$i"; done; }
# caught NODE REF: NODE has applied everything REF has
caught() { [ "$(st "$1" applied)" -ge "$(st "$2" applied)" ]; }
# same_logs FROM NODE...: identical committed records from FROM on
same_logs() {
	from=$1
	shift
	ref=
	for i in "$@"; do
		rlprobe dump "$(dev "$i")" "$from" >/tmp/dump.$i || return 1
		if [ -z "$ref" ]; then
			ref=$i
			echo "node $i: $(wc -l </tmp/dump.$i) records from $from"
		elif ! cmp /tmp/dump.$ref /tmp/dump.$i; then
			diff /tmp/dump.$ref /tmp/dump.$i | head -20
			return 1
		fi
	done
	[ -s /tmp/dump.$ref ]
}
# converge NODE...: all reach the first one's applied index, same logs
converge() {
	a=$(st "$1" applied)
	for i in "$@"; do
		rlprobe wait "$(dev "$i")" "$a" 30000 || return 1
	done
	same_logs 0 "$@"
}
checks() {	# checks NODE TAG N [SIZE]...: TAG's entries all there, in order
	n=$1
	shift
	while [ $# -ge 3 ]; do
		rlprobe check "$(dev "$n")" "$1" "$2" "$3" || return 1
		shift 3
	done
}

tap_plan 33
rl_need ram=3 veth bridge
# role changes with timestamps on the console, to read elections from
echo 1 >/sys/module/printk/parameters/time 2>/dev/null
insmod /lib/raftlog/raftlog.ko verbose=1 || exit 1
rl_netns_bridge 10.77.0 1 2 3
for i in 1 2 3; do
	raftctl format /dev/ram$((i - 1)) --cluster-id 7 --group 1 --node $i >/dev/null
done
tap_ok "namespaces reach each other" ip netns exec n1 ping -c1 -W5 10.77.0.3

t0=$(now)
for i in 1 2 3; do ctl $i create "$(spec $i)"; done
tap_ok "three nodes, one device each" sh -c \
	"test -c $(dev 1) && test -c $(dev 2) && test -c $(dev 3) && ! test -e /dev/raftlog1"
tap_ok "exactly one leader, followed by all three" wait_for 60 agreed 1 2 3
echo "# first leader: node $(leader) after $(since "$t0") s"
sleep 2
L=$(leader)
same_leader() { agreed 1 2 3 && [ "$(leader)" = "$1" ]; }
tap_ok "the leadership is stable (node $L still leads 2 s later)" same_leader "$L"

# entries from every node, through every interface
ok=1
for i in 1 2 3; do
	rlprobe propose "$(dev $i)" 20 w$i 100 >/tmp/p.out 2>&1 || { ok=0; cat /tmp/p.out; }
	rlprobe ipropose "$(dev $i)" 10 p$i >/tmp/p.out 2>&1 || { ok=0; cat /tmp/p.out; }
done
tap_ok "write() and the PROPOSE ioctl commit on leader and followers" [ $ok = 1 ]
F=$(others "$L" | head -1)
tap_ok "io_uring: 64 proposals in flight on follower $F" \
	rlprobe uring "$(dev "$F")" 64 u
tap_ok "all three logs identical, in the same order" converge "$L" 1 2 3
ok=1
for i in 1 2 3; do
	checks $i w1 20 100 w2 20 100 w3 20 100 p1 10 0 p2 10 0 p3 10 0 u 64 0 \
		>/tmp/c.out 2>&1 || { ok=0; cat /tmp/c.out; }
done
tap_ok "every node reads each proposer's entries, complete and in order" [ $ok = 1 ]

# the leader is cut off
OLD=$L
set -- $(others "$OLD")
A=$1
B=$2
commit_old=$(st "$OLD" commit)
t0=$(now)
R0=$(cat /sys/module/raftlog/refcnt)
mark "link of node $OLD down"
ip link set v"$OLD" down
# a process proposes on it at once (before it notices it is alone) and
# exits without reaping: see "io_uring at teardown" below
rlprobe uring-abandon "$(dev "$OLD")" 4 b 300 >/tmp/ab.out 2>&1 &
AB=$!
tap_ok "nodes $A and $B elect a new leader without node $OLD" \
	wait_for 30 agreed "$A" "$B"
poll=$(since "$t0")
elect=$poll
L=$(leader)
# the kernel's own timestamp, without the polling's latency
kt=$(leader_logged "$t0")
[ -n "$kt" ] && elect=$(awk "BEGIN { printf \"%.2f\", $kt - $t0 }")
echo "# new leader: node $L, elected $elect s after the cut (kernel log; polling saw it after $poll s); election timeout <= $ETO s"
tap_ok "elected within 10 election timeouts" \
	awk "BEGIN { exit !($elect < 10 * $ETO) }"
tap_ok "proposals continue on the majority" sh -c \
	"rlprobe propose $(dev "$A") 15 m$A 50 && rlprobe propose $(dev "$B") 15 m$B 50"
tap_ok "the cut-off node $OLD cannot commit a write" \
	rlprobe tryprop "$(dev "$OLD")" 3
sed 's/^/# /' /tmp/tap.out
tap_ok "the cut-off node $OLD stepped down and committed nothing" sh -c \
	"[ \$(rlprobe status $(dev "$OLD") | sed -n 's/^role=//p') != 3 ] &&
	 [ \$(rlprobe status $(dev "$OLD") | sed -n 's/^commit=//p') = $commit_old ]"
# io_uring at teardown: the process above exited with proposals (and a
# barrier) still waiting on the cut-off node, whose entries cannot commit
# while it is alone.  The process itself never waits for them.  With
# command cancellation (6.7+) the module completes them with ECANCELED as
# the ring is torn down, and the ring lets go of the device at once; 6.1
# has no cancellation: the ring's teardown (a kernel worker) waits until
# each command has its outcome (a barrier fails when the node steps down;
# a proposal only once the node is back and learns whether its entry
# committed), keeping the device open (the module's use count up, so it
# cannot be unloaded) meanwhile.
gone() { s=$(awk '/^State/ { print $2 }' /proc/$1/status 2>/dev/null); [ -z "$s" ] || [ "$s" = Z ]; }
users() { cat /sys/module/raftlog/refcnt; }
exited_closed() { gone $AB && [ "$(users)" = "$R0" ]; }
exited_open() { gone $AB && [ "$(users)" -gt "$R0" ]; }
sed 's/^/# /' /tmp/ab.out
abp=$(sed -n 's/^in flight at exit: \([0-9]*\) proposal.*/\1/p' /tmp/ab.out)
kv=$(uname -r | awk -F. '{ print $1 * 100 + $2 }')
if [ "$kv" -ge 607 ]; then
	tap_ok "io_uring: a process exiting with ${abp:-?} proposal(s) in flight on the cut-off node is gone, its commands cancelled at teardown (device closed: module use count back to $R0)" \
		wait_for 10 exited_closed
elif [ "${abp:-0}" -gt 0 ]; then
	tap_ok "io_uring on $(uname -r): a process exiting with $abp proposal(s) in flight on the cut-off node is gone, but its ring waits for their outcome (no cancellation: the device stays open, module use count above $R0)" \
		wait_for 10 exited_open
	echo "# module use count $(users) with the ring waiting, $R0 before"
else
	tap_ok "io_uring on $(uname -r): no proposal was still in flight at exit (the node had stepped down already); process gone, device closed" \
		wait_for 10 exited_closed
fi
t0=$(now)
mark "link of node $OLD up"
ip link set v"$OLD" up
tap_ok "node $OLD rejoins and catches up" wait_for 60 caught "$OLD" "$L"
tap_ok "its abandoned io_uring commands got their outcome: the ring let go of the device (module use count $R0)" \
	wait_for 30 exited_closed
wait $AB 2>/dev/null
kt=$(dmesg | awk -v t="$t0" -v n="$OLD" '$0 ~ "node " n " is follower in term" {
	ts = substr($0, 2, index($0, "]") - 2) + 0; if (ts > t) { print ts; exit } }')
echo "# node $OLD caught up $(since "$t0") s after its link came back (polling); follows the leader again after $(awk "BEGIN { printf \"%.2f\", ${kt:-0} - $t0 }") s (kernel log)"
tap_ok "node $OLD's log is identical (its uncommitted entry overwritten)" \
	converge "$L" 1 2 3
tap_ok "node $OLD follows node $L" agreed 1 2 3

# a follower restarts from its device
F=$(others "$L" | head -1)
destroyed() { ctl "$1" destroy 1 && ! test -e "$(dev "$1")"; }
tap_ok "follower $F destroyed" destroyed "$F"
rlprobe propose "$(dev "$L")" 25 down 30 >/dev/null
ctl "$F" create "$(spec "$F")"
tap_ok "follower $F recreated on its device catches up" \
	wait_for 60 caught "$F" "$L"
kept() {
	checks "$1" w1 20 100 p2 10 0 down 25 30 && converge "$2" 1 2 3
}
tap_ok "it kept its log and has what was committed while it was down" \
	kept "$F" "$L"

# compaction: a follower cut off over the compacted range comes back
# through InstallSnapshot, a reader it had below the snapshot gets ERANGE
first_is() { [ "$(st "$1" first)" = "$2" ]; }
snapped() { caught "$1" "$2" && first_is "$1" "$3"; }
agreed 1 2 3 >/dev/null
L=$(leader)
set -- $(others "$L")
S=$1
T=$2
rm -f /tmp/go
rlprobe holdread "$(dev "$S")" 1 /tmp/go $ERANGE >/tmp/hold.out 2>&1 &
HOLD=$!
wait_for 10 grep -q ready /tmp/hold.out
mark "link of node $S down"
ip link set v"$S" down
# TCP delivers what the leader sent while the link was down once it is back,
# so only entries the leader never sent make the follower need a snapshot:
# 200 proposals, one APPEND each, overflow its in-flight window (64).
rlprobe propose "$(dev "$L")" 200 s 40 >/dev/null
A=$(st "$L" applied)
tap_ok "compact 1 $A on leader $L" ctl "$L" compact 1 "$A"
# next_of NODE PEER: the next index NODE's leader will send PEER
next_of() {
	ip netns exec "n$1" raftctl group show 1 -j >/tmp/show.json
	k=0
	while id=$(jget "0.members.$k.id" </tmp/show.json); do
		[ "$id" = "$2" ] && { jget "0.members.$k.next" </tmp/show.json; return; }
		k=$((k + 1))
	done
	return 1
}
N=$(next_of "$L" "$S")
tap_ok "follower $S lacks entries the leader compacted away (next $N)" \
	[ "${N:-0}" -ge 1 -a "${N:-0}" -le "$A" ]
tap_ok "leader's first index is now $((A + 1)); lseek below it: ERANGE" \
	sh -c "[ \$(rlprobe status $(dev "$L") | sed -n 's/^first=//p') = $((A + 1)) ] &&
	       rlprobe holdread $(dev "$L") 1 /tmp/go $ERANGE"
bad_compact() {
	! ctl "$L" compact 1 0 && ! ctl "$L" compact 1 "$A" &&
	! ctl "$L" compact 1 99999999 && ! ctl "$L" compact 9 1 &&
	! ctl "$L" compact 1 && first_is "$L" $((A + 1))
}
tap_ok "compact at 0, again at $A, beyond applied, of no group: refused" bad_compact
rlprobe propose "$(dev "$L")" 10 t 0 >/dev/null
t0=$(now)
mark "link of node $S up"
ip link set v"$S" up
# on failure, what the leader and the follower think of each other
snap_caught() {
	wait_for 60 snapped "$S" "$L" $((A + 1)) && return
	for i in "$L" "$S"; do ip netns exec "n$i" raftctl group show 1; done
	return 1
}
tap_ok "follower $S catches up through InstallSnapshot (first index $((A + 1)))" \
	snap_caught
echo "# follower $S back through a snapshot $(since "$t0") s after its link came back"
touch /tmp/go
# wait in this shell: the reader is its child, not a child of a sh -c
held_erange() {
	wait "$HOLD"
	cat /tmp/hold.out
	grep -q 'Numerical result out of range' /tmp/hold.out
}
tap_ok "its reader held at index 1 gets ERANGE" held_erange
after_snap() {
	a=$(st "$L" applied)
	for i in 1 2 3; do
		rlprobe wait "$(dev "$i")" "$a" 30000 || return 1
	done
	same_logs $((A + 1)) 1 2 3 && checks "$S" t 10 0
}
tap_ok "logs identical after the snapshot on all three; entries after it in order" \
	after_snap
# restarts from a device holding a snapshot: the follower, then the leader
ctl "$S" destroy 1
rlprobe propose "$(dev "$L")" 5 v 0 >/dev/null
ctl "$S" create "$(spec "$S")"
tap_ok "follower $S restarts from its snapshot and catches up" \
	wait_for 60 snapped "$S" "$L" $((A + 1))
ctl "$L" destroy 1
tap_ok "leader $L destroyed: $S and $T elect another" wait_for 30 agreed "$S" "$T"
OLD=$L
L=$(leader)
rlprobe propose "$(dev "$L")" 5 w 0 >/dev/null
ctl "$OLD" create "$(spec "$OLD")"
tap_ok "node $OLD restarts from its own snapshot and catches up" \
	wait_for 60 snapped "$OLD" "$L" $((A + 1))
tap_ok "logs identical after the snapshot on all three" after_snap

rmmod raftlog
tap_ok "rmmod with the cluster running" sh -c "! test -d /sys/module/raftlog"
for i in 1 2 3; do ip netns del n$i; done
ip link del rlbr0
umount /tmp/rldbg
tap_done
