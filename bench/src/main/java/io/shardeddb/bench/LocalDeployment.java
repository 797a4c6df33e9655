package io.shardeddb.bench;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.shardeddb.api.ShardedDatabaseResources;
import io.shardeddb.api.v1alpha1.ShardedDatabase;
import io.shardeddb.api.v1alpha1.ShardedDatabaseStatus;
import io.shardeddb.local.LocalCluster;
import io.shardeddb.protocol.client.RouterClient;
import io.shardeddb.protocol.client.RouterException;
import io.shardeddb.protocol.lb.DatabaseConfig;
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
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * One configuration deployed in local mode: applies its ShardedDatabase (whole, or awaiting the
 * assignment's {@code /init}), waits until the operator reports it Ready and its router answers,
 * and deletes it (and waits for its pods to go) on close — or at once when it does not come up in
 * time.
 */
final class LocalDeployment implements AutoCloseable {
  private final LocalCluster cluster;
  private final String name;
  private final Duration timeout;
  private final LocalCluster.RouterInfo router;

  /** The router's answer to the assignment's {@code /init}; null when made from a full spec. */
  private final String initReply;

  private LocalDeployment(
      LocalCluster cluster,
      String name,
      Duration timeout,
      LocalCluster.RouterInfo router,
      String initReply) {
    this.cluster = cluster;
    this.name = name;
    this.timeout = timeout;
    this.router = router;
    this.initReply = initReply;
  }

  /**
   * Applies {@code yaml} (written under {@code workDir}) and waits until it is usable, within
   * {@code timeout}; a configuration that is not is deleted (its pods gone) before the error goes
   * up, so the next one never runs beside it.
   */
  static LocalDeployment up(LocalCluster cluster, DatabaseYaml yaml, Path workDir, Duration timeout)
      throws Exception {
    String name = apply(cluster, yaml.name(), yaml.render(), workDir);
    long deadline = System.nanoTime() + timeout.toNanos();
    return orCleanUp(
        () -> {
          await()
              .atMost(remaining(deadline))
              .pollInterval(Duration.ofSeconds(2))
              .ignoreExceptions()
              .until(() -> isReady(cluster, name));
          return new LocalDeployment(
              cluster, name, timeout, awaitRouter(cluster, name, deadline), null);
        },
        () -> delete(cluster, name, timeout));
  }

  /**
   * The assignment's way: applies {@code yaml} with no schema and no shards ({@link
   * DatabaseYaml#renderAwaitingInit()}), waits for its router, sends {@code init} ({@code POST
   * /init}) with the admin token, and waits until the database is Ready and its router serves the
   * layout — all within {@code timeout}, else the configuration is deleted before the error goes
   * up. The router answers {@code /init} once the shards are Ready or after its own admin timeout
   * (120 s) with a 504 while the operator goes on; then this keeps waiting up to {@code timeout}.
   */
  static LocalDeployment upByInit(
      LocalCluster cluster, DatabaseYaml yaml, DatabaseConfig init, Path workDir, Duration timeout)
      throws Exception {
    String name = apply(cluster, yaml.name(), yaml.renderAwaitingInit(), workDir);
    long deadline = System.nanoTime() + timeout.toNanos();
    return orCleanUp(
        () -> {
          LocalCluster.RouterInfo first = awaitRouter(cluster, name, deadline);
          String reply = init(first, init, remaining(deadline));
          Phases.log("/init " + name + ": " + reply);
          await()
              .atMost(remaining(deadline))
              .pollInterval(Duration.ofSeconds(2))
              .ignoreExceptions()
              .until(() -> isReady(cluster, name));
          LocalCluster.RouterInfo info = awaitRouter(cluster, name, deadline);
          RouterClient data = info.client(info.token(), Rows.KEY, Duration.ofSeconds(10));
          await()
              .atMost(remaining(deadline))
              .pollInterval(Duration.ofSeconds(1))
              .ignoreExceptions()
              .until(() -> data.status().shards().size() == init.shards().size());
          return new LocalDeployment(cluster, name, timeout, info, reply);
        },
        () -> delete(cluster, name, timeout));
  }

  /**
   * {@code bringUp}'s result; when it fails, {@code cleanUp} runs first and the failure goes up
   * (with a failure of the clean-up attached as suppressed).
   */
  static <T> T orCleanUp(Callable<T> bringUp, Runnable cleanUp) throws Exception {
    try {
      return bringUp.call();
    } catch (Exception | Error e) {
      try {
        cleanUp.run();
      } catch (RuntimeException cleanUpFailed) {
        e.addSuppressed(cleanUpFailed);
      }
      throw e;
    }
  }

  /**
   * {@code POST /init} with the admin token: the router's message, or what came instead of it when
   * the router did not answer in time (504 or no answer: the operator goes on, the caller waits for
   * Ready). A refusal (4xx) goes up: the body is wrong.
   */
  private static String init(LocalCluster.RouterInfo router, DatabaseConfig init, Duration left) {
    Duration timeout = left.compareTo(INIT_REPLY) < 0 ? left : INIT_REPLY;
    RouterClient admin = router.client(router.adminToken(), Rows.KEY, timeout);
    try {
      return admin.init(init).message();
    } catch (RouterException e) {
      if (e.status() >= 400 && e.status() < 500) {
        throw e;
      }
      return "no reply in time (" + e.status() + " " + e.getMessage() + "); waiting for Ready";
    } catch (java.io.UncheckedIOException e) {
      return "no reply in time (" + e.getMessage() + "); waiting for Ready";
    }
  }

  /** How long the bench waits for {@code /init}'s reply: past the router's own 120 s. */
  private static final Duration INIT_REPLY = Duration.ofSeconds(150);

  private static String apply(LocalCluster cluster, String name, String yaml, Path workDir)
      throws IOException {
    Files.createDirectories(workDir);
    Path file = workDir.resolve(name + ".yaml");
    Files.writeString(file, yaml);
    return cluster.apply(file);
  }

  private static LocalCluster.RouterInfo awaitRouter(
      LocalCluster cluster, String name, long deadline) {
    return await()
        .atMost(remaining(deadline))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> cluster.routerInfo(name).orElse(null), i -> i != null);
  }

  /** Time left until {@code deadline} ({@link System#nanoTime()}), at least a second. */
  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(1_000_000_000L, deadline - System.nanoTime()));
  }

  /** The router's answer to {@code /init}, or null for a deployment made from a full spec. */
  String initReply() {
    return initReply;
  }

  String name() {
    return name;
  }

  LocalCluster.RouterInfo router() {
    return router;
  }

  /** The router as a bench target; its HTTP client's threads count in {@code cpu}. */
  RouterTarget target(ClientCpu cpu) {
    return new RouterTarget(router.routerUrl(), router.token(), router.tls(), cpu);
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
    for (Pod pod : podList(cluster, name)) {
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
    return podList(cluster, name).size();
  }

  @Override
  public void close() {
    delete(cluster, name, timeout);
  }

  /** Deletes the database and waits, up to {@code timeout}, for its pods to go. */
  private static void delete(LocalCluster cluster, String name, Duration timeout) {
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
        .until(() -> podList(cluster, name).isEmpty());
  }

  private static List<Pod> podList(LocalCluster cluster, String name) {
    return cluster
        .client()
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

  static boolean isReady(LocalCluster cluster, String name) {
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
