#!/bin/bash
# usage: run.sh <label> <home> <classpath-file> <bench.jar> [extra bench args...]
label=$1; home=$2; cp=$3; jar=$4; shift 4
out=/tmp/perf-runs/$label; work=/tmp/perf-runs/$label.work
rm -rf $out $work; mkdir -p $out $work
echo "start $(date -u +%T) $(cat /proc/loadavg)" > $out/meta.txt
/usr/lib/jvm/temurin-25-jdk-amd64/bin/java -cp $jar:$(cat $cp) io.shardeddb.bench.BenchMain \
  --home $home --out $out --work $work --configs 4x3 --clients 16 --ops 10000 \
  --runs 3 --latency-ops 1000 --skip-sweeps "$@" > $out/stdout.txt 2> $out/stderr.txt
echo "rc $?" >> $out/meta.txt
echo "end $(date -u +%T) $(cat /proc/loadavg)" >> $out/meta.txt
echo "leftover processes under $work:" >> $out/meta.txt
ps -eo pid,args | grep -E "$work|$home/" | grep -v grep >> $out/meta.txt
