package io.shardeddb.bench;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.local.LocalCluster;
import io.shardeddb.protocol.tls.PemMaterial;
import io.shardeddb.protocol.tls.Tls;
import io.shardeddb.protocol.tls.TlsMaterialSource;
import io.shardeddb.protocol.tls.TlsRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * One configuration deployed in local mode: applies its ShardedDatabase, waits until the operator
 * reports it Ready and its router answers, and deletes it (and waits for its pods to go) on close.
 */
final class LocalDeployment implements AutoCloseable {
  private final LocalCluster cluster;
  private final String name;
  private final Duration timeout;
  private final LocalCluster.RouterInfo router;

  private LocalDeployment(
      LocalCluster cluster, String name, Duration timeout, LocalCluster.RouterInfo router) {
    this.cluster = cluster;
    this.name = name;
    this.timeout = timeout;
    this.router = router;
  }

  /** Applies {@code yaml} (written under {@code workDir}) and waits until it is usable. */
  static LocalDeployment up(LocalCluster cluster, DatabaseYaml yaml, Path workDir, Duration timeout)
      throws IOException {
    Files.createDirectories(workDir);
    Path file = workDir.resolve(yaml.name() + ".yaml");
    Files.writeString(file, yaml.render());
    String name = cluster.apply(file);
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofSeconds(2))
        .ignoreExceptions()
        .until(() -> isReady(cluster, name));
    LocalCluster.RouterInfo info =
        await()
            .atMost(timeout)
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> cluster.routerInfo(name).orElse(null), i -> i != null);
    return new LocalDeployment(cluster, name, timeout, info);
  }

  RouterTarget target() {
    return new RouterTarget(router.routerUrl(), router.token(), router.tls());
  }

  /**
   * Which group a process of this configuration belongs to, by its command line: the router pods,
   * the shards' current primaries, the other shard-server replicas; empty for other processes.
   */
  Function<List<String>, Optional<String>> processGroups() {
    ShardedDatabase r = resource(cluster, name);
    Set<String> primaries = new HashSet<>();
    if (r != null && r.getStatus() != null) {
      r.getStatus().shardsOrEmpty().forEach(s -> primaries.add(s.primary()));
    }
    String marker = "-Dshardeddb.local.pod=";
    return cmd ->
        cmd.stream()
            .filter(a -> a.startsWith(marker + name + "-"))
            .findFirst()
            .map(a -> a.substring(marker.length()))
            .map(
                pod ->
                    cmd.stream().anyMatch(a -> a.endsWith("router.jar"))
                        ? "router"
                        : primaries.contains(pod) ? "primaries" : "secondaries");
  }

  /**
   * Every pod's metrics page, with the group its process belongs to (as {@link #processGroups}):
   * the pod's address and its management port (container port {@value
   * ShardedDatabaseResources#MANAGEMENT_PORT_NAME}), read as Prometheus does: over HTTPS verified
   * against the database's CA when the pod's probes ask HTTPS (TLS on), with the scrape credential
   * of {@code <db>-metrics} (docs/security.md, "Management port").
   */
  List<HopMeters.Pod> meterPods() {
    ShardedDatabase r = resource(cluster, name);
    Set<String> primaries = new HashSet<>();
    if (r != null && r.getStatus() != null) {
      r.getStatus().shardsOrEmpty().forEach(s -> primaries.add(s.primary()));
    }
    List<HopMeters.Pod> out = new java.util.ArrayList<>();
    String token = secretValue(ShardedDatabaseResources.metricsAuthSecretName(name), "token");
    String ca = secretValue(ShardedDatabaseResources.tlsSecretName(name), "ca.crt");
    SSLContext tls =
        ca == null
            ? null
            : Tls.clientContext(
                TlsMaterialSource.fixed(PemMaterial.parse(ca, null, null)),
                EnumSet.of(TlsRole.SHARD_SERVER, TlsRole.ROUTER));
    for (Pod pod : podList(cluster.client())) {
      String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
      Optional<Integer> port =
          pod.getSpec().getContainers().stream()
              .flatMap(c -> c.getPorts() == null ? Stream.empty() : c.getPorts().stream())
              .filter(p -> ShardedDatabaseResources.MANAGEMENT_PORT_NAME.equals(p.getName()))
              .map(p -> p.getContainerPort())
              .findFirst();
      if (ip == null || port.isEmpty()) {
        continue;
      }
      String podName = pod.getMetadata().getName();
      boolean isRouter =
          pod.getSpec().getContainers().stream().anyMatch(c -> c.getName().contains("router"));
      String group =
          isRouter ? "router" : primaries.contains(podName) ? "primaries" : "secondaries";
      boolean https =
          tls != null
              && pod.getSpec().getContainers().stream()
                  .anyMatch(
                      c ->
                          c.getReadinessProbe() != null
                              && c.getReadinessProbe().getHttpGet() != null
                              && "HTTPS".equals(c.getReadinessProbe().getHttpGet().getScheme()));
      String url = (https ? "https://" : "http://") + ip + ":" + port.get() + "/prometheus";
      out.add(new HopMeters.Pod(group, url, https ? tls : null, token));
    }
    return out;
  }

  /** A value of a Secret of the database's namespace, or null when there is none. */
  private String secretValue(String secret, String key) {
    io.fabric8.kubernetes.api.model.Secret s =
        cluster.client().secrets().inNamespace(cluster.namespace()).withName(secret).get();
    if (s == null || s.getData() == null || s.getData().get(key) == null) {
      return null;
    }
    return new String(
        java.util.Base64.getDecoder().decode(s.getData().get(key)),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  /** How many pod processes this configuration runs (shard-servers and routers). */
  int podCount() {
    return pods(cluster.client()).size();
  }

  @Override
  public void close() {
    cluster
        .client()
        .resources(ShardedDatabase.class)
        .inNamespace(cluster.namespace())
        .withName(name)
        .delete();
    // Free the cores before the next configuration starts.
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> pods(cluster.client()).isEmpty());
  }

  private List<?> pods(KubernetesClient client) {
    return podList(client);
  }

  private List<Pod> podList(KubernetesClient client) {
    return client
        .pods()
        .inNamespace(cluster.namespace())
        .withLabel("app.kubernetes.io/instance", name)
        .list()
        .getItems();
  }

  private static ShardedDatabase resource(LocalCluster cluster, String name) {
    return cluster
        .client()
        .resources(ShardedDatabase.class)
        .inNamespace(cluster.namespace())
        .withName(name)
        .get();
  }

  private static boolean isReady(LocalCluster cluster, String name) {
    ShardedDatabase r = resource(cluster, name);
    if (r == null || r.getStatus() == null) {
      return false;
    }
    ShardedDatabaseStatus status = r.getStatus();
    boolean current =
        status.observedGeneration() != null
            && status.observedGeneration() >= r.getMetadata().getGeneration();
    return current
        && status.condition("Ready").map(c -> "True".equals(c.getStatus())).orElse(false);
  }
}
