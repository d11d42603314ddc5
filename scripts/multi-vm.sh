#!/bin/sh
# The multi-VM check: three QEMU guests, each booting its own kernel, joined
# by a QEMU multicast socket network (a virtual hub on the host's
# loopback), form one raftlog group over real virtio NICs, each proposes
# entries, and the host compares the committed logs (digests) the guests
# print.  TAP on stdout; exit 0 when every guest passed and the digests
# agree.
#   multi-vm.sh KERNEL INITRD [TIMEOUT]
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
kernel=$1 initrd=$2 timeout=${3:-600}
n=3
out=$here/build/multivm
mkdir -p "$out"
# a port of our own so concurrent runs on one host do not share the hub
port=$((20000 + $$ % 20000))
pids=""
for i in $(seq 1 $n); do
	RAFTLOG_QEMU_EXTRA="-netdev socket,id=n0,mcast=230.0.0.1:$port,localaddr=127.0.0.1 -device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:0$i" \
		"$here/scripts/run-vm.sh" -k "$kernel" -i "$initrd" -t "$timeout" -m 1024 -s 1 \
		-l "$out/node$i.log" multi/node.sh "node=$i" "n=$n" count=20 \
		>/dev/null 2>"$out/node$i.err" &
	pids="$pids $!"
done
k=0 failed=0
for p in $pids; do
	k=$((k + 1))
	wait "$p"
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok $k - multi-VM node $k"
	else
		failed=$((failed + 1))
		echo "not ok $k - multi-VM node $k: exit $rc, console in build/multivm/node$k.log"
		grep -E '^(not ok|# )' "$out/node$k.log" | head -10 | sed 's/^/#   /'
		sed 's/^/#   /' "$out/node$k.err" | head -5
	fi
done
k=$((k + 1))
digests=$(cat "$out"/node*.log | sed -n 's/.*MULTIVM-DIGEST node=[0-9]* //p' | sort -u)
echo "$digests" | sed 's/^/# /'
if [ "$(echo "$digests" | grep -c digest=)" -eq 1 ] &&
   [ "$(cat "$out"/node*.log | grep -c MULTIVM-DIGEST)" -eq $n ]; then
	echo "ok $k - the $n guests committed the same log"
else
	failed=$((failed + 1))
	echo "not ok $k - the $n guests committed the same log"
fi
[ $failed -eq 0 ]
