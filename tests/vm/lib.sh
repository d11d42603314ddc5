# Shared helpers for guest scripts (sourced).  TAP output; the script's exit
# status is the number of failed checks (capped), so the host sees failure.
RL_N=0
RL_FAILED=0

tap_plan() { echo "1..$1"; }

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
}

tap_done() {
	echo "# $((RL_N - RL_FAILED)) passed, $RL_FAILED failed"
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

# rl_debugfs FILE: the path of FILE under a debugfs mount of our own:
# "ip netns exec" remounts /sys for the namespace, hiding
# /sys/kernel/debug from commands run there.
rl_debugfs() {
	mkdir -p /tmp/rldbg
	mountpoint -q /tmp/rldbg || mount -t debugfs debugfs /tmp/rldbg
	echo "/tmp/rldbg/$1"
}
