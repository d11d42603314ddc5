#!/bin/sh
# rl-test: kernels=stock timeout=300 group=single
# The raftlog tracepoints (kernel/rl_trace.h) and the latency histograms.
# With every event of the raftlog system enabled through tracefs, three
# nodes in three network namespaces elect a leader, commit proposals, a
# reader reads them, every node compacts, an empty node 4 joins as a
# learner behind the compacted prefix (the leader sends it a snapshot,
# it installs it) and is removed again (the leader sees it go), and the
# leader removes itself (its group stops: EIDRM).  Each event must have
# fired with the fields of what happened (group, node, indexes, message
# type and size, latencies).
# raftctl stats --prometheus: the commit and persist histograms and the
# counters move by what was proposed.
set -u
. ./lib.sh

CTL=$(rl_debugfs raftlog/control)
T=/sys/kernel/tracing
addr() { echo "10.79.0.$1:7000"; }
dev() { echo "/dev/raftlog1.$1"; }
st() { rlprobe status "$(dev "$1")" | sed -n "s/^$2=//p"; }
ctl() { ip netns exec n$1 rlprobe ctl $CTL "$2" "$3"; }
create() { ip netns exec n$1 sh -c "echo 'create $2' > $CTL"; }
spec() { n=$1; shift; rl_spec "$n" "/dev/ram$((n - 1))" ",tick_ms=20" "$@"; }
# ev EVENT PATTERN: a line of the trace of EVENT matching PATTERN (grep -E)
ev() {
	grep -E " raftlog_$1: .*$2" /tmp/trace.txt >/dev/null || {
		echo "# no raftlog_$1 line matching: $2"
		grep " raftlog_$1: " /tmp/trace.txt | tail -3 | sed 's/^/# /'
		return 1
	}
}
# metric NAME LABELS: the value of a sample of raftctl stats --prometheus
# in node N's namespace (NS set)
metric() {
	ip netns exec n$NS raftctl stats --prometheus |
		awk -v k="$1{$2}" '$1 == k { print $2 }'
}

tap_plan 23
rl_need ram=4 veth bridge
for n in 1 2 3 4; do
	raftctl format /dev/ram$((n - 1)) --cluster-id 7 --group 1 --node $n \
		>/dev/null || exit 1
done
mountpoint -q $T || mount -t tracefs tracefs $T
insmod /lib/raftlog/raftlog.ko || exit 1
fields() {
	grep -q 'field:u64 latency_ns' $T/events/raftlog/raftlog_persisted/format &&
	grep -q 'field:u64 size' $T/events/raftlog/raftlog_msg_send/format &&
	grep -q 'field:u8 type' $T/events/raftlog/raftlog_msg_recv/format &&
	for e in propose propose_done persisted commit read msg_send msg_recv \
		election_start election_win election_lose role snapshot_send \
		snapshot_install compact peer group_fail; do
		test -f $T/events/raftlog/raftlog_$e/format || return 1
	done
}
tap_ok "the module adds the 16 raftlog events, with their fields" fields
echo 8192 >$T/buffer_size_kb
echo >$T/trace
echo 1 >$T/events/raftlog/enable
tap_ok "every raftlog event enabled" \
	sh -c "[ \"\$(cat $T/events/raftlog/enable)\" = 1 ]"

rl_netns_bridge 10.79.0 1 2 3 4
create 1 "$(spec 1 2 3)"
create 2 "$(spec 2 1 3)"
create 3 "$(spec 3 1 2)"
tap_ok "three nodes elect one leader" wait_for 60 agreed_leader 1 2 3
L=$(agreed_leader 1 2 3)
NS=$L
echo "# leader $L"
c0=$(metric raftlog_commit_latency_seconds_count "group=\"1\",node=\"$L\"")
p0=$(metric raftlog_proposals_total "group=\"1\",node=\"$L\"")
echo "# before: commit latency count ${c0:-?}, proposals ${p0:-?}"
tap_ok "20 proposals of 100 bytes commit on the leader" \
	rlprobe propose "$(dev "$L")" 20 tp 100
tap_ok "a reader reads them" rlprobe check "$(dev "$L")" tp 20 100
tap_ok "every node has them" wait_for 60 caught_up "$L" 1 2 3
c1=$(metric raftlog_commit_latency_seconds_count "group=\"1\",node=\"$L\"")
p1=$(metric raftlog_proposals_total "group=\"1\",node=\"$L\"")
f1=$(metric raftlog_persist_latency_seconds_count "group=\"1\",node=\"$L\"")
inf=$(metric raftlog_commit_latency_seconds_bucket "group=\"1\",node=\"$L\",le=\"+Inf\"")
echo "# after: commit latency count ${c1:-?} (+Inf ${inf:-?}), proposals ${p1:-?}, persist count ${f1:-?}"
tap_ok "stats: commit latency samples and proposals grew by the 20 proposals" sh -c "
	[ -n '$c0' ] && [ -n '$c1' ] && [ \$(($c1 - $c0)) -ge 20 ] &&
	[ \$((${p1:-0} - ${p0:-0})) -ge 20 ] && [ '$inf' = '$c1' ]"
tap_ok "stats: the leader's persist latency histogram has samples" \
	sh -c "[ ${f1:-0} -gt 0 ]"

X=$(st "$L" applied)
compact_all() {
	for n in 1 2 3; do
		ctl "$n" 0 "compact 1 $X" || return 1
	done
}
tap_ok "every node compacts at $X" compact_all
create 4 "$(spec 4 join 1 2 3)"
tap_ok "node 4 joins as a learner behind the compacted prefix" \
	ctl "$L" 0 "member add 1 4@$(addr 4)"
tap_ok "node 4 catches up (a snapshot, then entries)" \
	wait_for 60 caught_up "$L" 4
tap_ok "node 4 removed again" ctl "$L" 0 "member remove 1 4"
wait_for 30 grep -q " raftlog_peer: group=1 node=$L peer=4 up=0" $T/trace
# a removed follower need not hear of its removal; a removed leader does
tap_ok "the leader removes itself" ctl "$L" 0 "member remove 1 $L"
wait_for 30 grep -q " raftlog_group_fail: group=1 node=$L err=-43" $T/trace
echo 0 >$T/events/raftlog/enable
cat $T/trace >/tmp/trace.txt
echo "# $(grep -c ' raftlog_' /tmp/trace.txt) raftlog events traced"
grep ' raftlog_' /tmp/trace.txt | sed 's/.* \(raftlog_[a-z_]*\):.*/\1/' |
	sort | uniq -c | sed 's/^/# /'

tap_ok "election_start, election_win and role: the leader's campaign" sh -c "
	grep -qE ' raftlog_election_start: group=1 node=$L term=[1-9]' /tmp/trace.txt &&
	grep -qE ' raftlog_election_win: group=1 node=$L term=[1-9][0-9]* leader=$L role=leader' /tmp/trace.txt &&
	grep -qE ' raftlog_role: group=1 node=$L old_role=[a-z-]+ role=leader' /tmp/trace.txt"
tap_ok "propose and propose_done: 20 proposals of 100 bytes, committed with a latency" sh -c "
	[ \$(grep -cE ' raftlog_propose: group=1 node=$L id=[0-9]+ len=100 err=0' /tmp/trace.txt) -ge 20 ] &&
	[ \$(grep -cE ' raftlog_propose_done: group=1 node=$L id=[0-9]+ index=[1-9][0-9]* term=[1-9][0-9]* err=0 latency_ns=[1-9]' /tmp/trace.txt) -ge 20 ]"
tap_ok "persisted: entries durable with a latency, on every node" sh -c "
	for n in 1 2 3; do
		grep -qE \" raftlog_persisted: group=1 node=\$n index=[1-9][0-9]* term=[1-9][0-9]* latency_ns=[1-9]\" /tmp/trace.txt || exit 1
	done"
tap_ok "commit: the entries applied, up to $X and past, on every node" sh -c "
	for n in 1 2 3; do
		grep -E \" raftlog_commit: group=1 node=\$n first=[0-9]+ last=[0-9]+ count=[1-9]\" /tmp/trace.txt |
			sed 's/.* last=\([0-9]*\).*/\1/' | awk -v x=$X '\$1 >= x { ok = 1 } END { exit !ok }' || exit 1
	done"
# read: the whole log (the 20 proposals and more) in one call, with bytes
read_ev() {
	ev read "group=1 node=$L from=1 to=[0-9]+ dev_records=[0-9]+ bytes=[1-9][0-9]* err=0" &&
	grep -E " raftlog_read: group=1 node=$L from=1 " /tmp/trace.txt |
		sed 's/.* to=\([0-9]*\) .*/\1/' | awk '$1 > 21 { ok = 1 } END { exit !ok }'
}
tap_ok "read: the entries a read() returned, with their bytes" read_ev
msgs() {
	ev msg_send "group=1 node=$L type=APPEND from=$L to=[1-3] term=[1-9][0-9]* index=[0-9]+ entries=[1-9][0-9]* size=[1-9][0-9]{2,} err=0" &&
	ev msg_recv "group=1 node=$L type=APPEND_RESP from=[1-3] to=$L " &&
	ev msg_send "type=(PRE)?VOTE from=[1-3] " &&
	ev msg_recv "type=HEARTBEAT from=$L "
}
tap_ok "msg_send and msg_recv: type, peers and size" msgs
tap_ok "compact: every node at $X" sh -c "
	for n in 1 2 3; do
		grep -qE \" raftlog_compact: group=1 node=\$n index=$X err=0\" /tmp/trace.txt || exit 1
	done"
tap_ok "snapshot_send to node 4 and snapshot_install on it, at or past $X" sh -c "
	grep -qE ' raftlog_snapshot_send: group=1 node=$L to=4 index=[0-9]+ term=[1-9][0-9]* offset=0 len=[1-9][0-9]* done=1 err=0' /tmp/trace.txt &&
	grep -E ' raftlog_snapshot_install: group=1 node=4 index=[0-9]+' /tmp/trace.txt |
		sed 's/.* index=\([0-9]*\).*/\1/' | awk -v x=$X '\$1 >= x { ok = 1 } END { exit !ok }'"
tap_ok "peer: up on every node, node 4 down at its removal; group_fail (EIDRM) on the removed leader" sh -c "
	grep -qE ' raftlog_peer: group=1 node=1 peer=[23] up=1' /tmp/trace.txt &&
	grep -qE ' raftlog_peer: group=1 node=$L peer=4 up=1' /tmp/trace.txt &&
	grep -qE ' raftlog_peer: group=1 node=$L peer=4 up=0' /tmp/trace.txt &&
	grep -qE ' raftlog_group_fail: group=1 node=$L err=-43' /tmp/trace.txt"

echo 0 >$T/events/raftlog/enable
rmmod raftlog
tap_ok "rmmod: the raftlog events are gone" sh -c "! test -d $T/events/raftlog"
tap_done
