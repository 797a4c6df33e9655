#!/usr/bin/env bash
# Issue 27, TLS lever: BoringSSL (netty-tcnative) against the JDK's SSLEngine, one build, one after
# the other. Measured on a build of main (9c88a24) with io.netty:netty-tcnative-boringssl-static
# 2.0.78.Final (classifier linux-x86_64) and netty-tcnative-classes added to router/ and
# shard-server/ at runtime scope (Micronaut's server and client then pick OpenSSL); jdk-ssl turns it
# off with -Dio.netty.handler.ssl.noOpenSsl=true on every pod. It did not pay and was not kept
# (docs/benchmarks.md): on main today both variants run the JDK's engine.
# Usage: bash docs/benchmarks/2026-11-24/run.sh boringssl jdk-ssl   (after building the bench:
#   ./mvnw -B -q -DskipTests -pl bench -am package)
set -u
cd "$(dirname "$0")/../../.."
CP="bench/target/bench.jar:$(cat bench/target/classpath.txt)"
JAVA=$(ls -d /usr/lib/jvm/*25*/bin/java | head -1)
OPS=${OPS:-5000}
for v in "$@"; do
  out=docs/benchmarks/2026-11-24/$v
  mkdir -p $out
  case $v in
    boringssl) opts=() ;;
    jdk-ssl) opts=(--pod-jvm-option=-Dio.netty.handler.ssl.noOpenSsl=true) ;;
    *) echo "unknown variant $v"; exit 2 ;;
  esac
  echo "start $(date -u +%H:%M:%S) $(uptime)" > $out/load.txt
  rm -rf /tmp/benchwork/$v
  $JAVA -cp "$CP" io.shardeddb.bench.BenchMain --home . --out $out --work /tmp/benchwork/$v \
    --configs 4x3 --clients 16 --ops $OPS --runs 3 --latency-ops 500 --skip-sweeps "${opts[@]}" \
    > $out/bench-log.txt 2>&1
  echo "exit $? end $(date -u +%H:%M:%S) $(uptime)" >> $out/load.txt
done
