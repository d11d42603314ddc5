#!/bin/sh
# Build the guest initramfs: busybox-static, scripts/guest-init.sh as /init,
# the project's modules (/lib/raftlog), binaries (/usr/bin) and guest
# scripts (/tests), the host tools the scenarios use (ip, tc, nft, dmsetup)
# with the shared libraries they link, and, for a distribution kernel, the
# module files raftlog.ko depends on.
#
#   mkinitramfs.sh -o OUT [-m MODDIR] [-b BIN]... [-k KREL]
#     -m MODDIR  directory of .ko files to put in /lib/raftlog
#     -b BIN     a binary to add to /usr/bin (its libraries come along)
#     -k KREL    also copy, from /lib/modules/KREL, the modules the guest
#                scenarios load (STOCK_MODULES below: checksums, RAM and
#                loop disks, device-mapper with the targets the fault
#                campaign swaps in, veth, bridge, netem, nftables) with
#                everything they depend on (modules.dep), and modules.*;
#                a module missing from the tree fails the build
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out="" moddir="" krel="" bins=""
while getopts o:m:b:k: opt; do
	case $opt in
	o) out=$OPTARG ;;
	m) moddir=$OPTARG ;;
	b) bins="$bins $OPTARG" ;;
	k) krel=$OPTARG ;;
	*) exit 2 ;;
	esac
done
[ -n "$out" ] || { echo "usage: mkinitramfs.sh -o OUT [-m MODDIR] [-b BIN]... [-k KREL]" >&2; exit 2; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/usr/bin" "$root/usr/sbin" "$root/lib/raftlog" "$root/tests" \
	"$root/etc" "$root/proc" "$root/sys" "$root/dev" "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
install -m 0755 "$here/scripts/guest-init.sh" "$root/init"
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "root:x:0:" >"$root/etc/group"

add_libs() {
	ldd "$1" 2>/dev/null | awk '/=>/ { print $3 } /^\t\/lib/ { print $1 }' |
	while read -r lib; do
		[ -f "$lib" ] || continue
		mkdir -p "$root$(dirname "$lib")"
		[ -f "$root$lib" ] || cp -L "$lib" "$root$lib"
	done
}

for tool in ip tc nft dmsetup blockdev; do
	p=$(command -v $tool 2>/dev/null) ||
		{ echo "mkinitramfs: $tool missing on the host (scripts/install-deps.sh)" >&2; exit 1; }
	cp -L "$p" "$root/usr/sbin/$tool"
	add_libs "$p"
done
# tc looks up netem distribution tables here
[ -d /usr/lib/x86_64-linux-gnu/tc ] && mkdir -p "$root/usr/lib/x86_64-linux-gnu" &&
	cp -r /usr/lib/x86_64-linux-gnu/tc "$root/usr/lib/x86_64-linux-gnu/"
for b in $bins; do
	[ -f "$b" ] || { echo "mkinitramfs: missing binary $b" >&2; exit 1; }
	cp -L "$b" "$root/usr/bin/"
	add_libs "$b"
done
if [ -n "$moddir" ]; then
	for ko in "$moddir"/*.ko; do
		[ -f "$ko" ] && cp "$ko" "$root/lib/raftlog/"
	done
	if [ -d "$moddir/bug" ]; then
		mkdir -p "$root/lib/raftlog/bug"
		cp "$moddir"/bug/*.ko "$root/lib/raftlog/bug/"
	fi
fi
# What a distribution kernel must load for the scenarios (built in on the
# test kernel).  tests/vm/lib.sh's rl_need loads them in the guest.
STOCK_MODULES="libcrc32c crc32c_generic crc32c-intel brd loop dm-mod
	dm-log-writes dm-flakey dm-delay veth bridge sch_netem nf_tables
	nft_reject_inet"
if [ -n "$krel" ]; then
	src=/lib/modules/$krel
	dst=$root/lib/modules/$krel
	mkdir -p "$dst/kernel"
	cp "$src"/modules.* "$dst/"
	# each module's file, then what modules.dep says it needs
	files=""
	for m in $STOCK_MODULES; do
		f=$(awk -F: -v a="/$m.ko" -v b="/$(echo "$m" | tr - _).ko" '
			{ n = $1; sub(/\.(xz|zst|gz)$/, "", n) }
			substr(n, length(n) - length(a) + 1) == a ||
			substr(n, length(n) - length(b) + 1) == b { print; exit }' "$src/modules.dep")
		if [ -z "$f" ]; then
			grep -q "/$m.ko" "$src/modules.builtin" 2>/dev/null && continue
			echo "mkinitramfs: module $m not in $src" >&2
			exit 1
		fi
		files="$files ${f%%:*} ${f#*:}"
	done
	for f in $(echo "$files" | tr ' ' '\n' | sort -u); do
		mkdir -p "$dst/$(dirname "$f")"
		cp "$src/$f" "$dst/$f"
	done
fi
cp -r "$here/tests/vm/." "$root/tests/"
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
