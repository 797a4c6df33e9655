package io.shardeddb.helm;

import static io.shardeddb.helm.ChartUnderTest.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.shardeddb.api.Labels;
import io.shardeddb.operator.OperatorSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** `helm install` with no values: what gets created, and how the operator pod is configured. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DefaultInstallTest {

  private RenderedChart rendered;

  @BeforeAll
  void render() {
    rendered = new ChartUnderTest().render();
  }

  @Test
  void theOperatorPodAdmitsNoIngressWithoutAScraper() {
    var policy =
        rendered.all(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class).get(0);
    Deployment operator = rendered.all(Deployment.class).get(0);
    assertThat(policy.getSpec().getPodSelector().getMatchLabels())
        .isEqualTo(operator.getSpec().getSelector().getMatchLabels());
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
    assertThat(policy.getSpec().getIngress()).isEmpty();
  }

  @Test
  void itCreatesTheCrdsTheOperatorItsIdentityRbacMetricsServiceAndRouterPolicyAndNothingElse() {
    assertThat(rendered.objects())
        .extracting(HasMetadata::getKind)
        .containsExactlyInAnyOrder(
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Role",
            "RoleBinding",
            "Role",
            "RoleBinding",
            "Service",
            "Deployment",
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding",
            "NetworkPolicy",
            // ShardedDatabase and ShardedDatabaseBackup (templates/crds.yaml, CrdInChartTest).
            "CustomResourceDefinition",
            "CustomResourceDefinition");
    assertThat(rendered.all(ServiceMonitor.class)).isEmpty();
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
  void everyNamespacedObjectLivesInTheReleaseNamespace() {
    assertThat(rendered.objects())
        .filteredOn(
            o ->
                !(o instanceof ClusterRole
                    || o instanceof ClusterRoleBinding
                    || o instanceof ValidatingAdmissionPolicy
                    || o instanceof ValidatingAdmissionPolicyBinding
                    || o instanceof CustomResourceDefinition))
        .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo(NAMESPACE));
  }

  @Test
  void everyObjectCarriesTheStandardLabels() {
    assertThat(rendered.objects())
        .allSatisfy(
            o ->
                assertThat(o.getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/name", "shardeddb-operator")
                    .containsEntry("app.kubernetes.io/instance", ChartUnderTest.RELEASE)
                    .containsEntry("app.kubernetes.io/part-of", "shardeddb")
                    .containsKeys("app.kubernetes.io/version", "app.kubernetes.io/component"));
  }

  @Test
  void oneOperatorPodRunsTheChartsOwnImageUnderItsServiceAccount() {
    Deployment deployment = rendered.one(Deployment.class);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
    // No surge: an upgrade must not need room for a second pod on a full node.
    assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal())
        .isZero();
    assertThat(
            deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isEqualTo(1);
    assertThat(operatorContainer().getImage()).isEqualTo("shardeddb/operator:0.1.0");
    assertThat(operatorContainer().getImagePullPolicy()).isEqualTo("IfNotPresent");
    assertThat(pod.getServiceAccountName())
        .isEqualTo(rendered.one(ServiceAccount.class).getMetadata().getName());
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void theOperatorPodCarriesTheLabelTheShardNetworkPoliciesAdmit() {
    for (RenderedChart any :
        List.of(
            rendered, new ChartUnderTest().render(ChartUnderTest.valuesFile("non-default.yaml")))) {
      assertThat(any.one(Deployment.class).getSpec().getTemplate().getMetadata().getLabels())
          .as("without it the operator cannot reach /heartbeat and /role on shard pods")
          .containsAllEntriesOf(Labels.OPERATOR_POD);
    }
  }

  @Test
  void theOperatorWatchesOnlyItsOwnNamespaceWithLeaderElectionAndTheDefaultImages() {
    assertThat(env())
        .containsEntry("SHARDEDDB_WATCH_NAMESPACES", NAMESPACE)
        .containsEntry("SHARDEDDB_LEADER_ELECTION", "true")
        .containsEntry("SHARDEDDB_SHARD_SERVER_IMAGE", "shardeddb/shard-server:0.1.0")
        .containsEntry("SHARDEDDB_ROUTER_IMAGE", "shardeddb/router:0.1.0")
        .containsEntry("SHARDEDDB_MYSQL_IMAGE", "mysql:8.4");
    EnvVar leaseNamespace =
        operatorContainer().getEnv().stream()
            .filter(e -> e.getName().equals("SHARDEDDB_LEASE_NAMESPACE"))
            .findFirst()
            .orElseThrow();
    assertThat(leaseNamespace.getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.namespace");
    EnvVar podNamespace =
        operatorContainer().getEnv().stream()
            .filter(e -> e.getName().equals("POD_NAMESPACE"))
            .findFirst()
            .orElseThrow();
    assertThat(podNamespace.getValueFrom().getFieldRef().getFieldPath())
        .as("shard NetworkPolicies admit the operator from its own namespace")
        .isEqualTo("metadata.namespace");
  }

  @Test
  void theOperatorRunsAsNonRootWithNoPrivilegeEscalationAndAReadOnlyRootFilesystem() {
    PodSpec pod = rendered.one(Deployment.class).getSpec().getTemplate().getSpec();
    var container = operatorContainer().getSecurityContext();

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(container.getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(operatorContainer().getVolumeMounts())
        .anySatisfy(mount -> assertThat(mount.getMountPath()).isEqualTo("/tmp"));
  }

  @Test
  void probesAndTheMetricsServiceUseTheOperatorsHealthAndMetricsPort() {
    Container container = operatorContainer();
    Service service = rendered.one(Service.class);

    assertThat(container.getPorts())
        .singleElement()
        .satisfies(
            port -> {
              assertThat(port.getName()).isEqualTo("metrics");
              assertThat(port.getContainerPort())
                  .isEqualTo(OperatorSettings.DEFAULT_MANAGEMENT_PORT);
            });
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health/liveness");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/readiness");
    assertThat(container.getLivenessProbe().getHttpGet().getPort().getStrVal())
        .isEqualTo("metrics");
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKey("memory");

    assertThat(service.getMetadata().getName()).isEqualTo("shardeddb-operator-metrics");
    assertThat(service.getSpec().getPorts())
        .singleElement()
        .satisfies(
            port -> {
              assertThat(port.getPort()).isEqualTo(OperatorSettings.DEFAULT_MANAGEMENT_PORT);
              assertThat(port.getTargetPort().getStrVal()).isEqualTo("metrics");
            });
    assertThat(rendered.one(Deployment.class).getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(service.getSpec().getSelector());
  }

  @Test
  void everyRoleIsBoundToTheOperatorsServiceAccountInTheReleaseNamespace() {
    String serviceAccount = rendered.one(ServiceAccount.class).getMetadata().getName();
    ClusterRoleBinding clusterBinding = rendered.one(ClusterRoleBinding.class);

    assertThat(clusterBinding.getRoleRef().getName())
        .isEqualTo(rendered.one(ClusterRole.class).getMetadata().getName());
    assertThat(Grant.ofRules(rendered.one(ClusterRole.class).getRules()))
        .extracting(Grant::resource)
        .as("by default only what a Role cannot hold is cluster-wide")
        .containsOnly("nodes", "storageclasses");
    List<io.fabric8.kubernetes.api.model.rbac.Subject> subjects =
        new ArrayList<>(clusterBinding.getSubjects());
    rendered.all(RoleBinding.class).forEach(b -> subjects.addAll(b.getSubjects()));
    assertThat(subjects)
        .allSatisfy(
            s -> {
              assertThat(s.getName()).isEqualTo(serviceAccount);
              assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
            });
    assertThat(rendered.all(Role.class))
        .allSatisfy(r -> assertThat(r.getMetadata().getNamespace()).isEqualTo(NAMESPACE));
    assertThat(rendered.all(Role.class))
        .extracting(r -> Grant.ofRules(r.getRules()).stream().map(Grant::resource).toList())
        .anySatisfy(resources -> assertThat(resources).containsOnly("leases"))
        .anySatisfy(resources -> assertThat(resources).contains("secrets", "statefulsets"));
  }

  private Container operatorContainer() {
    return rendered.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(c -> c.getName().equals("operator"))
        .findFirst()
        .orElseThrow();
  }

  private Map<String, String> env() {
    return operatorContainer().getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }
}
