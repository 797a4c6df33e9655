#!/usr/bin/env bash
# Loads image archives into the node's containerd, under the names the kubelet asks for:
#   import.sh CONTAINERD_SOCKET TAR...
# Takes both OCI image archives (oci-layout + index.json: what Jib's buildTar writes with the
# `images` profile's OCI format) and docker-archive tarballs (manifest.json: skopeo's, for the MySQL
# sidecar and the pause image), into the k8s.io namespace, where the kubelet's CRI looks.
# Why not just `ctr images import`: containerd (1.6) keeps a docker-archive's RepoTags normalized
# (docker.io/shardeddb/router:0.1.0) but an OCI archive's org.opencontainers.image.ref.name as
# written (shardeddb/router:0.1.0), and the kubelet, asking for docker.io/shardeddb/router:0.1.0,
# would not find that; `--base-name` does not help (it drops a full reference that lacks its
# prefix). So each OCI ref name is re-tagged as its normalized (Docker) form and the raw name removed.
source "$(dirname "$0")/../cluster/lib.sh"
(($# >= 2)) || { echo "usage: $0 CONTAINERD_SOCKET TAR..." >&2; exit 2; }
sock=$1
shift
command -v jq >/dev/null || ensure_packages jq
ctr_() { ctr --address "$sock" -n k8s.io "$@"; }

# The reference as Docker and the kubelet normalize it: a first component without '.' or ':'
# (and not localhost) is a Docker Hub repository; a single-component name is under library/.
normalized() {
  local ref=$1 first=${1%%/*}
  if [[ $ref == */* && ($first == *.* || $first == *:* || $first == localhost) ]]; then
    echo "$ref"
  elif [[ $ref == */* ]]; then
    echo "docker.io/$ref"
  else
    echo "docker.io/library/$ref"
  fi
}

for tar in "$@"; do
  [[ -s $tar ]] || { log "import: no such archive $tar"; exit 1; }
  ctr_ images import "$tar" >/dev/null
  index=$(tar -xOf "$tar" index.json 2>/dev/null) || continue # a docker-archive: named already
  refs=$(jq -r '.manifests[].annotations["org.opencontainers.image.ref.name"] // empty' <<<"$index")
  [[ -n $refs ]] || { log "import: $tar names no image (no org.opencontainers.image.ref.name)"; exit 1; }
  for ref in $refs; do
    # A bare tag ("0.1.0") would have been imported as import-<date>:0.1.0: refuse it.
    [[ $ref == *[/:]* ]] || { log "import: $tar: ref name '$ref' is not a full image reference"; exit 1; }
    full=$(normalized "$ref")
    if [[ $full != "$ref" ]]; then
      ctr_ images tag --force "$ref" "$full" >/dev/null
      ctr_ images rm "$ref" >/dev/null
    fi
    # The list is read whole before it is searched: `ctr images ls | grep -q` under pipefail fails
    # whenever grep stops at its match before ctr has written the rest of the list (ctr then dies
    # of SIGPIPE) — an image that was there reported missing, which failed the tier at random
    # (2026-11-29, twice: s3, then operator). A few tries more for a containerd slow under load.
    listed=""
    for _ in 1 2 3; do
      images=$(ctr_ images ls -q 2>&1) || true
      if grep -qxF "$full" <<<"$images"; then listed=yes; break; fi
      sleep 2
    done
    [[ -n $listed ]] || { log "import: $full is not in containerd after importing $tar: ${images//$'\n'/ }"; exit 1; }
    log "imported $full"
  done
done
