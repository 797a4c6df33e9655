package io.shardeddb.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chart ships the generated CRD from crds/, byte for byte, and its package keeps it. */
class CrdInChartTest {

  private static final String CRD_FILE = "shardeddatabases.shardeddb.io-v1.yml";

  /** ShardedDatabaseBackup (docs/backup.md). */
  private static final String BACKUP_CRD_FILE = "shardeddatabasebackups.shardeddb.io-v1.yml";

  private final ChartUnderTest chart = new ChartUnderTest();

  @Test
  void theChartsCrdIsTheIdenticalFileToTheGeneratedOneInCrds() throws IOException {
    Path generated = chart.repoRoot().resolve("crds").resolve(CRD_FILE);
    Path inChart = chart.chartDir().resolve("crds").resolve(CRD_FILE);

    assertThat(Files.mismatch(generated, inChart))
        .as("%s differs from %s; refresh both with -Pupdate-crds in operator/", inChart, generated)
        .isEqualTo(-1L);
    Path backups = chart.chartDir().resolve("crds").resolve(BACKUP_CRD_FILE);
    assertThat(Files.mismatch(chart.repoRoot().resolve("crds").resolve(BACKUP_CRD_FILE), backups))
        .as("%s differs from crds/; refresh both with -Pupdate-crds in operator/", backups)
        .isEqualTo(-1L);
    try (Stream<Path> files = Files.list(chart.chartDir().resolve("crds"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(CRD_FILE, BACKUP_CRD_FILE);
    }
  }

  @Test
  void theCrdDefinesShardedDatabaseWithTheShortNameSdb() throws IOException {
    HasMetadata parsed =
        RenderedChart.parse(Files.readString(chart.chartDir().resolve("crds").resolve(CRD_FILE)))
            .objects()
            .get(0);

    assertThat(parsed).isInstanceOf(CustomResourceDefinition.class);
    CustomResourceDefinition crd = (CustomResourceDefinition) parsed;
    assertThat(crd.getSpec().getGroup()).isEqualTo("shardeddb.io");
    assertThat(crd.getSpec().getNames().getKind()).isEqualTo("ShardedDatabase");
    assertThat(crd.getSpec().getNames().getShortNames()).contains("sdb");
    assertThat(crd.getSpec().getVersions())
        .anySatisfy(v -> assertThat(v.getName()).isEqualTo("v1alpha1"));
    assertThat(UnknownFields.in(crd)).isEmpty();
  }

  @Test
  void thePackagedChartStillContainsTheCrdAndTheValuesSchema(@TempDir Path destination)
      throws IOException {
    Helm packaged = new Helm(chart.chartDir()).packageIt().withDestination(destination).call();

    assertThat(packaged.show().crds().call())
        .contains(Files.readString(chart.chartDir().resolve("crds").resolve(CRD_FILE)).strip());
    assertThat(packaged.show().chart().call()).contains("name: shardeddb-operator");
  }
}
