#!/usr/bin/env bash
# Issue 51 item 3, 2026-11-27: reads from replicas (--reads bounded, spec.router.reads Bounded 1s) on 4x3 and 4x6,
# then the same at --reads primary for comparison; small sizes so each invocation ends within 15 minutes.
# Shared, loaded 2-core machine: uptime before and after each invocation goes to load.txt.
# Usage: ./mvnw -B -q -DskipTests -pl bench,router,shard-server -am package
#        docs/benchmarks/2026-11-23/ab/make-variant.sh . /tmp/reads51-variant
#        VARIANT=/tmp/reads51-variant bash docs/benchmarks/2026-11-27-reads/run.sh [bounded] [primary]
set -u
cd "$(dirname "$0")/../../.."
VARIANT=${VARIANT:?the frozen build (make-variant.sh)}
CP="$VARIANT/lib/bench.jar:$(cat $VARIANT/classpath.txt)"
JAVA=$(ls -d /usr/lib/jvm/*25*/bin/java | head -1)
out=docs/benchmarks/2026-11-27-reads
modes=${*:-bounded primary}
for reads in $modes; do
  echo "$reads start $(date -u +%H:%M:%S) $(uptime)" >> $out/load.txt
  timeout 15m nice $JAVA -cp "$CP" io.shardeddb.bench.BenchMain --home $VARIANT --out $out/$reads \
    --work /tmp/benchwork-reads51/$reads --configs 4x3,4x6 --reads $reads --max-staleness 1s \
    --clients 16 --ops 2000 --runs 3 --latency-ops 300 --skip-sweeps --phase-minutes 5 --ready-minutes 8 \
    > $out/$reads-log.txt 2>&1
  echo "$reads exit $? end $(date -u +%H:%M:%S) $(uptime)" >> $out/load.txt
done
