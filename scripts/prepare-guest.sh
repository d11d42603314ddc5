#!/bin/sh
# Build what a guest of one kernel flavor needs: the modules for that
# kernel, the project's userspace binaries, and the initramfs holding them.
#
#   prepare-guest.sh debug|bench|stock
#
# Prints "KERNEL INITRAMFS" (the bzImage to boot, the initramfs) on its last
# stdout line.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
flavor=${1:-debug}
# (not in a pipeline: a failed module build must stop here, not leave a
# guest without its modules)
out=$("$here/scripts/build-modules.sh" "$flavor") ||
	{ echo "prepare-guest: building the $flavor modules failed" >&2; exit 1; }
moddir=$(echo "$out" | tail -1)

# Userspace programs (raftctl, benchmarks, guest test tools).
bins=""
for d in "$here/userspace" "$here/tests/vm/tools"; do
	[ -f "$d/Makefile" ] && make -s -C "$d" >&2
done
for f in "$here"/userspace/*/* "$here"/tests/vm/tools/*; do
	[ -f "$f" ] && [ -x "$f" ] || continue
	head -c 4 "$f" | grep -q ELF || continue
	bins="$bins -b $f"
done

case $flavor in
stock)
	krel=$("$here/scripts/stock-kernel.sh" release)
	kernel=$("$here/scripts/stock-kernel.sh" image)
	# shellcheck disable=SC2086
	"$here/scripts/mkinitramfs.sh" -o "$here/build/$flavor/initramfs.cpio.gz" \
		-m "$moddir" -k "$krel" $bins
	;;
*)
	kernel=$("$here/scripts/build-kernel.sh" "$flavor")/arch/x86/boot/bzImage
	# shellcheck disable=SC2086
	"$here/scripts/mkinitramfs.sh" -o "$here/build/$flavor/initramfs.cpio.gz" \
		-m "$moddir" $bins
	;;
esac
echo "$kernel $here/build/$flavor/initramfs.cpio.gz"
