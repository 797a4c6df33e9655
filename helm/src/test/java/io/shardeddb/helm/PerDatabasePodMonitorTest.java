package io.shardeddb.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.openshift.api.model.monitoring.v1.PodMetricsEndpoint;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.RelabelConfig;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.OperatorConfig;
import io.shardeddb.operator.model.DatabaseModel;
import io.shardeddb.operator.model.DesiredShard;
import io.shardeddb.operator.model.Images;
import io.shardeddb.operator.model.PodMonitorModel;
import io.shardeddb.operator.model.RouterModel;
import io.shardeddb.operator.model.ShardModel;
import java.nio.file.Files;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * metrics.podMonitors.enabled with perDatabase (the default): the chart renders no PodMonitor and
 * no scrape-token setting; it tells the operator to write each database its own, with the chart's
 * labels and interval, and that PodMonitor's endpoints select the pods the operator builds.
 */
class PerDatabasePodMonitorTest {

  private final ChartUnderTest chart = new ChartUnderTest();

  @Test
  void theOperatorWritesEachDatabaseAPodMonitorThatSelectsItsPodsAndVerifiesThem()
      throws Exception {
    RenderedChart rendered =
        chart.render(
            Map.of(
                "metrics.podMonitors.enabled", "true",
                "metrics.podMonitors.interval", "15s",
                "metrics.podMonitors.labels.release", "kube-prometheus-stack"));
    assertThat(rendered.all(PodMonitor.class)).as("no shared PodMonitor").isEmpty();
    Map<String, String> env =
        rendered
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
    assertThat(env).doesNotContainKey("SHARDEDDB_METRICS_SCRAPER_TOKEN_SECRET");
    OperatorConfig config = OperatorConfig.from(k -> null, env::get);
    assertThat(config.podMonitorSettings().enabled()).isTrue();
    assertThat(config.podMonitorSettings().labels())
        .containsEntry("release", "kube-prometheus-stack");
    assertThat(config.podMonitorSettings().interval()).isEqualTo("15s");

    ShardedDatabase sdb =
        new KubernetesSerialization()
            .unmarshal(
                Files.readString(chart.repoRoot().resolve("examples/students.yaml")),
                ShardedDatabase.class);
    sdb.getMetadata().setNamespace("team-a");
    DatabaseModel students =
        DatabaseModel.of(sdb, Images.DEFAULTS).withScraper(config.metricsScraper());
    PodMonitor monitor = PodMonitorModel.podMonitor(students);
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");

    PodTemplateSpec sh2 =
        ShardModel.statefulSet(students, new DesiredShard("sh2", 3)).getSpec().getTemplate();
    PodTemplateSpec router = RouterModel.deployment(students).getSpec().getTemplate();
    assertThat(sh2.getMetadata().getLabels())
        .containsAllEntriesOf(monitor.getSpec().getSelector().getMatchLabels());
    assertThat(router.getMetadata().getLabels())
        .containsAllEntriesOf(monitor.getSpec().getSelector().getMatchLabels());
    for (PodMetricsEndpoint e : monitor.getSpec().getPodMetricsEndpoints()) {
      String name = e.getTlsConfig().getServerName();
      boolean keepsSh2 = keeps(e, sh2);
      boolean keepsRouter = keeps(e, router);
      assertThat(keepsSh2).as(name).isEqualTo(name.equals("students-sh2.team-a.svc"));
      assertThat(keepsRouter).as(name).isEqualTo(name.equals("students-router.team-a.svc"));
      assertThat(e.getTlsConfig().getInsecureSkipVerify()).isFalse();
      PodTemplateSpec pod = keepsRouter ? router : sh2;
      if (keepsSh2 || keepsRouter) {
        assertThat(
                pod.getSpec().getContainers().stream().flatMap(c -> c.getPorts().stream()).toList())
            .anySatisfy(
                p -> {
                  assertThat(p.getName()).isEqualTo(e.getPort());
                  assertThat(p.getContainerPort())
                      .isEqualTo(ShardedDatabaseResources.MANAGEMENT_PORT);
                });
      }
    }
  }

  /** Whether every keep rule of {@code e} keeps a pod of {@code pod}'s labels. */
  private static boolean keeps(PodMetricsEndpoint e, PodTemplateSpec pod) {
    for (RelabelConfig r : e.getRelabelings()) {
      if (!"keep".equals(r.getAction())) {
        continue;
      }
      String meta = r.getSourceLabels().get(0);
      boolean kept =
          pod.getMetadata().getLabels().entrySet().stream()
              .anyMatch(
                  l ->
                      ("__meta_kubernetes_pod_label_" + l.getKey().replaceAll("[^a-zA-Z0-9_]", "_"))
                              .equals(meta)
                          && l.getValue().matches(r.getRegex()));
      if (!kept) {
        return false;
      }
    }
    return true;
  }
}
