package io.shardeddb.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.openshift.api.model.monitoring.v1.PodMetricsEndpoint;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The per-database PodMonitor: one endpoint per shard and one for the routers, each verifying the
 * pods by a name they all carry against the database's CA, with the database's own token.
 */
class PodMonitorModelTest {

  private static PodMonitor render(String example, String addedToSpec) {
    DatabaseModel db =
        RenderedObjectsTest.model(new RenderedObjectsTest.Case("t", example, addedToSpec));
    db =
        db.withScraper(
            db.scraper()
                .withPodMonitors(
                    new MetricsScraper.PodMonitors(true, Map.of("release", "kps"), "15s", "5s")));
    return PodMonitorModel.podMonitor(db);
  }

  @Test
  void everyShardAndTheRoutersAreVerifiedAgainstTheDatabasesCaWithItsOwnToken() {
    PodMonitor pm = render("students.yaml", "");
    assertThat(pm.getMetadata().getNamespace()).isEqualTo("ns");
    assertThat(pm.getMetadata().getName()).isEqualTo("students");
    assertThat(pm.getMetadata().getLabels())
        .containsEntry("release", "kps")
        .containsEntry("app.kubernetes.io/managed-by", "shardeddb-operator")
        .containsEntry("app.kubernetes.io/component", "metrics");
    assertThat(pm.getSpec().getSelector().getMatchLabels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "app.kubernetes.io/managed-by", "shardeddb-operator",
                "app.kubernetes.io/instance", "students"));
    List<PodMetricsEndpoint> endpoints = pm.getSpec().getPodMetricsEndpoints();
    assertThat(endpoints)
        .extracting(e -> e.getTlsConfig().getServerName())
        .containsExactly(
            "students-sh1.ns.svc",
            "students-sh2.ns.svc",
            "students-sh3.ns.svc",
            "students-sh4.ns.svc",
            "students-router.ns.svc");
    for (PodMetricsEndpoint e : endpoints) {
      assertThat(e.getScheme()).isEqualTo("https");
      assertThat(e.getPort()).isEqualTo("management");
      assertThat(e.getPath()).isEqualTo("/prometheus");
      assertThat(e.getTlsConfig().getInsecureSkipVerify()).isFalse();
      assertThat(e.getTlsConfig().getCa().getSecret().getName()).isEqualTo("students-tls");
      assertThat(e.getTlsConfig().getCa().getSecret().getKey()).isEqualTo("ca.crt");
      assertThat(e.getAuthorization().getType()).isEqualTo("Bearer");
      assertThat(e.getAuthorization().getCredentials().getName()).isEqualTo("students-metrics");
      assertThat(e.getAuthorization().getCredentials().getKey()).isEqualTo("token");
      assertThat(e.getBearerTokenSecret()).isNull();
      assertThat(e.getInterval()).isEqualTo("15s");
      assertThat(e.getScrapeTimeout()).isEqualTo("5s");
    }
    // The sh2 endpoint keeps sh2's shard pods only: its serverName is theirs alone.
    assertThat(endpoints.get(1).getRelabelings())
        .filteredOn(r -> "keep".equals(r.getAction()))
        .extracting(r -> r.getSourceLabels().get(0) + "=" + r.getRegex())
        .containsExactly(
            "__meta_kubernetes_pod_label_app_kubernetes_io_component=shard",
            "__meta_kubernetes_pod_label_shardeddb_io_shard=sh2");
    assertThat(endpoints.get(4).getRelabelings())
        .filteredOn(r -> "keep".equals(r.getAction()))
        .extracting(r -> r.getSourceLabels().get(0) + "=" + r.getRegex())
        .containsExactly("__meta_kubernetes_pod_label_app_kubernetes_io_component=router");
  }

  @Test
  void withoutTlsTheEndpointsArePlainHttpWithTheToken() {
    PodMonitor pm = render("students.yaml", "  tls: {enabled: false}");
    for (PodMetricsEndpoint e : pm.getSpec().getPodMetricsEndpoints()) {
      assertThat(e.getScheme()).isEqualTo("http");
      assertThat(e.getTlsConfig()).isNull();
      assertThat(e.getAuthorization().getCredentials().getName()).isEqualTo("students-metrics");
    }
  }

  @Test
  void aRouterServingTheUsersCertificateIsVerifiedAgainstThatSecretsCa() {
    PodMonitor pm =
        render("students.yaml", "  tls: {routerCertificateSecret: students-public-tls}");
    List<PodMetricsEndpoint> endpoints = pm.getSpec().getPodMetricsEndpoints();
    PodMetricsEndpoint router = endpoints.get(endpoints.size() - 1);
    assertThat(router.getTlsConfig().getCa().getSecret().getName())
        .isEqualTo("students-public-tls");
    assertThat(endpoints.get(0).getTlsConfig().getCa().getSecret().getName())
        .isEqualTo("students-tls");
  }

  @Test
  void aPlainHttpRouterIsScrapedOverHttpWhileShardsStayVerified() {
    PodMonitor pm = render("students.yaml", "  tls: {routerPlainHttp: true}");
    List<PodMetricsEndpoint> endpoints = pm.getSpec().getPodMetricsEndpoints();
    assertThat(endpoints.get(endpoints.size() - 1).getScheme()).isEqualTo("http");
    assertThat(endpoints.get(0).getScheme()).isEqualTo("https");
  }
}
