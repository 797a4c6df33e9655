package io.shardeddb.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.shardeddb.operator.model.Images;
import java.nio.file.Files;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The operator's {@link Images} is the one place image names are defined: the chart's defaults
 * mirror it, and the chart passes its images through the environment variables Images reads.
 */
class ImageDefaultsTest {

  private final ChartUnderTest chart = new ChartUnderTest();

  @Test
  void theChartsDefaultImagesAreTheOperatorsBuiltInDefaults() {
    Map<String, String> env = operatorEnv(chart.render());

    assertThat(env).containsKeys(Images.SHARD_SERVER_ENV, Images.ROUTER_ENV, Images.MYSQL_ENV);
    assertThat(Images.fromEnvironment(env)).isEqualTo(Images.DEFAULTS);
  }

  @Test
  void imagesSetInValuesReachTheOperatorUnderTheNamesItReads() {
    Map<String, String> env =
        operatorEnv(chart.render(ChartUnderTest.valuesFile("non-default.yaml")));

    assertThat(Images.fromEnvironment(env))
        .isEqualTo(
            new Images(
                "registry.example.com/shardeddb/shard-server:1.2.3",
                "registry.example.com/shardeddb/router:1.2.3",
                "registry.example.com/mirror/mysql:8.4.3",
                java.util.List.of("registry-credentials")));
  }

  @Test
  void aGlobalRegistryAndPullSecretsReachEveryImageAndTheOperatorsPods() {
    RenderedChart rendered = chart.render(ChartUnderTest.valuesFile("registry-mirror.yaml"));
    Map<String, String> env = operatorEnv(rendered);
    assertThat(Images.fromEnvironment(env))
        .isEqualTo(
            new Images(
                "mirror.example.com/" + Images.DEFAULTS.shardServer(),
                "mirror.example.com/" + Images.DEFAULTS.router(),
                "mirror.example.com/" + Images.DEFAULTS.mysql(),
                java.util.List.of("pull-a", "pull-b")));
    io.fabric8.kubernetes.api.model.PodSpec pod =
        rendered.one(Deployment.class).getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers().get(0).getImage()).startsWith("mirror.example.com/shardeddb/");
    assertThat(pod.getImagePullSecrets())
        .extracting(io.fabric8.kubernetes.api.model.LocalObjectReference::getName)
        .containsExactly("pull-a", "pull-b");
  }

  @Test
  void theImagesTheMavenBuildMakesAreTheOnesTheOperatorAndChartName() throws Exception {
    // The project's one version: the root pom's without -SNAPSHOT (build-helper), passed here.
    String version = System.getProperty("shardeddb.version");
    assertThat(version).as("surefire passes the build's version").matches("\\d+\\.\\d+\\.\\d+.*");
    String pom = Files.readString(this.chart.repoRoot().resolve("pom.xml"));
    String repository = property(pom, "images.repository");
    assertThat(property(pom, "images.tag")).isEqualTo("${shardeddb.version}");
    String chartYaml =
        Files.readString(this.chart.repoRoot().resolve("helm/shardeddb-operator/Chart.yaml"));

    assertThat(Images.DEFAULTS.shardServer()).isEqualTo(repository + "/shard-server:" + version);
    assertThat(Images.DEFAULTS.router()).isEqualTo(repository + "/router:" + version);
    // The release writes this version into the packaged chart (release/ChartRelease); the source
    // chart, which `helm install ./helm/shardeddb-operator` uses, must say the same.
    assertThat(chartYaml).containsPattern("(?m)^version: " + Pattern.quote(version) + "$");
    assertThat(chartYaml).contains("appVersion: \"" + version + "\"");
  }

  @Test
  void theDataPlaneImagesFollowTheChartsAppVersion() throws Exception {
    String values =
        Files.readString(this.chart.repoRoot().resolve("helm/shardeddb-operator/values.yaml"));
    // Empty tags: a `helm upgrade --reuse-values` to a newer chart moves the router and shard
    // pods with the operator instead of keeping the old release's tags.
    assertThat(values)
        .containsPattern("(?m)^  router:\\n    repository: shardeddb/router\\n    tag: \"\"$")
        .containsPattern(
            "(?m)^  shardServer:\\n    repository: shardeddb/shard-server\\n    tag: \"\"$");
  }

  private static String property(String pom, String name) {
    Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
    assertThat(m.find()).as("root pom.xml sets " + name).isTrue();
    return m.group(1).trim();
  }

  private static Map<String, String> operatorEnv(RenderedChart rendered) {
    return rendered
        .one(Deployment.class)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }
}
