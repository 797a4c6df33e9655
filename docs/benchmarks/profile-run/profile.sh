#!/bin/bash
# Attaches JFR to the router, the sh1 primary and the bench JVM during the profile run's phases.
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
LOG=/tmp/bench-prof/log.txt
KC=/tmp/bench-prof/work/local/kubeconfig
until grep -q 'main: ShardedDB 4x3' $LOG 2>/dev/null; do sleep 2; done
S=$(grep server $KC | awk '{print $2}')
ready() { curl -s $S/apis/shardeddb.io/v1alpha1/namespaces/default/shardeddatabases/bench-4x3 | grep -q '"type":"Ready","status":"True"\|"status":"True","type":"Ready"'; }
until curl -s $S/apis/shardeddb.io/v1alpha1/namespaces/default/shardeddatabases/bench-4x3 | python3 -c 'import json,sys; d=json.load(sys.stdin); import sys; sys.exit(0 if any(c["type"]=="Ready" and c["status"]=="True" for c in d.get("status",{}).get("conditions",[])) else 1)' 2>/dev/null; do sleep 1; done
pods=$(curl -s "$S/api/v1/namespaces/default/pods?labelSelector=app.kubernetes.io/instance=bench-4x3")
pid_of() { echo "$pods" | python3 -c "import json,sys; d=json.load(sys.stdin); print([p['metadata']['annotations']['local.shardeddb.io/pid'] for p in d['items'] if p['metadata']['name'].startswith('$1')][0])"; }
until grep -q 'shardeddb 4x3 write' $LOG || [ -n "$(pid_of bench-4x3-router 2>/dev/null)" ]; do sleep 1; pods=$(curl -s "$S/api/v1/namespaces/default/pods?labelSelector=app.kubernetes.io/instance=bench-4x3"); done
sleep 4
ROUTER=$(pid_of bench-4x3-router); PRIMARY=$(pid_of bench-4x3-sh1-0); SECONDARY=$(pid_of bench-4x3-sh1-1)
BENCH=$(pgrep -f 'io.shardeddb.bench.BenchMain' | head -1)
echo "router=$ROUTER primary=$PRIMARY secondary=$SECONDARY bench=$BENCH" > /tmp/bench-prof/pids.txt
for p in router:$ROUTER primary:$PRIMARY secondary:$SECONDARY bench:$BENCH; do
  $J/jcmd ${p#*:} JFR.start name=w settings=profile duration=20s filename=/tmp/bench-prof/write-${p%%:*}.jfr >> /tmp/bench-prof/jcmd.txt 2>&1
done
until grep -q 'shardeddb 4x3 write' $LOG; do sleep 1; done
sleep 1
for p in router:$ROUTER primary:$PRIMARY bench:$BENCH; do
  $J/jcmd ${p#*:} JFR.start name=r settings=profile duration=7s filename=/tmp/bench-prof/read-${p%%:*}.jfr >> /tmp/bench-prof/jcmd.txt 2>&1
done
echo profiled >> /tmp/bench-prof/pids.txt
