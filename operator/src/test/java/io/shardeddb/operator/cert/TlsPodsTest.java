package io.shardeddb.operator.cert;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.TlsSpec;
import io.shardeddb.operator.model.DatabaseModel;
import io.shardeddb.operator.model.DesiredShard;
import io.shardeddb.operator.model.Images;
import io.shardeddb.operator.model.RouterModel;
import io.shardeddb.operator.model.Setting;
import io.shardeddb.operator.model.Setting.Channel;
import io.shardeddb.operator.model.Setting.Process;
import io.shardeddb.operator.model.Setting.Target;
import io.shardeddb.operator.model.SettingsTable;
import io.shardeddb.operator.model.ShardModel;
import io.shardeddb.operator.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TLS in the pods the operator builds: each pod mounts its own role's pair (never another role's,
 * never the CA key), the servers are switched to it, probes ask the management port over HTTPS (it
 * speaks TLS with the pod's certificate); {@code tls.enabled: false} leaves the pods plain, {@code
 * routerPlainHttp} the router's client and management ports.
 */
class TlsPodsTest {

  private final Images images = new Images("ss:1", "rt:1", "my:1");

  private DatabaseModel db(TlsSpec tls) {
    ShardedDatabase sdb = Fixtures.load("students.yaml", "ns");
    sdb.setSpec(sdb.getSpec().toBuilder().tls(tls).build());
    return DatabaseModel.of(sdb, images);
  }

  private static String env(Container c, String name) {
    return c.getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .map(EnvVar::getValue)
        .findFirst()
        .orElse(null);
  }

  private static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst().orElse(null);
  }

  private static Container container(PodSpec pod, String name) {
    return pod.getContainers().stream().filter(c -> c.getName().equals(name)).findFirst().get();
  }

  @Test
  void byDefaultEveryPodMountsItsOwnRolesCertificateAndProbesTheManagementPortOverHttps() {
    DatabaseModel db = db(null);
    PodSpec shard =
        ShardModel.statefulSet(db, new DesiredShard("sh1", 3)).getSpec().getTemplate().getSpec();
    // The shard's Secret of per-pod pairs, whole; the server picks its own by its pod name.
    assertThat(volume(shard, "tls").getSecret().getSecretName()).isEqualTo("students-sh1-tls");
    assertThat(volume(shard, "tls").getSecret().getItems()).isNullOrEmpty();
    Container server = container(shard, "shard-server");
    assertThat(env(server, "SHARDEDDB_TLS_ENABLED")).isEqualTo("true");
    assertThat(
            server.getEnv().stream()
                .filter(e -> e.getName().equals("SHARDEDDB_TLS_POD_NAME"))
                .map(e -> e.getValueFrom().getFieldRef().getFieldPath())
                .findFirst())
        .contains("metadata.name");
    assertThat(env(server, "SHARDEDDB_TLS_DIR")).isEqualTo("/var/run/secrets/shardeddb/tls");
    assertThat(server.getReadinessProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");
    assertThat(server.getReadinessProbe().getHttpGet().getPort().getStrVal())
        .isEqualTo("management");
    assertThat(container(shard, "mysql").getVolumeMounts())
        .extracting(m -> m.getName())
        .doesNotContain("tls");

    PodSpec router = RouterModel.deployment(db).getSpec().getTemplate().getSpec();
    assertThat(volume(router, "tls").getSecret().getItems())
        .extracting(i -> i.getKey() + "->" + i.getPath())
        .containsExactly("ca.crt->ca.crt", "router.crt->tls.crt", "router.key->tls.key");
    Container r = router.getContainers().get(0);
    assertThat(env(r, "SHARDEDDB_ROUTER_TLS_DIR")).isEqualTo("/var/run/secrets/shardeddb/tls");
    assertThat(env(r, "SHARDEDDB_ROUTER_SERVE_TLS")).isEqualTo("true");
    assertThat(r.getLivenessProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");
    assertThat(r.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("management");
  }

  @Test
  void tlsOffLeavesThePodsPlainAndPlainHttpOnlyTheRoutersClientPort() {
    DatabaseModel off = db(new TlsSpec(false, null, null));
    PodSpec shard =
        ShardModel.statefulSet(off, new DesiredShard("sh1", 3)).getSpec().getTemplate().getSpec();
    assertThat(volume(shard, "tls")).isNull();
    assertThat(container(shard, "shard-server").getReadinessProbe().getHttpGet().getScheme())
        .isNull();

    DatabaseModel plain = db(new TlsSpec(null, true, null));
    PodSpec router = RouterModel.deployment(plain).getSpec().getTemplate().getSpec();
    Container r = router.getContainers().get(0);
    assertThat(env(r, "SHARDEDDB_ROUTER_SERVE_TLS")).isEqualTo("false");
    assertThat(env(r, "SHARDEDDB_ROUTER_TLS_DIR")).as("shard hops stay TLS").isNotNull();
    assertThat(r.getReadinessProbe().getHttpGet().getScheme())
        .as("with routerPlainHttp the router's management port is plain too")
        .isNull();
  }

  /**
   * The TLS variables are the settings table's rows, names and values: the container carries
   * exactly what the table gives for it, every directory variable names a mount of the container,
   * and every certificate mount is named by one (so the row and the volume cannot drift apart).
   */
  @Test
  void theTlsVariablesAreTheSettingsTablesRowsAndNameTheMountedDirectories() {
    List<TlsSpec> variants =
        List.of(
            new TlsSpec(null, null, null),
            new TlsSpec(null, true, null),
            new TlsSpec(null, null, "my-router-cert"),
            new TlsSpec(null, true, "my-router-cert"),
            new TlsSpec(false, null, "my-router-cert"));
    for (TlsSpec tls : variants) {
      DatabaseModel db = db(tls);
      Container server =
          container(
              ShardModel.statefulSet(db, new DesiredShard("sh1", 3))
                  .getSpec()
                  .getTemplate()
                  .getSpec(),
              "shard-server");
      assertTableVariables(
          tls,
          server,
          SettingsTable.env(Process.SHARD_SERVER, Channel.TLS_ENV, Target.shard(db, "sh1")));
      for (boolean dataCredential : List.of(true, false)) {
        Container router =
            RouterModel.deployment(db, dataCredential)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
        assertTableVariables(
            tls,
            router,
            SettingsTable.env(Process.ROUTER, Channel.TLS_ENV, Target.router(db, dataCredential)));
      }
    }
  }

  private static void assertTableVariables(TlsSpec tls, Container c, List<EnvVar> fromTable) {
    List<String> tlsNames =
        SettingsTable.ROWS.stream()
            .filter(s -> s.channel() == Channel.TLS_ENV)
            .map(Setting::name)
            .toList();
    assertThat(c.getEnv().stream().filter(e -> tlsNames.contains(e.getName())).toList())
        .as("%s, %s: the TLS variables", tls, c.getName())
        .containsExactlyElementsOf(fromTable);
    if (!tls.enabledOrDefault()) {
      assertThat(fromTable).as("%s: no TLS variable with TLS off", tls).isEmpty();
    }
    List<String> mounts = c.getVolumeMounts().stream().map(m -> m.getMountPath()).toList();
    List<String> dirs =
        fromTable.stream().filter(e -> e.getName().endsWith("_DIR")).map(EnvVar::getValue).toList();
    assertThat(mounts).as("%s, %s: the mounts", tls, c.getName()).containsAll(dirs);
    assertThat(
            c.getVolumeMounts().stream()
                .filter(
                    m ->
                        m.getName().equals(TlsPods.TLS_VOLUME)
                            || m.getName().equals(TlsPods.ROUTER_SERVER_TLS_VOLUME))
                .map(m -> m.getMountPath())
                .toList())
        .as("%s, %s: the certificate mounts, each named by a variable", tls, c.getName())
        .containsExactlyInAnyOrderElementsOf(dirs);
  }

  @Test
  void aUsersRouterCertificateIsServedToClients() {
    DatabaseModel db = db(new TlsSpec(null, null, "my-router-cert"));
    PodSpec router = RouterModel.deployment(db).getSpec().getTemplate().getSpec();
    assertThat(volume(router, "router-server-tls").getSecret().getSecretName())
        .isEqualTo("my-router-cert");
    assertThat(env(router.getContainers().get(0), "SHARDEDDB_ROUTER_SERVER_TLS_DIR"))
        .isEqualTo("/var/run/secrets/shardeddb/router-server-tls");
    assertThat(List.of(TlsPods.speaksTls(null))).containsExactly(false);
  }
}
