package io.shardeddb.operator.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.shardeddb.api.Labels;
import io.shardeddb.api.SecretKeys;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.PodsSpec;
import io.shardeddb.api.v1alpha1.RouterServiceSpec;
import io.shardeddb.api.v1alpha1.RouterSpec;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.operator.cert.TlsPods;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the router's Deployment (its data and admin tokens and the shard data credential, each a
 * mounted Secret), Service, NetworkPolicy and its ServiceAccount, Role and RoleBinding (read its
 * own ShardedDatabase, patch its spec for /init, /add, /rm; no access to any Secret).
 */
public final class RouterModel {

  /** The router runs as an unprivileged user of its image. */
  static final long ROUTER_UID = 10001;

  static final String TMP_VOLUME = "router-tmp";

  static final String TOKEN_VOLUME = "router-token";

  /** Where the router finds its token files: {@code token} (data) and {@code admin-token}. */
  public static final String TOKEN_MOUNT = "/var/run/secrets/shardeddb/router-token";

  private RouterModel() {}

  /** The routers' disruption budget: one router at a time may be evicted. */
  public static PodDisruptionBudget podDisruptionBudget(DatabaseModel db) {
    String name = ShardedDatabaseResources.routerName(db.name());
    return new PodDisruptionBudgetBuilder()
        .withMetadata(PodParts.meta(db, name, Labels.component(db.name(), Labels.COMPONENT_ROUTER)))
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(DisruptionBudgets.routerMaxUnavailable()))
        .withNewSelector()
        .withMatchLabels(Labels.routerSelector(db.name()))
        .endSelector()
        .endSpec()
        .build();
  }

  /** The router Deployment, holding the shard data credential only. */
  public static Deployment deployment(DatabaseModel db) {
    return deployment(db, true);
  }

  /**
   * Whether routers may switch to the shard data credential: every shard pod that exists mounts it
   * (so its shard-server accepts it on the data endpoints). Pods from before per-role credentials
   * accept only the shard credential; while any runs (an upgrade's roll), routers keep sending that
   * one, and they switch once the last old pod is replaced. No pods yet: every pod to come mounts
   * it.
   */
  public static boolean shardsAcceptDataCredential(Collection<Pod> pods) {
    return pods.stream()
        .filter(p -> p.getMetadata() != null && p.getMetadata().getLabels() != null)
        .filter(
            p -> Labels.COMPONENT_SHARD.equals(p.getMetadata().getLabels().get(Labels.COMPONENT)))
        .allMatch(
            p ->
                p.getSpec() != null
                    && p.getSpec().getVolumes() != null
                    && p.getSpec().getVolumes().stream()
                        .anyMatch(v -> ShardModel.SHARD_DATA_AUTH_VOLUME.equals(v.getName())));
  }

  /**
   * The router Deployment. With {@code dataCredential} its pods hold only the shard data credential
   * (refused by shard-servers on every control and replication endpoint); without, the shard
   * credential, as before per-role credentials (see {@link #shardsAcceptDataCredential}).
   */
  public static Deployment deployment(DatabaseModel db, boolean dataCredential) {
    String name = ShardedDatabaseResources.routerName(db.name());
    Map<String, String> labels = Labels.component(db.name(), Labels.COMPONENT_ROUTER);
    RouterSpec router = db.spec().routerOrDefault();
    PodsSpec pods = db.spec().pods();
    Deployment built =
        new DeploymentBuilder()
            .withMetadata(
                PodParts.meta(db, name, labels, pods == null || pods.nothingSet() ? null : pods))
            .withNewSpec()
            .withReplicas(db.routerReplicas())
            .withNewSelector()
            .withMatchLabels(Labels.routerSelector(db.name()))
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .withServiceAccountName(name)
            .withSecurityContext(Security.pod(ROUTER_UID))
            .withImagePullSecrets(PodParts.pullSecrets(db))
            .withVolumes(
                dataCredential
                    ? ShardModel.shardDataAuthVolume(db)
                    : ShardModel.shardAuthVolume(db),
                tokenVolume(db),
                PodParts.metricsAuthVolume(db),
                Security.scratch(TMP_VOLUME))
            .addNewContainer()
            .withName("router")
            .withImage(db.images().router())
            .addNewPort()
            .withName("http")
            .withContainerPort(ShardedDatabaseResources.ROUTER_PORT)
            .endPort()
            .addNewPort()
            .withName("mysql")
            .withContainerPort(ShardedDatabaseResources.ROUTER_MYSQL_PORT)
            .endPort()
            .addToPorts(PodParts.managementPort())
            .withEnv(
                SettingsTable.env(
                    Setting.Process.ROUTER, Setting.Target.router(db, dataCredential)))
            .withVolumeMounts(
                dataCredential ? ShardModel.shardDataAuthMount() : ShardModel.shardAuthMount(),
                tokenMount(),
                PodParts.metricsAuthMount(),
                // The root filesystem is read-only; the JVM's /tmp.
                Security.scratchMount(TMP_VOLUME, "/tmp"))
            .withStartupProbe(PodParts.startupProbe("/health/liveness"))
            .withReadinessProbe(PodParts.httpProbe("/health/readiness", 5, 5))
            .withLivenessProbe(PodParts.livenessProbe("/health/liveness"))
            .withResources(
                PodParts.guaranteedMemory(
                    DatabaseModel.orDefault(db.spec().resourcesOrDefault().router())))
            .withSecurityContext(Security.container())
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    PodSettings.apply(built.getSpec().getTemplate(), pods);
    return TlsPods.router(Setting.Target.router(db, dataCredential), built);
  }

  /**
   * The router token Secret as two files, {@code token} and {@code admin-token}: the router reads
   * them again as the kubelet updates them (a rotation needs no restart, and the replaced token
   * stays accepted for {@code shardeddb.router.auth.overlap}), and no token sits in the
   * environment. Both keys are listed, so a Secret without {@code admin-token} keeps routers from
   * starting (the data token never stands in; SpecValidator reports it) and other keys of a user's
   * Secret stay out of the pod. Readable by the pod's group (fsGroup) only: the kubelet makes the
   * files root's, so 0400 would leave the non-root router unable to read them.
   */
  static Volume tokenVolume(DatabaseModel db) {
    return new VolumeBuilder()
        .withName(TOKEN_VOLUME)
        .withNewSecret()
        .withSecretName(db.routerTokenSecret())
        .addNewItem()
        .withKey(SecretKeys.TOKEN)
        .withPath(SecretKeys.TOKEN)
        .endItem()
        .addNewItem()
        .withKey(SecretKeys.ADMIN_TOKEN)
        .withPath(SecretKeys.ADMIN_TOKEN)
        .endItem()
        .withDefaultMode(0440)
        .endSecret()
        .build();
  }

  /** Where the router container finds its token files (read-only). */
  static VolumeMount tokenMount() {
    return new VolumeMountBuilder()
        .withName(TOKEN_VOLUME)
        .withMountPath(TOKEN_MOUNT)
        .withReadOnly(true)
        .build();
  }

  /** The path of the file holding the Secret's key {@code key}. */
  public static String tokenFile(String key) {
    return TOKEN_MOUNT + "/" + key;
  }

  /**
   * The router Service, ports 8080 (HTTP) and 3306 (MySQL protocol), of {@code
   * spec.router.service.type} (ClusterIP by default, always written so that a change back to it is
   * a difference), with the user's annotations.
   */
  public static Service service(DatabaseModel db) {
    String name = ShardedDatabaseResources.routerName(db.name());
    RouterServiceSpec settings = db.spec().routerOrDefault().serviceOrDefault();
    Map<String, String> annotations = settings.annotationsOrEmpty();
    ObjectMeta meta =
        PodParts.meta(
            db,
            name,
            Labels.component(db.name(), Labels.COMPONENT_ROUTER),
            annotations.isEmpty() ? null : new TreeMap<>(annotations));
    if (!annotations.isEmpty()) {
      Map<String, String> all = new TreeMap<>(annotations);
      all.putAll(meta.getAnnotations());
      meta.setAnnotations(all);
    }
    return new ServiceBuilder()
        .withMetadata(meta)
        .withNewSpec()
        .withType(settings.typeOrDefault().name())
        .withSelector(Labels.routerSelector(db.name()))
        .addNewPort()
        .withName("http")
        .withPort(ShardedDatabaseResources.ROUTER_PORT)
        .withTargetPort(new IntOrString("http"))
        .endPort()
        .addNewPort()
        .withName("mysql")
        .withPort(ShardedDatabaseResources.ROUTER_MYSQL_PORT)
        .withTargetPort(new IntOrString("mysql"))
        .endPort()
        .endSpec()
        .build();
  }

  /** The router's ServiceAccount. */
  public static ServiceAccount serviceAccount(DatabaseModel db) {
    String name = ShardedDatabaseResources.routerName(db.name());
    return new ServiceAccountBuilder()
        .withMetadata(PodParts.meta(db, name, Labels.component(db.name(), Labels.COMPONENT_ROUTER)))
        .build();
  }

  /**
   * Read its own ShardedDatabase (and its status) and list Events in its namespace (the web console
   * shows the database's); no write on the ShardedDatabase: /init, /add and /rm go to the layout
   * request ConfigMap (get and update of that one object, which the operator creates), and the
   * operator validates and merges them into the spec. The chart's router field policy still denies
   * the router any spec write, as a second layer where the API server has it.
   */
  public static Role role(DatabaseModel db) {
    String name = ShardedDatabaseResources.routerName(db.name());
    return new RoleBuilder()
        .withMetadata(PodParts.meta(db, name, Labels.component(db.name(), Labels.COMPONENT_ROUTER)))
        .withRules(
            new PolicyRuleBuilder()
                .withApiGroups(ShardedDatabase.GROUP)
                .withResources("shardeddatabases")
                .withResourceNames(db.name())
                .withVerbs("get", "list", "watch")
                .build(),
            new PolicyRuleBuilder()
                .withApiGroups(ShardedDatabase.GROUP)
                .withResources("shardeddatabases/status")
                .withResourceNames(db.name())
                .withVerbs("get")
                .build(),
            new PolicyRuleBuilder()
                .withApiGroups("")
                .withResources("configmaps")
                .withResourceNames(ShardedDatabaseResources.layoutRequestName(db.name()))
                .withVerbs("get", "update")
                .build(),
            // The web console lists the database's Events (a field selector on the involved
            // object; list cannot be limited by name). Read-only.
            new PolicyRuleBuilder()
                .withApiGroups("")
                .withResources("events")
                .withVerbs("list")
                .build())
        .build();
  }

  /** Binds the router Role to the router ServiceAccount. */
  public static RoleBinding roleBinding(DatabaseModel db) {
    String name = ShardedDatabaseResources.routerName(db.name());
    return new RoleBindingBuilder()
        .withMetadata(PodParts.meta(db, name, Labels.component(db.name(), Labels.COMPONENT_ROUTER)))
        .withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind("Role")
        .withName(name)
        .endRoleRef()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(name)
        .withNamespace(db.namespace())
        .endSubject()
        .build();
  }
}
