package io.shardeddb.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

class KrewManifestTest {
  private static final String SHA = "ab".repeat(32);

  @Test
  void theManifestNamesTheArchiveItsChecksumPlatformAndLauncher() throws Exception {
    String text =
        KrewManifest.render(
            "0.2.0", "kubectl-sdb-0.2.0-linux-amd64.tar.gz", SHA, "https://dl.example.com/v0.2.0/");
    JsonNode m = new ObjectMapper(new YAMLFactory()).readTree(text);

    assertThat(m.path("kind").asText()).isEqualTo("Plugin");
    assertThat(m.at("/metadata/name").asText()).isEqualTo("sdb");
    assertThat(m.at("/spec/version").asText()).isEqualTo("v0.2.0");
    JsonNode p = m.at("/spec/platforms/0");
    assertThat(p.at("/selector/matchLabels/os").asText()).isEqualTo("linux");
    assertThat(p.at("/selector/matchLabels/arch").asText()).isEqualTo("amd64");
    assertThat(p.path("uri").asText())
        .isEqualTo("https://dl.example.com/v0.2.0/kubectl-sdb-0.2.0-linux-amd64.tar.gz");
    assertThat(p.path("sha256").asText()).isEqualTo(SHA);
    assertThat(p.at("/files/0/from").asText()).isEqualTo("kubectl-sdb-0.2.0-linux-amd64/*");
    assertThat(p.path("bin").asText()).isEqualTo("bin/kubectl-sdb");
  }

  @Test
  void anArchiveOfAnotherVersionOrABadChecksumIsRefused() {
    assertThatThrownBy(
            () -> KrewManifest.render("0.2.0", "kubectl-sdb-0.1.0-linux-amd64.tar.gz", SHA, "x"))
        .hasMessageContaining("not a kubectl-sdb 0.2.0 archive name");
    assertThatThrownBy(
            () -> KrewManifest.render("0.2.0", "kubectl-sdb-0.2.0-linux-amd64.tar.gz", "abc", "x"))
        .hasMessageContaining("not a SHA-256");
  }
}
