package io.shardeddb.operator.cert;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.TlsSpec;
import io.shardeddb.operator.model.DatabaseModel;
import io.shardeddb.operator.model.Setting.Channel;
import io.shardeddb.operator.model.Setting.Process;
import io.shardeddb.operator.model.Setting.Target;
import io.shardeddb.operator.model.SettingsTable;
import io.shardeddb.protocol.tls.PemMaterial;
import io.shardeddb.protocol.tls.TlsRole;

/**
 * What TLS adds to the pods the operator builds (pure): for routers, the TLS Secret projected with
 * the router's pair as {@code tls.crt}/{@code tls.key} beside {@code ca.crt}; for shard-servers,
 * their shard's Secret of per-pod pairs, whole, with the pod's name so the server picks its own
 * {@code <pod>.crt/.key}; the settings that switch the servers to it (the {@code TLS_ENV} rows of
 * {@link SettingsTable}, names and values). The probes ask the management port over HTTPS, which
 * then speaks TLS with the same certificate (the kubelet does not verify it; docs/security.md,
 * "Management port"); a router with {@code routerPlainHttp} serves both ports plain. With {@code
 * spec.tls.enabled: false} the pods are left as they are.
 */
public final class TlsPods {

  static final String TLS_VOLUME = "tls";
  static final String ROUTER_SERVER_TLS_VOLUME = "router-server-tls";

  private TlsPods() {}

  /**
   * The shard StatefulSet of {@code target}'s shard with TLS added to its shard-server container.
   */
  public static StatefulSet shard(Target target, StatefulSet sts, String container) {
    DatabaseModel db = target.db();
    if (!db.spec().tlsOrDefault().enabledOrDefault()) {
      return sts;
    }
    PodSpec pod = sts.getSpec().getTemplate().getSpec();
    pod.getVolumes()
        .add(
            new VolumeBuilder()
                .withName(TLS_VOLUME)
                .withNewSecret()
                .withSecretName(
                    ShardedDatabaseResources.shardTlsSecretName(db.name(), target.shard()))
                .withDefaultMode(0440)
                .endSecret()
                .build());
    for (Container c : pod.getContainers()) {
      if (c.getName().equals(container)) {
        c.getVolumeMounts().add(mount(TLS_VOLUME, ShardedDatabaseResources.TLS_MOUNT));
        c.getEnv().addAll(SettingsTable.env(Process.SHARD_SERVER, Channel.TLS_ENV, target));
        probeOverHttps(c);
      }
    }
    return sts;
  }

  /**
   * The router Deployment with TLS to shard-servers and, unless plain HTTP is asked, to clients.
   */
  public static Deployment router(Target target, Deployment deployment) {
    DatabaseModel db = target.db();
    TlsSpec tls = db.spec().tlsOrDefault();
    if (!tls.enabledOrDefault()) {
      return deployment;
    }
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    pod.getVolumes().add(tlsVolume(db, TlsRole.ROUTER));
    Container c = pod.getContainers().get(0);
    c.getVolumeMounts().add(mount(TLS_VOLUME, ShardedDatabaseResources.TLS_MOUNT));
    if (servesUsersCertificate(tls)) {
      pod.getVolumes()
          .add(
              new VolumeBuilder()
                  .withName(ROUTER_SERVER_TLS_VOLUME)
                  .withNewSecret()
                  .withSecretName(tls.routerCertificateSecret())
                  .withItems(
                      item(PemMaterial.CERT_FILE, PemMaterial.CERT_FILE),
                      item(PemMaterial.KEY_FILE, PemMaterial.KEY_FILE))
                  .withDefaultMode(0440)
                  .endSecret()
                  .build());
      c.getVolumeMounts()
          .add(mount(ROUTER_SERVER_TLS_VOLUME, ShardedDatabaseResources.ROUTER_SERVER_TLS_MOUNT));
    }
    c.getEnv().addAll(SettingsTable.env(Process.ROUTER, Channel.TLS_ENV, target));
    if (!tls.routerPlainHttpOrDefault()) {
      probeOverHttps(c);
    }
    return deployment;
  }

  /** The container's HTTP probes (all on the management port) ask over HTTPS. */
  private static void probeOverHttps(Container c) {
    for (io.fabric8.kubernetes.api.model.Probe p :
        java.util.Arrays.asList(c.getStartupProbe(), c.getReadinessProbe(), c.getLivenessProbe())) {
      if (p != null && p.getHttpGet() != null) {
        p.getHttpGet().setScheme("HTTPS");
      }
    }
  }

  /**
   * Whether the router serves its clients the user's certificate ({@code
   * spec.tls.routerCertificateSecret}, over HTTPS): then it mounts that Secret, and the settings
   * table's {@code SHARDEDDB_ROUTER_SERVER_TLS_DIR} row names the mount.
   */
  public static boolean servesUsersCertificate(TlsSpec tls) {
    return !tls.routerPlainHttpOrDefault() && tls.routerCertificateSecret() != null;
  }

  /**
   * Whether {@code pod} was built to speak TLS (it mounts the TLS Secret): the scheme to call it
   * with, decided per pod, since pods built before TLS was switched on still speak plain HTTP.
   */
  public static boolean speaksTls(io.fabric8.kubernetes.api.model.Pod pod) {
    return pod != null
        && pod.getSpec() != null
        && pod.getSpec().getVolumes() != null
        && pod.getSpec().getVolumes().stream().anyMatch(v -> TLS_VOLUME.equals(v.getName()));
  }

  /** The TLS Secret with {@code role}'s pair projected as {@code tls.crt}/{@code tls.key}. */
  static Volume tlsVolume(DatabaseModel db, TlsRole role) {
    return new VolumeBuilder()
        .withName(TLS_VOLUME)
        .withNewSecret()
        .withSecretName(ShardedDatabaseResources.tlsSecretName(db.name()))
        .withItems(
            item(TlsSecrets.CA_CERT, PemMaterial.CA_FILE),
            item(TlsSecrets.certKey(role), PemMaterial.CERT_FILE),
            item(TlsSecrets.keyKey(role), PemMaterial.KEY_FILE))
        .withDefaultMode(0440)
        .endSecret()
        .build();
  }

  private static KeyToPath item(String key, String path) {
    return new KeyToPath(key, null, path);
  }

  private static VolumeMount mount(String volume, String path) {
    return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(true).build();
  }
}
