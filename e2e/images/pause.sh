#!/usr/bin/env bash
# Builds the sandbox ("pause") image the kubelet needs, from a static binary compiled here, as a
# docker-archive tarball at $1 named shardeddb.local/pause:3.2 (no registry is reachable).
source "$(dirname "$0")/../cluster/lib.sh"
out=$1
[[ -f "$out" ]] && exit 0
ensure_packages gcc libc6-dev umoci skopeo
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/pause.c" <<'C'
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
static void bye(int sig) { (void)sig; exit(0); }
static void reap(int sig) { (void)sig; }
int main(void) {
  signal(SIGINT, bye); signal(SIGTERM, bye); signal(SIGCHLD, reap);
  for (;;) pause();
}
C
gcc -Os -static -o "$work/pause" "$work/pause.c"
umoci init --layout "$work/oci"
umoci new --image "$work/oci:pause"
umoci unpack --image "$work/oci:pause" "$work/bundle" >/dev/null
install -m 0755 "$work/pause" "$work/bundle/rootfs/pause"
umoci repack --image "$work/oci:pause" "$work/bundle"
umoci config --image "$work/oci:pause" --config.entrypoint /pause --config.user 65535
skopeo copy -q "oci:$work/oci:pause" "docker-archive:$out:shardeddb.local/pause:3.2"
