package io.shardeddb.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.shardeddb.api.Labels;
import io.shardeddb.api.v1alpha1.ImagesSpec;
import io.shardeddb.api.v1alpha1.MysqlSpec;
import io.shardeddb.api.v1alpha1.PodsSpec;
import io.shardeddb.api.v1alpha1.RouterServiceSpec;
import io.shardeddb.api.v1alpha1.RouterSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.operator.testing.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * spec.images, spec.pods, spec.mysql and spec.router.service reach the built objects, added to what
 * the operator sets itself, and change nothing but the pod templates (and the router Service).
 */
class PodSettingsModelTest {

  private final Images images = new Images("ss:1", "rt:1", "my:1");
  private final DesiredShard sh1 = new DesiredShard("sh1", 3);

  private static final Toleration DB_NODES =
      new TolerationBuilder()
          .withKey("dedicated")
          .withOperator("Equal")
          .withValue("db")
          .withEffect("NoSchedule")
          .build();

  private static final Affinity SSD_NODES_AND_NOT_WITH_BATCH =
      new AffinityBuilder()
          .withNewNodeAffinity()
          .withNewRequiredDuringSchedulingIgnoredDuringExecution()
          .addNewNodeSelectorTerm()
          .addNewMatchExpression()
          .withKey("disk")
          .withOperator("In")
          .withValues("ssd")
          .endMatchExpression()
          .endNodeSelectorTerm()
          .endRequiredDuringSchedulingIgnoredDuringExecution()
          .endNodeAffinity()
          .withNewPodAntiAffinity()
          .addNewPreferredDuringSchedulingIgnoredDuringExecution()
          .withWeight(50)
          .withNewPodAffinityTerm()
          .withNewLabelSelector()
          .withMatchLabels(Map.of("app", "batch"))
          .endLabelSelector()
          .withTopologyKey("kubernetes.io/hostname")
          .endPodAffinityTerm()
          .endPreferredDuringSchedulingIgnoredDuringExecution()
          .endPodAntiAffinity()
          .build();

  static final PodsSpec PODS =
      new PodsSpec(
          Map.of("mesh.example.com/inject", "false"),
          Map.of("pool", "databases"),
          List.of(DB_NODES),
          SSD_NODES_AND_NOT_WITH_BATCH,
          "database-critical");

  private DatabaseModel students(UnaryOperator<ShardedDatabaseSpec> change) {
    ShardedDatabase sdb = Fixtures.load("students.yaml", "ns");
    sdb.setSpec(change.apply(sdb.getSpec()));
    return DatabaseModel.of(sdb, images);
  }

  private static Container container(PodSpec pod, String name) {
    return pod.getContainers().stream()
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void shardPodsCarryTheUsersTolerationsNodeSelectorAnnotationsAndPriorityClass() {
    StatefulSet sts = ShardModel.statefulSet(students(s -> s.withPods(PODS)), sh1);
    PodSpec pod = sts.getSpec().getTemplate().getSpec();

    assertThat(pod.getTolerations()).containsExactly(DB_NODES);
    assertThat(pod.getNodeSelector()).isEqualTo(Map.of("pool", "databases"));
    assertThat(pod.getPriorityClassName()).isEqualTo("database-critical");
    assertThat(sts.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("mesh.example.com/inject", "false");
  }

  @Test
  void theUsersAffinityIsAddedToTheOperatorsAntiAffinityNotInsteadOfIt() {
    PodSpec pod =
        ShardModel.statefulSet(students(s -> s.withPods(PODS)), sh1)
            .getSpec()
            .getTemplate()
            .getSpec();

    Affinity affinity = pod.getAffinity();
    assertThat(affinity.getNodeAffinity())
        .isEqualTo(SSD_NODES_AND_NOT_WITH_BATCH.getNodeAffinity());
    // The operator's rule: never two replicas of sh1 on one node (placement.replicaSpread
    // Required).
    assertThat(affinity.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
              assertThat(t.getLabelSelector().getMatchLabels()).containsEntry(Labels.SHARD, "sh1");
            });
    assertThat(affinity.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.getPodAffinityTerm().getLabelSelector().getMatchLabels())
                    .isEqualTo(Map.of("app", "batch")));
  }

  @Test
  void routerPodsCarryTheSameSettingsAndTheServiceTheRequestedType() {
    DatabaseModel db =
        students(
            s ->
                s.withPods(PODS)
                    .withRouter(
                        new RouterSpec(
                            null,
                            null,
                            new RouterServiceSpec(
                                RouterServiceSpec.Type.LoadBalancer,
                                Map.of("lb.example.com/internal", "true")))));
    Deployment router = RouterModel.deployment(db);
    PodSpec pod = router.getSpec().getTemplate().getSpec();
    Service service = RouterModel.service(db);

    assertThat(pod.getTolerations()).containsExactly(DB_NODES);
    assertThat(pod.getNodeSelector()).isEqualTo(Map.of("pool", "databases"));
    assertThat(pod.getPriorityClassName()).isEqualTo("database-critical");
    assertThat(pod.getAffinity()).isEqualTo(SSD_NODES_AND_NOT_WITH_BATCH);
    assertThat(router.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("mesh.example.com/inject", "false");
    assertThat(service.getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(service.getMetadata().getAnnotations())
        .containsEntry("lb.example.com/internal", "true");
  }

  @Test
  void withoutSettingsTheRouterServiceIsClusterIpAndNoSettingsAreAdded() {
    DatabaseModel db = students(s -> s);
    PodSpec shardPod = ShardModel.statefulSet(db, sh1).getSpec().getTemplate().getSpec();

    assertThat(RouterModel.service(db).getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(shardPod.getTolerations()).isEmpty();
    assertThat(shardPod.getNodeSelector()).isNullOrEmpty();
    assertThat(shardPod.getPriorityClassName()).isNull();
    assertThat(ShardModel.statefulSet(db, sh1).getMetadata().getAnnotations())
        .doesNotContainKey(Labels.SETTINGS_DIGEST);
  }

  @Test
  void perDatabaseImagesReplaceTheOperatorsOneByOne() {
    DatabaseModel db =
        students(s -> s.withImages(new ImagesSpec("reg/shard-server:2", null, "mysql:9")));
    PodSpec pod = ShardModel.statefulSet(db, sh1).getSpec().getTemplate().getSpec();

    assertThat(container(pod, "shard-server").getImage()).isEqualTo("reg/shard-server:2");
    assertThat(container(pod, "mysql").getImage()).isEqualTo("mysql:9");
    assertThat(RouterModel.deployment(db).getSpec().getTemplate().getSpec().getContainers())
        .singleElement()
        .satisfies(c -> assertThat(c.getImage()).isEqualTo("rt:1"));
  }

  @Test
  void mysqlParametersBecomeServerArgumentsAndAGivenBufferPoolReplacesTheComputedOne() {
    DatabaseModel db =
        students(
            s ->
                s.withMysql(
                    new MysqlSpec(
                        Map.of("max_connections", "300", "innodb_buffer_pool_size", "300M"))));
    List<String> args =
        container(ShardModel.statefulSet(db, sh1).getSpec().getTemplate().getSpec(), "mysql")
            .getArgs();

    assertThat(args)
        .contains(
            "--bind-address=127.0.0.1",
            "--skip-log-bin",
            "--innodb_buffer_pool_size=300M",
            "--max_connections=300");
    assertThat(args).noneMatch(a -> a.startsWith("--innodb-buffer-pool-size="));
  }

  @Test
  void aSettingsChangeChangesThePodTemplateAndNothingElseOfTheStatefulSet() {
    StatefulSet before = ShardModel.statefulSet(students(s -> s), sh1);
    StatefulSet after =
        ShardModel.statefulSet(
            students(
                s ->
                    s.withPods(PODS)
                        .withImages(new ImagesSpec("ss:2", null, null))
                        .withMysql(new MysqlSpec(Map.of("max_connections", "300")))),
            sh1);

    assertThat(after.getSpec().getTemplate()).isNotEqualTo(before.getSpec().getTemplate());
    // Everything a StatefulSet cannot change (selector, claims, service name) or the roll relies
    // on (OnDelete: the operator rolls secondaries first, RollPlanner) stays as it was.
    assertThat(after.getSpec().getSelector()).isEqualTo(before.getSpec().getSelector());
    assertThat(after.getSpec().getVolumeClaimTemplates())
        .isEqualTo(before.getSpec().getVolumeClaimTemplates());
    assertThat(after.getSpec().getServiceName()).isEqualTo(before.getSpec().getServiceName());
    assertThat(after.getSpec().getReplicas()).isEqualTo(before.getSpec().getReplicas());
    assertThat(after.getSpec().getUpdateStrategy().getType()).isEqualTo("OnDelete");
    assertThat(after.getSpec().getTemplate().getMetadata().getLabels())
        .isEqualTo(before.getSpec().getTemplate().getMetadata().getLabels());
    var beforeSpec = Serialization.clone(before.getSpec());
    beforeSpec.setTemplate(null);
    var afterSpec = Serialization.clone(after.getSpec());
    afterSpec.setTemplate(null);
    assertThat(afterSpec).isEqualTo(beforeSpec);
  }

  @Test
  void removingEverySettingChangesTheDigestSoTheDependentWritesTheRemoval() {
    StatefulSet with = ShardModel.statefulSet(students(s -> s.withPods(PODS)), sh1);
    StatefulSet without = ShardModel.statefulSet(students(s -> s), sh1);

    assertThat(with.getMetadata().getAnnotations()).containsKey(Labels.SETTINGS_DIGEST);
    assertThat(without.getMetadata().getAnnotations()).doesNotContainKey(Labels.SETTINGS_DIGEST);
    assertThat(
            RouterModel.deployment(students(s -> s.withPods(PODS))).getMetadata().getAnnotations())
        .containsKey(Labels.SETTINGS_DIGEST);
  }

  @Test
  void theExampleOfEverySettingBuildsWhatItsCommentsSay() {
    DatabaseModel tuned = DatabaseModel.of(Fixtures.load("pod-settings.yaml", "ns"), images);
    StatefulSet sts = ShardModel.statefulSet(tuned, sh1);
    PodSpec pod = sts.getSpec().getTemplate().getSpec();

    assertThat(container(pod, "shard-server").getImage())
        .isEqualTo("registry.example.com/shardeddb/shard-server:0.1.1");
    assertThat(container(pod, "mysql").getImage()).isEqualTo("mysql:8.4.3");
    assertThat(container(pod, "mysql").getArgs())
        .contains("--max_connections=300", "--slow_query_log=ON", "--long_query_time=0.5");
    assertThat(pod.getTolerations()).extracting(Toleration::getKey).containsExactly("dedicated");
    assertThat(pod.getPriorityClassName()).isEqualTo("database-critical");
    assertThat(pod.getAffinity().getNodeAffinity()).isNotNull();
    assertThat(
            pod.getAffinity()
                .getPodAntiAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution())
        .hasSize(1);
    assertThat(RouterModel.service(tuned).getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(RouterModel.deployment(tuned).getSpec().getTemplate().getSpec().getContainers())
        .singleElement()
        .satisfies(c -> assertThat(c.getImage()).isEqualTo("rt:1"));
  }
}
