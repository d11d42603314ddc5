#!/bin/sh
# VM tier: run every guest scenario in tests/vm that declares itself with a
# header line
#     # rl-test: kernels=debug[,stock] timeout=SECONDS [group=NAME]
#               [group.KERNEL=NAME]
# on each kernel it names (group.KERNEL: the group on that kernel only,
# e.g. a script that boots alone on the debug kernel but shares a boot
# on the fast stock one; group=- there: alone).  Scripts of one group share a boot: the guest
# runs them one after the other (in name order), resetting what a script
# may leave behind between them (scripts/guest-init.sh), and each still
# reports its own result, time, console part and kernel reports; TIMEOUT
# counts from the script's own start.  A script without a group boots
# alone.  Prints TAP (one line per script and kernel, with its time) and
# "N passed, N failed"; a filter that matches nothing fails.
# Console logs are kept in build/<kernel>/vm-<name>.log (the whole boot's
# in build/<kernel>/vm-group-<group>.log).
#   tier-vm.sh [NAME-SUBSTRING...]    (the scripts matching any of them)
# RAFTLOG_VM_KERNELS="debug" runs only on the kernels listed.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
filter=$*
# matches NAME: NAME contains one of the filter words (all with none)
matches() {
	[ -z "$filter" ] && return 0
	for f in $filter; do
		case $1 in *"$f"*) return 0 ;; esac
	done
	return 1
}
n=0 passed=0 failed=0
prepared=""
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the runs: "KERNEL UNIT NAME TIMEOUT" (UNIT: the group, or the script alone)
for t in "$here"/tests/vm/*.sh; do
	hdr=$(grep -m1 '^# rl-test:' "$t") || continue
	name=$(basename "$t")
	matches "$name" || continue
	kernels=$(echo "$hdr" | sed -n 's/.*kernels=\([^ ]*\).*/\1/p' | tr ',' ' ')
	timeout=$(echo "$hdr" | sed -n 's/.*timeout=\([0-9]*\).*/\1/p')
	for k in ${kernels:-debug}; do
		case " ${RAFTLOG_VM_KERNELS:-$k} " in *" $k "*) ;; *) continue ;; esac
		grp=$(echo "$hdr" | sed -n "s/.*group\.$k=\([^ ]*\).*/\1/p")
		[ -n "$grp" ] || grp=$(echo "$hdr" | sed -n 's/.* group=\([^ ]*\).*/\1/p')
		[ "$grp" != - ] || grp=""
		echo "$k ${grp:+group-}${grp:-$name} $name ${timeout:-300}" >>"$tmp/runs"
	done
done
touch "$tmp/runs"

# one boot per kernel and unit, in the order of their first script
for unit in $(awk '!seen[$1 " " $2]++ { print $1 ":" $2 }' "$tmp/runs"); do
	k=${unit%%:*} u=${unit#*:}
	case " $prepared " in
	*" $k "*) ;;
	*)
		if ! "$here/scripts/prepare-guest.sh" "$k" >"$here/build/prepare-$k.out" 2>&1; then
			tail -20 "$here/build/prepare-$k.out"
			n=$((n + 1)); failed=$((failed + 1))
			echo "not ok $n - prepare $k guest"
			# the scripts that cannot run count as failed
			sed -i "/^$k /d" "$tmp/runs"
			continue
		fi
		prepared="$prepared $k"
		;;
	esac
	grep -q "^$k $u " "$tmp/runs" || continue
	items=$(awk -v k="$k" -v u="$u" '$1 == k && $2 == u { print $3 "@" $4 }' "$tmp/runs")
	set -- $(tail -1 "$here/build/prepare-$k.out")
	kernel=$1 initrd=$2
	case $u in
	group-*) log=$here/build/$k/vm-$u.log ;;
	*) log=$here/build/$k/vm-${u%.sh}.log ;;
	esac
	start=$(date +%s)
	# shellcheck disable=SC2086
	"$here/scripts/run-vm.sh" -k "$kernel" -i "$initrd" -l "$log" -r "$tmp/res" -g $items \
		>/dev/null 2>"$log.err"
	secs=$(($(date +%s) - start))
	sum=0
	while read -r i rc s item part note; do
		name=${item%%,*}
		slog=$here/build/$k/vm-${name%.sh}.log
		[ -f "$part" ] && mv "$part" "$slog"
		[ "$part" = "$log" ] && cp "$log" "$slog"
		n=$((n + 1))
		case $s in [0-9]*) sum=$((sum + s)) ;; esac
		if [ "$rc" -eq 0 ]; then
			passed=$((passed + 1))
			echo "ok $n - $name on $k (${s}s)"
		else
			failed=$((failed + 1))
			echo "not ok $n - $name on $k: exit $rc (${s}s)${note:+: $note}, console in build/$k/vm-${name%.sh}.log"
			[ -f "$slog" ] && grep -E '^(not ok|# )' "$slog" | head -20 | sed 's/^/#   /'
			grep -F "$name" "$log.err" | grep -v '^run-vm: FAIL' | head -5 | sed 's/^/#   /'
		fi
	done <"$tmp/res"
	if [ ! -s "$tmp/res" ]; then
		n=$((n + 1)); failed=$((failed + 1))
		echo "not ok $n - $u on $k: no result (${secs}s)"
		sed 's/^/#   /' "$log.err" | head -20
	fi
	echo "# boot $u on $k: ${secs}s, of which ${sum}s in its $(echo $items | wc -w) script(s) and $((secs - sum))s boot and power-off"
	grep '^run-vm: times:' "$log.err" | sed 's/^run-vm: /#   /'
done

# The multi-VM cluster: three guests, each its own kernel, over virtual NICs
# (RAFTLOG_MULTIVM=0 skips it).
if [ "${RAFTLOG_MULTIVM:-1}" != 0 ] && matches multi-vm; then
	if "$here/scripts/prepare-guest.sh" debug >"$here/build/prepare-debug.out" 2>&1; then
		set -- $(tail -1 "$here/build/prepare-debug.out")
		start=$(date +%s)
		out=$("$here/scripts/multi-vm.sh" "$1" "$2" 600)
		rc=$?
		secs=$(($(date +%s) - start))
	else
		out="" rc=1 secs=0
	fi
	echo "$out" | grep '^#'
	n=$((n + 1))
	if [ $rc -eq 0 ]; then
		passed=$((passed + 1))
		echo "ok $n - multi-vm: 3 guests over virtio NICs (${secs}s)"
	else
		failed=$((failed + 1))
		echo "not ok $n - multi-vm: 3 guests over virtio NICs (${secs}s)"
		echo "$out" | grep -v '^#' | sed 's/^/#   /'
	fi
fi
if [ $n -eq 0 ]; then
	n=1 failed=1
	echo "not ok 1 - no scenario matches '$filter'"
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
