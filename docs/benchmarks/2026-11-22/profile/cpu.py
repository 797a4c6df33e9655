import json,sys,subprocess,statistics
J='/usr/lib/jvm/temurin-25-jdk-amd64/bin/jfr'
for f in sys.argv[1:]:
    d=json.loads(subprocess.run([J,'print','--json','--events','jdk.CPULoad',f],capture_output=True,text=True).stdout)
    ev=[e['values'] for e in d['recording']['events']]
    if not ev: print(f,'no CPULoad'); continue
    u=statistics.mean(e['jvmUser']+e['jvmSystem'] for e in ev); m=statistics.mean(e['machineTotal'] for e in ev)
    print(f"{f.split('/')[-1]:40s} jvm {100*u:5.1f}% of machine   machine {100*m:5.1f}%  n={len(ev)}")
