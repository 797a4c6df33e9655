import json,sys,subprocess,collections
J='/usr/lib/jvm/temurin-25-jdk-amd64/bin/jfr'
cats=[('shardeddb code','io.shardeddb'),('micronaut http/routing','io.micronaut.http','io.micronaut.web','io.micronaut.core','io.micronaut.context','io.micronaut.inject','io.micronaut.scheduling','io.micronaut.runtime'),('json (serde/jackson)','io.micronaut.serde','io.micronaut.json','com.fasterxml'),('micronaut data/tx','io.micronaut.data','io.micronaut.transaction','io.micronaut.jdbc'),('netty','io.netty'),('reactor','reactor.'),('mysql connector/j','com.mysql'),('hikari','com.zaxxer'),('jdk http client','jdk.internal.net.http','java.net.http'),('micrometer','io.micrometer'),('logging','ch.qos','org.slf4j'),('jdk net/nio','sun.nio','java.nio','sun.net'),('jdk other','java.','jdk.','sun.')]
label=sys.argv[1]; files=sys.argv[2:]
c=collections.Counter(); n=0
for f in files:
    d=json.loads(subprocess.run([J,'print','--json','--events','jdk.ExecutionSample','--stack-depth','1',f],capture_output=True,text=True).stdout)
    for e in d['recording']['events']:
        st=e['values'].get('stackTrace')
        if not st or not st['frames']: continue
        fr=st['frames'][0]['method']['type']['name'].replace('/','.')
        n+=1
        for cat in cats:
            if any(fr.startswith(p) for p in cat[1:]): c[cat[0]]+=1; break
        else: c['other']+=1
print(f'{label}: {n} samples (self time by package)')
for k,v in c.most_common(): print(f'  {k:26s} {100*v/n:5.1f}%')
