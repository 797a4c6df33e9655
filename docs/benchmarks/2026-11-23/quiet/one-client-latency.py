import http.client, ssl, json, time, sys
info=json.load(open('info.json'))
host=info['routerUrl'].split('//')[1].split(':')[0]
ctx=ssl.create_default_context(cafile=info['caFile']); ctx.check_hostname=False
c=http.client.HTTPSConnection(host,8080,context=ctx)
h={'Authorization':'Bearer '+info['token'],'Content-Type':'application/json'}
base=int(sys.argv[1]); n=int(sys.argv[2])
def run(path,body):
    t=time.perf_counter(); c.request('POST',path,body=json.dumps(body),headers=h); r=c.getresponse(); d=r.read(); return (time.perf_counter()-t)*1000, r.status, d
ws=[];rs=[]
for i in range(n):
    k=base+i
    dt,st,d=run('/write',{'data':[{'Stud_id':k,'Stud_name':'n%d'%k,'Stud_marks':1}]})
    assert st==200,(st,d); ws.append(dt)
for i in range(n):
    k=base+i
    dt,st,d=run('/read',{'Stud_id':{'low':k,'high':k}})
    assert st==200,(st,d); rs.append(dt)
def p(a,q): a=sorted(a); return round(a[int(len(a)*q)],2)
print('write p50',p(ws,.5),'p90',p(ws,.9),'min',round(min(ws),2)); print('read p50',p(rs,.5),'p90',p(rs,.9),'min',round(min(rs),2))
