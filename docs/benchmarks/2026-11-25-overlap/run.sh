#!/usr/bin/env bash
# Issue 27, 2026-11-25: overlap-commit A/B. `off` = the defaults, `on` = every pod with
# -Dshardeddb.replication.overlap-commit=true (the primary hands a batch's entries to its
# secondaries while its own group commit runs). A small size (2x3, 1,000 ops, one measured run,
# 1,000 one-client ops) on a LOADED machine (two cores shared with a Kubernetes build and three
# other agents' builds), variants alternating.
# Usage: ./mvnw -B -q -DskipTests -pl bench -am package
#        bash docs/benchmarks/2026-11-25-overlap/run.sh off-1 on-1 off-2 on-2 off-3 on-3
set -u
cd "$(dirname "$0")/../../.."
CP="bench/target/bench.jar:$(cat bench/target/classpath.txt)"
JAVA=$(ls -d /usr/lib/jvm/*25*/bin/java | head -1)
OPS=${OPS:-1000}
for v in "$@"; do
  out=docs/benchmarks/2026-11-25-overlap/$v
  mkdir -p $out
  case $v in
    off-*) opts=() ;;
    on-*) opts=(--pod-jvm-option=-Dshardeddb.replication.overlap-commit=true) ;;
    *) echo "unknown variant $v"; exit 2 ;;
  esac
  echo "start $(date -u +%H:%M:%S) $(uptime)" > $out/load.txt
  rm -rf /tmp/benchwork-overlap/$v
  $JAVA -cp "$CP" io.shardeddb.bench.BenchMain --home . --out $out --work /tmp/benchwork-overlap/$v \
    --configs 2x3 --clients 16 --ops $OPS --runs 1 --latency-ops 1000 --skip-sweeps "${opts[@]}" \
    > $out/bench-log.txt 2>&1
  echo "exit $? end $(date -u +%H:%M:%S) $(uptime)" >> $out/load.txt
  rm -rf /tmp/benchwork-overlap/$v
done
