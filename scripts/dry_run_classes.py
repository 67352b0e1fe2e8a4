#!/usr/bin/env python3
# Issue 19 measurement: planned real-SES requests of a dry run per safety class, seeds 0-9, and how
# many of an opt-in class SES could act on (not marked certainly rejected). Run from the repo root
# after `cargo build`.
import json, os, re, subprocess, sys
from collections import Counter
cls = {}
for d in ('operations', 'setup'):
    for f in os.listdir('specs/' + d):
        j = json.load(open(f'specs/{d}/{f}')); cls[j['operation']] = j['safety']
OPT = {'sends-mail', 'account-change', 'billable', 'user-data', 'foreign-resource'}
env = dict(os.environ, AWS_ACCESS_KEY_ID='x', AWS_SECRET_ACCESS_KEY='y')
tot = Counter(); beyond_total = 0
for seed in range(10):
    out = subprocess.run([os.environ.get('SES_CONFORMANCE_BIN', 'target/debug/ses-conformance'), 'run', '--target', 'aws', '--identity', 'example.org',
                          '--dry-run', '--seed', str(seed)], capture_output=True, text=True, env=env).stdout
    per = Counter(); beyond = 0
    for line in out.splitlines():
        m = re.match(r'(SEND|READ|REMOVE|CREATE|SHARED)\s+(?:\S+::\S+ )?(\w+)(?: via \w+)?: ', line)
        if not m: continue
        op = m.group(2)
        c = cls.get(op, '?'); per[c] += 1
        if c in OPT and 'SES certainly rejects it first' not in line: beyond += 1
    tot.update(per); beyond_total += beyond
    print(seed, dict(per), 'opt-in requests SES could act on:', beyond)
print('all seeds', dict(tot), 'could act on beyond the run:', beyond_total)
