package io.shardeddb.release;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The release's chart archive ({@code helm package}, with helm-java as the chart's tests use it): a
 * copy of the chart whose {@code version} and {@code appVersion} are the project's one version,
 * linted strictly, then packaged. Run by the release module ({@code bin/release}); helm's {@code
 * ImageDefaultsTest} keeps the source {@code Chart.yaml} at the same version.
 */
public final class ChartRelease {
  private ChartRelease() {}

  /** A SemVer 2 version, as Helm requires of a chart's version. */
  private static final Pattern SEMVER =
      Pattern.compile("\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?");

  private static final Pattern VERSION_LINE = Pattern.compile("^version:.*$", Pattern.MULTILINE);
  private static final Pattern APP_VERSION_LINE =
      Pattern.compile("^appVersion:.*$", Pattern.MULTILINE);

  /** This Chart.yaml with its top-level {@code version} and {@code appVersion} set to version. */
  public static String withVersion(String chartYaml, String version) {
    if (!SEMVER.matcher(version).matches()) {
      throw new IllegalArgumentException("not a SemVer 2 version: \"" + version + "\"");
    }
    String out = replaceOne(chartYaml, VERSION_LINE, "version: " + version, "version");
    return replaceOne(out, APP_VERSION_LINE, "appVersion: \"" + version + "\"", "appVersion");
  }

  private static String replaceOne(String text, Pattern line, String replacement, String key) {
    Matcher m = line.matcher(text);
    if (!m.find()) {
      throw new IllegalArgumentException("Chart.yaml has no top-level " + key + ": line");
    }
    int start = m.start();
    int end = m.end();
    if (m.find()) {
      throw new IllegalArgumentException("Chart.yaml has more than one top-level " + key + ":");
    }
    return text.substring(0, start) + replacement + text.substring(end);
  }

  /**
   * Copies chartDir into workDir with the version set, lints it strictly and packages it into
   * outDir; returns the archive ({@code <name>-<version>.tgz}).
   */
  public static Path packageChart(Path chartDir, String version, Path workDir, Path outDir)
      throws IOException {
    Path copy = workDir.resolve(chartDir.getFileName());
    copyTree(chartDir, copy);
    Path chartYaml = copy.resolve("Chart.yaml");
    Files.writeString(chartYaml, withVersion(Files.readString(chartYaml), version));
    LintResult lint = new Helm(copy).lint().strict().call();
    if (lint.isFailed()) {
      throw new IllegalStateException("helm lint --strict failed: " + lint.getMessages());
    }
    Files.createDirectories(outDir);
    new Helm(copy).packageIt().withDestination(outDir).call();
    Path archive = outDir.resolve(chartDir.getFileName() + "-" + version + ".tgz");
    if (!Files.isRegularFile(archive)) {
      throw new IllegalStateException("helm package wrote no " + archive);
    }
    return archive;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** {@code ChartRelease CHART_DIR VERSION OUT_DIR}: prints the packaged chart's path. */
  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: ChartRelease CHART_DIR VERSION OUT_DIR");
      System.exit(2);
    }
    Path out = Path.of(args[2]).toAbsolutePath();
    Path work = Files.createTempDirectory("chart-release");
    try {
      System.out.println(packageChart(Path.of(args[0]).toAbsolutePath(), args[1], work, out));
    } finally {
      try (Stream<Path> all = Files.walk(work)) {
        all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
