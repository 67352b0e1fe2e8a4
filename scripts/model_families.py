#!/usr/bin/env python3
# The closing-note measurement of issue 19: `python3 scripts/model_families.py` from the repo root.
# Per family: operations, constraints the model states on requests (required, length, range,
# items, enum, union, pattern; nested through shapes), and how many of them the running table
# holds (the table's files, the same kinds). Run from the repo root.
import json, os, re
from collections import defaultdict
m = json.load(open('specs/model/sesv2-service-2.json'))
S = m['shapes']
FAM = [('CustomVerificationEmailTemplate','custom verification templates'),('EmailTemplate','email templates'),
 ('EmailIdentityPolic','identity policies'),('EmailIdentityCertificate','identity certificates'),('EmailIdentit','email identities'),
 ('ConfigurationSet','configuration sets'),('Contact','contact lists and contacts'),('DedicatedIp','dedicated IPs and pools'),
 ('Deliverability','deliverability dashboard'),('Blacklist','deliverability dashboard'),('DomainStatistics','deliverability dashboard'),
 ('SuppressedDestination','suppression list'),('Account','account'),('ExportJob','import and export jobs'),('ImportJob','import and export jobs'),
 ('Insights','insights and metrics'),('MetricData','insights and metrics'),('Recommendations','insights and metrics'),
 ('Tag','tags'),('Untag','tags'),('Tenant','tenants'),('MultiRegionEndpoint','multi-region endpoints'),('ReputationEntit','reputation entities'),
 ('Send','sending'),('TestRenderEmailTemplate','email templates')]
def family(op):
    if op == 'TestRenderEmailTemplate': return 'email templates'
    for k, f in FAM:
        if k in op: return f
    return 'other'
def model_count(shape, seen):
    s = S[shape]; n = 0
    if s.get('pattern'): n += 1
    if 'min' in s or 'max' in s: n += 1
    if s.get('enum'): n += 1
    if s['type'] == 'structure':
        if shape in seen: return 0
        seen = seen | {shape}
        if s.get('union'): n += 1
        n += len(s.get('required', []))
        for mm in s.get('members', {}).values(): n += model_count(mm['shape'], seen)
    elif s['type'] == 'list': n += model_count(s['member']['shape'], seen)
    elif s['type'] == 'map': n += model_count(s['key']['shape'], seen) + model_count(s['value']['shape'], seen)
    return n
tshapes = {f[:-5]: json.load(open('specs/shapes/'+f)) for f in os.listdir('specs/shapes')}
KINDS = {'required','length','range','items'}
def table_member(mem, seen):
    n = sum(1 for k in mem.get('constraints', {}) if k in KINDS)
    sh = mem.get('shape')
    if sh in tshapes:
        t = tshapes[sh]
        if t['kind'] == 'enum': n += 1
        elif sh not in seen:
            seen = seen | {sh}
            n += len(t.get('rules', {}).get('exactly_one_of', {}) and [1])
            for mm in t.get('members', {}).values(): n += table_member(mm, seen)
    for k in ('member', 'key', 'value'):
        if k in mem: n += table_member(mem[k], seen)
    return n
table = {}
for d in ('operations', 'setup'):
    for f in os.listdir('specs/' + d):
        j = json.load(open(f'specs/{d}/{f}')); table[j['operation']] = j
rows = defaultdict(lambda: [0, 0, 0, 0])
for op, o in m['operations'].items():
    r = rows[family(op)]
    r[0] += 1
    r[2] += model_count(o['input']['shape'], frozenset()) if 'input' in o else 0
    if op in table:
        r[1] += 1
        r[3] += sum(table_member(mm, frozenset()) for mm in table[op].get('input', {}).values())
print('| family | operations (model) | in the running table | request constraints the model states | the running table holds (its kinds, seed and later) |')
print('|---|---|---|---|---|')
tot = [0, 0, 0, 0]
for f, r in sorted(rows.items(), key=lambda x: -x[1][0]):
    print(f'| {f} | {r[0]} | {r[1]} | {r[2]} | {r[3]} |'); tot = [a + b for a, b in zip(tot, r)]
print(f'| all | {tot[0]} | {tot[1]} | {tot[2]} | {tot[3]} |')
