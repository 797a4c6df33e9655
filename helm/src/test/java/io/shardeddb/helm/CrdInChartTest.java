package io.shardeddb.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart installs and upgrades the CRDs as templates (templates/crds.yaml), not from Helm's
 * crds/ directory, which Helm installs once and never upgrades: every `helm upgrade` applies the
 * chart's CRDs, each with {@code helm.sh/resource-policy: keep} so Helm never deletes one (and with
 * it every database). The templates render the generated files byte for byte (files/crds/, equal to
 * crds/), the CEL-free copies before Kubernetes 1.25.
 */
class CrdInChartTest {

  private static final String CRD_FILE = "shardeddatabases.shardeddb.io-v1.yml";

  /** ShardedDatabaseBackup (docs/backup.md). */
  private static final String BACKUP_CRD_FILE = "shardeddatabasebackups.shardeddb.io-v1.yml";

  private static final List<String> FILES = List.of(CRD_FILE, BACKUP_CRD_FILE);

  private static final String KEEP = "helm.sh/resource-policy";

  private final ChartUnderTest chart = new ChartUnderTest();

  @Test
  void theChartsCopiesAreTheIdenticalFilesToTheGeneratedOnesInCrds() throws IOException {
    for (String dir : List.of("", "without-cel/")) {
      for (String file : FILES) {
        Path generated = chart.repoRoot().resolve("crds/" + dir + file);
        Path inChart = chart.crdDir().resolve(dir + file);
        assertThat(Files.mismatch(generated, inChart))
            .as(
                "%s differs from %s; copy it from crds/ (-Pupdate-crds in operator/)",
                inChart, generated)
            .isEqualTo(-1L);
      }
    }
    try (Stream<Path> files = Files.list(chart.crdDir())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(CRD_FILE, BACKUP_CRD_FILE, "without-cel");
    }
    // A crds/ directory would be installed by Helm before the templates, without the release's
    // ownership, and the templated CRDs would then be refused as objects of no release.
    assertThat(chart.chartDir().resolve("crds")).doesNotExist();
  }

  @Test
  void theDefaultRenderingHasBothCrdsAsGeneratedKeptAndLabelledWithTheRelease() throws IOException {
    RenderedChart rendered = chart.render();

    for (String file : FILES) {
      CustomResourceDefinition expected = parse(chart.crdDir().resolve(file));
      CustomResourceDefinition crd =
          rendered
              .named(CustomResourceDefinition.class, expected.getMetadata().getName())
              .orElseThrow(() -> new AssertionError("no CRD " + expected.getMetadata().getName()));
      assertThat(crd.getSpec()).as(file).isEqualTo(expected.getSpec());
      assertThat(crd.getMetadata().getAnnotations()).containsExactly(Map.entry(KEEP, "keep"));
      assertThat(crd.getMetadata().getLabels())
          .containsEntry("app.kubernetes.io/managed-by", "Helm")
          .containsEntry("app.kubernetes.io/version", appVersion())
          .containsEntry("app.kubernetes.io/component", "crd");
      assertThat(UnknownFields.in(crd)).isEmpty();
    }
    assertThat(rendered.all(CustomResourceDefinition.class)).hasSize(2);
    assertThat(rendered.yaml()).contains("x-kubernetes-validations");
  }

  @Test
  void beforeKubernetes125TheCrdsAreTheCopiesWithoutCelRules() throws IOException {
    for (String version : List.of("v1.20.2", "v1.24.9")) {
      RenderedChart rendered = RenderedChart.parse(chart.template(version).call());

      assertThat(rendered.yaml()).as(version).doesNotContain("x-kubernetes-validations");
      for (String file : FILES) {
        CustomResourceDefinition expected = parse(chart.crdDir().resolve("without-cel/" + file));
        CustomResourceDefinition crd =
            rendered
                .named(CustomResourceDefinition.class, expected.getMetadata().getName())
                .orElseThrow();
        assertThat(crd.getSpec()).as(version + " " + file).isEqualTo(expected.getSpec());
        assertThat(crd.getMetadata().getAnnotations()).containsEntry(KEEP, "keep");
      }
    }
    assertThat(RenderedChart.parse(chart.template("v1.25.0").call()).yaml())
        .contains("x-kubernetes-validations");
  }

  @Test
  void crdsCreateFalseRendersNoCrd() {
    RenderedChart rendered = chart.render(Map.of("crds.create", false));

    assertThat(rendered.all(CustomResourceDefinition.class)).isEmpty();
    assertThat(rendered.objects()).isNotEmpty();
  }

  @Test
  void theCrdDefinesShardedDatabaseWithTheShortNameSdb() throws IOException {
    CustomResourceDefinition crd = parse(chart.crdDir().resolve(CRD_FILE));

    assertThat(crd.getSpec().getGroup()).isEqualTo("shardeddb.io");
    assertThat(crd.getSpec().getNames().getKind()).isEqualTo("ShardedDatabase");
    assertThat(crd.getSpec().getNames().getShortNames()).contains("sdb");
    assertThat(crd.getSpec().getVersions())
        .anySatisfy(v -> assertThat(v.getName()).isEqualTo("v1alpha1"));
    assertThat(UnknownFields.in(crd)).isEmpty();
  }

  @Test
  void thePackagedChartRendersTheCrdsFromItsTemplatesAndHasNoCrdsDirectory(
      @TempDir Path destination) throws IOException {
    Helm packaged = new Helm(chart.chartDir()).packageIt().withDestination(destination).call();

    assertThat(packaged.show().crds().call()).isBlank();
    assertThat(packaged.show().chart().call()).contains("name: shardeddb-operator");
    RenderedChart rendered =
        RenderedChart.parse(
            packaged
                .template()
                .withName(ChartUnderTest.RELEASE)
                .withNamespace(ChartUnderTest.NAMESPACE)
                .withKubeVersion(ChartUnderTest.KUBE_VERSION)
                .call());
    assertThat(rendered.all(CustomResourceDefinition.class))
        .extracting(c -> c.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "shardeddatabases.shardeddb.io", "shardeddatabasebackups.shardeddb.io");
  }

  private String appVersion() throws IOException {
    var matcher =
        java.util.regex.Pattern.compile("(?m)^appVersion: \"([^\"]+)\"")
            .matcher(Files.readString(chart.chartDir().resolve("Chart.yaml")));
    assertThat(matcher.find()).as("appVersion in Chart.yaml").isTrue();
    return matcher.group(1);
  }

  private static CustomResourceDefinition parse(Path file) throws IOException {
    return (CustomResourceDefinition) RenderedChart.parse(Files.readString(file)).objects().get(0);
  }
}
