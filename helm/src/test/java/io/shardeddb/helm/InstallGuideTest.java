package io.shardeddb.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.shardeddb.operator.model.Images;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/install.md and docker/README.md stay true: their files exist, their images are the used
 * ones.
 */
class InstallGuideTest {

  private static final Pattern FILE_ARGUMENT = Pattern.compile("-f ([^\\s`]+)");
  private static final Pattern IMAGE_TAG = Pattern.compile("docker build .*-t (\\S+) \\.");

  private final ChartUnderTest chart = new ChartUnderTest();

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"docs/install.md", "docker/README.md"})
  void everyFileTheGuidePassesWithDashFExists(String guide) throws IOException {
    Set<String> files =
        FILE_ARGUMENT
            .matcher(Files.readString(chart.repoRoot().resolve(guide)))
            .results()
            .map(m -> m.group(1))
            .collect(Collectors.toSet());

    assertThat(files).isNotEmpty();
    assertThat(files).allSatisfy(f -> assertThat(chart.repoRoot().resolve(f)).isRegularFile());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"docs/install.md", "docker/README.md"})
  void theImagesTheGuideBuildsAreTheOnesTheChartAndOperatorRun(String guide) throws IOException {
    String text = Files.readString(chart.repoRoot().resolve(guide)).replace("$VERSION", "0.1.0");
    Set<String> built =
        IMAGE_TAG.matcher(text).results().map(m -> m.group(1)).collect(Collectors.toSet());
    String operatorImage =
        chart
            .render()
            .one(Deployment.class)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getImage();

    assertThat(built)
        .containsExactlyInAnyOrder(
            operatorImage, Images.DEFAULTS.router(), Images.DEFAULTS.shardServer());
  }

  @Test
  void theGuideInstallsTheChartFromItsPathAndWaitsForTheExampleDatabase() throws IOException {
    String guide = Files.readString(chart.repoRoot().resolve("docs/install.md"));

    assertThat(chart.chartDir().resolve("Chart.yaml")).isRegularFile();
    assertThat(guide)
        .contains(
            "helm install shardeddb helm/shardeddb-operator -n shardeddb-system --create-namespace")
        .contains("kubectl -n shardeddb-system apply -f examples/students.yaml")
        .contains("kubectl -n shardeddb-system wait --for=condition=Ready sdb/students")
        .contains("kubectl -n shardeddb-system port-forward svc/students-router 8080:8080")
        .contains("helm uninstall shardeddb -n shardeddb-system");
  }
}
