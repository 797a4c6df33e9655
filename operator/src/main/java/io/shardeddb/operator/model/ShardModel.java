package io.shardeddb.operator.model;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.shardeddb.api.Labels;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.PlacementSpec.Spread;
import io.shardeddb.api.v1alpha1.PodsSpec;
import io.shardeddb.api.v1alpha1.ResourcesSpec;
import io.shardeddb.api.v1alpha1.StorageSpec;
import io.shardeddb.operator.cert.TlsPods;
import java.util.List;
import java.util.Map;

/**
 * Builds one shard's StatefulSet (MySQL + shard-server per pod), headless Service,
 * PodDisruptionBudget and NetworkPolicy from the database model; never touches the API server.
 *
 * <p>Why this file is over 450 lines: the four objects are cut from one pod identity — the names,
 * labels, ports and volumes the StatefulSet's pod template defines are what the Service, the budget
 * and the policy select and admit — so a change to one is checked against the others here.
 */
public final class ShardModel {

  /** The MySQL image's mysql user; both containers run as it so they share the volume. */
  static final long MYSQL_UID = 999;

  public static final String DATA_VOLUME = "data";
  static final String MYSQL_CONTAINER = "mysql";
  static final String SHARD_SERVER_CONTAINER = "shard-server";

  static final String HOSTNAME_KEY = "kubernetes.io/hostname";
  static final String ZONE_KEY = "topology.kubernetes.io/zone";

  private ShardModel() {}

  /**
   * The PersistentVolumeClaim a StatefulSet makes for pod {@code podName} from the data volume
   * template ({@code <template>-<pod>}).
   */
  public static String dataClaimName(String podName) {
    return DATA_VOLUME + "-" + podName;
  }

  /** The shard's StatefulSet. */
  public static StatefulSet statefulSet(DatabaseModel db, DesiredShard shard) {
    String name = ShardedDatabaseResources.shardStatefulSetName(db.name(), shard.id());
    Map<String, String> labels = Labels.shard(db.name(), shard.id());
    ResourcesSpec resources = db.spec().resourcesOrDefault();
    PodsSpec pods = db.spec().pods();
    StatefulSet built =
        new StatefulSetBuilder()
            .withMetadata(PodParts.meta(db, name, labels, settingsOf(pods)))
            .withNewSpec()
            .withServiceName(ShardedDatabaseResources.shardServiceName(db.name(), shard.id()))
            .withReplicas(shard.pods())
            // Pods start together: the operator, not pod order, decides who is primary.
            .withPodManagementPolicy("Parallel")
            // A changed template rolls no pod by itself: the operator deletes secondaries one at
            // a time and the primary last, after a planned switch-over (RollPlanner).
            .withNewUpdateStrategy()
            .withType("OnDelete")
            .endUpdateStrategy()
            .withNewSelector()
            .withMatchLabels(Labels.shardSelector(db.name(), shard.id()))
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .withSecurityContext(Security.pod(MYSQL_UID))
            .withImagePullSecrets(PodParts.pullSecrets(db))
            .withAutomountServiceAccountToken(false)
            .withTerminationGracePeriodSeconds(30L)
            .withAffinity(affinity(db, shard))
            .withTopologySpreadConstraints(zoneSpread(db, shard))
            .withVolumes(
                shardAuthVolume(db),
                shardDataAuthVolume(db),
                PodParts.metricsAuthVolume(db),
                mysqlCredentialsVolume(db),
                Security.scratch(MYSQL_RUN_VOLUME),
                Security.scratch(MYSQL_TMP_VOLUME),
                Security.scratch(SHARD_SERVER_TMP_VOLUME))
            .addAllToVolumes(BackupStoreFiles.volumes(db))
            .withContainers(
                mysqlContainer(db, shard),
                shardServerContainer(
                    db,
                    shard,
                    PodParts.guaranteedMemory(DatabaseModel.orDefault(resources.shardServer()))))
            .endSpec()
            .endTemplate()
            .withVolumeClaimTemplates(dataClaim(db.spec().storageOrDefault(), shard.volumeSize()))
            .endSpec()
            .build();
    PodSettings.apply(built.getSpec().getTemplate(), pods);
    // Shard pods only: routers run as their own ServiceAccount, which their Role is bound to.
    if (pods != null && pods.serviceAccountName() != null) {
      built.getSpec().getTemplate().getSpec().setServiceAccountName(pods.serviceAccountName());
    }
    return TlsPods.shard(Setting.Target.shard(db, shard.id()), built, SHARD_SERVER_CONTAINER);
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

  /**
   * MySQL as a DBA would run it next to one shard-server: it listens on 127.0.0.1 only (the
   * shard-server is its only client), root may log in from localhost only, the binary log is off
   * (the shard-server keeps its own replication log), the InnoDB buffer pool takes half the memory
   * limit, and the probes run a real statement with a deadline, so a mysqld that hangs is restarted
   * even while its port still accepts connections. Its arguments and environment are rows of {@link
   * SettingsTable}.
   */
  private static Container mysqlContainer(DatabaseModel db, DesiredShard shard) {
    Setting.Target target = Setting.Target.shard(db, shard.id());
    return new ContainerBuilder()
        .withName(MYSQL_CONTAINER)
        .withImage(db.images().mysql())
        .withArgs(SettingsTable.args(Setting.Process.MYSQL, target))
        .withEnv(SettingsTable.env(Setting.Process.MYSQL, target))
        .addNewVolumeMount()
        .withName(DATA_VOLUME)
        .withMountPath("/var/lib/mysql")
        .endVolumeMount()
        // The root filesystem is read-only: the socket and pid file, temporary tables.
        .addToVolumeMounts(
            Security.scratchMount(MYSQL_RUN_VOLUME, "/run/mysqld"),
            Security.scratchMount(MYSQL_TMP_VOLUME, "/tmp"),
            mysqlCredentialsMount())
        // First start initialises the data directory: up to 5 minutes before liveness counts.
        .withStartupProbe(PodParts.execProbe(MYSQL_PING, 5, 5, 60))
        .withReadinessProbe(PodParts.execProbe(MYSQL_QUERY, 5, 5, 3))
        .withLivenessProbe(PodParts.execProbe(MYSQL_QUERY, 10, 5, 3))
        .withResources(mysqlResources(db))
        .withSecurityContext(Security.container())
        .build();
  }

  /** MySQL's resources: the spec's or the default, its memory request equal to its limit. */
  static ResourceRequirements mysqlResources(DatabaseModel db) {
    return PodParts.guaranteedMemory(
        DatabaseModel.orDefault(db.spec().resourcesOrDefault().mysql()));
  }

  /** The user's settings the StatefulSet carries, for the digest annotation; null when none. */
  private static Object settingsOf(PodsSpec pods) {
    return pods == null || pods.nothingSet() ? null : pods;
  }

  /**
   * Runs {@code command} as the shard-server's MySQL user with the mounted Secret's {@code
   * password}, else its {@code previous-password} (during a rotation the shard-server changes
   * MySQL's password a moment after the kubelet updated the files: either may be the one MySQL
   * takes). The file's exact bytes, as the shard-server uses them, then without trailing newlines,
   * as the image's {@code MYSQL_PASSWORD_FILE} read them at initialisation (until the shard-server
   * changed the password to the exact bytes).
   */
  static String asMysqlUser(String command) {
    return "cd "
        + ShardedDatabaseResources.MYSQL_CREDENTIALS_MOUNT
        + " && for f in password previous-password; do [ -f \"$f\" ] || continue;"
        + " p=\"$(cat \"$f\"; printf x)\"; for q in \"${p%x}\" \"$(cat \"$f\")\"; do"
        + " MYSQL_PWD=\"$q\" "
        + command
        + " >/dev/null 2>&1 && exit 0; done; done; exit 1";
  }

  /** Answers once mysqld accepts and serves a connection on 127.0.0.1. */
  static final String MYSQL_PING =
      asMysqlUser(
          "\"$(command -v mysqladmin || command -v mariadb-admin)\""
              + " --connect-timeout=3 --protocol=TCP -h 127.0.0.1 -P "
              + ShardedDatabaseResources.MYSQL_PORT
              + " -u \"$MYSQL_USER\" ping");

  /** Runs a statement: a mysqld that accepts connections but no longer answers fails it. */
  static final String MYSQL_QUERY =
      asMysqlUser(
          "\"$(command -v mysql || command -v mariadb)\""
              + " --connect-timeout=3 --protocol=TCP -h 127.0.0.1 -P "
              + ShardedDatabaseResources.MYSQL_PORT
              + " -u \"$MYSQL_USER\" -e 'SELECT 1'");

  private static Container shardServerContainer(
      DatabaseModel db, DesiredShard shard, ResourceRequirements resources) {
    return new ContainerBuilder()
        .withName(SHARD_SERVER_CONTAINER)
        .withImage(db.images().shardServer())
        .addNewPort()
        .withName("http")
        .withContainerPort(ShardedDatabaseResources.SHARD_SERVER_PORT)
        .endPort()
        .addNewPort()
        .withName("replication")
        .withContainerPort(ShardedDatabaseResources.REPLICATION_STREAM_PORT)
        .endPort()
        .addToPorts(PodParts.managementPort())
        // Archiving, base backups and restore at start (docs/backup.md) are rows of the table.
        .withEnv(
            SettingsTable.env(Setting.Process.SHARD_SERVER, Setting.Target.shard(db, shard.id())))
        .withVolumeMounts(
            shardAuthMount(),
            shardDataAuthMount(),
            PodParts.metricsAuthMount(),
            mysqlCredentialsMount(),
            Security.scratchMount(SHARD_SERVER_TMP_VOLUME, "/tmp"))
        .addAllToVolumeMounts(BackupStoreFiles.mounts(db))
        .withStartupProbe(PodParts.startupProbe("/health/liveness"))
        .withReadinessProbe(PodParts.httpProbe("/health/readiness", 5, 5))
        .withLivenessProbe(PodParts.livenessProbe("/health/liveness"))
        .withResources(resources)
        .withSecurityContext(Security.container())
        .build();
  }

  static final String SHARD_AUTH_VOLUME = "shard-auth";

  // Writable scratch under a read-only root filesystem, one per container.
  static final String MYSQL_RUN_VOLUME = "mysql-run";
  static final String MYSQL_TMP_VOLUME = "mysql-tmp";
  static final String SHARD_SERVER_TMP_VOLUME = "shard-server-tmp";

  /**
   * The database's shard credential Secret as files: the kubelet updates them when the Secret is
   * edited, which is how a rotation reaches running pods. Readable by the pod's group only.
   */
  static Volume shardAuthVolume(DatabaseModel db) {
    return new VolumeBuilder()
        .withName(SHARD_AUTH_VOLUME)
        .withNewSecret()
        .withSecretName(ShardedDatabaseResources.shardAuthSecretName(db.name()))
        .withDefaultMode(0440)
        .endSecret()
        .build();
  }

  /** Where a container finds the shard credential files (read-only). */
  static VolumeMount shardAuthMount() {
    return new VolumeMountBuilder()
        .withName(SHARD_AUTH_VOLUME)
        .withMountPath(ShardedDatabaseResources.SHARD_AUTH_MOUNT)
        .withReadOnly(true)
        .build();
  }

  static final String MYSQL_CREDENTIALS_VOLUME = "mysql-credentials";

  /**
   * The MySQL credentials Secret as files, in both containers: the kubelet updates them when the
   * Secret is edited, which is how a new password reaches the running shard-server (it applies it
   * to MySQL) and the probes. Readable by the pod's group only.
   */
  static Volume mysqlCredentialsVolume(DatabaseModel db) {
    return new VolumeBuilder()
        .withName(MYSQL_CREDENTIALS_VOLUME)
        .withNewSecret()
        .withSecretName(db.mysqlSecret())
        .withDefaultMode(0440)
        .endSecret()
        .build();
  }

  /** Where both containers of a shard pod find the MySQL credentials files (read-only). */
  static VolumeMount mysqlCredentialsMount() {
    return new VolumeMountBuilder()
        .withName(MYSQL_CREDENTIALS_VOLUME)
        .withMountPath(ShardedDatabaseResources.MYSQL_CREDENTIALS_MOUNT)
        .withReadOnly(true)
        .build();
  }

  static final String SHARD_DATA_AUTH_VOLUME = "shard-data-auth";

  /**
   * The shard data credential Secret as files: what routers send; a shard-server accepts it on the
   * data endpoints only (docs/security.md, "Identities").
   */
  static Volume shardDataAuthVolume(DatabaseModel db) {
    return new VolumeBuilder()
        .withName(SHARD_DATA_AUTH_VOLUME)
        .withNewSecret()
        .withSecretName(ShardedDatabaseResources.shardDataAuthSecretName(db.name()))
        .withDefaultMode(0440)
        .endSecret()
        .build();
  }

  /** Where a container finds the shard data credential files (read-only). */
  static VolumeMount shardDataAuthMount() {
    return new VolumeMountBuilder()
        .withName(SHARD_DATA_AUTH_VOLUME)
        .withMountPath(ShardedDatabaseResources.SHARD_DATA_AUTH_MOUNT)
        .withReadOnly(true)
        .build();
  }

  /** The claim template: the spec's size, or {@code size} when the shard carries one. */
  private static PersistentVolumeClaim dataClaim(StorageSpec storage, String size) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(DATA_VOLUME)
        .endMetadata()
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withStorageClassName(storage.storageClassName())
        .withNewResources()
        .addToRequests("storage", new Quantity(size != null ? size : storage.sizeOrDefault()))
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
        .withMetadata(PodParts.meta(db, name, Labels.shard(db.name(), shard.id())))
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
        .withMetadata(PodParts.meta(db, name, Labels.shard(db.name(), shard.id())))
        .withNewSpec()
        .withMinAvailable(new IntOrString(DisruptionBudgets.shardMinAvailable(shard.replicas())))
        .withNewSelector()
        .withMatchLabels(Labels.shardSelector(db.name(), shard.id()))
        .endSelector()
        .endSpec()
        .build();
  }
}
