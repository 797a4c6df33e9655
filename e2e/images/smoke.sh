#!/usr/bin/env bash
# Runs the router image without a container engine, the way a kubelet would start it: unpacks
# the tarball's layers into a root filesystem, then (in private mount and pid namespaces, chrooted,
# as uid/gid 65532, with the image's Env and Entrypoint) runs `java -version` and the entrypoint
# itself, and waits for GET /health on a loopback port. Needs root (unshare, chroot).
#   smoke.sh [ROUTER_TAR] [PORT]
source "$(dirname "$0")/../cluster/lib.sh"
tar=${1:-$REPO_DIR/router/target/image/router.tar} port=${2:-18080}
ensure_packages umoci skopeo jq curl
work=$(mktemp -d)
pid=
cleanup() {
  # unshare --fork ignores SIGTERM while it waits, and its --kill-child does not reach a child
  # that changed uid: stop the image's process (the namespace's init) itself, then unshare.
  if [[ -n "$pid" ]]; then
    local child
    child=$(pgrep -P "$pid" || true)
    [[ -z "$child" ]] || kill "$child" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    [[ -z "$child" ]] || kill -KILL "$child" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
# Jib's OCI archive, or a docker-archive (an older build).
if tar -tf "$tar" oci-layout >/dev/null 2>&1; then source="oci-archive:$tar"; else source="docker-archive:$tar"; fi
skopeo copy -q "$source" "oci:$work/oci:image"
umoci unpack --image "$work/oci:image" "$work/bundle" >/dev/null
rootfs="$work/bundle/rootfs"
config=$(jq -c '.process' "$work/bundle/config.json")
user="$(jq -r '.user.uid' <<<"$config"):$(jq -r '.user.gid' <<<"$config")"
mapfile -t env < <(jq -r '.env[]' <<<"$config")
mapfile -t args < <(jq -r '.args[]' <<<"$config")
cwd=$(jq -r '.cwd' <<<"$config")
log "image user $user, cwd $cwd, entrypoint: ${args[*]}"

# The image's own process, chrooted into its root filesystem as its user, pid 1 of its own
# pid namespace (when it exits, the kernel ends whatever it started).
in_image() {
  exec unshare --mount --pid --fork --kill-child --mount-proc="$rootfs/proc" \
    chroot --userspec="$user" "$rootfs" /usr/bin/env -i "${env[@]}" "$@"
}
(in_image sh -c "cd $cwd && id && java -version")
# The router with a dummy configuration, through the environment as a pod would set it:
# standalone topology (its default), a token, loopback only.
! curl -fsS --max-time 2 "http://127.0.0.1:$port/health" >/dev/null 2>&1 \
  || { log "something already serves 127.0.0.1:$port; pick another port"; exit 1; }
env+=(MICRONAUT_SERVER_HOST=127.0.0.1 MICRONAUT_SERVER_PORT="$port" SHARDEDDB_ROUTER_AUTH_TOKEN=smoke-test-token)
in_image sh -c "cd $cwd && exec \"\$@\"" sh "${args[@]}" >"$work/router.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do
  if body=$(curl -fsS --max-time 2 "http://127.0.0.1:$port/health" 2>/dev/null); then
    echo "GET /health -> $body"
    ps -eo user:8,args | grep '[j]ava -cp @/app/jib-classpath-file' || true
    exit 0
  fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 1
done
log "the router did not serve /health; its log:"
tail -40 "$work/router.log" >&2
exit 1
