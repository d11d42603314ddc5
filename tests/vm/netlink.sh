#!/bin/sh
# rl-test: kernels=debug,stock timeout=900 group=single
# The generic netlink family and raftctl, end to end:
#   a single-node group created, shown (raftctl group show -j, parsed with
#   jget), tuned, proposed to and read with raftctl alone; raftctl monitor
#   reports its start, its election and its end;
#   every refusal has its errno and an extended ack naming the attribute:
#   missing attributes, wrong types, out-of-range values, unknown
#   attributes, a nonexistent device, a device that is not a block device,
#   one in use, unformatted, or formatted for other ids, a duplicate group
#   id, an address in use, inconsistent parameters; an unprivileged caller
#   gets EPERM for every mutation but may read the status;
#   three nodes in three network namespaces (veth, routed, a cluster
#   secret) elect one leader, replicate a proposal made on a follower,
#   report their members' progress and connections, and the monitor of
#   node 1 sees the election and its peers come up and go down, and only
#   its own namespace's events; every group destroyed with raftctl; the
#   module unloads with a group running (KASAN/kmemleak checked by the
#   harness).
set -u
. ./lib.sh

# iproute2, not busybox's applet of the same name (no netns support)
in_ns() { ns=$1; shift; ip netns exec "$ns" "$@"; }

# field [NS] GROUP PATH: one value of raftctl group show GROUP -j
field() {
	if [ $# -eq 3 ]; then
		in_ns "$1" raftctl group show "$2" -j | jget "0.$3"
	else
		raftctl group show "$1" -j | jget "0.$2"
	fi
}
is() { [ "$(field "$@" 2>/dev/null | tail -1)" = "$VAL" ]; }
# expect_is VALUE [NS] GROUP PATH
expect_is() { VAL=$1; shift; is "$@"; }
ge() { [ "${1:-0}" -ge "$2" ]; }

# refused CODE ERRTEXT EXTACK CMD...: CMD exits CODE, stderr has both texts
refused() {
	code=$1 etext=$2 ack=$3
	shift 3
	"$@" >/tmp/out 2>&1
	rc=$?
	cat /tmp/out
	[ $rc -eq "$code" ] && grep -qF -- "$etext" /tmp/out &&
		grep -qF -- "$ack" /tmp/out
}
# raw WANT CMD ATTRS...: rlnl prints a line matching WANT (grep -E)
raw() {
	want=$1
	shift
	out=$(rlnl "$@")
	echo "rlnl $*: $out"
	echo "$out" | grep -qE -- "$want"
}

tap_plan 68
modprobe -q crc32c_generic 2>/dev/null || true
modprobe_deps
[ -b /dev/ram3 ] || modprobe brd rd_nr=4 rd_size=65536
# built in on the test kernel, modules on the stock one
modprobe -q veth 2>/dev/null || true
# the initramfs root is 0700: let the unprivileged user reach the tools
chmod 755 /
insmod /lib/raftlog/raftlog.ko || exit 1

# ---- single node ----------------------------------------------------
raftctl format /dev/ram0 --cluster-id 7 --group 1 --node 1 >/dev/null
raftctl format /dev/ram2 --cluster-id 7 --group 3 --node 1 >/dev/null
dd if=/dev/zero of=/dev/ram1 bs=64k count=16 2>/dev/null
raftctl monitor -j >/tmp/mon0 2>&1 &
mon0=$!
raftctl monitor >/tmp/mon0.txt 2>&1 &
mon0t=$!
sleep 1
tap_ok "raftctl group add 1 dev /dev/ram0 node 1 creates /dev/raftlog1" \
	sh -c "raftctl group add 1 dev /dev/ram0 node 1 cluster-id 7 tick-ms 20 &&
	       test -c /dev/raftlog1"
tap_ok "the single node elects itself: show -j says role leader" \
	wait_for 30 expect_is leader 1 role
tap_ok "show -j: leader 1, one member (self, voter), chardev raftlog1" eval \
	"[ \$(field 1 leader) = 1 ] && [ \$(field 1 members.#) = 1 ] &&
	 [ \$(field 1 members.0.self) = true ] &&
	 [ \$(field 1 members.0.kind) = voter ] &&
	 [ \$(field 1 chardev) = raftlog1 ]"
tap_ok "show -j: storage ok on /dev/ram0, no secret set" eval \
	"[ \$(field 1 storage.state) = ok ] && [ \$(field 1 device) = /dev/ram0 ] &&
	 [ \$(field 1 auth) = false ] && [ \$(field 1 tick_ms) = 20 ]"
tap_ok "raftctl propose 1 hello prints the index and term it committed at" \
	sh -c "raftctl propose 1 hello | tee /tmp/prop | grep -qE '^index [0-9]+ term [0-9]+$'"
idx=$(sed -n 's/^index \([0-9]*\) .*/\1/p' /tmp/prop)
tap_ok "raftctl tail 1 -j shows the entry at that index" sh -c \
	"raftctl tail 1 -j --from $idx -n 1 | grep -qF '\"index\":$idx,' &&
	 raftctl tail 1 --from $idx | grep -q '^$idx [0-9]* data 5 hello$'"
for i in 1 2 3 4 5 6 7 8 9 10; do raftctl propose 1 "entry-$i" >/dev/null; done
tap_ok "counters: 11 proposals, commits include them, bytes, one election won" eval \
	"[ \$(field 1 counters.proposals) = 11 ] &&
	 ge \$(field 1 counters.commits) 12 &&
	 ge \$(field 1 counters.commit_bytes) 64 &&
	 [ \$(field 1 counters.elections_won) = 1 ] &&
	 ge \$(field 1 counters.elections_started) 1"
tap_ok "counters: fsyncs and their latency are measured" eval \
	"ge \$(field 1 counters.fsyncs) 1 && ge \$(field 1 counters.fsync_samples) 1 &&
	 ge \$(field 1 counters.fsync_usec_max) 1"
tap_ok "status: commit = applied = last index = storage durable index" eval \
	"c=\$(field 1 commit); [ \$c = \$(field 1 applied) ] &&
	 [ \$c = \$(field 1 last_index) ] && [ \$c = \$(field 1 storage.durable_index) ]"
raftctl group show 1 | sed 's/^/# /'
tap_ok "human output names role, leader and members" sh -c \
	"raftctl group show 1 | tee /tmp/show | grep -q '^group 1  node 1  cluster 7  leader  term [0-9]*  leader 1 (self)' &&
	 grep -qE '^  1\\*  +voter' /tmp/show"
tap_ok "group set 1 max-pending 10 max-entry 100: shown back" eval \
	"raftctl group set 1 max-pending 10 max-entry 100 &&
	 [ \$(field 1 max_pending) = 10 ] && [ \$(field 1 max_entry) = 100 ]"
tap_ok "a 101-byte proposal is now refused (EMSGSIZE)" \
	refused 1 "Message too long" "propose" raftctl propose 1 \
	"$(printf '%0101d' 0)"
tap_ok "the monitor saw group-up and the role change to leader" sh -c \
	"grep -q '\"event\":\"group-up\",\"group\":1,\"node\":1' /tmp/mon0 &&
	 grep -q '\"event\":\"role\",\"group\":1,\"node\":1,\"role\":\"leader\"' /tmp/mon0 &&
	 grep -q '^group 1 node 1: leader leader term [0-9]* leader 1' /tmp/mon0.txt"

# ---- refusals ---------------------------------------------------------
tap_ok "duplicate group id: EEXIST, extack on group-id" \
	refused 1 "File exists" "group id exists in this network namespace (attribute group-id)" \
	raftctl group add 1 node 1 volatile
tap_ok "nonexistent device: ENOENT, extack on device" \
	refused 3 "No such file or directory" "no such block device (attribute device)" \
	raftctl group add 2 dev /dev/nonexistent node 1
tap_ok "not a block device: ENOTBLK, extack on device" \
	refused 1 "Block device required" "not a block device (attribute device)" \
	raftctl group add 2 dev /dev/null node 1
tap_ok "device held by group 1: EBUSY, extack on device" \
	refused 7 "busy" "block device is in use (attribute device)" \
	raftctl group add 2 dev /dev/ram0 node 1
tap_ok "unformatted device: EUCLEAN, extack says raftctl format" \
	refused 1 "Structure needs cleaning" "raftctl format) (attribute device)" \
	raftctl group add 2 dev /dev/ram1 node 1
tap_ok "device formatted for group 3: ESTALE, extack on device" \
	refused 1 "Stale file handle" "other cluster, group or node ids (attribute device)" \
	raftctl group add 2 dev /dev/ram2 node 1 cluster-id 7
busybox nc -l -p 7300 >/dev/null 2>&1 &
ncpid=$!
sleep 0.5
tap_ok "listen address in use: EADDRINUSE, extack on listen" \
	refused 1 "Address already in use" "listen address in use (attribute listen)" \
	raftctl group add 4 node 1 volatile listen 127.0.0.1:7300 peer 2@127.0.0.1:7301
kill $ncpid 2>/dev/null
tap_ok "peers without listen: EINVAL, missing attribute listen" \
	refused 6 "Invalid argument" "needs a listen address (missing attribute listen)" \
	raftctl group add 4 node 1 peer 2@127.0.0.1:7301
tap_ok "heartbeat not below election: EINVAL, extack on heartbeat-ticks" \
	refused 6 "Invalid argument" "(attribute heartbeat-ticks)" \
	raftctl group add 4 node 1 heartbeat-ticks 20
tap_ok "peer with this node's id: EINVAL, extack on the peer id" \
	refused 6 "Invalid argument" "peer id is this node's id (attribute peer id)" \
	raftctl group add 4 node 1 listen 127.0.0.1:7302 peer 1@127.0.0.1:7303
tap_ok "duplicate peer id: EINVAL" \
	refused 6 "Invalid argument" "duplicate peer id (attribute peer id)" \
	raftctl group add 4 node 1 listen 127.0.0.1:7302 peer 2@127.0.0.1:7303 peer 2@127.0.0.1:7304
tap_ok "peer address that does not parse: EINVAL, extack on the address" \
	refused 6 "Invalid argument" "(attribute peer address)" \
	raftctl group add 4 node 1 listen 127.0.0.1:7302 peer 2@nowhere
tap_ok "listen address that does not parse: EINVAL, extack on listen" \
	refused 6 "Invalid argument" "(attribute listen)" \
	raftctl group add 4 node 1 listen 10.1.2.3
tap_ok "group del of a group that does not exist: ENOENT" \
	refused 3 "No such file or directory" "no such group in this network namespace (attribute group-id)" \
	raftctl group del 9
tap_ok "group show of a group that does not exist: ENOENT" \
	refused 3 "No such file or directory" "no such group" raftctl group show 9
tap_ok "member add to a group that does not exist: ENOENT" \
	refused 3 "No such file or directory" "no such group" \
	raftctl member add 9 2@127.0.0.1:7001
tap_ok "member add of this node itself: EEXIST, extack on member-id" \
	refused 1 "File exists" "that is this node (attribute member-id)" \
	raftctl member add 1 1@127.0.0.1:7001
tap_ok "leader transfer to this node itself: EINVAL, extack on member-id" \
	refused 6 "Invalid argument" "(attribute member-id)" \
	raftctl leader transfer 1 to 1
# raw requests: CMD numbers and attribute types of uapi/linux/raftlog.h
tap_ok "GROUP_NEW without node id: EINVAL, missing type 3 (NODE_ID)" \
	raw '^error EINVAL msg="missing node id" miss=3$' 1 2=u32:5
tap_ok "GROUP_NEW without group id: EINVAL, missing type 2 (GROUP_ID)" \
	raw '^error EINVAL msg="missing group id" miss=2$' 1 3=u64:1
tap_ok "group id 0: ERANGE, points at GROUP_ID" \
	raw '^error ERANGE msg="[^"]*range[^"]*" offs=2$' 1 2=u32:0 3=u64:1
tap_ok "group id as u64 (wrong type): EINVAL, points at GROUP_ID" \
	raw '^error EINVAL msg="[^"]+" offs=2$' 1 2=u64:5 3=u64:1
tap_ok "node id as a string (wrong type): EINVAL, points at NODE_ID" \
	raw '^error EINVAL msg="[^"]+" offs=3$' 1 2=u32:5 3=str:one
tap_ok "tick_ms 20000: ERANGE, points at TICK_MS" \
	raw '^error ERANGE msg="[^"]*range[^"]*" offs=9$' 1 2=u32:5 3=u64:1 9=u32:20000
tap_ok "max_pending 0: ERANGE, points at MAX_PENDING" \
	raw '^error ERANGE msg="[^"]*" offs=13$' 1 2=u32:5 3=u64:1 13=u32:0
tap_ok "65-byte secret: ERANGE, points at SECRET" \
	raw '^error ERANGE msg="[^"]*" offs=8$' 1 2=u32:5 3=u64:1 \
	8=raw:12345678901234567890123456789012345678901234567890123456789012345
tap_ok "device path of 200 bytes: EINVAL/ERANGE, points at DEVICE" \
	raw '^error E(INVAL|RANGE) msg="[^"]*" offs=5$' 1 2=u32:5 3=u64:1 \
	5=str:/dev/$(printf '%0200d' 0)
tap_ok "an attribute GROUP_DEL does not take: EINVAL" \
	raw '^error EINVAL msg="[^"]*" offs=5$' 2 2=u32:1 5=str:/dev/ram0
tap_ok "peer without address: EINVAL, missing PEER_A_ADDR in the nest" \
	raw '^error EINVAL msg="a peer needs an id and an address" offs=7 miss=3$' \
	1 2=u32:5 3=u64:1 6=str:127.0.0.1:7310 7=nest:2=u64:2
tap_ok "peer id 0: ERANGE, points into the nest" \
	raw '^error ERANGE msg="[^"]*" offs=7002$' 1 2=u32:5 3=u64:1 \
	6=str:127.0.0.1:7310 7=nest:2=u64:0
tap_ok "COMPACT without an index: EINVAL, missing INDEX (17)" \
	raw '^error EINVAL msg="missing index" miss=17$' 9 2=u32:1
tap_ok "COMPACT to index 0: ERANGE, points at INDEX" \
	raw '^error ERANGE msg="[^"]*" offs=17$' 9 2=u32:1 17=u64:0
tap_ok "GROUP_SET with nothing to change: EINVAL" \
	raw '^error EINVAL msg="nothing to change[^"]*" miss=13$' 4 2=u32:1
tap_ok "an unknown command: EOPNOTSUPP" raw '^error EOPNOTSUPP' 99 2=u32:1
tap_ok "no group was created by any refused request" eval \
	"[ \$(raftctl group show -j | jget '#') = 1 ]"

# ---- permissions --------------------------------------------------------
tap_ok "unprivileged group add: EPERM, exit 4" \
	refused 4 "Operation not permitted" "group add" \
	rl-asuser 1000 raftctl group add 5 node 1
all_eperm() {
	for c in 'group del 1' 'group set 1 max-pending 5' 'member remove 1 2' \
		 'leader transfer 1 to 2' 'compact 1 upto 1'; do
		# shellcheck disable=SC2086
		rl-asuser 1000 raftctl $c >/tmp/eperm 2>&1
		rc=$?
		cat /tmp/eperm
		[ $rc = 4 ] && grep -q 'Operation not permitted' /tmp/eperm || return 1
	done
}
tap_ok "unprivileged group del, set, member, leader, compact: EPERM, exit 4" all_eperm
tap_ok "unprivileged group show is allowed" eval \
	"[ \$(rl-asuser 1000 raftctl group show 1 -j | jget 0.role) = leader ]"
# CAP_NET_ADMIN counts in the user namespace owning the network namespace:
# an unprivileged user's own namespaces may hold a (volatile) group, which
# goes away with them
userns_group() {
	rl-asuser 1000 unshare -U -r -n sh -c \
		'raftctl group add 7 node 1 volatile tick-ms 20 &&
		 set -- /dev/raftlog7.1.ns* && test -c "$1" &&
		 raftctl group show -j | jget 0.group' >/tmp/userns 2>&1
	rc=$?
	cat /tmp/userns
	# (its device carries the namespace's inode: raftlog7.1.ns<inode>)
	[ $rc = 0 ] && [ "$(tail -1 /tmp/userns)" = 7 ] &&
		wait_for 30 eval '! ls /dev/raftlog7.1* >/dev/null 2>&1'
}
tap_ok "a user namespace's owner may create a group in its network namespace; gone with it" \
	userns_group
tap_ok "and the initial namespace never saw that group" eval \
	"[ \$(raftctl group show -j | jget '#') = 1 ]"
tap_ok "group 1 is untouched" eval "[ \$(field 1 max_pending) = 10 ]"

# ---- three nodes in three namespaces ------------------------------------
# one veth per namespace, the initial namespace routes between them (no
# bridge: the stock guest lacks its stp/llc modules)
echo 1 >/proc/sys/net/ipv4/ip_forward
for i in 1 2 3; do
	ip netns add n$i
	ip link add v$i type veth peer name e$i
	ip link set e$i netns n$i
	ip addr add 10.77.$i.1/24 dev v$i
	ip link set v$i up
	ip -n n$i addr add 10.77.$i.2/24 dev e$i
	ip -n n$i link set e$i up
	ip -n n$i link set lo up
	ip -n n$i route add default via 10.77.$i.1
	raftctl format /dev/ram$i --cluster-id 9 --group 10 --node $i --force >/dev/null
done
tap_ok "the namespaces reach each other" in_ns n1 ping -c1 -W5 10.77.3.2
printf 'c1uster-s3cret\n' >/tmp/secret
in_ns n1 raftctl monitor -j >/tmp/mon1 2>&1 &
mon1=$!
sleep 1
add_node() {
	i=$1
	peers=""
	for j in 1 2 3; do
		[ $j = $i ] || peers="$peers peer $j@10.77.$j.2:7400"
	done
	# shellcheck disable=SC2086
	in_ns n$i raftctl group add 10 dev /dev/ram$i node $i cluster-id 9 \
		listen 10.77.$i.2:7400 $peers secret-file /tmp/secret tick-ms 20
}
add_all() {
	add_node 1 && add_node 2 && add_node 3 &&
		test -c /dev/raftlog10.1 && test -c /dev/raftlog10.2 &&
		test -c /dev/raftlog10.3
}
tap_ok "three nodes created with raftctl, one per namespace" add_all
one_leader() {
	l=$(field n1 10 leader)
	[ -n "$l" ] && [ "$l" != 0 ] && [ "$(field n2 10 leader)" = "$l" ] &&
		[ "$(field n3 10 leader)" = "$l" ]
}
tap_ok "the three agree on one leader" wait_for 120 one_leader
L=$(field n1 10 leader)
echo "# leader is node $L"
leader_view() {
	in_ns n$L raftctl group show 10 -j >/tmp/lv || return 1
	cat /tmp/lv
	[ "$(jget 0.role </tmp/lv)" = leader ] &&
		[ "$(jget 0.members.# </tmp/lv)" = 3 ] &&
		[ "$(jget 0.auth </tmp/lv)" = true ] || return 1
	for m in 0 1 2; do
		[ "$(jget 0.members.$m.self </tmp/lv)" = true ] && continue
		[ "$(jget 0.members.$m.connected </tmp/lv)" = true ] &&
			ge "$(jget 0.members.$m.match </tmp/lv)" 1 &&
			ge "$(jget 0.members.$m.next </tmp/lv)" 2 &&
			[ "$(jget 0.members.$m.progress </tmp/lv)" = replicate ] &&
			ge "$(jget 0.members.$m.frames_out </tmp/lv)" 1 || return 1
	done
}
tap_ok "the leader's show -j: 3 voters, followers connected, replicating, matched" \
	wait_for 30 leader_view
in_ns n$L raftctl group show 10 | sed 's/^/# /'
F=1
[ $L = 1 ] && F=2
tap_ok "a proposal on follower $F commits (forwarded to the leader)" eval \
	"in_ns n$F raftctl propose 10 from-follower | grep -q '^index '"
tail_has() { in_ns n$1 raftctl tail 10 -j | grep -q '"data":"from-follower"'; }
tap_ok "every node's tail shows it" eval \
	"wait_for 30 tail_has 1 && wait_for 30 tail_has 2 && wait_for 30 tail_has 3"
tap_ok "the secret is never reported back" eval \
	"! in_ns n1 raftctl group show -j | grep -q c1uster && ! in_ns n1 raftctl group show | grep -q c1uster"
tap_ok "monitor in n1: leader event naming node $L, peers 2 and 3 up" sh -c \
	"grep -q '\"event\":\"leader\",\"group\":10,\"node\":1,.*\"leader\":$L' /tmp/mon1 &&
	 grep -q '\"event\":\"peer-up\",\"group\":10,\"node\":1,\"peer\":2' /tmp/mon1 &&
	 grep -q '\"event\":\"peer-up\",\"group\":10,\"node\":1,\"peer\":3' /tmp/mon1"
in_ns n3 raftctl group del 10
peer3_down() { grep -q '"event":"peer-down","group":10,"node":1,"peer":3' /tmp/mon1; }
tap_ok "node 3 deleted: the monitor in n1 reports peer 3 down" wait_for 60 peer3_down
tap_ok "n1's monitor only saw n1's events (node 1, group 10)" sh -c \
	"! grep -v '\"group\":10,\"node\":1' /tmp/mon1 | grep -q event"
del_rest() {
	in_ns n1 raftctl group del 10 && in_ns n2 raftctl group del 10 || return 1
	for i in 1 2 3; do
		[ "$(in_ns n$i raftctl group show -j | jget '#')" = 0 ] || return 1
	done
	! test -e /dev/raftlog10.1
}
tap_ok "nodes 1 and 2 deleted with raftctl; every namespace shows no group" del_rest
kill $mon1 2>/dev/null
for i in 1 2 3; do ip netns del n$i; done

# ---- the end --------------------------------------------------------------
tap_ok "monitor in the initial namespace saw nothing of the namespaces' groups" \
	sh -c "! grep -q '\"group\":10' /tmp/mon0"
kill $mon0 $mon0t 2>/dev/null
wait 2>/dev/null
rmmod raftlog
tap_ok "rmmod with group 1 running" sh -c "! test -d /sys/module/raftlog"
tap_ok "raftctl without the module: exit 5 and says so" \
	refused 5 "is raftlog.ko loaded" "raftlog" raftctl group show
tap_done
