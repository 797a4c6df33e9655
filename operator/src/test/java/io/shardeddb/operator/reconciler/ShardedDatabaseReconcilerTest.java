package io.shardeddb.operator.reconciler;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.shardeddb.api.Labels;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.AppliedSpec;
import io.shardeddb.api.v1alpha1.FailoverSpec;
import io.shardeddb.api.v1alpha1.MovePhase;
import io.shardeddb.api.v1alpha1.ReplicaStatus;
import io.shardeddb.api.v1alpha1.ShardSpec;
import io.shardeddb.api.v1alpha1.ShardStatus;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.operator.OperatorSettings;
import io.shardeddb.operator.ShardedDbOperator;
import io.shardeddb.operator.testing.ClusterSimulator;
import io.shardeddb.operator.testing.FakeShardFleet;
import io.shardeddb.operator.testing.FakeShardServer;
import io.shardeddb.operator.testing.Fixtures;
import io.shardeddb.protocol.shard.RangeChangeResponse;
import io.shardeddb.protocol.shard.ReplicaState;
import io.shardeddb.protocol.topology.PointRange;
import io.shardeddb.protocol.topology.Role;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator against the fabric8 mock API server (CRUD mode) with fake shard-servers over real
 * HTTP: the test plays the StatefulSet controller and the kubelet by creating pods and flipping
 * their readiness.
 */
@EnableKubernetesMockClient(crud = true)
class ShardedDatabaseReconcilerTest {

  private static final String NS = "test";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  KubernetesClient client;
  KubernetesMockServer server;
  private FakeShardFleet fleet;
  private ShardedDbOperator operator;
  private ClusterSimulator cluster;

  @BeforeEach
  void startOperator() throws Exception {
    try (InputStream crd = Files.newInputStream(Fixtures.generatedCrd())) {
      client.apiextensions().v1().customResourceDefinitions().load(crd).create();
    }
    fleet = new FakeShardFleet();
    operator = new ShardedDbOperator(client, OperatorSettings.inProcess(Map.of(), fleet));
    operator.start();
    cluster = new ClusterSimulator(client, fleet, NS);
  }

  @AfterEach
  void stopOperator() {
    operator.stop();
    fleet.close();
  }

  @Test
  void reconcilingTheStudentsExampleCreatesEveryOwnedResourceLabelledOwnedAndLockedDown() {
    ShardedDatabase sdb = apply(Fixtures.load("students.yaml", NS));

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(client.apps().statefulSets().inNamespace(NS).list().getItems())
                  .extracting(s -> s.getMetadata().getName())
                  .containsExactlyInAnyOrder(
                      "students-sh1", "students-sh2", "students-sh3", "students-sh4");
              assertThat(
                      client.apps().deployments().inNamespace(NS).withName("students-router").get())
                  .isNotNull();
              assertThat(client.services().inNamespace(NS).list().getItems()).hasSize(5);
              assertThat(
                      client
                          .resources(
                              io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class)
                          .inNamespace(NS)
                          .list()
                          .getItems())
                  // one per shard and the routers' own
                  .hasSize(5);
              assertThat(client.network().v1().networkPolicies().inNamespace(NS).list().getItems())
                  .hasSize(5);
              assertThat(client.configMaps().inNamespace(NS).withName("students-config").get())
                  .isNotNull();
              assertThat(client.secrets().inNamespace(NS).withName("students-router-token").get())
                  .isNotNull();
              assertThat(client.secrets().inNamespace(NS).withName("students-mysql").get())
                  .isNotNull();
              assertThat(client.secrets().inNamespace(NS).withName("students-shard-auth").get())
                  .isNotNull();
              assertThat(client.serviceAccounts().inNamespace(NS).withName("students-router").get())
                  .isNotNull();
              assertThat(client.rbac().roles().inNamespace(NS).withName("students-router").get())
                  .isNotNull();
              assertThat(
                      client
                          .rbac()
                          .roleBindings()
                          .inNamespace(NS)
                          .withName("students-router")
                          .get())
                  .isNotNull();
            });

    List<HasMetadata> owned = new java.util.ArrayList<>();
    owned.addAll(client.apps().statefulSets().inNamespace(NS).list().getItems());
    owned.addAll(client.apps().deployments().inNamespace(NS).list().getItems());
    owned.addAll(client.services().inNamespace(NS).list().getItems());
    owned.addAll(
        client
            .resources(io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class)
            .inNamespace(NS)
            .list()
            .getItems());
    owned.addAll(client.network().v1().networkPolicies().inNamespace(NS).list().getItems());
    owned.addAll(client.secrets().inNamespace(NS).list().getItems());
    owned.addAll(
        client.configMaps().inNamespace(NS).withLabel(Labels.MANAGED_BY).list().getItems());
    owned.add(client.serviceAccounts().inNamespace(NS).withName("students-router").get());
    owned.add(client.rbac().roles().inNamespace(NS).withName("students-router").get());
    owned.add(client.rbac().roleBindings().inNamespace(NS).withName("students-router").get());
    String uid = current("students").getMetadata().getUid();
    for (HasMetadata r : owned) {
      assertThat(r.getMetadata().getOwnerReferences())
          .as("owner of %s %s", r.getKind(), r.getMetadata().getName())
          .extracting(OwnerReference::getKind, OwnerReference::getName, OwnerReference::getUid)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("ShardedDatabase", "students", uid));
      assertThat(r.getMetadata().getLabels())
          .as("labels of %s %s", r.getKind(), r.getMetadata().getName())
          .containsEntry(Labels.MANAGED_BY, Labels.OPERATOR)
          .containsEntry(Labels.INSTANCE, "students")
          .containsEntry(Labels.NAME, "shardeddb")
          .containsKey(Labels.COMPONENT);
    }
    StatefulSet sh1 = client.apps().statefulSets().inNamespace(NS).withName("students-sh1").get();
    var pod = sh1.getSpec().getTemplate().getSpec();
    assertThat(sh1.getSpec().getReplicas()).isEqualTo(3);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getContainers())
        .allSatisfy(
            c -> assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse());
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(status("students").condition("Ready"))
                    .hasValueSatisfying(
                        c -> {
                          assertThat(c.getStatus()).isEqualTo("False");
                          assertThat(c.getReason()).isEqualTo("BringingUp");
                        }));
  }

  @Test
  void whenShardPodsComeUpTheOperatorConfiguresThemMakesPodZeroPrimaryAtEpochOneAndReportsReady() {
    apply(singleShard("db1", 3));
    List<String> pods = awaitPods("db1-sh1");

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(fleet.replica("db1-sh1-0").role()).isEqualTo(Role.Primary);
              assertThat(fleet.replica("db1-sh1-1").role()).isEqualTo(Role.Secondary);
              assertThat(fleet.replica("db1-sh1-2").role()).isEqualTo(Role.Secondary);
            });
    assertThat(fleet.replica("db1-sh1-1").lastConfig().shards()).containsExactly("sh1");
    assertThat(fleet.replica("db1-sh1-1").lastConfig().shardKey()).isEqualTo("Stud_id");
    assertThat(fleet.replica("db1-sh1-1").lastRole().epoch()).isEqualTo(1);
    assertThat(fleet.replica("db1-sh1-1").lastRole().peers()).hasSize(3);
    assertThat(fleet.replica("db1-sh1-1").lastRole().primary().name()).isEqualTo("db1-sh1-0");

    cluster.allReady(pods);
    cluster.routerReady("db1-router", 1);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              ShardedDatabase now = current("db1");
              assertThat(status("db1").condition("Ready"))
                  .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
              ShardStatus shard = now.getStatus().shard("sh1").orElseThrow();
              assertThat(shard.primary()).isEqualTo("db1-sh1-0");
              assertThat(shard.epoch()).isEqualTo(1);
              assertThat(shard.readyReplicas()).isEqualTo(3);
              assertThat(shard.replicas())
                  .extracting(ReplicaStatus::pod, ReplicaStatus::role)
                  .containsExactly(
                      org.assertj.core.groups.Tuple.tuple("db1-sh1-0", Role.Primary),
                      org.assertj.core.groups.Tuple.tuple("db1-sh1-1", Role.Secondary),
                      org.assertj.core.groups.Tuple.tuple("db1-sh1-2", Role.Secondary));
              assertThat(shard.replicas().get(0).url())
                  .as("TLS by default: the operator calls shard-servers over HTTPS")
                  .matches("https://127\\.0\\.\\d+\\.\\d+:8081");
              assertThat(now.getStatus().router().endpoint())
                  .isEqualTo("https://db1-router.test.svc:8080");
              assertThat(now.getStatus().observedGeneration())
                  .isEqualTo(now.getMetadata().getGeneration());
            });
    assertThat(events("ShardBroughtUp")).isNotEmpty();
  }

  @Test
  void theShardCredentialIsGeneratedOnceMountedIntoShardAndRouterPodsAndSentByTheOperator() {
    apply(singleShard("db9", 3));
    List<String> pods = awaitPods("db9-sh1");
    Secret generated =
        await()
            .atMost(TIMEOUT)
            .until(
                () -> client.secrets().inNamespace(NS).withName("db9-shard-auth").get(),
                s -> s != null && s.getData() != null && s.getData().get("token") != null);
    String token = new String(Base64.getDecoder().decode(generated.getData().get("token")), UTF_8);
    assertThat(token).hasSizeGreaterThanOrEqualTo(32);

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(fleet.replica("db9-sh1-0").authorizations())
                    .contains("Bearer " + token));
    // Replicas are called one after the other: sh1-1's first call with the credential may come a
    // moment after sh1-0's (under load, a pass later). Once one carried it, every later one does.
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(fleet.replica("db9-sh1-1").authorizations())
                    .contains("Bearer " + token));
    List<String> calls = fleet.replica("db9-sh1-1").authorizations();
    assertThat(calls.subList(calls.indexOf("Bearer " + token), calls.size()))
        .as("every call the operator makes carries the credential once it is known")
        .containsOnly("Bearer " + token);

    StatefulSet sts = client.apps().statefulSets().inNamespace(NS).withName("db9-sh1").get();
    assertThat(sts.getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> v.getSecret() != null)
        .anySatisfy(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("db9-shard-auth"))
        .anySatisfy(
            v -> assertThat(v.getSecret().getSecretName()).isEqualTo("db9-shard-data-auth"));
    Secret data =
        await()
            .atMost(TIMEOUT)
            .until(
                () -> client.secrets().inNamespace(NS).withName("db9-shard-data-auth").get(),
                s -> s != null && s.getData() != null && s.getData().get("token") != null);
    assertThat(data.getData().get("token")).isNotEqualTo(generated.getData().get("token"));
    // Routers hold the data credential only (besides their own tokens and TLS identity).
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .apps()
                            .deployments()
                            .inNamespace(NS)
                            .withName("db9-router")
                            .get()
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getVolumes())
                    .filteredOn(v -> v.getSecret() != null && !v.getName().equals("tls"))
                    .extracting(v -> v.getSecret().getSecretName())
                    .containsExactlyInAnyOrder(
                        "db9-shard-data-auth", "db9-router-token", "db9-metrics"));
    // The scrape credential the pods' /prometheus takes: generated, and mounted by both.
    assertThat(
            await()
                .atMost(TIMEOUT)
                .until(
                    () -> client.secrets().inNamespace(NS).withName("db9-metrics").get(),
                    s -> s != null && s.getData() != null && s.getData().get("token") != null))
        .satisfies(
            s ->
                assertThat(s.getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/component", "metrics-auth"));
    assertThat(sts.getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> v.getSecret() != null)
        .anySatisfy(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("db9-metrics"));

    // A rotation in progress: the administrator adds a key. Later passes keep it and the token.
    client
        .secrets()
        .inNamespace(NS)
        .withName("db9-shard-auth")
        .edit(
            s -> {
              s.getData().put("next", Base64.getEncoder().encodeToString("n".getBytes(UTF_8)));
              return s;
            });
    cluster.allReady(pods);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              Secret now = client.secrets().inNamespace(NS).withName("db9-shard-auth").get();
              assertThat(now.getData())
                  .containsEntry("token", generated.getData().get("token"))
                  .containsKey("next");
            });
  }

  @Test
  void whenThePrimaryStaysUnavailableTheMostUpToDateReplicaIsPromotedAtTheNextEpoch() {
    apply(singleShard("db2", 3));
    List<String> pods = awaitPods("db2-sh1");
    fleet.replica("db2-sh1-0").holding(12, 1, 12);
    fleet.replica("db2-sh1-1").holding(10, 1, 10);
    fleet.replica("db2-sh1-2").holding(12, 1, 12);
    awaitReady("db2", pods);

    fleet.replica("db2-sh1-0").kill();
    cluster.setReady("db2-sh1-0", false);

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              ShardStatus shard = status("db2").shard("sh1").orElseThrow();
              assertThat(shard.primary()).isEqualTo("db2-sh1-2");
              assertThat(shard.epoch()).isEqualTo(2);
            });
    assertThat(fleet.replica("db2-sh1-2").role()).isEqualTo(Role.Primary);
    assertThat(fleet.replica("db2-sh1-2").epoch()).isEqualTo(2);
    assertThat(fleet.replica("db2-sh1-1").role()).isEqualTo(Role.Secondary);
    assertThat(fleet.replica("db2-sh1-1").lastRole().primary().name()).isEqualTo("db2-sh1-2");
    assertThat(events("FailoverCompleted"))
        .anySatisfy(e -> assertThat(e.getMessage()).contains("promoted db2-sh1-2"));
  }

  @Test
  void anOldPrimaryStillAcknowledgingWithOneSecondaryLosesNothingTheNewPrimaryHoldsItsEntries() {
    apply(singleShard("db11", 3));
    List<String> pods = awaitPods("db11-sh1");
    fleet.replica("db11-sh1-0").holding(20, 1, 20);
    fleet.replica("db11-sh1-1").holding(20, 1, 20);
    fleet.replica("db11-sh1-2").holding(10, 1, 10);
    awaitReady("db11", pods);

    // The primary is cut off from the operator only. It keeps acknowledging writes 11..25 with
    // sh1-2 (a majority: primary + sh1-2), which every heartbeat of sh1-2 shows too late.
    fleet.replica("db11-sh1-2").acknowledgingUnseen(15);
    fleet.replica("db11-sh1-0").cutOffFromOperator();

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> assertThat(status("db11").shard("sh1").orElseThrow().epoch()).isGreaterThan(1));
    ShardStatus shard = status("db11").shard("sh1").orElseThrow();
    assertThat(shard.primary()).isEqualTo("db11-sh1-2");
    assertThat(fleet.replica("db11-sh1-2").role()).isEqualTo(Role.Primary);
    assertThat(fleet.replica("db11-sh1-2").appliedLsn()).isEqualTo(25);
    // Both survivors persisted the new epoch before anyone was chosen.
    assertThat(fleet.replica("db11-sh1-1").fencedAt()).contains(shard.epoch());
    assertThat(fleet.replica("db11-sh1-2").fencedAt()).contains(shard.epoch());
    assertThat(fleet.replica("db11-sh1-1").lastRole().primary().name()).isEqualTo("db11-sh1-2");
  }

  @Test
  void withoutAMajorityOfReplicasAnsweringNoNewPrimaryIsElected() {
    List<String> pods = readySingleShard("db3", 3);
    // The survivor holds the shard's data (an empty log would not count toward any majority).
    fleet.replica("db3-sh1-2").holding(40, 1, 39);

    fleet.replica("db3-sh1-0").kill();
    fleet.replica("db3-sh1-1").kill();
    cluster.setReady("db3-sh1-0", false);
    cluster.setReady("db3-sh1-1", false);

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(status("db3").condition("Degraded"))
                    .hasValueSatisfying(
                        c -> {
                          assertThat(c.getStatus()).isEqualTo("True");
                          assertThat(c.getReason()).isEqualTo("NoQuorum");
                          assertThat(c.getMessage()).contains("only 1 of 3 replicas answered");
                        }));
    ShardStatus shard = current("db3").getStatus().shard("sh1").orElseThrow();
    assertThat(shard.primary()).isEqualTo("db3-sh1-0");
    assertThat(shard.epoch()).isEqualTo(1);
    // The lone survivor is not fenced (a fence that cannot reach a majority would only raise its
    // epoch every pass) and never promoted.
    assertThat(fleet.replica("db3-sh1-2").role()).isEqualTo(Role.Secondary);
    assertThat(fleet.replica("db3-sh1-2").fencedAt()).isEmpty();
    assertThat(fleet.replica("db3-sh1-2").lastRole().epoch()).isEqualTo(1);
    assertThat(events("FailoverBlocked"))
        .singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains("a new primary needs 2"));
    assertThat(current("db3").getStatus().condition("Ready"))
        .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("False"));
  }

  @Test
  void aCrashLoopingPodIsDeletedSoItsStatefulSetRecreatesIt() {
    List<String> pods = readySingleShard("db4", 3);

    cluster.crashLoop("db4-sh1-1", 7);

    awaitReplaced(
        "db4-sh1-1",
        message -> assertThat(message).contains("db4-sh1-1").contains("crash-looping"));
  }

  @Test
  void aReplicaThatComesBackEmptyIsToldToResyncAndRejoinsWhenItsChecksumMatches() {
    apply(singleShard("db5", 3));
    List<String> pods = awaitPods("db5-sh1");
    pods.forEach(p -> fleet.replica(p).holding(50, 1, 40));
    awaitReady("db5", pods);

    fleet.replica("db5-sh1-2").wipe();

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(fleet.replica("db5-sh1-2").calls()).contains("POST /resync");
              ReplicaStatus r =
                  status("db5").shard("sh1").orElseThrow().replica("db5-sh1-2").orElseThrow();
              assertThat(r.state()).isEqualTo(ReplicaState.Copying);
              assertThat(r.copyProgress()).isEqualTo(40);
              assertThat(r.ready()).isFalse();
            });
    assertThat(events("RecopyStarted"))
        .anySatisfy(e -> assertThat(e.getMessage()).contains("db5-sh1-2"));

    fleet.replica("db5-sh1-2").finishCopyFrom(fleet.replica("db5-sh1-0"));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(events("RecopyCompleted"))
                  .anySatisfy(e -> assertThat(e.getMessage()).contains("checksum matches"));
              assertThat(status("db5").shard("sh1").orElseThrow().replica("db5-sh1-2"))
                  .hasValueSatisfying(r -> assertThat(r.ready()).isTrue());
            });
  }

  @Test
  void aHealthySecondarySampledAheadOfItsPrimaryIsNeverReCopied() {
    apply(singleShard("db12", 3));
    List<String> pods = awaitPods("db12-sh1");
    fleet.replica("db12-sh1-0").holding(50, 1, 50);
    fleet.replica("db12-sh1-1").holding(50, 1, 50);
    fleet.replica("db12-sh1-2").holding(50, 1, 50);
    awaitReady("db12", pods);

    // Under load a secondary's heartbeat, taken after the primary's, shows more entries.
    fleet.replica("db12-sh1-1").holding(57, 1, 57);
    int seen = heartbeatsOf("db12-sh1-1");
    await().atMost(TIMEOUT).until(() -> heartbeatsOf("db12-sh1-1") >= seen + 3);

    assertThat(fleet.replica("db12-sh1-1").calls()).doesNotContain("POST /resync");
    assertThat(events("RecopyStarted")).noneMatch(e -> e.getMessage().contains("db12-sh1-1"));
  }

  private int heartbeatsOf(String pod) {
    return (int) fleet.replica(pod).calls().stream().filter("GET /heartbeat"::equals).count();
  }

  @Test
  void anInvalidSpecIsReportedAsReadyFalseWithTheReasonAndNothingIsCreated() {
    ShardedDatabase sdb = Fixtures.load("students.yaml", NS);
    sdb.getMetadata().setName("bad");
    ShardedDatabaseSpec s = sdb.getSpec();
    sdb.setSpec(
        withShards(
            s,
            List.of(new ShardSpec("sh1", 0, 4096, null), new ShardSpec("sh2", 100, 4096, null))));
    apply(sdb);

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(status("bad").condition("Ready"))
                    .hasValueSatisfying(
                        c -> {
                          assertThat(c.getStatus()).isEqualTo("False");
                          assertThat(c.getReason()).isEqualTo("InvalidSpec");
                          assertThat(c.getMessage()).contains("overlaps shard 'sh1'");
                        }));
    assertThat(client.apps().statefulSets().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(events("InvalidSpec")).isNotEmpty();
  }

  @Test
  void aDatabaseWhoseNamesAnotherDatabaseHoldsIsRefusedWithNameClashAndWritesNothing() {
    ShardedDatabase shop = singleShard("shop", 1);
    shop.setSpec(
        shop.getSpec().toBuilder().shards(List.of(new ShardSpec("eu", 0, 4096, null))).build());
    String shopUid = apply(shop).getMetadata().getUid();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(client.secrets().inNamespace(NS).withName("shop-eu-tls").get())
                    .isNotNull());
    String before =
        client
            .secrets()
            .inNamespace(NS)
            .withName("shop-eu-tls")
            .get()
            .getMetadata()
            .getResourceVersion();

    apply(singleShard("shop-eu", 1));

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(status("shop-eu").condition("Ready"))
                    .hasValueSatisfying(
                        c -> {
                          assertThat(c.getStatus()).isEqualTo("False");
                          assertThat(c.getReason()).isEqualTo("NameClash");
                          assertThat(c.getMessage())
                              .contains("Secret/shop-eu-tls is also ShardedDatabase shop's");
                        }));
    assertThat(events("NameClash"))
        .anySatisfy(e -> assertThat(e.getInvolvedObject().getName()).isEqualTo("shop-eu"));
    // Nothing of shop-eu was written, and shop's Secret is shop's, untouched.
    assertThat(client.apps().deployments().inNamespace(NS).withName("shop-eu-router").get())
        .isNull();
    assertThat(client.apps().statefulSets().inNamespace(NS).withName("shop-eu-sh1").get()).isNull();
    Secret tls = client.secrets().inNamespace(NS).withName("shop-eu-tls").get();
    assertThat(tls.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(r -> assertThat(r.getUid()).isEqualTo(shopUid));
    assertThat(tls.getMetadata().getResourceVersion()).isEqualTo(before);
  }

  /**
   * The database that holds a name keeps it even when it is the younger one (security review
   * 2026-11-26 #3, the edit direction): {@code shop} is older, {@code shop-eu} is created after it
   * and writes {@code shop-eu-tls}; then {@code shop} is given a shard {@code eu}, whose Secret
   * would be {@code shop-eu-tls}. {@code shop} is refused with NameClash and writes nothing; {@code
   * shop-eu} goes on and its Secret is untouched. (Before, only an owner reference with the {@code
   * controller} flag counted as holding a name, and the operator's carry none, so the older {@code
   * shop} took the name: {@code shop-eu} was refused and {@code shop} overwrote its Secret.)
   */
  @Test
  void aYoungerDatabaseKeepsTheNamesItHoldsWhenAnOlderOneIsEditedIntoThem() {
    String shopUid = apply(singleShard("shop", 1)).getMetadata().getUid();
    await()
        .atMost(TIMEOUT)
        .until(
            () -> client.apps().statefulSets().inNamespace(NS).withName("shop-sh1").get() != null);
    String shopEuUid = apply(singleShard("shop-eu", 1)).getMetadata().getUid();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(client.secrets().inNamespace(NS).withName("shop-eu-tls").get())
                    .isNotNull());
    Secret held = client.secrets().inNamespace(NS).withName("shop-eu-tls").get();
    assertThat(held.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(r -> assertThat(r.getUid()).isEqualTo(shopEuUid));

    ShardedDatabase edited = current("shop");
    edited.setSpec(
        withShards(
            edited.getSpec(),
            List.of(new ShardSpec("sh1", 0, 2048, null), new ShardSpec("eu", 2048, 2048, null))));
    updateSpec(edited);

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(status("shop").condition("Ready"))
                    .hasValueSatisfying(
                        c -> {
                          assertThat(c.getReason()).isEqualTo("NameClash");
                          assertThat(c.getMessage())
                              .contains("Secret/shop-eu-tls is also ShardedDatabase shop-eu's");
                        }));
    // A few more passes of both.
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> true);
    assertThat(current("shop-eu").getStatus().condition("Ready"))
        .hasValueSatisfying(c -> assertThat(c.getReason()).isNotEqualTo("NameClash"));
    Secret after = client.secrets().inNamespace(NS).withName("shop-eu-tls").get();
    assertThat(after.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(r -> assertThat(r.getUid()).isEqualTo(shopEuUid).isNotEqualTo(shopUid));
    assertThat(after.getData()).isEqualTo(held.getData());
    assertThat(client.apps().statefulSets().inNamespace(NS).withName("shop-eu").get()).isNull();
  }

  @Test
  void aDatabaseWithoutSchemaGetsOnlyItsRouterAndAwaitsInit() {
    apply(Fixtures.load("awaiting-init.yaml", NS));

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(
                      client.apps().deployments().inNamespace(NS).withName("legacy-router").get())
                  .isNotNull();
              assertThat(status("legacy").condition("Ready"))
                  .hasValueSatisfying(
                      c -> {
                        assertThat(c.getStatus()).isEqualTo("False");
                        assertThat(c.getReason()).isEqualTo("AwaitingInit");
                      });
            });
    assertThat(client.apps().statefulSets().inNamespace(NS).list().getItems()).isEmpty();
    var env =
        client
            .apps()
            .deployments()
            .inNamespace(NS)
            .withName("legacy-router")
            .get()
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getEnv();
    assertThat(env)
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("SHARDEDDB_ROUTER_AUTH_ENABLED");
              assertThat(e.getValue()).isEqualTo("false");
            });
  }

  @Test
  void removingAShardWhoseRangeNoOtherShardTakesIsRefusedWithAConditionAndAnEvent() {
    ShardedDatabase sdb = singleShard("db6", 1);
    ShardedDatabaseSpec s = sdb.getSpec();
    sdb.setSpec(
        withShards(
            s, List.of(new ShardSpec("sh1", 0, 100, null), new ShardSpec("sh2", 100, 100, null))));
    apply(sdb);
    List<String> pods = new java.util.ArrayList<>(awaitPods("db6-sh1"));
    pods.addAll(awaitPods("db6-sh2"));
    fleet.replica("db6-sh2-0").holding(5, 1, 5);
    awaitReady("db6", pods);

    ShardedDatabase edited = current("db6");
    edited.setSpec(withShards(edited.getSpec(), List.of(new ShardSpec("sh1", 0, 100, null))));
    updateSpec(edited);

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(status("db6").condition("Ready"))
                    .hasValueSatisfying(
                        c -> {
                          assertThat(c.getStatus()).isEqualTo("False");
                          assertThat(c.getReason()).isEqualTo("InvalidSpec");
                          assertThat(c.getMessage())
                              .contains("the points [100, 200) in no shard")
                              .contains("shard 'sh2' owns them now");
                        }));
    assertThat(client.apps().statefulSets().inNamespace(NS).withName("db6-sh2").get()).isNotNull();
    assertThat(events("InvalidSpec")).isNotEmpty();
  }

  @Test
  void splittingALiveShardMovesTheUpperHalfAndPublishesTheNewLayoutAtTheCutOver() {
    List<String> pods = readySingleShard("db12", 1);
    assertThat(status("db12").applied().shards())
        .singleElement()
        .satisfies(a -> assertThat(a.size()).isEqualTo(4096));
    assertThat(fleet.replica(pods.get(0)).lastConfig().ranges())
        .containsExactly(new PointRange(0, 4096));

    ShardedDatabase edited = current("db12");
    edited.setSpec(
        withShards(
            edited.getSpec(),
            List.of(new ShardSpec("sh1", 0, 2048, null), new ShardSpec("sh2", 2048, 2048, null))));
    updateSpec(edited);
    List<String> destPods = awaitPods("db12-sh2");
    fleet.replica(destPods.get(0)).importsFrom(fleet.replica(pods.get(0)));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(status("db12").shard("sh2"))
                  .hasValueSatisfying(sh -> assertThat(sh.primary()).isNotNull());
              // Until the cut-over the router keeps routing the whole range to sh1.
              assertThat(status("db12").applied().shards())
                  .extracting(AppliedSpec.AppliedShard::id)
                  .containsExactly("sh1");
            });
    // A new destination owns nothing until it adopts the range.
    assertThat(fleet.replica(destPods.get(0)).lastConfig().ranges()).isEmpty();
    cluster.allReady(destPods);

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              ShardedDatabaseStatus st = status("db12");
              assertThat(st.reshardingOrEmpty().movesOrEmpty())
                  .singleElement()
                  .satisfies(
                      m -> {
                        assertThat(m.phase()).isEqualTo(MovePhase.Done);
                        assertThat(m.pauseMillis()).isNotNull();
                      });
              assertThat(st.condition("Resharding"))
                  .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("False"));
            });
    FakeShardServer source = fleet.replica(pods.get(0));
    FakeShardServer dest = fleet.replica(destPods.get(0));
    // The destination's session floor is its adopt's position, published with the layout and
    // kept by every later status write of the pass and after (the source has none: it adopted
    // nothing).
    String moveId = status("db12").reshardingOrEmpty().movesOrEmpty().get(0).id();
    RangeChangeResponse adopt = dest.rangeChange(moveId + "/adopt");
    assertThat(adopt).isNotNull();
    assertThat(status("db12").applied().shards())
        .containsExactly(
            new AppliedSpec.AppliedShard("sh1", 0, 2048),
            new AppliedSpec.AppliedShard("sh2", 2048, 2048, adopt.epoch(), adopt.lsn()));
    assertThat(source.owned()).containsExactly(new PointRange(0, 2048));
    assertThat(dest.owned()).containsExactly(new PointRange(2048, 2048));
    assertThat(source.calls()).containsSubsequence("POST /ranges/fence", "POST /ranges/purge");
    assertThat(dest.calls())
        .containsSubsequence("POST /import", "DELETE /import", "POST /ranges/adopt");
    assertThat(events("MovePhaseChanged")).hasSizeGreaterThanOrEqualTo(5);
  }

  @Test
  void mergingTwoShardsMovesTheRangeAndRemovesTheEmptiedShardOnceItsPurgeIsDone() {
    FakeShardServer[] keptAndDropped = mergeSh2IntoSh1("db14");
    FakeShardServer kept = keptAndDropped[0];
    FakeShardServer dropped = keptAndDropped[1];
    assertThat(kept.owned()).containsExactly(new PointRange(0, 4096));
    assertThat(dropped.calls()).containsSubsequence("POST /ranges/fence", "POST /ranges/purge");
    // Kept for resharding, never refused.
    assertThat(events("ShardRemovalRefused")).isEmpty();
  }

  @Test
  void aMergedAwayShardsIdIsNeverGivenToANewShardAndAnotherIdIs() {
    mergeSh2IntoSh1("db18");
    assertThat(status("db18").applied().retiredShards()).containsExactly("sh2");

    // Split again under the old id: its volumes and archive still name the merged-away shard.
    ShardedDatabase edited = current("db18");
    edited.setSpec(
        withShards(
            edited.getSpec(),
            List.of(new ShardSpec("sh1", 0, 2048, null), new ShardSpec("sh2", 2048, 2048, null))));
    updateSpec(edited);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(status("db18").condition("Ready"))
                    .hasValueSatisfying(
                        c -> {
                          assertThat(c.getStatus()).isEqualTo("False");
                          assertThat(c.getReason()).isEqualTo("InvalidSpec");
                          assertThat(c.getMessage())
                              .contains("spec.shards id 'sh2' was a shard of this database")
                              .contains("choose another id");
                        }));
    assertThat(events("InvalidSpec")).anySatisfy(e -> assertThat(e.getMessage()).contains("'sh2'"));
    assertThat(client.apps().statefulSets().inNamespace(NS).withName("db18-sh2").get()).isNull();
    assertThat(status("db18").applied().shards())
        .extracting(a -> a.withFloor(null))
        .containsExactly(new AppliedSpec.AppliedShard("sh1", 0, 4096));

    // Another id is taken: its StatefulSet is created and the refusal is gone.
    edited = current("db18");
    edited.setSpec(
        withShards(
            edited.getSpec(),
            List.of(new ShardSpec("sh1", 0, 2048, null), new ShardSpec("sh3", 2048, 2048, null))));
    updateSpec(edited);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(client.apps().statefulSets().inNamespace(NS).withName("db18-sh3").get())
                  .isNotNull();
              assertThat(status("db18").condition("Ready"))
                  .hasValueSatisfying(c -> assertThat(c.getReason()).isNotEqualTo("InvalidSpec"));
              assertThat(status("db18").applied().retiredShards()).containsExactly("sh2");
            });
  }

  @Test
  void swappingTwoShardsRangesGoesThroughOneOwningNothingAndRetiresNeither() {
    ShardedDatabase sdb = singleShard("db19", 1);
    sdb.setSpec(
        withShards(
            sdb.getSpec(),
            List.of(new ShardSpec("sh1", 0, 2048, null), new ShardSpec("sh2", 2048, 2048, null))));
    apply(sdb);
    List<String> pods = new java.util.ArrayList<>(awaitPods("db19-sh1"));
    pods.addAll(awaitPods("db19-sh2"));
    awaitReady("db19", pods);
    FakeShardServer sh1 = fleet.replica("db19-sh1-0");
    FakeShardServer sh2 = fleet.replica("db19-sh2-0");
    sh1.importsFrom(sh2);
    sh2.importsFrom(sh1);

    // The swap: one of the two first owns both ranges, the other nothing, then takes its new one.
    ShardedDatabase edited = current("db19");
    edited.setSpec(
        withShards(
            edited.getSpec(),
            List.of(new ShardSpec("sh2", 0, 2048, null), new ShardSpec("sh1", 2048, 2048, null))));
    updateSpec(edited);

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              ShardedDatabaseStatus st = status("db19");
              // Both adopted points: each has a session floor.
              assertThat(st.applied().shards())
                  .allSatisfy(a -> assertThat(a.floor()).isNotNull())
                  .extracting(a -> a.withFloor(null))
                  .containsExactlyInAnyOrder(
                      new AppliedSpec.AppliedShard("sh2", 0, 2048),
                      new AppliedSpec.AppliedShard("sh1", 2048, 2048));
              assertThat(st.reshardingOrEmpty().movesOrEmpty())
                  .isNotEmpty()
                  .allSatisfy(m -> assertThat(m.phase()).isEqualTo(MovePhase.Done));
            });
    assertThat(status("db19").applied().retiredShardsOrEmpty()).isEmpty();
    assertThat(events("InvalidSpec"))
        .noneMatch(e -> "db19".equals(e.getInvolvedObject().getName()));
  }

  @Test
  void aMergedAwayShardsVolumeClaimsAreDeletedOnceItsPodsAreGoneAndNoOtherClaimIsTouched() {
    // Claims with sh2's labels but of another database, and with its very name and labels in
    // another namespace: neither is this database's.
    PersistentVolumeClaim otherDatabase =
        pvc(NS, "data-db21-sh2-0", Labels.shardSelector("db21", "sh2"));
    client.namespaces().resource(namespace("elsewhere")).createOr(n -> n.update());
    PersistentVolumeClaim otherNamespace =
        pvc("elsewhere", "data-db20-sh2-0", Labels.shardSelector("db20", "sh2"));
    List<String> kept = new java.util.ArrayList<>();
    List<String> merged = new java.util.ArrayList<>();
    mergeSh2IntoSh1(
        "db20",
        () -> {
          kept.addAll(cluster.createClaims("db20-sh1"));
          merged.addAll(cluster.createClaims("db20-sh2"));
        });
    assertThat(merged).containsExactly("data-db20-sh2-0");
    assertThat(status("db20").applied().retiredShards()).containsExactly("sh2");

    // The StatefulSet is gone but its pod is not yet: its volume is still in use.
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(3))
        .untilAsserted(() -> assertThat(claimNames(NS)).containsAll(merged));

    // The garbage collector deletes the pod; the claim follows, and only it.
    cluster.collectPodsOf("db20-sh2");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(events("VolumesDeleted"))
                    .singleElement()
                    .satisfies(
                        e ->
                            assertThat(e.getMessage())
                                .contains("shard sh2")
                                .contains("data-db20-sh2-0")));
    assertThat(claimNames(NS))
        .doesNotContainAnyElementsOf(merged)
        .containsAll(kept)
        .contains(otherDatabase.getMetadata().getName());
    assertThat(claimNames("elsewhere")).containsExactly(otherNamespace.getMetadata().getName());
    assertThat(events("VolumesDeleted").get(0).getType()).isEqualTo("Normal");
  }

  /**
   * With backups on, the merged-away shard's StatefulSet (and so its volumes) stays while its
   * primary's archive lags its log — the store is down at the merge — with one Normal Event saying
   * so, and goes once the archive holds the whole log (RetireGate; red before: deleted right after
   * the purge, its last entries never archived).
   */
  @Test
  void withBackupsOnAMergedAwayShardIsKeptUntilItsArchiveHoldsItsWholeLogThenDeleted() {
    String db = "db22";
    mergeSh2IntoSh1(
        db,
        s ->
            s.toBuilder()
                .backup(
                    new io.shardeddb.api.v1alpha1.BackupSpec(
                        new io.shardeddb.api.v1alpha1.BackupStoreSpec(
                            "http://127.0.0.1:9", null, "bkt", null, true, null),
                        null,
                        null,
                        null))
                .build(),
        () -> fleet.replica(db + "-sh2-0").archive(true, 3, 7, "connection refused"),
        false);
    assertThat(status(db).applied().retiredShards()).containsExactly("sh2");

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(events("RetireWaitsForArchive"))
                    .singleElement()
                    .satisfies(
                        e -> {
                          assertThat(e.getType()).isEqualTo("Normal");
                          assertThat(e.getMessage())
                              .contains("shard sh2 was merged away")
                              .contains("4 committed entries (LSN 4..7) are not archived yet")
                              .contains("connection refused");
                        }));
    // Kept, pass after pass, and announced once.
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(client.apps().statefulSets().inNamespace(NS).withName(db + "-sh2").get())
                  .isNotNull();
              assertThat(events("RetireWaitsForArchive")).hasSize(1);
            });
    assertThat(status(db).condition("Progressing"))
        .hasValueSatisfying(
            c -> {
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getMessage())
                  .contains("until its backup archive holds its whole log")
                  .contains("LSN 4..7");
            });
    assertThat(fleet.replica(db + "-sh2-0").calls()).contains("GET /backup/status");

    // The store is back: the archive catches up, and the StatefulSet goes.
    fleet.replica(db + "-sh2-0").archive(true, 7, 7, null);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(client.apps().statefulSets().inNamespace(NS).withName(db + "-sh2").get())
                  .isNull();
              assertThat(status(db).shardsOrEmpty())
                  .extracting(ShardStatus::id)
                  .containsExactly("sh1");
            });
    assertThat(events("RetireWaitsForArchive")).hasSize(1);
  }

  private PersistentVolumeClaim pvc(String namespace, String name, Map<String, String> labels) {
    return client
        .persistentVolumeClaims()
        .inNamespace(namespace)
        .resource(
            new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .withLabels(labels)
                .endMetadata()
                .build())
        .create();
  }

  private static io.fabric8.kubernetes.api.model.Namespace namespace(String name) {
    return new io.fabric8.kubernetes.api.model.NamespaceBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .build();
  }

  private List<String> claimNames(String namespace) {
    return client.persistentVolumeClaims().inNamespace(namespace).list().getItems().stream()
        .map(c -> c.getMetadata().getName())
        .toList();
  }

  /**
   * A ready two-shard database {@code db} whose sh2 was merged into sh1 (the move done, sh2's
   * StatefulSet gone); the fake replicas of sh1 and sh2.
   */
  private FakeShardServer[] mergeSh2IntoSh1(String db) {
    return mergeSh2IntoSh1(db, () -> {});
  }

  /** As above, running {@code beforeMerge} once both shards' pods are up. */
  private FakeShardServer[] mergeSh2IntoSh1(String db, Runnable beforeMerge) {
    return mergeSh2IntoSh1(db, s -> s, beforeMerge, true);
  }

  /**
   * As above, the database's spec changed by {@code spec} first; {@code retiredGone}: also waits
   * until sh2's StatefulSet is deleted and sh2 left the status.
   */
  private FakeShardServer[] mergeSh2IntoSh1(
      String db,
      java.util.function.UnaryOperator<ShardedDatabaseSpec> spec,
      Runnable beforeMerge,
      boolean retiredGone) {
    ShardedDatabase sdb = singleShard(db, 1);
    sdb.setSpec(
        spec.apply(
            withShards(
                sdb.getSpec(),
                List.of(
                    new ShardSpec("sh1", 0, 2048, null), new ShardSpec("sh2", 2048, 2048, null)))));
    apply(sdb);
    List<String> pods = new java.util.ArrayList<>(awaitPods(db + "-sh1"));
    pods.addAll(awaitPods(db + "-sh2"));
    awaitReady(db, pods);
    FakeShardServer kept = fleet.replica(db + "-sh1-0");
    FakeShardServer dropped = fleet.replica(db + "-sh2-0").holding(5, 1, 5);
    kept.importsFrom(dropped);
    beforeMerge.run();

    ShardedDatabase edited = current(db);
    edited.setSpec(withShards(edited.getSpec(), List.of(new ShardSpec("sh1", 0, 4096, null))));
    updateSpec(edited);

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              ShardedDatabaseStatus st = status(db);
              assertThat(st.reshardingOrEmpty().movesOrEmpty())
                  .singleElement()
                  .satisfies(m -> assertThat(m.phase()).isEqualTo(MovePhase.Done));
              // sh1 adopted sh2's points: it has a session floor.
              assertThat(st.applied().shards())
                  .allSatisfy(a -> assertThat(a.floor()).isNotNull())
                  .extracting(a -> a.withFloor(null))
                  .containsExactly(new AppliedSpec.AppliedShard("sh1", 0, 4096));
              if (retiredGone) {
                assertThat(client.apps().statefulSets().inNamespace(NS).withName(db + "-sh2").get())
                    .isNull();
                assertThat(st.shardsOrEmpty()).extracting(ShardStatus::id).containsExactly("sh1");
              }
            });
    return new FakeShardServer[] {kept, dropped};
  }

  @Test
  void aBrandNewDatabasePublishesItsLayoutBeforeItIsReady() {
    apply(singleShard("db15", 1));
    awaitPods("db15-sh1");

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              ShardedDatabaseStatus st = status("db15");
              assertThat(st.applied()).isNotNull();
              assertThat(st.applied().shards())
                  .containsExactly(new AppliedSpec.AppliedShard("sh1", 0, 4096));
              assertThat(st.condition("Ready"))
                  .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("False"));
            });
  }

  @Test
  void aSpecChangeThatCannotBeHonouredIsRefusedWithAConditionAndAnEventAndNothingApplied() {
    List<String> pods = readySingleShard("db11", 1);
    assertThat(status("db11").applied()).isNotNull();
    StatefulSet before = client.apps().statefulSets().inNamespace(NS).withName("db11-sh1").get();

    // The mock API server runs no CEL: the operator's own check must catch it.
    ShardedDatabase edited = current("db11");
    ShardedDatabaseSpec s = edited.getSpec();
    edited.setSpec(
        s.toBuilder()
            .shards(
                List.of(new ShardSpec("sh1", 0, 100, null), new ShardSpec("sh2", 8192, 10, null)))
            .storage(new io.shardeddb.api.v1alpha1.StorageSpec("512Mi", null))
            .build());
    updateSpec(edited);

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(status("db11").condition("Ready"))
                    .hasValueSatisfying(
                        c -> {
                          assertThat(c.getStatus()).isEqualTo("False");
                          assertThat(c.getReason()).isEqualTo("InvalidSpec");
                          assertThat(c.getMessage())
                              .contains("the points [100, 4096) in no shard")
                              .contains("spec.storage.size cannot shrink");
                        }));
    assertThat(events("InvalidSpec"))
        .anySatisfy(e -> assertThat(e.getMessage()).contains("spec.storage.size"));
    // Nothing applied: no StatefulSet for the new shard, the old one untouched, and the applied
    // record still the original.
    assertThat(client.apps().statefulSets().inNamespace(NS).withName("db11-sh2").get()).isNull();
    StatefulSet after = client.apps().statefulSets().inNamespace(NS).withName("db11-sh1").get();
    assertThat(after.getSpec()).isEqualTo(before.getSpec());
    assertThat(status("db11").applied().storageSize()).isEqualTo("1Gi");
    assertThat(status("db11").applied().shards())
        .singleElement()
        .satisfies(a -> assertThat(a.size()).isEqualTo(4096));
  }

  @Test
  void aLargerStorageSizeExpandsTheClaimsAndReCreatesTheStatefulSetWithoutTouchingThePods() {
    List<String> pods = readySingleShard("db16", 2);
    client
        .storage()
        .v1()
        .storageClasses()
        .resource(
            new io.fabric8.kubernetes.api.model.storage.StorageClassBuilder()
                .withNewMetadata()
                .withName("expanding")
                .endMetadata()
                .withProvisioner("example.com/disk")
                .withAllowVolumeExpansion(true)
                .build())
        .createOr(c -> c.update());
    for (String pod : pods) {
      claim(pod, "1Gi");
    }
    Map<String, String> uids = new java.util.HashMap<>();
    pods.forEach(
        p -> uids.put(p, client.pods().inNamespace(NS).withName(p).get().getMetadata().getUid()));
    String stsUid =
        client
            .apps()
            .statefulSets()
            .inNamespace(NS)
            .withName("db16-sh1")
            .get()
            .getMetadata()
            .getUid();

    ShardedDatabase edited = current("db16");
    ShardedDatabaseSpec s = edited.getSpec();
    edited.setSpec(
        s.toBuilder().storage(new io.shardeddb.api.v1alpha1.StorageSpec("2Gi", null)).build());
    updateSpec(edited);

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              for (String pod : pods) {
                assertThat(
                        client
                            .persistentVolumeClaims()
                            .inNamespace(NS)
                            .withName("data-" + pod)
                            .get()
                            .getSpec()
                            .getResources()
                            .getRequests()
                            .get("storage"))
                    .hasToString("2Gi");
              }
              StatefulSet sts =
                  client.apps().statefulSets().inNamespace(NS).withName("db16-sh1").get();
              assertThat(sts).isNotNull();
              assertThat(sts.getMetadata().getUid()).isNotEqualTo(stsUid);
              assertThat(
                      sts.getSpec()
                          .getVolumeClaimTemplates()
                          .get(0)
                          .getSpec()
                          .getResources()
                          .getRequests()
                          .get("storage"))
                  .hasToString("2Gi");
              assertThat(status("db16").condition("StorageResizing"))
                  .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("VolumeExpanding"));
            });
    assertThat(events("StatefulSetRecreated")).isNotEmpty();

    // The storage driver grows the volumes.
    for (String pod : pods) {
      claim(pod, "2Gi");
    }
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(status("db16").condition("StorageResizing"))
                  .hasValueSatisfying(
                      c -> {
                        assertThat(c.getStatus()).isEqualTo("False");
                        assertThat(c.getReason()).isEqualTo("Reconciled");
                      });
              assertThat(status("db16").applied().storageSize()).isEqualTo("2Gi");
            });
    assertThat(events("StorageResized")).isNotEmpty();
    // No pod was deleted or replaced on the way.
    pods.forEach(
        p ->
            assertThat(client.pods().inNamespace(NS).withName(p).get().getMetadata().getUid())
                .isEqualTo(uids.get(p)));
  }

  @Test
  void
      aLargerStorageSizeOnAClassThatCannotExpandRebuildsOnePodAtATimeThePrimaryLastAfterASwitchOver() {
    List<String> pods = readySingleShard("db17", 3);
    pods.forEach(p -> fleet.replica(p).holding(50, 1, 40));
    client
        .storage()
        .v1()
        .storageClasses()
        .resource(
            new io.fabric8.kubernetes.api.model.storage.StorageClassBuilder()
                .withNewMetadata()
                .withName("fixed")
                .endMetadata()
                .withProvisioner("kubernetes.io/no-provisioner")
                .withAllowVolumeExpansion(false)
                .build())
        .createOr(c -> c.update());
    for (String pod : pods) {
      claim(pod, "1Gi", "fixed");
    }
    String stsUid =
        client
            .apps()
            .statefulSets()
            .inNamespace(NS)
            .withName("db17-sh1")
            .get()
            .getMetadata()
            .getUid();

    ShardedDatabase edited = current("db17");
    ShardedDatabaseSpec s = edited.getSpec();
    edited.setSpec(
        s.toBuilder().storage(new io.shardeddb.api.v1alpha1.StorageSpec("2Gi", null)).build());
    updateSpec(edited);

    // Secondaries highest ordinal first, then (after the switch-over) the old primary.
    for (String pod : List.of("db17-sh1-2", "db17-sh1-1", "db17-sh1-0")) {
      await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () -> {
                StatefulSet sts =
                    client.apps().statefulSets().inNamespace(NS).withName("db17-sh1").get();
                assertThat(sts).isNotNull();
                assertThat(sts.getMetadata().getUid()).isNotEqualTo(stsUid);
                assertThat(client.pods().inNamespace(NS).withName(pod).get())
                    .as("pod %s deleted; status %s", pod, status("db17"))
                    .isNull();
                assertThat(
                        client
                            .persistentVolumeClaims()
                            .inNamespace(NS)
                            .withName("data-" + pod)
                            .get())
                    .isNull();
                assertThat(status("db17").condition("StorageResizing"))
                    .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("RollingRebuild"));
                // The pass records its Event after deleting the claim and the pod: wait for it
                // too, or a slow machine sees the deletion before the Event.
                assertThat(events("VolumeRebuildStarted"))
                    .anySatisfy(e -> assertThat(e.getMessage()).contains("data-" + pod));
                if (pod.equals("db17-sh1-0")) {
                  assertThat(events("PrimarySwitchedOver")).isNotEmpty();
                }
              });
      // No other pod was touched meanwhile.
      assertThat(client.pods().inNamespace(NS).list().getItems()).hasSize(2);
      if (pod.equals("db17-sh1-0")) {
        assertThat(status("db17").shard("sh1").orElseThrow().primary()).isNotEqualTo(pod);
      }
      // Play the StatefulSet controller: a new 2Gi claim and the pod again, on an empty volume.
      claim(pod, "2Gi", "fixed");
      cluster.startPods("db17-sh1");
      fleet.replica(pod).wipe();
      await()
          .atMost(TIMEOUT)
          .untilAsserted(() -> assertThat(fleet.replica(pod).calls()).contains("POST /resync"));
      String primary = status("db17").shard("sh1").orElseThrow().primary();
      fleet.replica(pod).finishCopyFrom(fleet.replica(primary));
      cluster.setReady(pod, true);
    }

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(status("db17").condition("StorageResizing"))
                  .hasValueSatisfying(
                      c -> {
                        assertThat(c.getStatus()).isEqualTo("False");
                        assertThat(c.getReason()).isEqualTo("Reconciled");
                      });
              assertThat(status("db17").applied().storageSize()).isEqualTo("2Gi");
            });
    assertThat(events("FailoverCompleted"))
        .noneSatisfy(e -> assertThat(e.getMessage()).startsWith("shard sh1"));
    assertThat(events("StorageResized")).isNotEmpty();
  }

  /** A bound claim of {@code pod}'s data volume in the class "expanding", at {@code size}. */
  private void claim(String pod, String size) {
    claim(pod, size, "expanding");
  }

  /** A bound claim of {@code pod}'s data volume in {@code storageClass}, at {@code size}. */
  private void claim(String pod, String size, String storageClass) {
    client
        .persistentVolumeClaims()
        .inNamespace(NS)
        .resource(
            new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName("data-" + pod)
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withStorageClassName(storageClass)
                .withNewResources()
                .addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity(size))
                .endResources()
                .endSpec()
                .withNewStatus()
                .withPhase("Bound")
                .addToCapacity("storage", new io.fabric8.kubernetes.api.model.Quantity(size))
                .endStatus()
                .build())
        .createOr(c -> c.update());
  }

  @Test
  void scalingUpAddsAReplicaThatCopiesInAndANewShardGetsItsOwnStatefulSet() {
    apply(singleShard("db7", 2));
    List<String> pods = awaitPods("db7-sh1");
    pods.forEach(p -> fleet.replica(p).holding(30, 1, 30));
    awaitReady("db7", pods);

    ShardedDatabase edited = current("db7");
    ShardedDatabaseSpec s = edited.getSpec();
    edited.setSpec(
        withShards(
            s,
            List.of(new ShardSpec("sh1", 0, 4096, null), new ShardSpec("sh2", 4096, 4096, 1)),
            3));
    updateSpec(edited);

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(
                      client
                          .apps()
                          .statefulSets()
                          .inNamespace(NS)
                          .withName("db7-sh1")
                          .get()
                          .getSpec()
                          .getReplicas())
                  .isEqualTo(3);
              assertThat(client.apps().statefulSets().inNamespace(NS).withName("db7-sh2").get())
                  .isNotNull();
            });
    cluster.startPods("db7-sh1");
    cluster.startPods("db7-sh2");

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(fleet.replica("db7-sh1-2").calls())
                  .contains("POST /config", "POST /role", "POST /resync");
              // Rule 12: the new replica copies in as a learner; the quorum stays over two.
              assertThat(fleet.replica("db7-sh1-0").lastRole().peers()).hasSize(2);
              assertThat(fleet.replica("db7-sh1-0").lastRole().learners())
                  .extracting(p -> p.name())
                  .containsExactly("db7-sh1-2");
              assertThat(fleet.replica("db7-sh2-0").role()).isEqualTo(Role.Primary);
              assertThat(fleet.replica("db7-sh2-0").lastConfig().low()).isEqualTo(4096L);
              assertThat(status("db7").shardCount()).isEqualTo(2);
            });
    // Its copy done and verified, it votes: the primary's quorum is counted over three.
    fleet.replica("db7-sh1-2").finishCopyFrom(fleet.replica("db7-sh1-0"));
    cluster.setReady("db7-sh1-2", true);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(fleet.replica("db7-sh1-0").lastRole().peers()).hasSize(3);
              assertThat(fleet.replica("db7-sh1-0").lastRole().learners()).isEmpty();
              assertThat(fleet.replica("db7-sh1-0").lastRole().replicas()).isEqualTo(3);
              assertThat(status("db7").shard("sh1").orElseThrow().voters()).isEqualTo(3);
            });
    assertThat(events("LearnerPromoted")).isNotEmpty();
  }

  @Test
  void aPrimaryBackAtANewAddressIsAnnouncedToEveryReplicaAtTheNextEpoch() {
    List<String> pods = readySingleShard("db8", 3);

    String ip = fleet.moveToNewIp("db8-sh1-0");
    cluster.setPodIp("db8-sh1-0", ip);

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              ShardStatus shard = status("db8").shard("sh1").orElseThrow();
              assertThat(shard.primary()).isEqualTo("db8-sh1-0");
              assertThat(shard.epoch()).isEqualTo(2);
              assertThat(fleet.replica("db8-sh1-1").lastRole().primary().url())
                  .isEqualTo("https://" + ip + ":8081");
              assertThat(fleet.replica("db8-sh1-2").epoch()).isEqualTo(2);
            });
    assertThat(events("PrimaryReannounced")).isNotEmpty();
  }

  @Test
  void aPodWhoseNodeIsGoneIsForceDeleted() {
    List<String> pods = readySingleShard("db9", 3);

    cluster.strandOnVanishedNode("db9-sh1-2");

    awaitReplaced(
        "db9-sh1-2",
        message ->
            assertThat(message)
                .startsWith("force-deleted db9-sh1-2")
                .contains("vanished-node is gone"));
  }

  @Test
  void anUnreadyPodsNodeIsReadFromTheInformerCacheNotFetchedFromTheApiServerEachPass()
      throws Exception {
    readySingleShard("db31", 3);

    cluster.setReady("db31-sh1-2", false);
    // A pass has seen the unready pod (and judged whether to replace it) once its status says so.
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(status("db31").shard("sh1").orElseThrow().replica("db31-sh1-2"))
                    .hasValueSatisfying(r -> assertThat(r.ready()).isFalse()));

    List<String> nodeReads = new java.util.ArrayList<>();
    int recorded = server.getRequestCount();
    for (int i = 0; i < recorded; i++) {
      RecordedRequest r = server.takeRequest(1, TimeUnit.SECONDS);
      if (r != null
          && "GET".equals(r.getMethod())
          && r.getPath().startsWith("/api/v1/nodes/" + ClusterSimulator.NODE)) {
        nodeReads.add(r.getPath());
      }
    }
    assertThat(nodeReads).as("live Node reads").isEmpty();
    assertThat(client.pods().inNamespace(NS).withName("db31-sh1-2").get()).isNotNull();
  }

  @Test
  void scalingDownShrinksTheStatefulSetAndTheRemainingReplicasLearnTheirNewPeers() {
    List<String> pods = readySingleShard("db10", 3);

    ShardedDatabase edited = current("db10");
    ShardedDatabaseSpec s = edited.getSpec();
    edited.setSpec(withShards(s, s.shards(), 2));
    updateSpec(edited);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .apps()
                            .statefulSets()
                            .inNamespace(NS)
                            .withName("db10-sh1")
                            .get()
                            .getSpec()
                            .getReplicas())
                    .isEqualTo(2));
    client.pods().inNamespace(NS).withName("db10-sh1-2").delete();

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(fleet.replica("db10-sh1-0").lastRole().peers())
                  .extracting(p -> p.name())
                  .containsExactly("db10-sh1-0", "db10-sh1-1");
              assertThat(fleet.replica("db10-sh1-1").lastRole().peers()).hasSize(2);
              assertThat(status("db10").replicas()).isEqualTo("2/2");
              assertThat(status("db10").primaries()).isEqualTo("1/1");
              assertThat(status("db10").condition("Ready"))
                  .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
            });
  }

  @Test
  void aScaleDownWaitingForTheStayingReplicasSaysSoInACondition() {
    List<String> pods = readySingleShard("db11", 3);
    String primary = status("db11").shards().get(0).primary();
    fleet.replica(primary).termCommitted(false);

    ShardedDatabase edited = current("db11");
    ShardedDatabaseSpec s = edited.getSpec();
    edited.setSpec(withShards(s, s.shards(), 2));
    updateSpec(edited);

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(status("db11").condition("Progressing"))
                  .hasValueSatisfying(
                      c -> {
                        assertThat(c.getStatus()).isEqualTo("True");
                        assertThat(c.getReason()).isEqualTo("ScalingDown");
                        assertThat(c.getMessage()).contains("keeping 3 pods");
                      });
              assertThat(events("ScaleDownWaiting")).isNotEmpty();
            });
    assertThat(
            client
                .apps()
                .statefulSets()
                .inNamespace(NS)
                .withName("db11-sh1")
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(3);

    fleet.replica(primary).termCommitted(true);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .apps()
                            .statefulSets()
                            .inNamespace(NS)
                            .withName("db11-sh1")
                            .get()
                            .getSpec()
                            .getReplicas())
                    .isEqualTo(2));
    assertThat(pods).hasSize(3);
  }

  @Test
  void aUsersCaSecretIssuesEveryCertificateAndAMissingOneIsReportedWithNothingIssued()
      throws Exception {
    io.shardeddb.protocol.tls.CertificateAuthority org =
        io.shardeddb.protocol.tls.CertificateAuthority.create(
            "org-issuing",
            java.time.Instant.now(),
            Duration.ofDays(365),
            new java.security.SecureRandom());
    client
        .resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName("org-ca")
                .withNamespace(NS)
                .endMetadata()
                .withType("kubernetes.io/tls")
                .addToData(
                    "tls.crt",
                    Base64.getEncoder()
                        .encodeToString(
                            io.shardeddb.protocol.tls.PemMaterial.pem(List.of(org.certificate()))
                                .getBytes(UTF_8)))
                .addToData(
                    "tls.key",
                    Base64.getEncoder()
                        .encodeToString(
                            io.shardeddb.protocol.tls.PemMaterial.pem(org.key()).getBytes(UTF_8)))
                .build())
        .create();
    apply(withCaSecret(singleShard("orgdb", 1), "org-ca"));
    apply(withCaSecret(singleShard("nocadb", 1), "no-such-secret"));

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              Secret tls = client.secrets().inNamespace(NS).withName("orgdb-tls").get();
              assertThat(tls).isNotNull();
              java.security.cert.X509Certificate router =
                  io.shardeddb.protocol.tls.PemMaterial.certificates(text(tls, "router.crt"))
                      .get(0);
              router.verify(org.certificate().getPublicKey());
              assertThat(status("orgdb").condition("CertificateAuthority"))
                  .hasValueSatisfying(
                      c -> {
                        assertThat(c.getStatus()).isEqualTo("True");
                        assertThat(c.getReason()).isEqualTo("CaIssuing");
                        assertThat(c.getMessage()).contains("Secret 'org-ca'");
                      });
            });
    // The user's key is never copied into the operator's Secret.
    assertThat(client.secrets().inNamespace(NS).withName("orgdb-ca").get().getData())
        .doesNotContainKey("ca.key");

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(status("nocadb").condition("CertificateAuthority"))
                  .hasValueSatisfying(
                      c -> {
                        assertThat(c.getStatus()).isEqualTo("False");
                        assertThat(c.getReason()).isEqualTo("CaSecretUnusable");
                        assertThat(c.getMessage())
                            .contains("'no-such-secret'")
                            .contains("Secret not found");
                      });
              assertThat(events("CaSecretUnusable")).isNotEmpty();
            });
    assertThat(client.secrets().inNamespace(NS).withName("nocadb-ca").get()).isNull();
    Secret nothing = client.secrets().inNamespace(NS).withName("nocadb-tls").get();
    assertThat(nothing == null || !nothing.getData().containsKey("router.crt"))
        .as("no certificate issued without the CA")
        .isTrue();
  }

  private static ShardedDatabase withCaSecret(ShardedDatabase sdb, String secret) {
    ShardedDatabaseSpec s = sdb.getSpec();
    ShardedDatabaseSpec spec =
        io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
            io.fabric8.kubernetes.client.utils.Serialization.asJson(s)
                .replaceFirst("^\\{", "{\"tls\":{\"caSecret\":\"" + secret + "\"},"),
            ShardedDatabaseSpec.class);
    sdb.setSpec(spec);
    return sdb;
  }

  private static String text(Secret s, String key) {
    return new String(Base64.getDecoder().decode(s.getData().get(key)), UTF_8);
  }

  private ShardedDatabase apply(ShardedDatabase sdb) {
    return client.resource(sdb).create();
  }

  /**
   * Writes {@code edited}'s spec as a user's edit does: when the operator wrote the object since it
   * was read (409, "the object has been modified": a status write on a loaded machine — fresh
   * copy's operator tests, 2026-11-29), the spec is laid on the object as it is now and sent again.
   */
  private void updateSpec(ShardedDatabase edited) {
    ShardedDatabase next = edited;
    for (int attempt = 1; ; attempt++) {
      try {
        client.resource(next).update();
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 10) {
          throw e;
        }
        ShardedDatabase now = current(edited.getMetadata().getName());
        now.setSpec(edited.getSpec());
        next = now;
      }
    }
  }

  private ShardedDatabase current(String name) {
    return client.resources(ShardedDatabase.class).inNamespace(NS).withName(name).get();
  }

  /** The status, failing the assertion (not the test) while there is none yet. */
  private io.shardeddb.api.v1alpha1.ShardedDatabaseStatus status(String name) {
    ShardedDatabase sdb = current(name);
    assertThat(sdb.getStatus()).as("status of %s", name).isNotNull();
    return sdb.getStatus();
  }

  private List<Event> events(String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  /** A one-shard database of {@code replicas} applied, its pods up and the status Ready. */
  private List<String> readySingleShard(String db, int replicas) {
    apply(singleShard(db, replicas));
    List<String> pods = awaitPods(db + "-sh1");
    awaitReady(db, pods);
    return pods;
  }

  /**
   * Waits until {@code pod} is gone and a PodReplaced event's message satisfies {@code message}.
   */
  private void awaitReplaced(String pod, Consumer<String> message) {
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(client.pods().inNamespace(NS).withName(pod).get()).isNull();
              assertThat(events("PodReplaced")).anySatisfy(e -> message.accept(e.getMessage()));
            });
  }

  private List<String> awaitPods(String statefulSet) {
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(client.apps().statefulSets().inNamespace(NS).withName(statefulSet).get())
                    .isNotNull());
    return cluster.startPods(statefulSet);
  }

  /** Waits for bring-up, then marks pods and router ready and waits for Ready=True. */
  private void awaitReady(String db, List<String> pods) {
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(status(db).shardsOrEmpty())
                    .allSatisfy(s -> assertThat(s.primary()).isNotNull()));
    cluster.allReady(pods);
    cluster.routerReady(ShardedDatabaseResources.routerName(db), 1);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(status(db).condition("Ready"))
                    .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True")));
  }

  /** The students schema in one shard of 4096 keys, failing over after 1 s. */
  private static ShardedDatabase singleShard(String name, int replicas) {
    ShardedDatabase sdb = Fixtures.load("students.yaml", NS);
    sdb.getMetadata().setName(name);
    ShardedDatabaseSpec s = sdb.getSpec();
    sdb.setSpec(
        s.toBuilder()
            .shards(List.of(new ShardSpec("sh1", 0, 4096, null)))
            .replicas(replicas)
            .failover(new FailoverSpec(1, 3, 60))
            .servers(Map.of())
            .build());
    return sdb;
  }

  private static ShardedDatabaseSpec withShards(ShardedDatabaseSpec s, List<ShardSpec> shards) {
    return withShards(s, shards, s.replicas());
  }

  /** {@code s} with these shards and this default replica count, the rest unchanged. */
  private static ShardedDatabaseSpec withShards(
      ShardedDatabaseSpec s, List<ShardSpec> shards, Integer replicas) {
    return s.toBuilder().shards(shards).replicas(replicas).build();
  }
}
