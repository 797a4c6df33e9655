#!/usr/bin/env bash
# Builds the Kubernetes v1.20.2 server binaries from Debian's source package into $K8S_CACHE (once).
source "$(dirname "$0")/lib.sh"

want=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy)
have_all=1
for b in "${want[@]}"; do [[ -x "$K8S_BIN/$b" ]] || have_all=0; done
if ((have_all)); then log "kubernetes binaries cached in $K8S_BIN"; exit 0; fi

ensure_packages golang-go golang-github-modern-go-reflect2-dev dpkg-dev rsync make
# Debian only ships Kubernetes as a source package: enable deb-src for the configured mirror.
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  sed -i 's/^Types: deb$/Types: deb deb-src/' /etc/apt/sources.list.d/debian.sources
  apt-get update -qq
fi
work="$K8S_CACHE/src"
mkdir -p "$work" "$K8S_BIN"
cd "$work"
if ! ls kubernetes_*.orig.tar.* >/dev/null 2>&1; then
  apt-get source --download-only "kubernetes=$K8S_DEB_VERSION"
fi
gopath="$work/go"
tree="$gopath/src/k8s.io/kubernetes"
if [[ ! -f "$tree/Makefile" ]]; then
  rm -rf "$tree"; mkdir -p "$tree"
  tar -xf kubernetes_*.orig.tar.* -C "$tree" --strip-components=1
  # The vendored reflect2 v1.0.1 crashes on Go >= 1.18 at the first custom resource: use Debian's 1.0.2.
  rsync -a --delete --exclude=go.mod /usr/share/gocode/src/github.com/modern-go/reflect2/ "$tree/vendor/github.com/modern-go/reflect2/"
fi
cd "$tree"
log "building kubernetes server binaries (about 10 minutes on 2 cores)"
GOPATH="$gopath" GOPROXY=off GOFLAGS=-mod=vendor CGO_ENABLED=0 GO111MODULE=on \
  KUBE_GIT_VERSION=v1.20.2 KUBE_GIT_TREE_STATE=clean \
  make WHAT='cmd/kube-apiserver cmd/kube-controller-manager cmd/kube-scheduler cmd/kubelet cmd/kube-proxy'
for b in "${want[@]}"; do install -m 0755 "_output/local/bin/linux/amd64/$b" "$K8S_BIN/$b"; done
log "kubernetes binaries in $K8S_BIN"
