#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Parse KUnit's KTAP output out of a guest console log.

    ktap.py LOG [--begin MARK] [--end MARK]

Only the lines between the begin and end markers are considered (the guest
script prints them around loading the test module).  Kernel timestamps and
interleaved non-KTAP kernel messages are ignored.  Prints one TAP line per
test case as "suite.case", then "N passed, N failed[, N skipped]" (skipped
cases are listed and counted apart, as neither).  Exit status 1 when any case or
suite failed, when the top-level plan is missing, or when fewer suites
reported than the plan announced (a truncated run, e.g. a crash mid-test).
"""
import re
import sys

TS = re.compile(r'^\[\s*\d+\.\d+\]\s?')
RESULT = re.compile(r'^(ok|not ok) (\d+) (.*?)(?:\s+#\s*(SKIP|TODO)\b(.*))?$', re.I)
PLAN = re.compile(r'^1\.\.(\d+)$')


def strip(line):
    return TS.sub('', line.rstrip('\r\n'))


def parse(lines):
    """Returns (plan, suites) where suites is a list of
    (suite_name, suite_ok, [(case, status)]) and status is ok/fail/skip."""
    plan = None
    suites = []
    cases = []
    suite_name = None
    for raw in lines:
        line = strip(raw)
        indent = len(line) - len(line.lstrip(' '))
        body = line.strip()
        if not body:
            continue
        if indent == 0 and plan is None:
            m = PLAN.match(body)
            if m:
                plan = int(m.group(1))
                continue
        if indent == 4:
            m = re.match(r'^# Subtest: (\S+)', body)
            if m:
                suite_name = m.group(1)
                cases = []
                continue
            m = RESULT.match(body)
            if m:
                status = 'ok' if m.group(1) == 'ok' else 'fail'
                if m.group(4) and m.group(4).upper() == 'SKIP':
                    status = 'skip'
                cases.append((m.group(3).strip(), status))
                continue
        if indent == 0:
            m = RESULT.match(body)
            if m:
                name = m.group(3).strip()
                ok = m.group(1) == 'ok'
                suites.append((name, ok, cases))
                cases = []
                suite_name = None
    return plan, suites


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    log = args[0]
    begin = 'RAFTLOG-KTAP-BEGIN'
    end = 'RAFTLOG-KTAP-END'
    if '--begin' in args:
        begin = args[args.index('--begin') + 1]
    if '--end' in args:
        end = args[args.index('--end') + 1]
    with open(log, errors='replace') as f:
        all_lines = f.readlines()
    inside = False
    lines = []
    seen_begin = False
    for raw in all_lines:
        s = strip(raw)
        if s.strip() == begin:
            inside, seen_begin = True, True
            lines = []
            continue
        if s.strip() == end:
            inside = False
            continue
        if inside:
            lines.append(raw)
    if not seen_begin:
        lines = all_lines
    plan, suites = parse(lines)
    passed = failed = skipped = 0
    n = 0
    problems = []
    for name, ok, cases in suites:
        for case, status in cases:
            n += 1
            if status == 'ok':
                passed += 1
                print(f'ok {n} {name}.{case}')
            elif status == 'skip':
                skipped += 1
                print(f'ok {n} {name}.{case} # SKIP')
            else:
                failed += 1
                print(f'not ok {n} {name}.{case}')
        if not ok and not any(s == 'fail' for _, s in cases):
            failed += 1
            n += 1
            print(f'not ok {n} {name} (suite failed)')
    if plan is None:
        problems.append('no KTAP plan found (module did not run its suites?)')
    elif len(suites) < plan:
        problems.append(f'truncated KTAP: plan 1..{plan} but {len(suites)} suite result(s)')
    for p in problems:
        failed += 1
        n += 1
        print(f'not ok {n} ktap: {p}')
    if skipped:
        print(f'# {skipped} skipped')
    print(f'{passed} passed, {failed} failed' +
          (f', {skipped} skipped' if skipped else ''))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
