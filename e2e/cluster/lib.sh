# Shared settings for the real-cluster harness; sourced by the other scripts.
set -euo pipefail

K8S_DEB_VERSION="${K8S_DEB_VERSION:-1.20.5+really1.20.2-1.1+deb12u1}"
K8S_CACHE="${SHARDEDDB_K8S_CACHE:-/var/cache/shardeddb-k8s}"
K8S_BIN="$K8S_CACHE/bin"
STATE="${SHARDEDDB_E2E_STATE:-/var/lib/shardeddb-e2e}"
BRIDGE="${SHARDEDDB_E2E_BRIDGE:-sdbbr0}"
# The harness's own bridge network: the node address and the pod range live here.
NODE_IP="${SHARDEDDB_E2E_NODE_IP:-10.77.0.1}"
POD_CIDR="${SHARDEDDB_E2E_POD_CIDR:-10.77.0.0/16}"
SERVICE_CIDR="${SHARDEDDB_E2E_SERVICE_CIDR:-10.78.0.0/16}"
KUBECONFIG_FILE="$STATE/admin.kubeconfig"
E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(cd "$E2E_DIR/.." && pwd)"

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# Installs Debian packages that are missing; a no-op when all are present.
ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}
