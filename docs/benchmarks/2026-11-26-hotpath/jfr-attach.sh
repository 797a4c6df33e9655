#!/bin/bash
# Attaches JFR (settings=profile) to the router of a running bench invocation: DELAY seconds after its
# warm-up reads are done (the bench then watches 10 s of idle), for DURATION seconds.
# Usage: DELAY=11 DURATION=40 jfr-attach.sh <bench-log.txt> <output prefix>
LOG=$1; OUT=$2; J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
DELAY=${DELAY:-0}; DURATION=${DURATION:-25}
for i in $(seq 1 2400); do grep -qs 'bench-4x3-router-local-0: started' $LOG && break; sleep 1; done
PID=$(grep 'bench-4x3-router-local-0: started' $LOG | sed 's/.*(pid \([0-9]*\)).*/\1/')
echo "router pid $PID"
for i in $(seq 1 900); do grep -qs 'warmup shardeddb 4x3 read' $LOG && break; sleep 1; done
sleep $DELAY
date -u +"JFR start %H:%M:%S"
$J/jcmd $PID JFR.start name=hp settings=profile duration=${DURATION}s filename=$OUT.jfr
sleep $((DURATION + 2)); ls -la $OUT.jfr
