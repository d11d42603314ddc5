#!/usr/bin/env python3
"""Check what packaging/udev/60-raftlog.rules does to raftlog devices.

udev cannot run on the host tests' machine nor in the guest (busybox, no
udevd), so this evaluates the rule file's own text the way udev would for
the keys it uses (SUBSYSTEM, KERNEL, ACTION, ENV matches; GOTO/LABEL;
IMPORT{program} run for real against the built raftctl; SYMLINK+=,
OWNER=, GROUP=, MODE= with $env{} and %k substituted) and compares the
symlinks and permissions with what the config files say.  Any key the
evaluator does not know fails the test, so the rule cannot grow past
what is checked here.  TAP output, then "N passed, N failed".

    udev_rule.py RULES RAFTCTL
"""
import fnmatch
import os
import re
import shlex
import subprocess
import sys
import tempfile

RULES, RAFTCTL = sys.argv[1], sys.argv[2]
KEY = re.compile(r'\s*([A-Z_]+)(?:\{([^}]*)\})?\s*(==|!=|\+=|=)\s*"((?:[^"\\]|\\.)*)"\s*,?')


def parse(path):
    rules = []
    for n, line in enumerate(open(path), 1):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        keys, pos = [], 0
        while pos < len(line):
            m = KEY.match(line, pos)
            if not m:
                raise SystemExit(f"{path}:{n}: cannot parse at {line[pos:]!r}")
            keys.append(m.groups())
            pos = m.end()
        rules.append((n, keys))
    return rules


def subst(s, dev, env):
    s = s.replace('%k', dev['KERNEL']).replace('$kernel', dev['KERNEL'])
    return re.sub(r'\$env\{([A-Z_]+)\}', lambda m: env.get(m.group(1), ''), s)


def run(rules, dev, confdir):
    env, out = {}, {'SYMLINK': [], 'OWNER': None, 'GROUP': None, 'MODE': None}
    goto = None
    for n, keys in rules:
        if goto:
            if keys[0][0] == 'LABEL' and keys[0][3] == goto:
                goto = None
            continue
        ok = True
        for k, attr, op, val in keys:
            if op in ('==', '!='):
                if k in ('SUBSYSTEM', 'KERNEL', 'ACTION'):
                    have = dev[k]
                elif k == 'ENV':
                    have = env.get(attr, '')
                else:
                    raise SystemExit(f"line {n}: match key {k} not evaluated")
                m = fnmatch.fnmatchcase(have, val) if val else have == ''
                if (op == '==') != m:
                    ok = False
                    break
        if not ok:
            continue
        for k, attr, op, val in keys:
            if op in ('==', '!='):
                continue
            if k == 'GOTO':
                goto = val
            elif k == 'LABEL':
                pass
            elif k == 'IMPORT' and attr == 'program':
                argv = shlex.split(subst(val, dev, env))
                argv[0] = RAFTCTL
                r = subprocess.run(argv, capture_output=True, text=True,
                                   env=dict(os.environ, RAFTLOG_CONFDIR=confdir))
                if r.returncode == 0:
                    for line in r.stdout.splitlines():
                        a, _, b = line.partition('=')
                        env[a] = b
            elif k == 'SYMLINK' and op == '+=':
                out['SYMLINK'] += subst(val, dev, env).split()
            elif k in ('OWNER', 'GROUP', 'MODE') and op == '=':
                out[k] = subst(val, dev, env)
            else:
                raise SystemExit(f"line {n}: action {k}{op} not evaluated")
    return out


CONF = """[group]
id = {g}
[node]
id = {n}
device = /dev/vd{g}
{access}"""

results = []


def check(desc, got, want):
    results.append(got == want)
    print(f"{'ok' if got == want else 'not ok'} {len(results)} - {desc}")
    if got != want:
        print(f"# got  {got}\n# want {want}")


rules = parse(RULES)  # @SBINDIR@ is only in the program path
with tempfile.TemporaryDirectory() as d:
    open(f"{d}/orders.conf", "w").write(CONF.format(
        g=1, n=1, access="[access]\nowner = 0\ngroup = disk\nmode = 0660\n"))
    open(f"{d}/ledger.conf", "w").write(CONF.format(g=2, n=3, access=""))
    open(f"{d}/broken.conf", "w").write("[group]\nid = 4\n")
    dev = lambda k, a='add': {'SUBSYSTEM': 'raftlog', 'KERNEL': k, 'ACTION': a}
    check("raftlog1: named after orders.conf, by id, [access] applied",
          run(rules, dev('raftlog1'), d),
          {'SYMLINK': ['raftlog/by-id/1', 'raftlog/orders'],
           'OWNER': '0', 'GROUP': 'disk', 'MODE': '0660'})
    check("raftlog2: a config without [access] leaves the kernel's mode",
          run(rules, dev('raftlog2'), d),
          {'SYMLINK': ['raftlog/by-id/2', 'raftlog/ledger'],
           'OWNER': None, 'GROUP': None, 'MODE': None})
    check("raftlog2.3 (a node in a namespace): its node's config",
          run(rules, dev('raftlog2.3'), d),
          {'SYMLINK': ['raftlog/by-id/2.3', 'raftlog/ledger'],
           'OWNER': None, 'GROUP': None, 'MODE': None})
    check("raftlog2.4: no config of node 4: by id only",
          run(rules, dev('raftlog2.4'), d),
          {'SYMLINK': ['raftlog/by-id/2.4'], 'OWNER': None, 'GROUP': None, 'MODE': None})
    check("raftlog4: a config that does not parse names nothing",
          run(rules, dev('raftlog4'), d),
          {'SYMLINK': ['raftlog/by-id/4'], 'OWNER': None, 'GROUP': None, 'MODE': None})
    check("remove events are left alone",
          run(rules, dev('raftlog1', 'remove'), d),
          {'SYMLINK': [], 'OWNER': None, 'GROUP': None, 'MODE': None})
    check("other subsystems are left alone",
          run(rules, {'SUBSYSTEM': 'block', 'KERNEL': 'raftlog1', 'ACTION': 'add'}, d),
          {'SYMLINK': [], 'OWNER': None, 'GROUP': None, 'MODE': None})
raw = open(RULES).read()
check("the rule runs raftctl from @SBINDIR@ (make install fills it in)",
      '@SBINDIR@/raftctl udev-name %k' in raw, True)
p = sum(results)
print(f"{p} passed, {len(results) - p} failed")
sys.exit(0 if all(results) else 1)
