#!/bin/sh
# rl-test: kernels=debug,stock timeout=720 group=cluster group.stock=single
# Membership changes and leadership transfer on a real cluster: three
# nodes in three network namespaces (veth through a bridge, each on its
# own ram disk) form group 1 and commit proposals; nodes 4 and 5 boot in
# their own namespaces with an empty configuration (join=1) and are added
# as learners while proposals run.  Node 5 is only told the addresses of
# nodes 1-3: it must learn node 4's from the log (the address context of
# the conf-change entry).  Both catch up and are promoted (5 voters on
# every node).  Node 1 restarts with only nodes 2 and 3 in its spec and
# must find 4 and 5's addresses in its log to lead them.  Leadership goes
# to node 5 on request, then nodes 4 and 5
# (the leader) are removed: 3 voters everywhere, the removed leader stops,
# and every node's log agrees.  Bad requests get their errno.  Unload
# with groups running leaves KASAN/kmemleak/lockdep silent.
set -u
. ./lib.sh

CTL=$(rl_debugfs raftlog/control)
PORT=7000
addr() { echo "10.77.0.$1:$PORT"; }
dev() { echo "/dev/raftlog1.$1"; }

st() { rlprobe status "$(dev "$1")" | sed -n "s/^$2=//p"; }
# ctl NODE ERRNO COMMAND: a control command in node's namespace
ctl() { ip netns exec n$1 rlprobe ctl $CTL "$2" "$3"; }
create() { ip netns exec n$1 sh -c "echo 'create $2' > $CTL"; }

spec() { n=$1; shift; rl_spec "$n" "/dev/ram$((n - 1))" "" "$@"; }

leader_is() {
	l=$(agreed_leader "$@") && [ "$l" = "$LEAD" ]
}
# conf_is VOTERS LEARNERS NODE...: every node shows that configuration
conf_is() {
	v=$1 l=$2
	shift 2
	for n in "$@"; do
		[ "$(st "$n" voters)" = "$v" ] && [ "$(st "$n" learners)" = "$l" ] ||
			return 1
	done
}
# same_log LAST NODE...: identical records 1..LAST on every node
same_log() {
	last=$1
	shift
	d0=$(rlprobe digest "$(dev "$1")" "$last") || return 1
	for n in "$@"; do
		d=$(rlprobe digest "$(dev "$n")" "$last") || return 1
		echo "node $n: 1..$last $d"
		[ "$d" = "$d0" ] || return 1
	done
}
propose() { rlprobe propose "$(dev "$1")" "$2" "$3" 64; }

tap_plan 34
modprobe_deps
# the test kernel has 4 ram disks built in; legacy autoload makes a fifth
[ -b /dev/ram0 ] || modprobe brd rd_nr=5 rd_size=65536
[ -b /dev/ram4 ] || mknod /dev/ram4 b 1 4
rl_need ram=5 veth bridge
for n in 1 2 3 4 5; do
	raftctl format /dev/ram$((n - 1)) --cluster-id 7 --group 1 --node $n \
		>/dev/null || exit 1
done
insmod /lib/raftlog/raftlog.ko || exit 1

rl_netns_bridge 10.77.0 1 2 3 4 5

create 1 "$(spec 1 2 3)"
create 2 "$(spec 2 1 3)"
create 3 "$(spec 3 1 2)"
tap_ok "three nodes elect one leader" wait_for 60 agreed_leader 1 2 3
LEAD=$(agreed_leader 1 2 3)
echo "# leader $LEAD"
tap_ok "proposals commit on the 3-node group" propose "$LEAD" 20 a

# nodes 4 and 5 boot empty; 5 knows only the original members
create 4 "$(spec 4 join 1 2 3)"
create 5 "$(spec 5 join 1 2 3)"
tap_ok "a joining node boots with no configuration and no leader" \
	sh -c "[ $(st 4 voters) = 0 ] && [ $(st 4 leader) = 0 ] && [ $(st 4 commit) = 0 ]"

# proposals run while the group grows
propose "$LEAD" 150 bg >/tmp/bg.out 2>&1 &
bg=$!
tap_ok "add node 4 as a learner (on the leader)" \
	ctl "$LEAD" 0 "member add 1 4@$(addr 4)"
tap_ok "add node 5 as a learner" ctl "$LEAD" 0 "member add 1 5@$(addr 5)"
tap_ok "every node sees 3 voters and 2 learners" \
	wait_for 60 conf_is 3 2 1 2 3 4 5
tap_ok "proposals made during the changes all committed" wait "$bg"
cat /tmp/bg.out
tap_ok "learners 4 and 5 caught up with the leader" \
	wait_for 60 caught_up "$LEAD" 4 5
no_address_trouble() {
	! dmesg | grep -E "cannot add peer|no address for member"
}
tap_ok "every member's address was known where it was needed" no_address_trouble

# bad requests, each with its errno
F=1
[ "$LEAD" = 1 ] && F=2
tap_ok "adding a member twice: EEXIST" ctl "$LEAD" EEXIST "member add 1 4@$(addr 4)"
tap_ok "promoting an unknown node: ENOENT" ctl "$LEAD" ENOENT "member promote 1 9"
follower_refuses() {
	ctl "$F" EREMOTE "member promote 1 4" && [ "$(st "$F" leader)" = "$LEAD" ]
}
tap_ok "a follower refuses and names the leader: EREMOTE" follower_refuses
tap_ok "transfer to a learner: EINVAL" ctl "$LEAD" EINVAL "transfer 1 4"
tap_ok "transfer to the leader itself: EALREADY" ctl "$LEAD" EALREADY "transfer 1 $LEAD"
malformed() {
	ctl "$LEAD" EINVAL "member add 1 6@nowhere" &&
		ctl "$LEAD" EINVAL "member add 1 0@$(addr 5)" &&
		ctl "$LEAD" EINVAL "member promote 1 x"
}
tap_ok "malformed address, node 0, a bad number: EINVAL" malformed

promote_both() {
	ctl "$LEAD" 0 "member promote 1 4" && ctl "$LEAD" 0 "member promote 1 5"
}
tap_ok "promote nodes 4 and 5" promote_both
tap_ok "every node sees 5 voters, no learner" wait_for 60 conf_is 5 0 1 2 3 4 5
tap_ok "promoting a voter again: EALREADY" ctl "$LEAD" EALREADY "member promote 1 5"

# node 1 restarts from its device with only nodes 2 and 3 in its spec:
# it must find nodes 4 and 5's addresses in its log to lead them
ip netns exec n1 sh -c "echo 'destroy 1' > $CTL"
create 1 "$(spec 1 2 3)"
tap_ok "node 1 restarted from its device; the five agree on a leader" \
	wait_for 60 agreed_leader 1 2 3 4 5
LEAD=$(agreed_leader 1 2 3 4 5)
echo "# leader $LEAD"
to_node1() {
	[ "$LEAD" = 1 ] || ctl "$LEAD" 0 "transfer 1 1"
}
tap_ok "leadership to the restarted node 1" to_node1
LEAD=1
tap_ok "nodes 4 and 5 follow node 1 (its log gave it their addresses)" \
	wait_for 60 leader_is 1 2 3 4 5
tap_ok "leadership transferred to node 5 on request" ctl "$LEAD" 0 "transfer 1 5"
LEAD=5
tap_ok "all five nodes follow node 5" wait_for 60 leader_is 1 2 3 4 5
tap_ok "node 5 leads proposals" propose 5 20 t

tap_ok "remove node 4 (a follower)" ctl 5 0 "member remove 1 4"
tap_ok "remove node 5 (the leader itself)" ctl 5 0 "member remove 1 5"
tap_ok "nodes 1-3 elect a leader among themselves" wait_for 60 agreed_leader 1 2 3
LEAD=$(agreed_leader 1 2 3)
echo "# leader $LEAD"
tap_ok "3 voters and no learner on nodes 1-3" wait_for 30 conf_is 3 0 1 2 3
tap_ok "node 4 added again under its old id: ESTALE (ids are not reused)" \
	ctl "$LEAD" ESTALE "member add 1 4@$(addr 4)"
removed_stopped() {
	[ $(($(st 5 flags) & 3)) = 3 ] || return 1
	! printf x | dd of="$(dev 5)" bs=1 count=1 2>/dev/null
}
tap_ok "the removed leader stopped: status says removed, writes fail" \
	wait_for 30 removed_stopped

propose "$LEAD" 20 z
wait_for 60 caught_up "$LEAD" 1 2 3
C=$(st "$LEAD" commit)
A4=$(st 4 applied)
A5=$(st 5 applied)
all_tagged() {
	for n in 1 2 3; do
		for t in "a 20" "bg 150" "t 20" "z 20"; do
			set -- $t
			rlprobe check "$(dev "$n")" "$1" "$2" 64 || return 1
		done
	done
}
tap_ok "nodes 1-3 have every tagged entry exactly once, in order" all_tagged
logs_agree() {
	same_log "$C" 1 2 3 && same_log "$A4" 1 4 && same_log "$A5" 1 5
}
tap_ok "all logs agree: 1..$C on nodes 1-3, 1..$A4 on 4, 1..$A5 on 5" \
	logs_agree

# a single voter cannot be removed; a group without transport adds nobody
echo "create id=2,node=1" >$CTL
single_leads() { [ "$(rlprobe status /dev/raftlog2 | sed -n 's/^role=//p')" = 3 ]; }
wait_for 30 single_leads
single_refuses() {
	rlprobe ctl $CTL ERANGE "member remove 2 1" &&
		rlprobe ctl $CTL EOPNOTSUPP "member add 2 2@$(addr 2)" &&
		rlprobe ctl $CTL ENOENT "member remove 3 1"
}
tap_ok "last voter: ERANGE; no transport: EOPNOTSUPP; no such group: ENOENT" \
	single_refuses

ip netns exec n4 sh -c "echo 'destroy 1' > $CTL"
ip netns exec n5 sh -c "echo 'destroy 1' > $CTL"
rmmod raftlog
tap_ok "removed nodes destroyed, rmmod with four groups running" \
	sh -c "! test -d /sys/module/raftlog"
tap_done
