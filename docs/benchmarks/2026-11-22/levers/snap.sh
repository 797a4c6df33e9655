#!/bin/bash
# snap.sh <dir>: copy the pod jars, crds and the bench classpath jars of /work/wt-perf
set -e; A=$1; rm -rf $A; mkdir -p $A/shard-server/target $A/router/target $A/lib; cd /work/wt-perf
cp -r crds $A/; cp shard-server/target/shard-server.jar $A/shard-server/target/; cp router/target/router.jar $A/router/target/; cp bench/target/bench.jar $A/lib/
for j in protocol/target/protocol-0.1.0-SNAPSHOT.jar api/target/api-0.1.0-SNAPSHOT.jar cli/target/cli.jar operator/target/operator-0.1.0-SNAPSHOT.jar shard-server/target/shard-server-0.1.0-SNAPSHOT.jar; do cp $j $A/lib/; done
sed -e "s#/work/wt-perf/[a-z-]*/target/#$A/lib/#g" bench/target/classpath.txt > $A/classpath.txt
git -C /work/wt-perf diff HEAD --stat > $A/DIFFSTAT; git -C /work/wt-perf rev-parse HEAD > $A/COMMIT
