#!/usr/bin/env bash
# Issue 48, 2026-11-27: stream connections with Netty's FlushConsolidationHandler (`on`, the
# default: Frames.addFraming) against one flush per frame (`off`:
# -Dshardeddb.stream.consolidate-flushes=false in every pod), back to back and alternating, at a
# reduced size (OPS=2000 writes and reads per run, 500 one-client ops). Both variants run the same
# jars, frozen first (so a build meanwhile changes nothing):
# Usage: ./mvnw -B -q -DskipTests -pl bench -am package
#        docs/benchmarks/2026-11-23/ab/make-variant.sh . /tmp/flush-variant
#        VARIANT=/tmp/flush-variant bash docs/benchmarks/2026-11-27-flush/run.sh off-1 on-1 off-2 on-2
set -u
cd "$(dirname "$0")/../../.."
VARIANT=${VARIANT:?the frozen build (make-variant.sh)}
CP="$VARIANT/lib/bench.jar:$(cat $VARIANT/classpath.txt)"
JAVA=$(ls -d /usr/lib/jvm/*25*/bin/java | head -1)
OPS=${OPS:-2000}
LAT=${LAT:-500}
for v in "$@"; do
  out=docs/benchmarks/2026-11-27-flush/$v
  mkdir -p $out
  case $v in
    off-*) opts=(--pod-jvm-option=-Dshardeddb.stream.consolidate-flushes=false) ;;
    on-*) opts=(--pod-jvm-option=-Dshardeddb.stream.consolidate-flushes=true) ;;
    *) echo "unknown variant $v"; exit 2 ;;
  esac
  echo "start $(date -u +%H:%M:%S) $(uptime)" > $out/load.txt
  rm -rf /tmp/benchwork-flush/$v
  $JAVA -cp "$CP" io.shardeddb.bench.BenchMain --home $VARIANT --out $out --work /tmp/benchwork-flush/$v \
    --configs 4x3 --clients 16 --ops $OPS --runs 3 --latency-ops $LAT --skip-sweeps "${opts[@]}" \
    > $out/bench-log.txt 2>&1
  echo "exit $? end $(date -u +%H:%M:%S) $(uptime)" >> $out/load.txt
done
