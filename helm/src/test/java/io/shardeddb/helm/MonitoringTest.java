package io.shardeddb.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.openshift.api.model.monitoring.v1.PodMetricsEndpoint;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.OperatorConfig;
import io.shardeddb.operator.model.DatabaseModel;
import io.shardeddb.operator.model.DesiredShard;
import io.shardeddb.operator.model.Images;
import io.shardeddb.operator.model.NetworkPolicies;
import io.shardeddb.operator.model.RouterModel;
import io.shardeddb.operator.model.ShardModel;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * src/test/resources/values/monitoring.yaml: PodMonitors that select the pods the operator really
 * builds (its model classes), on a port those pods really have; the scraper they need admitted by
 * the shard NetworkPolicies; the alert rules and the dashboard ConfigMap.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitoringTest {

  private RenderedChart rendered;
  private DatabaseModel students;

  @BeforeAll
  void render() throws Exception {
    ChartUnderTest chart = new ChartUnderTest();
    rendered = chart.render(ChartUnderTest.valuesFile("monitoring.yaml"));
    ShardedDatabase sdb =
        new KubernetesSerialization()
            .unmarshal(
                Files.readString(chart.repoRoot().resolve("examples/students.yaml")),
                ShardedDatabase.class);
    sdb.getMetadata().setNamespace("team-a");
    students = DatabaseModel.of(sdb, Images.DEFAULTS);
  }

  @Test
  void everyRenderedObjectIsAKnownKindWithOnlyKnownFields() {
    assertThat(rendered.untyped()).as("objects fabric8 has no model for").isEmpty();
    assertThat(rendered.objects())
        .allSatisfy(
            object ->
                assertThat(UnknownFields.in(object))
                    .as("%s %s", object.getKind(), object.getMetadata().getName())
                    .isEmpty());
  }

  @Test
  void theShardPodMonitorSelectsEveryShardPodTheOperatorBuildsAndNoRouterPod() {
    PodMonitor shard = podMonitor("shard");
    PodTemplateSpec shardPod =
        ShardModel.statefulSet(students, new DesiredShard("sh1", 3)).getSpec().getTemplate();
    PodTemplateSpec routerPod = RouterModel.deployment(students).getSpec().getTemplate();

    assertThat(shardPod.getMetadata().getLabels())
        .containsAllEntriesOf(shard.getSpec().getSelector().getMatchLabels());
    assertThat(selects(shard, routerPod)).as("router pods are the other PodMonitor's").isFalse();
    assertScrapesPrometheusOnAPortThePodHas(
        shard, shardPod, ShardedDatabaseResources.MANAGEMENT_PORT);
  }

  @Test
  void theRouterPodMonitorSelectsEveryRouterPodTheOperatorBuildsAndNoShardPod() {
    PodMonitor router = podMonitor("router");
    PodTemplateSpec routerPod = RouterModel.deployment(students).getSpec().getTemplate();
    PodTemplateSpec shardPod =
        ShardModel.statefulSet(students, new DesiredShard("sh1", 3)).getSpec().getTemplate();

    assertThat(routerPod.getMetadata().getLabels())
        .containsAllEntriesOf(router.getSpec().getSelector().getMatchLabels());
    assertThat(selects(router, shardPod)).as("shard pods are the other PodMonitor's").isFalse();
    assertScrapesPrometheusOnAPortThePodHas(
        router, routerPod, ShardedDatabaseResources.MANAGEMENT_PORT);
  }

  @Test
  void podMonitorsLookInTheWatchedNamespacesAndLabelTargetsLikeTheOperatorsMetrics() {
    for (String component : List.of("router", "shard")) {
      PodMonitor monitor = podMonitor(component);
      assertThat(monitor.getMetadata().getLabels())
          .containsEntry("release", "kube-prometheus-stack");
      assertThat(monitor.getSpec().getNamespaceSelector().getMatchNames())
          .containsExactly("team-a", "team-b");
      PodMetricsEndpoint endpoint = monitor.getSpec().getPodMetricsEndpoints().get(0);
      assertThat(endpoint.getInterval()).isEqualTo("15s");
      Map<String, String> targets =
          endpoint.getRelabelings().stream()
              .collect(
                  Collectors.toMap(
                      r -> r.getTargetLabel(),
                      r ->
                          r.getSourceLabels() == null || r.getSourceLabels().isEmpty()
                              ? r.getReplacement()
                              : String.join(";", r.getSourceLabels())));
      assertThat(targets)
          .containsEntry("database", "__meta_kubernetes_pod_label_app_kubernetes_io_instance")
          .containsEntry("job", "shardeddb-" + component);
      if (component.equals("shard")) {
        assertThat(targets)
            .containsEntry("shard", "__meta_kubernetes_pod_label_shardeddb_io_shard");
      }
    }
  }

  @Test
  void clusterWidePodMonitorsLookInEveryNamespace() {
    RenderedChart clusterWide =
        new ChartUnderTest()
            .render(
                Map.of(
                    "clusterWide",
                    "true",
                    "metrics.podMonitors.enabled",
                    "true",
                    "metrics.podMonitors.perDatabase",
                    "false"));
    assertThat(clusterWide.all(PodMonitor.class))
        .hasSize(2)
        .allSatisfy(m -> assertThat(m.getSpec().getNamespaceSelector().getAny()).isTrue());
  }

  @Test
  void theOperatorPodAdmitsOnlyTheScraperOnItsMetricsPort() {
    var policy =
        rendered.all(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class).get(0);
    assertThat(policy.getSpec().getIngress())
        .singleElement()
        .satisfies(
            rule -> {
              assertThat(rule.getFrom())
                  .singleElement()
                  .satisfies(
                      peer -> {
                        assertThat(peer.getPodSelector().getMatchLabels())
                            .isEqualTo(
                                Map.of(
                                    "app.kubernetes.io/name", "prometheus", "prometheus", "k8s"));
                        assertThat(peer.getNamespaceSelector().getMatchLabels())
                            .isEqualTo(Map.of("kubernetes.io/metadata.name", "monitoring"));
                      });
              assertThat(rule.getPorts())
                  .singleElement()
                  .satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(8090));
            });
  }

  @Test
  void theOperatorIsToldWhichScraperToAdmitAndThePoliciesThenAdmitItOnTheManagementPort() {
    Map<String, String> env =
        operatorContainer().getEnv().stream()
            .filter(e -> e.getValue() != null)
            .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    OperatorConfig config = OperatorConfig.from(k -> null, env::get);

    assertThat(config.metricsScraper().namespace()).isEqualTo("monitoring");
    assertThat(config.metricsScraper().podLabels())
        .isEqualTo(Map.of("app.kubernetes.io/name", "prometheus", "prometheus", "k8s"));
    var scraped = students.withScraper(config.metricsScraper());
    for (var policy :
        List.of(
            NetworkPolicies.shard(scraped, new DesiredShard("sh1", 3)),
            NetworkPolicies.router(scraped))) {
      assertThat(policy.getSpec().getIngress())
          .as(policy.getMetadata().getName())
          .anySatisfy(
              rule -> {
                assertThat(rule.getFrom())
                    .extracting(NetworkPolicyPeer::getPodSelector)
                    .extracting(s -> s.getMatchLabels())
                    .containsExactly(config.metricsScraper().podLabels());
                assertThat(rule.getPorts())
                    .singleElement()
                    .satisfies(
                        p ->
                            assertThat(p.getPort().getIntVal())
                                .isEqualTo(ShardedDatabaseResources.MANAGEMENT_PORT));
              });
    }
  }

  @Test
  void theOperatorIsToldTheSecretThePodMonitorsSendAndMayReadOrCreateIt() {
    // The user's Secret (monitoring.yaml names one): the operator is told the same name and key.
    assertThat(scraperTokenSecret(operatorContainer())).isEqualTo("scrape-token/token");
    // None named: <fullname>-scrape-token on both sides (the operator creates it when absent).
    RenderedChart defaults =
        new ChartUnderTest()
            .render(
                Map.of(
                    "metrics.podMonitors.enabled", true, "metrics.podMonitors.perDatabase", false));
    String ref =
        scraperTokenSecret(
            defaults
                .one(Deployment.class)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0));
    assertThat(ref).endsWith("-scrape-token/token");
    String name = ref.substring(0, ref.indexOf('/'));
    for (PodMonitor monitor : defaults.all(PodMonitor.class)) {
      var credentials =
          monitor.getSpec().getPodMetricsEndpoints().get(0).getAuthorization().getCredentials();
      assertThat(credentials.getName()).isEqualTo(name);
      assertThat(credentials.getKey()).isEqualTo("token");
    }
    // The chart renders no token of its own (a template cannot keep a random value stable).
    assertThat(defaults.all(io.fabric8.kubernetes.api.model.Secret.class)).isEmpty();
    // The operator may read that one Secret and create Secrets in its own namespace.
    io.fabric8.kubernetes.api.model.rbac.Role role =
        defaults.all(io.fabric8.kubernetes.api.model.rbac.Role.class).stream()
            .filter(r -> r.getMetadata().getName().endsWith("-leader-election"))
            .findFirst()
            .orElseThrow();
    assertThat(role.getRules())
        .anySatisfy(
            r -> {
              assertThat(r.getResources()).containsExactly("secrets");
              assertThat(r.getResourceNames()).containsExactly(name);
              assertThat(r.getVerbs()).containsExactly("get");
            })
        .anySatisfy(
            r -> {
              assertThat(r.getResources()).containsExactly("secrets");
              assertThat(r.getVerbs()).containsExactly("create");
            });
    // The operator's settings parse it.
    Map<String, String> env = Map.of("SHARDEDDB_METRICS_SCRAPER_TOKEN_SECRET", ref);
    assertThat(OperatorConfig.from(k -> null, env::get).metricsScraperTokenSecret()).isEqualTo(ref);
  }

  private static String scraperTokenSecret(Container operator) {
    return operator.getEnv().stream()
        .filter(e -> e.getName().equals("SHARDEDDB_METRICS_SCRAPER_TOKEN_SECRET"))
        .findFirst()
        .orElseThrow()
        .getValue();
  }

  @Test
  void theScrapersNamespaceDefaultsToTheReleasesAndAnyNamespaceIsAnExplicitStar() {
    for (var c :
        List.of(
            Map.entry("", ChartUnderTest.NAMESPACE),
            Map.entry("monitoring", "monitoring"),
            Map.entry("*", ""))) {
      RenderedChart chart =
          new ChartUnderTest()
              .render(
                  Map.of(
                      "metrics.scraper.enabled", true,
                      "metrics.serviceMonitor.enabled", true,
                      "metrics.scraper.namespace", c.getKey()));
      Container operator =
          chart.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
      String env =
          operator.getEnv().stream()
              .filter(e -> e.getName().equals("SHARDEDDB_METRICS_SCRAPER_NAMESPACE"))
              .findFirst()
              .orElseThrow()
              .getValue();
      assertThat(env).as("namespace '%s'", c.getKey()).isEqualTo(c.getValue());
      // The operator's own policy admits the same namespace (every namespace only for "*").
      Map<String, String> admitted =
          chart
              .all(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class)
              .get(0)
              .getSpec()
              .getIngress()
              .get(0)
              .getFrom()
              .get(0)
              .getNamespaceSelector()
              .getMatchLabels();
      if (c.getValue().isEmpty()) {
        assertThat(admitted).as("every namespace").isNullOrEmpty();
      } else {
        assertThat(admitted)
            .as("namespace '%s'", c.getKey())
            .isEqualTo(Map.of("kubernetes.io/metadata.name", c.getValue()));
      }
    }
  }

  @Test
  void withoutPodMonitorsNoScraperIsAdmitted() {
    Deployment deployment = new ChartUnderTest().render().one(Deployment.class);
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .extracting(EnvVar::getName)
        .noneMatch(name -> name.startsWith("SHARDEDDB_METRICS_SCRAPER"));
  }

  @Test
  void theOperatorServiceMonitorKeepsTheDatabasesNamespaceLabel() {
    assertThat(rendered.one(ServiceMonitor.class).getSpec().getEndpoints())
        .singleElement()
        .satisfies(e -> assertThat(e.getHonorLabels()).isTrue());
  }

  @Test
  void theRuleHasEveryAlertWithASeverityAndADescription() {
    PrometheusRule rule = rendered.one(PrometheusRule.class);
    List<Rule> rules = rule.getSpec().getGroups().get(0).getRules();

    assertThat(rule.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
    assertThat(rules)
        .extracting(Rule::getAlert)
        .containsExactlyInAnyOrder(
            "ShardedDBShardBelowWriteQuorum",
            "ShardedDBFailoverNoQuorum",
            "ShardedDBPrimaryUnavailable",
            "ShardedDBArchiveStalled",
            "ShardedDBArchiveLagHigh",
            "ShardedDBReplicationLagHigh",
            "ShardedDBFailoverStorm",
            "ShardedDBCrdOutdated",
            "ShardedDBReshardingStuck",
            "ShardedDBBackupTooOld");
    assertThat(rules)
        .allSatisfy(
            r -> {
              assertThat(r.getLabels()).containsKey("severity");
              assertThat(r.getAnnotations()).containsKeys("summary", "description");
            });
  }

  @Test
  void theDashboardIsAConfigMapTheGrafanaSidecarPicksUpHoldingValidJson() throws Exception {
    ConfigMap dashboard =
        rendered.all(ConfigMap.class).stream()
            .filter(c -> c.getMetadata().getName().endsWith("-dashboard"))
            .findFirst()
            .orElseThrow();

    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    assertThat(dashboard.getMetadata().getAnnotations())
        .containsEntry("grafana_folder", "Databases");
    JsonNode json = new ObjectMapper().readTree(dashboard.getData().get("shardeddb.json"));
    assertThat(json.get("title").asText()).isEqualTo("ShardedDB");
    assertThat(json.get("panels")).isNotEmpty();
  }

  private void assertScrapesPrometheusOnAPortThePodHas(
      PodMonitor monitor, PodTemplateSpec pod, int containerPort) {
    PodMetricsEndpoint endpoint = monitor.getSpec().getPodMetricsEndpoints().get(0);
    assertThat(endpoint.getPath()).isEqualTo("/prometheus");
    assertThat(endpoint.getPort()).isEqualTo(ShardedDatabaseResources.MANAGEMENT_PORT_NAME);
    // The pods' probes say what the management port speaks (HTTPS with TLS on, the default).
    assertThat(endpoint.getScheme())
        .as("the scheme the pod's own probes use on the management port")
        .isEqualToIgnoringCase(
            pod.getSpec().getContainers().stream()
                .filter(
                    c ->
                        c.getReadinessProbe() != null && c.getReadinessProbe().getHttpGet() != null)
                .map(c -> c.getReadinessProbe().getHttpGet().getScheme())
                .findFirst()
                .orElseThrow());
    assertThat(endpoint.getTlsConfig().getInsecureSkipVerify())
        .as("each database's own CA cannot be read from the chart's namespace")
        .isTrue();
    // /prometheus takes the scrape token: the PodMonitor sends the one tokenSecret names (the
    // operator adds the same token to every <db>-metrics).
    assertThat(endpoint.getAuthorization().getType()).isEqualTo("Bearer");
    assertThat(endpoint.getAuthorization().getCredentials().getName()).isEqualTo("scrape-token");
    assertThat(endpoint.getAuthorization().getCredentials().getKey()).isEqualTo("token");
    List<ContainerPort> named =
        pod.getSpec().getContainers().stream()
            .map(Container::getPorts)
            .filter(p -> p != null)
            .flatMap(List::stream)
            .filter(p -> endpoint.getPort().equals(p.getName()))
            .toList();
    assertThat(named)
        .as("container ports named %s", endpoint.getPort())
        .singleElement()
        .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(containerPort));
  }

  private static boolean selects(PodMonitor monitor, PodTemplateSpec pod) {
    return pod.getMetadata()
        .getLabels()
        .entrySet()
        .containsAll(monitor.getSpec().getSelector().getMatchLabels().entrySet());
  }

  private PodMonitor podMonitor(String component) {
    return rendered.all(PodMonitor.class).stream()
        .filter(m -> m.getMetadata().getName().endsWith("-" + component))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no PodMonitor for " + component));
  }

  private Container operatorContainer() {
    return rendered.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
  }
}
