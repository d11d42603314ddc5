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

# The test kernel also gets a deliberately broken raftlog.ko (a leader that
# acknowledges proposals before a majority has them), which the harness
# self-test feeds to the fault campaign to prove its checker catches it.
if [ "$flavor" = debug ]; then
	mkdir -p "$out/src-bug" "$out/modules/bug"
	# the sources only: objects copied from src carry src's flags and make
	# kbuild rebuild everything here every time
	rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod' --exclude='*.mod.c' --exclude='modules.order' \
		--exclude='Module.symvers' "$out/src/" "$out/src-bug/"
	make -s -C "$kdir" M="$out/src-bug" RL_TEST_HOOKS=1 RL_BUG=ACK_EARLY \
		-j"$(nproc)" modules >&2
	cp "$out/src-bug/raftlog.ko" "$out/modules/bug/"
	# and one whose records are written without FUA (RL_BUG=NO_FLUSH),
	# which the KUnit volatile-cache crash test must catch
	mkdir -p "$out/src-noflush"
	rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod' --exclude='*.mod.c' --exclude='modules.order' \
		--exclude='Module.symvers' "$out/src/" "$out/src-noflush/"
	make -s -C "$kdir" M="$out/src-noflush" RL_TEST_HOOKS=1 RL_BUG=NO_FLUSH \
		-j"$(nproc)" modules >&2
	cp "$out/src-noflush/raftlog.ko" "$out/modules/bug/raftlog-noflush.ko"
fi
echo "$out/modules"
