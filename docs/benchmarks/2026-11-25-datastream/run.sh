#!/usr/bin/env bash
# Issue 27 lever 1, 2026-11-25 (branch datastream): the router's data calls over HTTP (the default)
# against the binary data stream (`shardeddb.router.shard-transport=stream`, 4 coalesced requests
# in flight per shard-server), back to back and alternating, on a LOADED machine (other builds ran),
# at a reduced size (OPS=2000 writes and reads per run, 500 one-client ops).
# Both variants run the same jars, frozen first (so a build meanwhile changes nothing):
# Usage: ./mvnw -B -q -DskipTests -pl bench -am package
#        docs/benchmarks/2026-11-23/ab/make-variant.sh . /tmp/ds-variant
#        VARIANT=/tmp/ds-variant bash docs/benchmarks/2026-11-25-datastream/run.sh \
#          http-1 stream-1 http-2 stream-2 http-3 stream-3
set -u
cd "$(dirname "$0")/../../.."
VARIANT=${VARIANT:?the frozen build (make-variant.sh)}
CP="$VARIANT/lib/bench.jar:$(cat $VARIANT/classpath.txt)"
JAVA=$(ls -d /usr/lib/jvm/*25*/bin/java | head -1)
OPS=${OPS:-2000}
LAT=${LAT:-500}
for v in "$@"; do
  out=docs/benchmarks/2026-11-25-datastream/$v
  mkdir -p $out
  case $v in
    http-*) opts=(--pod-jvm-option=-Dshardeddb.router.shard-transport=http) ;;
    stream-*) opts=(--pod-jvm-option=-Dshardeddb.router.shard-transport=stream) ;;
    *) echo "unknown variant $v"; exit 2 ;;
  esac
  echo "start $(date -u +%H:%M:%S) $(uptime)" > $out/load.txt
  rm -rf /tmp/benchwork-ds/$v
  $JAVA -cp "$CP" io.shardeddb.bench.BenchMain --home $VARIANT --out $out --work /tmp/benchwork-ds/$v \
    --configs 4x3 --clients 16 --ops $OPS --runs 3 --latency-ops $LAT --skip-sweeps "${opts[@]}" \
    > $out/bench-log.txt 2>&1
  echo "exit $? end $(date -u +%H:%M:%S) $(uptime)" >> $out/load.txt
done
