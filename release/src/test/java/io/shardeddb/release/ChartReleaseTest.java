package io.shardeddb.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release's chart: packaged at the version it is given, which becomes both {@code version} and
 * {@code appVersion}, and the operator and data-plane images then default to that version.
 */
class ChartReleaseTest {
  private static final Path ROOT =
      Path.of(System.getProperty("shardeddb.repo.root", "..")).toAbsolutePath().normalize();
  private static final Path CHART = ROOT.resolve("helm/shardeddb-operator");

  @Test
  void withVersionSetsVersionAndAppVersionOnly() {
    String yaml =
        "apiVersion: v2\nname: x\nversion: 0.1.0\nappVersion: \"0.1.0\"\nkubeVersion: \">=1.20.0-0\"\n";
    assertThat(ChartRelease.withVersion(yaml, "1.2.3-rc.1"))
        .isEqualTo(
            "apiVersion: v2\nname: x\nversion: 1.2.3-rc.1\nappVersion: \"1.2.3-rc.1\"\n"
                + "kubeVersion: \">=1.20.0-0\"\n");
  }

  @Test
  void aVersionHelmWouldRefuseIsRefusedHere() {
    assertThatThrownBy(() -> ChartRelease.withVersion("version: 1\nappVersion: 1\n", "v1.2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a SemVer 2 version: \"v1.2\"");
    assertThatThrownBy(() -> ChartRelease.withVersion("name: x\nappVersion: 1\n", "1.2.3"))
        .hasMessageContaining("no top-level version");
  }

  @Test
  void thePackagedChartRunsItsOwnVersionOfEveryImage(@TempDir Path tmp) throws Exception {
    String before = Files.readString(CHART.resolve("Chart.yaml"));
    Path tgz =
        ChartRelease.packageChart(
            CHART, "9.8.7", Files.createDirectory(tmp.resolve("work")), tmp.resolve("out"));

    assertThat(tgz.getFileName().toString()).isEqualTo("shardeddb-operator-9.8.7.tgz");
    assertThat(Files.readString(CHART.resolve("Chart.yaml")))
        .as("source untouched")
        .isEqualTo(before);

    // Installed from the archive with its defaults (as `helm upgrade --reuse-values` keeps empty
    // tags): the operator and the images it deploys are all the chart's version.
    String rendered =
        new Helm(tgz)
            .template()
            .withName("shardeddb")
            .withNamespace("shardeddb-system")
            .withKubeVersion("v1.31.0")
            .call();
    Map<String, String> env = new HashMap<>();
    String operatorImage = null;
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    for (String doc : rendered.split("(?m)^---\\s*$")) {
      JsonNode o = yaml.readTree(doc);
      if (o == null || !"Deployment".equals(o.path("kind").asText())) {
        continue;
      }
      JsonNode c = o.at("/spec/template/spec/containers/0");
      operatorImage = c.path("image").asText();
      for (JsonNode e : c.path("env")) {
        if (e.has("value")) {
          env.put(e.path("name").asText(), e.path("value").asText());
        }
      }
    }
    assertThat(operatorImage).isEqualTo("shardeddb/operator:9.8.7");
    assertThat(env)
        .containsEntry("SHARDEDDB_ROUTER_IMAGE", "shardeddb/router:9.8.7")
        .containsEntry("SHARDEDDB_SHARD_SERVER_IMAGE", "shardeddb/shard-server:9.8.7");
  }
}
