#!/usr/bin/env bash
# Builds (once, then cached) the local base image for the project's images where no registry can
# be reached: a minimal Debian bookworm root filesystem (rootfs.sh, with the nonroot user 65532)
# plus a jlink'ed Java runtime in /opt/java on the PATH, as a docker-archive tarball that Jib takes
# as `-Dimages.base=tar://<path>`. Prints the tarball's path on stdout.
source "$(dirname "$0")/../cluster/lib.sh"
cache="$K8S_CACHE/images/base"
tarball="$cache/base.tar"
JRE_MODULES=java.se,jdk.httpserver,jdk.unsupported,jdk.crypto.ec,jdk.management,jdk.naming.dns,jdk.net,jdk.zipfs,jdk.jfr
mkdir -p "$cache"
ensure_packages umoci skopeo rsync

# The Java runtime: the Java SE modules plus the JDK ones the services use (the operator's
# management endpoint runs on jdk.httpserver), stripped. Rebuilt when the modules or the JDK change.
java_home=${JAVA_HOME:-}
if [[ -z "$java_home" || ! -x "$java_home/bin/jlink" ]] || ! "$java_home/bin/java" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])'; then
  java_home=$(ls -d /usr/lib/jvm/*-2[1-9]-* /usr/lib/jvm/temurin-2[1-9]* 2>/dev/null | sort -V | tail -1)
fi
[[ -x "$java_home/bin/jlink" ]] || { log "no JDK 21+ with jlink found (set JAVA_HOME)"; exit 1; }
key="$JRE_MODULES $(cat "$java_home/release" 2>/dev/null | grep '^JAVA_VERSION=')"
if [[ "$(cat "$cache/jre.key" 2>/dev/null)" != "$key" || ! -x "$cache/jre/bin/java" ]]; then
  log "jlink runtime from $java_home"
  rm -rf "$cache/jre" "$tarball"
  "$java_home/bin/jlink" --add-modules "$JRE_MODULES" \
    --strip-debug --no-header-files --no-man-pages --output "$cache/jre"
  echo "$key" >"$cache/jre.key"
fi

"$E2E_DIR/images/rootfs.sh" base "$K8S_CACHE/rootfs/base"
if [[ ! -s "$tarball" ]]; then
  log "base image $tarball"
  oci="$cache/oci" bundle="$cache/bundle"
  rm -rf "$oci" "$bundle"
  umoci init --layout "$oci"
  umoci new --image "$oci:base"
  umoci unpack --image "$oci:base" "$bundle" >/dev/null
  rsync -a "$K8S_CACHE/rootfs/base/" "$bundle/rootfs/"
  rm -f "$bundle/rootfs/.complete"
  rsync -a "$cache/jre/" "$bundle/rootfs/opt/java/"
  umoci repack --image "$oci:base" "$bundle"
  # What the images inherit: java on the PATH (Jib's entrypoint runs plain `java`), as in the
  # eclipse-temurin images, so either base works with the same build.
  umoci config --image "$oci:base" --config.workingdir / \
    --config.env JAVA_HOME=/opt/java \
    --config.env PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --config.env LANG=C.UTF-8
  skopeo copy -q "oci:$oci:base" "docker-archive:$tarball.tmp:shardeddb.local/base:bookworm-jre"
  mv "$tarball.tmp" "$tarball"
  rm -rf "$oci" "$bundle"
fi
echo "$tarball"
