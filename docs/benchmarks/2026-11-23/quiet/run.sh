#!/usr/bin/env bash
# Runs the documented bench command for each variant, one after the other, on a quiet machine.
set -u
cd /work/main
CP="bench/target/bench.jar:$(cat bench/target/classpath.txt)"
JAVA=$(ls -d /usr/lib/jvm/*25*/bin/java | head -1)
for v in "$@"; do
  out=docs/benchmarks/2026-11-23/quiet/$v
  mkdir -p $out
  case $v in
    w1) opts=(--pod-jvm-option=-Dshardeddb.replication.window=1) ;;
    w4-stream) opts=(--pod-jvm-option=-Dshardeddb.replication.window=4 --pod-jvm-option=-Dshardeddb.replication.stream=true) ;;
    w1-tls-off) opts=(--tls off --pod-jvm-option=-Dshardeddb.replication.window=1) ;;
    w1-stream) opts=(--pod-jvm-option=-Dshardeddb.replication.window=1 --pod-jvm-option=-Dshardeddb.replication.stream=true) ;;
  esac
  echo "start $(date -u +%H:%M:%S) $(uptime)" > $out/load.txt
  rm -rf /tmp/benchwork/$v
  $JAVA -cp "$CP" io.shardeddb.bench.BenchMain --home . --out $out --work /tmp/benchwork/$v \
    --configs 4x3 --clients 16 --ops 10000 --runs 3 --latency-ops 1000 --skip-sweeps "${opts[@]}" \
    > $out/bench-log.txt 2>&1
  echo "exit $? end $(date -u +%H:%M:%S) $(uptime)" >> $out/load.txt
done
