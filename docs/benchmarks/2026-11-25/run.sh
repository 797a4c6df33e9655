#!/usr/bin/env bash
# Issue 27, 2026-11-25: the per-hop view (hops.md) of the defaults, and lever 3 (pod JVMs): local
# mode runs each pod with C1 only (-XX:TieredStopAtLevel=1, PodLauncher, for start-up on 2 cores);
# real pods run the JDK's default tiered JIT up to C2. `c2` adds -XX:TieredStopAtLevel=4 to every
# pod (the last flag wins), `c1` is the local-mode default; `mif2` lets the router keep two
# requests in flight per shard-server (`shardeddb.router.coalesce.max-in-flight`, default 1).
# One after the other, on a quiet machine.
# Usage: ./mvnw -B -q -DskipTests -pl bench -am package
#        bash docs/benchmarks/2026-11-25/run.sh c1 c2 mif2
set -u
cd "$(dirname "$0")/../../.."
CP="bench/target/bench.jar:$(cat bench/target/classpath.txt)"
JAVA=$(ls -d /usr/lib/jvm/*25*/bin/java | head -1)
OPS=${OPS:-10000}
for v in "$@"; do
  out=docs/benchmarks/2026-11-25/$v
  mkdir -p $out
  case $v in
    c1) opts=() ;;
    c2) opts=(--pod-jvm-option=-XX:TieredStopAtLevel=4) ;;
    mif2) opts=(--pod-jvm-option=-Dshardeddb.router.coalesce.max-in-flight=2) ;;
    *) echo "unknown variant $v"; exit 2 ;;
  esac
  echo "start $(date -u +%H:%M:%S) $(uptime)" > $out/load.txt
  rm -rf /tmp/benchwork/$v
  $JAVA -cp "$CP" io.shardeddb.bench.BenchMain --home . --out $out --work /tmp/benchwork/$v \
    --configs 4x3 --clients 16 --ops $OPS --runs 3 --latency-ops 1000 --skip-sweeps "${opts[@]}" \
    > $out/bench-log.txt 2>&1
  echo "exit $? end $(date -u +%H:%M:%S) $(uptime)" >> $out/load.txt
done
