#!/usr/bin/env bash
# The real-cluster tier in one command: brings up the single-node Kubernetes (building and caching
# Kubernetes on first use), builds and loads the images, and runs the end-to-end suite against it.
# SHARDEDDB_E2E_KEEP=1 leaves the cluster up afterwards; otherwise it is torn down.
# SHARDEDDB_E2E_TESTS selects steps (failsafe's it.test syntax), e.g.
#   'RealClusterIT#theChart*+aTwoShard*+theRouterWrites*+aBaseBackup*' for the install, a database,
#   the rows step 3 writes and step 19 (which backs those rows up: without step 3 it finds none).
source "$(dirname "$0")/cluster/lib.sh"
t0=$(date +%s)
"$E2E_DIR/cluster/up.sh"
t_up=$(date +%s)
"$E2E_DIR/images/build.sh" "$STATE/images"
# OCI archives (Jib) and docker-archives (skopeo), named as the kubelet asks for them.
"$E2E_DIR/images/import.sh" "$STATE/containerd/containerd.sock" "$STATE"/images/{operator,router,shard-server,s3,mariadb}.tar
t_images=$(date +%s)
status=0
# -am builds the modules the suite uses (operator, cli, release and theirs); it.test keeps their own
# integration tests (router, shard-server, cli ...) out of this run: only RealClusterIT's steps run.
(cd "$REPO_DIR" && ./mvnw -B -Pcluster-e2e -pl e2e -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dshardeddb.e2e.kubeconfig="$KUBECONFIG_FILE" -Dshardeddb.e2e.containerd="$STATE/containerd/containerd.sock" \
  -Dit.test="${SHARDEDDB_E2E_TESTS:-RealClusterIT}" -Dfailsafe.failIfNoSpecifiedTests=false) || status=$?
t_suite=$(date +%s)
log "cluster up $((t_up - t0)) s, images $((t_images - t_up)) s, suite $((t_suite - t_images)) s"
[[ "${SHARDEDDB_E2E_KEEP:-0}" == 1 ]] || "$E2E_DIR/cluster/down.sh"
exit $status
