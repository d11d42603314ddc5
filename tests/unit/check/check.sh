#!/bin/sh
# Scenarios for rlcheck verify: logs of three nodes (index term flags
# payload) and client histories (rlclient's format).  Each case states
# whether the checker must pass or fail, and for failures which rule.
set -u
rlcheck=$1
w=work
rm -rf $w && mkdir -p $w
n=0 passed=0 failed=0

# The cluster's log: a no-op, then entries from clients 1 and 2.
base() {
	cat >$w/a <<'L'
1 1 1 -
2 1 0 c1-0
3 1 0 c2-0
4 1 0 c1-1....
5 2 1 -
6 2 0 c2-2
L
	cp $w/a $w/b
	cp $w/a $w/c
	printf 'client 1\n0 ok 2 1\n1 ok 4 1\n2 fail 11\n' >$w/h1
	printf 'client 2\n0 ok 3 1\n1 unknown 110\n2 ok 6 2\n3 unknown 4\n' >$w/h2
}

# expect pass|fail DESCRIPTION PATTERN [EXTRA ARGS]: run verify on the work files
expect() {
	want=$1 desc=$2 pat=$3
	shift 3
	n=$((n + 1))
	out=$($rlcheck verify "$@" -l $w/a $w/b $w/c -h $w/h1 $w/h2 2>&1)
	rc=$?
	ok=0
	case $want in
	pass) [ $rc -eq 0 ] && echo "$out" | grep -q 'rlcheck: PASS' && ok=1 ;;
	fail) [ $rc -eq 1 ] && echo "$out" | grep -q 'rlcheck: FAIL' &&
		{ [ -z "$pat" ] || echo "$out" | grep -q "$pat"; } && ok=1 ;;
	esac
	if [ $ok -eq 1 ]; then
		passed=$((passed + 1)); echo "ok $n - $desc"
	else
		failed=$((failed + 1)); echo "not ok $n - $desc (rc $rc)"
		echo "$out" | sed 's/^/# /'
	fi
}

echo "1..16"
base
expect pass "a consistent cluster passes" "" -s -f 3
out=$($rlcheck verify -f 3 -l $w/a $w/b $w/c -h $w/h1 $w/h2)
n=$((n + 1))
if echo "$out" | grep -q 'attempted 7, acknowledged 4, failed 1, indeterminate 2 (0 of them committed)' &&
   echo "$out" | grep -q 'faults injected 3'; then
	passed=$((passed + 1)); echo "ok $n - the figures are counted"
else
	failed=$((failed + 1)); echo "not ok $n - the figures are counted"; echo "$out" | sed 's/^/# /'
fi

base; head -4 $w/c >$w/c.t && mv $w/c.t $w/c
expect pass "a node behind is fine without -s" ""
expect fail "... but not once all must have caught up (-s)" "not caught up" -s

base; sed -i 's/^4 1 0 c1-1..../4 1 0 c2-1/' $w/b
expect fail "two nodes disagree at one index" "differ at index 4"

base; sed -i '/^4 /d; s/^5 /4 /; s/^6 /5 /' $w/a $w/b $w/c
expect fail "an acknowledged entry is lost (overwritten by a new leader)" "c1-1 acknowledged at 4 term 1 is not in the log"

base; sed -i 's/^6 2 0 c2-2/6 2 0 c1-2/' $w/a $w/b $w/c
expect fail "a definitely failed proposal is committed" "c1-2 failed definitely"

base; printf '7 2 0 c1-0\n' | tee -a $w/a $w/b >>$w/c
expect fail "an entry committed twice" "committed twice"

base; printf '7 2 0 c9-0\n8 2 0 junk\n' | tee -a $w/a $w/b >>$w/c
expect fail "entries no client proposed" "never proposed"

base; sed -i 's/^1 ok 4 1$/1 ok 4 2/' $w/h1
expect fail "acknowledged with a term other than the one committed" "acknowledged at 4 term 2, committed at 4 term 1"

base; printf '7 2 0 c2-1\n' | tee -a $w/a $w/b >>$w/c
expect pass "an indeterminate proposal may commit" "" -s

base; sed -i '/^4 /d' $w/b
expect fail "a gap in a node's log" "index 5 follows 3"

# archives: the nodes compacted their logs; what they dropped was dumped
# (rlcheck dump DEV OUT FROM) to an archive first
archive() {
	base
	head -4 $w/a >$w/arch
	for f in a b c; do sed -i '1,3d' $w/$f; done
}
archive
expect pass "compacted logs and the archive of their prefix: every acknowledged entry checked" "" -s -a $w/arch
out=$($rlcheck verify -l $w/a $w/b $w/c -a $w/arch -h $w/h1 $w/h2)
n=$((n + 1))
if echo "$out" | grep -q 'up to index 6' && ! echo "$out" | grep -q 'compacted prefix'; then
	passed=$((passed + 1)); echo "ok $n - the union of logs and archive starts at index 1"
else
	failed=$((failed + 1)); echo "not ok $n - the union of logs and archive starts at index 1"; echo "$out" | sed 's/^/# /'
fi
archive; sed -i 's/^4 1 0 c1-1..../4 1 0 c2-1/' $w/arch
expect fail "the archive disagrees with the nodes' logs" "differ at index 4" -a $w/arch
archive; sed -i '/^4 /d' $w/arch; for f in a b c; do sed -i '/^4 /d' $w/$f; done
expect fail "an index in neither the archive nor any log" "index 4 is in none of the logs" -a $w/arch

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
