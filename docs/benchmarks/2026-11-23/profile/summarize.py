# summarize.py JFRDIR: per group (router, primaries, secondaries) self time by package and by entry point
import json,sys,subprocess,collections,os,glob
J='/usr/lib/jvm/temurin-25-jdk-amd64/bin/jfr'
cats=[('shardeddb code','io.shardeddb'),('micronaut http/routing','io.micronaut.http','io.micronaut.web','io.micronaut.core','io.micronaut.context','io.micronaut.inject','io.micronaut.scheduling','io.micronaut.runtime'),('json (serde/jackson)','io.micronaut.serde','io.micronaut.json','com.fasterxml'),('micronaut data/tx','io.micronaut.data','io.micronaut.transaction','io.micronaut.jdbc'),('netty','io.netty'),('reactor','reactor.'),('mysql connector/j','com.mysql'),('hikari','com.zaxxer'),('jdk http client','jdk.internal.net.http','java.net.http'),('micrometer','io.micrometer'),('logging','ch.qos','org.slf4j'),('jdk net/nio','sun.nio','java.nio','sun.net'),('jdk other','java.','jdk.','sun.')]
def events(f):
    d=json.loads(subprocess.run([J,'print','--json','--events','jdk.ExecutionSample','--stack-depth','96',f],capture_output=True,text=True).stdout)
    return [e['values']['stackTrace'] for e in d['recording']['events'] if e['values'].get('stackTrace') and e['values']['stackTrace']['frames']]
def name(m): return m['type']['name'].split('/')[-1]+'.'+m['name']
groups=collections.defaultdict(list)
for f in sorted(glob.glob(os.path.join(sys.argv[1],'*.jfr'))):
    if os.path.getsize(f)==0: continue
    st=events(f)
    if 'router' in f: groups['router'].append(st); continue
    batch=sum(1 for s in st if any('WriteCoordinator' in x['method']['type']['name'] and x['method']['name']=='loop' for x in s['frames']))
    groups['primaries' if st and batch/len(st)>0.03 else 'secondaries'].append(st)
    print(f'{os.path.basename(f)}: {len(st)} samples, batcher {100*batch/max(1,len(st)):.0f}%')
for g,lists in groups.items():
    allst=[s for l in lists for s in l]; n=len(allst)
    c=collections.Counter(); e=collections.Counter()
    for s in allst:
        fr=s['frames'][0]['method']['type']['name'].replace('/','.')
        for cat in cats:
            if any(fr.startswith(p) for p in cat[1:]): c[cat[0]]+=1; break
        else: c['other']+=1
        ours=[x['method'] for x in s['frames'] if x['method']['type']['name'].startswith('io/shardeddb')]
        e[('ours: '+name(ours[-1])) if ours else ('outer: '+name(s['frames'][-1]['method']))]+=1
    print(f'\n== {g}: {len(lists)} JVMs, {n} samples — self time by package')
    for k,v in c.most_common(): print(f'  {k:26s} {100*v/n:5.1f}%')
    print(f'  -- by entry point (outermost ShardedDB frame, else the thread\'s outermost frame)')
    for k,v in e.most_common(10): print(f'  {100*v/n:5.1f}% {k}')
