#!/bin/sh
# rl-test: kernels=debug timeout=900 group=cluster
# The fault campaign: a 3-node group in three network namespaces (veth
# through a bridge, one RAM disk each) while one client per node proposes
# without pause, and a nemesis that in turn
#   kills the leader (tears its group down) and restarts it from its disk,
#   partitions the leader from the majority, isolates a follower,
#   cuts the leader's inbound traffic only (one-way partition),
#   adds loss, delay and reordering on every link (tc netem),
#   transfers leadership to another node,
#   restarts every node in turn (rolling restart),
#   crashes a node like a power cut (its disk keeps only what was flushed
#   or written FUA, rebuilt from a dm-log-writes log; the node must stop,
#   failed, on the EIO of its dying disk) and restarts it,
#   or (every other round, from the first) cuts the power of the leader
#   and a follower at once after they committed entries alone (the third
#   node cut off: only their disks hold those entries), heals and
#   restarts both,
#   grows the group to four and shrinks it back while a follower is cut
#   off, handing the leadership to the newcomer in between (the newcomer
#   joins as a learner and is promoted once its match index, as the
#   leader's `raftctl group show -j` gives it, reached the leader's last
#   index at the time it joined, as README tells operators to do).
# Every round (and the rolling restart and the membership change in it)
# starts by archiving the committed log (for the checker) and
# compacting every node's log up to there, so restarts recover from a
# snapshot and newcomers catch up through InstallSnapshot, and every round
# costs the same.  The setup stops the script (Bail out!) when the guest
# lacks what it needs or the cluster never formed.
# Then it heals everything, waits for the nodes to catch up, dumps every
# node's committed log and hands logs, the archive and client histories
# to rlcheck:
# one committed prefix, every acknowledged proposal exactly once where it
# was acknowledged, nothing that failed definitely, nothing never
# proposed, all caught up.  While the leader is cut off from the majority
# its commit index must not move.
#
# Arguments (rlargs): rounds=N (nemesis rounds, default 1), minutes=M
# (instead: as many rounds as start within M minutes), rate=R (each
# client proposes at most R entries a second, default 3, 0: no limit; a
# round's log is read back by every restart and newcomer),
# faults=A+B+... (which faults, in order; default kill_leader,
# partition_leader, isolate_follower, one_way, netem, transfer_leader,
# rolling_restart, power_cut, membership; power_cut is power_cut_pair in
# odd rounds and crash_restart in even ones, so that one round, as make
# check runs it, has the pair power cut and costs one power cut),
# hold=S (how long the pair power cut's two nodes commit alone before
# the power goes, default 2 s),
# module=PATH (the raftlog.ko to test; the harness self-test passes a
# deliberately broken build), expect=fail (the self-test: pass only if
# rlcheck finds violations).
set -u
. ./lib.sh

rounds=1 minutes=0 module=/lib/raftlog/raftlog.ko expect=pass rate=3 PAIR_HOLD=2
nemesis="kill_leader partition_leader isolate_follower one_way netem transfer_leader rolling_restart power_cut membership"
for a in "$@"; do
	case $a in
	rounds=*) rounds=${a#rounds=} ;;
	minutes=*) minutes=${a#minutes=} ;;
	faults=*) nemesis=$(echo "${a#faults=}" | tr '+' ' ') ;;
	module=*) module=${a#module=} ;;
	expect=*) expect=${a#expect=} ;;
	rate=*) rate=${a#rate=} ;;
	hold=*) PAIR_HOLD=${a#hold=} ;;
	esac
done

CTL=$(rl_debugfs raftlog/control)
# no udev in the guest: dmsetup makes its nodes itself
export DM_DISABLE_UDEV=1
N=3
# the slot (network namespace, address, disk) of the node the membership
# fault adds and removes again, and that node's id: a fresh one every
# time, as a removed node's id is not reused (a node that joins under the
# id of one removed earlier finds its own removal in the log it catches
# up on, and stops)
X=4
XID=$X
PORT=7000
TICK=50
faults=0
W=/tmp/campaign
mkdir -p $W

addr() { echo "10.0.0.$1"; }
dev() { echo "/dev/raftlog1.$1"; }
ram() { echo "/dev/ram$(($1 - 1))"; }
# the disks are device-mapper devices over RAM disks, so that a crash can
# swap a logging target in underneath a running node
disk() { echo "/dev/mapper/rl$1"; }
# slot NODE: where node NODE runs (nodes past N run in slot X)
slot() { if [ "$1" -le $N ]; then echo "$1"; else echo $X; fi; }
spec() {
	s="id=1,node=$1,cluster=7,dev=$(disk "$(slot "$1")"),listen=$(addr "$(slot "$1")"):$PORT,tick_ms=$TICK"
	if [ "$1" -gt $N ]; then
		s="$s,join=1"	# it learns its configuration from the leader
	fi
	for j in $(seq 1 $N); do
		[ "$j" = "$1" ] || s="$s,peer=$j@$(addr "$j"):$PORT"
	done
	echo "$s"
}
# ctl NODE COMMAND: the debugfs control of NODE; why it failed (the
# errno's text) is left in $W/ctl.err
ctl() { ip netns exec "n$(slot "$1")" sh -c "echo '$2' > $CTL" 2>$W/ctl.err; }
ctl_why() { sed 's/^.*: //' $W/ctl.err | tail -1; }
# ctl_leader COMMAND: on whichever node leads, retried for up to 20 s
# (leaders change under the nemesis; a change still in progress is EBUSY)
ctl_leader() {
	end=$(($(uptime_s) + 20))
	echo "no leader" >$W/ctl.err
	while [ "$(uptime_s)" -lt $end ]; do
		c=$(wait_leader 5) && ctl "$c" "$1" && return 0
		sleep 0.5
	done
	return 1
}
start_node() { ctl "$1" "create $(spec "$1")"; }
stop_node() { ctl "$1" "destroy 1"; }
field() { timeout 10 rlprobe status "$(dev "$1")" 2>/dev/null | sed -n "s/^$2=//p"; }
log() { echo "# [$(now)] $*"; }
fault() { faults=$((faults + 1)); log "fault $faults: $*"; }

# The node that leads (node X included, while it runs), as every live node
# that knows a leader sees it; empty while there is none or they disagree.
leader() {
	l=""
	for i in $(seq 1 $N) $XID; do
		[ "$(field "$i" role)" = 3 ] && { [ -z "$l" ] || return 0; l=$i; }
	done
	echo "$l"
}
wait_leader() {	# wait_leader SECONDS: print the leader once there is one
	t=$(($1 * 5))
	while [ $t -gt 0 ]; do
		l=$(leader)
		[ -n "$l" ] && { echo "$l"; return 0; }
		sleep 0.2
		t=$((t - 1))
	done
	return 1
}
# all N nodes live, one leader, the same applied index, stable for a moment
converged() {
	a=""
	for i in $(seq 1 $N); do
		x=$(field "$i" applied)
		[ -n "$x" ] || return 1
		[ -z "$a" ] || [ "$a" = "$x" ] || return 1
		a=$x
	done
	[ -n "$(leader)" ]
}
wait_converged() {
	t=$(($1 * 5))
	while [ $t -gt 0 ]; do
		if converged; then
			sleep 1
			converged && return 0
		fi
		sleep 0.2
		t=$((t - 1))
	done
	return 1
}

link_down() { ip link set "v$1" down; }
link_up() { ip link set "v$1" up; }

# --- the cluster -----------------------------------------------------------
# setup: the network, the disks and the three nodes; the first step that
# fails is named and ends it (status 1)
setup() {
	ip link del br0 2>/dev/null	# left by an earlier campaign in this boot
	ip link add br0 type bridge && ip link set br0 up ||
		{ echo "setup: no bridge"; return 1; }
	for i in $(seq 1 $X); do
		ip netns add "n$i" &&
		ip link add "v$i" type veth peer name eth0 netns "n$i" &&
		ip link set "v$i" master br0 up &&
		ip -n "n$i" addr add "$(addr "$i")/24" dev eth0 &&
		ip -n "n$i" link set eth0 up &&
		ip -n "n$i" link set lo up ||
			{ echo "setup: network of slot $i failed"; return 1; }
		dmsetup create "rl$i" --table \
			"0 $(blockdev --getsz "$(ram "$i")") linear $(ram "$i") 0" ||
			{ echo "setup: dmsetup create rl$i failed"; return 1; }
		# without udev: dmsetup makes the node itself; make sure of it
		[ -b "$(disk "$i")" ] || dmsetup mknodes "rl$i"
		[ -b "$(disk "$i")" ] || { echo "setup: no $(disk "$i")"; return 1; }
		raftctl format "$(disk "$i")" --cluster-id 7 --group 1 --node "$i" --force >/dev/null ||
			{ echo "setup: raftctl format $(disk "$i") failed"; return 1; }
	done
	# the logs of the crash faults' dm-log-writes targets, in memory (the
	# pair power cut logs two disks)
	# (sparse: 64 MiB of zeroes cost seconds to write on the debug guest)
	dd if=/dev/zero of=$W/lw.img bs=1M seek=63 count=1 2>/dev/null
	LOGDEV=$(losetup -f) && losetup "$LOGDEV" $W/lw.img ||
		{ echo "setup: no loop device for the write log"; return 1; }
	dd if=/dev/zero of=$W/lw2.img bs=1M seek=63 count=1 2>/dev/null
	LOGDEV2=$(losetup -f) && losetup "$LOGDEV2" $W/lw2.img ||
		{ echo "setup: no loop device for the second write log"; return 1; }
	# role changes with timestamps on the console, to read failures from
	echo 1 >/sys/module/printk/parameters/time 2>/dev/null
	insmod "$module" verbose=1 || { echo "setup: insmod $module failed"; return 1; }
	for i in $(seq 1 $N); do
		start_node "$i" ||
			{ echo "setup: node $i did not start: $(ctl_why)"; return 1; }
	done
}

# --- the nemesis -----------------------------------------------------------
kill_leader() {
	l=$(wait_leader 20) || { log "no leader to kill"; return; }
	fault "kill the leader (node $l), restart it from its disk 2 s later"
	stop_node "$l"
	sleep 2
	start_node "$l"
}

# The old leader, cut off from the majority, must not commit anything
# once it has been alone for an election timeout.
MINORITY_OK=0 MINORITY_RUNS=0
partition_leader() {
	l=$(wait_leader 20) || { log "no leader to partition"; return; }
	fault "partition the leader (node $l) from the majority for 3 s"
	link_down "$l"
	sleep 1
	c1=$(field "$l" commit)
	sleep 2
	c2=$(field "$l" commit)
	link_up "$l"
	MINORITY_RUNS=$((MINORITY_RUNS + 1))
	if [ -n "$c1" ] && [ "$c1" = "$c2" ]; then
		MINORITY_OK=$((MINORITY_OK + 1))
	else
		log "isolated node $l moved its commit index from $c1 to $c2"
	fi
}

isolate_follower() {
	l=$(wait_leader 20) || l=1
	f=$((l % N + 1))
	fault "isolate follower node $f for 2 s"
	link_down "$f"
	sleep 2
	link_up "$f"
}

one_way() {
	l=$(wait_leader 20) || { log "no leader for the one-way partition"; return; }
	fault "leader node $l hears nobody (inbound dropped, outbound flows) for 2 s"
	ip netns exec "n$l" nft add table inet rlnem
	ip netns exec "n$l" nft add chain inet rlnem in '{ type filter hook input priority 0; }'
	ip netns exec "n$l" nft add rule inet rlnem in ip saddr 10.0.0.0/24 drop
	sleep 2
	ip netns exec "n$l" nft delete table inet rlnem
}

netem() {
	fault "loss 10%, delay 20+-15 ms, reordering on every link for 4 s"
	for i in $(seq 1 $N); do
		ip netns exec "n$i" tc qdisc add dev eth0 root netem \
			delay 20ms 15ms loss 10% reorder 25% 50%
	done
	sleep 4
	for i in $(seq 1 $N); do
		ip netns exec "n$i" tc qdisc del dev eth0 root
	done
}

# Leadership transfer in the middle of it all (debugfs "transfer", the call
# `raftctl leader transfer` makes); refused transfers are fine.
transfer_leader() {
	l=$(wait_leader 20) || { log "no leader to transfer from"; return; }
	to=$((l % N + 1))
	fault "transfer leadership from node $l to node $to"
	ctl "$l" "transfer 1 $to" 2>/dev/null || log "transfer refused"
}

rolling_restart() {
	fault "rolling restart of every node from its disk"
	for i in $(seq 1 $N); do
		stop_node "$i"
		sleep 0.5
		start_node "$i"
		wait_leader 20 >/dev/null
		sleep 1
	done
}

# A power cut: from the moment the node's disk starts failing, only what
# it had flushed (or written FUA) survives.  dm-log-writes logs every
# write (those no flush covered last, when its table is torn down); the
# crash image is the disk as it was when logging began plus the log
# replayed up to its last flush and the FUA writes after it, each later
# write kept, lost or torn as a volatile cache might have (rlreplay -s,
# seeded by the time and the crash's number, both logged).  The node
# restarts from it.  The leader and a follower crash in turn.
CRASHES=0 REPLAYED=0 STOPPED=0 UNFLUSHED_LOST=0
# lw_begin NODE LOGDEV [NODE LOGDEV]: from now on each NODE's disk writes
# through a dm-log-writes target logging to its LOGDEV; the disk as it was
# then is kept in $W/base.NODE (two disks are copied side by side)
lw_begin() {
	# a consistent starting image: no I/O while it is copied
	# (wait for the copies only: the clients run in the background too)
	pids=""
	for n in $1 ${3:-}; do
		dmsetup suspend "rl$n"
		dd if="$(ram "$n")" of="$W/base.$n" bs=1M 2>/dev/null &
		pids="$pids $!"
	done
	wait $pids
	while [ $# -ge 2 ]; do
		dd if=/dev/zero of="$2" bs=4k count=1 2>/dev/null
		dmsetup load "rl$1" --table "0 $(blockdev --getsz "$(ram "$1")") log-writes $(ram "$1") $2"
		dmsetup resume "rl$1"
		shift 2
	done
}
# lw_settle NODE...: writes that reached a device while it was suspended
# were queued under the linear table, whose RAM disk has no write cache:
# the block layer took their FUA off, and log-writes would log them as
# unflushed.  They completed as FUA writes: a flush makes them durable.
lw_settle() {
	sleep 0.5
	for n in "$@"; do
		sync "$(disk "$n")"
	done
}
# lw_fail NODE...: the disks fail from now on (every write EIO)
lw_fail() {
	for n in "$@"; do
		dmsetup load "rl$n" --table "0 $(blockdev --getsz "$(ram "$n")") error"
	done
	for n in "$@"; do
		dmsetup resume "rl$n"
	done
}
# lw_stopped NODE [KICK]: wait up to 10 s for NODE to stop (status flag
# FAILED) on the EIO of its failing disk; it must acknowledge nothing
# more.  A node with nothing to write never sees the EIO (the leader of
# the pair power cut, whose only follower died with it: its clients wait
# for entries that can no longer commit): a compaction up to its applied
# index makes it write its metadata, at once with KICK, else after 2 s.
lw_stopped() {
	t=0 k=10
	[ $# -lt 2 ] || k=0
	while [ $t -lt 50 ] && [ $(( $(field "$1" flags || echo 0) & 1 )) = 0 ]; do
		if [ $t = $k ]; then
			a=$(field "$1" applied)
			log "node $1 has not written since its disk failed: compact 1 ${a:-?} makes it write"
			[ -z "$a" ] || ctl "$1" "compact 1 $a" ||
				log "node $1: compact 1 $a: $(ctl_why)"
		fi
		sleep 0.2
		t=$((t + 1))
	done
	if [ $(( $(field "$1" flags || echo 0) & 1 )) = 1 ]; then
		STOPPED=$((STOPPED + 1))
		log "node $1 stopped on its failing disk after $(awk "BEGIN { print $t / 5 }") s (status: failed)"
	else
		log "node $1 did not stop within 10 s of its disk failing"
	fi
}
# lw_restore NODE...: stop each NODE and put back its disk as it was when
# logging began (side by side)
lw_restore() {
	pids=""
	for n in "$@"; do
		stop_node "$n"
		dd if="$W/base.$n" of="$(ram "$n")" bs=1M 2>/dev/null &
		pids="$pids $!"
	done
	wait $pids
	for n in "$@"; do
		rm -f "$W/base.$n"
	done
}
# lw_rebuild NODE LOGDEV: give NODE (lw_restore'd) its crash image: the
# starting image plus every write made durable (and what rlreplay keeps
# of the others); its disk is a plain linear target again
lw_rebuild() {
	seed=$(( $(date +%s) * 100 + CRASHES * 10 + $1 ))
	if rlreplay -s "$seed" "$2" "$(ram "$1")" >$W/replay.out; then
		REPLAYED=$((REPLAYED + 1))
		lost=$(sed -n 's/.*power cut dropped \([0-9]*\) of.*/\1/p' $W/replay.out)
		UNFLUSHED_LOST=$((UNFLUSHED_LOST + ${lost:-0}))
		log "node $1's disk after the crash (seed $seed): $(tail -1 $W/replay.out)"
		log "node $1: $(grep -c '^unflushed write:' $W/replay.out) unflushed writes, $(grep -c '^unflushed write:.*: lost$' $W/replay.out) lost, $(grep -c '^unflushed write:.*: torn$' $W/replay.out) torn"
	else
		log "node $1: the dm-log-writes log did not replay"
	fi
	dmsetup load "rl$1" --table "0 $(blockdev --getsz "$(ram "$1")") linear $(ram "$1") 0"
	dmsetup resume "rl$1"
}
# restart NODE: start NODE from its disk; a node that refuses (its log
# recovers to below its durable commit index: EUCLEAN) stays down, says
# why, and is not tried again
REFUSED=""
restart() {
	start_node "$1" && return
	log "node $1 does not start from its crash image: $(ctl_why)"
	REFUSED="$REFUSED $1"
}
crash_restart() {
	l=$(wait_leader 20) || l=1
	f=$l
	[ $((CRASHES % 2)) = 0 ] || f=$((l % N + 1))
	CRASHES=$((CRASHES + 1))
	lw_begin "$f" "$LOGDEV"
	lw_settle "$f"
	sleep 2
	fault "power cut on node $f ($( [ "$f" = "$l" ] && echo leader || echo follower)): its disk fails from now on, unflushed writes are lost"
	lw_fail "$f"
	lw_stopped "$f"
	lw_restore "$f"
	lw_rebuild "$f" "$LOGDEV"
	restart "$f"
}

# A power cut on both nodes that hold the newest entries: the third node
# is cut off, so the leader commits with one follower alone; their disks
# log their writes, the clients' proposals are acknowledged for
# $PAIR_HOLD s, then the power goes on both at once.  The third node never
# had those entries, so only the two disks hold them: everything they
# acknowledged must survive their crash images (records are written FUA),
# or the checker finds acknowledged entries missing (a build that writes
# records without FUA, RL_BUG=NO_FLUSH: the tier-selftest.sh item).
# Then the partition heals and both restart from their disks.
PAIR_RUNS=0 PAIR_ACKED=0
power_cut_pair() {
	l=$(wait_leader 20) || { log "no leader for the pair power cut"; return; }
	f=$((l % N + 1))
	o=$((f % N + 1))
	PAIR_RUNS=$((PAIR_RUNS + 1))
	link_down "$o"
	lw_begin "$l" "$LOGDEV" "$f" "$LOGDEV2"
	lw_settle "$l" "$f"
	c1=$(field "$l" commit)
	sleep "$PAIR_HOLD"
	c2=$(field "$l" commit)
	CRASHES=$((CRASHES + 2))
	fault "power cut on leader node $l and follower node $f at once, node $o cut off: both disks fail, unflushed writes are lost; they committed $c1..$c2 alone"
	lw_fail "$f" "$l"
	[ -n "$c1" ] && [ -n "$c2" ] && PAIR_ACKED=$((PAIR_ACKED + c2 - c1))
	lw_stopped "$l" kick
	lw_stopped "$f"
	lw_restore "$l" "$f"
	lw_rebuild "$l" "$LOGDEV"
	lw_rebuild "$f" "$LOGDEV2"
	link_up "$o"
	restart "$l"
	restart "$f"
}

# the power cut of the default rotation: both kinds in turn, the pair first
power_cut() {
	if [ $((r % 2)) = 1 ]; then power_cut_pair; else crash_restart; fi
}

# Membership under faults: node X joins as a learner and is promoted while
# a follower is cut off, the leadership moves to it, then it is removed
# (by itself, when it leads) and the follower comes back.
MEMBER_RUNS=0 MEMBER_OK=0
members() {	# the members NODE's group lists: "ID:KIND ...", by id
	ip netns exec "n$1" raftctl group show 1 -j >$W/show.json 2>/dev/null ||
		return 1
	k=0
	while id=$(jget "0.members.$k.id" <$W/show.json 2>/dev/null); do
		echo "$id:$(jget "0.members.$k.kind" <$W/show.json)"
		k=$((k + 1))
	done | sort | tr '\n' ' '
	echo
}
members_ok() { [ "$MEMBER_OK" = "$MEMBER_RUNS" ] && members_back; }
# progress NODE: "MATCH LAST" of NODE as the leader's `raftctl group show
# -j` shows it (its match index, the leader's last index)
progress() {
	l=$(wait_leader 5) || return 1
	ip netns exec "n$(slot "$l")" raftctl group show 1 -j >$W/lshow.json 2>/dev/null ||
		return 1
	k=0
	while id=$(jget "0.members.$k.id" <$W/lshow.json 2>/dev/null); do
		if [ "$id" = "$1" ]; then
			echo "$(jget "0.members.$k.match" <$W/lshow.json) $(jget 0.last_index <$W/lshow.json)"
			return 0
		fi
		k=$((k + 1))
	done
	return 1
}
# caught_up NODE SECONDS: wait until NODE's match index reaches the
# leader's last index as it was when the wait began
caught_up() {
	target=$(progress "$1" | cut -d' ' -f2)
	[ -n "$target" ] || return 1
	end=$(($(uptime_s) + $2))
	while [ "$(uptime_s)" -lt $end ]; do
		m=$(progress "$1" | cut -d' ' -f1)
		[ -n "$m" ] && [ "$m" -ge "$target" ] && return 0
		sleep 0.5
	done
	log "node $1 still behind after $2 s: match ${m:-?}, leader's last index $target when it joined"
	return 1
}
# every node lists exactly the voters 1..N
members_back() {
	want="$(for i in $(seq 1 $N); do printf '%s:voter ' "$i"; done)"
	for i in $(seq 1 $N); do
		got=$(members "$i")
		[ "$got" = "$want" ] || { echo "node $i lists $got"; return 1; }
	done
}
membership() {
	l=$(wait_leader 20) || { log "no leader for the membership change"; return; }
	f=$((l % N + 1))
	MEMBER_RUNS=$((MEMBER_RUNS + 1))
	XID=$((X + MEMBER_RUNS - 1))
	fault "membership: node $XID joins, catches up, is promoted while follower $f is cut off, takes the lead, leaves"
	raftctl format "$(disk $X)" --cluster-id 7 --group 1 --node $XID --force >/dev/null
	start_node $XID
	ok=1
	t0=$(now)
	if ! ctl_leader "member add 1 $XID@$(addr $X):$PORT"; then
		log "add refused: $(ctl_why)"
		ok=0
	elif caught_up $XID 180; then
		log "node $XID caught up in $(awk "BEGIN { print $(now) - $t0 }") s (match $(progress $XID | cut -d' ' -f1))"
	else
		ok=0
	fi
	link_down "$f"
	# promoting a learner that has not caught up would stall the commit
	# until it has: README says to wait, and so does the campaign
	if [ $ok = 1 ] && ! ctl_leader "member promote 1 $XID"; then
		log "promote refused: $(ctl_why)"
		ok=0
	fi
	if [ $ok = 1 ]; then
		sleep 1
		ctl_leader "transfer 1 $XID" ||
			log "transfer to node $XID refused: $(ctl_why)"
		sleep 1
	fi
	if ! ctl_leader "member remove 1 $XID"; then
		log "remove refused: $(ctl_why)"
		ok=0
	fi
	link_up "$f"
	# never leave a stopped node in the configuration
	if progress $XID >/dev/null; then
		ctl_leader "member remove 1 $XID" ||
			log "remove after healing refused: $(ctl_why)"
	fi
	sleep 1
	stop_node $XID
	[ $ok = 1 ] && MEMBER_OK=$((MEMBER_OK + 1))
}

# --- compaction --------------------------------------------------------------
# Every round starts with a compacted log, and so do the rolling restart
# and the membership change, so that every round costs the same (each restart and each newcomer reads the whole log; without this
# the rolling restart took 89 s in round 1 and 231 s in round 2): the
# committed log up to the leader's applied index is first archived for
# the checker (rlcheck dump DEV $W/archive FROM appends it), then every
# node compacts up to that index (at most up to its own applied index).
# Restarts then recover from a snapshot and a short tail, and a node
# that fell behind catches up through InstallSnapshot.
ARCH_NEXT=1 ARCH_OK=1 COMPACTIONS=0
: >$W/archive
compact_all() {
	l=$(wait_leader 20) || { log "no leader: no compaction this round"; return; }
	if ! ip netns exec "n$(slot "$l")" rlcheck dump "$(dev "$l")" $W/archive $ARCH_NEXT \
		>$W/arch.out 2>&1; then
		log "archiving node $l's log from $ARCH_NEXT failed: $(cat $W/arch.out)"
		ARCH_OK=0
		return
	fi
	upto=$(tail -1 $W/archive | cut -d' ' -f1)
	[ -n "$upto" ] && [ "$upto" -ge $ARCH_NEXT ] || return
	ARCH_NEXT=$((upto + 1))
	done_on=""
	for i in $(seq 1 $N); do
		c=$upto
		a=$(field "$i" applied)
		[ -n "$a" ] && [ "$a" -lt "$c" ] && c=$a
		if ctl "$i" "compact 1 $c"; then
			done_on="$done_on $i@$c"
		else
			log "node $i: compact 1 $c refused: $(ctl_why)"
		fi
	done
	COMPACTIONS=$((COMPACTIONS + 1))
	log "archived 1..$upto (from node $l); compacted:$done_on"
}

# --- the run ---------------------------------------------------------------
tap_plan 9
# what the guest kernel must offer (a distribution kernel loads modules)
rl_need ram=$X dm dm-log-writes loop veth bridge netem nft
setup >$W/setup.out 2>&1
src=$?
sed 's/^/# /' $W/setup.out
l=""
[ $src -ne 0 ] || l=$(wait_leader 60)
tap_ok "3-node cluster up, node ${l:-none} leads" test -n "$l"
if [ -z "$l" ]; then
	# no cluster: the nemesis would run against nothing
	echo "Bail out! the cluster never formed (setup status $src); no nemesis"
	exit 1
fi

# the clients propose until the nemesis is done (SIGTERM)
for i in $(seq 1 $N); do
	ip netns exec "n$i" rlclient "$(dev "$i")" "$i" 100000 "$W/h$i" 0 "$rate" \
		>"$W/client$i.out" 2>&1 &
done
sleep 2
r=0
until_s=$(($(uptime_s) + minutes * 60))
more_rounds() {
	if [ "$minutes" -gt 0 ]; then
		[ "$(uptime_s)" -lt $until_s ]
	else
		[ $r -lt "$rounds" ]
	fi
}
while more_rounds; do
	r=$((r + 1))
	log "nemesis round $r$([ "$minutes" -gt 0 ] || echo " of $rounds")"
	compact_all
	for f in $nemesis; do
		# the faults that read the whole log back start from a short one
		case $f in rolling_restart|membership) compact_all ;; esac
		$f
		sleep 1
	done
done
log "healing"
for i in $(seq 1 $N); do
	link_up "$i"
	ip netns exec "n$i" nft delete table inet rlnem 2>/dev/null
	ip netns exec "n$i" tc qdisc del dev eth0 root 2>/dev/null
	case " $REFUSED " in
	*" $i "*) log "node $i refused its disk after a power cut: not started again"; continue ;;
	esac
	[ -e "$(dev "$i")" ] || start_node "$i" ||
		log "node $i does not start: $(ctl_why)"
done
log "healed; stopping the clients"
# "ip netns exec" forks: signal the clients themselves, not their parents
killall -TERM rlclient 2>/dev/null
t=0
while pidof rlclient >/dev/null && [ $t -lt 150 ]; do
	sleep 0.2
	t=$((t + 1))
done
for p in $(pidof rlclient); do
	log "client pid $p ignores SIGTERM: state $(awk '/^State/ {print $2}' /proc/$p/status), waiting in $(cat /proc/$p/wchan)"
	kill -KILL "$p"
done
log "clients stopped"
cat $W/client*.out | sed 's/^/# /'
# a watchdog: if the checks below hang, show who waits where
(
	sleep 240
	echo "# watchdog: still running after 240 s; processes:"
	for d in /proc/[0-9]*; do
		c=$(tr '\0' ' ' <"$d/cmdline" 2>/dev/null | cut -c1-60)
		[ -n "$c" ] && echo "# ${d#/proc/} $c [$(cat "$d/wchan" 2>/dev/null)]"
	done
) &
dog=$!
log "waiting for the nodes to converge"

# a node that did not start (its disk refused: EUCLEAN) never converges
healed() {
	for i in $(seq 1 $N); do
		[ -e "$(dev "$i")" ] || { log "node $i is not running"; return 1; }
	done
	wait_converged 60
}
tap_ok "after healing, all nodes converge on one leader and one applied index" \
	healed
tap_ok "a leader cut off from the majority committed nothing ($MINORITY_OK of $MINORITY_RUNS)" \
	test "$MINORITY_OK" = "$MINORITY_RUNS"
tap_ok "membership changed under faults $MEMBER_OK of $MEMBER_RUNS times; back to nodes 1-$N, all voters" \
	members_ok
[ $PAIR_RUNS = 0 ] ||
	log "pair power cuts: $PAIR_RUNS; the two nodes committed $PAIR_ACKED entries alone before their power went"
tap_ok "every crashed node's disk was rebuilt from its write log ($REPLAYED of $CRASHES; $UNFLUSHED_LOST unflushed writes lost)" \
	test "$REPLAYED" = "$CRASHES"
tap_ok "every crashed node stopped (failed) on the EIO of its dying disk ($STOPPED of $CRASHES)" \
	test "$STOPPED" = "$CRASHES"
tap_ok "the log was archived without a gap and compacted ($COMPACTIONS times in $r rounds)" \
	test "$ARCH_OK" = 1 -a "$COMPACTIONS" -gt 0
log "dumping the logs"
for i in $(seq 1 $N); do
	if [ -e "$(dev "$i")" ]; then
		ip netns exec "n$i" rlcheck dump "$(dev "$i")" "$W/log$i" | sed 's/^/# /'
	else
		# what it held is lost to the group: the checker gets nothing
		log "node $i is not running: the checker gets an empty log for it"
		: >"$W/log$i"
	fi
done
kill "$dog" 2>/dev/null
rlcheck verify -s -f $faults -l $W/log1 $W/log2 $W/log3 -a $W/archive \
	-h $W/h1 $W/h2 $W/h3 >$W/verdict
rc=$?
sed 's/^/# /' $W/verdict
if [ "$expect" = fail ]; then
	tap_ok "the checker catches the broken build" test $rc -eq 1
else
	tap_ok "the checker finds the histories and logs consistent" test $rc -eq 0
fi
tap_ok "every client acknowledged something" \
	sh -c "grep -q ' ok ' $W/h1 && grep -q ' ok ' $W/h2 && grep -q ' ok ' $W/h3"

for i in $(seq 1 $N); do
	stop_node "$i"
done
[ -e "$(dev $XID)" ] && stop_node $XID
rmmod raftlog
for i in $(seq 1 $X); do
	dmsetup remove "rl$i"
done
losetup -d "$LOGDEV"
losetup -d "$LOGDEV2"
ip link del br0
tap_done
