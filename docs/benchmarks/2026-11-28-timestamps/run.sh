#!/usr/bin/env bash
# Issue 48, 2026-11-28: the router's timestamp-oracle call over HTTP (BEFORE: main at 88be0070) against the
# same call on the data stream (AFTER), back to back and alternating, 4x3, 16 clients, OPS writes and reads
# per run, LAT one-client ops. Each variant is a frozen build (make-variant.sh):
# Usage: git checkout 88be0070 && ./mvnw -B -q -DskipTests -pl bench -am package
#        docs/benchmarks/2026-11-23/ab/make-variant.sh . /tmp/flush-variant      # BEFORE
#        git checkout <after> && ./mvnw -B -q -DskipTests -pl bench -am package
#        docs/benchmarks/2026-11-23/ab/make-variant.sh . /tmp/ts-variant         # AFTER
#        BEFORE=/tmp/flush-variant AFTER=/tmp/ts-variant bash docs/benchmarks/2026-11-28-timestamps/run.sh http-1 stream-1 http-2 stream-2
set -u
cd "$(dirname "$0")/../../.."
OPS=${OPS:-2000}
LAT=${LAT:-500}
JAVA=$(ls -d /usr/lib/jvm/*25*/bin/java | head -1)
for v in "$@"; do
  case $v in
    http-*) VARIANT=${BEFORE:?} ;;
    stream-*) VARIANT=${AFTER:?} ;;
    *) echo "unknown variant $v"; exit 2 ;;
  esac
  CP="$VARIANT/lib/bench.jar:$(cat $VARIANT/classpath.txt)"
  out=docs/benchmarks/2026-11-28-timestamps/$v
  mkdir -p $out
  echo "start $(date -u +%H:%M:%S) $(uptime)" > $out/load.txt
  rm -rf /tmp/benchwork-ts/$v
  $JAVA -cp "$CP" io.shardeddb.bench.BenchMain --home $VARIANT --out $out --work /tmp/benchwork-ts/$v \
    --configs 4x3 --clients 16 --ops $OPS --runs 3 --latency-ops $LAT --skip-sweeps \
    > $out/bench-log.txt 2>&1
  echo "exit $? end $(date -u +%H:%M:%S) $(uptime)" >> $out/load.txt
done
