#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Parse raftctl stats --prometheus output (stdin) with the Prometheus
Python client's text parser (python3-prometheus-client), as a scraper
would, and check what it makes of it: the families and their types, the
escaped name label, the commit latency histogram.  One TAP line; a skip
when the parser is not installed (a failure with RAFTLOG_STRICT=1
or CI, as tests/unit/ynl does)."""
import os
import sys

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    # make check (RAFTLOG_STRICT=1) and CI install it: there, missing fails
    strict = os.environ.get('RAFTLOG_STRICT')
    if strict is None:
        strict = '1' if os.environ.get('CI', '') not in ('', '0', 'false') else '0'
    if strict == '1':
        print('not ok 1 - prometheus_client parses the output (python3-prometheus-client missing, RAFTLOG_STRICT=1)')
        sys.exit(1)
    print('ok 1 - prometheus_client parses the output # SKIP python3-prometheus-client not installed')
    sys.exit(0)

text = sys.stdin.read()
try:
    fams = {f.name: f for f in text_string_to_metric_families(text)}
    info = fams['raftlog_group_info'].samples[0].labels
    hist = {s.labels.get('le'): s.value
            for s in fams['raftlog_commit_latency_seconds'].samples
            if s.name.endswith('_bucket') and s.labels['group'] == '1'}
    ok = (len(fams) > 40 and
          # the parser names a counter's family without _total
          fams.get('raftlog_commits', fams.get('raftlog_commits_total')).type == 'counter' and
          fams['raftlog_term'].type == 'gauge' and
          fams['raftlog_commit_latency_seconds'].type == 'histogram' and
          info['name'] == 'orders "eu"' and
          hist['0.000004'] == 6 and hist['+Inf'] == 12)
    why = '' if ok else ' (unexpected values)'
except Exception as e:  # a parse error is the finding
    ok, why = False, ' (%s: %s)' % (type(e).__name__, e)
print('%s 1 - prometheus_client parses the output%s' % ('ok' if ok else 'not ok', why))
sys.exit(0 if ok else 1)
