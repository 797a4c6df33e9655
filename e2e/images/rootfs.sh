#!/usr/bin/env bash
# Makes (once) a minimal Debian bookworm root filesystem in $2, plus the packages listed in $3
# (comma-separated), from the Debian mirror this machine's apt is configured with. $1 names it.
source "$(dirname "$0")/../cluster/lib.sh"
name=$1 dir=$2 include=${3:-}
[[ -f "$dir/.complete" ]] && exit 0
ensure_packages debootstrap
mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
mirror=${mirror:-$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list)}
rm -rf "$dir"; mkdir -p "$dir"
log "debootstrap $name (minbase${include:+ + $include})"
debootstrap --variant=minbase ${include:+--include="$include"} bookworm "$dir" "$mirror" >"$dir.log" 2>&1 \
  || { tail -20 "$dir.log" >&2; exit 1; }
# Smaller image: no apt lists, caches or docs.
rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/cache/apt/archives/*.deb \
  "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/locale/*
# The non-root user every project image runs as.
grep -q '^nonroot:' "$dir/etc/passwd" || {
  echo 'nonroot:x:65532:65532:nonroot:/home/nonroot:/usr/sbin/nologin' >>"$dir/etc/passwd"
  echo 'nonroot:x:65532:' >>"$dir/etc/group"
  mkdir -p "$dir/home/nonroot"; chown 65532:65532 "$dir/home/nonroot"
}
touch "$dir/.complete"
