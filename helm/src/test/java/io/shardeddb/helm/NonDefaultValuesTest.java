package io.shardeddb.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * src/test/resources/values/non-default.yaml: a namespaced install without leader election, with a
 * ServiceMonitor, images from a private registry and a named ServiceAccount.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NonDefaultValuesTest {

  private RenderedChart rendered;

  @BeforeAll
  void render() {
    rendered = new ChartUnderTest().render(ChartUnderTest.valuesFile("non-default.yaml"));
  }

  @Test
  void everyRenderedObjectIsAKnownKubernetesKindWithOnlyKnownFields() {
    assertThat(rendered.untyped()).as("objects fabric8 has no model for").isEmpty();
    assertThat(rendered.objects())
        .allSatisfy(
            object ->
                assertThat(UnknownFields.in(object))
                    .as("%s %s", object.getKind(), object.getMetadata().getName())
                    .isEmpty());
  }

  @Test
  void theOperatorIsToldTheTracesCollectorItsDatabasesPodsExportTo() {
    assertThat(env())
        .containsEntry("SHARDEDDB_TRACES_OTLP_ENDPOINT", "http://otel-collector.monitoring:4318");
  }

  @Test
  void theOperatorIsToldWhichNamespacesToWatchAndThatItRunsWithoutLeaderElection() {
    assertThat(env())
        .containsEntry("SHARDEDDB_WATCH_NAMESPACES", "team-a,team-b")
        .containsEntry("SHARDEDDB_LEADER_ELECTION", "false")
        .containsEntry("SHARDEDDB_EXTRA_SETTING", "on");
  }

  @Test
  void withoutLeaderElectionAnUpgradeStopsTheOldOperatorBeforeStartingTheNewOne() {
    assertThat(rendered.one(Deployment.class).getSpec().getStrategy().getType())
        .isEqualTo("Recreate");
    assertThat(rendered.all(Role.class))
        .extracting(r -> r.getMetadata().getName())
        .noneMatch(name -> name.endsWith("leader-election"));
  }

  @Test
  void eachWatchedNamespaceGetsItsOwnRoleBoundToTheOperator() {
    assertThat(rendered.all(Role.class))
        .extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(rendered.all(RoleBinding.class))
        .allSatisfy(
            binding -> {
              assertThat(binding.getSubjects())
                  .singleElement()
                  .satisfies(
                      s -> {
                        assertThat(s.getName()).isEqualTo("sdb-operator");
                        assertThat(s.getNamespace()).isEqualTo(ChartUnderTest.NAMESPACE);
                      });
              assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
            });
  }

  @Test
  void theOperatorAndItsPodsUseTheConfiguredImagesAndPullSecret() {
    Container operator = operatorContainer();
    PodSpec pod = rendered.one(Deployment.class).getSpec().getTemplate().getSpec();

    assertThat(operator.getImage()).isEqualTo("registry.example.com/shardeddb/operator:1.2.3");
    assertThat(operator.getImagePullPolicy()).isEqualTo("Always");
    assertThat(pod.getImagePullSecrets())
        .extracting(LocalObjectReference::getName)
        .containsExactly("registry-credentials");
    assertThat(env())
        .containsEntry(
            "SHARDEDDB_SHARD_SERVER_IMAGE", "registry.example.com/shardeddb/shard-server:1.2.3")
        .containsEntry("SHARDEDDB_ROUTER_IMAGE", "registry.example.com/shardeddb/router:1.2.3")
        .containsEntry("SHARDEDDB_MYSQL_IMAGE", "registry.example.com/mirror/mysql:8.4.3");
  }

  @Test
  void podPlacementResourcesAndServiceAccountFollowTheValues() {
    PodSpec pod = rendered.one(Deployment.class).getSpec().getTemplate().getSpec();
    ServiceAccount serviceAccount = rendered.one(ServiceAccount.class);

    assertThat(pod.getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
    assertThat(pod.getTolerations()).singleElement().extracting("key").isEqualTo("dedicated");
    assertThat(operatorContainer().getResources().getLimits().get("cpu").toString()).isEqualTo("1");
    assertThat(serviceAccount.getMetadata().getName()).isEqualTo("sdb-operator");
    assertThat(serviceAccount.getMetadata().getAnnotations())
        .containsEntry("example.com/owner", "platform-team");
    assertThat(pod.getServiceAccountName()).isEqualTo("sdb-operator");
  }

  @Test
  void theServiceMonitorScrapesTheMetricsServicesPortWithThePrometheusSelectorLabel() {
    ServiceMonitor monitor = rendered.one(ServiceMonitor.class);
    Service service = rendered.one(Service.class);

    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
    assertThat(service.getMetadata().getLabels())
        .containsAllEntriesOf(monitor.getSpec().getSelector().getMatchLabels());
    assertThat(monitor.getSpec().getNamespaceSelector().getMatchNames())
        .containsExactly(ChartUnderTest.NAMESPACE);
    assertThat(monitor.getSpec().getEndpoints())
        .singleElement()
        .satisfies(
            endpoint -> {
              assertThat(endpoint.getPort())
                  .isEqualTo(service.getSpec().getPorts().get(0).getName());
              assertThat(endpoint.getPath()).isEqualTo("/metrics");
              assertThat(endpoint.getInterval()).isEqualTo("15s");
            });
  }

  @Test
  void theServiceMonitorDoesNotAlsoSelectOtherObjectsOfTheRelease() {
    Map<String, String> selector =
        rendered.one(ServiceMonitor.class).getSpec().getSelector().getMatchLabels();
    assertThat(rendered.objects())
        .filteredOn(o -> !(o instanceof Service))
        .map(HasMetadata::getMetadata)
        .noneSatisfy(meta -> assertThat(meta.getLabels()).containsAllEntriesOf(selector));
  }

  private Container operatorContainer() {
    return rendered.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private Map<String, String> env() {
    return operatorContainer().getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }
}
