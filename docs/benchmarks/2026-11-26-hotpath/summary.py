#!/usr/bin/env python3
"""One row per invocation and phase of the hot-path A/B: ShardedDB's median seconds, the router's
and every process's CPU per op, machine busy, one-client p50, and the load before the target;
then each group's active CPU per op (minus its idle background)."""
import json, sys, os, glob, statistics, collections
root = os.path.dirname(os.path.abspath(__file__))
rows = []
for d in sorted(glob.glob(os.path.join(root, '*/results.json'))):
    name = os.path.basename(os.path.dirname(d))
    j = json.load(open(d))
    env = j['environment']
    load = env.get('load-average-before shardeddb 4x3', env.get('load-average-at-start'))
    sec = {}; p50 = {}
    for r in j['results']:
        x = r['result']
        if x['target'].startswith('shardeddb'):
            if x['suite'] == 'main': sec[x['phase']] = x['seconds']
            if x['suite'] == 'latency': p50[x['phase']] = x['latency']['p50']
    for c in j['cpu']:
        u = c['usage']
        if u['target'].startswith('shardeddb') and u['phase'] in ('write', 'read') and u['suite'] == 'main':
            m = c['cpuMsPerOp']
            rows.append((name, u['phase'], sec.get(u['phase']), m.get('router'), m.get('total'),
                         u['machineBusySeconds'] / u['wallSeconds'], p50.get(u['phase']), load))
print('| invocation | phase | seconds (median of 3) | router CPU ms/op | all processes CPU ms/op | machine busy (cores) | one-client p50 ms | load before |')
print('|---|---|---|---|---|---|---|---|')
for r in rows:
    print('| %s | %s | %.2f | %.3f | %.3f | %.2f | %.2f | %s |' % r)
agg = collections.defaultdict(list)
for r in rows:
    agg[(r[0].split('-')[0], r[1])].append(r)
print()
print('| variant | phase | invocations | router CPU ms/op, each | router mean | all CPU mean | seconds, each |')
print('|---|---|---|---|---|---|---|')
for (v, ph), rs in sorted(agg.items()):
    print('| %s | %s | %d | %s | %.3f | %.3f | %s |' % (v, ph, len(rs), ', '.join('%.3f' % r[3] for r in rs),
          statistics.mean(r[3] for r in rs), statistics.mean(r[4] for r in rs), ', '.join('%.2f' % r[2] for r in rs)))

print()
print('Active CPU per op (group CPU minus its idle cores x the phase wall time), ms:')
print()
print('| invocation | phase | wall s (3 runs) | router | primaries | secondaries | bench JVM | MariaDB |')
print('|---|---|---|---|---|---|---|---|')
for d in sorted(glob.glob(os.path.join(root, '*/results.json'))):
    j = json.load(open(d)); idle = None
    for c in j['cpu']:
        u = c['usage']
        if u['target'].startswith('shardeddb') and u['phase'] == 'idle':
            idle = {k: v / u['wallSeconds'] for k, v in u['groupSeconds'].items()}
    for c in j['cpu']:
        u = c['usage']
        if u['target'].startswith('shardeddb') and u['phase'] in ('write', 'read') and u['suite'] == 'main':
            a = {k: (v - idle.get(k, 0) * u['wallSeconds']) / u['ops'] * 1000 for k, v in u['groupSeconds'].items()}
            print('| %s | %s | %.1f | %.3f | %.3f | %.3f | %.3f | %.3f |' % (
                os.path.basename(os.path.dirname(d)), u['phase'], u['wallSeconds'], a['router'], a['primaries'],
                a['secondaries'], a['bench JVM (clients, operator, local API)'], a['MariaDB']))
