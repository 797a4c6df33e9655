package io.shardeddb.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release folder as the release build assembles it (the modules' outputs stood in for by small
 * image archives and SBOMs; the real chart): issue 50's artifact list, each SBOM's content, and the
 * check that fails the release build when any of it is missing or wrong.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReleaseAssemblyTest {
  private static final Path CHART =
      Path.of(System.getProperty("shardeddb.repo.root", ".."))
          .toAbsolutePath()
          .normalize()
          .resolve("helm/shardeddb-operator");
  private static final String V = "9.8.7";
  private static final String BASE_CONFIG = "ab".repeat(32);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  private Path release;

  private static String moduleBom(String name) {
    return """
        {"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
         "metadata":{"component":{"type":"application","bom-ref":"pkg:maven/io.shardeddb/%1$s@9.8.7-SNAPSHOT",
                                  "name":"%1$s","version":"9.8.7-SNAPSHOT"}},
         "components":[{"type":"library","bom-ref":"pkg:maven/a/b@1","name":"b","version":"1"}],
         "dependencies":[{"ref":"pkg:maven/io.shardeddb/%1$s@9.8.7-SNAPSHOT","dependsOn":["pkg:maven/a/b@1"]}]}
        """
        .formatted(name);
  }

  @BeforeAll
  void assemble() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("repo"));
    for (String name : Assemble.IMAGES) {
      TestImages.oci(
          root.resolve(name + "/target/image/" + name + ".tar"),
          "shardeddb/" + name + ":" + V,
          TestImages.debianBase());
      Files.writeString(root.resolve(name + "/target/bom.json"), moduleBom(name));
    }
    Files.createDirectories(root.resolve("cli/target"));
    Files.writeString(root.resolve("cli/target/bom.json"), moduleBom("cli"));
    Path plugin = Files.createDirectories(tmp.resolve("plugin"));
    Files.write(
        plugin.resolve("kubectl-sdb-" + V + "-linux-amd64.tar.gz"),
        TestImages.layer(
            Map.of(
                "kubectl-sdb-" + V + "-linux-amd64/runtime/release",
                "JAVA_VERSION=\"21.0.9\"\nMODULES=\"java.base java.net.http\"\n",
                "kubectl-sdb-" + V + "-linux-amd64/bin/kubectl-sdb",
                "#!/bin/sh\n")));
    Path base = TestImages.dockerArchive(tmp.resolve("base.tar"), BASE_CONFIG);
    release = tmp.resolve("release");
    Assemble.assemble(
        new Assemble.Inputs(
            root, CHART, V, plugin, release, "https://dl.example.com/v" + V, "tar://" + base));
  }

  private List<String> files() throws Exception {
    List<String> out = new ArrayList<>();
    try (Stream<Path> all = Files.walk(release)) {
      all.filter(Files::isRegularFile)
          .forEach(p -> out.add(release.relativize(p).toString().replace('\\', '/')));
    }
    return out;
  }

  @Test
  void theReleaseHoldsEveryArtifactItsSbomAndTheChecksums() throws Exception {
    assertThat(files())
        .containsExactlyInAnyOrder(
            "images/operator-9.8.7.tar",
            "images/router-9.8.7.tar",
            "images/shard-server-9.8.7.tar",
            "chart/shardeddb-operator-9.8.7.tgz",
            "plugin/kubectl-sdb-9.8.7-linux-amd64.tar.gz",
            "plugin/sdb.yaml",
            "sbom/operator-9.8.7.cdx.json",
            "sbom/router-9.8.7.cdx.json",
            "sbom/shard-server-9.8.7.cdx.json",
            "sbom/shardeddb-operator-chart-9.8.7.cdx.json",
            "sbom/kubectl-sdb-9.8.7.cdx.json",
            "SHA256SUMS");
    assertThat(ReleaseCheck.problems(release, V)).isEmpty();
    assertThat(Files.readAllLines(release.resolve("SHA256SUMS")))
        .hasSize(11)
        .contains(
            Checksums.sha256(release.resolve("sbom/router-9.8.7.cdx.json"))
                + "  sbom/router-9.8.7.cdx.json");
  }

  @Test
  void anImageSbomNamesTheImageItsJarsItsBaseByDigestAndTheBaseLayersContents() throws Exception {
    JsonNode bom = JSON.readTree(release.resolve("sbom/router-9.8.7.cdx.json").toFile());
    OciImage image = OciImage.read(release.resolve("images/router-9.8.7.tar"));

    assertThat(bom.at("/metadata/component/type").asText()).isEqualTo("container");
    assertThat(bom.at("/metadata/component/name").asText()).isEqualTo("shardeddb/router");
    assertThat(bom.at("/metadata/component/version").asText()).isEqualTo(V);
    assertThat(bom.at("/metadata/component/hashes/0/content").asText())
        .isEqualTo(image.manifestDigest().substring("sha256:".length()));
    Map<String, JsonNode> byRef = new java.util.HashMap<>();
    bom.path("components").forEach(c -> byRef.put(c.path("bom-ref").asText(), c));
    assertThat(byRef.get("pkg:maven/io.shardeddb/router@9.8.7").path("version").asText())
        .as("the application, at the release's version")
        .isEqualTo(V);
    assertThat(byRef).containsKey("pkg:maven/a/b@1");
    JsonNode base = byRef.get(ImageSbom.BASE_REF);
    assertThat(base.path("version").asText()).isEqualTo("sha256:" + BASE_CONFIG);
    assertThat(base.at("/properties/0/value").asText()).isEqualTo("sha256:" + "1".repeat(64));
    assertThat(base.path("properties")).as("only the base's layers").hasSize(1);
    assertThat(byRef.get("os:debian").path("version").asText()).isEqualTo("12");
    assertThat(byRef.get("java-runtime").path("version").asText()).isEqualTo("21.0.9");
    assertThat(byRef)
        .containsKey("pkg:deb/debian/libc6@2.36-9%2Bdeb12u13?arch=amd64&distro=debian-12")
        .containsKey("pkg:deb/debian/tzdata@2025b-0%2Bdeb12u2?arch=all&distro=debian-12");
    assertThat(byRef.keySet()).noneMatch(k -> k.contains("/gone@"));
    JsonNode imageDeps = bom.at("/dependencies/0");
    assertThat(imageDeps.path("ref").asText()).isEqualTo(ImageSbom.IMAGE_REF);
    assertThat(imageDeps.path("dependsOn").toString()).contains(ImageSbom.BASE_REF);
    assertThat(bom.at("/dependencies/1/dependsOn")).hasSize(4);
  }

  @Test
  void theChartSbomNamesTheImagesItRunsAtItsVersion() throws Exception {
    JsonNode bom =
        JSON.readTree(release.resolve("sbom/shardeddb-operator-chart-9.8.7.cdx.json").toFile());
    assertThat(bom.at("/metadata/component/version").asText()).isEqualTo(V);
    assertThat(bom.at("/metadata/component/hashes/0/content").asText())
        .isEqualTo(Checksums.sha256(release.resolve("chart/shardeddb-operator-9.8.7.tgz")));
    List<String> images = new ArrayList<>();
    bom.path("components").forEach(c -> images.add(c.path("bom-ref").asText()));
    assertThat(images)
        .contains(
            "shardeddb/operator:9.8.7", "shardeddb/router:9.8.7", "shardeddb/shard-server:9.8.7");
  }

  @Test
  void thePluginSbomNamesItsJarsAndTheJavaRuntimeItCarries() throws Exception {
    JsonNode bom = JSON.readTree(release.resolve("sbom/kubectl-sdb-9.8.7.cdx.json").toFile());
    Map<String, JsonNode> byRef = new java.util.HashMap<>();
    bom.path("components").forEach(c -> byRef.put(c.path("bom-ref").asText(), c));
    assertThat(byRef).containsKey("pkg:maven/a/b@1");
    assertThat(byRef.get("java-runtime").path("version").asText()).isEqualTo("21.0.9");
    assertThat(byRef.get("java-runtime").path("description").asText())
        .contains("java.base java.net.http");
    assertThat(bom.at("/dependencies/0/dependsOn").toString()).contains("java-runtime");
  }

  @Test
  void theCheckNamesWhatIsMissingOrWrong() throws Exception {
    Path copy = tmp.resolve("broken");
    copyTree(release, copy);
    Files.delete(copy.resolve("sbom/kubectl-sdb-9.8.7.cdx.json"));
    TestImages.oci(copy.resolve("images/router-9.8.7.tar"), "shardeddb/router:9.8.6", Map.of());
    TestImages.dockerArchive(copy.resolve("images/operator-9.8.7.tar"), BASE_CONFIG);
    Files.writeString(copy.resolve("plugin/sdb.yaml"), "sha256: 00\n");

    assertThat(ReleaseCheck.problems(copy, V))
        .anyMatch(p -> p.contains("kubectl-sdb-9.8.7.cdx.json: missing"))
        .anyMatch(p -> p.contains("router-9.8.7.tar: tagged 'shardeddb/router:9.8.6'"))
        .anyMatch(p -> p.contains("operator-9.8.7.tar") && p.contains("not an OCI image archive"))
        .anyMatch(p -> p.contains("sdb.yaml: does not name"))
        .anyMatch(p -> p.contains("SHA256SUMS: does not list every other file"))
        .hasSize(5);
  }

  @Test
  void aReleaseWithoutTheModulesOutputsIsRefusedNamingTheMissingFile() {
    assertThatThrownBy(
            () ->
                Assemble.assemble(
                    new Assemble.Inputs(
                        tmp.resolve("empty"),
                        CHART,
                        V,
                        tmp.resolve("plugin"),
                        tmp.resolve("out"),
                        "https://x",
                        "eclipse-temurin:21-jre")))
        .hasMessageContaining("operator.tar is missing: build with -Pimages");
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }
}
