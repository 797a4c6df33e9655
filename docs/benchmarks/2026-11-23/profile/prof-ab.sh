#!/bin/bash
# prof-ab.sh VARIANT NAME: one 4x3 run (10k ops, 1 measured run) with JFR on every pod for 15 s of the write phase
V=$1; N=$2
cd /work/bench-runs
/usr/lib/jvm/temurin-25-jdk-amd64/bin/java -cp $V/lib/bench.jar:$(cat $V/classpath.txt) io.shardeddb.bench.BenchMain --home $V --out /work/bench-runs/$N --work /work/bench-runs/$N.work --configs 4x3 --clients 16 --ops 10000 --runs 1 --latency-ops 0 --skip-sweeps > /work/bench-runs/$N.log 2>&1 &
./profile.sh /work/bench-runs/$N.log /work/bench-runs/$N/jfr 15 11
wait
