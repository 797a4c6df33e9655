package io.shardeddb.operator.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.api.v1alpha1.StorageSpec;
import io.shardeddb.operator.model.DesiredShard;
import io.shardeddb.operator.status.EventReason;
import io.shardeddb.operator.status.ShardEvent;
import io.shardeddb.operator.status.ShardPhase;
import io.shardeddb.operator.testing.Fixtures;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.Role;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A larger spec.storage.size against an API server (the fabric8 mock server): claims raised and the
 * StatefulSet re-created with its pods orphaned where the class expands, nothing touched and
 * StorageResizeUnsupported where it does not.
 */
@EnableKubernetesMockClient(crud = true)
class VolumeResizerTest {

  private static final String NS = "ns";
  private static final String STS = "students-sh1";

  KubernetesClient client;
  KubernetesMockServer server;

  @Test
  void givenAnExpandableClass_whenTheSpecGrows_thenClaimsGrowAndTheStatefulSetIsReplacedPodsKept()
      throws InterruptedException {
    storageClass("expanding", true);
    StatefulSet sts = statefulSet("1Gi");
    for (int i = 0; i < 3; i++) {
      claim(i, "expanding", "1Gi", "1Gi");
      pod(i);
    }
    ShardedDatabase sdb = students("2Gi");
    VolumeResizer resizer = new VolumeResizer(client);

    VolumeResizer.Result first =
        resizer.resize(
            sdb, List.of(new DesiredShard("sh1", 3)), Map.of(STS, sts), Optional.empty());

    for (int i = 0; i < 3; i++) {
      assertThat(requested(i)).isEqualTo("2Gi");
    }
    List<String> deletes = new java.util.ArrayList<>();
    for (var r = server.takeRequest(1, java.util.concurrent.TimeUnit.SECONDS);
        r != null;
        r = server.takeRequest(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
      if ("DELETE".equals(r.getMethod())) {
        deletes.add(r.getPath() + " " + r.getBody().readUtf8());
      }
    }
    assertThat(deletes)
        .singleElement()
        .asString()
        .contains("/statefulsets/" + STS)
        .contains("\"propagationPolicy\":\"Orphan\"");
    assertThat(client.apps().statefulSets().inNamespace(NS).withName(STS).get()).isNull();
    assertThat(client.pods().inNamespace(NS).list().getItems()).hasSize(3);
    // The workflow leaves the StatefulSet alone until the old one is gone: it is then created
    // with the new template, never again with the old one.
    assertThat(first.shards()).singleElement().satisfies(VolumeResizerTest::heldFor2Gi);
    assertThat(first.condition().status()).isTrue();
    assertThat(first.condition().reason()).isEqualTo("VolumeExpanding");
    assertThat(first.busy()).isTrue();
    assertThat(first.events())
        .extracting(ShardEvent::reason)
        .containsExactly(
            EventReason.VolumeExpansionStarted,
            EventReason.VolumeExpansionStarted,
            EventReason.VolumeExpansionStarted,
            EventReason.StatefulSetRecreated);

    // Next pass: the StatefulSet is gone, so the workflow creates it with 2Gi; the volumes have
    // not grown yet.
    VolumeResizer.Result second =
        resizer.resize(
            sdb, List.of(new DesiredShard("sh1", 3)), Map.of(), Optional.of(asStatus(first)));
    assertThat(second.shards())
        .singleElement()
        .extracting(DesiredShard::volumeSize)
        .isEqualTo("2Gi");
    assertThat(second.condition().reason()).isEqualTo("VolumeExpanding");
    assertThat(second.events()).isEmpty();

    // The driver grew them; one file system waits for the kubelet.
    for (int i = 0; i < 3; i++) {
      claim(i, "expanding", "2Gi", "2Gi");
    }
    setFileSystemPending(2);
    VolumeResizer.Result third =
        resizer.resize(
            sdb,
            List.of(new DesiredShard("sh1", 3)),
            Map.of(STS, statefulSet("2Gi")),
            Optional.of(asStatus(second)));
    assertThat(third.condition().status()).isTrue();
    assertThat(third.condition().reason()).isEqualTo("FileSystemResizePending");
    assertThat(third.condition().message()).contains("data-students-sh1-2");

    claim(2, "expanding", "2Gi", "2Gi");
    VolumeResizer.Result done =
        resizer.resize(
            sdb,
            List.of(new DesiredShard("sh1", 3)),
            Map.of(STS, statefulSet("2Gi")),
            Optional.of(asStatus(third)));
    assertThat(done.condition().status()).isFalse();
    assertThat(done.condition().reason()).isEqualTo("Reconciled");
    assertThat(done.busy()).isFalse();
    assertThat(done.events())
        .extracting(ShardEvent::reason)
        .containsExactly(EventReason.StorageResized);
  }

  @Test
  void givenAClassWithoutExpansion_thenNothingChangesAndTheResizeIsReportedUnsupportedOnce() {
    storageClass("fixed", false);
    StatefulSet sts = statefulSet("1Gi");
    claim(0, "fixed", "1Gi", "1Gi");
    ShardedDatabase sdb = students("2Gi");
    VolumeResizer resizer = new VolumeResizer(client);

    VolumeResizer.Result first =
        resizer.resize(
            sdb, List.of(new DesiredShard("sh1", 1)), Map.of(STS, sts), Optional.empty());

    assertThat(requested(0)).isEqualTo("1Gi");
    assertThat(client.apps().statefulSets().inNamespace(NS).withName(STS).get()).isNotNull();
    assertThat(first.shards())
        .singleElement()
        .extracting(DesiredShard::volumeSize)
        .isEqualTo("1Gi");
    assertThat(first.notTakenUp()).isTrue();
    assertThat(first.condition().status()).isFalse();
    assertThat(first.condition().reason()).isEqualTo("StorageResizeUnsupported");
    assertThat(first.condition().message()).contains("fixed").contains("1Gi").contains("2Gi");
    assertThat(first.events())
        .singleElement()
        .extracting(ShardEvent::reason)
        .isEqualTo(EventReason.StorageResizeUnsupported);

    VolumeResizer.Result again =
        resizer.resize(
            sdb,
            List.of(new DesiredShard("sh1", 1)),
            Map.of(STS, sts),
            Optional.of(asStatus(first)));
    assertThat(again.events()).isEmpty();
  }

  @Test
  void givenAClassWithoutExpansion_aRollingRebuildReplacesOneClaimAndPodAtATimeThePrimaryLast() {
    storageClass("fixed", false);
    for (int i = 0; i < 3; i++) {
      claim(i, "fixed", "1Gi", "5Gi");
      pod(i);
    }
    ShardedDatabase sdb = students("2Gi");
    List<DesiredShard> shards = List.of(new DesiredShard("sh1", 3));
    VolumeResizer resizer = new VolumeResizer(client);

    // The StatefulSet first, orphaning its pods: the claims it makes from now on are 2Gi.
    VolumeResizer.Result first =
        resizer.resize(sdb, shards, Map.of(STS, statefulSet("1Gi")), Optional.empty());
    assertThat(client.apps().statefulSets().inNamespace(NS).withName(STS).get()).isNull();
    assertThat(first.condition().status()).isTrue();
    assertThat(first.condition().reason()).isEqualTo("RollingRebuild");
    assertThat(first.condition().message()).contains("0 of 3").contains("fixed");
    assertThat(first.notTakenUp()).isTrue();
    assertThat(first.busy()).isTrue();
    assertThat(first.events())
        .extracting(ShardEvent::reason)
        .containsExactly(EventReason.StatefulSetRecreated);
    // Nothing is deleted while the StatefulSet is being re-created.
    assertThat(step(resizer, first, "students-sh1-0")).isEmpty();
    assertThat(client.pods().inNamespace(NS).list().getItems()).hasSize(3);

    // p-2 first: its claim and pod deleted.
    VolumeResizer.Result second = pass(resizer, sdb, shards, first);
    assertThat(second.shards())
        .singleElement()
        .extracting(DesiredShard::volumeSize)
        .isEqualTo("2Gi");
    assertThat(second.awaitingVolume("sh1"))
        .containsExactly("students-sh1-0", "students-sh1-1", "students-sh1-2");
    assertThat(step(resizer, second, "students-sh1-0"))
        .hasValueSatisfying(
            e -> {
              assertThat(e.reason()).isEqualTo(EventReason.VolumeRebuildStarted);
              assertThat(e.message()).contains("data-students-sh1-2").contains("0 of 3");
            });
    assertThat(claimOf(2)).isNull();
    assertThat(client.pods().inNamespace(NS).withName(STS + "-2").get()).isNull();

    // Until the StatefulSet has made p-2 again (a 2Gi claim) and it caught up, nothing else.
    VolumeResizer.Result third = pass(resizer, sdb, shards, second);
    assertThat(third.condition().reason()).isEqualTo("RollingRebuild");
    assertThat(step(resizer, third, "students-sh1-0")).isEmpty();
    claim(2, "fixed", "2Gi", "5Gi");
    pod(2);
    VolumeResizer.Result fourth = pass(resizer, sdb, shards, third);
    assertThat(fourth.condition().message()).contains("1 of 3");
    assertThat(step(resizer, fourth, "students-sh1-0", "students-sh1-2")).isEmpty();
    assertThat(claimOf(1)).isNotNull();
    // Caught up: p-1 next.
    assertThat(step(resizer, fourth, "students-sh1-0")).isPresent();
    assertThat(claimOf(1)).isNull();
    claim(1, "fixed", "2Gi", "5Gi");
    pod(1);

    // Only the primary is left: it is not touched, it waits for the planned switch-over.
    VolumeResizer.Result fifth = pass(resizer, sdb, shards, fourth);
    assertThat(fifth.awaitingVolume("sh1")).containsExactly("students-sh1-0");
    assertThat(step(resizer, fifth, "students-sh1-0")).isEmpty();
    assertThat(claimOf(0)).isNotNull();
    // Switched over to p-2: the old primary goes.
    assertThat(step(resizer, fifth, "students-sh1-2")).isPresent();
    assertThat(claimOf(0)).isNull();
    claim(0, "fixed", "2Gi", "5Gi");
    pod(0);

    VolumeResizer.Result done = pass(resizer, sdb, shards, fifth);
    assertThat(done.condition().status()).isFalse();
    assertThat(done.condition().reason()).isEqualTo("Reconciled");
    assertThat(done.notTakenUp()).isFalse();
    assertThat(done.rebuilds()).isEmpty();
    assertThat(done.events())
        .extracting(ShardEvent::reason)
        .containsExactly(EventReason.StorageResized);
  }

  /**
   * The real-cluster tier, 2026-11-25 (step 10): the pass after the StatefulSet was re-created
   * still saw the old one in the informer's cache and deleted the new one with its pods orphaned;
   * the garbage collector raced the new StatefulSet's adoption of the pods and deleted all three,
   * and the shard failed over. The StatefulSet is read again before it is deleted.
   */
  @Test
  void aStaleCacheStillShowingTheOldStatefulSetNeverDeletesTheReCreatedOne() {
    storageClass("fixed", false);
    for (int i = 0; i < 3; i++) {
      claim(i, "fixed", "1Gi", "5Gi");
      pod(i);
    }
    statefulSet("2Gi");
    StatefulSet stale = statefulSet("1Gi");
    statefulSet("2Gi");
    ShardedDatabase sdb = students("2Gi");
    List<DesiredShard> shards = List.of(new DesiredShard("sh1", 3));

    VolumeResizer.Result r =
        new VolumeResizer(client).resize(sdb, shards, Map.of(STS, stale), Optional.empty());

    StatefulSet now = client.apps().statefulSets().inNamespace(NS).withName(STS).get();
    assertThat(now).as("the re-created StatefulSet").isNotNull();
    assertThat(
            now.getSpec()
                .getVolumeClaimTemplates()
                .get(0)
                .getSpec()
                .getResources()
                .getRequests()
                .get("storage"))
        .isEqualTo(new Quantity("2Gi"));
    assertThat(r.events())
        .extracting(ShardEvent::reason)
        .doesNotContain(EventReason.StatefulSetRecreated);
  }

  /**
   * The real-cluster tier, 2026-11-25 (step 10, second run): the pass that saw the old StatefulSet
   * on its way out (orphan deletion: the garbage collector first strips the pods' owner references)
   * gave the workflow a desired StatefulSet with the old template; when the deletion finished
   * during that pass the workflow created it again with the old template, the next pass deleted
   * that one, and so on (StatefulSetRecreated five times), each delete racing the pods' adoption. A
   * StatefulSet on its way out is held: the workflow neither creates, updates nor deletes it, and
   * once it is gone creates it with the new template.
   */
  @Test
  void aStatefulSetOnItsWayOutIsHeldAndNeverCreatedAgainWithTheOldTemplate() {
    storageClass("fixed", false);
    for (int i = 0; i < 3; i++) {
      claim(i, "fixed", "1Gi", "5Gi");
      pod(i);
    }
    StatefulSet going = statefulSet("1Gi");
    going.getMetadata().setDeletionTimestamp("2026-11-25T07:00:00Z");
    ShardedDatabase sdb = students("2Gi");

    VolumeResizer.Result r =
        new VolumeResizer(client)
            .resize(sdb, List.of(new DesiredShard("sh1", 3)), Map.of(STS, going), Optional.empty());

    assertThat(r.shards()).singleElement().satisfies(VolumeResizerTest::heldFor2Gi);
    assertThat(r.condition().reason()).isEqualTo("RollingRebuild");
    assertThat(r.events())
        .extracting(ShardEvent::reason)
        .doesNotContain(EventReason.StatefulSetRecreated);
    // Nothing of the rebuild happens before the new StatefulSet exists.
    assertThat(step(new VolumeResizer(client), r, "students-sh1-0")).isEmpty();
    assertThat(client.pods().inNamespace(NS).list().getItems()).hasSize(3);
  }

  private static void heldFor2Gi(DesiredShard s) {
    assertThat(s.volumeSize()).as("the desired claim template").isEqualTo("2Gi");
    assertThat(s.statefulSetHeld()).as("left alone by the workflow").isTrue();
  }

  @Test
  void aRebuildWhoseConditionWasNeverWrittenIsFoundByTheAppliedSizeStillBeingSmaller() {
    // The StatefulSet was re-created with 2Gi claims but the status write of that pass was lost:
    // no condition, every template at the spec's size, the claims still 1Gi.
    storageClass("fixed", false);
    for (int i = 0; i < 3; i++) {
      claim(i, "fixed", "1Gi", "5Gi");
      pod(i);
    }
    VolumeResizer.Result r =
        new VolumeResizer(client)
            .resize(
                students("2Gi"),
                List.of(new DesiredShard("sh1", 3)),
                Map.of(STS, statefulSet("2Gi")),
                Optional.empty(),
                "1Gi");

    assertThat(r.condition()).isNotNull();
    assertThat(r.condition().reason()).isEqualTo("RollingRebuild");
    assertThat(r.rebuilds()).containsKey("sh1");
    assertThat(r.notTakenUp()).isTrue();
  }

  @Test
  void underExpandOnlyAClassWithoutExpansionIsLeftAsItIs() {
    storageClass("fixed", false);
    for (int i = 0; i < 3; i++) {
      claim(i, "fixed", "1Gi", "5Gi");
      pod(i);
    }
    ShardedDatabase sdb = students("2Gi", StorageSpec.ResizePolicy.ExpandOnly);

    VolumeResizer.Result r =
        new VolumeResizer(client)
            .resize(
                sdb,
                List.of(new DesiredShard("sh1", 3)),
                Map.of(STS, statefulSet("1Gi")),
                Optional.empty());

    assertThat(client.apps().statefulSets().inNamespace(NS).withName(STS).get()).isNotNull();
    assertThat(r.condition().reason()).isEqualTo("StorageResizeUnsupported");
    assertThat(r.condition().message()).contains("ExpandOnly");
    assertThat(r.rebuilds()).isEmpty();
  }

  private VolumeResizer.Result pass(
      VolumeResizer resizer,
      ShardedDatabase sdb,
      List<DesiredShard> shards,
      VolumeResizer.Result before) {
    // The workflow re-created the StatefulSet with the new template.
    return resizer.resize(
        sdb, shards, Map.of(STS, statefulSet("2Gi")), Optional.of(asStatus(before)));
  }

  /** One rebuild step with every pod Ready, {@code primary} primary, and these pods caught up. */
  private Optional<ShardEvent> step(
      VolumeResizer resizer, VolumeResizer.Result r, String primary, String... behind) {
    List<String> lagging = List.of(behind);
    List<VolumeResizePlanner.PodState> pods =
        client.pods().inNamespace(NS).list().getItems().stream()
            .map(p -> p.getMetadata().getName())
            .sorted()
            .map(
                n ->
                    new VolumeResizePlanner.PodState(
                        n,
                        Integer.parseInt(n.substring(n.lastIndexOf('-') + 1)),
                        true,
                        true,
                        false))
            .toList();
    List<ReplicaStatus> replicas =
        pods.stream()
            .map(
                p ->
                    new ReplicaStatus(
                        p.name(),
                        "https://10.0.0." + p.ordinal() + ":8081",
                        p.name().equals(primary) ? Role.Primary : Role.Secondary,
                        !lagging.contains(p.name()),
                        lagging.contains(p.name()) ? ReplicaState.Copying : ReplicaState.Ready,
                        10L,
                        0L,
                        null))
            .toList();
    VolumeResizer.Rebuild rebuild = r.rebuilds().get("sh1");
    if (rebuild == null) {
      return Optional.empty();
    }
    return resizer.rebuild(
        NS,
        rebuild,
        lagging.isEmpty() && pods.size() == 3 ? ShardPhase.Ready : ShardPhase.Copying,
        ShardStatus.builder()
            .id("sh1")
            .epoch(3L)
            .primary(primary)
            .readyReplicas(3)
            .replicas(replicas)
            .voters(3)
            .build(),
        pods);
  }

  private PersistentVolumeClaim claimOf(int ordinal) {
    return client
        .persistentVolumeClaims()
        .inNamespace(NS)
        .withName("data-" + STS + "-" + ordinal)
        .get();
  }

  @Test
  void inLocalModeWithoutClaimsTheTemplateTakesTheNewSizeInPlaceAndTheResizeIsReportedDone() {
    // Local mode: pods, no PersistentVolumeClaims, no StorageClass.
    StatefulSet sts = statefulSet("1Gi");
    pod(0);

    VolumeResizer.Result r =
        new VolumeResizer(client)
            .resize(
                students("2Gi"),
                List.of(new DesiredShard("sh1", 1)),
                Map.of(STS, sts),
                Optional.empty());

    assertThat(client.apps().statefulSets().inNamespace(NS).withName(STS).get()).isNotNull();
    assertThat(r.shards()).singleElement().extracting(DesiredShard::volumeSize).isEqualTo("2Gi");
    assertThat(r.notTakenUp()).isFalse();
    assertThat(r.condition().status()).isFalse();
    assertThat(r.condition().reason()).isEqualTo("Reconciled");
    assertThat(r.condition().message()).contains("2Gi");
  }

  @Test
  void aDatabaseThatNeverResizedGetsNoConditionAndNoApiCall() {
    StatefulSet sts = statefulSet("1Gi");
    int before = server.getRequestCount();

    VolumeResizer.Result r =
        new VolumeResizer(client)
            .resize(
                students("1024Mi"),
                List.of(new DesiredShard("sh1", 3)),
                Map.of(STS, sts),
                Optional.empty());

    assertThat(server.getRequestCount()).isEqualTo(before);
    assertThat(r.condition()).isNull();
    assertThat(r.shards()).singleElement().extracting(DesiredShard::volumeSize).isNull();
  }

  private static Condition asStatus(VolumeResizer.Result r) {
    return new ConditionBuilder()
        .withType(r.condition().type().name())
        .withStatus(r.condition().status() ? "True" : "False")
        .withReason(r.condition().reason())
        .withMessage(r.condition().message())
        .build();
  }

  private ShardedDatabase students(String size) {
    return students(size, null);
  }

  private ShardedDatabase students(String size, StorageSpec.ResizePolicy policy) {
    ShardedDatabase sdb = Fixtures.load("students.yaml", NS);
    ShardedDatabaseSpec s = sdb.getSpec();
    sdb.setSpec(s.toBuilder().storage(new StorageSpec(size, null, policy)).build());
    return sdb;
  }

  private void storageClass(String name, boolean expands) {
    client
        .storage()
        .v1()
        .storageClasses()
        .resource(
            new StorageClassBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withProvisioner("example.com/disk")
                .withAllowVolumeExpansion(expands)
                .build())
        // A create retried under load may find its own first attempt.
        .createOr(c -> c.update());
  }

  private StatefulSet statefulSet(String size) {
    StatefulSet sts =
        new StatefulSetBuilder()
            .withNewMetadata()
            .withName(STS)
            .withNamespace(NS)
            .endMetadata()
            .withNewSpec()
            .withReplicas(3)
            .addNewVolumeClaimTemplate()
            .withNewMetadata()
            .withName("data")
            .endMetadata()
            .withNewSpec()
            .withNewResources()
            .addToRequests("storage", new Quantity(size))
            .endResources()
            .endSpec()
            .endVolumeClaimTemplate()
            .endSpec()
            .build();
    return client.apps().statefulSets().inNamespace(NS).resource(sts).createOr(c -> c.update());
  }

  private void claim(int ordinal, String storageClass, String requested, String capacity) {
    PersistentVolumeClaim c =
        new PersistentVolumeClaimBuilder()
            .withNewMetadata()
            .withName("data-" + STS + "-" + ordinal)
            .withNamespace(NS)
            .endMetadata()
            .withNewSpec()
            .withStorageClassName(storageClass)
            .withNewResources()
            .addToRequests("storage", new Quantity(requested))
            .endResources()
            .endSpec()
            .withNewStatus()
            .withPhase("Bound")
            .addToCapacity("storage", new Quantity(capacity))
            .endStatus()
            .build();
    client.persistentVolumeClaims().inNamespace(NS).resource(c).createOr(x -> x.update());
  }

  private void setFileSystemPending(int ordinal) {
    PersistentVolumeClaim c =
        client
            .persistentVolumeClaims()
            .inNamespace(NS)
            .withName("data-" + STS + "-" + ordinal)
            .get();
    c.getStatus()
        .setConditions(
            List.of(
                new io.fabric8.kubernetes.api.model.PersistentVolumeClaimConditionBuilder()
                    .withType("FileSystemResizePending")
                    .withStatus("True")
                    .build()));
    client.persistentVolumeClaims().inNamespace(NS).resource(c).update();
  }

  private void pod(int ordinal) {
    client
        .pods()
        .inNamespace(NS)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(STS + "-" + ordinal)
                .withNamespace(NS)
                .endMetadata()
                .build())
        .createOr(c -> c.update());
  }

  private String requested(int ordinal) {
    return client
        .persistentVolumeClaims()
        .inNamespace(NS)
        .withName("data-" + STS + "-" + ordinal)
        .get()
        .getSpec()
        .getResources()
        .getRequests()
        .get("storage")
        .toString();
  }
}
