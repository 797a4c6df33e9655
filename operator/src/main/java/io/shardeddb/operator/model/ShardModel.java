package io.shardeddb.operator.model;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.shardeddb.operator.api.v1alpha1.PlacementSpec.Spread;
import io.shardeddb.operator.api.v1alpha1.ResourcesSpec;
import io.shardeddb.operator.api.v1alpha1.StorageSpec;
import java.util.List;
import java.util.Map;

/**
 * Builds one shard's StatefulSet (MySQL + shard-server per pod), headless Service,
 * PodDisruptionBudget and NetworkPolicy from the database model; never touches the API server.
 */
public final class ShardModel {

  /** The MySQL image's mysql user; both containers run as it so they share the volume. */
  static final long MYSQL_UID = 999;

  static final String DATA_VOLUME = "data";
  static final String MYSQL_CONTAINER = "mysql";
  static final String SHARD_SERVER_CONTAINER = "shard-server";

  static final String HOSTNAME_KEY = "kubernetes.io/hostname";
  static final String ZONE_KEY = "topology.kubernetes.io/zone";

  private ShardModel() {}

  /** The shard's StatefulSet. */
  public static StatefulSet statefulSet(DatabaseModel db, DesiredShard shard) {
    String name = ShardedDatabaseResources.shardStatefulSetName(db.name(), shard.id());
    Map<String, String> labels = Labels.shard(db.name(), shard.id());
    ResourcesSpec resources = db.spec().resourcesOrDefault();
    return new StatefulSetBuilder()
        .withMetadata(meta(db, name, labels))
        .withNewSpec()
        .withServiceName(ShardedDatabaseResources.shardServiceName(db.name(), shard.id()))
        .withReplicas(shard.replicas())
        // Pods start together: the operator, not pod order, decides who is primary.
        .withPodManagementPolicy("Parallel")
        .withNewSelector()
        .withMatchLabels(Labels.shardSelector(db.name(), shard.id()))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withSecurityContext(Security.pod(MYSQL_UID))
        .withAutomountServiceAccountToken(false)
        .withTerminationGracePeriodSeconds(30L)
        .withAffinity(affinity(db, shard))
        .withTopologySpreadConstraints(zoneSpread(db, shard))
        .withContainers(
            mysqlContainer(db, DatabaseModel.orDefault(resources.mysql())),
            shardServerContainer(db, DatabaseModel.orDefault(resources.shardServer())))
        .endSpec()
        .endTemplate()
        .withVolumeClaimTemplates(dataClaim(db.spec().storageOrDefault()))
        .endSpec()
        .build();
  }

  /**
   * Keeps the shard's replicas on different nodes ({@code placement.replicaSpread}): a node lost
   * then costs each shard at most one replica, never its majority. Null when the rule is None.
   */
  static Affinity affinity(DatabaseModel db, DesiredShard shard) {
    Spread spread = db.spec().placementOrDefault().replicaSpreadOrDefault();
    if (spread == Spread.None) {
      return null;
    }
    PodAffinityTerm term =
        new PodAffinityTermBuilder()
            .withNewLabelSelector()
            .withMatchLabels(Labels.shardSelector(db.name(), shard.id()))
            .endLabelSelector()
            .withTopologyKey(HOSTNAME_KEY)
            .build();
    AffinityBuilder affinity = new AffinityBuilder();
    if (spread == Spread.Required) {
      return affinity
          .withNewPodAntiAffinity()
          .withRequiredDuringSchedulingIgnoredDuringExecution(term)
          .endPodAntiAffinity()
          .build();
    }
    return affinity
        .withNewPodAntiAffinity()
        .addNewPreferredDuringSchedulingIgnoredDuringExecution()
        .withWeight(100)
        .withPodAffinityTerm(term)
        .endPreferredDuringSchedulingIgnoredDuringExecution()
        .endPodAntiAffinity()
        .build();
  }

  /**
   * Spreads the shard's replicas over zones ({@code placement.zoneSpread}): at most one more in any
   * zone than in another. Preferred lets the scheduler break it (a cluster with one zone, or nodes
   * without the zone label); Required never does. Empty when the rule is None.
   */
  static List<TopologySpreadConstraint> zoneSpread(DatabaseModel db, DesiredShard shard) {
    Spread spread = db.spec().placementOrDefault().zoneSpreadOrDefault();
    if (spread == Spread.None) {
      return List.of();
    }
    return List.of(
        new TopologySpreadConstraintBuilder()
            .withMaxSkew(1)
            .withTopologyKey(ZONE_KEY)
            .withWhenUnsatisfiable(spread == Spread.Required ? "DoNotSchedule" : "ScheduleAnyway")
            .withNewLabelSelector()
            .withMatchLabels(Labels.shardSelector(db.name(), shard.id()))
            .endLabelSelector()
            .build());
  }

  private static Container mysqlContainer(
      DatabaseModel db, io.fabric8.kubernetes.api.model.ResourceRequirements resources) {
    return new ContainerBuilder()
        .withName(MYSQL_CONTAINER)
        .withImage(db.images().mysql())
        .addNewPort()
        .withName("mysql")
        .withContainerPort(ShardedDatabaseResources.MYSQL_PORT)
        .endPort()
        .withEnv(
            secretEnv("MYSQL_ROOT_PASSWORD", db.mysqlSecret(), SecretModel.MYSQL_ROOT_PASSWORD),
            secretEnv("MYSQL_USER", db.mysqlSecret(), SecretModel.MYSQL_USERNAME),
            secretEnv("MYSQL_PASSWORD", db.mysqlSecret(), SecretModel.MYSQL_PASSWORD),
            env("MYSQL_DATABASE", ShardedDatabaseResources.MYSQL_DATABASE))
        .addNewVolumeMount()
        .withName(DATA_VOLUME)
        .withMountPath("/var/lib/mysql")
        .endVolumeMount()
        .withReadinessProbe(tcpProbe(ShardedDatabaseResources.MYSQL_PORT, 5, 5))
        .withLivenessProbe(tcpProbe(ShardedDatabaseResources.MYSQL_PORT, 30, 10))
        .withResources(resources)
        .withSecurityContext(Security.container())
        .build();
  }

  private static Container shardServerContainer(
      DatabaseModel db, io.fabric8.kubernetes.api.model.ResourceRequirements resources) {
    return new ContainerBuilder()
        .withName(SHARD_SERVER_CONTAINER)
        .withImage(db.images().shardServer())
        .addNewPort()
        .withName("http")
        .withContainerPort(ShardedDatabaseResources.SHARD_SERVER_PORT)
        .endPort()
        .withEnv(
            new EnvVarBuilder()
                .withName("SHARDEDDB_SERVER_NAME")
                .withNewValueFrom()
                .withNewFieldRef()
                .withFieldPath("metadata.name")
                .endFieldRef()
                .endValueFrom()
                .build(),
            env(
                "MICRONAUT_SERVER_PORT",
                String.valueOf(ShardedDatabaseResources.SHARD_SERVER_PORT)),
            env(
                "SHARDEDDB_JDBC_URL",
                "jdbc:mysql://127.0.0.1:" + ShardedDatabaseResources.MYSQL_PORT + "/"),
            secretEnv("SHARDEDDB_JDBC_USER", db.mysqlSecret(), SecretModel.MYSQL_USERNAME),
            secretEnv("SHARDEDDB_JDBC_PASSWORD", db.mysqlSecret(), SecretModel.MYSQL_PASSWORD),
            // The user from MYSQL_USER holds privileges on exactly this database.
            env("SHARDEDDB_DATABASE", ShardedDatabaseResources.MYSQL_DATABASE))
        .withReadinessProbe(httpProbe("/health/readiness", 5, 5))
        .withLivenessProbe(httpProbe("/health/liveness", 30, 10))
        .withResources(resources)
        .withSecurityContext(Security.container())
        .build();
  }

  private static PersistentVolumeClaim dataClaim(StorageSpec storage) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(DATA_VOLUME)
        .endMetadata()
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withStorageClassName(storage.storageClassName())
        .withNewResources()
        .addToRequests("storage", new Quantity(storage.sizeOrDefault()))
        .endResources()
        .endSpec()
        .build();
  }

  /**
   * The shard's headless Service. It publishes not-ready pods because a pod turns ready only once
   * it holds a role, and its peers must reach it before that.
   */
  public static Service headlessService(DatabaseModel db, DesiredShard shard) {
    String name = ShardedDatabaseResources.shardServiceName(db.name(), shard.id());
    return new ServiceBuilder()
        .withMetadata(meta(db, name, Labels.shard(db.name(), shard.id())))
        .withNewSpec()
        .withClusterIP("None")
        .withPublishNotReadyAddresses(true)
        .withSelector(Labels.shardSelector(db.name(), shard.id()))
        .addNewPort()
        .withName("http")
        .withPort(ShardedDatabaseResources.SHARD_SERVER_PORT)
        .withTargetPort(new IntOrString("http"))
        .endPort()
        .endSpec()
        .build();
  }

  /**
   * Voluntary evictions never take a shard below its write quorum, and go one pod at a time ({@link
   * DisruptionBudgets#shardMinAvailable}).
   */
  public static PodDisruptionBudget podDisruptionBudget(DatabaseModel db, DesiredShard shard) {
    String name = ShardedDatabaseResources.shardPdbName(db.name(), shard.id());
    return new PodDisruptionBudgetBuilder()
        .withMetadata(meta(db, name, Labels.shard(db.name(), shard.id())))
        .withNewSpec()
        .withMinAvailable(new IntOrString(DisruptionBudgets.shardMinAvailable(shard.replicas())))
        .withNewSelector()
        .withMatchLabels(Labels.shardSelector(db.name(), shard.id()))
        .endSelector()
        .endSpec()
        .build();
  }

  /** Shard pods accept traffic only from the router, the operator and their own shard's peers. */
  public static NetworkPolicy networkPolicy(DatabaseModel db, DesiredShard shard) {
    String name = ShardedDatabaseResources.shardNetworkPolicyName(db.name(), shard.id());
    NetworkPolicyPeer router =
        new NetworkPolicyPeerBuilder()
            .withNewPodSelector()
            .withMatchLabels(Labels.routerSelector(db.name()))
            .endPodSelector()
            .build();
    NetworkPolicyPeer peers =
        new NetworkPolicyPeerBuilder()
            .withNewPodSelector()
            .withMatchLabels(Labels.shardSelector(db.name(), shard.id()))
            .endPodSelector()
            .build();
    // The operator may run in another namespace: any namespace, but only its own pods.
    NetworkPolicyPeer operator =
        new NetworkPolicyPeerBuilder()
            .withNewNamespaceSelector()
            .endNamespaceSelector()
            .withNewPodSelector()
            .withMatchLabels(Labels.OPERATOR_POD)
            .endPodSelector()
            .build();
    return new NetworkPolicyBuilder()
        .withMetadata(meta(db, name, Labels.shard(db.name(), shard.id())))
        .withNewSpec()
        .withNewPodSelector()
        .withMatchLabels(Labels.shardSelector(db.name(), shard.id()))
        .endPodSelector()
        .withPolicyTypes("Ingress")
        .addNewIngress()
        .withFrom(List.of(router, operator, peers))
        .addNewPort()
        .withProtocol("TCP")
        .withPort(new IntOrString(ShardedDatabaseResources.SHARD_SERVER_PORT))
        .endPort()
        .endIngress()
        .endSpec()
        .build();
  }

  static ObjectMeta meta(DatabaseModel db, String name, Map<String, String> labels) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(db.namespace())
        .withLabels(labels)
        .build();
  }

  static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  static EnvVar secretEnv(String name, String secret, String key) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(secret)
        .withKey(key)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }

  static Probe httpProbe(String path, int initialDelay, int period) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString("http"))
        .endHttpGet()
        .withInitialDelaySeconds(initialDelay)
        .withPeriodSeconds(period)
        .withTimeoutSeconds(2)
        .withFailureThreshold(3)
        .build();
  }

  private static Probe tcpProbe(int port, int initialDelay, int period) {
    return new ProbeBuilder()
        .withNewTcpSocket()
        .withPort(new IntOrString(port))
        .endTcpSocket()
        .withInitialDelaySeconds(initialDelay)
        .withPeriodSeconds(period)
        .withTimeoutSeconds(2)
        .build();
  }
}
