#!/bin/sh
# Kernel-side hygiene: checkpatch --strict over every kernel file of ours,
# and sparse (C=2) over the module build.  One TAP line per file checked.
#   tier-hygiene.sh [checkpatch|sparse]   (both by default)
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
what=${1:-all}
kdir=$("$here/scripts/build-kernel.sh" debug) || exit 1
n=0 passed=0 failed=0
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }

files=$(cd "$here" && ls kernel/*.[ch] kernel/raft/*.[ch] uapi/linux/*.h tests/kunit/*.[ch] 2>/dev/null)
if [ "$what" != sparse ]; then
	for f in $files; do
		ignore=FILE_PATH_CHANGES
		# exports for the test module are gathered in one file on purpose
		[ "$f" = kernel/kunit_exports.c ] && ignore=$ignore,EXPORT_SYMBOL
		out=$(cd "$here" && "$kdir/scripts/checkpatch.pl" --strict --no-tree --terse \
			--show-types --ignore "$ignore" -f "$f" 2>&1)
		if echo "$out" | grep -qE '(ERROR|WARNING|CHECK):'; then
			notok "checkpatch $f"
			echo "$out" | grep -E '(ERROR|WARNING|CHECK):' | head -15 | sed 's/^/# /'
		else
			ok "checkpatch $f"
		fi
	done
fi
if [ "$what" != checkpatch ]; then
	src=$here/build/sparse/src
	mkdir -p "$src"
	rsync -a --delete "$here/Kbuild" "$here/kernel" "$here/uapi" "$here/tests" "$src/"
	out=$(make -C "$kdir" M="$src" C=2 CHECK="sparse -Wno-decl" -j"$(nproc)" modules 2>&1)
	rc=$?
	if [ $rc -ne 0 ]; then
		notok "sparse: module build failed"
		echo "$out" | tail -20 | sed 's/^/# /'
	fi
	for f in $files; do
		case $f in *.c) ;; *) continue ;; esac
		w=$(echo "$out" | grep -F "$src/$f:" | grep -E 'warning|error')
		if [ -n "$w" ]; then
			notok "sparse $f"
			echo "$w" | head -10 | sed "s|$src/||; s/^/# /"
		else
			ok "sparse $f"
		fi
	done
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
