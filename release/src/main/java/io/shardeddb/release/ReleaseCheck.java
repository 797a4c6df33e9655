package io.shardeddb.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checks a release folder (what {@link Assemble} writes) against issue 50's list: the three images
 * as OCI archives tagged with the version, the chart archive whose images default to its
 * appVersion, the plugin archive with its krew manifest, an SBOM per artifact, and SHA256SUMS of
 * every file. Returns what is wrong, each naming the file; empty when the release is whole. The
 * release build runs it last and fails on any finding.
 */
public final class ReleaseCheck {
  private ReleaseCheck() {}

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String CHART = "shardeddb-operator";

  /** What is wrong with the release in dir at this version; empty when nothing. */
  public static List<String> problems(Path dir, String version) throws IOException {
    List<String> out = new ArrayList<>();
    for (String name : Assemble.IMAGES) {
      image(dir, name, version, out);
      sbom(dir.resolve("sbom/" + name + "-" + version + ".cdx.json"), out, true);
    }
    chart(dir, version, out);
    plugin(dir, version, out);
    sbom(dir.resolve("sbom/" + CHART + "-chart-" + version + ".cdx.json"), out, false);
    sbom(dir.resolve("sbom/kubectl-sdb-" + version + ".cdx.json"), out, false);
    sums(dir, out);
    return out;
  }

  private static void image(Path dir, String name, String version, List<String> out)
      throws IOException {
    Path tar = dir.resolve("images/" + name + "-" + version + ".tar");
    if (!Files.isRegularFile(tar)) {
      out.add(tar + ": missing");
      return;
    }
    try {
      String ref = OciImage.read(tar).refName();
      if (!ref.endsWith("/" + name + ":" + version)) {
        out.add(tar + ": tagged '" + ref + "', not <repository>/" + name + ":" + version);
      }
    } catch (IllegalArgumentException e) {
      out.add(tar + ": " + e.getMessage());
    }
  }

  private static void chart(Path dir, String version, List<String> out) throws IOException {
    Path tgz = dir.resolve("chart/" + CHART + "-" + version + ".tgz");
    if (!Files.isRegularFile(tgz)) {
      out.add(tgz + ": missing");
      return;
    }
    Set<String> images = ChartSbom.defaultImages(tgz);
    for (String name : Assemble.IMAGES) {
      if (images.stream().noneMatch(i -> i.endsWith("/" + name + ":" + version))) {
        out.add(tgz + ": no default image <repository>/" + name + ":" + version + " in " + images);
      }
    }
  }

  private static void plugin(Path dir, String version, List<String> out) throws IOException {
    Path pluginDir = dir.resolve("plugin");
    List<Path> archives = List.of();
    if (Files.isDirectory(pluginDir)) {
      try (Stream<Path> s = Files.list(pluginDir)) {
        String prefix = "kubectl-sdb-" + version + "-";
        archives =
            s.filter(p -> p.getFileName().toString().startsWith(prefix))
                .filter(p -> p.getFileName().toString().endsWith(".tar.gz"))
                .toList();
      }
    }
    if (archives.size() != 1) {
      out.add(
          pluginDir
              + ": expected one kubectl-sdb-"
              + version
              + "-OS-ARCH.tar.gz, found "
              + archives);
      return;
    }
    Path manifest = pluginDir.resolve("sdb.yaml");
    if (!Files.isRegularFile(manifest)) {
      out.add(manifest + ": missing (the krew manifest)");
      return;
    }
    String text = Files.readString(manifest);
    String sha = Checksums.sha256(archives.get(0));
    if (!text.contains("sha256: " + sha) || !text.contains("/" + archives.get(0).getFileName())) {
      out.add(manifest + ": does not name " + archives.get(0).getFileName() + " with its sha256");
    }
  }

  private static void sbom(Path file, List<String> out, boolean image) throws IOException {
    if (!Files.isRegularFile(file)) {
      out.add(file + ": missing");
      return;
    }
    JsonNode bom = JSON.readTree(file.toFile());
    if (!"CycloneDX".equals(bom.path("bomFormat").asText())
        || !bom.path("components").isArray()
        || bom.path("components").isEmpty()) {
      out.add(file + ": not a CycloneDX SBOM with components");
    } else if (image) {
      boolean base = false;
      for (JsonNode c : bom.path("components")) {
        base |= ImageSbom.BASE_REF.equals(c.path("bom-ref").asText());
      }
      if (!base || !"container".equals(bom.at("/metadata/component/type").asText())) {
        out.add(file + ": not an image's SBOM (the image and its base image)");
      }
    }
  }

  private static void sums(Path dir, List<String> out) throws IOException {
    Path file = dir.resolve("SHA256SUMS");
    if (!Files.isRegularFile(file)) {
      out.add(file + ": missing");
      return;
    }
    String expected = Checksums.sums(dir);
    if (!Files.readString(file).equals(expected)) {
      out.add(file + ": does not list every other file with its SHA-256");
    }
  }

  /** {@code ReleaseCheck DIR VERSION}: prints each problem; exits 1 when there is one. */
  public static void main(String[] args) throws IOException {
    List<String> problems = problems(Path.of(args[0]), args[1]);
    problems.forEach(System.err::println);
    System.exit(problems.isEmpty() ? 0 : 1);
  }
}
