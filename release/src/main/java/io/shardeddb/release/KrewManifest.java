package io.shardeddb.release;

/**
 * The krew plugin manifest ({@code krew.sigs.k8s.io/v1alpha2 Plugin}) of the plugin archive: one
 * platform (the archive's), its download address and sha256. Installable before publishing with
 * {@code kubectl krew install --manifest=sdb.yaml --archive=<archive>}.
 */
public final class KrewManifest {
  private KrewManifest() {}

  /**
   * The manifest text.
   *
   * @param version the release's version (the archive's launcher prints the same)
   * @param archiveName the archive's file name, {@code kubectl-sdb-<version>-<os>-<arch>.tar.gz}
   * @param sha256 the archive's SHA-256, hex
   * @param downloadBase where the archive is published; the uri is this plus "/" plus its name
   */
  public static String render(
      String version, String archiveName, String sha256, String downloadBase) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "kubectl-sdb-"
                    + java.util.regex.Pattern.quote(version)
                    + "-(linux|darwin)-(amd64|arm64)\\.tar\\.gz")
            .matcher(archiveName);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a kubectl-sdb " + version + " archive name: " + archiveName);
    }
    if (!sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("not a SHA-256: " + sha256);
    }
    String top = archiveName.substring(0, archiveName.length() - ".tar.gz".length());
    return """
        apiVersion: krew.googlecontainertools.github.com/v1alpha2
        kind: Plugin
        metadata:
          name: sdb
        spec:
          version: v%s
          shortDescription: Operate ShardedDB sharded databases
          description: |
            kubectl sdb shows a ShardedDatabase's shards, replicas and moves, reads and writes rows
            through its router, promotes replicas, and takes and restores backups. The archive
            carries its own Java runtime: no JDK needed.
          platforms:
            - selector:
                matchLabels:
                  os: %s
                  arch: %s
              uri: %s/%s
              sha256: %s
              files:
                - from: "%s/*"
                  to: "."
              bin: bin/kubectl-sdb
        """
        .formatted(
            version, m.group(1), m.group(2), stripSlash(downloadBase), archiveName, sha256, top);
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
