package io.shardeddb.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.shardeddb.api.Labels;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.PlacementSpec;
import io.shardeddb.api.v1alpha1.PlacementSpec.Spread;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseSpec;
import io.shardeddb.operator.testing.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-shard objects, field by field, built without a cluster. */
class ShardModelTest {

  private final Images images = new Images("ss:1", "rt:1", "my:1");
  private final DatabaseModel students =
      DatabaseModel.of(Fixtures.load("students.yaml", "ns"), images);
  private final DatabaseModel orders =
      DatabaseModel.of(Fixtures.load("production.yaml", "ns"), images);
  private final DesiredShard sh1 = new DesiredShard("sh1", 3);

  private static Container container(PodSpec pod, String name) {
    return pod.getContainers().stream()
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static EnvVar env(Container c, String name) {
    return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void theStatefulSetIsNamedAfterDatabaseAndShardAndSelectsOnlyThatShardsPods() {
    StatefulSet sts = ShardModel.statefulSet(students, sh1);

    assertThat(sts.getMetadata().getName()).isEqualTo("students-sh1");
    assertThat(sts.getMetadata().getNamespace()).isEqualTo("ns");
    assertThat(sts.getSpec().getServiceName()).isEqualTo("students-sh1");
    assertThat(sts.getSpec().getReplicas()).isEqualTo(3);
    assertThat(sts.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
    assertThat(sts.getSpec().getSelector().getMatchLabels())
        .isEqualTo(
            Map.of(
                Labels.INSTANCE, "students",
                Labels.COMPONENT, "shard",
                Labels.SHARD, "sh1"));
    assertThat(sts.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(sts.getSpec().getSelector().getMatchLabels())
        .containsEntry(Labels.MANAGED_BY, "shardeddb-operator")
        .containsEntry(Labels.NAME, "shardeddb")
        .containsEntry(Labels.PART_OF, "shardeddb");
  }

  @Test
  void eachPodRunsMysqlAndTheShardServerWiredTogetherThroughTheMysqlSecret() {
    PodSpec pod = ShardModel.statefulSet(students, sh1).getSpec().getTemplate().getSpec();

    Container mysql = container(pod, "mysql");
    Container server = container(pod, "shard-server");
    assertThat(mysql.getImage()).isEqualTo("my:1");
    assertThat(server.getImage()).isEqualTo("ss:1");
    assertThat(server.getPorts())
        .extracting(ContainerPort::getName, ContainerPort::getContainerPort)
        .containsExactly(
            tuple("http", 8081), tuple("replication", 8083), tuple("management", 8084));
    assertThat(env(server, "SHARDEDDB_REPLICATION_STREAM_PORT").getValue())
        .as("the binary replication stream listens on the declared port, not on any free one")
        .isEqualTo("8083");
    assertThat(env(server, "SHARDEDDB_SERVER_NAME").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.name");
    assertThat(env(server, "SHARDEDDB_JDBC_URL").getValue())
        .isEqualTo("jdbc:mysql://127.0.0.1:3306/");
    assertThat(env(server, "SHARDEDDB_JDBC_USER").getValueFrom().getSecretKeyRef().getName())
        .isEqualTo("students-mysql");
    // The password is a file of the mounted Secret (an edited one is applied while running), never
    // in the environment of the shard-server.
    assertThat(server.getEnv())
        .extracting(EnvVar::getName)
        .doesNotContain("SHARDEDDB_JDBC_PASSWORD");
    assertThat(env(server, "SHARDEDDB_JDBC_CREDENTIALS_DIR").getValue())
        .isEqualTo("/var/run/secrets/shardeddb/mysql");
    PodSpec podSpec = ShardModel.statefulSet(students, sh1).getSpec().getTemplate().getSpec();
    assertThat(podSpec.getVolumes())
        .filteredOn(v -> "mysql-credentials".equals(v.getName()))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getSecret().getSecretName()).isEqualTo("students-mysql");
              assertThat(v.getSecret().getDefaultMode()).isEqualTo(0440);
            });
    for (Container c : List.of(server, mysql)) {
      assertThat(c.getVolumeMounts())
          .as(c.getName())
          .anySatisfy(
              m -> {
                assertThat(m.getName()).isEqualTo("mysql-credentials");
                assertThat(m.getMountPath()).isEqualTo("/var/run/secrets/shardeddb/mysql");
                assertThat(m.getReadOnly()).isTrue();
              });
    }
    // The image reads the passwords from the mounted files: none is in the environment.
    assertThat(env(mysql, "MYSQL_PASSWORD_FILE").getValue())
        .isEqualTo("/var/run/secrets/shardeddb/mysql/password");
    assertThat(env(mysql, "MYSQL_ROOT_PASSWORD_FILE").getValue())
        .isEqualTo("/var/run/secrets/shardeddb/mysql/root-password");
    assertThat(env(mysql, "MYSQL_DATABASE").getValue())
        .isEqualTo(env(server, "SHARDEDDB_DATABASE").getValue());
    assertThat(server.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/readiness");
    assertThat(server.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health/liveness");
    // Probes ask the management port (the API port no longer serves health), over HTTPS: with
    // TLS on (the default) it speaks TLS only.
    assertThat(
            List.of(
                server.getStartupProbe(), server.getReadinessProbe(), server.getLivenessProbe()))
        .allSatisfy(
            p -> {
              assertThat(p.getHttpGet().getPort().getStrVal()).isEqualTo("management");
              assertThat(p.getHttpGet().getScheme()).isEqualTo("HTTPS");
            });
    assertThat(server.getPorts())
        .filteredOn(p -> p.getName().equals("management"))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.getContainerPort())
                    .isEqualTo(ShardedDatabaseResources.MANAGEMENT_PORT));
    assertThat(env(server, "SHARDEDDB_MANAGEMENT_PORT").getValue())
        .isEqualTo("" + ShardedDatabaseResources.MANAGEMENT_PORT);
    // Seven JVMs starting at once on a busy 2-core node took over 50 s to listen and were killed
    // by liveness: liveness waits for a startup probe (minutes of budget), and a slow answer
    // under load is not a dead process.
    assertThat(server.getStartupProbe().getHttpGet().getPath()).isEqualTo("/health/liveness");
    assertThat(
            server.getStartupProbe().getPeriodSeconds()
                * server.getStartupProbe().getFailureThreshold())
        .isGreaterThanOrEqualTo(180);
    assertThat(server.getLivenessProbe().getTimeoutSeconds()).isGreaterThanOrEqualTo(5);
    assertThat(mysql.getVolumeMounts())
        .filteredOn(m -> m.getName().equals("data"))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getName()).isEqualTo("data");
              assertThat(m.getMountPath()).isEqualTo("/var/lib/mysql");
            });
  }

  @Test
  void podsRunAsNonRootWithRuntimeDefaultSeccompAndNoPrivilegeEscalation() {
    PodSpec pod = ShardModel.statefulSet(students, sh1).getSpec().getTemplate().getSpec();

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isNotZero();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getContainers())
        .allSatisfy(
            c -> {
              assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
              assertThat(c.getSecurityContext().getPrivileged()).isFalse();
              assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
              assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
            });
  }

  @Test
  void everyContainerHasAReadOnlyRootFilesystemAndWritesOnlyToItsVolumes() {
    PodSpec pod = ShardModel.statefulSet(students, sh1).getSpec().getTemplate().getSpec();
    Container mysql = container(pod, "mysql");
    Container server = container(pod, "shard-server");

    assertThat(pod.getContainers())
        .allSatisfy(c -> assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue());
    // mysqld's socket and pid file, its temporary tables; the JVM's /tmp (perf data, native
    // libraries): each an emptyDir of its own, never shared between the containers.
    assertThat(writable(pod, mysql)).containsOnlyKeys("/var/lib/mysql", "/run/mysqld", "/tmp");
    assertThat(writable(pod, server)).containsOnlyKeys("/tmp");
    assertThat(writable(pod, mysql).get("/tmp")).isNotEqualTo(writable(pod, server).get("/tmp"));
  }

  /** Mount path → volume name of the container's writable mounts. */
  static java.util.Map<String, String> writable(PodSpec pod, Container c) {
    java.util.Map<String, String> out = new java.util.TreeMap<>();
    c.getVolumeMounts().stream()
        .filter(m -> !Boolean.TRUE.equals(m.getReadOnly()))
        .filter(
            m ->
                "data".equals(m.getName())
                    || pod.getVolumes().stream()
                        .anyMatch(v -> v.getName().equals(m.getName()) && v.getEmptyDir() != null))
        .forEach(m -> out.put(m.getMountPath(), m.getName()));
    return out;
  }

  @Test
  void theVolumeClaimTemplateCarriesTheSpecsSizeAndStorageClass() {
    var defaults = ShardModel.statefulSet(students, sh1).getSpec().getVolumeClaimTemplates().get(0);
    var production =
        ShardModel.statefulSet(orders, new DesiredShard("s0", 5))
            .getSpec()
            .getVolumeClaimTemplates()
            .get(0);

    assertThat(defaults.getMetadata().getName()).isEqualTo("data");
    assertThat(defaults.getSpec().getResources().getRequests().get("storage"))
        .isEqualTo(new Quantity("1Gi"));
    assertThat(defaults.getSpec().getStorageClassName()).isNull();
    assertThat(production.getSpec().getResources().getRequests().get("storage"))
        .isEqualTo(new Quantity("20Gi"));
    assertThat(production.getSpec().getStorageClassName()).isEqualTo("fast-ssd");
  }

  @Test
  void userResourcesAndNamedSecretsReplaceTheDefaults() {
    PodSpec pod =
        ShardModel.statefulSet(orders, new DesiredShard("s0", 5)).getSpec().getTemplate().getSpec();

    assertThat(container(pod, "mysql").getResources().getRequests().get("memory"))
        .isEqualTo(new Quantity("2Gi"));
    assertThat(container(pod, "shard-server").getResources().getRequests().get("cpu"))
        .isEqualTo(new Quantity("500m"));
    assertThat(
            env(container(pod, "shard-server"), "SHARDEDDB_JDBC_USER")
                .getValueFrom()
                .getSecretKeyRef()
                .getName())
        .isEqualTo("orders-mysql");
  }

  @Test
  void noPasswordOrStoreKeyIsAnEnvironmentVariableTheyAreMountedFiles() {
    DatabaseModel backups = DatabaseModel.of(Fixtures.load("students-backups.yaml", "ns"), images);
    PodSpec pod = ShardModel.statefulSet(backups, sh1).getSpec().getTemplate().getSpec();

    for (Container c : pod.getContainers()) {
      // Only the MySQL user name comes from a Secret by reference; no password, no key.
      assertThat(c.getEnv())
          .as(c.getName())
          .filteredOn(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
          .extracting(e -> e.getValueFrom().getSecretKeyRef().getKey())
          .containsOnly("username");
      assertThat(c.getEnv())
          .extracting(EnvVar::getName)
          .doesNotContain(
              "MYSQL_PASSWORD",
              "MYSQL_ROOT_PASSWORD",
              "SHARDEDDB_BACKUP_ACCESS_KEY_ID",
              "SHARDEDDB_BACKUP_SECRET_ACCESS_KEY");
    }
    String storeSecret = backups.spec().backup().store().credentialsSecret();
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("backup-store-credentials"))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getSecret().getSecretName()).isEqualTo(storeSecret);
              assertThat(v.getSecret().getItems())
                  .extracting(i -> i.getKey() + "->" + i.getPath())
                  .containsExactly("accessKeyId->accessKeyId", "secretAccessKey->secretAccessKey");
              assertThat(v.getSecret().getDefaultMode()).isEqualTo(0440);
            });
    Container server = container(pod, "shard-server");
    assertThat(server.getVolumeMounts())
        .filteredOn(m -> m.getName().equals("backup-store-credentials"))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/var/run/secrets/shardeddb/backup-store");
              assertThat(m.getReadOnly()).isTrue();
            });
    assertThat(env(server, "SHARDEDDB_BACKUP_CREDENTIALS_DIR").getValue())
        .isEqualTo("/var/run/secrets/shardeddb/backup-store");
    // The mysql container does not get the store's key.
    assertThat(container(pod, "mysql").getVolumeMounts())
        .extracting(VolumeMount::getName)
        .doesNotContain("backup-store-credentials");
    // Without a store, neither the volume nor the setting.
    PodSpec plain = ShardModel.statefulSet(students, sh1).getSpec().getTemplate().getSpec();
    assertThat(plain.getVolumes())
        .extracting(Volume::getName)
        .doesNotContain("backup-store-credentials");
    assertThat(container(plain, "shard-server").getEnv())
        .extracting(EnvVar::getName)
        .doesNotContain("SHARDEDDB_BACKUP_CREDENTIALS_DIR");
  }

  /**
   * A store with caSecret (a private CA): its ca.crt mounted read-only in the shard-server
   * container only, and named by SHARDEDDB_BACKUP_CA_FILE; the credentials volume beside it
   * unchanged.
   */
  @Test
  void aStoresCaSecretIsMountedInTheShardServerAndNamedByItsFile() throws Exception {
    var mapper = io.fabric8.kubernetes.client.utils.Serialization.jsonMapper();
    var tree =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            mapper.valueToTree(Fixtures.load("students-backups.yaml", "ns"));
    ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("spec").get("backup").get("store"))
        .put("caSecret", "store-ca");
    DatabaseModel db =
        DatabaseModel.of(
            mapper.treeToValue(tree, io.shardeddb.api.v1alpha1.ShardedDatabase.class), images);

    PodSpec pod = ShardModel.statefulSet(db, sh1).getSpec().getTemplate().getSpec();

    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("backup-store-ca"))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getSecret().getSecretName()).isEqualTo("store-ca");
              assertThat(v.getSecret().getItems())
                  .extracting(i -> i.getKey() + "->" + i.getPath())
                  .containsExactly("ca.crt->ca.crt");
            });
    assertThat(pod.getVolumes()).extracting(Volume::getName).contains("backup-store-credentials");
    Container server = container(pod, "shard-server");
    assertThat(server.getVolumeMounts())
        .filteredOn(m -> m.getName().equals("backup-store-ca"))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/var/run/secrets/shardeddb/backup-store-ca");
              assertThat(m.getReadOnly()).isTrue();
            });
    assertThat(env(server, "SHARDEDDB_BACKUP_CA_FILE").getValue())
        .isEqualTo("/var/run/secrets/shardeddb/backup-store-ca/ca.crt");
    assertThat(container(pod, "mysql").getVolumeMounts())
        .extracting(VolumeMount::getName)
        .doesNotContain("backup-store-ca");
    // Without caSecret: no CA volume (the store of students-backups.yaml names none).
    PodSpec plain =
        ShardModel.statefulSet(
                DatabaseModel.of(Fixtures.load("students-backups.yaml", "ns"), images), sh1)
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(plain.getVolumes()).extracting(Volume::getName).doesNotContain("backup-store-ca");
  }

  /**
   * A store without credentialsSecret (docs/backup.md, "Stores in clouds"): no Secret volume, no
   * credentials directory, so the shard-server's SDK takes its default chain; and the shard pods
   * run as spec.pods.serviceAccountName (the one IRSA annotates), the routers as their own.
   */
  @Test
  void aStoreWithoutACredentialsSecretMountsNoKeyAndShardPodsRunAsTheNamedServiceAccount()
      throws Exception {
    var mapper = io.fabric8.kubernetes.client.utils.Serialization.jsonMapper();
    var tree =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            mapper.valueToTree(Fixtures.load("students-backups.yaml", "ns"));
    var spec = (com.fasterxml.jackson.databind.node.ObjectNode) tree.get("spec");
    ((com.fasterxml.jackson.databind.node.ObjectNode) spec.get("backup").get("store"))
        .remove("credentialsSecret");
    spec.putObject("pods").put("serviceAccountName", "students-backup-writer");
    DatabaseModel cloud =
        DatabaseModel.of(
            mapper.treeToValue(tree, io.shardeddb.api.v1alpha1.ShardedDatabase.class), images);
    assertThat(cloud.spec().backup().store().credentialsSecret()).isNull();

    PodSpec pod = ShardModel.statefulSet(cloud, sh1).getSpec().getTemplate().getSpec();

    assertThat(pod.getVolumes())
        .extracting(Volume::getName)
        .doesNotContain("backup-store-credentials");
    Container server = container(pod, "shard-server");
    assertThat(server.getVolumeMounts())
        .extracting(VolumeMount::getName)
        .doesNotContain("backup-store-credentials");
    assertThat(server.getEnv())
        .extracting(EnvVar::getName)
        .doesNotContain("SHARDEDDB_BACKUP_CREDENTIALS_DIR")
        .contains("SHARDEDDB_BACKUP_BUCKET");
    assertThat(pod.getServiceAccountName()).isEqualTo("students-backup-writer");
    assertThat(RouterModel.deployment(cloud).getSpec().getTemplate().getSpec())
        .extracting(PodSpec::getServiceAccountName)
        .isNotEqualTo("students-backup-writer");
    // Without spec.pods.serviceAccountName: the namespace's default, as before.
    assertThat(
            ShardModel.statefulSet(students, sh1)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getServiceAccountName())
        .isNull();
  }

  @Test
  void perShardReplicaOverridesWinOverTheDatabaseDefault() {
    assertThat(orders.shards())
        .extracting(DesiredShard::id, DesiredShard::replicas)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("s0", 5),
            org.assertj.core.groups.Tuple.tuple("s1", 5),
            org.assertj.core.groups.Tuple.tuple("s2", 3));
  }

  @Test
  void theHeadlessServicePublishesNotReadyPeersOnTheShardServerPort() {
    Service svc = ShardModel.headlessService(students, sh1);

    assertThat(svc.getMetadata().getName()).isEqualTo("students-sh1");
    assertThat(svc.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(svc.getSpec().getPublishNotReadyAddresses()).isTrue();
    assertThat(svc.getSpec().getSelector()).isEqualTo(Labels.shardSelector("students", "sh1"));
    assertThat(svc.getSpec().getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getPort()).isEqualTo(8081));
  }

  @Test
  void thePodDisruptionBudgetKeepsAllButOneOfThreeShardPods() {
    PodDisruptionBudget pdb = ShardModel.podDisruptionBudget(students, sh1);

    assertThat(pdb.getSpec().getMaxUnavailable()).isNull();
    assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(2);
    assertThat(pdb.getSpec().getSelector().getMatchLabels())
        .isEqualTo(Labels.shardSelector("students", "sh1"));
  }

  /**
   * The eviction API allows an eviction when the budget's healthy pods exceed its desired healthy
   * count (minAvailable, or the scale minus maxUnavailable). For every replica count and every
   * number of Ready replicas, an allowed eviction leaves at least the write quorum Ready.
   */
  @Test
  void noVoluntaryEvictionEverBreaksTheWriteQuorum() {
    for (int n = 1; n <= 9; n++) {
      var spec = ShardModel.podDisruptionBudget(students, new DesiredShard("sh1", n)).getSpec();
      // What the disruption controller computes (the StatefulSet's scale is the spec's n here).
      int min =
          spec.getMinAvailable() != null
              ? spec.getMinAvailable().getIntVal()
              : n - spec.getMaxUnavailable().getIntVal();
      for (int healthy = 0; healthy <= n; healthy++) {
        boolean allowed = healthy > min;
        if (allowed) {
          assertThat(healthy - 1)
              .as("%d replicas, %d Ready: an eviction leaves a majority", n, healthy)
              .isGreaterThanOrEqualTo(DisruptionBudgets.majority(n));
        }
      }
      // Drains still make progress wherever a pod can go without costing the quorum.
      if (n >= 3) {
        assertThat(n > min).as("%d replicas, all Ready: one may be evicted", n).isTrue();
      }
    }
  }

  @Test
  void fiveReplicasLoseAtMostOneToADrainAndKeepAMajorityPlusOne() {
    assertThat(DisruptionBudgets.shardMinAvailable(5)).isEqualTo(4);
    assertThat(DisruptionBudgets.shardMinAvailable(1)).isEqualTo(1);
    assertThat(DisruptionBudgets.shardMinAvailable(2)).isEqualTo(2);
    assertThat(DisruptionBudgets.shardMinAvailable(4)).isEqualTo(3);
  }

  @Test
  void theRoutersHaveTheirOwnBudgetOneAtATime() {
    var pdb = RouterModel.podDisruptionBudget(students);

    assertThat(pdb.getMetadata().getName()).isEqualTo("students-router");
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getSelector().getMatchLabels())
        .isEqualTo(Labels.routerSelector("students"));
  }

  @Test
  void shardPodsAreRolledByTheOperatorNotByTheStatefulSet() {
    assertThat(ShardModel.statefulSet(students, sh1).getSpec().getUpdateStrategy().getType())
        .isEqualTo("OnDelete");
  }

  @Test
  void shardPodsAdmitOnlyTheRouterTheOperatorAndTheDatabasesShardPods() {
    // Every shard pod of the database, not just the shard's own: a resharding move's destination
    // pulls /snapshot and /log from the source shard's pods (security review: the policy dropped
    // the project's own resharding traffic).
    NetworkPolicy np = NetworkPolicies.shard(students, sh1);

    assertThat(np.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
    assertThat(np.getSpec().getPodSelector().getMatchLabels())
        .isEqualTo(Labels.shardSelector("students", "sh1"));
    var ingress = np.getSpec().getIngress();
    assertThat(ingress).hasSize(2);
    assertThat(ingress.get(0))
        .satisfies(
            rule -> {
              assertThat(rule.getPorts())
                  .singleElement()
                  .satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(8081));
              assertThat(rule.getFrom())
                  .extracting(peer -> peer.getPodSelector().getMatchLabels())
                  .containsExactlyInAnyOrder(
                      Labels.routerSelector("students"),
                      Labels.OPERATOR_POD,
                      Labels.shardsSelector("students"));
            });
    // The replication stream (primary -> secondary): the database's shard pods only.
    assertThat(ingress.get(1))
        .satisfies(
            rule -> {
              assertThat(rule.getPorts())
                  .singleElement()
                  .satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(8083));
              assertThat(rule.getFrom())
                  .extracting(peer -> peer.getPodSelector().getMatchLabels())
                  .as("replication channels from peers, data channels from routers")
                  .containsExactly(
                      Labels.routerSelector("students"), Labels.shardsSelector("students"));
            });
  }

  private DatabaseModel studentsWith(PlacementSpec placement) {
    ShardedDatabase sdb = Fixtures.load("students.yaml", "ns");
    ShardedDatabaseSpec s = sdb.getSpec();
    sdb.setSpec(s.toBuilder().placement(placement).build());
    return DatabaseModel.of(sdb, images);
  }

  private static final Map<String, String> SH1_PODS =
      Map.of(Labels.INSTANCE, "students", Labels.COMPONENT, "shard", Labels.SHARD, "sh1");

  @Test
  void byDefaultAShardsReplicasMustRunOnDifferentNodesAndPreferDifferentZones() {
    PodSpec pod = ShardModel.statefulSet(students, sh1).getSpec().getTemplate().getSpec();

    Affinity affinity = pod.getAffinity();
    assertThat(affinity.getNodeAffinity()).isNull();
    assertThat(affinity.getPodAffinity()).isNull();
    assertThat(affinity.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
        .isEmpty();
    List<PodAffinityTerm> required =
        affinity.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
    assertThat(required).hasSize(1);
    assertThat(required.get(0).getTopologyKey()).isEqualTo("kubernetes.io/hostname");
    assertThat(required.get(0).getLabelSelector().getMatchLabels()).isEqualTo(SH1_PODS);
    assertThat(required.get(0).getLabelSelector().getMatchExpressions()).isEmpty();
    assertThat(required.get(0).getNamespaces()).isEmpty();

    assertThat(pod.getTopologySpreadConstraints()).hasSize(1);
    TopologySpreadConstraint zone = pod.getTopologySpreadConstraints().get(0);
    assertThat(zone.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
    assertThat(zone.getMaxSkew()).isEqualTo(1);
    assertThat(zone.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
    assertThat(zone.getLabelSelector().getMatchLabels()).isEqualTo(SH1_PODS);
  }

  @Test
  void preferredNodeSpreadIsAWeightedPreferenceAndRequiredZoneSpreadDoesNotSchedule() {
    PodSpec pod =
        ShardModel.statefulSet(
                studentsWith(new PlacementSpec(Spread.Preferred, Spread.Required)), sh1)
            .getSpec()
            .getTemplate()
            .getSpec();

    var anti = pod.getAffinity().getPodAntiAffinity();
    assertThat(anti.getRequiredDuringSchedulingIgnoredDuringExecution()).isEmpty();
    assertThat(anti.getPreferredDuringSchedulingIgnoredDuringExecution()).hasSize(1);
    var preferred = anti.getPreferredDuringSchedulingIgnoredDuringExecution().get(0);
    assertThat(preferred.getWeight()).isEqualTo(100);
    assertThat(preferred.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
    assertThat(preferred.getPodAffinityTerm().getLabelSelector().getMatchLabels())
        .isEqualTo(SH1_PODS);
    assertThat(pod.getTopologySpreadConstraints().get(0).getWhenUnsatisfiable())
        .isEqualTo("DoNotSchedule");
  }

  @Test
  void placementNoneLeavesTheSchedulerFree() {
    PodSpec pod =
        ShardModel.statefulSet(studentsWith(new PlacementSpec(Spread.None, Spread.None)), sh1)
            .getSpec()
            .getTemplate()
            .getSpec();

    assertThat(pod.getAffinity()).isNull();
    assertThat(pod.getTopologySpreadConstraints()).isEmpty();
  }

  @Test
  void eachShardKeepsOnlyItsOwnReplicasApart() {
    PodSpec pod =
        ShardModel.statefulSet(students, new DesiredShard("sh2", 3))
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(
            pod.getAffinity()
                .getPodAntiAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .get(0)
                .getLabelSelector()
                .getMatchLabels())
        .containsEntry(Labels.SHARD, "sh2");
  }

  @Test
  void theShardServerMountsTheShardAndTheDataCredentialSecretsReadOnly() {
    PodSpec pod = ShardModel.statefulSet(students, sh1).getSpec().getTemplate().getSpec();
    Container server = container(pod, "shard-server");

    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getEmptyDir() == null)
        .hasSize(5)
        .allSatisfy(v -> assertThat(v.getSecret().getDefaultMode()).isEqualTo(0440))
        .extracting(v -> v.getName() + "=" + v.getSecret().getSecretName())
        .containsExactly(
            "shard-auth=students-shard-auth",
            "shard-data-auth=students-shard-data-auth",
            "metrics-auth=students-metrics",
            "mysql-credentials=students-mysql",
            "tls=students-sh1-tls");
    assertThat(server.getVolumeMounts())
        .filteredOn(m -> !m.getMountPath().equals("/tmp"))
        .hasSize(5)
        .allSatisfy(m -> assertThat(m.getReadOnly()).isTrue())
        .extracting(m -> m.getName() + "=" + m.getMountPath())
        .containsExactly(
            "shard-auth=" + env(server, "SHARDEDDB_AUTH_DIR").getValue(),
            "shard-data-auth=" + env(server, "SHARDEDDB_AUTH_DATA_DIR").getValue(),
            "metrics-auth=" + env(server, "SHARDEDDB_METRICS_AUTH_DIR").getValue(),
            "mysql-credentials=" + env(server, "SHARDEDDB_JDBC_CREDENTIALS_DIR").getValue(),
            "tls=" + env(server, "SHARDEDDB_TLS_DIR").getValue());
    assertThat(env(server, "SHARDEDDB_AUTH_DIR").getValue())
        .isEqualTo("/var/run/secrets/shardeddb/shard-auth");
    assertThat(env(server, "SHARDEDDB_AUTH_DATA_DIR").getValue())
        .isEqualTo("/var/run/secrets/shardeddb/shard-data-auth");
    assertThat(env(server, "SHARDEDDB_METRICS_AUTH_DIR").getValue())
        .isEqualTo("/var/run/secrets/shardeddb/metrics-auth");
    // The management port speaks TLS with TLS on: the kubelet probes it over HTTPS.
    assertThat(
            java.util.stream.Stream.of(
                server.getStartupProbe(), server.getReadinessProbe(), server.getLivenessProbe()))
        .allSatisfy(
            p -> {
              assertThat(p.getHttpGet().getScheme()).isEqualTo("HTTPS");
              assertThat(p.getHttpGet().getPort().getStrVal()).isEqualTo("management");
            });
    assertThat(container(pod, "mysql").getVolumeMounts())
        .extracting(m -> m.getName())
        .as("MySQL never sees the shard credential (its own credentials only, for its probes)")
        .containsExactly("data", "mysql-run", "mysql-tmp", "mysql-credentials");
  }

  @Test
  void mysqlListensOnLoopbackOnlyWithoutRemoteRootOrBinaryLog() {
    Container mysql =
        container(ShardModel.statefulSet(students, sh1).getSpec().getTemplate().getSpec(), "mysql");

    assertThat(mysql.getArgs())
        .contains("--bind-address=127.0.0.1", "--skip-log-bin", "--skip-name-resolve");
    assertThat(env(mysql, "MYSQL_ROOT_HOST").getValue()).isEqualTo("localhost");
    assertThat(mysql.getPorts()).as("nothing outside the pod may connect").isNullOrEmpty();
  }

  @Test
  void mysqlProbesRunAStatementWithADeadlineSoAHungServerFailsLiveness() {
    Container mysql =
        container(ShardModel.statefulSet(students, sh1).getSpec().getTemplate().getSpec(), "mysql");

    assertThat(mysql.getStartupProbe().getExec().getCommand())
        .containsExactly("sh", "-c", ShardModel.MYSQL_PING);
    assertThat(
            mysql.getStartupProbe().getFailureThreshold()
                * mysql.getStartupProbe().getPeriodSeconds())
        .as("first start initialises the data directory")
        .isGreaterThanOrEqualTo(300);
    for (var probe : List.of(mysql.getLivenessProbe(), mysql.getReadinessProbe())) {
      assertThat(probe.getTcpSocket()).as("an open port is not enough").isNull();
      assertThat(probe.getExec().getCommand()).containsExactly("sh", "-c", ShardModel.MYSQL_QUERY);
      assertThat(probe.getTimeoutSeconds()).isPositive();
    }
    assertThat(ShardModel.MYSQL_QUERY)
        .contains("SELECT 1")
        .contains("--connect-timeout=")
        .contains("-h 127.0.0.1")
        .as("the password travels in MYSQL_PWD, never on a command line")
        .doesNotContain(" -p")
        .doesNotContain("--password");
    assertThat(ShardModel.MYSQL_PING).contains("ping").contains("--connect-timeout=");
    // A rotation: the mounted password, else the previous one (MySQL takes one of them).
    assertThat(ShardModel.MYSQL_QUERY)
        .startsWith("cd /var/run/secrets/shardeddb/mysql && for f in password previous-password;")
        .doesNotContain("$MYSQL_PASSWORD")
        // The exact bytes, then as the image's MYSQL_PASSWORD_FILE read them (newlines dropped).
        .contains("for q in \"${p%x}\" \"$(cat \"$f\")\"; do");
  }

  @Test
  void bothContainersRequestTheMemoryTheyAreLimitedToAndSizeTheirCachesFromIt() {
    PodSpec pod = ShardModel.statefulSet(students, sh1).getSpec().getTemplate().getSpec();
    for (Container c : pod.getContainers()) {
      assertThat(c.getResources().getRequests().get("memory"))
          .as(c.getName())
          .isNotNull()
          .isEqualTo(c.getResources().getLimits().get("memory"));
    }
    assertThat(env(container(pod, "shard-server"), "JDK_JAVA_OPTIONS").getValue())
        .contains("-XX:MaxRAMPercentage=60");
    assertThat(container(pod, "mysql").getArgs()).contains("--innodb-buffer-pool-size=256M");
  }

  @Test
  void aSpecRequestingLessMemoryThanItsLimitGetsTheLimitAsRequest() {
    var given =
        new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
            .addToRequests("cpu", new Quantity("250m"))
            .addToRequests("memory", new Quantity("128Mi"))
            .addToLimits("memory", new Quantity("1Gi"))
            .build();

    var fixed = PodParts.guaranteedMemory(given);

    assertThat(fixed.getRequests().get("memory")).isEqualTo(new Quantity("1Gi"));
    assertThat(fixed.getLimits().get("memory")).isEqualTo(new Quantity("1Gi"));
    assertThat(fixed.getRequests().get("cpu")).isEqualTo(new Quantity("250m"));
    assertThat(given.getRequests().get("memory"))
        .as("the spec is not changed")
        .isEqualTo(new Quantity("128Mi"));
  }

  @Test
  void theOperatorIsAdmittedOnlyFromItsOwnNamespaceWhenItIsKnown() {
    DatabaseModel pinned =
        DatabaseModel.of(
            Fixtures.load("students.yaml", "ns"), images, List.of(), "shardeddb-system");

    var from = NetworkPolicies.shard(pinned, sh1).getSpec().getIngress().get(0).getFrom();
    var operator =
        from.stream()
            .filter(p -> Labels.OPERATOR_POD.equals(p.getPodSelector().getMatchLabels()))
            .findFirst()
            .orElseThrow();
    assertThat(operator.getNamespaceSelector().getMatchLabels())
        .isEqualTo(Map.of("kubernetes.io/metadata.name", "shardeddb-system"));
    assertThat(from)
        .filteredOn(p -> p != operator)
        .allSatisfy(p -> assertThat(p.getNamespaceSelector()).as("same namespace only").isNull());
  }

  @Test
  void theMetricsScraperIsAdmittedOnTheMetricsPortOnlyFromItsNamespaceAndPods() {
    DatabaseModel scraped =
        students.withScraper(
            MetricsScraper.parse("monitoring", "app.kubernetes.io/name=prometheus"));

    var ingress = NetworkPolicies.shard(scraped, sh1).getSpec().getIngress();
    assertThat(ingress).hasSize(3);
    assertThat(ingress.get(0).getFrom())
        .as("the data/control rule is unchanged")
        .extracting(peer -> peer.getPodSelector().getMatchLabels())
        .containsExactlyInAnyOrder(
            Labels.routerSelector("students"),
            Labels.OPERATOR_POD,
            Labels.shardsSelector("students"));
    assertThat(ingress.get(2).getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getPort().getIntVal())
                  .isEqualTo(ShardedDatabaseResources.MANAGEMENT_PORT);
              assertThat(p.getProtocol()).isEqualTo("TCP");
            });
    assertThat(ingress.get(2).getFrom())
        .singleElement()
        .satisfies(
            peer -> {
              assertThat(peer.getPodSelector().getMatchLabels())
                  .isEqualTo(Map.of("app.kubernetes.io/name", "prometheus"));
              assertThat(peer.getNamespaceSelector().getMatchLabels())
                  .isEqualTo(Map.of("kubernetes.io/metadata.name", "monitoring"));
            });
  }

  @Test
  void aScraperWithoutNamespaceIsAdmittedFromAnyNamespaceButOnlyByItsPodLabels() {
    DatabaseModel scraped =
        students.withScraper(MetricsScraper.parse("", "app=prometheus, team = observability"));

    var scraper =
        NetworkPolicies.shard(scraped, sh1).getSpec().getIngress().get(2).getFrom().get(0);
    assertThat(scraper.getNamespaceSelector().getMatchLabels()).as("any namespace").isNullOrEmpty();
    assertThat(scraper.getNamespaceSelector().getMatchExpressions()).isNullOrEmpty();
    assertThat(scraper.getPodSelector().getMatchLabels())
        .isEqualTo(Map.of("app", "prometheus", "team", "observability"));
  }

  @Test
  void withoutScraperLabelsNoScraperRuleIsAdded() {
    assertThat(MetricsScraper.parse("monitoring", " ").admitsAny()).isFalse();
    assertThat(
            NetworkPolicies.shard(students.withScraper(MetricsScraper.parse("monitoring", "")), sh1)
                .getSpec()
                .getIngress())
        .as("the API rule and the replication stream's rule, no scraper rule")
        .hasSize(2);
  }

  @Test
  void aScraperLabelThatIsNotKeyEqualsValueIsRefusedNamingIt() {
    assertThatThrownBy(() -> MetricsScraper.parse(null, "app=prometheus,prometheus"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'prometheus' is not key=value");
  }

  @Test
  void everyPodPullsWithTheOperatorsSecretsUnlessTheDatabaseNamesItsOwn() {
    var sdb = Fixtures.load("students.yaml", "ns");
    Images operators =
        Images.fromEnvironment(java.util.Map.of(Images.PULL_SECRETS_ENV, "pull-a, pull-b"));
    DatabaseModel db = DatabaseModel.of(sdb, operators);
    assertThat(
            ShardModel.statefulSet(db, sh1).getSpec().getTemplate().getSpec().getImagePullSecrets())
        .extracting(io.fabric8.kubernetes.api.model.LocalObjectReference::getName)
        .containsExactly("pull-a", "pull-b");
    assertThat(RouterModel.deployment(db).getSpec().getTemplate().getSpec().getImagePullSecrets())
        .extracting(io.fabric8.kubernetes.api.model.LocalObjectReference::getName)
        .containsExactly("pull-a", "pull-b");
    sdb.setSpec(
        sdb.getSpec()
            .withImages(
                new io.shardeddb.api.v1alpha1.ImagesSpec(
                    null, null, null, java.util.List.of("own"))));
    DatabaseModel own = DatabaseModel.of(sdb, operators);
    assertThat(
            ShardModel.statefulSet(own, sh1)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getImagePullSecrets())
        .extracting(io.fabric8.kubernetes.api.model.LocalObjectReference::getName)
        .containsExactly("own");
    assertThat(
            ShardModel.statefulSet(students, sh1)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getImagePullSecrets())
        .isEmpty();
  }
}
