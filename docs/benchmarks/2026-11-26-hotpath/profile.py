# Buckets the router's JFR execution samples (jfr print --json --events jdk.ExecutionSample) by the
# first matching part of the stack, and by thread. Usage: python3 profile.py router.json
import json,sys,collections
d=json.load(open(sys.argv[1]))
ev=[e for e in d['recording']['events'] if e['type']=='jdk.ExecutionSample']
th=collections.Counter(); cat=collections.Counter()
def c(fr):
  s=' '.join(fr)
  if 'sun.security.ssl' in s or 'com.sun.crypto' in s or 'SslHandler' in s: return 'TLS (router<->client, router<->shard)'
  if 'ShardStream' in s or 'stream.Data' in s: return 'data stream client (ShardStream)'
  if 'io.micronaut.http.client' in s: return 'Micronaut HTTP client'
  if 'ContractController' in s or 'JsonBodies' in s: return 'controller: parse + validate + encode'
  if 'WritePath' in s or 'ReadPath' in s or 'FailoverRetry' in s or 'Coalescer' in s: return 'routing (Write/ReadPath, retry, coalescer)'
  if 'io.micronaut.http.server' in s or 'io.micronaut.web' in s or 'io.micronaut.http.filter' in s: return 'Micronaut request pipeline (routing, filters, body writing)'
  if 'io.netty.handler.codec.http' in s: return 'Netty HTTP codec'
  if 'io.netty' in s: return 'Netty I/O, event loop'
  if 'micrometer' in s or 'prometheus' in s: return 'metrics'
  return 'other'
for e in ev:
  fr=[(f['method']['type']['name']+'.'+f['method']['name']).replace('/','.') for f in e['values']['stackTrace']['frames']]
  t=e['values'].get('sampledThread',{}); name=(t.get('javaName') or t.get('osName') or '?')
  import re; th[re.sub(r'\d+','N',name)]+=1
  cat[c(fr)]+=1
n=len(ev); print('samples',n)
for k,v in cat.most_common(): print('  %-62s %5.1f%%'%(k,100*v/n))
print('threads'); 
for k,v in th.most_common(8): print('  %-40s %5.1f%%'%(k,100*v/n))
