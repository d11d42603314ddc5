#!/bin/sh
# Boot a QEMU guest (TCG), run one script from tests/vm in it (or several,
# one after the other, in one boot), and return the result.
#
#   run-vm.sh [OPTIONS] SCRIPT [ARGS...]
#   run-vm.sh [OPTIONS] -g ITEM...     ITEM = SCRIPT[,ARG]...[@SECONDS]
#
#   -k  bzImage to boot (default: the debug test kernel)
#   -i  initramfs (default: build/debug/initramfs.cpio.gz, see `make initramfs`)
#   -t  timeout in seconds (default 600): a guest still running then is
#       killed and reported as a failure.  With -g, each script's own limit
#       (@SECONDS, default this) counts from its start, and the whole boot
#       is allowed the sum plus RAFTLOG_BOOT_TIMEOUT (300) s of boot
#   -l  where to keep the full console log (default: a temp file); with -g,
#       each script's part of it also goes to LOG-without-.log.partN.log
#   -r  with -g: write one line per script to this file:
#       "N RC SECONDS ITEM PART-LOG NOTE"
#   -s  CPUs (default 2), -m memory in MiB (default 1536)
#
# A script fails when its status is non-zero, when it ran another number of
# TAP checks than its plan (tests/vm/lib.sh reports both), when the console
# while it ran shows a kernel report (KASAN, lockdep, kmemleak, UBSAN,
# WARN, BUG, Oops, panic, hung task), when it runs past its limit (124:
# with -g the guest kills it and goes on with the next; a guest that
# cannot, or a single script, is killed itself) or the guest dies under it
# (125); the scripts after it did not run then (125).
# Exit status, one script: its status, or 1 on a kernel report or a plan
# not met, 124 on timeout, 125 when the guest died without a result.
# With -g: 0 when every script passed, else 1.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
kernel="" initrd="$here/build/debug/initramfs.cpio.gz" timeout=600 log="" smp=2 mem=1536
group=0 results=""
while getopts k:i:t:l:s:m:r:g opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	i) initrd=$OPTARG ;;
	t) timeout=$OPTARG ;;
	l) log=$OPTARG ;;
	s) smp=$OPTARG ;;
	m) mem=$OPTARG ;;
	r) results=$OPTARG ;;
	g) group=1 ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: run-vm.sh [-k KERNEL] [-i INITRD] [-t S] SCRIPT [ARGS...] | -g ITEM..." >&2; exit 2; }
[ -n "$kernel" ] || kernel="$("$here/scripts/build-kernel.sh" debug)/arch/x86/boot/bzImage"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -n "$log" ] || log=$tmp/console.log
result=$tmp/result
: >"$result"
[ -z "$results" ] || : >"$results"

# the items: "SCRIPT,ARG,..." and their limits, one per line
: >"$tmp/items"
if [ $group -eq 1 ]; then
	total=${RAFTLOG_BOOT_TIMEOUT:-300}
	for it in "$@"; do
		case $it in
		*@*) lim=${it##*@}; it=${it%@*} ;;
		*) lim=$timeout ;;
		esac
		echo "$it $lim" >>"$tmp/items"
		total=$((total + lim))
	done
	[ "$timeout" -gt "$total" ] || timeout=$total
else
	it=$1
	shift
	for a in "$@"; do it="$it,$a"; done
	echo "$it $timeout" >"$tmp/items"
fi
# the guest kills a script at its limit (group form); the watchdog
# below only a little later, for a guest that cannot
if [ $group -eq 1 ]; then
	rlrun=$(awk '{ printf "%s%s@%s", (NR > 1 ? ";" : ""), $1, $2 }' "$tmp/items")
else
	rlrun=$(cut -d' ' -f1 "$tmp/items")
fi
count=$(wc -l <"$tmp/items")
boot_limit=${RAFTLOG_BOOT_TIMEOUT:-300}

# panic=-1: reboot at once on panic, which -no-reboot turns into an exit.
append="console=ttyS0 panic=-1 oops=panic rdinit=/init loglevel=7"
append="$append kunit.enable=1 kmemleak=on hung_task_panic=1 softlockup_panic=1 nokaslr"
# no_timer_check: under TCG on a loaded host the boot-time IO-APIC timer
# check can miss its window and panic ("IO-APIC + timer doesn't work!")
# before any test starts
append="$append no_timer_check"
append="$append rlrun=$rlrun"

# The watchdog: kills the guest when the script running has run past its
# own limit, or when boot (or the reset between two scripts) takes longer
# than RAFTLOG_BOOT_TIMEOUT.
watchdog() {
	cur="" since=$(date +%s)
	while [ ! -e "$tmp/over" ]; do
		sleep 1
		last=$(grep -E '^RAFTLOG-(START|END|RESULT|DONE)' "$result" | tail -1)
		if [ "$last" != "$cur" ]; then
			cur=$last since=$(date +%s)
		fi
		case $cur in
		"RAFTLOG-START "*)
			i=${cur#RAFTLOG-START }
			i=${i%% *}
			lim=$(sed -n "${i}p" "$tmp/items" | cut -d' ' -f2)
			[ $group -eq 0 ] || lim=$((lim + 30))
			;;
		RAFTLOG-DONE) lim=60 ;;
		*) lim=$boot_limit ;;
		esac
		if [ $(($(date +%s) - since)) -gt "$lim" ]; then
			echo "${cur:-boot} $lim" >"$tmp/watchdog"
			[ -s "$tmp/qemu.pid" ] && kill "$(cat "$tmp/qemu.pid")" 2>/dev/null
			return
		fi
	done
}
watchdog &
wpid=$!

timeout --foreground -k 10 "$timeout" \
	qemu-system-x86_64 -machine q35,accel=tcg -cpu max -smp "$smp" -m "$mem" \
	-kernel "$kernel" -initrd "$initrd" -append "$append" \
	-display none -monitor none -no-reboot -pidfile "$tmp/qemu.pid" \
	-serial stdio -serial "file:$result" \
	-device virtio-rng-pci \
	${RAFTLOG_QEMU_EXTRA:-} </dev/null 2>&1 | tr -d '\r' | tee "$log"
touch "$tmp/over"
wait $wpid 2>/dev/null

# where each script's part of the console starts (its banner)
grep -n '^raftlog-guest: kernel' "$log" | cut -d: -f1 >"$tmp/banners"
nb=$(wc -l <"$tmp/banners")
lines=$(wc -l <"$log")
worst=0 first_rc=""
i=0
while [ $i -lt "$count" ]; do
	i=$((i + 1))
	item=$(sed -n "${i}p" "$tmp/items" | cut -d' ' -f1)
	lim=$(sed -n "${i}p" "$tmp/items" | cut -d' ' -f2)
	script=${item%%,*}
	# this script's part of the console: from its banner to the next one
	# (the first part keeps the boot before it; without one banner per
	# script started, every part is the whole log)
	part=$log
	if [ $group -eq 1 ]; then
		part=${log%.log}.part$i.log
		started=$(grep -c '^RAFTLOG-START ' "$result")
		from=$(sed -n "${i}p" "$tmp/banners")
		to=$(sed -n "$((i + 1))p" "$tmp/banners")
		if [ "$nb" -ne "$started" ] || [ -z "$from" ]; then
			cp "$log" "$part"
		else
			[ $i -eq 1 ] && from=1
			to=${to:-$((lines + 1))}
			sed -n "${from},$((to - 1))p" "$log" >"$part"
		fi
		# after the last script, the kernel's own line about the leak scan
		# ("kmemleak: N new suspected memory leaks") is not this script's:
		# the guest blamed each object (RAFTLOG-LEAK) on its script
		if [ $i -eq "$count" ] && grep -q '^RAFTLOG-LEAK ' "$result"; then
			awk '/^raftlog-guest: leak scan after the last script/ { after = 1 }
				!(after && /^(\[ *[0-9.]+\] )?kmemleak: [0-9]+ new suspected memory leaks/)' \
				"$part" >"$tmp/part" && cat "$tmp/part" >"$part"
		fi
	fi
	line=$(grep "^RAFTLOG-RESULT $i " "$result" | tail -1)
	note=""
	# what kmemleak blamed on this script goes into its console part
	grep "^RAFTLOG-LEAK $i " "$result" | cut -d' ' -f3- >>"$part"
	if [ -z "$line" ] && grep -q "^RAFTLOG-END $i " "$result"; then
		set -- $(grep "^RAFTLOG-END $i " "$result" | tail -1)
		rc=125 secs=$4
		note="it ended with status $3, but the guest died before the leak scan"
		"$here/scripts/scan-console.sh" "$part" >&2
	elif [ -n "$line" ]; then
		set -- $line
		rc=$3 secs=$4
		n_leaks=$(grep -c "^RAFTLOG-LEAK $i unreferenced object" "$result")
		[ "$n_leaks" -eq 0 ] || note="kmemleak: $n_leaks object(s) allocated while it ran leaked"
		grep -q "^RAFTLOG-KILLED $i " "$result" &&
			note="${note:+$note; }still running after its limit of ${lim}s; killed in the guest"
		tap=$(grep "^RAFTLOG-TAP $i " "$result" | tail -1)
		if [ -n "$tap" ]; then
			set -- $tap
			plan=$3 ran=$4 tfailed=$5
			if [ "$plan" -ne "$ran" ]; then
				note="${note:+$note; }planned $plan checks, ran $ran"
				[ "$rc" -eq 0 ] && rc=1
			elif [ "$tfailed" -gt 0 ] && [ "$rc" -eq 0 ]; then
				note="${note:+$note; }$tfailed check(s) failed but the script exited 0"
				rc=1
			fi
		fi
		if ! "$here/scripts/scan-console.sh" "$part" >"$tmp/scan" 2>&1; then
			note="${note:+$note; }kernel reported problems while it ran"
			[ "$rc" -eq 0 ] && rc=1
		fi
		cat "$tmp/scan" >&2
	elif grep -q "^RAFTLOG-START $i " "$result"; then
		secs=?
		if [ -s "$tmp/watchdog" ] && grep -q "^RAFTLOG-START $i " "$tmp/watchdog"; then
			rc=124 note="still running after its limit of ${lim}s; guest killed"
		elif grep -q "Kernel panic" "$part"; then
			rc=125 note="the guest panicked"
		else
			rc=124 note="no result within ${timeout}s (hang or crash); guest killed"
		fi
		"$here/scripts/scan-console.sh" "$part" >&2
	else
		secs=?
		if grep -q "Kernel panic" "$log"; then
			rc=125 note="not run: the guest panicked before it"
		elif [ $i -eq 1 ]; then
			rc=124 note="not run: the guest did not boot within its limit; killed"
		else
			rc=125 note="not run: the guest died before it"
		fi
	fi
	if [ "$rc" -ne 0 ]; then
		echo "run-vm: FAIL: $item: exit $rc${note:+: $note}" >&2
		[ -n "$first_rc" ] || first_rc=$rc
		worst=1
	fi
	[ -n "$results" ] && echo "$i $rc $secs $item $part ${note:-}" >>"$results"
done
# where the time went (guest clock): boot, then each script's run and
# reset, then the leak scan
[ $group -eq 1 ] && grep -q '^RAFTLOG-BOOT ' "$result" && {
	printf 'run-vm: times: boot %ss' "$(sed -n 's/^RAFTLOG-BOOT \([0-9]*\).*/\1/p' "$result")"
	grep '^RAFTLOG-TIMES ' "$result" | while read -r _ i t; do
		case $i in
		scan) printf '; leak scan %ss' "$t" ;;
		*) printf '; %s %s' "$(sed -n "${i}p" "$tmp/items" | cut -d' ' -f1)" "$t" ;;
		esac
	done
	echo
} >&2
if [ $group -eq 1 ]; then
	exit $worst
fi
exit "${first_rc:-0}"
