#!/usr/bin/env bash
# Brings up a single-node Kubernetes v1.20.2 on this machine: etcd, the control plane, containerd,
# kubelet and kube-proxy on the harness's own bridge, hostPath volumes, and the project's images.
# Everything it starts is recorded in $STATE so that down.sh stops exactly that and restores
# iptables, sysctls, the bridge and mounts. Idempotent: a running cluster is left as it is.
source "$(dirname "$0")/lib.sh"

kc() { kubectl --kubeconfig "$KUBECONFIG_FILE" "$@"; }

# --- Storage: a default no-provisioner class and hostPath volumes writable by the pods' uids.
# Volumes are Retain (a deleted claim's replacement must bind a fresh, empty one), so after a run
# they are Released and bind nothing: every run recycles those (delete, wipe the directory,
# recreate), as a provisioner would. Bound and Available volumes are left as they are. A run
# takes about 55 (step 11's rolling rebuild takes 6, step 19's three restored databases 18, step
# 21's quickstart 6, step 6's destroy 1; run 6 exhausted 24 in the restore step, and the
# plain-manifests step found none left).
volumes() {
  kc apply -f - >/dev/null <<SC
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
SC
  local i name dir phase recycled=0
  for i in $(seq -w 1 "${SHARDEDDB_E2E_VOLUMES:-68}"); do
    name=e2e-pv$i dir="$STATE/pv/pv$i"
    phase=$(kc get pv "$name" -o jsonpath='{.status.phase}' 2>/dev/null || true)
    case "$phase" in
      Bound | Available | Pending) continue ;;
      Released | Failed)
        kc delete pv "$name" --wait=true --timeout=60s >/dev/null
        recycled=$((recycled + 1)) ;;
    esac
    # Absent or just deleted: whatever the directory holds belongs to no claim any more.
    rm -rf "$dir"; mkdir -p "$dir"; chmod 0777 "$dir"
    kc apply -f - >/dev/null <<PV
apiVersion: v1
kind: PersistentVolume
metadata: {name: $name, labels: {shardeddb.io/e2e: "true"}}
spec:
  capacity: {storage: 5Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: local
  hostPath: {path: "$dir", type: DirectoryOrCreate}
PV
  done
  log "volumes: $(kc get pv -l shardeddb.io/e2e=true --no-headers 2>/dev/null | grep -c ' Available ') available, $recycled recycled"
}
if [[ -f "$STATE/up" ]] && kc get --raw=/readyz >/dev/null 2>&1; then
  log "cluster already up (kubeconfig $KUBECONFIG_FILE)"
  volumes
  exit 0
fi
started=$(date +%s)
"$E2E_DIR/cluster/build-k8s.sh"
ensure_packages etcd-server containerd runc containernetworking-plugins iptables conntrack openssl \
  iproute2 umoci skopeo debootstrap
# Debian starts the packaged daemons where it can; the harness runs its own instances only.
mkdir -p "$STATE"/{pids,logs,pki,etcd,containerd,cni/net.d,kubelet,pv,images}

# Remember what is changed on the host, once, for down.sh.
if [[ ! -f "$STATE/host.saved" ]]; then
  iptables-save >"$STATE/iptables.before"
  sysctl -n net.ipv4.ip_forward >"$STATE/ip_forward.before"
  cat /proc/sys/net/bridge/bridge-nf-call-iptables >"$STATE/nf_call.before" 2>/dev/null || true
  touch "$STATE/host.saved"
fi
sysctl -qw net.ipv4.ip_forward=1
[[ -w /proc/sys/net/bridge/bridge-nf-call-iptables ]] && echo 1 >/proc/sys/net/bridge/bridge-nf-call-iptables

if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
  ip link add "$BRIDGE" type bridge
  touch "$STATE/bridge.created"
fi
ip addr show dev "$BRIDGE" | grep -q "inet $NODE_IP/" || ip addr add "$NODE_IP/16" dev "$BRIDGE"
ip link set "$BRIDGE" up

# --- PKI: one CA; the apiserver's serving cert; an admin client cert for every component.
pki="$STATE/pki"
svc_ip="${SERVICE_CIDR%.0.0/*}.0.1"
if [[ ! -f "$pki/admin.crt" ]]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=shardeddb-e2e-ca" \
    -keyout "$pki/ca.key" -out "$pki/ca.crt" 2>/dev/null
  cat >"$pki/apiserver.ext" <<EXT
subjectAltName=IP:$NODE_IP,IP:127.0.0.1,IP:$svc_ip,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
EXT
  openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout "$pki/apiserver.key" \
    -out "$pki/apiserver.csr" 2>/dev/null
  openssl x509 -req -in "$pki/apiserver.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 3650 -extfile "$pki/apiserver.ext" -out "$pki/apiserver.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=admin" -keyout "$pki/admin.key" \
    -out "$pki/admin.csr" 2>/dev/null
  openssl x509 -req -in "$pki/admin.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 3650 -out "$pki/admin.crt" 2>/dev/null
  openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
fi
cat >"$KUBECONFIG_FILE" <<KC
apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster: {server: "https://$NODE_IP:6443", certificate-authority: "$pki/ca.crt"}
users:
- name: admin
  user: {client-certificate: "$pki/admin.crt", client-key: "$pki/admin.key"}
contexts:
- name: e2e
  context: {cluster: e2e, user: admin}
current-context: e2e
KC

# start NAME CMD...: runs CMD in the background once, its pid in $STATE/pids/NAME.pid.
start() {
  local name=$1; shift
  local pidfile="$STATE/pids/$name.pid"
  if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then return; fi
  setsid "$@" >>"$STATE/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$pidfile"
}
wait_for() {
  local what=$1; shift
  for _ in $(seq 1 120); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  log "timed out waiting for $what; logs in $STATE/logs"; return 1
}

start etcd etcd --name e2e --data-dir "$STATE/etcd" \
  --listen-client-urls http://127.0.0.1:23790 --advertise-client-urls http://127.0.0.1:23790 \
  --listen-peer-urls http://127.0.0.1:23800 --initial-advertise-peer-urls http://127.0.0.1:23800 \
  --initial-cluster e2e=http://127.0.0.1:23800
wait_for etcd curl -sf http://127.0.0.1:23790/health

start kube-apiserver "$K8S_BIN/kube-apiserver" --etcd-servers=http://127.0.0.1:23790 \
  --bind-address="$NODE_IP" --advertise-address="$NODE_IP" --secure-port=6443 --insecure-port=0 \
  --service-cluster-ip-range="$SERVICE_CIDR" --allow-privileged=true \
  --authorization-mode=Node,RBAC --client-ca-file="$pki/ca.crt" \
  --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
  --kubelet-client-certificate="$pki/admin.crt" --kubelet-client-key="$pki/admin.key" \
  --kubelet-preferred-address-types=Hostname \
  --service-account-issuer=https://kubernetes.default.svc \
  --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
  --enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,DefaultStorageClass,ResourceQuota,NodeRestriction
wait_for kube-apiserver kc get --raw=/readyz

start kube-controller-manager "$K8S_BIN/kube-controller-manager" --kubeconfig="$KUBECONFIG_FILE" \
  --bind-address=127.0.0.1 --port=0 --leader-elect=false --use-service-account-credentials=true \
  --service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/ca.crt" \
  --cluster-signing-cert-file="$pki/ca.crt" --cluster-signing-key-file="$pki/ca.key" \
  --controllers='*,-nodeipam'
start kube-scheduler "$K8S_BIN/kube-scheduler" --kubeconfig="$KUBECONFIG_FILE" \
  --bind-address=127.0.0.1 --port=0 --leader-elect=false

# --- containerd: its own root, state and socket, so a packaged containerd is never touched.
ctrd="$STATE/containerd"
cat >"$ctrd/config.toml" <<TOML
version = 2
root = "$ctrd/root"
state = "$ctrd/state"
[grpc]
  address = "$ctrd/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "shardeddb.local/pause:3.2"
  # The VM lacks CAP_SYS_RESOURCE: never lower a container's oom_score_adj below the parent's.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$STATE/cni/net.d"
TOML
cat >"$STATE/cni/net.d/10-shardeddb.conflist" <<CNI
{"cniVersion": "0.4.0", "name": "shardeddb-e2e", "plugins": [
  {"type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_CIDR", "rangeStart": "${NODE_IP%.*}.10",
            "gateway": "$NODE_IP"}]], "routes": [{"dst": "0.0.0.0/0"}],
            "dataDir": "$STATE/cni/ipam"}},
  {"type": "portmap", "capabilities": {"portMappings": true}},
  {"type": "loopback"}]}
CNI
start containerd containerd --config "$ctrd/config.toml"
wait_for containerd ctr --address "$ctrd/containerd.sock" version

"$E2E_DIR/images/pause.sh" "$STATE/images/pause.tar"
"$E2E_DIR/images/import.sh" "$ctrd/containerd.sock" "$STATE/images/pause.tar"

start kubelet "$K8S_BIN/kubelet" --kubeconfig="$KUBECONFIG_FILE" \
  --container-runtime=remote --container-runtime-endpoint="unix://$ctrd/containerd.sock" \
  --hostname-override=localhost --node-ip="$NODE_IP" --address=127.0.0.1 --read-only-port=0 \
  --root-dir="$STATE/kubelet" --cgroup-driver=cgroupfs --fail-swap-on=false \
  --eviction-hard='memory.available<100Mi,nodefs.available<1%,imagefs.available<1%' \
  --image-gc-high-threshold=100 --register-node=true --healthz-bind-address=127.0.0.1
start kube-proxy "$K8S_BIN/kube-proxy" --kubeconfig="$KUBECONFIG_FILE" --hostname-override=localhost \
  --cluster-cidr="$POD_CIDR" --proxy-mode=iptables --conntrack-max-per-core=0 \
  --bind-address="$NODE_IP" --healthz-bind-address=127.0.0.1:10256 --metrics-bind-address=127.0.0.1:10249
wait_for "node Ready" kc wait --for=condition=Ready node/localhost --timeout=5s

volumes
touch "$STATE/up"
log "cluster up in $(( $(date +%s) - started )) s; export KUBECONFIG=$KUBECONFIG_FILE"
