#!/usr/bin/env bash
# Issue 27, 2026-11-26 (ninth session), right after run.sh on the same frozen build: the main
# comparison with the pod JVMs as real pods run them (the full tiered JIT, `c2`: local mode runs
# C1 only for start-up on 2 cores, PodLauncher.SMALL_JVM; the last flag wins), and the same with
# the primary's overlap commit on (`c2-overlap`: shardeddb.replication.overlap-commit, default off,
# DESIGN §5 rule 4's row), one after the other on a quiet machine.
# Usage: VARIANT=/tmp/ninth11 bash docs/benchmarks/2026-11-26-ninth/run-variants.sh c2 c2-overlap
set -u
cd "$(dirname "$0")/../../.."
VARIANT=${VARIANT:?the frozen build (make-variant.sh)}
CP="$VARIANT/lib/bench.jar:$(cat $VARIANT/classpath.txt)"
JAVA=$(ls -d /usr/lib/jvm/*25*/bin/java | head -1)
for v in "$@"; do
  out=docs/benchmarks/2026-11-26-ninth/$v
  mkdir -p $out
  case $v in
    c2) opts=(--pod-jvm-option=-XX:TieredStopAtLevel=4) ;;
    c2-overlap) opts=(--pod-jvm-option=-XX:TieredStopAtLevel=4
                      --pod-jvm-option=-Dshardeddb.replication.overlap-commit=true) ;;
    *) echo "unknown variant $v"; exit 2 ;;
  esac
  echo "start $(date -u +%H:%M:%S) $(uptime)" > $out/load.txt
  rm -rf /tmp/benchwork-ninth/$v
  $JAVA -cp "$CP" io.shardeddb.bench.BenchMain --home $VARIANT --out $out --work /tmp/benchwork-ninth/$v \
    --configs 4x3 --clients 16 --ops 10000 --runs 3 --latency-ops 1000 --skip-sweeps "${opts[@]}" \
    > $out/bench-log.txt 2>&1
  echo "exit $? end $(date -u +%H:%M:%S) $(uptime)" >> $out/load.txt
done
