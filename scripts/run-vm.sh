#!/bin/sh
# Boot a QEMU guest (TCG), run one script from tests/vm in it, and return
# that script's output and exit status.
#
#   run-vm.sh [-k KERNEL] [-i INITRD] [-t SECONDS] [-l LOG] [-s SMP] SCRIPT [ARGS...]
#
#   -k  bzImage to boot (default: the debug test kernel)
#   -i  initramfs (default: build/debug/initramfs.cpio.gz, see `make initramfs`)
#   -t  timeout in seconds (default 600): a guest still running then is
#       killed and reported as a failure
#   -l  where to keep the full console log (default: a temp file)
#
# Exit status: the script's own, or 1 when the console shows a kernel
# report (KASAN, lockdep, kmemleak, UBSAN, WARN, BUG, Oops, panic, hung
# task), 124 on timeout, 125 when the guest died without a result.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
kernel="" initrd="$here/build/debug/initramfs.cpio.gz" timeout=600 log="" smp=2 mem=1536
while getopts k:i:t:l:s:m: opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	i) initrd=$OPTARG ;;
	t) timeout=$OPTARG ;;
	l) log=$OPTARG ;;
	s) smp=$OPTARG ;;
	m) mem=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: run-vm.sh [-k KERNEL] [-i INITRD] [-t S] SCRIPT [ARGS...]" >&2; exit 2; }
script=$1
shift
rlargs=$(echo "$*" | tr ' ' ',')
[ -n "$kernel" ] || kernel="$("$here/scripts/build-kernel.sh" debug)/arch/x86/boot/bzImage"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -n "$log" ] || log=$tmp/console.log
result=$tmp/result
: >"$result"

# panic=-1: reboot at once on panic, which -no-reboot turns into an exit.
append="console=ttyS0 panic=-1 oops=panic rdinit=/init loglevel=7"
append="$append kunit.enable=1 kmemleak=on hung_task_panic=1 softlockup_panic=1 nokaslr"
append="$append rlscript=$script"
[ -n "$rlargs" ] && append="$append rlargs=$rlargs"

timeout --foreground -k 10 "$timeout" \
	qemu-system-x86_64 -machine q35,accel=tcg -cpu max -smp "$smp" -m "$mem" \
	-kernel "$kernel" -initrd "$initrd" -append "$append" \
	-display none -monitor none -no-reboot \
	-serial stdio -serial "file:$result" \
	-device virtio-rng-pci \
	${RAFTLOG_QEMU_EXTRA:-} </dev/null 2>&1 | tr -d '\r' | tee "$log"

status=$(sed -n 's/^RAFTLOG-RESULT \([0-9]*\).*/\1/p' "$result" | tail -1)
if [ -z "$status" ]; then
	if grep -q "Kernel panic" "$log"; then
		echo "run-vm: FAIL: guest panicked running $script" >&2
		exit 125
	fi
	echo "run-vm: FAIL: no result from $script within ${timeout}s (hang or crash); guest killed" >&2
	exit 124
fi
if "$here/scripts/scan-console.sh" "$log" >&2; then :; else
	echo "run-vm: FAIL: kernel reported problems while running $script" >&2
	exit 1
fi
exit "$status"
