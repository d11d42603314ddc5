#!/bin/sh
# Kernel-side hygiene: checkpatch --strict over every kernel file of ours,
# the structure rules (scripts/check-size.sh: no .c over 800 lines, no
# function over 80), and sparse (C=2) over the module build.  One TAP line per file checked.
#   tier-hygiene.sh [checkpatch|sparse]   (both by default)
#
# A file passes checkpatch only when checkpatch exits 0 and says nothing
# (--terse prints nothing for a clean file): a crash, a perl error or any
# remark fails it.  Sparse: every warning or error fails the file it points
# at, whether a .c or a header, ours or the kernel's (a warning in a kernel
# header is blamed on "kernel tree").  A missing checkpatch.pl or sparse
# fails the tier: it cannot vouch for what it did not check.
#
# RAFTLOG_CHECKPATCH (default: the test kernel's scripts/checkpatch.pl),
# RAFTLOG_SPARSE (default: sparse) and RAFTLOG_HYGIENE_FILES (a subset of
# the files, for checkpatch) exist for the harness self-test.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
what=${1:-all}
kdir=$("$here/scripts/build-kernel.sh" debug) || exit 1
checkpatch=${RAFTLOG_CHECKPATCH:-$kdir/scripts/checkpatch.pl}
sparse=${RAFTLOG_SPARSE:-sparse}
n=0 passed=0 failed=0
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }

files=${RAFTLOG_HYGIENE_FILES:-$(cd "$here" && ls kernel/*.[ch] kernel/raft/*.[ch] uapi/linux/*.h tests/kunit/*.[ch] 2>/dev/null)}
if [ "$what" != sparse ]; then
	if [ ! -f "$checkpatch" ]; then
		notok "checkpatch: $checkpatch not found"
	else
		for f in $files; do
			ignore=FILE_PATH_CHANGES
			# exports for the test module are gathered in one file on purpose
			[ "$f" = kernel/kunit_exports.c ] && ignore=$ignore,EXPORT_SYMBOL
			out=$(cd "$here" && perl "$checkpatch" --strict --no-tree --terse \
				--show-types --ignore "$ignore" -f "$f" 2>&1)
			rc=$?
			if [ $rc -ne 0 ] || [ -n "$out" ]; then
				notok "checkpatch $f (exit $rc)"
				echo "$out" | head -15 | sed 's/^/# /'
			else
				ok "checkpatch $f"
			fi
		done
	fi
fi
# the structure rules (docs/architecture.md): file and function sizes
if [ "$what" != sparse ] && [ -z "${RAFTLOG_HYGIENE_FILES:-}" ]; then
	"$here/scripts/check-size.sh" >"${TMPDIR:-/tmp}/rl-size.$$" 2>&1
	while IFS= read -r line; do
		case $line in
		"ok "*) ok "${line#ok * - }" ;;
		"not ok "*) notok "${line#not ok * - }" ;;
		"#"*) echo "$line" ;;
		esac
	done <"${TMPDIR:-/tmp}/rl-size.$$"
	rm -f "${TMPDIR:-/tmp}/rl-size.$$"
fi
if [ "$what" != checkpatch ]; then
	if ! command -v "$sparse" >/dev/null 2>&1; then
		notok "sparse: $sparse not found"
	else
		src=$here/build/sparse/src
		mkdir -p "$src"
		rsync -a --delete "$here/Kbuild" "$here/kernel" "$here/uapi" "$here/tests" "$src/"
		# not silent even under "make -s": the CHECK lines name the files;
		# with the test hooks, so their code is checked too
		out=$(MAKEFLAGS= MFLAGS= make -C "$kdir" M="$src" C=2 RL_TEST_HOOKS=1 CHECK="$sparse -Wno-decl" -j"$(nproc)" modules 2>&1)
		rc=$?
		if [ $rc -ne 0 ]; then
			notok "sparse: module build failed"
			echo "$out" | tail -20 | sed 's/^/# /'
		fi
		# every warning/error line, as "file<TAB>line" with our prefix dropped
		warns=$(echo "$out" | grep -E '^[^ ]+:[0-9]+(:[0-9]+)?: (warning|error):' |
			sed "s|^$src/||" | sort -u)
		# the files sparse checked, and every header of ours
		checked=$(echo "$out" | sed -n "s|^  CHECK   $src/||p" | sort -u)
		[ -n "$checked" ] || [ $rc -ne 0 ] || notok "sparse: checked no file (CHECK lines missing)"
		hdrs=$(cd "$here" && ls kernel/*.h kernel/raft/*.h uapi/linux/*.h tests/*.h tests/kunit/*.h 2>/dev/null)
		for f in $checked $hdrs; do
			w=$(echo "$warns" | grep -F "$f:" | grep -E "^$f:")
			if [ -n "$w" ]; then
				notok "sparse $f"
				echo "$w" | head -10 | sed 's/^/# /'
			else
				ok "sparse $f"
			fi
		done
		# warnings in files that are not ours (a kernel header) or not listed
		other=$(echo "$warns" | grep -v '^$' | while IFS= read -r l; do
			f=${l%%:*}
			case " $(echo $checked $hdrs) " in *" $f "*) ;; *) echo "$l" ;; esac
		done)
		if [ -n "$other" ]; then
			notok "sparse: warnings in other files (kernel tree or unlisted)"
			echo "$other" | head -10 | sed 's/^/# /'
		fi
	fi
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ] && [ $n -gt 0 ]
