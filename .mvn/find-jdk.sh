# Sourced by ./mvnw, .ci/run and bin/kubectl-sdb: makes JAVA_HOME point at a JDK 21 or newer.
# Honours JAVA_HOME when it is new enough; otherwise looks at `java` on PATH, then at the JDKs
# installed under the usual roots (newest first). Prints a clear error when none is found.
sdb_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = //p' | sed 's/^1\.//' | head -n 1
}
sdb_find_jdk() {
  min="${SHARDEDDB_MIN_JAVA:-21}"
  if [ -n "${JAVA_HOME-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    v="$(sdb_java_major "$JAVA_HOME")"
    if [ -n "$v" ] && [ "$v" -ge "$min" ]; then return 0; fi
  fi
  candidates=""
  if command -v javac >/dev/null 2>&1; then
    candidates="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
  fi
  for root in /usr/lib/jvm /usr/java /opt/java /opt "$HOME/.sdkman/candidates/java" "$HOME/.jdks"; do
    [ -d "$root" ] || continue
    # ls, not a glob: the Maven wrapper runs with `set -f` (no globbing)
    for name in $(ls "$root" 2>/dev/null); do
      if [ -x "$root/$name/bin/javac" ]; then candidates="$candidates $root/$name"; fi
    done
  done
  best="" bestv=0
  for d in $candidates; do
    v="$(sdb_java_major "$d")"
    if [ -n "$v" ] && [ "$v" -ge "$min" ] && [ "$v" -gt "$bestv" ]; then best="$d" bestv="$v"; fi
  done
  if [ -z "$best" ]; then
    echo "ShardedDB needs JDK $min or newer: set JAVA_HOME to one (found none under /usr/lib/jvm)." >&2
    return 1
  fi
  JAVA_HOME="$best"
  export JAVA_HOME
}
