import json,sys,collections
d=json.load(open(sys.argv[1]))
ev=d['recording']['events']
cats=[('TLS to MariaDB (sun.security.ssl)',('sun.security.ssl','com.sun.crypto')),('MySQL Connector/J',('com.mysql.',)),('JDK HttpClient (outgoing HTTP)',('jdk.internal.net.http',)),('Netty (HTTP server)',('io.netty',)),('JSON (Jackson/serde)',('jackson','io.micronaut.serde')),('Micronaut routing/DI/filters',('io.micronaut.http','io.micronaut.web','io.micronaut.context','io.micronaut.core')),('Reactor',('reactor.',)),('ShardedDB code',('io.shardeddb',)),('Micrometer',('io.micrometer',)),('Hikari',('com.zaxxer',))]
n=0;inc=collections.Counter();top=collections.Counter()
cpu=[]
for e in ev:
  t=e['type']
  if t=='jdk.CPULoad':
    v=e['values']; cpu.append((v['jvmUser']+v['jvmSystem'],v['machineTotal']))
  if t!='jdk.ExecutionSample': continue
  fr=[(f['method']['type']['name']+'.'+f['method']['name']).replace('/','.') for f in e['values']['stackTrace']['frames']]
  n+=1
  for name,keys in cats:
    if any(any(k in f for k in keys) for f in fr): inc[name]+=1
print(sys.argv[1],'samples',n)
if cpu: print('avg JVM cpu %.0f%% of machine, machine total %.0f%%'%(100*sum(c[0] for c in cpu)/len(cpu),100*sum(c[1] for c in cpu)/len(cpu)))
for k,v in inc.most_common(): print('  %-40s %5.1f%% (inclusive)'%(k,100*v/n))
