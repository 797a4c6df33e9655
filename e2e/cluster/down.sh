#!/usr/bin/env bash
# Tears down what up.sh started: stops only the processes whose pids it recorded (and the pod
# processes of its own containerd), unmounts what the kubelet and containerd mounted under the
# state dir, restores iptables and the sysctls, and deletes the bridge if up.sh created it.
# The Kubernetes build cache is kept. --purge also deletes the state dir (volumes, images, etcd).
source "$(dirname "$0")/lib.sh"
[[ -d "$STATE" ]] || { log "nothing to tear down"; exit 0; }

stop_pid() {
  local name=$1 pidfile="$STATE/pids/$1.pid"
  [[ -f "$pidfile" ]] || return 0
  local pid; pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

# Pods first, through the harness's own containerd: the shims and the containers they run.
sock="$STATE/containerd/containerd.sock"
for name in kube-proxy kubelet; do stop_pid "$name"; done
if [[ -S "$sock" ]]; then
  for task in $(ctr --address "$sock" -n k8s.io tasks ls -q 2>/dev/null); do
    ctr --address "$sock" -n k8s.io tasks kill -s SIGKILL "$task" >/dev/null 2>&1 || true
  done
  sleep 2
  for task in $(ctr --address "$sock" -n k8s.io tasks ls -q 2>/dev/null); do
    ctr --address "$sock" -n k8s.io tasks delete -f "$task" >/dev/null 2>&1 || true
  done
fi
for name in containerd kube-scheduler kube-controller-manager kube-apiserver etcd; do stop_pid "$name"; done
# containerd-shim processes outlive containerd by design; only those of this state dir are ours.
for pid in $(pgrep -f "containerd-shim.*-address $STATE/containerd/containerd.sock" || true); do
  kill -9 "$pid" 2>/dev/null || true
done

# Mounts under the state dir (pod volumes, sandboxes, rootfs), deepest first.
{ grep -F " $STATE/" /proc/mounts || true; } | awk '{print $2}' | sort -r | while read -r m; do
  umount -l "$m" 2>/dev/null || true
done
# Network namespaces the CNI plugin made for pods are gone with their sandboxes; remove any veths
# still attached to the bridge, then the bridge itself if up.sh created it.
if ip link show "$BRIDGE" >/dev/null 2>&1; then
  for veth in $(ip -o link show master "$BRIDGE" | awk -F': ' '{print $2}' | cut -d@ -f1); do
    ip link del "$veth" 2>/dev/null || true
  done
  if [[ -f "$STATE/bridge.created" ]]; then ip link del "$BRIDGE"; rm -f "$STATE/bridge.created"; fi
fi

if [[ -f "$STATE/host.saved" ]]; then
  iptables-restore <"$STATE/iptables.before"
  # iptables-restore rewrites only the tables in the dump: empty the ones kube-proxy and the CNI
  # plugins added (nat, mangle, ...) that held nothing before.
  for table in filter nat mangle raw security; do
    grep -q "^\*$table\$" "$STATE/iptables.before" && continue
    iptables -t "$table" -F 2>/dev/null || true
    iptables -t "$table" -X 2>/dev/null || true
    # With the nftables backend the emptied table itself remains: remove it as well.
    if command -v nft >/dev/null; then nft delete table ip "$table" 2>/dev/null || true; fi
  done
  sysctl -qw "net.ipv4.ip_forward=$(cat "$STATE/ip_forward.before")"
  if [[ -s "$STATE/nf_call.before" ]]; then cat "$STATE/nf_call.before" >/proc/sys/net/bridge/bridge-nf-call-iptables; fi
  rm -f "$STATE/host.saved"
fi
rm -f "$STATE/up"
if [[ "${1:-}" == "--purge" ]]; then rm -rf "$STATE"; fi
log "cluster down"
