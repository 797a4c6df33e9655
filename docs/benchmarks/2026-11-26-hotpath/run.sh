#!/usr/bin/env bash
# Issue 27 lever 2 (the router's /write and /read hot path), 2026-11-26: A/B of two frozen builds at
# reduced size (4x3, 16 clients, OPS writes then one-key range reads, warm-up + median of 3,
# LAT one-client ops), invocations alternating, `uptime` before and after each.
# Usage: ./mvnw -B -q -DskipTests -pl bench -am package   (once per build)
#        docs/benchmarks/2026-11-23/ab/make-variant.sh . /tmp/hotpath-base   (resp. /tmp/hotpath-new)
#        bash docs/benchmarks/2026-11-26-hotpath/run.sh base-1 new-1 base-2 new-2 ...
# A name base-* runs $BASE (default /tmp/hotpath-base), new-* runs $NEW (default /tmp/hotpath-new).
set -u
cd "$(dirname "$0")/../../.."
JAVA=$(ls -d /usr/lib/jvm/*25*/bin/java | head -1)
OPS=${OPS:-3000}
LAT=${LAT:-300}
for v in "$@"; do
  case $v in
    base-*) VARIANT=${BASE:-/tmp/hotpath-base} ;;
    new-*) VARIANT=${NEW:-/tmp/hotpath-new} ;;
    *) echo "unknown variant $v"; exit 2 ;;
  esac
  CP="$VARIANT/lib/bench.jar:$(cat $VARIANT/classpath.txt)"
  out=docs/benchmarks/2026-11-26-hotpath/$v
  mkdir -p $out
  echo "start $(date -u +%H:%M:%S) $(uptime) $(cat $VARIANT/VARIANT)" > $out/load.txt
  rm -rf /tmp/benchwork-hotpath/$v
  $JAVA -cp "$CP" io.shardeddb.bench.BenchMain --home $VARIANT --out $out --work /tmp/benchwork-hotpath/$v \
    --configs 4x3 --clients 16 --ops $OPS --runs 3 --latency-ops $LAT --skip-sweeps \
    > $out/bench-log.txt 2>&1
  echo "exit $? end $(date -u +%H:%M:%S) $(uptime)" >> $out/load.txt
done
