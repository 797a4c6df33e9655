#!/bin/bash
# profile.sh LOG OUTDIR SECONDS DELAY: once the bench log shows the ShardedDB warm-up is done, waits
# DELAY s (the idle window), then records JFR (settings=profile) for SECONDS on every pod JVM.
LOG=$1; OUT=$2; SECS=${3:-20}; DELAY=${4:-11}
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
mkdir -p $OUT
for i in $(seq 1 900); do grep -q 'warmup shardeddb.*read' $LOG && break; sleep 1; done
sleep $DELAY
for pid in $(pgrep -f "shardeddb.local.pod="); do
  pod=$(tr '\0' ' ' < /proc/$pid/cmdline | grep -o 'shardeddb.local.pod=[^ ]*' | cut -d= -f2)
  $J/jcmd $pid JFR.start name=p settings=profile duration=${SECS}s filename=$OUT/$pod.jfr >> $OUT/jcmd.txt 2>&1
  echo "$pid $pod" >> $OUT/pids.txt
done
