#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that the YNL spec uapi/raftlog.yaml and the uapi header
uapi/linux/raftlog.h describe the same generic netlink family, so the two
cannot drift: family name, version and multicast group; every command,
attribute set and enum with its C name and value (and nothing more in the
header's enums); every attribute's type and value range against the
header's prose ("RAFTLOG_A_X: NLA_U32, 1..10000"); every attribute an
operation names exists.  With a kernel tree (KSRC, or found under
$RAFTLOG_CACHE/kernel, default ~/.cache/raftlog), also validate the spec against the kernel's
genetlink-legacy schema and compare the enums the kernel's YNL generator
(tools/net/ynl/ynl-gen-c.py) renders from it with the header's.

    check_spec.py SPEC HEADER [HEADER...]

Prints TAP and "N passed, N failed[, N skipped]"; exit status 1 on any
failure.  A check that cannot run for want of a tool (the kernel tree,
jsonschema, ynl-gen-c.py) is a skip, counted apart; with RAFTLOG_STRICT=1
(make check, which installs them all) or CI set, it is a failure.
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

import yaml

NLA = {'u8': 'NLA_U8', 'u16': 'NLA_U16', 'u32': 'NLA_U32', 'u64': 'NLA_U64',
       's32': 'NLA_S32', 's64': 'NLA_S64', 'string': 'NLA_NUL_STRING',
       'binary': 'NLA_BINARY', 'nest': 'NLA_NESTED', 'flag': 'NLA_FLAG'}

results = []


def check(ok, desc, why=''):
    results.append((bool(ok), desc, why))


def strict():
    v = os.environ.get('RAFTLOG_STRICT')
    if v is None:
        v = '1' if os.environ.get('CI', '') not in ('', '0', 'false') else '0'
    return v == '1'


def skip(desc, why):
    """A check that could not run: skipped, or failed when strict."""
    if strict():
        results.append((False, desc, why + ' (RAFTLOG_STRICT=1: it should be installed)'))
    else:
        results.append(('skip', desc, why))


def cname(s):
    return s.upper().replace('-', '_')


def strip_comments(text):
    return re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'),
                  text, flags=re.S)


def parse_header(text):
    """C enums (name -> (members dict, order)), #defines and the prose."""
    code = strip_comments(text)
    defines = {}
    for m in re.finditer(r'^#define\s+(\w+)\s+(.+?)\s*$', code, re.M):
        defines[m.group(1)] = m.group(2)
    enums = {}
    for m in re.finditer(r'enum\s+(\w+)\s*\{(.*?)\}\s*;', code, re.S):
        vals, order, nxt = {}, [], 0
        for item in m.group(2).split(','):
            item = item.strip()
            if not item:
                continue
            if '=' in item:
                k, v = [x.strip() for x in item.split('=', 1)]
                if re.match(r'^(0x)?[0-9a-fA-F]+$', v):
                    nxt = int(v, 0)
                elif v in vals:
                    nxt = vals[v]
                else:
                    # an expression (the generator's X_MAX = (__X_MAX - 1))
                    order.append(k)
                    continue
            else:
                k = item
            vals[k] = nxt
            order.append(k)
            nxt += 1
        enums[m.group(1)] = (vals, order)
    prose = {}
    for m in re.finditer(r'^\s*\*\s+(RAFTLOG_\w+):\s+(NLA_\w+)(.*)$', text,
                         re.M):
        prose[m.group(1)] = (m.group(2), m.group(3))
    return enums, defines, prose


def define_int(defines, name):
    v = defines.get(name)
    if v is None:
        return None
    v = v.strip('()')
    try:
        return int(v, 0)
    except ValueError:
        return define_int(defines, v)


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    spec = yaml.safe_load(open(sys.argv[1]))
    text = ''.join(open(h).read() for h in sys.argv[2:])
    enums, defines, prose = parse_header(text)
    fam = cname(spec['name'])

    # family, version, multicast groups
    check(defines.get(cname(spec['c-family-name'])) == '"%s"' % spec['name'],
          'family name %s' % spec['name'])
    check(define_int(defines, cname(spec['c-version-name'])) ==
          spec['version'], 'family version %d' % spec['version'])
    for g in spec['mcast-groups']['list']:
        n = '%s_MCGRP_%s' % (fam, cname(g['name']))
        check(defines.get(n) == '"%s"' % g['name'],
              'multicast group %s is %s' % (g['name'], n))

    # definitions: constants and enums
    for d in spec.get('definitions', []):
        if d['type'] == 'const':
            n = '%s_%s' % (fam, cname(d['name']))
            check(define_int(defines, n) == d['value'],
                  'constant %s = %d' % (n, d['value']))
            continue
        prefix = cname(d.get('name-prefix', spec['name'] + '-' + d['name'] + '-'))
        names = [prefix + cname(e if isinstance(e, str) else e['name'])
                 for e in d['entries']]
        en = d.get('enum-name')
        vals = enums.get(en.replace('-', '_'), ({}, []))[0] if en else {}
        for i, n in enumerate(names):
            got = vals.get(n, define_int(defines, n))
            check(got == i, 'enum %s: %s = %d' % (d['name'], n, i),
                  'header has %r' % got)
        if en:
            extra = set(vals) - set(names)
            check(not extra, 'enum %s has nothing the spec lacks' % en,
                  'extra: %s' % sorted(extra))

    # attribute sets
    sets = {}
    for s in spec['attribute-sets']:
        sets[s['name']] = s
        prefix = cname(s['name-prefix'])
        en = s['enum-name'].replace('-', '_')
        check(en in enums, 'attribute set %s is enum %s' % (s['name'], en))
        vals, order = enums.get(en, ({}, []))
        nxt, want = 1, []
        for a in s['attributes']:
            v = a.get('value', nxt)
            nxt = v + 1
            n = prefix + cname(a['name'])
            want.append(n)
            check(vals.get(n) == v, '%s = %d' % (n, v),
                  'header has %r' % vals.get(n))
            if a['type'] in ('unused', 'pad'):
                continue
            p = prose.get(n)
            check(p is not None, '%s is documented in the header' % n)
            if p is None:
                continue
            nla, rest = p
            check(nla == NLA[a['type']], '%s is %s' % (n, NLA[a['type']]),
                  'header says %s' % nla)
            if a.get('multi-attr'):
                check('repeated' in rest, '%s is documented as repeated' % n)
            if a['type'] == 'nest':
                sub = a['nested-attributes']
                senum = [x for x in spec['attribute-sets'] if x['name'] == sub]
                check(senum and senum[0]['enum-name'].replace('-', '_') in rest,
                      '%s nests enum %s' % (n, senum[0]['enum-name'] if senum else sub))
            ck = a.get('checks', {})
            m = re.search(r'(\d+)\.\.(\w*)', rest)
            lo = int(m.group(1)) if m else None
            hi = m.group(2) if m else None
            if 'min' in ck or 'min-len' in ck:
                check(lo == ck.get('min', ck.get('min-len')),
                      '%s lower bound %s' % (n, ck.get('min', ck.get('min-len'))),
                      'header says %r' % lo)
            if 'max' in ck or ('max-len' in ck and a['type'] == 'binary'):
                mx = ck.get('max', ck.get('max-len'))
                if isinstance(mx, str):
                    mx = define_int(defines, '%s_%s' % (fam, cname(mx)))
                hv = define_int(defines, hi) if hi and not hi.isdigit() else \
                    (int(hi) if hi else None)
                check(hv == mx, '%s upper bound %s' % (n, mx),
                      'header says %r' % hi)
            if 'max-len' in ck and a['type'] == 'string':
                check(re.search(r'maxlen %d\b' % ck['max-len'], rest),
                      '%s maxlen %d' % (n, ck['max-len']), 'header: %s' % rest)
        extra = [x for x in order if x not in want and not x.startswith('__')
                 and x != prefix + 'MAX']
        check(not extra, 'enum %s has nothing the spec lacks' % en,
              'extra: %s' % extra)
        for k in ('attr-cnt-name', 'attr-max-name'):
            if k in s:
                c = cname(s[k])
                ok = (c in order) or (c in defines)
                check(ok, '%s %s defined' % (k, c))

    # operations
    ops = spec['operations']
    prefix = cname(ops['name-prefix'])
    cen = ops['enum-name'].replace('-', '_')
    vals, order = enums.get(cen, ({}, []))
    nxt, want = 1, []
    for o in ops['list']:
        v = o.get('value', nxt)
        nxt = v + 1
        n = prefix + cname(o['name'])
        want.append(n)
        check(vals.get(n) == v, '%s = %d' % (n, v), 'header has %r' % vals.get(n))
        check(re.search(r'^ \* %s\b' % n, text, re.M),
              '%s is documented in the header' % n)
        aset = sets[o.get('attribute-set', spec['name'])]
        names = {a['name'] for a in aset['attributes']}
        for mode in ('do', 'dump', 'event'):
            m = o.get(mode)
            if not m:
                continue
            parts = [m] if mode == 'event' else [m.get('request', {}), m.get('reply', {})]
            for part in parts:
                for an in part.get('attributes', []):
                    check(an in names, '%s %s: attribute %s exists' % (o['name'], mode, an))
        is_mut = 'uns-admin-perm' in o.get('flags', [])
        check(is_mut == (o['name'] not in ('group-get', 'event')),
              '%s: admin permission %s' % (o['name'], 'required' if is_mut else 'not required'))
    extra = [x for x in order if x not in want and x != prefix + 'UNSPEC'
             and not x.startswith('__')]
    check(not extra, 'enum %s has nothing the spec lacks' % cen, 'extra: %s' % extra)

    kernel_checks(sys.argv[1], enums)

    n = 0
    for ok, desc, why in results:
        n += 1
        if ok == 'skip':
            print('ok %d - %s # SKIP %s' % (n, desc, why))
        elif ok:
            print('ok %d - %s' % (n, desc))
        else:
            print('not ok %d - %s%s' % (n, desc, (': ' + why) if why else ''))
    failed = sum(1 for ok, _, _ in results if not ok)
    skipped = sum(1 for ok, _, _ in results if ok == 'skip')
    print('1..%d' % n)
    print('%d passed, %d failed%s' % (n - failed - skipped, failed,
                                      ', %d skipped' % skipped if skipped else ''))
    return 1 if failed else 0


def find_ksrc():
    if os.environ.get('KSRC'):
        return os.environ['KSRC']
    # a finished build of the project's test kernel (not one in progress)
    cache = os.environ.get('RAFTLOG_CACHE') or os.path.expanduser('~/.cache/raftlog')
    for d in sorted(glob.glob(os.path.join(cache, 'kernel/*'))):
        if os.path.isfile(os.path.join(d, '.raftlog-built')) and \
           os.path.isfile(os.path.join(d, 'Documentation/netlink/genetlink-legacy.yaml')):
            return d
    return None


def kernel_checks(spec_path, enums):
    """The kernel's own schema and generator, when a tree is at hand."""
    ksrc = find_ksrc()
    if not ksrc:
        skip('spec valid against the kernel schema', 'no kernel tree')
        return
    schema = os.path.join(ksrc, 'Documentation/netlink/genetlink-legacy.yaml')
    try:
        import jsonschema
        jsonschema.validate(yaml.safe_load(open(spec_path)),
                            yaml.safe_load(open(schema)))
        check(True, 'spec valid against the kernel genetlink-legacy schema')
    except ImportError:
        skip('spec valid against the kernel schema', 'no jsonschema')
    except Exception as e:  # jsonschema.ValidationError and YAML errors
        check(False, 'spec valid against the kernel genetlink-legacy schema',
              str(e).splitlines()[0])
    gen = os.path.join(ksrc, 'tools/net/ynl/ynl-gen-c.py')
    if not os.path.isfile(gen):
        skip('ynl-gen-c renders the header\'s enums', 'no ynl-gen-c.py')
        return
    with tempfile.TemporaryDirectory() as tmp:
        # the generator finds the schema one level above the spec's folder
        # and looks for a kernel root (MAINTAINERS) above that
        open(os.path.join(tmp, 'MAINTAINERS'), 'w').close()
        os.mkdir(os.path.join(tmp, 'specs'))
        spec_copy = os.path.join(tmp, 'specs', 'raftlog.yaml')
        with open(spec_copy, 'w') as f:
            f.write(open(spec_path).read())
        with open(os.path.join(tmp, 'genetlink-legacy.yaml'), 'w') as f:
            f.write(open(schema).read())
        out = os.path.join(tmp, 'gen.h')
        r = subprocess.run([sys.executable, gen, '--mode', 'uapi', '--header',
                            '--spec', spec_copy, '-o', out],
                           capture_output=True, text=True, timeout=120)
        if r.returncode or not os.path.exists(out):
            check(False, 'ynl-gen-c renders the spec', r.stderr.strip()[-300:])
            return
        genums, _, _ = parse_header(open(out).read())
    for name, (vals, _) in genums.items():
        mine = enums.get(name, ({}, []))[0]
        diff = {k: (v, mine.get(k)) for k, v in vals.items()
                if not k.startswith('__') and not k.endswith('_MAX') and
                mine.get(k) != v}
        def named(d):
            return {k for k in d if not k.startswith('__') and
                    not k.endswith(('_MAX', '_UNSPEC'))}
        gk = named(vals)
        mk = named(mine)
        check(gk and not diff and gk == mk,
              'ynl-gen-c enum %s matches the header (%d names)' % (name, len(gk)),
              'differs: %s, only generated: %s, only header: %s' %
              (diff, sorted(gk - mk), sorted(mk - gk)))


if __name__ == '__main__':
    sys.exit(main())
