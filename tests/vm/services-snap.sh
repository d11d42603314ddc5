#!/bin/sh
# rl-test: kernels=stock timeout=300 group=single
# rlkv snapshots (issue 18) through the application-snapshot interface.
# Three nodes in three network namespaces run group 1 with an rlkv server
# each, saving a snapshot every 50 applied entries (rlkv serve
# --snapshot-every 50):
#  - 300 keys are put through all three servers (12 clients) (and a lock granted, a
#    key deleted): every server saves snapshots, every node's log is
#    compacted past index 1;
#  - node 4 joins after that: it gets the leader's snapshot through
#    InstallSnapshot, and its rlkv server restores from it ("restored from
#    snapshot at index I", I > 1; its log starts after I, so it did not
#    replay from index 1) and serves every key (stale and linearizable
#    gets), the deleted key and the lock with its fencing token as the
#    others do; with more puts it saves snapshots of its own;
#  - node 1's rlkv server, restarted, restores from its own snapshot and
#    serves every key;
#  - node 2 holds hostile bytes as its application snapshot: its rlkv
#    server refuses them with the reason and exits 1 (no crash);
#  - rlkv bench: 2 s of puts, then 2 s of linearizable gets, 4
#    connections to one server: a well-formed JSON line each, ops > 0,
#    nothing failed (backpressure aside), p50 <= p99.
# Unloading with the group running leaves KASAN/kmemleak/lockdep silent.
set -u
. ./lib.sh

CTL=$(rl_debugfs raftlog/control)
W=/tmp/svcsnap
EVERY=50
NKEYS=300
mkdir -p $W
addr() { echo "10.81.0.$1:7000"; }
dev() { echo "/dev/raftlog1.$1"; }
sock() { echo "$W/kv$1.sock"; }
st() { rlprobe status "$(dev "$1")" | sed -n "s/^$2=//p"; }
ctl() { ip netns exec n$1 rlprobe ctl $CTL "$2" "$3"; }
create() { ip netns exec n$1 sh -c "echo 'create $2' > $CTL"; }
spec() { n=$1; shift; rl_spec "$n" "/dev/ram$((n - 1))" ",tick_ms=50" "$@"; }
log() { echo "# [$(now)] $*"; }
# serve NODE: start NODE's rlkv server, its pid in $W/srvNODE.pid
serve() {
	rm -f "$(sock "$1")"
	rlkv serve "$(dev "$1")" "$(sock "$1")" --snapshot-every $EVERY \
		2>>"$W/srv$1.err" &
	echo $! >"$W/srv$1.pid"
}
unserve() {
	kill "$(cat "$W/srv$1.pid")" 2>/dev/null
	wait "$(cat "$W/srv$1.pid")" 2>/dev/null
	rm -f "$W/srv$1.pid"
}
up() { rlkv -s "$(sock "$1")" status >/dev/null; }
kv() { n=$1; shift; rlkv -s "$(sock "$n")" "$@"; }
# field NODE NAME: NAME's number in the status line of NODE's server
field() { echo " $(kv "$1" status)" | sed -n "s/.* $2 \([0-9]*\).*/\1/p"; }
# keys NODE CMD STEP: CMD (sget or get) of every STEP-th key on NODE;
# the number of answers that are not "ok v<i>"
keys() {
	seq 0 "$3" $((NKEYS - 1)) | awk -v c="$2" '{ print c " k" $1 }' |
		rlkv -s "$(sock "$1")" batch >"$W/keys.out" || { echo 9999; return; }
	awk -v s="$3" -v n=$NKEYS '$0 != "ok v" ((NR - 1) * s) { bad++ }
		END { print bad + (NR != int((n - 1) / s) + 1 ? 9999 : 0) }' "$W/keys.out"
}
# put_keys NODE... : keys 0..NKEYS-1 put in parallel, one client per
# NODE given, the i-th key by the (i mod #NODEs)-th; succeeds when every
# put answered ok
put_keys() {
	j=0 pids=""
	rm -f "$W"/put.*.out
	for n in "$@"; do
		seq 0 $((NKEYS - 1)) | awk -v j=$j -v m=$# \
			'$1 % m == j { print "put k" $1 " v" $1 }' |
			rlkv -s "$(sock "$n")" batch >"$W/put.$j.out" &
		pids="$pids $!"
		j=$((j + 1))
	done
	for p in $pids; do
		wait "$p"
	done
	ok=$(cat "$W"/put.*.out | grep -c '^ok ')
	echo "# $ok puts acknowledged"
	cat "$W"/put.*.out | grep -v '^ok ' | sort | uniq -c | sed 's/^/# not ok: /' 
	test "$ok" = $NKEYS
}
caught() { test "$(field "$1" applied)" -ge "$(st "$1" commit)"; }

tap_plan 16
rl_need ram=4 veth bridge
[ -b /dev/ram3 ] || mknod /dev/ram3 b 1 3
for n in 1 2 3 4; do
	raftctl format /dev/ram$((n - 1)) --cluster-id 7 --group 1 --node $n \
		--force >/dev/null || exit 1
done
insmod /lib/raftlog/raftlog.ko || exit 1
rl_netns_bridge 10.81.0 1 2 3 4
create 1 "$(spec 1 2 3)"
create 2 "$(spec 2 1 3)"
create 3 "$(spec 3 1 2)"
log "step"
tap_ok "three nodes elect one leader" wait_for 60 agreed_leader 1 2 3
L=$(agreed_leader 1 2 3)
for n in 1 2 3; do
	serve $n
done
servers() { up 1 && up 2 && up 3; }
tap_ok "an rlkv server on every node, a snapshot every $EVERY entries" \
	wait_for 30 servers

t0=$(uptime_s)
fill() {
	kv 1 lock L owner1 600000 >"$W/lock" &&
		kv 2 put gone x >/dev/null && kv 3 del gone >/dev/null &&
		put_keys 1 2 3 1 2 3 1 2 3 1 2 3
}
tap_ok "$NKEYS keys put through the three servers, a lock granted, a key deleted" fill
log "filled in $(($(uptime_s) - t0)) s; lock: $(cat "$W/lock")"
TOKEN=$(awk '{ print $2 }' "$W/lock")
compacted() {
	for n in 1 2 3; do
		echo "# node $n: first $(st $n first) app_snap_index $(st $n app_snap_index) applied $(st $n applied)"
		test "$(st $n first)" -gt 1 && test "$(st $n app_snap_index)" -gt 1 &&
			grep -q "saved snapshot at index" "$W/srv$n.err" || return 1
	done
}
tap_ok "every server saved snapshots, every node's log is compacted past 1" \
	wait_for 20 compacted

L=$(agreed_leader 1 2 3)
create 4 "$(spec 4 join 1 2 3)"
grow() {
	ctl "$L" 0 "member add 1 4@$(addr 4)" &&
		wait_for 60 caught_up "$L" 4
}
log "step"
tap_ok "node 4 joins after the compaction and catches up" grow
I=$(dmesg | sed -n 's/.*group 1: node 4 installed a snapshot at \([0-9]*\) .*/\1/p' | tail -1)
tap_ok "node 4 installed the leader's snapshot (at ${I:-none}), its log starts after it" \
	sh -c "[ -n '$I' ] && [ '$I' -gt 1 ] && [ \$(rlprobe status $(dev 4) | sed -n 's/^first=//p') -gt '$I' ]"
serve 4
restored() {
	grep "restored from snapshot" "$W/srv4.err" &&
		grep -q "restored from snapshot at index $I " "$W/srv4.err" &&
		test "$(field 4 restored)" = "$I"
}
tap_ok "node 4's rlkv restored from snapshot at index $I, not from index 1" \
	wait_for 30 restored
served() {
	wait_for 30 caught 4 >/dev/null
	s=$(keys 4 sget 1)
	g=$(keys 4 get 5)
	echo "# node 4: $s of $NKEYS stale gets wrong, $g of $((NKEYS / 5)) linearizable"
	test "$s" = 0 && test "$g" = 0 &&
		kv 4 get gone | grep -qx "ok -" &&
		kv 4 lockinfo L | grep "^held owner1 $TOKEN "
}
tap_ok "node 4 serves every key (every 5th also linearizably), the deleted one and lock L (token $TOKEN)" served

more() {
	n0=$NKEYS
	NKEYS=$((EVERY * 2))	# keys 0..2*EVERY-1 again, the same values
	put_keys 4 4 4 4 1 2 3 4 4 4 4 4
	NKEYS=$n0
	wait_for 30 caught 4 >/dev/null
	echo "# node 4: rlkv snapshot $(field 4 snapshot), device app_snap_index $(st 4 app_snap_index)"
	test "$(st 4 app_snap_index)" -gt "$I" && test "$(field 4 snapshot)" -gt "$I" &&
		grep -q "saved snapshot at index" "$W/srv4.err"
}
log "step"
tap_ok "$((EVERY * 2)) more puts: node 4's rlkv saves snapshots of its own" more

unserve 1
: >"$W/srv1.err"
serve 1
r1() { grep "restored from snapshot" "$W/srv1.err" && caught 1; }
tap_ok "node 1's rlkv, restarted, restores from its own snapshot" wait_for 30 r1
tap_ok "and serves every key" test "$(keys 1 sget 1)" = 0

s=$(kv 3 snapshot)
echo "# node 3: $s"
log "step"
tap_ok "a snapshot on request (rlkv snapshot)" \
	sh -c "echo '$s' | grep -q '^snapshot [0-9]* [0-9]*$' && [ \$(rlprobe status $(dev 3) | sed -n 's/^app_snap_index=//p') = $(echo "$s" | cut -d' ' -f2) ]"

# node 2 holds hostile bytes as its snapshot: its server refuses them
unserve 2
kv 1 put last one >/dev/null
wait_for 20 caught_up 1 2 >/dev/null
rlappsnap save "$(dev 2)" "$(st 2 applied)" 4096 9 | sed 's/^/# /'
: >"$W/srv2.err"
hostile() {
	timeout 30 rlkv serve "$(dev 2)" "$(sock 2)" --snapshot-every $EVERY \
		2>"$W/srv2.err"
	rc=$?
	sed 's/^/# /' "$W/srv2.err"
	test $rc = 1 && grep -q "refusing the application snapshot at index .*: not an rlkv snapshot (bad magic)" "$W/srv2.err"
}
tap_ok "node 2's rlkv refuses a hostile snapshot with the reason, exits 1" hostile

# bench OP: rlkv bench -j of OP on node 1's server (4 connections, 2 s);
# its JSON line must parse, with answers, no failure, p50 <= p99
bench() {
	kv 1 bench -c 4 -d 2 -k 100 -j "$1" >"$W/bench.$1.json"
	rc=$?
	echo "# $(cat "$W/bench.$1.json")"
	v=$(rljson "$W/bench.$1.json" ops failed latency_us.p50 latency_us.p99) || return 1
	# shellcheck disable=SC2086
	set -- $v
	echo "# ops $1, failed $2, p50 $3 us, p99 $4 us"
	test $rc = 0 && test "$1" -gt 0 && test "$2" = 0 &&
		awk -v a="$3" -v b="$4" 'BEGIN { exit !(a > 0 && a <= b) }'
}
log "step"
tap_ok "rlkv bench put: 2 s, 4 connections, sane figures" bench put
tap_ok "rlkv bench get (through the read barrier): 2 s, 4 connections, sane figures" bench get
sed 's/^/# /' "$W/bench.put.json" "$W/bench.get.json"

for n in 1 3 4; do
	unserve $n
done
for n in 1 2 3 4; do
	echo "# srv$n: $(grep -c 'saved snapshot' "$W/srv$n.err") snapshots saved"
	grep -v 'saved snapshot' "$W/srv$n.err" | sed "s/^/# srv$n: /"
done
log "step"
tap_ok "unload with the group running" rmmod raftlog
tap_done
