#!/bin/sh
# Build raftlog.ko (and raftlog_test.ko where the kernel has KUnit) for one
# kernel, in a copy of the sources under build/<flavor>/src so builds for
# different kernels never share objects.  These are test builds
# (RL_TEST_HOOKS=1: the storage fault injection the KUnit suites drive and
# RL_BUG are compiled in); `make module` builds a module without them.
#
#   build-modules.sh debug|bench|stock
#
# Prints the directory holding the .ko files on its last stdout line.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
flavor=${1:-debug}
case $flavor in
debug|bench) kdir=$("$here/scripts/build-kernel.sh" "$flavor") ;;
stock) kdir=$("$here/scripts/stock-kernel.sh" kdir) ;;
*) echo "build-modules: unknown flavor $flavor" >&2; exit 2 ;;
esac
out=$here/build/$flavor
mkdir -p "$out/src"
rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
	--include='/Kbuild' --include='/kernel/***' --include='/uapi/***' \
	--include='/tests/' --include='/tests/*.h' --include='/tests/kunit/***' \
	--include='/tests/unit/' --include='/tests/unit/*/' --include='/tests/unit/*/*.[ch]' \
	--exclude='*' "$here/" "$out/src/" 2>/dev/null || \
	rsync -a --delete "$here/Kbuild" "$here/kernel" "$here/uapi" "$here/tests" "$out/src/"
make -s -C "$kdir" M="$out/src" RL_TEST_HOOKS=1 -j"$(nproc)" modules >&2
mkdir -p "$out/modules"
rm -f "$out/modules"/*.ko
cp "$out/src"/*.ko "$out/modules/"

# build_bug BUG NAME: a deliberately broken raftlog.ko (built with
# RL_BUG=BUG in src-NAME) as modules/bug/NAME.ko, which the harness
# self-test feeds to a test that must catch it
build_bug() {
	mkdir -p "$out/src-$2" "$out/modules/bug"
	# the sources only: objects copied from src carry src's flags and make
	# kbuild rebuild everything here every time
	rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod' --exclude='*.mod.c' --exclude='modules.order' \
		--exclude='Module.symvers' "$out/src/" "$out/src-$2/"
	make -s -C "$kdir" M="$out/src-$2" RL_TEST_HOOKS=1 RL_BUG="$1" \
		-j"$(nproc)" modules >&2
	cp "$out/src-$2/raftlog.ko" "$out/modules/bug/$2.ko"
}
if [ "$flavor" = debug ]; then
	# a leader that acknowledges proposals before a majority has them:
	# the fault campaign's checker must catch it
	build_bug ACK_EARLY raftlog
	# records written without FUA: the KUnit volatile-cache crash test
	# must catch it
	build_bug NO_FLUSH raftlog-noflush
	# a record reported durable when it completed, though one before it
	# failed: the KUnit out-of-order crash tests must catch it
	build_bug RETIRE_EARLY raftlog-retire
fi
echo "$out/modules"
