#!/usr/bin/env bash
# Issue 27, 2026-11-25 after the merge of the data stream (default `stream`): the documented full
# size (4x3, 16 clients, 10,000 writes and reads, warm-up + median of 3, 1,000 one-client ops), the
# router's data calls over the stream (default) and over HTTP, back to back on one frozen build, on
# a machine with nothing else running.
# Usage: ./mvnw -B -q -DskipTests -pl bench -am package
#        docs/benchmarks/2026-11-23/ab/make-variant.sh . /tmp/q-variant
#        VARIANT=/tmp/q-variant bash docs/benchmarks/2026-11-25-quiet/run.sh stream-1 http-1
set -u
cd "$(dirname "$0")/../../.."
VARIANT=${VARIANT:?the frozen build (make-variant.sh)}
CP="$VARIANT/lib/bench.jar:$(cat $VARIANT/classpath.txt)"
JAVA=$(ls -d /usr/lib/jvm/*25*/bin/java | head -1)
OPS=${OPS:-10000}
LAT=${LAT:-1000}
for v in "$@"; do
  out=docs/benchmarks/2026-11-25-quiet/$v
  mkdir -p $out
  case $v in
    http-*) opts=(--pod-jvm-option=-Dshardeddb.router.shard-transport=http) ;;
    stream-*) opts=(--pod-jvm-option=-Dshardeddb.router.shard-transport=stream) ;;
    *) echo "unknown variant $v"; exit 2 ;;
  esac
  echo "start $(date -u +%H:%M:%S) $(uptime)" > $out/load.txt
  rm -rf /tmp/benchwork-q/$v
  $JAVA -cp "$CP" io.shardeddb.bench.BenchMain --home $VARIANT --out $out --work /tmp/benchwork-q/$v \
    --configs 4x3 --clients 16 --ops $OPS --runs 3 --latency-ops $LAT --skip-sweeps "${opts[@]}" \
    > $out/bench-log.txt 2>&1
  echo "exit $? end $(date -u +%H:%M:%S) $(uptime)" >> $out/load.txt
done
