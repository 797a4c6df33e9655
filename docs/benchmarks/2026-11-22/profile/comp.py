import json,sys,subprocess
J='/usr/lib/jvm/temurin-25-jdk-amd64/bin/jfr'
for f in sys.argv[1:]:
    d=json.loads(subprocess.run([J,'print','--json','--events','jdk.Compilation,jdk.ThreadCPULoad',f],capture_output=True,text=True).stdout)
    ev=d['recording']['events']
    comp=[e for e in ev if e['type']=='jdk.Compilation']
    def dur(s):
        s=s.replace('PT','').replace('S','')
        return float(s) if s else 0
    tot=sum(dur(e['values']['duration']) for e in comp)
    c2=sum(dur(e['values']['duration']) for e in comp if e['values'].get('compileLevel')==4)
    th={}
    for e in ev:
        if e['type']=='jdk.ThreadCPULoad':
            v=e['values']; n=(v.get('eventThread') or {}).get('javaName') or (v.get('eventThread') or {}).get('osName')
            th.setdefault(n,[]).append(v['user']+v['system'])
    top=sorted(((sum(x)/len(x),n) for n,x in th.items()),reverse=True)[:6]
    print(f.split('/')[-1], f'compilations {len(comp)} total {tot:.1f}s (C2 {c2:.1f}s)'); 
    for a,n in top: print(f'   {100*a:5.1f}% {n}')
