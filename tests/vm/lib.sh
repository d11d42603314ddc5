# Shared helpers for guest scripts (sourced).  TAP output; the script's exit
# status is non-zero when a check failed, so the host sees failure.
#
# The plan is enforced: a script that announced "1..N" with tap_plan and
# ends (exit 0, set -e, falling off the end) having run another number of
# checks fails, here (tap_done, and an EXIT trap for scripts that stop
# before it) and on the host (the counts go to $RL_TAP_STATE, which the
# guest init reports to the host after the script: run-vm.sh compares).
RL_N=0
RL_FAILED=0
RL_PLAN=""
RL_TAP_STATE=${RL_TAP_STATE:-/tmp/rl-tap-state}

rl_tap_state() { echo "$RL_PLAN $RL_N $RL_FAILED" >"$RL_TAP_STATE" 2>/dev/null || :; }

# At exit: a plan not met fails the script whatever its status was.
rl_tap_exit() {
	rc=$?
	if [ -n "$RL_PLAN" ] && [ "$RL_N" -ne "$RL_PLAN" ]; then
		echo "not ok - planned $RL_PLAN checks, ran $RL_N (script stopped short, exit $rc)"
		[ "$rc" -ne 0 ] || exit 1
	fi
}

tap_plan() {
	RL_PLAN=$1
	echo "1..$1"
	rl_tap_state
	trap rl_tap_exit EXIT
}

# tap_ok DESCRIPTION COMMAND...: run COMMAND, print ok/not ok.
tap_ok() {
	desc=$1
	shift
	RL_N=$((RL_N + 1))
	if "$@" >/tmp/tap.out 2>&1; then
		echo "ok $RL_N - $desc"
	else
		echo "not ok $RL_N - $desc"
		sed 's/^/# /' /tmp/tap.out
		RL_FAILED=$((RL_FAILED + 1))
	fi
	rl_tap_state
}

tap_done() {
	echo "# $((RL_N - RL_FAILED)) passed, $RL_FAILED failed"
	if [ -n "$RL_PLAN" ] && [ "$RL_N" -ne "$RL_PLAN" ]; then
		echo "not ok - planned $RL_PLAN checks, ran $RL_N"
		return 1
	fi
	[ "$RL_FAILED" -eq 0 ]
}

# Load what raftlog.ko needs on a distribution kernel (built in on the
# project's test kernel, where this does nothing).
modprobe_deps() {
	[ -d "/lib/modules/$(uname -r)" ] || return 0
	for m in crc32c_generic crc32c_intel libcrc32c; do
		modprobe -q "$m" 2>/dev/null || true
	done
}

# The iproute2 ip: busybox's applet knows no network namespaces.
ip() { /usr/sbin/ip "$@"; }
# seconds since boot: now with fractions, uptime_s whole
now() { cut -d' ' -f1 /proc/uptime; }
uptime_s() { cut -d. -f1 /proc/uptime; }

# wait_for SECONDS COMMAND...: retry COMMAND quietly every 0.2 s for up to
# SECONDS of wall clock (commands take a while under TCG, so not a count of
# tries), then run it once more with its output shown.
wait_for() {
	end=$(($(uptime_s) + $1))
	shift
	while [ "$(uptime_s)" -lt $end ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	"$@"
}

# rl_netns_bridge NET N...: a network namespace nN per node N, its end of
# a veth pair (eN) holding NET.N/24, the other end (vN) on bridge rlbr0
rl_netns_bridge() {
	rl_net=$1
	shift
	ip link add rlbr0 type bridge
	ip link set rlbr0 up
	for rl_n in "$@"; do
		ip netns add n$rl_n
		ip link add v$rl_n type veth peer name e$rl_n
		ip link set e$rl_n netns n$rl_n
		ip link set v$rl_n master rlbr0 up
		ip -n n$rl_n addr add "$rl_net.$rl_n/24" dev e$rl_n
		ip -n n$rl_n link set e$rl_n up
		ip -n n$rl_n link set lo up
	done
}

# rl_spec NODE DEV EXTRA [join] PEER...: the "create" spec of group 1's
# node NODE (cluster 7) on DEV, listening at the script's own "addr NODE",
# with EXTRA appended (",key=value..." or ""), joining a running group
# with "join", dialing each PEER at "addr PEER"
rl_spec() {
	rl_s=id=1,node=$1,cluster=7,dev=$2,listen=$(addr "$1")$3
	shift 3
	if [ "${1:-}" = join ]; then
		rl_s=$rl_s,join=1
		shift
	fi
	for rl_p in "$@"; do
		rl_s=$rl_s,peer=$rl_p@$(addr "$rl_p")
	done
	echo "$rl_s"
}

# Cluster helpers; they use the script's own "st NODE KEY" (a key of
# rlprobe status of NODE's device).
# agreed_leader NODE...: the leader every node agrees on (and that leader
# says so), printed; fails while they do not agree
agreed_leader() {
	l=$(st "$1" leader)
	[ "${l:-0}" != 0 ] || return 1
	for n in "$@"; do
		[ "$(st "$n" leader)" = "$l" ] || return 1
	done
	[ "$(st "$l" role)" = 3 ] || return 1
	echo "$l"
}

# caught_up TARGET NODE...: every NODE applied what TARGET committed
caught_up() {
	c=$(st "$1" commit)
	shift
	for n in "$@"; do
		[ "$(st "$n" applied)" -ge "$c" ] || return 1
	done
}

# rl_debugfs FILE: the path of FILE under a debugfs mount of our own:
# "ip netns exec" remounts /sys for the namespace, hiding
# /sys/kernel/debug from commands run there.
rl_debugfs() {
	mkdir -p /tmp/rldbg
	grep -q " /tmp/rldbg " /proc/mounts || mount -t debugfs debugfs /tmp/rldbg
	echo "/tmp/rldbg/$1"
}

# rl_need WHAT...: what a scenario needs from the kernel, loaded where it
# is a module (a distribution kernel: scripts/mkinitramfs.sh puts those
# modules in the guest) and then checked, so that a guest without it
# stops the script at once ("Bail out!", status 1) instead of running
# against nothing.  WHAT: ram=N (RAM disks /dev/ram0..N-1), dm (and
# /dev/mapper/control), dm-TARGET (log-writes, flakey, delay: a
# device-mapper target), loop, veth, bridge, netem, nft.
rl_need() {
	modprobe_deps
	miss=""
	for w in "$@"; do
		case $w in
		ram=*)
			n=${w#ram=}
			[ -b "/dev/ram$((n - 1))" ] || modprobe brd rd_nr="$n" rd_size=65536 2>/dev/null
			[ -b "/dev/ram$((n - 1))" ] || miss="$miss $w" ;;
		dm)
			modprobe -q dm-mod 2>/dev/null
			[ -c /dev/mapper/control ] || DM_DISABLE_UDEV=1 dmsetup mknodes 2>/dev/null
			[ -c /dev/mapper/control ] && dmsetup version >/dev/null 2>&1 || miss="$miss dm" ;;
		dm-*)
			modprobe -q "$w" 2>/dev/null
			dmsetup targets 2>/dev/null | grep -q "^${w#dm-} " || miss="$miss $w" ;;
		loop)
			modprobe -q loop 2>/dev/null
			[ -c /dev/loop-control ] || miss="$miss loop" ;;
		veth|bridge|netem|nft)
			m=$w; [ $w = netem ] && m=sch_netem; [ $w = nft ] && m=nf_tables
			modprobe -q $m 2>/dev/null
			ip netns add rlneed 2>/dev/null
			case $w in
			veth) ip -n rlneed link add rlna type veth peer name rlnb ;;
			bridge) ip -n rlneed link add rlnbr type bridge ;;
			netem) ip netns exec rlneed tc qdisc add dev lo root netem delay 1ms ;;
			nft) ip netns exec rlneed nft add table inet rlneed ;;
			esac >/dev/null 2>&1 || miss="$miss $w"
			ip netns delete rlneed 2>/dev/null ;;
		esac
	done
	[ -z "$miss" ] && return 0
	echo "Bail out! kernel $(uname -r) lacks:$miss"
	exit 1
}
