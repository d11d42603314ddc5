#!/bin/sh
# VM tier: run every guest scenario in tests/vm that declares itself with a
# header line
#     # rl-test: kernels=debug[,stock] timeout=SECONDS
# each in a fresh guest of each kernel it names.  Prints TAP and
# "N passed, N failed".  Console logs are kept in build/<kernel>/vm-<name>.log.
#   tier-vm.sh [NAME-SUBSTRING]
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
filter=${1:-}
n=0 passed=0 failed=0
prepared=""
for t in "$here"/tests/vm/*.sh; do
	hdr=$(grep -m1 '^# rl-test:' "$t") || continue
	name=$(basename "$t")
	case $name in *"$filter"*) ;; *) continue ;; esac
	kernels=$(echo "$hdr" | sed -n 's/.*kernels=\([^ ]*\).*/\1/p' | tr ',' ' ')
	timeout=$(echo "$hdr" | sed -n 's/.*timeout=\([0-9]*\).*/\1/p')
	for k in ${kernels:-debug}; do
		case " $prepared " in
		*" $k "*) ;;
		*)
			if ! "$here/scripts/prepare-guest.sh" "$k" >"$here/build/prepare-$k.out" 2>&1; then
				tail -20 "$here/build/prepare-$k.out"
				n=$((n + 1)); failed=$((failed + 1))
				echo "not ok $n - prepare $k guest"
				continue
			fi
			prepared="$prepared $k"
			;;
		esac
		set -- $(tail -1 "$here/build/prepare-$k.out")
		log=$here/build/$k/vm-${name%.sh}.log
		start=$(date +%s)
		"$here/scripts/run-vm.sh" -k "$1" -i "$2" -t "${timeout:-300}" -l "$log" "$name" >/dev/null 2>"$log.err"
		rc=$?
		secs=$(($(date +%s) - start))
		n=$((n + 1))
		if [ $rc -eq 0 ]; then
			passed=$((passed + 1))
			echo "ok $n - $name on $k (${secs}s)"
		else
			failed=$((failed + 1))
			echo "not ok $n - $name on $k: exit $rc (${secs}s), console in build/$k/vm-${name%.sh}.log"
			grep -E '^(not ok|# )' "$log" | head -20 | sed 's/^/#   /'
			sed 's/^/#   /' "$log.err" | head -20
		fi
	done
done

# The multi-VM cluster: three guests, each its own kernel, over virtual NICs
# (RAFTLOG_MULTIVM=0 skips it).
case ${RAFTLOG_MULTIVM:-1}:multi-vm in
0:*) ;;
*"$filter"*)
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
	;;
esac
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
