#!/bin/bash
# Usage: profile.sh LOG OUTDIR SECONDS — once the bench log shows the ShardedDB warm-up is done,
# records JFR (settings=profile) for SECONDS on every pod JVM (router and shard-servers).
LOG=$1; OUT=$2; SECS=${3:-30}
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
mkdir -p $OUT
for i in $(seq 1 900); do grep -q 'warmup shardeddb.*read' $LOG && break; sleep 1; done
for pid in $(pgrep -f "shardeddb.local.pod="); do
  pod=$(tr '\0' ' ' < /proc/$pid/cmdline | grep -o 'shardeddb.local.pod=[^ ]*' | cut -d= -f2)
  $J/jcmd $pid JFR.start name=p settings=profile duration=${SECS}s filename=$OUT/$pod.jfr >> $OUT/jcmd.txt 2>&1
  echo "$pid $pod" >> $OUT/pids.txt
done
