#!/bin/sh
# Scan a guest console log for kernel reports that must fail a run:
# KASAN, UBSAN, lockdep, kmemleak, WARN, BUG, Oops, panic, hung tasks,
# soft lockups, RCU stalls.  Prints the offending lines; exit 1 if any.
#   scan-console.sh LOG
#
# The scan starts at the guest init's banner ("raftlog-guest: kernel"),
# the point where the test script starts and before any raftlog module is
# loaded.  A report during the kernel's own boot (seen rarely under TCG: a
# KASAN wild-memory-access from an interrupt while a secondary CPU comes
# up) says nothing about raftlog; it is shown as a note, not counted.
# A log without the banner is scanned whole.
set -u
pat='BUG:|WARNING:|Oops|Kernel panic|KASAN|UBSAN|unreferenced object|suspected memory leak|kmemleak reports|possible circular locking|possible recursive locking|inconsistent lock state|INFO: task .* blocked|soft lockup|rcu_sched self-detected|detected stall|general protection fault|Call Trace:'
start=$(grep -n -m1 '^raftlog-guest: kernel' "$1" 2>/dev/null | cut -d: -f1)
start=${start:-1}
if [ "$start" -gt 1 ] &&
   head -n "$((start - 1))" "$1" | grep -qE "$pat"; then
	echo "scan-console: note: kernel report during boot, before the test started (not counted):"
	head -n "$((start - 1))" "$1" | grep -nE "$pat" | head -5
fi
if tail -n "+$start" "$1" | grep -qE "$pat"; then
	echo "scan-console: kernel reports in $1:"
	tail -n "+$start" "$1" | grep -nE "$pat" | sed "s/^\([0-9]*\):/\1+$((start - 1)):/" | head -40
	exit 1
fi
exit 0
