#!/bin/sh
# Scan a guest console log for kernel reports that must fail a run:
# KASAN, UBSAN, lockdep, kmemleak, WARN, BUG, Oops, panic, hung tasks,
# soft lockups, RCU stalls.  Prints the offending lines; exit 1 if any.
#   scan-console.sh LOG
set -u
pat='BUG:|WARNING:|Oops|Kernel panic|KASAN|UBSAN|unreferenced object|suspected memory leak|kmemleak reports|possible circular locking|possible recursive locking|inconsistent lock state|INFO: task .* blocked|soft lockup|rcu_sched self-detected|detected stall|general protection fault|Call Trace:'
if grep -nE "$pat" "$1" >/dev/null 2>&1; then
	echo "scan-console: kernel reports in $1:"
	grep -nE "$pat" "$1" | head -40
	exit 1
fi
exit 0
