#!/usr/bin/env bash
# Issue 48, 2026-11-28: overlap-commit (the primary hands a batch's entries to its secondaries while its own
# COMMIT runs; -Dshardeddb.replication.overlap-commit=true in every pod) against the default (off), back to
# back and alternating on a quiet machine, 4x3, 16 clients, OPS writes and reads per run, LAT one-client ops.
# Usage: ./mvnw -B -q -DskipTests -pl bench -am package
#        docs/benchmarks/2026-11-23/ab/make-variant.sh . /tmp/ts-variant
#        VARIANT=/tmp/ts-variant bash docs/benchmarks/2026-11-28-overlap/run.sh off-1 on-1 off-2 on-2
set -u
cd "$(dirname "$0")/../../.."
VARIANT=${VARIANT:?the frozen build (make-variant.sh)}
CP="$VARIANT/lib/bench.jar:$(cat $VARIANT/classpath.txt)"
JAVA=$(ls -d /usr/lib/jvm/*25*/bin/java | head -1)
OPS=${OPS:-2000}
LAT=${LAT:-500}
for v in "$@"; do
  out=docs/benchmarks/2026-11-28-overlap/$v
  mkdir -p $out
  case $v in
    off-*) opts=(--pod-jvm-option=-Dshardeddb.replication.overlap-commit=false) ;;
    on-*) opts=(--pod-jvm-option=-Dshardeddb.replication.overlap-commit=true) ;;
    *) echo "unknown variant $v"; exit 2 ;;
  esac
  echo "start $(date -u +%H:%M:%S) $(uptime)" > $out/load.txt
  rm -rf /tmp/benchwork-overlap/$v
  $JAVA -cp "$CP" io.shardeddb.bench.BenchMain --home $VARIANT --out $out --work /tmp/benchwork-overlap/$v \
    --configs 4x3 --clients 16 --ops $OPS --runs 3 --latency-ops $LAT --skip-sweeps "${opts[@]}" \
    > $out/bench-log.txt 2>&1
  echo "exit $? end $(date -u +%H:%M:%S) $(uptime)" >> $out/load.txt
done
