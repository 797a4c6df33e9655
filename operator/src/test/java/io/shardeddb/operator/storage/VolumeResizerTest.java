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
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.api.v1alpha1.StorageSpec;
import io.shardeddb.operator.model.DesiredShard;
import io.shardeddb.operator.status.EventReason;
import io.shardeddb.operator.status.ShardEvent;
import io.shardeddb.operator.testing.Fixtures;
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
    // The old template stays in the desired StatefulSet until the old one is gone.
    assertThat(first.shards())
        .singleElement()
        .extracting(DesiredShard::volumeSize)
        .isEqualTo("1Gi");
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
    assertThat(first.unsupported()).isTrue();
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
    assertThat(r.unsupported()).isFalse();
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
    ShardedDatabase sdb = Fixtures.load("students.yaml", NS);
    ShardedDatabaseSpec s = sdb.getSpec();
    sdb.setSpec(
        new ShardedDatabaseSpec(
            s.schema(),
            s.shards(),
            s.replicas(),
            s.writeQuorum(),
            new StorageSpec(size, null),
            s.resources(),
            s.router(),
            s.failover(),
            null,
            null));
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
