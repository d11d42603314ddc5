#!/bin/sh
# make demo: build everything, boot the test kernel in QEMU and run a
# 3-node raftlog cluster in it with raftctl: propose, tail, kill the
# leader, fail over, bring it back, check nothing was lost.  The guest
# side is tests/vm/demo.sh.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
echo "== raftlog demo: building the test kernel (about 15 minutes the first time, cached after)"
"$here/scripts/build-kernel.sh" debug >/dev/null
echo "== building raftlog.ko for it, the userspace tools, and the guest initramfs"
set -- $("$here/scripts/prepare-guest.sh" debug 2>/dev/null | tail -1)
echo "== booting the guest (QEMU, software emulation; the console follows)"
"$here/scripts/run-vm.sh" -k "$1" -i "$2" -t 600 -l "$here/build/demo.log" demo.sh |
	grep -v '^\[' | sed -n '/^raftlog-guest: kernel/,$p' | grep -vE '^(RAFTLOG-RESULT|ACPI: PM|reboot: )'
echo "== done; the full console is in build/demo.log"
