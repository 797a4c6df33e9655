#!/usr/bin/env bash
# make-variant.sh SRC DEST: freeze a built tree's bench (jars, pod jars, CRDs) into DEST
set -euo pipefail
src=$1 dest=$2
rm -rf "$dest"; mkdir -p "$dest/lib" "$dest/shard-server/target" "$dest/router/target"
cp -r "$src/crds" "$dest/"; touch "$dest/mvnw"
cp "$src/shard-server/target/shard-server.jar" "$dest/shard-server/target/"
cp "$src/router/target/router.jar" "$dest/router/target/"
cp "$src/bench/target/bench.jar" "$dest/lib/"
cp=""
for j in $(tr ':' '\n' < "$src/bench/target/classpath.txt"); do
  case "$j" in
    "$src"/*) cp "$j" "$dest/lib/"; j="$dest/lib/$(basename "$j")";;
  esac
  cp="${cp:+$cp:}$j"
done
echo "$cp" > "$dest/classpath.txt"
echo "variant $dest from $src at $(git -C "$src" rev-parse --short HEAD)" | tee "$dest/VARIANT"
