#!/bin/sh
# Build (or reuse) the raftlog test kernel from Debian's linux-source-6.12.
#
#   scripts/build-kernel.sh [debug|bench]
#
# Prints the kernel tree directory (KDIR) on its last line of stdout; the
# tree holds arch/x86/boot/bzImage and is ready for out-of-tree module
# builds.  The result is cached outside the repository, keyed by the source
# package version and a hash of the config fragments and this script, in
# $RAFTLOG_CACHE (default ~/.cache/raftlog), so a second run does not
# rebuild.
set -eu

flavor=${1:-debug}
here=$(cd "$(dirname "$0")/.." && pwd)
cache=${RAFTLOG_CACHE:-$HOME/.cache/raftlog}
tarball=/usr/src/linux-source-6.12.tar.xz

[ -r "$tarball" ] || { echo "build-kernel: $tarball missing (apt install linux-source-6.12)" >&2; exit 1; }
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12)

frags="$here/tests/kernel.config"
[ "$flavor" = bench ] && frags="$frags $here/tests/kernel-bench.config"
[ "$flavor" = debug ] || [ "$flavor" = bench ] || { echo "build-kernel: flavor must be debug or bench" >&2; exit 1; }

key=$(cat $frags "$0" | sha256sum | cut -c1-16)
dir="$cache/kernel/$srcver-$flavor-$key"
log="$cache/kernel/$srcver-$flavor-$key.log"

if [ -f "$dir/.raftlog-built" ]; then
	echo "build-kernel: cached $flavor kernel $srcver ($key)" >&2
	echo "$dir"
	exit 0
fi

mkdir -p "$cache/kernel"
rm -rf "$dir" "$dir.tmp"
echo "build-kernel: building $flavor kernel $srcver ($key); log in $log" >&2
mkdir -p "$dir.tmp"
tar -xJf "$tarball" -C "$dir.tmp" --strip-components=1
cd "$dir.tmp"

{
	make tinyconfig
	./scripts/kconfig/merge_config.sh -m .config $frags
	make olddefconfig
} >"$log" 2>&1 || { tail -30 "$log" >&2; exit 1; }

# Every "=y" line of the fragments must have survived dependency resolution
# (a symbol mentioned again by a later fragment is judged by that one).
missing=0
awk '
	/^CONFIG_[A-Za-z0-9_]+=/ { split($0, kv, "="); want[kv[1]] = $0; next }
	/^# CONFIG_[A-Za-z0-9_]+ is not set/ { delete want[$2] }
	END { for (k in want) print want[k] }
' $frags | while IFS= read -r line; do
	grep -qxF "$line" .config || echo "$line"
done >.missing
if [ -s .missing ]; then
	echo "build-kernel: options dropped by olddefconfig:" >&2
	sed 's/^/  /' .missing >&2
	missing=1
fi
[ $missing -eq 0 ] || exit 1

jobs=$(nproc)
if ! make -j"$jobs" bzImage modules >>"$log" 2>&1; then
	tail -40 "$log" >&2
	exit 1
fi
touch .raftlog-built
cd /
mv "$dir.tmp" "$dir"
echo "build-kernel: done: $dir" >&2
echo "$dir"
