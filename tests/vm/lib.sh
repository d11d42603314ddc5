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
