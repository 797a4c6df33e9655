#!/usr/bin/env bash
# Issue 27, 2026-11-26 (ninth session): the final main (dbeeb20: the bench reports active CPU and batch sizes;
# pods as c18e579, whose fresh-clone CI passed), quiet machine: the main comparison at full size, then the sweeps.
# Usage: docs/benchmarks/2026-11-23/ab/make-variant.sh <fresh clone after CI> /tmp/ninth11
#        VARIANT=/tmp/ninth11 bash docs/benchmarks/2026-11-26-ninth/run.sh
set -u
cd "$(dirname "$0")/../../.."
VARIANT=${VARIANT:?the frozen build (make-variant.sh)}
CP="$VARIANT/lib/bench.jar:$(cat $VARIANT/classpath.txt)"
JAVA=$(ls -d /usr/lib/jvm/*25*/bin/java | head -1)
out=docs/benchmarks/2026-11-26-ninth
echo "main start $(date -u +%H:%M:%S) $(uptime)" > $out/load.txt
$JAVA -cp "$CP" io.shardeddb.bench.BenchMain --home $VARIANT --out $out/main --work /tmp/benchwork-ninth/main \
  --configs 4x3 --clients 16 --ops 10000 --runs 3 --latency-ops 1000 --skip-sweeps > $out/main-log.txt 2>&1
echo "main exit $? end $(date -u +%H:%M:%S) $(uptime)" >> $out/load.txt
$JAVA -cp "$CP" io.shardeddb.bench.BenchMain --home $VARIANT --out $out/sweeps --work /tmp/benchwork-ninth/sweeps \
  --skip-main --clients 16 --ops 10000 --runs 3 --sweep-clients 1,4,16,64 --sweep-shards 1,2,4,8 --sweep-ops 2000 \
  > $out/sweeps-log.txt 2>&1
echo "sweeps exit $? end $(date -u +%H:%M:%S) $(uptime)" >> $out/load.txt
